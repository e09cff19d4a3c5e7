"""The one registry of policies: every policy class registers itself here by decorator.

Catalogues are filters over this registry, never hand-kept lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triad.model.policies.base import Policy

_REGISTRY: dict[tuple[str, str], type[Policy]] = {}


def register[P: type[Policy]](cls: P) -> P:
    """Class decorator: add a policy to the registry under (actor, name).

    Args:
        cls: A :class:`~triad.model.policies.base.Policy` subclass with ``actor`` and ``name``.

    Returns:
        The class, unchanged.

    Raises:
        ValueError: If a policy of that actor and name is already registered.
    """
    key = (cls.actor, cls.name)
    if key in _REGISTRY and _REGISTRY[key] is not cls:
        raise ValueError(f"policy {cls.actor}.{cls.name} is registered twice")
    _REGISTRY[key] = cls
    return cls


def _load() -> None:
    # Importing the family modules runs their @register decorators.
    from triad.model.policies import china, dprk, human, russia  # noqa: F401


def policy_names(actor: str) -> tuple[str, ...]:
    """Names of the policies an actor can run, sorted."""
    _load()
    return tuple(sorted(name for (owner, name) in _REGISTRY if owner == actor))


def get_policy(actor: str, name: str) -> type[Policy]:
    """The policy class registered for an actor under a name.

    Raises:
        KeyError: If there is none.
    """
    _load()
    return _REGISTRY[(actor, name)]


def all_policies() -> tuple[type[Policy], ...]:
    """Every registered policy class."""
    _load()
    return tuple(_REGISTRY.values())

"""The parameter registry: every input a scenario holds, described once from the schema.

Each numeric parameter of the actors and dynamics, each world driver and each actor's policy
is a :class:`Parameter` with its dotted path (as ``--set`` writes it, without ``actors.``),
its kind, bounds, unit, schema default and description. Every command finds a parameter
here: ``--set``'s checks, the ranges of ``sweep``, ``sensitivity`` and ``calibrate``, the
items of ``explain``, the model's parameter arrays and the web app's forms.

A path may carry ``actors.`` in front of an actor's name, as a scenario file nests it
(``actors.russia.war.dud_rate``); ``world.`` and ``dynamics.`` paths stand alone, since a
scenario file holds them at its top level (``actors.world.pressure`` is refused, by
``--set`` and by every analysis alike). The schema is the only source: the
unit is the bracketed part that ends every field's description (``"Dud rate [share]"``),
the bounds are the field's ``ge``/``gt``/``le``/``lt`` constraints (a driver's are
:data:`~triad.scenario.schema.DRIVER_BOUNDS`), a policy's choices are the registered
policies of its actor.

:func:`current_value` reads a parameter's value in a given scenario (a driver's starting
value), so a form, a report or a notebook shows the scenario's own numbers beside the
schema's description.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from triad.model.policies.registry import policy_names
from triad.scenario.schema import DRIVER_BOUNDS, Actors, Dynamics, Scenario, World

Kind = Literal["number", "count", "flag", "driver", "policy"]
ACTORS: tuple[str, ...] = tuple(Actors.model_fields)
NUMERIC_KINDS: tuple[Kind, ...] = ("number", "count", "flag", "driver")
"""The kinds that hold a number (a flag: 0 or 1); a policy holds a name."""
_UNIT = re.compile(r"\s*\[([^\]]*)\]\s*$")


@dataclass(frozen=True)
class Parameter:
    """One input of a scenario.

    Attributes:
        path: Dotted path as ``--set`` takes it (``russia.war.dud_rate``, ``world.pressure``,
            ``china.policy``).
        kind: ``number``, ``count`` (a whole number), ``flag``, ``driver`` or ``policy``.
        low: Lowest allowed value, or None when unbounded (None for a policy).
        high: Highest allowed value, or None when unbounded (None for a policy).
        unit: Unit as the schema states it (``share``, ``US$ m/month``; ``name`` for a policy).
        description: The schema's description without its unit.
        default: The schema's default (a policy's: the actor's default policy).
        choices: A policy's possible names; empty for the other kinds.
        low_open: Whether ``low`` itself is excluded (the schema's ``gt``).
        high_open: Whether ``high`` itself is excluded (the schema's ``lt``).
    """

    path: str
    kind: Kind
    low: float | None
    high: float | None
    unit: str
    description: str
    default: float | str | bool | None
    choices: tuple[str, ...] = ()
    low_open: bool = False
    high_open: bool = False


def parameters(*kinds: Kind) -> dict[str, Parameter]:
    """Every parameter, by path: actors' numbers, dynamics, world drivers and policies.

    Args:
        *kinds: Only the parameters of these kinds (default: every kind).

    Returns:
        A new dict each call, in schema order (the schema is walked once).
    """
    found = _parameters()
    return {path: p for path, p in found.items() if not kinds or p.kind in kinds}


def parameter(path: str) -> Parameter:
    """The parameter at a path (``actors.`` in front of an actor's name is accepted).

    Raises:
        KeyError: If no parameter has that path.
    """
    return _parameters()[bare_path(path)]


def is_parameter(path: str, *kinds: Kind) -> bool:
    """Whether a path (``actors.`` in front of an actor's name allowed) names a parameter.

    Args:
        path: A dotted path.
        *kinds: Only a parameter of one of these kinds counts (default: any kind).
    """
    found = _parameters().get(bare_path(path))
    return found is not None and (not kinds or found.kind in kinds)


def bare_path(path: str) -> str:
    """A path without the ``actors.`` a scenario file nests an actor's inputs under.

    ``actors.russia.war.dud_rate`` -> ``russia.war.dud_rate``; any other path is returned as
    it is (``actors.world.pressure`` stays, and is no parameter).
    """
    rest = path.removeprefix("actors.")
    return rest if rest != path and rest.split(".")[0] in ACTORS else path


def current_value(scenario: Scenario, path: str) -> float | str | bool | None:
    """A parameter's value in a scenario: a driver's starting value, a policy's name.

    Raises:
        KeyError: If no parameter has that path.
    """
    found = parameter(path)
    parts = found.path.split(".")
    if found.kind == "driver":
        return getattr(scenario.world, parts[1]).value  # type: ignore[no-any-return]
    owner: Any = scenario.dynamics if parts[0] == "dynamics" else scenario.actors
    for part in parts[1:] if parts[0] == "dynamics" else parts:
        owner = getattr(owner, part)
    return owner  # type: ignore[no-any-return]


@functools.cache
def _parameters() -> dict[str, Parameter]:
    found: dict[str, Parameter] = {}
    for actor in ACTORS:
        _walk(_model(actor), f"{actor}.", found)
    _walk(Dynamics, "dynamics.", found)
    for name, (low, high) in DRIVER_BOUNDS.items():
        info = World.model_fields[name]
        text, unit = split_unit(info.description or "")
        default = info.default_factory().value if info.default_factory else None  # type: ignore[call-arg]
        found[f"world.{name}"] = Parameter(
            f"world.{name}", "driver", low, high, unit, text, default
        )
    return found


def _model(actor: str) -> type[BaseModel]:
    annotation = Actors.model_fields[actor].annotation
    assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation


def _walk(model: Any, prefix: str, out: dict[str, Parameter]) -> None:
    """Add every numeric field and policy of a schema model (and its sub-models)."""
    for name, info in model.model_fields.items():
        annotation = info.annotation
        path = f"{prefix}{name}"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _walk(annotation, f"{path}.", out)
        elif name == "policy" and prefix.count(".") == 1:
            out[path] = _policy(path, info)
        elif annotation in (float, int, bool):
            out[path] = _number(path, annotation, info)


def _number(path: str, annotation: type, info: FieldInfo) -> Parameter:
    kinds: dict[type, Kind] = {float: "number", int: "count", bool: "flag"}
    bounds = {
        key: getattr(meta, key)
        for meta in info.metadata
        for key in ("ge", "gt", "le", "lt")
        if getattr(meta, key, None) is not None
    }
    low, high = bounds.get("gt", bounds.get("ge")), bounds.get("lt", bounds.get("le"))
    if annotation is bool:
        low, high = 0, 1
    text, unit = split_unit(info.description or "")
    return Parameter(
        path,
        kinds[annotation],
        low,
        high,
        unit,
        text,
        info.default,
        low_open="gt" in bounds,
        high_open="lt" in bounds,
    )


def _policy(path: str, info: FieldInfo) -> Parameter:
    actor = path.split(".")[0]
    text, _ = split_unit(info.description or "")
    choices = policy_names(actor)
    return Parameter(path, "policy", None, None, "name", text, info.default, choices)


def split_unit(description: str) -> tuple[str, str]:
    """A schema description split into its text and the unit in its closing brackets.

    ``"Dud rate of DPRK shells [share]"`` -> ``("Dud rate of DPRK shells", "share")``; a
    description without brackets has the unit ``""``.
    """
    match = _UNIT.search(description)
    if match is None:
        return description.strip(), ""
    return description[: match.start()].strip(), match.group(1).strip()

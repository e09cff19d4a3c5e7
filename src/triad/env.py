"""The PettingZoo environment of triad (needs the ``rl`` extra): see :mod:`triad.game.env`.

Example::

    from triad.env import TriadEnv

    env = TriadEnv("baseline", months=12)
    observations, infos = env.reset(seed=7)

PettingZoo's factories: ``parallel_env(**kwargs)`` (the ``ParallelEnv``), ``raw_env`` and
``env`` (the AEC version, bare and with PettingZoo's usual wrappers).
"""

from __future__ import annotations

try:
    from triad.game.env import (
        ACTION_NAMES,
        AGENTS,
        OBSERVATION_METRICS,
        OBSERVATION_NAMES,
        TriadEnv,
        env,
        parallel_env,
        raw_env,
    )
except ModuleNotFoundError as error:  # pragma: no cover - depends on the install
    if error.name not in ("pettingzoo", "gymnasium"):
        raise
    raise ModuleNotFoundError(
        f"triad.env needs {error.name}: install triad with the rl extra, pip install 'triad[rl]'"
    ) from error

__all__ = [
    "ACTION_NAMES",
    "AGENTS",
    "OBSERVATION_METRICS",
    "OBSERVATION_NAMES",
    "TriadEnv",
    "env",
    "parallel_env",
    "raw_env",
]

"""Parameters as arrays over worlds, with uncertain parameters sampled per world.

Every numeric parameter of a scenario becomes one float array of shape ``(worlds,)`` keyed
by its dotted path (``russia.tech_transfer.max_tier``). Events change these arrays for the
worlds in which they fire; uncertain parameters are drawn per world from the scenario's
distributions with the counter-based streams, so world k draws the same values whatever
the ensemble size.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from triad.model.randomness import Streams
from triad.scenario.schema import Distribution, Scenario, numeric_paths

Array = NDArray[np.float64]


def flat_parameters(scenario: Scenario) -> dict[str, float]:
    """Every numeric parameter of the scenario by dotted path (drivers excluded).

    Actor parameters drop the ``actors.`` prefix; booleans become 0.0 or 1.0.
    """
    tree: dict[str, Any] = scenario.actors.model_dump()
    tree["dynamics"] = scenario.dynamics.model_dump()
    out: dict[str, float] = {}
    for path in numeric_paths():
        if path.startswith("world."):
            continue
        value = _lookup(tree, path)
        if value is not None:
            out[path] = float(value)
    return out


def _lookup(tree: dict[str, Any], path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def parameter_arrays(scenario: Scenario, streams: Streams, worlds: int) -> dict[str, Array]:
    """Parameters as ``(worlds,)`` arrays, with uncertain ones sampled per world.

    Args:
        scenario: A validated scenario.
        streams: The ensemble's random streams.
        worlds: Number of worlds held here.

    Returns:
        Path -> array of shape ``(worlds,)``.
    """
    params = {path: np.full(worlds, value) for path, value in flat_parameters(scenario).items()}
    for path, dist in scenario.uncertain.items():
        params[path] = sample(dist, streams.setup_uniform(f"uncertain:{path}"))
    return params


def sample(dist: Distribution, u: Array) -> Array:
    """Map uniform draws to a distribution by its inverse CDF.

    Args:
        dist: The distribution.
        u: Uniform draws in (0, 1), one per world.

    Returns:
        The sampled values.
    """
    match dist.dist:
        case "uniform":
            return _f(dist.low) + u * (_f(dist.high) - _f(dist.low))
        case "triangular":
            return _triangular(_f(dist.low), _f(dist.mode), _f(dist.high), u)
        case "truncnormal":
            return _truncnormal(_f(dist.mean), _f(dist.sd), _f(dist.low), _f(dist.high), u)
        case "lognormal":
            out: Array = _f(dist.median) * np.exp(_f(dist.sigma) * ndtri(u))
            return out
        case _:
            return _choice(dist.values or [], dist.weights, u)


def _f(value: float | None) -> float:
    assert value is not None, "validated by the schema"
    return float(value)


def _triangular(low: float, mode: float, high: float, u: Array) -> Array:
    cut = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    out: Array = np.where(u < cut, left, right)
    return out


def _truncnormal(mean: float, sd: float, low: float, high: float, u: Array) -> Array:
    a, b = ndtr((low - mean) / sd), ndtr((high - mean) / sd)
    out: Array = np.clip(mean + sd * ndtri(a + u * (b - a)), low, high)
    return out


def _choice(values: list[float], weights: list[float] | None, u: Array) -> Array:
    w = np.asarray(weights if weights is not None else [1.0] * len(values), dtype=np.float64)
    edges = np.cumsum(w / w.sum())
    index = np.minimum(np.searchsorted(edges, u, side="right"), len(values) - 1)
    out: Array = np.asarray(values, dtype=np.float64)[index]
    return out

"""Parameters as arrays over worlds, with uncertain parameters sampled per world.

Every numeric parameter of a scenario becomes one float array of shape ``(worlds,)`` keyed
by its dotted path (``russia.tech_transfer.max_tier``). Events change these arrays for the
worlds in which they fire; uncertain parameters are drawn per world from the scenario's
distributions with the counter-based streams, so world k draws the same values whatever
the ensemble size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from triad.model.randomness import Streams
from triad.scenario.registry import parameters
from triad.scenario.schema import Distribution, Scenario, uncertain_kind

Array = NDArray[np.float64]
Shapes = Mapping[str, Mapping[str, Array]]
"""``uncertain`` key -> a distribution's numbers given per world (``{"high": array}``)."""


def flat_parameters(scenario: Scenario) -> dict[str, float]:
    """Every numeric parameter of the scenario by dotted path (drivers excluded).

    Actor parameters drop the ``actors.`` prefix; booleans become 0.0 or 1.0.
    """
    tree: dict[str, Any] = scenario.actors.model_dump()
    tree["dynamics"] = scenario.dynamics.model_dump()
    out: dict[str, float] = {}
    for path in parameters("number", "count", "flag"):
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


def parameter_arrays(
    scenario: Scenario, streams: Streams, worlds: int, shapes: Shapes | None = None
) -> dict[str, Array]:
    """Parameters as ``(worlds,)`` arrays, with uncertain ones sampled per world.

    Args:
        scenario: A validated scenario.
        streams: The ensemble's random streams.
        worlds: Number of worlds held here.
        shapes: Numbers of ``uncertain`` distributions given per world (see :func:`draw`).

    Returns:
        Path -> array of shape ``(worlds,)``.
    """
    dtype = np.dtype(scenario.precision)
    fixed = flat_parameters(scenario).items()
    params = {path: np.full(worlds, value, dtype=dtype) for path, value in fixed}
    for path in scenario.uncertain:
        if uncertain_kind(path) == "parameter":
            drawn = draw(scenario, streams, path, worlds, (shapes or {}).get(path))
            params[path] = drawn.astype(dtype, copy=False)
    return params


def uncertain_shapes(points: Mapping[str, Array]) -> dict[str, dict[str, Array]]:
    """The per-world numbers of distributions among per-world values, by ``uncertain`` key.

    Args:
        points: Input path -> values per world; ``uncertain.KEY.FIELD`` paths are read.
    """
    shapes: dict[str, dict[str, Array]] = {}
    for path, values in points.items():
        if path.startswith("uncertain."):
            key, field = path.removeprefix("uncertain.").rsplit(".", 1)
            shapes.setdefault(key, {})[field] = values
    return shapes


def draw(
    scenario: Scenario,
    streams: Streams,
    key: str,
    worlds: int,
    shape: Mapping[str, Array] | None = None,
) -> Array:
    """The values of one numeric ``uncertain`` entry in each world.

    With ``fix_uncertain`` every world takes the distribution's central value
    (:func:`central`); otherwise world k draws from its own counter-based stream, the same
    whatever the ensemble size or chunking.

    Args:
        scenario: A validated scenario.
        streams: The ensemble's random streams.
        key: The ``uncertain`` key (a parameter path or ``events.<name>.<field>``).
        worlds: Number of worlds held here.
        shape: The distribution's numbers given per world (``low``, ``high``, ...), each
            ``(worlds,)``, in place of the scenario's; world k keeps its own uniform draw,
            mapped through its own distribution.
    """
    dist = scenario.uncertain[key]
    if scenario.fix_uncertain:
        if shape:
            return sample(dist, np.full(worlds, 0.5), shape)
        return np.full(worlds, central(dist))
    return sample(dist, streams.setup_uniform(f"uncertain:{key}"), shape)


def central(dist: Distribution) -> float:
    """The central value of a numeric distribution: its median; a choice's most likely value."""
    if dist.dist == "choice":
        return dist.numbers[_most_likely(dist)]
    return float(sample(dist, np.array([0.5]))[0])


def choice_index(scenario: Scenario, streams: Streams, key: str, worlds: int) -> NDArray[np.intp]:
    """Which of a choice's values each world takes (for a choice among names, a policy).

    With ``fix_uncertain`` every world takes the most likely value (the first of equals).
    """
    dist = scenario.uncertain[key]
    if scenario.fix_uncertain:
        return np.full(worlds, _most_likely(dist), dtype=np.intp)
    return _choice_index(dist, streams.setup_uniform(f"uncertain:{key}"))


def event_draws(
    scenario: Scenario,
    streams: Streams,
    worlds: int,
    points: Mapping[str, Array] | None = None,
) -> tuple[dict[str, NDArray[np.int64]], dict[str, Array]]:
    """Per-world dates and action values of events with ``uncertain`` entries or points.

    Args:
        scenario: A validated scenario.
        streams: The ensemble's random streams.
        worlds: Number of worlds held here.
        points: Checked per-world values (:mod:`triad.scenario.named_points`): an event's
            month (``events.NAME.at``, an absolute month index) or action value
            (``events.NAME.value``, ``events.NAME.actions.N.by``) replaces its draw; a
            distribution's numbers (``uncertain.KEY.FIELD``) shape its draw.

    Returns:
        Event name -> the month index (0 = start) it happens in each world (past the
        horizon: never), and ``name.value``, ``name.by`` or ``name.actions.N.value`` (or
        ``.by``) -> the action's value per world.
    """
    given = dict(points or {})
    shapes = uncertain_shapes(given)
    start = scenario.first_month.index
    dtype = np.dtype(scenario.precision)
    dates: dict[str, NDArray[np.int64]] = {}
    values: dict[str, Array] = {}
    for key in scenario.uncertain:
        if uncertain_kind(key) != "event":
            continue
        name, field = key.removeprefix("events.").rsplit(".", 1)
        drawn = draw(scenario, streams, key, worlds, shapes.get(key))
        if field == "at":
            dates[name] = np.floor(drawn).astype(np.int64) - start
        else:
            values[f"{name}.{field}"] = drawn.astype(dtype, copy=False)
    for path, value in given.items():
        if not path.startswith("events."):
            continue
        rest = path.removeprefix("events.")
        if rest.endswith(".at"):
            dates[rest.removesuffix(".at")] = np.floor(value).astype(np.int64) - start
        else:
            values[rest] = np.asarray(value, dtype=dtype)
    return dates, values


def sample(dist: Distribution, u: Array, shape: Mapping[str, Array] | None = None) -> Array:
    """Map uniform draws to a distribution by its inverse CDF.

    Args:
        dist: The distribution.
        u: Uniform draws in (0, 1), one per world.
        shape: Numbers of the distribution given per world (``{"high": array}``), in place
            of its own; a choice has none.

    Returns:
        The sampled values.
    """
    given = shape or {}

    def number(name: str) -> Any:
        return given[name] if name in given else _f(getattr(dist, name))

    match dist.dist:
        case "uniform":
            low = number("low")
            return np.asarray(low + u * (number("high") - low), dtype=np.float64)
        case "triangular":
            return _triangular(number("low"), number("mode"), number("high"), u)
        case "truncnormal":
            return _truncnormal(number("mean"), number("sd"), number("low"), number("high"), u)
        case "lognormal":
            out: Array = number("median") * np.exp(number("sigma") * ndtri(u))
            return out
        case _:
            out = np.asarray(dist.numbers, dtype=np.float64)[_choice_index(dist, u)]
            return out


def _f(value: float | None) -> float:
    assert value is not None, "validated by the schema"
    return float(value)


def _triangular(low: Any, mode: Any, high: Any, u: Array) -> Array:
    """Triangular quantiles; the ends and mode may be floats or per-world arrays."""
    cut = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    out: Array = np.where(u < cut, left, right)
    return out


def _truncnormal(mean: Any, sd: Any, low: Any, high: Any, u: Array) -> Array:
    """Truncated normal quantiles; the numbers may be floats or per-world arrays."""
    a, b = ndtr((low - mean) / sd), ndtr((high - mean) / sd)
    out: Array = np.clip(mean + sd * ndtri(a + u * (b - a)), low, high)
    return out


def _choice_index(dist: Distribution, u: Array) -> NDArray[np.intp]:
    """Index of the value each uniform draw picks, by the choice's cumulative weights."""
    count = len(dist.values or [])
    w = np.asarray(dist.weights if dist.weights is not None else [1.0] * count, dtype=np.float64)
    edges = np.cumsum(w / w.sum())
    index: NDArray[np.intp] = np.minimum(np.searchsorted(edges, u, side="right"), count - 1)
    return index


def _most_likely(dist: Distribution) -> int:
    """Index of a choice's most likely value (the first of equally likely ones)."""
    count = len(dist.values or [])
    weights = dist.weights if dist.weights is not None else [1.0] * count
    return int(np.argmax(weights))

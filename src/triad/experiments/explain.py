"""Explain why two scenarios differ: Shapley attribution over the items in which they differ.

Scenario A and scenario B differ in a set of **items**: each numeric parameter whose value
differs, each world driver whose path differs, each event present in only one of them or
written differently, each ``uncertain`` entry that differs, and each actor's policy. A
**coalition** S of items is scenario A with the items in S taken from B. The value of a
coalition is the ensemble **mean** of the metric at the chosen month; every coalition runs
with the same seed and the same worlds (common random numbers), so

    value(all items) - value(no item) = mean over worlds k of (B[k] - A[k]),

the mean of the paired per-world difference. The Shapley value of an item is its marginal
effect on that mean, averaged over every order in which the items could be switched from A
to B. Shapley values add up to the total difference (the mean is linear, so this holds
exactly, not just on average), and an item that changes no world's outcome gets exactly 0:
with common random numbers, adding it to a coalition reproduces the coalition's worlds
bit for bit.

Up to :data:`EXACT_LIMIT` items every coalition is run (2**n ensembles, each cached);
beyond, the values are estimated from seeded random permutations, taken in antithetic pairs
(a permutation and its reverse). Each permutation's contributions telescope to the total
difference, so the sampled values add up exactly too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import ValidationError

from triad.errors import ExplainError, ModelError
from triad.runs.context import RunContext
from triad.runs.ensemble import run_ensemble
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.month import Month
from triad.scenario.registry import parameters
from triad.scenario.schema import Scenario as ScenarioModel

Array = NDArray[np.float64]
Coalition = frozenset[int]

EXACT_LIMIT = 10
"""Most items attributed exactly (2**10 = 1,024 coalitions); beyond, permutations are sampled."""
DEFAULT_PERMUTATIONS = 64
"""Permutations sampled beyond :data:`EXACT_LIMIT` items (32 antithetic pairs)."""
KINDS = ("parameter", "policy", "driver", "event", "action", "uncertain")


# --------------------------------------------------------------------------- items
@dataclass(frozen=True)
class Item:
    """One thing in which scenarios A and B differ.

    Attributes:
        name: Dotted path (parameter, driver, uncertain entry), event name,
            ``<event>.actions.<k>`` or ``<actor>.policy``.
        kind: ``parameter``, ``policy``, ``driver``, ``event``, ``action`` (one action of
            an event that differs only in its actions) or ``uncertain``.
        value_a: Its value in A, as in the resolved scenario (None if absent).
        value_b: Its value in B (None if absent).
    """

    name: str
    kind: str
    value_a: Any
    value_b: Any


def differing_items(a: ScenarioModel, b: ScenarioModel) -> list[Item]:
    """Every item in which two resolved scenarios differ, in schema order.

    Name, title, description, horizon, worlds and seed are run settings, not items.
    """
    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    items = [*_parameters(da, db), *_policies(da, db), *_drivers(da, db)]
    items += [*_events(da, db), *_uncertain(da, db)]
    return items


def _parameters(da: dict[str, Any], db: dict[str, Any]) -> Iterator[Item]:
    for path in parameters("number", "count", "flag"):
        va, vb = _get(da, path), _get(db, path)
        if va != vb:
            yield Item(path, "parameter", va, vb)


def _policies(da: dict[str, Any], db: dict[str, Any]) -> Iterator[Item]:
    for path in parameters("policy"):
        va, vb = _get(da, path), _get(db, path)
        if va != vb:
            yield Item(path, "policy", va, vb)


def _drivers(da: dict[str, Any], db: dict[str, Any]) -> Iterator[Item]:
    for path in parameters("driver"):
        va, vb = _get(da, path), _get(db, path)
        if va != vb:
            yield Item(path, "driver", va, vb)


def _events(da: dict[str, Any], db: dict[str, Any]) -> Iterator[Item]:
    """One item per differing event, or one per action of a multi-action event.

    An event that differs only in its actions (or is in one scenario only) and has several
    actions gives one item per action, so that each action's share is its own.
    """
    ea = {e["name"]: e for e in da["events"]}
    eb = {e["name"]: e for e in db["events"]}
    for name in [*ea, *(n for n in eb if n not in ea)]:
        a, b = ea.get(name), eb.get(name)
        if a == b:
            continue
        if _split_by_action(a, b):
            yield from _action_items(name, a, b)
        else:
            yield Item(name, "event", a, b)


def _split_by_action(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Whether an event's difference lies in its actions alone, over more than one."""
    if a is None or b is None:
        present = a if b is None else b
        return present is not None and len(present["actions"]) > 1
    same = {k: v for k, v in a.items() if k != "actions"} == {
        k: v for k, v in b.items() if k != "actions"
    }
    return same and max(len(a["actions"]), len(b["actions"])) > 1


def _action_items(name: str, a: dict[str, Any] | None, b: dict[str, Any] | None) -> Iterator[Item]:
    actions_a = [] if a is None else a["actions"]
    actions_b = [] if b is None else b["actions"]
    for k in range(max(len(actions_a), len(actions_b))):
        va = actions_a[k] if k < len(actions_a) else None
        vb = actions_b[k] if k < len(actions_b) else None
        if va != vb:
            yield Item(f"{name}.actions.{k}", "action", va, vb)


def _uncertain(da: dict[str, Any], db: dict[str, Any]) -> Iterator[Item]:
    ua, ub = da["uncertain"], db["uncertain"]
    for path in [*ua, *(p for p in ub if p not in ua)]:
        if ua.get(path) != ub.get(path):
            yield Item(path, "uncertain", ua.get(path), ub.get(path))


def _keys(path: str) -> list[str]:
    parts = path.split(".")
    return parts if parts[0] in ("dynamics", "world") else ["actors", *parts]


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for key in _keys(path):
        node = node[key]
    return node


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = _keys(path)
    node = data
    for key in parents:
        node = node[key]
    node[leaf] = value


# --------------------------------------------------------------------------- hybrids
def hybrid(a: dict[str, Any], b: dict[str, Any], items: Sequence[Item]) -> dict[str, Any]:
    """Scenario A's document with the given items taken from B's.

    Args:
        a: Scenario A dumped as JSON-like data (``model_dump(mode="json")``).
        b: Scenario B, likewise.
        items: The items to take from B.

    Returns:
        A new document (A and B are not changed).
    """
    data: dict[str, Any] = json.loads(json.dumps(a))
    for item in items:
        if item.kind in ("parameter", "policy", "driver"):
            _put(data, item.name, item.value_b)
        elif item.kind == "uncertain":
            data["uncertain"].pop(item.name, None)
            if item.value_b is not None:
                data["uncertain"][item.name] = item.value_b
    data["events"] = _hybrid_events(a["events"], b["events"], items)
    return data


def _hybrid_events(
    a: list[dict[str, Any]], b: list[dict[str, Any]], items: Sequence[Item]
) -> list[dict[str, Any]]:
    """A's events in A's order, those switched replaced or dropped, then B's new ones.

    An event split into its actions takes B's action where that action's item is switched
    and A's otherwise; it is left out when no action remains.
    """
    switched = {item.name for item in items if item.kind == "event"}
    actions: dict[str, set[int]] = {}
    for item in items:
        if item.kind == "action":
            owner, _, index = item.name.rpartition(".actions.")
            actions.setdefault(owner, set()).add(int(index))
    from_a, from_b = {e["name"]: e for e in a}, {e["name"]: e for e in b}
    order = [*from_a, *(n for n in from_b if n not in from_a)]
    out: list[dict[str, Any]] = []
    for name in order:
        event: dict[str, Any] | None
        if name in actions:
            event = _mixed_event(from_a.get(name), from_b.get(name), actions[name])
        elif name in switched:
            event = from_b.get(name)
        else:
            event = from_a.get(name)
        if event is not None:
            out.append(event)
    return out


def _mixed_event(
    a: dict[str, Any] | None, b: dict[str, Any] | None, taken: set[int]
) -> dict[str, Any] | None:
    """An event with B's actions at the indices ``taken`` and A's elsewhere."""
    base = a if a is not None else b
    assert base is not None  # an action item comes from an event in A or B
    actions_a = [] if a is None else a["actions"]
    actions_b = [] if b is None else b["actions"]
    mixed = []
    for k in range(max(len(actions_a), len(actions_b))):
        own = actions_b if k in taken else actions_a
        if k < len(own) and own[k] is not None:
            mixed.append(own[k])
    return {**base, "actions": mixed} if mixed else None


# --------------------------------------------------------------------------- Shapley
def exact_shapley(n: int, value: Callable[[Coalition], float]) -> Array:
    """Shapley values by enumerating every coalition of ``n`` players.

    Args:
        n: Number of players.
        value: The value of a coalition (a frozenset of player indices).

    Returns:
        One value per player.
    """
    weights = [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)]
    phi = np.zeros(n)
    for size in range(n):
        for members in combinations(range(n), size):
            base = frozenset(members)
            before = value(base)
            for i in range(n):
                if i not in base:
                    phi[i] += weights[size] * (value(base | {i}) - before)
    return phi


def sampled_shapley(
    n: int, value: Callable[[Coalition], float], permutations: int, seed: int
) -> Array:
    """Shapley values estimated from random permutations in antithetic pairs.

    Args:
        n: Number of players.
        value: The value of a coalition.
        permutations: Permutations to average (rounded up to an even number).
        seed: Seed of the numpy Generator that draws them.

    Returns:
        One value per player; they add up to ``value(all) - value(none)`` exactly.
    """
    rng = np.random.default_rng(seed)
    pairs = max(1, math.ceil(permutations / 2))
    phi = np.zeros(n)
    for _ in range(pairs):
        order = [int(i) for i in rng.permutation(n)]
        for sequence in (order, order[::-1]):
            members: Coalition = frozenset()
            before = value(members)
            for i in sequence:
                members = members | {i}
                after = value(members)
                phi[i] += after - before
                before = after
    out: Array = phi / (2 * pairs)
    return out


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class Attribution:
    """The difference between two scenarios in one metric, split among their differences.

    Attributes:
        labels: The names of scenarios A and B as given.
        metric: The metric explained.
        date: The month (``YYYY-MM``) at which it is taken.
        items: The items in which A and B differ.
        contributions: The Shapley value of each item, in the metric's unit.
        value_a: Ensemble mean of the metric in A.
        value_b: Ensemble mean in B.
        paired: Per-world difference B - A, shape ``(worlds,)``.
        method: ``exact`` or ``sampled``.
        permutations: Permutations sampled (0 when exact).
        runs: Ensembles run (distinct coalitions).
        worlds: Worlds per ensemble.
        seed: The seed shared by every ensemble.
    """

    labels: tuple[str, str]
    metric: str
    date: str
    items: tuple[Item, ...]
    contributions: Array
    value_a: float
    value_b: float
    paired: Array
    method: str
    permutations: int
    runs: int
    worlds: int
    seed: int

    @property
    def total(self) -> float:
        """B's mean minus A's: the mean of the paired per-world difference."""
        return self.value_b - self.value_a

    @property
    def residual(self) -> float:
        """Total difference minus the sum of the contributions (0 up to rounding)."""
        return self.total - float(self.contributions.sum())

    @property
    def tolerance(self) -> float:
        """The largest residual accepted as rounding: 1e-9 of the values' magnitude."""
        return 1e-9 * max(1.0, abs(self.value_a), abs(self.value_b))

    @property
    def adds_up(self) -> bool:
        """Whether the contributions sum to the total difference within :attr:`tolerance`."""
        return abs(self.residual) <= self.tolerance

    def frame(self) -> pd.DataFrame:
        """One row per item: item, kind, value_a, value_b, contribution (largest first)."""
        rows = [
            {
                "item": item.name,
                "kind": item.kind,
                "value_a": describe(item, item.value_a),
                "value_b": describe(item, item.value_b),
                "contribution": float(c),
            }
            for item, c in zip(self.items, self.contributions, strict=True)
        ]
        frame = pd.DataFrame(rows, columns=["item", "kind", "value_a", "value_b", "contribution"])
        order = frame["contribution"].abs().sort_values(ascending=False, kind="stable").index
        return frame.loc[order].reset_index(drop=True)

    def check_text(self) -> str:
        """One sentence saying whether the contributions add up, with the residual."""
        state = "add up to" if self.adds_up else "do NOT add up to"
        return (
            f"The contributions {state} the total difference {self.total:+.6g} "
            f"(residual {self.residual:.2g}, tolerance {self.tolerance:.2g})."
        )

    def method_text(self) -> str:
        """How the Shapley values were computed."""
        n = len(self.items)
        if self.method == "exact":
            noun = "item" if n == 1 else "items"
            return f"exact Shapley values over {n} {noun} ({2**n} coalitions)"
        return (
            f"Shapley values estimated from {self.permutations} seeded random permutations "
            f"(antithetic pairs) over {n} items; {self.runs} coalitions run"
        )


def describe(item: Item, value: Any) -> str:
    """A short text for an item's value: a number, a policy, a driver path or an event."""
    if value is None:
        return "absent"
    if item.kind == "event":
        return _describe_event(value)
    if item.kind == "action":
        return _describe_action(value)
    if item.kind == "driver":
        return _describe_driver(value)
    if item.kind == "uncertain":
        return _describe_distribution(value, months=item.name.endswith(".at"))
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _describe_event(event: dict[str, Any]) -> str:
    when = (
        f"at {event['at']}"
        if event.get("at")
        else f"p={event['probability']}/month"
        if event.get("probability") is not None
        else "when a condition holds"
    )
    actions = [_describe_action(action) for action in event["actions"]]
    return f"{when}: {'; '.join(actions)}"


def _describe_action(action: dict[str, Any]) -> str:
    if action.get("set"):
        return f"set {action['set']} = {action['value']:g}"
    if action.get("scale"):
        return f"scale {action['scale']} x{action['by']:g}"
    if action.get("ramp"):
        return f"ramp {action['ramp']} to {action['value']:g} over {action['months']} mo"
    return f"trigger {action['trigger']}"


def _describe_driver(path: dict[str, Any]) -> str:
    parts = [] if path.get("value") is None else [f"{path['value']:g}"]
    parts += [f"{s['at']}: {s['value']:g}" for s in path.get("steps", [])]
    parts += [f"ramp to {r['value']:g} by {r['end']}" for r in path.get("ramps", [])]
    if path.get("points"):
        parts.append(f"{len(path['points'])} points")
    sd = path.get("noise", {}).get("sd", 0.0)
    if sd:
        parts.append(f"noise sd {sd:g}")
    return ", ".join(parts)


def _describe_distribution(dist: dict[str, Any], *, months: bool = False) -> str:
    """``triangular low=.. mode=.. high=..``; an event month's bounds as ``YYYY-MM``."""
    shown = {k: v for k, v in dist.items() if k != "dist" and v is not None}
    if months:
        shown = {k: _month(v) if k in _MONTH_KEYS else v for k, v in shown.items()}
    return f"{dist['dist']} " + " ".join(f"{k}={_short(v)}" for k, v in shown.items())


_MONTH_KEYS = frozenset({"low", "mode", "high"})


def _month(value: Any) -> Any:
    """A month count as ``YYYY-MM`` (event dates are drawn as month counts)."""
    return str(Month(int(value))) if isinstance(value, int | float) else value


def _short(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def markdown(result: Attribution) -> str:
    """The attribution as Markdown: what was computed, the table and the check."""
    a, b = result.labels
    lines = [
        f"# Why {b} differs from {a} in {result.metric} ({result.date})",
        "",
        f"Ensemble mean over {result.worlds} worlds (seed {result.seed}, the same worlds in "
        f"every run): {a} {result.value_a:.6g}, {b} {result.value_b:.6g}; the mean paired "
        f"difference is {result.total:+.6g}. Method: {result.method_text()}.",
        "",
        "| item | kind | in A | in B | contribution |",
        "|---|---|---|---|---|",
    ]
    for row in result.frame().to_dict("records"):
        lines.append(
            f"| `{row['item']}` | {row['kind']} | {row['value_a']} | {row['value_b']} "
            f"| {row['contribution']:+.6g} |"
        )
    lines += ["", result.check_text(), ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- entry point
@dataclass
class _Runner:
    """Runs coalitions on common random numbers and caches their ensemble means."""

    a: dict[str, Any]
    b: dict[str, Any]
    items: Sequence[Item]
    metric: str
    month: int
    context: RunContext
    expected: int = 0

    def __post_init__(self) -> None:
        self.cache: dict[Coalition, Array] = {}

    def worlds(self, members: Coalition) -> Array:
        """The metric in each world for the coalition (run once, then cached)."""
        if members not in self.cache:
            scenario = self.scenario(members)
            sim = run_ensemble(
                scenario,
                log_worlds=0,
                executor=self.context.executor,
                chunk_size=self.context.chunk_size,
            )
            self.cache[members] = np.asarray(sim.series(self.metric)[self.month], np.float64)
            if self.context.progress is not None:
                self.context.progress(len(self.cache), max(self.expected, len(self.cache)))
        return self.cache[members]

    def value(self, members: Coalition) -> float:
        """The ensemble mean of the metric for the coalition."""
        return float(self.worlds(members).mean())

    def scenario(self, members: Coalition) -> ScenarioModel:
        """A with the coalition's items from B, validated.

        Raises:
            ExplainError: If the hybrid breaks a rule of the schema.
        """
        chosen = [self.items[i] for i in sorted(members)]
        try:
            return ScenarioModel.model_validate(hybrid(self.a, self.b, chosen))
        except ValidationError as error:
            names = ", ".join(item.name for item in chosen)
            first = error.errors()[0]["msg"]
            raise ExplainError(
                f"A with {names} taken from B is not a valid scenario ({first}); "
                "these differences only make sense together"
            ) from None


def explain(
    a: str | Path | ScenarioModel,
    b: str | Path | ScenarioModel,
    metric: str,
    *,
    month: str | None = None,
    permutations: int = DEFAULT_PERMUTATIONS,
    options: RunOptions = RunOptions(),
    context: RunContext = RunContext(),
) -> Attribution:
    """Attribute the difference in a metric's ensemble mean between A and B to their items.

    Args:
        a: Scenario A: a bundled name, a file or a resolved scenario.
        b: Scenario B, likewise.
        metric: The metric to explain: ``NAME`` or ``NAME@YYYY-MM`` (read at that month,
            as compare and sweep read it).
        month: ``YYYY-MM`` at which the metric is taken (default: the last common month);
            not with a metric written ``NAME@YYYY-MM``.
        permutations: Permutations sampled when there are more than :data:`EXACT_LIMIT`
            items.
        options: What to run, applied to A and B alike (see :class:`RunOptions`): worlds
            and seed default to A's, and ``fix_uncertain`` fixes every uncertain input of
            every run, so that the means differ only by the items (and the stochastic part).
        context: Where and how the coalitions' ensembles run (see :class:`RunContext`):
            the executor starts once for all of them; progress is called with (runs done,
            runs expected) after each run.

    Returns:
        The contributions, with A's and B's means and the method.

    Raises:
        ExplainError: If nothing differs, the starts differ, the month is outside, or a
            month is given both ways.
        ModelError: If the metric is unknown.
        ScenarioError: If a scenario cannot be loaded.
    """
    sa, sb = prepare_scenario(a, options), prepare_scenario(b, options)
    metric, month, given = _reading(metric, month)
    if sa.start != sb.start:
        raise ExplainError(f"A starts in {sa.start} and B in {sb.start}; explain needs one start")
    items = differing_items(sa, sb)
    if not items:
        raise ExplainError(
            f"no differences: {_label(a)} and {_label(b)} have the same parameters, drivers, "
            "events, uncertain entries and policies; nothing to explain"
        )
    months = min(sa.months, sb.months)
    index = _month_index(sa.start, months, month, given)
    shared = {"worlds": sa.worlds, "seed": sa.seed, "months": months}
    da = sa.model_dump(mode="json") | shared
    db = sb.model_dump(mode="json") | shared
    n = len(items)
    exact = n <= EXACT_LIMIT
    expected = 2**n if exact else permutations * n
    with context.started() as started:
        runner = _Runner(da, db, items, metric, index, started, expected)
        if exact:
            phi = exact_shapley(n, runner.value)
        else:
            phi = sampled_shapley(n, runner.value, permutations, sa.seed)
        low, high = runner.worlds(frozenset()), runner.worlds(frozenset(range(n)))
    return Attribution(
        labels=(_label(a), _label(b)),
        metric=metric,
        date=_date(sa.start, index),
        items=tuple(items),
        contributions=phi,
        value_a=float(low.mean()),
        value_b=float(high.mean()),
        paired=high - low,
        method="exact" if exact else "sampled",
        permutations=0 if exact else 2 * max(1, math.ceil(permutations / 2)),
        runs=len(runner.cache),
        worlds=sa.worlds,
        seed=sa.seed,
    )


def _label(ref: str | Path | ScenarioModel) -> str:
    return ref.name if isinstance(ref, ScenarioModel) else str(ref)


def _check_metric(metric: str) -> None:
    from triad.model.metrics import METRIC_NAMES

    if metric not in METRIC_NAMES:
        raise ModelError(f"unknown metric {metric!r}; known: {', '.join(METRIC_NAMES)}")


def _reading(metric: str, month: str | None) -> tuple[str, str | None, str]:
    """The metric's name, its month (from ``NAME@YYYY-MM`` or ``month``) and how it was given.

    Raises:
        ModelError: If the metric is unknown.
        ExplainError: If the month is given both ways, or is malformed after ``@``.
    """
    from triad.errors import ExperimentError
    from triad.experiments.parameters import parse_outcome

    name, at, _ = metric.partition("@")
    _check_metric(name)
    if not at:
        return name, month, f"--month {month}"
    if month is not None:
        raise ExplainError(
            f"the month is given twice ({metric} and --month {month}): give it once, "
            f"as {name}@YYYY-MM or as --month YYYY-MM"
        )
    try:
        outcome = parse_outcome(metric)
    except ExperimentError as error:
        raise ExplainError(str(error)) from None
    return name, outcome.date, metric


def _month_index(start: str, months: int, month: str | None, given: str = "") -> int:
    if month is None:
        return months - 1
    given = given or f"--month {month}"
    try:
        index = Month.parse(month) - Month.parse(start)
    except ValueError as error:
        raise ExplainError(f"{given}: {error}") from None
    if not 0 <= index < months:
        last = _date(start, months - 1)
        raise ExplainError(f"{given} lies outside the common horizon {start}..{last}")
    return index


def _date(start: str, index: int) -> str:
    return str(Month.parse(start) + index)

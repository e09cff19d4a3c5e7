"""Levels whose crossing is worth a line: the KPA floor, the food gap, trust past 0.5, ..."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from triad.narrate.line import ORDER_THRESHOLD, Line, clusters
from triad.narrate.track import Track
from triad.narrate.units import LABELS, arrow, in_unit, level_text, unit_format, with_unit
from triad.text import value_range

FLOOR_MARGIN_M: Final = 0.3
"""DPRK's stock within this many M rounds of the KPA floor counts as at the floor: about a
month of its production, which it makes before it ships (docs/odd.md 7.3), so a stock
sold down to the floor is recorded a month's production above it."""


@dataclass(frozen=True)
class _Threshold:
    """A level whose crossing is worth a line.

    Attributes:
        metric: The series compared with the level.
        level: The level, or the dotted path of the world's parameter holding it.
        subject: Who or what crosses (``DPRK's food gap``).
        up: Verb phrase for crossing upward; may use ``{level}`` and ``{floor}`` (the
            KPA floor that month).
        down: Verb phrase for crossing downward; as ``up``.
        name: The level in words for a back-and-forth summary; may use ``{level}``.
        shown: The metric whose values the line quotes (default: ``metric``).
    """

    metric: str
    level: float | str
    subject: str
    up: str
    down: str
    name: str = "{level}"
    shown: str = ""


_TRUST_THRESHOLDS = tuple(
    _Threshold(metric, 0.5, label, "rises above 0.5", "falls below 0.5")
    for metric, label in LABELS.items()
    if metric.startswith("trust_")
)


THRESHOLDS: Final[tuple[_Threshold, ...]] = (
    _Threshold(
        "dprk_stock_above_floor_m",
        FLOOR_MARGIN_M,
        "DPRK's shell stock",
        "rises above the KPA floor again",
        "reaches the KPA floor of {floor}",
        "the KPA floor",
        "dprk_stock_m",
    ),
    _Threshold(
        "dprk_food_gap", 0.10, "DPRK's food gap", "opens above 10% of need", "closes below 10%"
    ),
    _Threshold(
        "cn_share_of_dprk_trade",
        0.90,
        "China's share of DPRK trade",
        "rises back above 90%",
        "falls below 90%",
    ),
    _Threshold(
        "satellite_capability", 0.5, "DPRK's satellite capability", "passes 0.5", "falls below 0.5"
    ),
    _Threshold(
        "satellite_capability", 0.7, "DPRK's satellite capability", "passes 0.7", "falls below 0.7"
    ),
    _Threshold(
        "china_resentment",
        "china.resentment_tolerance",
        "China's resentment",
        "passes its tolerance of {level}",
        "falls back below its tolerance of {level}",
        "its tolerance of {level}",
    ),
    *_TRUST_THRESHOLDS,
)
"""The thresholds every story watches, in the order their lines appear within a month."""


def _level(track: Track, threshold: _Threshold) -> float:
    level = threshold.level
    return track.params[level] if isinstance(level, str) else level


def _crossing_months(track: Track, threshold: _Threshold) -> NDArray[np.int64]:
    """Months at whose end the metric is on the other side of the level than before."""
    above = track.full(threshold.metric) >= _level(track, threshold)
    out: NDArray[np.int64] = np.flatnonzero(above[1:] != above[:-1])
    return out


def find_crossings(track: Track) -> dict[tuple[str, int], str]:
    """(metric, month) -> ``crosses 0.5``, for quoting a crossing inside another line."""
    found: dict[tuple[str, int], str] = {}
    for threshold in THRESHOLDS:
        text = _fill(threshold.name, track, threshold)
        for m in _crossing_months(track, threshold):
            found[(threshold.metric, int(m))] = f"crosses {text}"
    return found


def threshold_lines(track: Track, claimed: set[tuple[str, int]]) -> list[Line]:
    """Lines for each threshold crossed: one per crossing, or one per back-and-forth run."""
    lines = []
    for threshold in THRESHOLDS:
        months = [int(m) for m in _crossing_months(track, threshold)]
        for run in clusters(months):
            if len(run) == 1 and (threshold.metric, run[0]) in claimed:
                continue
            lines.append(_threshold_line(track, threshold, run))
    return lines


def _threshold_line(track: Track, threshold: _Threshold, run: list[int]) -> Line:
    shown = threshold.shown or threshold.metric
    first, last = run[0], run[-1]
    rising = track.at(threshold.metric, first) >= _level(track, threshold)
    verb = _fill(threshold.up if rising else threshold.down, track, threshold, first)
    if len(run) == 1:
        level = _level(track, threshold) if shown == threshold.metric else None
        change = arrow(shown, track.before(shown, first), track.at(shown, first), level)
        return Line(first, last, ORDER_THRESHOLD, f"{threshold.subject} {verb} ({change})")
    values = track.series(shown)[first:last]
    if len(run) == 2:
        extreme = ("peak", values.max()) if rising else ("low", values.min())
        text = (
            f"{threshold.subject} {verb} ({extreme[0]} {with_unit(shown, float(extreme[1]))}) "
            f"until {track.dates[last]}"
        )
        return Line(first, last, ORDER_THRESHOLD, text)
    ends = "above" if track.at(threshold.metric, last) >= _level(track, threshold) else "below"
    span = in_unit(
        shown, value_range(track.series(shown)[first : last + 1].tolist(), unit_format(shown))
    )
    name = _fill(threshold.name, track, threshold)
    text = (
        f"{threshold.subject} crosses {name} {len(run)} times ({span}), ends {ends} "
        f"({with_unit(shown, track.at(shown, last))})"
    )
    return Line(first, last, ORDER_THRESHOLD, text)


def _fill(template: str, track: Track, threshold: _Threshold, month: int = -1) -> str:
    floor = with_unit("kpa_floor_m", track.at("kpa_floor_m", month))
    return template.format(
        level=level_text(threshold.metric, _level(track, threshold)), floor=floor
    )

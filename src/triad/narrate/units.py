"""Numbers in a story's sentences, each written as its metric's unit needs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from triad.model.metrics import METRIC_BY_NAME
from triad.narrate.track import Track
from triad.text import percent, short_number, whole_number

type Format = Callable[[float], str]

LABELS: Final = {
    "trust_dprk_russia": "DPRK's trust in Russia",
    "trust_dprk_china": "DPRK's trust in China",
    "trust_russia_dprk": "Russia's trust in DPRK",
    "trust_russia_china": "Russia's trust in China",
    "trust_china_dprk": "China's trust in DPRK",
    "trust_china_russia": "China's trust in Russia",
    "china_resentment": "China's resentment",
}


def change_text(
    track: Track, metric: str, month: int, crossings: dict[tuple[str, int], str]
) -> str:
    """``DPRK's trust in Russia 0.62 -> 0.71`` (plus ``, crosses 0.5`` when it does)."""
    label = LABELS.get(metric, METRIC_BY_NAME[metric].description)
    text = f"{label} {arrow(metric, track.before(metric, month), track.at(metric, month))}"
    crossed = crossings.get((metric, month))
    return f"{text} ({crossed})" if crossed else text


def arrow(metric: str, before: float, after: float, level: float | None = None) -> str:
    """``a -> b unit``, with one more decimal if a, b (and a level) would look equal."""
    for extra in (0, 1):
        bare = unit_format(metric, extra or None)
        shown = {bare(before), bare(after)} | ({bare(level)} if level is not None else set())
        if len(shown) == (2 if level is None else 3):
            break
    return in_unit(metric, f"{bare(before)} -> {bare(after)}")


def with_unit(metric: str, value: float) -> str:
    """A value with its unit, rounded to what the unit needs."""
    return in_unit(metric, unit_format(metric)(value))


def in_unit(metric: str, number: str) -> str:
    """Formatted numbers (``12``, ``0.4 -> 0.5``, ``3-5``) with the metric's unit around them."""
    unit = METRIC_BY_NAME[metric].unit
    if unit.startswith("US$"):
        rest = unit[3:].strip()
        return f"US$ {number}" + (rest if rest.startswith("/") else f" {rest}")
    if unit in ("share", "share/yr", "share of need", "index", "probability"):
        return number + (" of need" if unit == "share of need" else "")
    if unit == "tier":
        return f"tier {number}"
    return f"{number} {unit}"


def unit_format(metric: str, digits: int | None = None) -> Format:
    """The number format of a metric's unit; ``digits`` forces the decimals of a share."""
    unit = METRIC_BY_NAME[metric].unit
    if unit in ("share", "share of need"):
        return lambda v: percent(v, digits)
    if unit == "share/yr":
        return lambda v: ("+" if v > 0 else "") + percent(v, digits)
    if unit in ("index", "probability"):
        return lambda v: f"{v:.{2 if digits is None else digits + 2}f}"
    if unit in ("containers", "containers/month", "launches", "tier", "rounds/day", "US$/round"):
        return whole_number
    if unit in ("M rounds", "M rounds/month", "US$ bn/yr"):
        return lambda v: f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return short_number


def level_text(metric: str, level: float) -> str:
    """A threshold level as written in a sentence: ``10%``, ``0.5``, ``0.05 M rounds``."""
    unit = METRIC_BY_NAME[metric].unit
    if unit in ("index", "probability"):
        return f"{level:.2g}"
    return with_unit(metric, level)


def months_of(run: Sequence[int]) -> str:
    """``for 3 months`` for consecutive months, ``in 3 of 5 months`` with gaps."""
    span = run[-1] - run[0] + 1
    return f"for {span} months" if len(run) == span else f"in {len(run)} of {span} months"

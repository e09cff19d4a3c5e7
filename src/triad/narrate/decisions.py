"""The actors' decisions: Russia's technology tier, DPRK's offer cuts, other logged rows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from triad.narrate.line import ORDER_DECISION, Line, clusters
from triad.narrate.track import Track
from triad.narrate.units import change_text, months_of
from triad.text import percent, plural, value_range, whole_number

TIER_NAMES: Final = {
    0: "none",
    1: "conventional and space help",
    2: "advanced weapons",
    3: "nuclear, biological, chemical help",
}

DERIVED: Final = frozenset(
    {("russia", "decision"), ("dprk", "launch"), ("china", "threshold"), ("dprk", "threshold")}
)
"""Event-log rows told from the series instead (tier changes, launches, thresholds), so
that logged and unlogged worlds read alike."""

_ACTORS = {"russia": "Russia", "china": "China", "dprk": "DPRK", "world": "World"}


def tier_lines(
    track: Track, crossings: dict[tuple[str, int], str], claimed: set[tuple[str, int]]
) -> list[Line]:
    """Russia's technology tier going up or down, with the shortfall streak before it.

    The line quotes DPRK's trust in Russia (a tier raised is a costly signal) unless an
    event line of the same month already does.
    """
    tier = track.full("russia_tech_tier")
    threshold = track.params["russia.tech_transfer.shortfall_threshold"]
    streak = _streaks(track.full("russia_shortfall") >= threshold)
    streak[0] = 0  # the initial state has no shortfall history
    lines = []
    for month in np.flatnonzero(np.diff(tier)):
        m, before, after = int(month), int(tier[month]), int(tier[month + 1])
        verb = "raises" if after > before else "cuts"
        text = f"Russia {verb} technology transfer to tier {after} ({TIER_NAMES.get(after, '?')})"
        if after > before and streak[m] > 0:
            streak_months = plural(int(streak[m]), "month")
            text += f" after {streak_months} of shortfall above {percent(threshold)}"
        if ("trust_dprk_russia", m) in claimed:
            lines.append(Line(m, m, ORDER_DECISION, text))
            continue
        text += "; " + change_text(track, "trust_dprk_russia", m, crossings)
        lines.append(Line(m, m, ORDER_DECISION, text, frozenset({"trust_dprk_russia"})))
    return lines


def _streaks(flags: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Length of the run of True ending at each position (0 where False)."""
    index = np.arange(flags.size)
    last_false = np.maximum.accumulate(np.where(flags, -1, index))
    out: NDArray[np.int64] = index - last_false
    return out


def offer_lines(log: pd.DataFrame) -> list[Line]:
    """DPRK's offer cuts after under-payment, one line per run of months.

    Each cut is read from the log's numbers (``after``: the offer in containers,
    ``before``: the share of the agreed value last paid), never from its text.
    """
    rows = log[(log["actor"] == "dprk") & (log["kind"] == "decision")]
    cuts = {
        int(month): _OfferCut(str(detail), float(after), float(before))
        for month, detail, after, before in zip(
            rows["month"], rows["detail"], rows["after"], rows["before"], strict=True
        )
    }
    lines = []
    for run in clusters(cuts):
        found = [cuts[m] for m in run]
        if len(run) == 1 or not all(cut.known for cut in found):
            lines += [Line(m, m, ORDER_DECISION, cuts[m].text()) for m in run]
            continue
        offers = [cut.offer for cut in found]
        paid = [cut.paid for cut in found]
        text = (
            f"DPRK cuts its offer to {value_range(offers, whole_number)} containers "
            f"{months_of(run)} after under-payment "
            f"(Russia paid {value_range(paid, percent)} of the agreed price)"
        )
        lines.append(Line(run[0], run[-1], ORDER_DECISION, text))
    return lines


@dataclass(frozen=True)
class _OfferCut:
    """One logged cut of DPRK's offer: the log's text and the numbers it was made from."""

    detail: str
    offer: float
    paid: float

    @property
    def known(self) -> bool:
        """Whether the row holds both numbers (a log row of another kind does not)."""
        return math.isfinite(self.offer) and math.isfinite(self.paid)

    def text(self) -> str:
        """The cut in words (the log's own text for a row without its numbers)."""
        if not self.known:
            return self.detail
        return (
            f"DPRK cuts its offer to {whole_number(self.offer)} containers after Russia "
            f"paid {percent(self.paid)} of the agreed price"
        )


def other_log_lines(log: pd.DataFrame) -> list[Line]:
    """Log rows of kinds this module does not know, told as logged."""
    known = DERIVED | {("dprk", "decision")}
    lines = []
    for row in log.itertuples(index=False):
        actor, kind = str(row.actor), str(row.kind)
        if kind == "event" or (actor, kind) in known:
            continue
        month = int(str(row.month))
        text = f"{_ACTORS.get(actor, actor)}: {row.detail}"
        lines.append(Line(month, month, ORDER_DECISION, text))
    return lines

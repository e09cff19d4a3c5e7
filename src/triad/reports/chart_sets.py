"""The chart sets a command draws (``--charts key|all|none``) and the charts in each.

Light on purpose (no pandas, model or matplotlib): a command checks its ``--charts`` and
counts its charts before it imports the model, so that the chart worker
(:class:`~triad.reports.rendering.ChartWorker`) can start at once and import the plotting
libraries while the command imports and runs the model.
"""

from __future__ import annotations

from typing import Final

from triad.errors import UsageError
from triad.model.metrics import metrics_tagged

CHART_SETS: Final = ("key", "all", "none")
"""``key``: the charts to look at first; ``all``: also one per metric; ``none``: tables only."""
OVERVIEW: Final = "overview"
"""One page of small fan charts, one per key metric (``charts/overview.png``)."""
COMPARISON_KEY: Final = (OVERVIEW, "differences", "differences_over_time")
"""The key charts of a comparison, in the order its report shows them."""


def check_charts(charts: str | bool) -> str:
    """The chart set ``charts`` names: one of :data:`CHART_SETS`; True is ``key``, False ``none``.

    Raises:
        UsageError: Naming the choices.
    """
    if isinstance(charts, bool):
        return "key" if charts else "none"
    if charts not in CHART_SETS:
        raise UsageError(f"charts {charts!r}: choose one of {', '.join(CHART_SETS)}")
    return charts


def run_charts(charts: str | bool) -> tuple[str, ...]:
    """A run's charts in a set, by name: the overview, then (``all``) each key metric's fan.

    Raises:
        UsageError: If ``charts`` names no set.
    """
    fans = metrics_tagged("key")
    return {"key": (OVERVIEW,), "all": (OVERVIEW, *fans), "none": ()}[check_charts(charts)]

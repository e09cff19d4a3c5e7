"""Charts: data in, :class:`~matplotlib.figure.Figure` out; nothing here runs a model.

Every function that draws one panel takes ``ax=None`` (a new figure) or an axes to draw on,
and returns the figure. Pass the same ``colors`` (from :func:`scenario_colors`) to every chart
of a report so that a scenario keeps its colour.
"""

from triad.plots.differences import difference_chart
from triad.plots.distribution import final_distribution
from triad.plots.fan import fan_chart, scripted_events
from triad.plots.overview import overview_grid
from triad.plots.style import metric_label, scenario_colors

__all__ = [
    "difference_chart",
    "fan_chart",
    "final_distribution",
    "metric_label",
    "overview_grid",
    "scenario_colors",
    "scripted_events",
]

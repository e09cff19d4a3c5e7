"""Compare: several scenarios or stored runs on the same worlds, as ``triad compare``."""

from __future__ import annotations

from pathlib import Path

import solara
from matplotlib.figure import Figure
from solara.lab import task

from triad.experiments.compare import Comparison
from triad.reports.comparison import plot, plot_differences_over_time, plot_overview
from triad.web.compare import (
    CompareRun,
    compare_items,
    difference_table,
    parse_months,
    report_zip,
    run_choices,
    run_compare,
)
from triad.web.config import config
from triad.web.pages.common import ErrorBox, ScenarioUpload, Table, scenario_choices, uploads
from triad.web.runs import sound_runs

chosen = solara.reactive(["baseline"])
worlds = solara.reactive(200)
months = solara.reactive("")
metric = solara.reactive("")


@task
def compare_task(picked: list[str], uploaded: dict[str, Path], count: int, at: str) -> Comparison:
    """Run the comparison in a thread, reporting progress to the page."""

    def progress(done: int, total: int) -> None:
        compare_task.progress = 100.0 * done / max(total, 1)

    items = compare_items(picked, uploaded, config().runs)
    return run_compare(CompareRun(items, count, parse_months(at)), progress)


def _start() -> None:
    uploaded = {name: u.path for name, u in uploads.value.items() if u.path is not None}
    compare_task(list(chosen.value), uploaded, worlds.value, months.value)


@solara.component
def Page() -> None:
    """The Compare page."""
    solara.Title("triad · Compare")
    stored = solara.use_memo(lambda: sound_runs(config().runs), [])
    with solara.Columns([1, 2]):
        with solara.Column():
            solara.Markdown(
                "Pick two or more scenarios or stored runs; the first is the reference. "
                "Every one runs on the same worlds (common random numbers)."
            )
            solara.SelectMultiple(
                "Scenarios",
                values=chosen,
                all_values=[*scenario_choices(), *run_choices(stored)],
                classes=["triad-compare-scenarios"],
            )
            ScenarioUpload(on_loaded=lambda name: chosen.set([*chosen.value, name]))
            solara.InputInt("Worlds", value=worlds, classes=["triad-compare-worlds"])
            solara.InputText(
                "Months to read (YYYY-MM, several with commas; empty: the horizon)",
                value=months,
                continuous_update=True,
                classes=["triad-compare-months"],
            )
            solara.Button("Run", color="primary", on_click=_start)
            solara.ProgressLinear(compare_task.progress or True if compare_task.pending else False)
        with solara.Column():
            Results()


@solara.component
def Results() -> None:
    """The differences, the overview, a fan chart, the differences over time, the report."""
    ErrorBox(compare_task.exception if compare_task.error else None)
    if compare_task.latest is None:
        solara.Info("Pick the scenarios and press Run.")
        return
    comparison = compare_task.latest
    months_read = ", ".join(comparison.months_read)
    solara.Markdown(
        f"**Differences from {comparison.reference}** in {months_read}, paired by world "
        f"({len(comparison.world_ids)} worlds):"
    )
    Table(difference_table(comparison.differences()), classes=["triad-compare-differences"])
    solara.FileDownload(
        lambda: report_zip(comparison),
        filename="compare-report.zip",
        label="Download the report (zip)",
    )
    Charts(comparison)


@solara.component
def Charts(comparison: Comparison) -> None:
    """The charts of ``triad compare``'s report, and a fan chart of the chosen metric."""
    overview = solara.use_memo(lambda: plot_overview(comparison), [comparison])
    over_time = solara.use_memo(lambda: plot_differences_over_time(comparison), [comparison])
    shown = metric.value if metric.value in comparison.metrics else comparison.metrics[0]
    fan = solara.use_memo(lambda: plot(comparison, shown), [comparison, shown])
    solara.Markdown("#### Overview")
    Chart(overview, "triad-compare-overview")
    solara.Markdown("#### One metric")
    solara.Select("Metric", value=shown, values=list(comparison.metrics), on_value=metric.set)
    Chart(fan, "triad-compare-fan")
    solara.Markdown("#### Differences over time")
    Chart(over_time, "triad-compare-over-time")


@solara.component
def Chart(figure: Figure, name: str) -> None:
    """A figure as an image, in a column the tests can find by its class."""
    with solara.Column(classes=[name]):
        solara.FigureMatplotlib(figure, format="png")

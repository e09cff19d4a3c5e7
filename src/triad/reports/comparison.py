"""A comparison's figures and the folder it leaves behind (report.md, CSVs, manifest, charts/).

Every chart of a comparison gives each scenario the same colour and carries a footer saying
what produced it. The folder is written whole or not at all: everything goes into a hidden
temporary sibling that is renamed into place at the end, so an interrupted run never leaves
a folder that looks complete. An existing non-empty folder is never written into.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from triad.experiments.compare import RESAMPLES, Comparison
from triad.footer import Provenance
from triad.model.metrics import CUMULATIVE_FORMS, METRIC_BY_NAME
from triad.plots.style import metric_label
from triad.reports.chart_sets import COMPARISON_KEY, check_charts
from triad.reports.rendering import ChartJob, ChartWorker, Drawing
from triad.store.folders import atomic_folder
from triad.store.provenance import git_commit, git_modified, now, scenario_hash, versions
from triad.text import format_number, signed

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def colors(comparison: Comparison) -> dict[str, str]:
    """Label -> colour, the same in every chart of this comparison."""
    from triad.plots.style import scenario_colors

    return scenario_colors(comparison.labels)


def provenance(comparison: Comparison) -> Provenance:
    """What produced this comparison, for the footer of its charts."""
    changed = bool(comparison.overrides) or any(comparison.run_overrides.values())
    return Provenance(
        tuple(comparison.labels),
        len(comparison.world_ids),
        comparison.seed,
        versions().get("triad", "unknown"),
        overrides=changed,
    )


def plot(comparison: Comparison, metric: str | None = None, ax: Axes | None = None) -> Figure:
    """Fan chart of one metric (default: the first compared) for every scenario.

    With ``ax``, the chart stays inside that axes (legend included); a new figure carries a
    footer saying what produced it.
    """
    return _fan(comparison, metric, ax)()


def plot_overview(comparison: Comparison, ncols: int = 3) -> Figure:
    """One page of small fan charts, one per compared metric, with a shared legend."""
    return _overview(comparison, ncols)()


def plot_distribution(
    comparison: Comparison, metric: str | None = None, ax: Axes | None = None
) -> Figure:
    """Distribution of one metric's value at the horizon, one row per scenario."""
    return _distribution(comparison, metric, ax)()


def plot_differences(comparison: Comparison, ax: Axes | None = None) -> Figure:
    """Forest plot of the headline paired differences, one panel per metric."""
    return _differences(comparison, ax)()


def plot_differences_over_time(
    comparison: Comparison, metrics: Sequence[str] | None = None, ax: Axes | None = None
) -> Figure:
    """The paired differences month by month, one panel per metric, the months read marked."""
    return _differences_over_time(comparison, metrics, ax)()


# Each chart as a call over plain data (frames, arrays, labels): what plot_* above draws,
# and what a ChartJob sends to the process that renders it.


def _fan(
    comparison: Comparison, metric: str | None = None, ax: Axes | None = None
) -> Callable[[], Figure]:
    from triad.plots.fan import fan_chart

    name = metric or comparison.metrics[0]
    bands = {label: comparison.scenario_bands(label, name) for label in comparison.labels}
    return partial(
        fan_chart,
        bands,
        name,
        events=comparison.events_by_scenario(),
        ax=ax,
        colors=colors(comparison),
        provenance=provenance(comparison),
    )


def _overview(comparison: Comparison, ncols: int = 3) -> Callable[[], Figure]:
    from triad.plots.overview import overview_grid

    labels = comparison.labels
    by_metric = {
        metric: {label: comparison.scenario_bands(label, metric) for label in labels}
        for metric in comparison.metrics
    }
    title = f"{' vs '.join(labels)}: {len(comparison.world_ids)} worlds each"
    return partial(
        overview_grid,
        by_metric,
        events=comparison.events_by_scenario(),
        colors=colors(comparison),
        ncols=ncols,
        title=title,
        provenance=provenance(comparison),
    )


def _distribution(
    comparison: Comparison, metric: str | None = None, ax: Axes | None = None
) -> Callable[[], Figure]:
    from triad.plots.distribution import final_distribution

    name = metric or comparison.metrics[0]
    values = {label: comparison.series(label, name)[-1] for label in comparison.labels}
    return partial(
        final_distribution,
        values,
        name,
        ax=ax,
        colors=colors(comparison),
        date=comparison.horizon,
        provenance=provenance(comparison),
    )


def _differences(comparison: Comparison, ax: Axes | None = None) -> Callable[[], Figure]:
    from triad.plots.differences import difference_chart

    months = comparison.months_read
    return partial(
        difference_chart,
        comparison.differences(),
        ax=ax,
        colors=colors(comparison),
        date=months[0] if len(months) == 1 else None,
        provenance=provenance(comparison),
    )


def _differences_over_time(
    comparison: Comparison, metrics: Sequence[str] | None = None, ax: Axes | None = None
) -> Callable[[], Figure]:
    from triad.plots.difference_paths import difference_paths_chart

    return partial(
        difference_paths_chart,
        comparison.differences_over_time(metrics),
        ax=ax,
        colors=colors(comparison),
        reference=comparison.reference,
        marks=comparison.months_by_metric(),
        provenance=provenance(comparison),
    )


def write(
    comparison: Comparison,
    out: Path,
    charts: str = "all",
    *,
    progress: Callable[[int, int], None] | None = None,
    worker: ChartWorker | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Path:
    """Write the comparison's report into a new folder ``out``, whole or not at all.

    Args:
        comparison: What to report.
        out: The folder to create (it may exist if it is empty).
        charts: Which charts to draw, one of :data:`~triad.reports.chart_sets.CHART_SETS`
            (``key``: the overview, the differences and the differences over time; ``all``:
            also a fan chart and a final distribution per metric); the report shows those.
        progress: Called with (charts done, charts in all) before the first chart and after
            each one, so that drawing them can be shown as a phase of its own.
        worker: A second process that draws charts beside this one
            (:class:`~triad.reports.rendering.ChartWorker`), or None to draw them here.
        meanwhile: Called once the worker has its first chart and before this process
            writes the tables or draws (the command prints its table then), so that the
            worker's drawing overlaps them.

    Returns:
        ``out``.

    Raises:
        StoreError: If ``out`` is not empty or cannot be written.
        UsageError: If ``charts`` names no chart set.
    """
    charts = check_charts(charts)
    with atomic_folder(out) as partial:
        _write_contents(comparison, partial, charts, progress, worker, meanwhile)
    return out


def _write_contents(
    comparison: Comparison,
    folder: Path,
    charts: str,
    progress: Callable[[int, int], None] | None = None,
    worker: ChartWorker | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> None:
    plan = _chart_plan(comparison, charts)
    if plan:
        (folder / "charts").mkdir()
    drawing = Drawing(_jobs(folder, plan[:1]), worker)  # the worker starts on the first
    drawing.add(_jobs(folder, plan[1:]))
    if meanwhile is not None:
        meanwhile()
    differences = comparison.differences()
    differences.to_csv(folder / "differences.csv", index=False)
    comparison.differences_over_time().to_csv(folder / "differences_over_time.csv", index=False)
    drawing.finish(progress)  # each figure is freed once saved
    (folder / "manifest.json").write_text(json.dumps(_manifest(comparison), indent=2) + "\n")
    (folder / "report.md").write_text(render_markdown(comparison, differences, charts))


def _jobs(folder: Path, plan: list[tuple[str, _Chart]]) -> list[ChartJob]:
    """The charts of a plan to draw into ``folder``, their data gathered."""
    return [ChartJob(folder / name, chart()) for name, chart in plan]


type _Chart = Callable[[], Callable[[], Figure]]
"""Gathers a chart's data and returns the call that draws it from that data alone."""


def _chart_plan(comparison: Comparison, charts: str) -> list[tuple[str, _Chart]]:
    """Each chart of the set with its file name and what gathers its data."""
    if charts == "none":
        return []
    key: tuple[Callable[[Comparison], Callable[[], Figure]], ...] = (
        _overview,
        _differences,
        _differences_over_time,
    )
    plan: list[tuple[str, _Chart]] = [
        (f"charts/{name}.png", partial(gather, comparison))
        for name, gather in zip(COMPARISON_KEY, key, strict=True)
    ]
    if charts == "all":
        for metric in comparison.metrics:
            plan.append((f"charts/fan_{metric}.png", partial(_fan, comparison, metric)))
            plan.append((f"charts/final_{metric}.png", partial(_distribution, comparison, metric)))
    return plan


def _manifest(comparison: Comparison) -> dict[str, Any]:
    return {
        "format": "triad-compare/1",
        "created": now(),
        "reference": comparison.reference,
        "scenarios": [
            {
                "label": label,
                "name": sim.scenario.name,
                "source": comparison.sources.get(label, ""),
                "scenario_hash": scenario_hash(sim.scenario),
                "scenario": sim.scenario.model_dump(mode="json"),
            }
            for label, sim in comparison.runs.items()
        ],
        "seed": comparison.seed,
        "worlds": len(comparison.world_ids),
        "first_world": int(comparison.world_ids[0]),
        "months": len(comparison.dates),
        "dates": [comparison.dates[0], comparison.horizon],
        "metrics": list(comparison.metrics),
        "readings": [{"metric": metric, "at": month} for metric, month in comparison.headline],
        "overrides": list(comparison.overrides),
        "bootstrap_resamples": RESAMPLES,
        "versions": versions(),
        "git_commit": git_commit(),
        "git_modified": git_modified(),
    }


# --------------------------------------------------------------------------- report.md
def render_markdown(comparison: Comparison, differences: pd.DataFrame, charts: str = "all") -> str:
    """The text of report.md: what ran, how to read it, the differences, the charts drawn."""
    drawn = charts != "none"
    sections = [
        _header(comparison),
        _what_ran(comparison),
        _how_to_read(comparison),
        *(["## Overview\n\n![Overview of the key metrics](charts/overview.png)"] if drawn else []),
        _differences_section(comparison, differences, drawn),
        _metric_sections(comparison, charts == "all"),
    ]
    return "\n\n".join(sections) + "\n"


def _header(comparison: Comparison) -> str:
    others = ", ".join(comparison.labels[1:])
    return (
        f"# Comparison: {comparison.reference} vs {others}\n\n"
        f"Written {now()} by triad {versions().get('triad', 'unknown')}. "
        f"Reference: **{comparison.reference}**."
    )


def _what_ran(comparison: Comparison) -> str:
    rows = [
        "| label | scenario | title | source | overrides | scenario hash |",
        "|---|---|---|---|---|---|",
    ]
    for label, sim in comparison.runs.items():
        source = comparison.sources.get(label, "")
        made = comparison.run_overrides.get(label, ())
        shown = ", ".join(f"`{o}`" for o in made) or "none"
        rows.append(
            f"| {label} | {sim.scenario.name} | {sim.scenario.title} | {source} | {shown} "
            f"| `{scenario_hash(sim.scenario)[:12]}` |"
        )
    found = versions()
    listed = ", ".join(f"{k} {v}" for k, v in found.items())
    worlds = comparison.world_ids
    lines = [
        "## What was run",
        "",
        *rows,
        "",
        f"- **Worlds:** {len(worlds)} (indices {worlds[0]}-{worlds[-1]}), the same in every "
        "scenario",
        f"- **Seed:** {comparison.seed}, the same in every scenario",
        f"- **Months:** {len(comparison.dates)} ({comparison.dates[0]} to {comparison.horizon})",
        f"- **Overrides:** {', '.join(f'`{o}`' for o in comparison.overrides) or 'none'}",
        f"- **Versions:** {listed}; commit {git_commit() or 'unknown'}"
        + (" with uncommitted changes to the source" if git_modified() else ""),
        f"- **Scripted events:** {_events_text(comparison)}",
    ]
    return "\n".join(lines)


def _events_text(comparison: Comparison) -> str:
    events = comparison.events()
    return "; ".join(f"{at} {name}" for at, name in events) if events else "none"


def _how_to_read(comparison: Comparison) -> str:
    return (
        "## How to read it\n\n"
        "Every scenario ran on the same simulated worlds with the same random numbers "
        "(common random numbers): world *k* differs between scenarios only by what the "
        "scenarios change. In the fan charts the line is the median world, the dark band "
        "holds the middle 50% of worlds and the light band the middle 90%. A **difference** "
        f"is taken world by world (scenario minus {comparison.reference}) at the months "
        f"read, {', '.join(comparison.months_read)} (the horizon unless `--at` or "
        "`NAME@YYYY-MM` chose others): the table gives the median of these paired "
        "differences, then two different things:\n\n"
        "- **MC 90% CI of the median**: Monte Carlo precision, a bootstrap interval of the "
        f"median ({RESAMPLES} resamples of the worlds). It says how precisely "
        f"{len(comparison.world_ids)} worlds pin the median down and shrinks as worlds are "
        "added; it is *not* uncertainty about the effect.\n"
        "- **Spread across worlds**: the 5th-95th percentile of the paired differences "
        "themselves, and the share of worlds whose difference has the median's sign. It "
        "says how much the effect varies with what the model does not know (the drawn "
        "uncertain inputs and the stochastic part); it does not shrink with more worlds.\n\n"
        "In the differences chart the thick bar is the MC interval, the thin line the "
        "spread across worlds. The chart of differences over time shows the same paired "
        "differences in every month (median and the middle 50% and 90% of worlds), so that "
        "an effect that reverses is not judged by one month. A scenario **diverges** from "
        "the month on which at least "
        f"95% of worlds differ from {comparison.reference} in the same direction, and keep "
        "doing so every month to the horizon; a dash means it never does."
        + _index_scales(comparison)
    )


def _index_scales(comparison: Comparison) -> str:
    """What the ends of each index compared mean (an index is read 0 to 1)."""
    scales = [
        f"- `{metric}`: {METRIC_BY_NAME[metric].ends}"
        for metric in dict.fromkeys(comparison.metrics)
        if METRIC_BY_NAME[metric].ends
    ]
    if not scales:
        return ""
    return "\n\nThe indices run from 0 to 1; their ends mean:\n\n" + "\n".join(scales)


def _differences_section(comparison: Comparison, differences: pd.DataFrame, drawn: bool) -> str:
    ref = comparison.reference
    head = (
        f"| metric [unit] | at | scenario | {ref} median | scenario median "
        "| median difference | MC 90% CI of the median | across worlds: 5th-95th percentile "
        "| worlds with the median's sign | diverges from "
        "| other form: median difference [5th-95th percentile across worlds] |"
    )
    rows = [head, "|---|---|---|--:|--:|--:|--:|--:|--:|---|--:|"]
    previous = ""
    for row in differences.to_dict("records"):
        metric = str(row["metric"])
        shown = metric_label(metric) if metric != previous else ""
        previous = metric
        diverges = row["divergence_date"] if isinstance(row["divergence_date"], str) else "-"
        rows.append(
            f"| {shown} | {row['at']} | {row['scenario']} "
            f"| {format_number(float(row['reference_median']))} "
            f"| {format_number(float(row['scenario_median']))} "
            f"| {signed(float(row['median_difference']))} "
            f"| [{signed(float(row['mc_p05']))}, {signed(float(row['mc_p95']))}] "
            f"| [{signed(float(row['worlds_p05']))}, {signed(float(row['worlds_p95']))}] "
            f"| {float(row['worlds_same_sign']):.0%} "
            f"| {diverges} | {other_form_text(row)} |"
        )
    text = (
        f"## Differences from {ref} in {', '.join(comparison.months_read)}\n\n"
        + "\n".join(rows)
        + "\n\nThe last column reads a cumulative total's monthly flow, or a flow's "
        + "cumulative total, at the same month and in the same worlds: a what-if can have "
        + "shipped more in all by a month while shipping less in that month, or the reverse. "
        + "The same numbers are in `differences.csv`; every month's paired differences "
        + "(median, middle 50% and 90% of worlds) in `differences_over_time.csv`."
    )
    if not drawn:
        return text
    return (
        text
        + "\n\n![Differences from the reference](charts/differences.png)\n\n"
        + "### Differences over time\n\n"
        + "Dotted: the months read.\n\n"
        + "![Differences from the reference month by month](charts/differences_over_time.png)"
    )


def other_form_text(row: Mapping[Hashable, Any]) -> str:
    """``monthly flow `rounds_m`: -0.05 [-0.2, +0.01] M rounds/month`` or ``-``.

    Args:
        row: A row of :meth:`~triad.experiments.compare.Comparison.differences`.
    """
    other = str(row.get("other_form") or "")
    if not other or other == "nan":
        return "-"
    kind = "monthly flow" if other in CUMULATIVE_FORMS else "cumulative"
    median = signed(float(row["other_median_difference"]))
    spread = f"[{signed(float(row['other_worlds_p05']))}, {signed(float(row['other_worlds_p95']))}]"
    return f"{kind} `{other}`: {median} {spread} {METRIC_BY_NAME[other].unit}"


def _metric_sections(comparison: Comparison, drawn: bool) -> str:
    parts = ["## Each metric"]
    if not drawn:
        parts.append("A fan chart and a final distribution per metric: `--charts all`.")
    for metric in comparison.metrics:
        info = METRIC_BY_NAME[metric]
        text = f"### {info.description} [{info.unit}]\n\nMetric `{metric}` (actor: {info.owner})."
        if drawn:
            text += (
                f"\n\n![{metric} over time](charts/fan_{metric}.png)\n\n"
                f"![{metric} in {comparison.horizon}](charts/final_{metric}.png)"
            )
        parts.append(text)
    return "\n\n".join(parts)

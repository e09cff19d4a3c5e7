"""Runs: the stored results of ``triad run``, and one opened with its charts and manifest."""

from __future__ import annotations

import solara

from triad.reports.chart_sets import OVERVIEW
from triad.web.config import config
from triad.web.pages.common import ErrorBox, Table
from triad.web.runs import (
    OpenedRun,
    integrity_text,
    manifest_files,
    manifest_json,
    manifest_summary,
    open_run,
    stored_runs,
)

opened = solara.reactive("")


@solara.component
def Page() -> None:
    """The Runs page."""
    solara.Title("triad · Runs")
    refreshed = solara.use_reactive(0)
    root = config().runs
    frame = solara.use_memo(lambda: stored_runs(root), [refreshed.value])
    solara.Markdown(
        f"Results stored in `{root}` (`triad run` saves there; `triad web --runs` "
        "chooses the folder)."
    )
    solara.Button("Refresh", on_click=lambda: refreshed.set(refreshed.value + 1))
    if frame.empty:
        solara.Info(f"No stored results in {root} yet.")
        return
    Table(frame, classes=["triad-runs"])
    folders = [str(f) for f in frame["folder"]]
    solara.Select(
        "Open a run",
        value=opened.value if opened.value in folders else None,
        values=folders,
        on_value=opened.set,
        classes=["triad-runs-open"],
    )
    if opened.value in folders:
        Opened(opened.value)


@solara.component
def Opened(name: str) -> None:
    """One run: the integrity check, its manifest, its stored charts."""
    result = solara.use_memo(lambda: _open(name), [name])
    if isinstance(result, BaseException):
        ErrorBox(result)
        return
    run = result
    solara.Markdown(f"### {run.name}")
    Integrity(run)
    if run.manifest is not None:
        Manifest(run)
    solara.Markdown(f"#### Charts ({len(run.charts)} stored)")
    if not run.charts:
        solara.Info("No charts are stored with this run (`triad show FOLDER` draws them).")
    pages = [chart for chart in run.charts if chart.stem == OVERVIEW]  # a page: full width
    fans = [chart for chart in run.charts if chart.stem != OVERVIEW]
    with solara.Column(classes=["triad-run-charts"]):
        for chart in pages:
            solara.Image(chart.read_bytes(), width="100%", classes=["triad-run-chart"])
        with solara.GridFixed(columns=2):
            for chart in fans:
                solara.Image(chart.read_bytes(), width="100%", classes=["triad-run-chart"])


def _open(name: str) -> OpenedRun | BaseException:
    try:
        return open_run(config().runs, name)
    except Exception as error:  # shown beside the list, which stays usable
        return error


@solara.component
def Integrity(run: OpenedRun) -> None:
    """Whether every file matches its checksum, and what is wrong if not."""
    text = integrity_text(run)
    if run.sound:
        solara.Success(text, classes=["triad-run-integrity"])
        return
    solara.Error(text, classes=["triad-run-integrity"])
    for problem in run.problems:
        solara.Text(problem, style={"color": "#b00020", "padding-left": "2em"})


@solara.component
def Manifest(run: OpenedRun) -> None:
    """The manifest's entries, its files, and the whole of it as stored."""
    manifest = run.manifest
    if manifest is None:
        return
    solara.Markdown("#### Manifest")
    Table(manifest_summary(manifest), classes=["triad-run-manifest"])
    with solara.Details("Files and their checksums"):
        Table(manifest_files(manifest), classes=["triad-run-files"])
    with solara.Details("The whole manifest (the scenario as run included)"):
        solara.Markdown(f"```json\n{manifest_json(manifest)}\n```")

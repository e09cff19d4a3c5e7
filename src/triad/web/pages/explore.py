"""Explore: pick a scenario, move its inputs, run, and see the effect against it unchanged."""

from __future__ import annotations

from pathlib import Path

import solara
from solara.lab import task

from triad.reports.comparison import plot
from triad.scenario.month import Month
from triad.web.controls import Control, overrides, scenario_controls, scenario_text
from triad.web.explore import CHANGED, Explored, ExploreRun, difference_table, explore
from triad.web.pages.common import (
    ErrorBox,
    ScenarioUpload,
    Table,
    resolve,
    scenario_choices,
    stop_task,
    uploads,
)

scenario = solara.reactive("baseline")
worlds = solara.reactive(200)
values = solara.reactive(dict[str, float | str]())
fixed = solara.reactive(list[str]())
month = solara.reactive("")
metric = solara.reactive("")


@task
def run_task(request: ExploreRun) -> Explored:
    """Run the comparison in a thread, reporting progress to the page."""

    def progress(done: int, total: int) -> None:
        run_task.progress = 100.0 * done / max(total, 1)

    return explore(request, progress)


def _reference(name: str) -> str | Path:
    upload = uploads.value.get(name)
    return upload.path if upload is not None and upload.path is not None else name


@solara.component
def Page() -> None:
    """The Explore page."""
    solara.Title("triad · Explore")
    loaded = solara.use_memo(lambda: resolve(scenario.value), [scenario.value, len(uploads.value)])
    controls = solara.use_memo(lambda: scenario_controls(loaded), [loaded])
    changes = overrides(controls, values.value)
    with solara.Columns([1, 2]):
        with solara.Column():
            solara.Select(
                "Scenario", value=scenario.value, values=scenario_choices(), on_value=_choose
            )
            ScenarioUpload(on_loaded=_choose)
            with solara.Column(style={"margin-top": "28px"}):  # room for the thumb's label
                solara.SliderInt(
                    "Worlds", value=worlds, min=50, max=2000, step=50, thumb_label="always"
                )
            Controls(controls)
        with solara.Column():
            Actions(loaded.name, changes)
            Results(loaded.start, loaded.months)


def _choose(name: str) -> None:
    scenario.set(name)
    values.set({})
    fixed.set([])
    stop_task(run_task)


@solara.component
def Controls(controls: list[Control]) -> None:
    """Policies, drivers, and the uncertain inputs the analyst chose to fix."""
    solara.Markdown("#### Policies")
    for control in (c for c in controls if c.group == "policy"):
        PolicySelect(control)
    solara.Markdown("#### World drivers (value at the start)")
    for control in (c for c in controls if c.group == "driver"):
        Slider(control)
    uncertain = [c for c in controls if c.group == "uncertain"]
    solara.Markdown(f"#### Uncertain inputs ({len(uncertain)} drawn per world)")
    solara.SelectMultiple(
        "Fix these in every world", values=fixed, all_values=[c.path for c in uncertain]
    )
    for control in (c for c in uncertain if c.path in fixed.value):
        Slider(control)


def _set(path: str, value: float | str) -> None:
    values.set({**values.value, path: value})


@solara.component
def PolicySelect(control: Control) -> None:
    """A select of the actor's registered policies."""
    choices = [c for c in control.parameter.choices if c != "human"]
    current = str(values.value.get(control.path, control.value))
    solara.Select(
        control.label, value=current, values=choices, on_value=lambda v: _set(control.path, v)
    )
    if control.note:
        solara.Text(control.note, style={"font-size": "0.8em", "color": "#666"})


@solara.component
def Slider(control: Control) -> None:
    """A slider over the control's range, with its unit and what it means."""
    current = float(values.value.get(control.path, control.value))
    solara.SliderFloat(
        control.label,
        value=current,
        min=control.low,
        max=control.high,
        step=control.step or 0.01,
        on_value=lambda v: _set(control.path, v),
        thumb_label="always",
    )
    text = control.parameter.description + (f" · {control.note}" if control.note else "")
    solara.Text(text, style={"font-size": "0.8em", "color": "#666"})


@solara.component
def Actions(name: str, changes: list[str]) -> None:
    """Run, the changes it runs with, and the scenario file that reproduces them."""
    with solara.Row():
        solara.Button(
            "Run",
            color="primary",
            on_click=lambda: run_task(
                ExploreRun(_reference(scenario.value), name, changes, worlds.value)
            ),
        )
        solara.Button("Reset", on_click=lambda: (values.set({}), fixed.set([])))
        base = (
            Path(str(_reference(scenario.value))).name if scenario.value in uploads.value else name
        )
        solara.FileDownload(
            scenario_text(f"{name}_explored", base, changes),
            filename=f"{name}_explored.yaml",
            label="Download as scenario file",
        )
    shown = ", ".join(changes) if changes else "none (the scenario as written)"
    solara.Text(f"Settings: {shown}", classes=["triad-settings"])
    solara.ProgressLinear(run_task.progress or True if run_task.pending else False)


@solara.component
def Results(start: str, months: int) -> None:
    """The fan chart, the differences at the chosen month, and the notes of the run."""
    ErrorBox(run_task.exception if run_task.error else None)
    if run_task.latest is None:
        solara.Info(
            "Move a setting and press Run: the scenario runs unchanged and with your "
            "settings on the same worlds."
        )
        return
    explored = run_task.latest
    comparison = explored.comparison
    ran = ", ".join(explored.request.overrides) or "none (the scenario as written)"
    solara.Text(f"Ran with: {ran}", classes=["triad-settings-run"])
    for note in explored.notes:
        solara.Info(note)
    shown = metric.value if metric.value in comparison.metrics else comparison.metrics[0]
    solara.Select("Metric", value=shown, values=list(comparison.metrics), on_value=metric.set)
    with solara.Column(classes=["triad-chart"]):
        solara.FigureMatplotlib(plot(comparison, shown), format="png")
    dates = Month.parse(start).labels(months)
    at = month.value if month.value in dates else dates[-1]
    solara.Select("Differences at", value=at, values=dates, on_value=month.set)
    frame = comparison.differences(at=[at])
    solara.Markdown(f"**{CHANGED} minus {comparison.reference}**, paired by world, at {at}:")
    Table(difference_table(frame), classes=["triad-differences"])

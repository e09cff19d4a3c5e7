"""Tune: the backtest against history, a sensitivity analysis and a calibration."""

from __future__ import annotations

from pathlib import Path

import solara
from solara.lab import task

from triad.experiments.backtest import Backtest
from triad.experiments.calibrate import Calibration
from triad.experiments.sensitivity import METHODS, Sensitivity
from triad.model.metrics import METRIC_NAMES
from triad.reports import plot
from triad.scenario.schema import Scenario
from triad.web.pages.common import (
    ErrorBox,
    ScenarioUpload,
    Table,
    resolve,
    scenario_choices,
    uploads,
)
from triad.web.tune import (
    BACKTEST_WORLDS,
    CALIBRATION_PARAMETERS,
    CALIBRATION_TRIALS,
    CALIBRATION_WORLDS,
    HORIZON,
    SENSITIVITY_METHOD,
    SENSITIVITY_METRIC,
    SENSITIVITY_PARAMETERS,
    SENSITIVITY_SIZE,
    SENSITIVITY_WORLDS_PER_POINT,
    CalibrationRun,
    Range,
    SensitivityRun,
    backtest_frame,
    before_after_frame,
    calibration_zip,
    history_targets,
    hit_rate_text,
    indices_frame,
    loss_text,
    months_of,
    outcome_text,
    overlay,
    run_backtest,
    run_calibration,
    run_sensitivity,
    sensitivity_caption,
    starting_ranges,
    targets_for,
    tunable,
    values_frame,
)

scenario = solara.reactive("baseline")
backtest_worlds = solara.reactive(BACKTEST_WORLDS)
sens_metric = solara.reactive(SENSITIVITY_METRIC)
sens_month = solara.reactive(HORIZON)
sens_paths = solara.reactive(list(SENSITIVITY_PARAMETERS))
sens_ranges = solara.reactive(dict[str, tuple[float, float]]())
sens_method = solara.reactive(SENSITIVITY_METHOD)
sens_size = solara.reactive(SENSITIVITY_SIZE)
sens_per_point = solara.reactive(SENSITIVITY_WORLDS_PER_POINT)
cal_paths = solara.reactive(list(CALIBRATION_PARAMETERS))
cal_ranges = solara.reactive(dict[str, tuple[float, float]]())
cal_targets = solara.reactive(list[str]())
cal_trials = solara.reactive(CALIBRATION_TRIALS)
cal_worlds = solara.reactive(CALIBRATION_WORLDS)


NOTE = {"font-size": "0.8em", "color": "#666"}


def _percent(done: int, total: int) -> float:
    return 100.0 * done / max(total, 1)


@task
def backtest_task(reference: str | Path, worlds: int) -> Backtest:
    """The backtest, in a thread."""

    def progress(done: int, total: int) -> None:
        backtest_task.progress = _percent(done, total)

    return run_backtest(reference, worlds, progress)


@task
def sensitivity_task(request: SensitivityRun) -> Sensitivity:
    """The sensitivity analysis, in a thread."""

    def progress(done: int, total: int) -> None:
        sensitivity_task.progress = _percent(done, total)

    return run_sensitivity(request, progress)


@task
def calibration_task(request: CalibrationRun) -> Calibration:
    """The calibration, in a thread; progress in trials."""

    def progress(done: int, total: int) -> None:
        calibration_task.progress = _percent(done, total)

    return run_calibration(request, progress)


def _reference(name: str) -> str | Path:
    upload = uploads.value.get(name)
    return upload.path if upload is not None and upload.path is not None else name


def _choose(name: str) -> None:
    scenario.set(name)
    sens_ranges.set({})
    cal_ranges.set({})
    cal_targets.set([])


@solara.component
def Page() -> None:
    """The Tune page."""
    solara.Title("triad · Tune")
    loaded = solara.use_memo(lambda: resolve(scenario.value), [scenario.value, len(uploads.value)])
    with solara.Row():
        solara.Select("Scenario", value=scenario.value, values=scenario_choices(), on_value=_choose)
    with solara.Details("Upload a scenario"):
        ScenarioUpload(on_loaded=_choose)
    BacktestSection()
    SensitivitySection(loaded)
    CalibrationSection(loaded)


def _progress(running: bool, percent: float | None) -> None:
    solara.ProgressLinear(percent or True if running else False)


@solara.component
def BacktestSection() -> None:
    """``triad backtest``: the table and the chart."""
    solara.Markdown("## Backtest\nThe scenario's ensemble against the historical targets.")
    with solara.Row():
        solara.InputInt("Worlds", value=backtest_worlds, classes=["triad-backtest-worlds"])
        solara.Button(
            "Run backtest",
            color="primary",
            on_click=lambda: backtest_task(_reference(scenario.value), backtest_worlds.value),
        )
    _progress(backtest_task.pending, backtest_task.progress)
    ErrorBox(backtest_task.exception if backtest_task.error else None)
    result = backtest_task.latest
    chart = solara.use_memo(lambda: plot(result) if result else None, [result])
    if result is None or chart is None:
        return
    solara.Markdown(f"**{result.title}**  \n{hit_rate_text(result)}")
    Table(backtest_frame(result), classes=["triad-backtest"])
    with solara.Column(classes=["triad-backtest-chart"]):
        solara.FigureMatplotlib(chart, format="png")


@solara.component
def RangeInputs(
    paths: list[str],
    ranges: solara.Reactive[dict[str, tuple[float, float]]],
    loaded: Scenario,
    local: bool = False,
) -> None:
    """Low and high ends of each chosen parameter's range (see :func:`starting_ranges`)."""
    defaults = starting_ranges(paths, loaded, local=local)
    for path in paths:
        low, high = ranges.value.get(path, defaults[path])

        def set_end(value: float | None, path: str = path, end: int = 0) -> None:
            current = list(ranges.value.get(path, defaults[path]))
            current[end] = float(value if value is not None else current[end])
            ranges.set({**ranges.value, path: (current[0], current[1])})

        with solara.Row():
            solara.Text(path, style={"min-width": "18em", "font-family": "monospace"})
            solara.InputFloat("low", value=low, on_value=set_end)
            solara.InputFloat("high", value=high, on_value=lambda v, p=path: set_end(v, p, 1))


def _chosen_ranges(
    paths: list[str],
    ranges: dict[str, tuple[float, float]],
    loaded: Scenario,
    local: bool = False,
) -> tuple[Range, ...]:
    defaults = starting_ranges(paths, loaded, local=local)
    return tuple((path, *ranges.get(path, defaults[path])) for path in paths)


@solara.component
def SensitivitySection(loaded: Scenario) -> None:
    """``triad sensitivity``: choose an outcome and parameters, run, see the bars."""
    solara.Markdown(
        "## Sensitivity\nWhich parameters move an outcome: each point of the design runs "
        "as a block of worlds of one ensemble."
    )
    names = [p.path for p in tunable()]
    with solara.Columns([1, 2]):
        with solara.Column():
            solara.Select("Outcome", value=sens_metric, values=list(METRIC_NAMES))
            solara.Select("At", value=sens_month, values=[HORIZON, *months_of(loaded)])
            solara.SelectMultiple("Parameters", values=sens_paths, all_values=names)
            solara.Text("Ranges start at each parameter's bounds.", style=NOTE)
            RangeInputs(sens_paths.value, sens_ranges, loaded)
            with solara.Row():
                solara.Select("Method", value=sens_method, values=list(METHODS))
                solara.InputInt("Size (n)", value=sens_size)
                solara.InputInt("Worlds per point", value=sens_per_point)
            solara.Button("Run sensitivity", color="primary", on_click=lambda: _sense(loaded))
            _progress(sensitivity_task.pending, sensitivity_task.progress)
        with solara.Column():
            SensitivityResult()


def _sense(loaded: Scenario) -> None:
    sensitivity_task(
        SensitivityRun(
            _reference(scenario.value),
            sens_method.value,
            _chosen_ranges(sens_paths.value, sens_ranges.value, loaded),
            outcome_text(sens_metric.value, sens_month.value),
            sens_size.value,
            sens_per_point.value,
        )
    )


@solara.component
def SensitivityResult() -> None:
    """The indices and their bars."""
    ErrorBox(sensitivity_task.exception if sensitivity_task.error else None)
    result = sensitivity_task.latest
    chart = solara.use_memo(lambda: plot(result) if result else None, [result])
    if result is None or chart is None:
        solara.Info("Choose an outcome and parameters, then press Run sensitivity.")
        return
    solara.Markdown(f"**{result.title}**")
    Table(indices_frame(result), classes=["triad-sensitivity"])
    solara.Text(sensitivity_caption(result), style=NOTE)
    with solara.Column(classes=["triad-sensitivity-chart"]):
        solara.FigureMatplotlib(chart, format="png")


@solara.component
def CalibrationSection(loaded: Scenario) -> None:
    """``triad calibrate``: parameters and targets, trials with progress, the overlay."""
    solara.Markdown(
        "## Calibration\nTune parameters so that the ensemble's medians fall in the "
        "historical targets' ranges (optuna's seeded TPE); the result is an overlay scenario."
    )
    targets = solara.use_memo(history_targets, [])
    applying = targets_for(loaded.name, targets)
    chosen = cal_targets.value or applying
    with solara.Columns([1, 2]):
        with solara.Column():
            names = [p.path for p in tunable()]
            solara.SelectMultiple("Parameters to tune", values=cal_paths, all_values=names)
            solara.Text(
                "Ranges start at half the scenario's value either side of it, within the "
                "parameter's bounds.",
                style=NOTE,
            )
            RangeInputs(cal_paths.value, cal_ranges, loaded, local=True)
            solara.SelectMultiple(
                "Targets (data/history.yaml)",
                values=chosen,
                all_values=[t.id for t in targets],
                on_value=cal_targets.set,
            )
            with solara.Row():
                solara.InputInt("Trials", value=cal_trials)
                solara.InputInt("Worlds per trial", value=cal_worlds)
            solara.Button("Calibrate", color="primary", on_click=lambda: _calibrate(loaded, chosen))
            _progress(calibration_task.pending, calibration_task.progress)
        with solara.Column():
            CalibrationResult()


def _calibrate(loaded: Scenario, targets: list[str]) -> None:
    calibration_task(
        CalibrationRun(
            _reference(scenario.value),
            _chosen_ranges(cal_paths.value, cal_ranges.value, loaded, local=True),
            tuple(targets),
            cal_trials.value,
            cal_worlds.value,
        )
    )


@solara.component
def CalibrationResult() -> None:
    """The tuned values, the targets before and after, the trials, the overlay to download."""
    ErrorBox(calibration_task.exception if calibration_task.error else None)
    result = calibration_task.latest
    chart = solara.use_memo(lambda: plot(result) if result else None, [result])
    if result is None or chart is None:
        solara.Info("Choose parameters and targets, then press Calibrate.")
        return
    name, text = overlay(result)
    solara.Markdown(f"**{loss_text(result)}**")
    Table(values_frame(result), classes=["triad-calibration-values"])
    Table(before_after_frame(result), classes=["triad-calibration-targets"])
    with solara.Row():
        solara.FileDownload(text, filename=name, label=f"Download {name}")
        solara.FileDownload(
            lambda: calibration_zip(result),
            filename="calibrate-report.zip",
            label="Download the report (zip)",
        )
    with solara.Details(f"{name} (an overlay: it extends the scenario)"):
        solara.Markdown(f"```yaml\n{text}\n```")
    with solara.Column(classes=["triad-calibration-chart"]):
        solara.FigureMatplotlib(chart, format="png")

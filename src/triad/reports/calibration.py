"""A calibration's folder: the calibrated overlays, the before/after tables, trials, charts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from triad.errors import CalibrationError, ScenarioError
from triad.experiments.calibrate import Calibration, calibrated_yaml, importance_evaluator
from triad.experiments.calibrate_markdown import markdown
from triad.scenario.loader import load_scenario
from triad.store.folders import atomic_folder

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def write(calibration: Calibration, out: Path) -> list[Path]:
    """Write the overlays, ``before_after.csv/.md``, ``trials.csv`` and the charts.

    The overlay is ``calibrated.yaml`` for one scenario, ``calibrated-<name>.yaml`` for
    each scenario of a joint calibration (see ``Calibration.overlay_names``).

    ``importance.png`` is left out (and the Markdown says why) when there are too few
    trials for optuna's importance evaluator.

    Returns:
        The files written.

    Raises:
        CalibrationError: If an overlay does not load back.
    """
    with atomic_folder(out) as folder:
        names = _write_files(calibration, folder)
    return [out / name for name in names]


def _write_files(calibration: Calibration, out: Path) -> list[str]:
    """Write the calibration's files into ``out`` (a fresh folder); returns their names."""
    from triad.plots.calibration import importance_chart
    from triad.plots.style import save

    files = []
    for fit, name in zip(calibration.fits, calibration.overlay_names(), strict=True):
        scenario = out / name
        scenario.write_text(calibrated_yaml(calibration, out, fit), encoding="utf-8")
        try:
            load_scenario(scenario)
        except ScenarioError as error:
            raise CalibrationError(f"{scenario} does not load back: {error}") from None
        files.append(scenario)
    table, text, trials = out / "before_after.csv", out / "before_after.md", out / "trials.csv"
    calibration.table().to_csv(table, index=False)
    importances = calibration.importances()
    method, _ = importance_evaluator(calibration.scenario.seed)
    text.write_text(markdown(calibration, importances, method), encoding="utf-8")
    calibration.history().to_csv(trials, index=False)
    files += [table, text, trials]
    save(plot(calibration), out / "history.png")
    files.append(out / "history.png")
    if importances is not None:
        save(importance_chart(importances, method), out / "importance.png")
        files.append(out / "importance.png")
    return [file.name for file in files]


def plot(calibration: Calibration) -> Figure:
    """The loss of every trial in order, with the best so far (``history.png``)."""
    from triad.plots.calibration import history_chart

    return history_chart(calibration.history())

"""Presentation: the figures and the report folder of every result (uses ``triad.plots``).

The analyses in :mod:`triad.experiments` return results that know their tables
(``frame()``) and their text (``markdown()``); drawing and writing them lives here, one
module per result type, each with ``plot(result, ...)`` (a matplotlib Figure) and
``write(result, out, ...)`` (a new folder, whole or not at all, via
:func:`triad.store.folders.atomic_folder`)::

    import triad

    comparison = triad.compare(["baseline", "ceasefire_2025"], worlds=200)
    triad.plot(comparison, "containers")          # the fan chart of one metric
    triad.write(comparison, "reports/ceasefire")  # report.md, CSVs, manifest, charts/

The module of a result type is imported on first use, so that drawing a run's chart does
not import the calibration's optuna.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["PRESENTERS", "plot", "presenter", "write"]

PRESENTERS: Final[dict[str, str]] = {
    "triad.store.result.RunResult": "triad.reports.run",
    "triad.experiments.compare.Comparison": "triad.reports.comparison",
    "triad.experiments.sweep.Sweep": "triad.reports.sweep",
    "triad.experiments.sensitivity.Sensitivity": "triad.reports.sensitivity",
    "triad.experiments.backtest.Backtest": "triad.reports.backtest",
    "triad.experiments.calibrate.Calibration": "triad.reports.calibration",
    "triad.experiments.explain.Attribution": "triad.reports.attribution",
}
"""Result class (``module.QualName``) -> the module that draws and writes it."""


def presenter(result: object) -> ModuleType:
    """The module that draws and writes ``result`` (found along its class's bases).

    Raises:
        TypeError: If no module presents results of its type.
    """
    for kind in type(result).__mro__:
        module = PRESENTERS.get(f"{kind.__module__}.{kind.__qualname__}")
        if module is not None:
            return import_module(module)
    known = ", ".join(sorted(name.rsplit(".", 1)[1] for name in PRESENTERS))
    raise TypeError(f"triad cannot draw or write a {type(result).__name__} (it can: {known})")


def plot(result: object, *args: Any, **kwargs: Any) -> Figure:
    """A result's main chart; the arguments are its module's ``plot``'s (a metric, ``ax=``)."""
    figure: Figure = presenter(result).plot(result, *args, **kwargs)
    return figure


def write(result: object, out: Path | str, **options: Any) -> Path | list[Path]:
    """Write a result's folder ``out`` (new, or empty), whole or not at all.

    Returns:
        The folder, or the files written (calibration and attribution list their files).
    """
    written: Path | list[Path] = presenter(result).write(result, Path(out), **options)
    return written

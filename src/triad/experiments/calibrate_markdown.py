"""A calibration in Markdown: the tuned values, the losses, every target before and after."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from triad.experiments.parameters import show
from triad.scenario.named_points import named_value

if TYPE_CHECKING:
    from triad.experiments.calibrate import Calibration, ParamRange
    from triad.scenario.schema import Scenario


def markdown(
    calibration: Calibration, importances: Mapping[str, float] | None, method: str = ""
) -> str:
    """The before/after backtest as Markdown, with the tuned values and losses.

    ``importances`` are the parameters' shares by optuna's evaluator ``method`` (None when
    there were too few trials to tell).

    A joint calibration's report names its scenarios, gives each scenario's original value
    of every parameter, a scenario column in the targets table, and the targets it left out.
    """
    if calibration.joint:
        runs = "; ".join(
            f"{fit.scenario.name}: {fit.scenario.worlds} worlds, seed {fit.scenario.seed}"
            for fit in calibration.fits
        )
        lines = [
            f"# Joint calibration of {calibration.name}",
            "",
            f"{len(calibration.history())} trials, one set of values for all scenarios ({runs}). "
            f"Loss: {calibration.loss_before:.4g} before, {calibration.loss_after:.4g} after "
            "(per target, on the scenario it names: the distance of the ensemble median to the "
            "range, in range widths, 0 inside; summed over every target of every scenario).",
        ]
    else:
        lines = [
            f"# Calibration of {calibration.scenario.name}",
            "",
            f"{len(calibration.history())} trials, {calibration.scenario.worlds} worlds, "
            f"seed {calibration.scenario.seed}. Loss: {calibration.loss_before:.4g} before, "
            f"{calibration.loss_after:.4g} after (per target: the distance of the ensemble "
            "median to the range, in range widths, 0 inside; summed).",
        ]
    originals = [_flat(fit.scenario, calibration.params) for fit in calibration.fits]
    heads = (
        [f"original in {fit.scenario.name}" for fit in calibration.fits]
        if calibration.joint
        else ["original"]
    )
    lines += [
        "",
        f"| parameter | range searched | {' | '.join(heads)} | calibrated |",
        "|---|---|" + "---|" * len(heads) + "---|",
    ]
    for param in calibration.params:
        value = calibration.best[param.path]
        before = " | ".join(original[param.path] for original in originals)
        lines.append(
            f"| `{param.path}` | {param.searched} | {before} | {show(param.path, value)} |"
        )
    lines += ["", *table_lines(calibration.table()), ""]
    if calibration.ignored:
        left = ", ".join(f"`{t.id}` ({t.scenario})" for t in calibration.ignored)
        lines += [f"Not scored, as their scenario is not in the study: {left}.", ""]
    if importances is None:
        lines.append("Parameter importance: skipped (too few trials, or every trial scored alike).")
    else:
        shares = ", ".join(f"`{k}` {v:.2f}" for k, v in importances.items())
        lines.append(f"Parameter importance ({method}): {shares}.")
    return "\n".join(lines) + "\n"


def _flat(scenario: Scenario, params: Sequence[ParamRange]) -> dict[str, str]:
    """The scenario's value of each parameter as text, or its distribution if uncertain."""
    from triad.model.params import flat_parameters

    values = flat_parameters(scenario)
    out = {}
    for param in params:
        dist = scenario.uncertain.get(param.path)
        if param.named and not dist:
            out[param.path] = show(param.path, named_value(param.path, scenario))
        elif dist:
            out[param.path] = f"{dist.dist} (uncertain)"
        elif param.choices:
            out[param.path] = getattr(scenario.actors, param.path.split(".")[0]).policy
        elif param.path.startswith("world."):
            driver = getattr(scenario.world, param.path.removeprefix("world."))
            out[param.path] = f"{float(driver.value):.6g} (the driver's start)"
        else:
            out[param.path] = f"{values[param.path]:.6g}"
    return out


def table_lines(table: pd.DataFrame) -> list[str]:
    """Markdown rows of the before/after table (with a scenario column if it has one)."""
    joint = "scenario" in table.columns
    lines = [
        ("| scenario " if joint else "")
        + "| target | metric | period | range | before: median | loss | after: median | loss |",
        "|---|---|---|---|---|---|---|---|" + ("---|" if joint else ""),
    ]
    lines += [_row(row, joint) for row in table.to_dict("records")]
    return lines


def _row(row: Mapping[Hashable, Any], joint: bool = False) -> str:
    return (
        (f"| {row['scenario']} " if joint else "")
        + f"| `{row['id']}` | {row['metric']} | {row['period']} | {_fmt(row['low'])} to "
        f"{_fmt(row['high'])} | {_median(row, 'before')} | {_loss(row['loss_before'])} "
        f"| {_median(row, 'after')} | {_loss(row['loss_after'])} |"
    )


def _median(row: Mapping[Hashable, Any], when: str) -> str:
    if row[f"status_{when}"] == "outside horizon":
        return "outside horizon"
    mark = "inside" if row[f"hit_{when}"] else "outside"
    return f"{_fmt(row[f'median_{when}'])} ({mark})"


def _loss(value: float) -> str:
    return "-" if pd.isna(value) else f"{value:.3g}"


def _fmt(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"

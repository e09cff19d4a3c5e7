"""Signs an analyst can explain: each bundled what-if's stated directions, checked.

A what-if states in its ``expect:`` entries which way its key outcomes should move against
the scenario it extends, and why. :func:`check_signs` runs both on common random numbers
(same seed, same worlds), takes the median of the paired differences, and repeats the
check at points spread over the plausible range of the weights the outcome depends on
(the objective weights of the three states, each scaled by a factor in [1/2, 2]), so that
a sign that holds only at the default weights is reported as not robust.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from triad.model.params import flat_parameters
from triad.runs.simulation import Simulation, simulate
from triad.scenario.loader import bundled_dir, bundled_names, load_scenario
from triad.scenario.schema import Expectation, Scenario

BUNDLED_WHAT_IFS: tuple[str, ...] = tuple(
    name for name in bundled_names() if name != "baseline" and not name.startswith("history/")
)
"""Every bundled what-if (the history replays are not what-ifs of the baseline)."""

WEIGHTS: tuple[str, ...] = (
    "dprk.security.weight_food",
    "dprk.security.weight_economy",
    "dprk.security.weight_oil",
    "dprk.security.weight_deterrence",
    "dprk.security.other_deterrent_m",
    "dprk.security.weight_reserves",
    "dprk.security.weight_exposure",
    "dprk.security.weight_anger",
    "russia.payment_weight",
    "china.cost_weight",
)
"""The objective weights whose plausible range (x1/2 to x2 of the default) signs must survive."""


@dataclass(frozen=True)
class SignCheck:
    """The stated directions of bundled what-ifs, checked at the default and varied weights.

    Attributes:
        rows: One row per (what-if, metric, month): expected sign, median paired
            difference at the default weights, the share of worlds moving that way, the
            weight points checked and how many kept the sign.
    """

    rows: pd.DataFrame

    def frame(self) -> pd.DataFrame:
        """The table as a data frame."""
        return self.rows.copy()

    def markdown(self) -> str:
        """The table in Markdown, as docs/validation.md shows it."""
        lines = [
            "| what-if | outcome | month | expected | median difference | worlds that way "
            "| holds | robust over weights |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in self.rows.itertuples():
            robust = f"{'yes' if r.robust else 'no'} ({r.kept}/{r.points})"
            lines.append(
                f"| {r.what_if} | `{r.metric}` | {r.at} | {r.sign} | {r.median:+.4g} "
                f"| {r.share:.0%} | {'yes' if r.holds else 'no'} | {robust} |"
            )
        return "\n".join(lines)


def weight_points(scenario: Scenario, points: int, seed: int = 7) -> list[list[str]]:
    """``--set`` overrides scaling every weight by a factor in [1/2, 2], log-uniform.

    The points are a Latin hypercube in log space: each weight's range is cut into
    ``points`` strata and each stratum is used once, in a seeded random order.
    """
    rng = np.random.default_rng(seed)
    values = flat_parameters(scenario)
    out: list[list[str]] = [[] for _ in range(points)]
    for path in WEIGHTS:
        strata = (rng.permutation(points) + rng.uniform(size=points)) / points
        for k, u in enumerate(strata):
            factor = 2.0 ** (2.0 * u - 1.0)
            out[k].append(f"{path}={values[path] * factor:.6g}")
    return out


NO_DEAL = "dprk.munitions.max_offer_containers=0"
"""The counterfactual of the deal: DPRK offers Russia nothing."""

DEAL_EXPECTATIONS: tuple[Expectation, ...] = tuple(
    Expectation(metric=metric, at=at, sign="+", why=why)
    for metric, at, why in (
        ("dprk_regime_security", "2024-12", "income, food and strategic help outweigh the shells"),
        ("dprk_regime_security", "2025-12", "income, food and strategic help outweigh the shells"),
        ("dprk_gdp_bn", "2024-12", "cash, oil and food paid for shells"),
    )
)
"""What Pyongyang's choice implies: the deal (baseline) against no deal."""


def _median_difference(
    base: Simulation, other: Simulation, metric: str, at: str
) -> tuple[float, float]:
    month = base.dates.index(at)
    diff = other.series(metric)[month].astype(np.float64) - base.series(metric)[month].astype(
        np.float64
    )
    return float(np.median(diff)), float(np.mean(diff > 0))


def _holds(sign: str, median: float) -> bool:
    return median > 0 if sign == "+" else median < 0


def parent_of(name: str) -> str:
    """The bundled scenario a bundled what-if ``extends``: the reference of its stated signs.

    Read from the file itself (a loaded scenario has its parents merged in).
    """
    document = yaml.safe_load((bundled_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
    parent = str(document.get("extends") or "baseline") if isinstance(document, dict) else ""
    return Path(parent).stem if parent.endswith((".yaml", ".yml")) else parent or "baseline"


def check_signs(
    names: Sequence[str] = BUNDLED_WHAT_IFS, worlds: int = 200, points: int = 4
) -> SignCheck:
    """Check every stated direction of the named what-ifs against their parent.

    Args:
        names: Bundled what-ifs (each ``extends`` its parent, normally ``baseline``).
        worlds: Worlds per run.
        points: Weight points for the robustness check (0 skips it).

    Returns:
        The checked table.
    """
    rows = []
    cases = [("deal (baseline vs no deal)", "baseline", [NO_DEAL], "baseline", DEAL_EXPECTATIONS)]
    for name in names:
        child = load_scenario(name)
        cases.append((name, parent_of(name), [], name, tuple(child.expect)))
    for label, parent, extra, name, expectations in cases:
        grid: list[list[str]] = [[], *weight_points(load_scenario(parent), points)]
        runs = [
            (
                simulate(load_scenario(parent, [*extra, *ov]), worlds),
                simulate(load_scenario(name, ov), worlds),
            )
            for ov in grid
        ]
        for e in expectations:
            median, up = _median_difference(*runs[0], e.metric, e.at)
            kept = sum(_holds(e.sign, _median_difference(*r, e.metric, e.at)[0]) for r in runs[1:])
            rows.append(
                {
                    "what_if": label,
                    "metric": e.metric,
                    "at": e.at,
                    "sign": e.sign,
                    "median": median,
                    "share": up if e.sign == "+" else 1.0 - up,
                    "holds": _holds(e.sign, median),
                    "points": points,
                    "kept": kept,
                    "robust": kept == points,
                    "why": e.why,
                }
            )
    return SignCheck(pd.DataFrame(rows))


if __name__ == "__main__":  # pragma: no cover - prints the table for docs/validation.md
    print(check_signs().markdown())

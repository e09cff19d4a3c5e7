"""The table of bundled scenarios vs history that ``docs/validation.md`` shows.

Besides whether each median reproduces its figure, the table gives the **coverage** of the
ensemble's 90% band (its 5th to 95th percentile across worlds) on the figures not tuned
to: how many of them the band contains. Bands that are honest about what the model does
not know contain about 90% of such figures; far fewer means the spread is understated,
far more that it is wider than it needs to be.

Run ``python -m triad.experiments.validation`` to print it; a test checks the page is
current.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from triad.experiments.targets import Target, load_targets, score_targets
from triad.runs.simulation import simulate
from triad.scenario.loader import load_scenario

HISTORY = Path(__file__).resolve().parent.parent / "data" / "history.yaml"
START, END = "<!-- validation:start -->", "<!-- validation:end -->"
NOMINAL = 0.9
"""The share of figures a 5th-95th percentile band should contain if it is honest."""


def validation_frame(path: Path = HISTORY) -> pd.DataFrame:
    """Backtest every bundled scenario named in a targets file, at its own worlds and seed."""
    targets = load_targets(path)
    by_scenario: dict[str, list[Target]] = {}
    for target in targets:
        by_scenario.setdefault(target.scenario, []).append(target)
    frames = []
    for name, group in by_scenario.items():
        frame = score_targets(simulate(load_scenario(name)), group)
        frames.append(frame.assign(scenario=name))
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class Coverage:
    """How many figures the ensemble's 90% band contains.

    Attributes:
        inside: Figures inside the band (``p05 <= value <= p95``).
        targets: Figures with a band (inside the horizon).
        nominal: The share an honest band would contain.
    """

    inside: int
    targets: int
    nominal: float = NOMINAL

    @property
    def share(self) -> float:
        """Share of the figures inside the band (NaN if there are none)."""
        return self.inside / self.targets if self.targets else float("nan")

    def sentence(self) -> str:
        """One line for the page: the count, the share and the nominal rate."""
        share = f"{self.share:.0%}" if self.targets else "-"
        return (
            f"Coverage of the 90% band on the figures not tuned to: {self.inside} of "
            f"{self.targets} ({share}); an honest band holds about {self.nominal:.0%}."
        )


def in_band(frame: pd.DataFrame) -> pd.Series:
    """Per target: is the historical figure inside the ensemble's 5th-95th percentile band?

    Args:
        frame: Rows as :func:`triad.experiments.targets.score_targets` gives them (``value``,
            ``p05``, ``p95``; the band is NaN for a target outside the horizon).

    Returns:
        Booleans, False where there is no band.
    """
    inside = (frame["p05"] <= frame["value"]) & (frame["value"] <= frame["p95"])
    return inside.fillna(False).astype(bool)


def coverage(frame: pd.DataFrame) -> Coverage:
    """Coverage of the 90% band on the targets *not tuned to* that have a band.

    Args:
        frame: Rows as :func:`validation_frame` gives them (``tuned``, ``value``, ``p05``,
            ``p95``).
    """
    untuned = frame[~frame["tuned"].astype(bool) & frame["p05"].notna() & frame["p95"].notna()]
    return Coverage(inside=int(in_band(untuned).sum()), targets=len(untuned))


def _fmt(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _row(row: Mapping[Hashable, Any]) -> str:
    known = row["status"] != "outside horizon"
    interval = f"[{_fmt(row['p05'])}, {_fmt(row['p95'])}]" if known else "-"
    median = _fmt(row["median"]) if known else "-"
    figure = f"{_fmt(row['value'])} [{_fmt(row['low'])}, {_fmt(row['high'])}]"
    tuned = "yes" if row["tuned"] else "no"
    band = ("yes" if row["in_band"] else "no") if known else "-"
    return (
        f"| {row['scenario']} | `{row['id']}` | {figure} | {median} | {interval} "
        f"| {band} | {tuned} | {row['status']} |"
    )


def validation_markdown(frame: pd.DataFrame) -> str:
    """The validation table as Markdown, one row per target, then the hits and the coverage."""
    lines = [
        "| scenario | target | figure [low, high] | model median | 90% interval "
        "| figure in 90% band | tuned | result |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in frame.assign(in_band=in_band(frame)).to_dict("records"):
        lines.append(_row(row))
    hits = int(frame["hit"].sum())
    untuned = frame[~frame["tuned"]]
    lines.append("")
    lines.append(
        f"Reproduced: {hits} of {len(frame)} targets; of the {len(untuned)} not tuned to, "
        f"{int(untuned['hit'].sum())}."
    )
    lines.append("")
    lines.append(coverage(frame).sentence())
    return "\n".join(lines)


def main() -> None:
    """Print the validation table."""
    print(validation_markdown(validation_frame()))


if __name__ == "__main__":
    main()

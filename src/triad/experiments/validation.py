"""The table of bundled scenarios vs history that ``docs/validation.md`` shows.

Run ``python -m triad.experiments.validation`` to print it; a test checks the page is
current.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from triad.experiments.backtest import Target, compare, load_targets
from triad.model.simulation import simulate
from triad.scenario.loader import load_scenario

HISTORY = Path(__file__).resolve().parent.parent / "data" / "history.yaml"
START, END = "<!-- validation:start -->", "<!-- validation:end -->"


def validation_frame(path: Path = HISTORY) -> pd.DataFrame:
    """Backtest every bundled scenario named in a targets file, at its own worlds and seed."""
    targets = load_targets(path)
    by_scenario: dict[str, list[Target]] = {}
    for target in targets:
        by_scenario.setdefault(target.scenario, []).append(target)
    frames = []
    for name, group in by_scenario.items():
        frame = compare(simulate(load_scenario(name)), group)
        frames.append(frame.assign(scenario=name))
    return pd.concat(frames, ignore_index=True)


def _fmt(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def _row(row: Mapping[Hashable, Any]) -> str:
    known = row["status"] != "outside horizon"
    interval = f"[{_fmt(row['p05'])}, {_fmt(row['p95'])}]" if known else "-"
    median = _fmt(row["median"]) if known else "-"
    figure = f"{_fmt(row['value'])} [{_fmt(row['low'])}, {_fmt(row['high'])}]"
    tuned = "yes" if row["tuned"] else "no"
    return (
        f"| {row['scenario']} | `{row['id']}` | {figure} | {median} | {interval} "
        f"| {tuned} | {row['status']} |"
    )


def validation_markdown(frame: pd.DataFrame) -> str:
    """The validation table as Markdown, one row per target."""
    lines = [
        "| scenario | target | figure [low, high] | model median | 90% interval | tuned | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in frame.to_dict("records"):
        lines.append(_row(row))
    hits = int(frame["hit"].sum())
    untuned = frame[~frame["tuned"]]
    lines.append("")
    lines.append(
        f"Reproduced: {hits} of {len(frame)} targets; of the {len(untuned)} not tuned to, "
        f"{int(untuned['hit'].sum())}."
    )
    return "\n".join(lines)


def main() -> None:
    """Print the validation table."""
    print(validation_markdown(validation_frame()))


if __name__ == "__main__":
    main()

"""A story on the page: its header, its months, and the final state against the ensemble."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from triad.model.metrics import METRIC_BY_NAME, metrics_tagged
from triad.narrate.line import Line
from triad.narrate.track import Track
from triad.narrate.units import with_unit
from triad.runs.simulation import Simulation
from triad.scenario.month import Month
from triad.text import plural

SUMMARY_METRICS: Final[tuple[str, ...]] = metrics_tagged("summary")
"""The final-state table closing each story (the picking metric is added if missing)."""


def header_lines(track: Track, ensemble: Simulation, note: str, logged: bool) -> list[str]:
    """The story's first lines: scenario, world, ensemble, seed, horizon, and notes."""
    s = track.scenario
    worlds = ensemble.world_ids.size
    lines = [
        f"{s.name}: {s.title}" if s.title else s.name,
        f"World {track.world} of an ensemble of {worlds}, seed {s.seed}, "
        f"{track.dates[0]}..{track.dates[-1]} ({plural(track.months, 'month')}).",
    ]
    if note:
        lines.append(note)
    if not logged:
        lines.append(
            f"World {track.world} is outside the logged sample of worlds: its story is built "
            "from its monthly series and the scenario's dated events alone "
            "(no conditional or random events, no DPRK offer decisions)."
        )
    return lines


@dataclass(frozen=True)
class Row:
    """One metric of the final-state table, its numbers written out."""

    label: str
    value: str
    median: str
    percentile: str


def summary_rows(track: Track, ensemble: Simulation, extra: Sequence[str]) -> list[Row]:
    """The world's final value of each summary metric vs the ensemble's median."""
    metrics = [m for m in extra if m not in SUMMARY_METRICS] + list(SUMMARY_METRICS)
    rows = []
    for metric in metrics:
        final = ensemble.series(metric)[-1]
        value = track.at(metric, track.months - 1)
        rank = (np.sum(final < value) + 0.5 * np.sum(final == value)) / final.size
        rows.append(
            Row(
                METRIC_BY_NAME[metric].description,
                with_unit(metric, value),
                with_unit(metric, float(np.median(final))),
                f"{100 * rank:.0f}",
            )
        )
    return rows


def _label(track: Track, line: Line) -> str:
    if line.end == line.start:
        return track.dates[line.start]
    return f"{track.dates[line.start]}..{track.dates[line.end]}"


def _year(track: Track, line: Line) -> int:
    """The calendar year a line begins in."""
    return Month.parse(track.dates[line.start]).year


def render_text(track: Track, header: list[str], lines: Sequence[Line], rows: Sequence[Row]) -> str:
    """The story as plain text: dated lines by year, then the final-state table."""
    out = [*header, ""]
    previous, year = "", None
    for line in lines:
        label = _label(track, line)
        if year is not None and _year(track, line) != year:
            out.append("")
        year = _year(track, line)
        lead = label if label != previous else " " * len(label)
        out.append(f"{lead}  {line.text}")
        previous = label
    out += ["", f"Final state, {track.dates[-1]}:"]
    table = [Row("", "this world", "ensemble median", "percentile"), *rows]
    width = max(len(r.label) for r in table)
    value_w = max(len(r.value) for r in table)
    median_w = max(len(r.median) for r in table)
    out += [
        f"  {r.label:<{width}}  {r.value:>{value_w}}  {r.median:>{median_w}}  {r.percentile:>10}"
        for r in table
    ]
    return "\n".join(out) + "\n"


def render_markdown(
    track: Track, header: list[str], lines: Sequence[Line], rows: Sequence[Row]
) -> str:
    """The story as Markdown: a heading per year, a bullet per line, a table."""
    out = [f"# {header[0]}", "", *(f"{h}  " for h in header[1:]), ""]
    year = None
    for line in lines:
        label = _label(track, line)
        if _year(track, line) != year:
            year = _year(track, line)
            out += ["", f"## {year}", ""] if out[-1] else [f"## {year}", ""]
        out.append(f"- **{label}** {line.text}")
    out += [
        "",
        f"## Final state, {track.dates[-1]}",
        "",
        "| metric | this world | ensemble median | percentile |",
        "|---|--:|--:|--:|",
        *(f"| {r.label} | {r.value} | {r.median} | {r.percentile} |" for r in rows),
    ]
    return "\n".join(out) + "\n"

"""What the Compare page runs: several scenarios or stored runs on the same worlds.

The page's choices are names in a picker: a bundled scenario (``baseline``), an upload of
the session (``upload: mine.yaml``) or a stored run (``run: baseline/20250101-...``).
:func:`compare_items` turns them into what :func:`triad.experiments.compare.compare`
takes; :func:`run_compare` runs them as ``triad compare`` does, and :func:`report_zip`
packs the folder ``triad compare`` writes into one download.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from triad.errors import TriadError
from triad.experiments.compare import Comparison, compare
from triad.reports import comparison as report
from triad.runs.context import RunContext
from triad.runs.ensemble import KEY_METRICS
from triad.runs.options import RunOptions
from triad.text import signed
from triad.web.runs import inside

RUN_PREFIX = "run: "
"""How a stored run is named in the pickers."""
REPORT_FOLDER = "compare-report"
"""The folder inside the downloaded zip."""


@dataclass(frozen=True)
class CompareRun:
    """One press of Run on the Compare page.

    Attributes:
        items: Bundled names, scenario files or stored run folders; the first is the
            reference.
        worlds: Worlds per scenario (a stored run keeps its own: the common worlds count).
        at: Months (``YYYY-MM``) at which to read the differences (empty: the horizon).
    """

    items: tuple[str | Path, ...]
    worlds: int
    at: tuple[str, ...] = ()


def run_choices(runs: Sequence[str]) -> list[str]:
    """Picker names of stored runs, given their folders relative to the store."""
    return [f"{RUN_PREFIX}{run}" for run in runs]


def compare_items(
    choices: Sequence[str], uploads: Mapping[str, Path], runs_root: Path
) -> tuple[str | Path, ...]:
    """What the picked names stand for: a bundled name, an uploaded file or a run folder.

    Args:
        choices: Picked names, in order (the first is the reference).
        uploads: The session's uploaded files, by their picker name.
        runs_root: The store the ``run:`` names are relative to.

    Raises:
        TriadError: If fewer than two are picked, or a run name leaves the store.
    """
    if len(choices) < 2:
        raise TriadError(f"pick two or more scenarios to compare (picked {len(choices)})")
    return tuple(_item(choice, uploads, runs_root) for choice in choices)


def _item(choice: str, uploads: Mapping[str, Path], runs_root: Path) -> str | Path:
    if choice in uploads:
        return uploads[choice]
    if choice.startswith(RUN_PREFIX):
        return inside(runs_root, choice.removeprefix(RUN_PREFIX))
    return choice


def parse_months(text: str) -> tuple[str, ...]:
    """Months typed as ``2025-06, 2026-01`` (commas or spaces between); empty: none.

    The months themselves are checked by :func:`~triad.experiments.compare.compare`, which
    names a malformed month or one outside the compared months.
    """
    return tuple(part for part in re.split(r"[,;\s]+", text.strip()) if part)


def run_compare(
    request: CompareRun, progress: Callable[[int, int], None] | None = None
) -> Comparison:
    """Run the scenarios on common random numbers and line them up, as ``triad compare``.

    Raises:
        TriadError: For a scenario that does not load, a month outside the horizon, or
            runs without common months or worlds.
    """
    return compare(
        list(request.items),
        metrics=KEY_METRICS,
        at=request.at,
        options=RunOptions(worlds=request.worlds),
        context=RunContext(progress=progress),
    )


def report_zip(comparison: Comparison, charts: str = "key") -> bytes:
    """The report ``triad compare`` writes, as a zip of its folder.

    Args:
        comparison: What to report.
        charts: Which charts the report holds (``key``, ``all`` or ``none``).

    Returns:
        The zip's bytes; its entries sit under ``compare-report/``.
    """
    with tempfile.TemporaryDirectory(prefix="triad-compare-") as scratch:
        folder = report.write(comparison, Path(scratch) / REPORT_FOLDER, charts=charts)
        return zip_folder(folder)


def zip_folder(folder: Path) -> bytes:
    """Every file under ``folder`` in a zip, under the folder's own name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, (Path(folder.name) / path.relative_to(folder)).as_posix())
    return buffer.getvalue()


def difference_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The differences as ``triad compare`` prints them, one row per reading and scenario.

    Args:
        frame: :meth:`Comparison.differences`.

    Returns:
        Columns metric (with its unit), scenario, at, median (of the world-by-world
        differences), MC 90% (the Monte Carlo interval of that median), worlds 5-95%
        (the spread of the differences across worlds), same sign (share of worlds with the
        median's sign), diverges (the month from which 95% of worlds differ one way), and
        other form (a total's monthly flow or a flow's total, its median difference) when
        a metric has one.
    """
    rows = [_difference_row(row) for row in frame.to_dict("records")]
    table = pd.DataFrame(rows)
    if table.empty or not table["other form"].astype(bool).any():
        table = table.drop(columns="other form", errors="ignore")
    return table


def _difference_row(row: Mapping[Hashable, Any]) -> dict[str, str]:
    diverges = row["divergence_date"]
    other = row["other_form"]
    return {
        "metric": f"{row['metric']} [{row['unit']}]",
        "scenario": str(row["scenario"]),
        "at": str(row["at"]),
        "median": signed(_float(row["median_difference"])),
        "MC 90%": _interval(row["mc_p05"], row["mc_p95"]),
        "worlds 5-95%": _interval(row["worlds_p05"], row["worlds_p95"]),
        "same sign": f"{_float(row['worlds_same_sign']):.0%}",
        "diverges": diverges if isinstance(diverges, str) else "-",
        "other form": f"{other} {signed(_float(row['other_median_difference']))}"
        if isinstance(other, str) and other
        else "",
    }


def _float(value: object) -> float:
    return float(str(value))


def _interval(low: object, high: object) -> str:
    return f"[{signed(_float(low))}, {signed(_float(high))}]"

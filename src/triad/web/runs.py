"""What the Runs page shows: the stored runs of the server's store, and one run opened.

The list is ``triad runs``'s (:func:`triad.store.run_folder.list_runs`) with the
scenario's start month and the date of the run; an opened run is its manifest, the
integrity check of every file against it (:func:`~triad.store.run_folder.verify_run`)
and the charts stored beside the data, shown as they were drawn.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from triad.errors import TriadError
from triad.reports.chart_sets import OVERVIEW
from triad.runs.ensemble import KEY_METRICS
from triad.runs.resources import format_bytes
from triad.store.manifest import Manifest
from triad.store.run_folder import CHARTS, inspect_run, list_runs, verify_run

RUN_COLUMNS = [
    "folder",
    "scenario",
    "start",
    "months",
    "worlds",
    "seed",
    "overrides",
    "date (UTC)",
    "status",
]
"""The list's columns."""
HIDDEN_KEYS = ("scenario", "files")
"""Manifest entries shown apart from the summary: the scenario in full, the file table."""


@dataclass(frozen=True)
class OpenedRun:
    """One stored run as the page shows it.

    Attributes:
        folder: The run's folder.
        name: The folder relative to the store.
        manifest: Its manifest (None if unreadable).
        problems: What the integrity check found (empty: every file matches).
        charts: The stored chart images, key metrics in their usual order.
    """

    folder: Path
    name: str
    manifest: Manifest | None
    problems: tuple[str, ...]
    charts: tuple[Path, ...]

    @property
    def sound(self) -> bool:
        """Whether the run is complete and every file matches its checksum."""
        return self.manifest is not None and not self.problems


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, refusing a path that leads out of ``root``.

    Raises:
        TriadError: If the path is absolute or climbs out of ``root``.
    """
    base = root.resolve()
    target = (base / relative).resolve()
    if Path(relative).is_absolute() or not target.is_relative_to(base):
        raise TriadError(f"{relative!r} is not a folder of the runs store")
    return target


def stored_runs(root: Path) -> pd.DataFrame:
    """The runs stored under ``root``, as ``triad runs`` lists them, plus their start.

    Returns:
        Columns :data:`RUN_COLUMNS`, one row per run, by scenario and date; an incomplete
        folder has its problems in ``status``.
    """
    listed = list_runs(root)
    rows = [_row(record, root) for record in listed.to_dict("records")]
    return pd.DataFrame(rows, columns=RUN_COLUMNS)


def sound_runs(root: Path) -> list[str]:
    """The complete runs of the store (folders relative to it), to compare or open."""
    frame = stored_runs(root)
    return [str(folder) for folder in frame.loc[frame["status"] == "ok", "folder"]]


def _row(record: dict[Any, Any], root: Path) -> dict[str, Any]:
    path = Path(str(record["path"]))
    manifest = inspect_run(path)[0]
    started = record["started"]
    return {
        "folder": _relative(path, root),
        "scenario": _blank(record["scenario"]),
        "start": manifest.start if manifest is not None else "",
        "months": _blank(record["months"]),
        "worlds": _blank(record["worlds"]),
        "seed": _blank(record["seed"]),
        "overrides": " ".join(record["overrides"]) or "-",
        "date (UTC)": started[:16].replace("T", " ") if isinstance(started, str) else "",
        "status": record["status"],
    }


def _blank(value: object) -> object:
    return "" if value is None or value is pd.NA else value


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def open_run(root: Path, name: str) -> OpenedRun:
    """A stored run by its folder relative to the store, checked file by file.

    Raises:
        TriadError: If ``name`` leads out of the store.
    """
    folder = inside(root, name)
    manifest = inspect_run(folder)[0]
    problems = tuple(verify_run(folder))
    return OpenedRun(folder, name, manifest, problems, stored_charts(folder))


def stored_charts(folder: Path) -> tuple[Path, ...]:
    """The run's chart images (no hidden or linked files): the overview, then key metrics."""
    charts = folder / CHARTS
    if not charts.is_dir() or charts.is_symlink():
        return ()
    found = [
        path
        for path in charts.glob("*.png")
        if not path.name.startswith(".") and path.is_file() and not path.is_symlink()
    ]
    order = {name: i for i, name in enumerate((OVERVIEW, *KEY_METRICS))}
    return tuple(sorted(found, key=lambda p: (order.get(p.stem, len(order)), p.name)))


def integrity_text(run: OpenedRun) -> str:
    """One line on the integrity check: sound, or how many problems were found."""
    if run.sound and run.manifest is not None:
        listed = run.manifest.files or {}
        data = [name for name in listed if not name.startswith(f"{CHARTS}/")]
        return (
            f"Integrity: sound; all {len(data)} data files match their SHA-256 in the "
            "manifest (charts are drawn from the data and not checked)"
        )
    return f"Integrity: {len(run.problems)} problem(s) found"


def manifest_summary(manifest: Manifest) -> pd.DataFrame:
    """The manifest's entries as (entry, value) rows, the scenario and file list left out."""
    rows = [
        {"entry": key, "value": _shown(key, value)}
        for key, value in manifest.to_json().items()
        if key not in HIDDEN_KEYS
    ]
    return pd.DataFrame(rows, columns=["entry", "value"])


def _shown(key: str, value: object) -> str:
    if key == "command" and isinstance(value, list):
        return f"`{shlex.join(str(part) for part in value)}`"  # code: no Markdown inside
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(str(item) for item in value) or "-"
    return "-" if value is None else str(value)


def manifest_files(manifest: Manifest) -> pd.DataFrame:
    """The files the manifest lists: name, size and the start of the SHA-256."""
    rows = [
        {"file": name, "size": format_bytes(entry.size), "sha256": f"{entry.sha256[:16]}…"}
        for name, entry in (manifest.files or {}).items()
    ]
    return pd.DataFrame(rows, columns=["file", "size", "sha256"])


def manifest_json(manifest: Manifest) -> str:
    """The manifest as stored, indented."""
    return json.dumps(manifest.to_json(), indent=2, ensure_ascii=False)

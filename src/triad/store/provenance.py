"""What produced a result: the resolved scenario, its hash, seed, versions, commit, command."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
import sys
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from triad.scenario.schema import Scenario
from triad.store.manifest import FORMAT, Manifest, RunRequest

if TYPE_CHECKING:
    from triad.footer import Provenance


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON: equal hashes, equal scenarios."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def git_commit() -> str | None:
    """The commit of the triad source tree, when it is a git checkout."""
    out = _git(Path(__file__).resolve().parent, "rev-parse", "HEAD")
    return out.strip() or None if out is not None else None


def git_modified() -> bool | None:
    """Whether the triad source tree has changes not committed (None outside a checkout).

    A result made from modified source cannot be reproduced from its ``git_commit`` alone;
    manifests record this beside the commit.
    """
    here = Path(__file__).resolve().parent.parent  # the triad package
    out = _git(here, "status", "--porcelain", "--untracked-files=no", "--", ".")
    return bool(out.strip()) if out is not None else None


def _git(folder: Path, *args: str) -> str | None:
    """What ``git -C folder ARGS`` writes, or None if git is missing, fails or hangs."""
    try:
        out = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def versions() -> dict[str, str]:
    """Versions of triad, mesa, numpy, pandas and Python (a new dict each call)."""
    return dict(_installed())


@cache
def _installed() -> tuple[tuple[str, str], ...]:
    """The versions, read once a process (each lookup scans the installed packages)."""
    found = [("python", platform.python_version())]
    for name in ("triad", "mesa", "numpy", "pandas", "pyarrow"):
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "unknown"))
    return tuple(found)


def chart_footer(
    labels: tuple[str, ...], worlds: int, seed: int, *, overrides: bool = False
) -> Provenance:
    """What produced a chart, for its footer: the scenarios, worlds, seed and this triad."""
    from triad.footer import Provenance

    return Provenance(labels, worlds, seed, versions().get("triad", "unknown"), overrides)


def now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def manifest(
    scenario: Scenario,
    started: str,
    finished: str,
    *,
    request: RunRequest | None = None,
    executor: str | None = None,
) -> Manifest:
    """Everything needed to reproduce a run.

    Args:
        scenario: The fully resolved scenario that ran.
        started: Start time (ISO 8601).
        finished: End time (ISO 8601).
        request: How ``triad.run`` was asked for it (overrides, chunk size, log worlds).
        executor: Where its chunks ran (``local``, ``processes:N``, ...).
    """
    return Manifest(
        format=FORMAT,
        scenario=scenario.model_dump(mode="json"),
        scenario_name=scenario.name,
        scenario_hash=scenario_hash(scenario),
        seed=scenario.seed,
        worlds=scenario.worlds,
        months=scenario.months,
        start=scenario.start,
        versions=versions(),
        git_commit=git_commit(),
        git_modified=git_modified(),
        command=tuple(sys.argv),
        started=started,
        finished=finished,
        request=request,
        executor=executor,
    )

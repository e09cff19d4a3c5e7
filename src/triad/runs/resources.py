"""What a run needs (memory, disk, workers) checked against what the machine has, up front.

An in-memory ensemble holds every world's metrics (months x metrics x worlds, float32)
plus one chunk being simulated; a comparison holds every scenario's. Before a run starts,
:func:`check_memory` compares that estimate (:func:`ensemble_bytes`) with the memory
available (``MemAvailable`` in ``/proc/meminfo``, else the free physical pages) and refuses
with the estimate and the alternatives, instead of ending in a ``MemoryError`` or driving
the machine out of memory. A streamed run holds one chunk at a time but writes about
:data:`DISK_SHARE` of its raw metrics to disk: :func:`check_disk` refuses it when the
disk cannot hold that. :func:`cap_workers` keeps a process pool within the CPUs.

The environment variables :data:`MEMORY_ENV` and :data:`DISK_ENV` set the bytes taken as
available (to test the checks, or to keep a run within a share of a shared machine).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Final

from triad.errors import ResourceError
from triad.model.metrics import METRIC_NAMES

__all__ = [
    "DISK_ENV",
    "DISK_SHARE",
    "MEMORY_ENV",
    "WORLD_STATE_BYTES",
    "available_disk",
    "available_memory",
    "cap_workers",
    "check_disk",
    "check_memory",
    "chunk_bytes",
    "ensemble_bytes",
    "format_bytes",
    "metrics_bytes",
    "stream_disk_bytes",
]

MEMORY_ENV: Final = "TRIAD_MEMORY_AVAILABLE"
"""Bytes of memory the checks take as available (overrides ``/proc/meminfo``)."""
DISK_ENV: Final = "TRIAD_DISK_AVAILABLE"
"""Bytes of disk the checks take as available (overrides the file system's free space)."""
WORLD_STATE_BYTES: Final = 4096
"""Working memory of one world while its chunk is simulated, bytes (measured: about 2,300
at 100,000 worlds, see docs/performance.md; rounded up)."""
DISK_SHARE: Final = 0.75
"""Stored size over raw float32 metrics, rounded up: a stored run of 50,000 worlds x 60
months took 743 MB for 1,080 MB raw, 0.69 (the LZ4 series 0.63, ``inputs.parquet`` with
its 181 drawn inputs 0.06; measured at commit ``f5ff37a``)."""
FIXED_DISK_BYTES: Final = 64 * 2**20
"""Disk a stored run needs besides its series: events, summary, charts, manifest (bound)."""


def metrics_bytes(worlds: int, months: int) -> int:
    """Bytes of the recorded metrics of ``worlds`` worlds over ``months`` months (float32)."""
    return worlds * months * len(METRIC_NAMES) * 4


def ensemble_bytes(worlds: int, months: int, chunk: int | None = None) -> int:
    """Memory an in-memory ensemble needs: every world's metrics plus one chunk at work.

    Args:
        worlds: Worlds in the ensemble.
        months: Its horizon.
        chunk: Worlds simulated at a time (default: all).
    """
    at_once = worlds if chunk is None else min(worlds, max(1, chunk))
    return metrics_bytes(worlds, months) + chunk_bytes(at_once, months)


def chunk_bytes(worlds: int, months: int) -> int:
    """Memory of one chunk being simulated: its working state and its own recorder."""
    return metrics_bytes(worlds, months) + worlds * WORLD_STATE_BYTES


def stream_disk_bytes(worlds: int, months: int) -> int:
    """Disk a streamed (or stored) run of ``worlds`` worlds needs, estimated."""
    return int(metrics_bytes(worlds, months) * DISK_SHARE) + FIXED_DISK_BYTES


def _env_bytes(name: str) -> int | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        raise ResourceError(f"{name}={text!r}: expected a whole number of bytes")
    return int(text)


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation, or None if unknown.

    :data:`MEMORY_ENV` if set; else ``MemAvailable`` from ``/proc/meminfo`` (Linux); else
    the free physical pages (``os.sysconf``).
    """
    given = _env_bytes(MEMORY_ENV)
    if given is not None:
        return given
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            for line in stream:
                name, _, rest = line.partition(":")
                if name == "MemAvailable":
                    return int(rest.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def available_disk(folder: Path) -> int | None:
    """Free bytes on the file system that holds ``folder`` (or its nearest existing parent)."""
    given = _env_bytes(DISK_ENV)
    if given is not None:
        return given
    probe = Path(os.path.abspath(folder))
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free
    except OSError:
        return None


def format_bytes(count: float) -> str:
    """``1.5 GiB``, ``300 MiB``: bytes in binary units, three significant digits."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if abs(count) < 1024 or unit == "TiB":
            return f"{count:,.0f} {unit}" if unit == "bytes" else f"{count:,.3g} {unit}"
        count /= 1024
    return f"{count:,.3g} PiB"  # pragma: no cover - unreachable


def check_memory(need: int, what: str, *, worlds: int, months: int, copies: int = 1) -> None:
    """Refuse a run that needs more memory than is available (no-op when unknown).

    Args:
        need: Bytes the run needs (see :func:`ensemble_bytes`).
        what: The run, for the message (``a run of baseline``).
        worlds: Its worlds per ensemble (to say how many would fit).
        months: Its horizon.
        copies: Ensembles held at once (a comparison's scenarios).

    Raises:
        ResourceError: With the estimate, the memory available and the alternatives.
    """
    available = available_memory()
    if available is None or need <= available:
        return
    per_world = max(1, need // max(1, worlds))
    fits = max(0, available // per_world)
    raise ResourceError(
        f"{what} needs about {format_bytes(need)} of memory ({copies} x {worlds:,} worlds x "
        f"{months} months of metrics, plus the chunk being simulated), but only "
        f"{format_bytes(available)} is available; nothing was run. Instead: run fewer worlds "
        f"(about {fits:,} fit), stream one large run to disk chunk by chunk with bounded "
        "memory (`triad run SCENARIO --stream`), or run on a machine or cluster node with "
        "more memory"
    )


def check_disk(folder: Path, need: int, what: str) -> None:
    """Refuse to write ``need`` bytes under ``folder`` when the disk has less free.

    Raises:
        ResourceError: With the estimate and the free space.
    """
    available = available_disk(folder)
    if available is None or need <= available:
        return
    raise ResourceError(
        f"{what} needs about {format_bytes(need)} of disk in {folder}, but only "
        f"{format_bytes(available)} is free; nothing was run. Free some space, store it "
        "elsewhere (--out or --root), or run fewer worlds"
    )


def cap_workers(asked: int) -> tuple[int, str | None]:
    """Worker processes for a pool: at most the CPUs.

    Returns:
        The count and, if it was lowered, a note saying so.
    """
    cpus = os.cpu_count() or 1
    if asked <= cpus:
        return asked, None
    return cpus, f"{asked} worker processes asked for; using {cpus}, the number of CPUs"

"""A large stored run on each executor: ``local`` against ``processes:2``, alternately.

Run by hand (never from the test suite)::

    .venv/bin/python benchmarks/large_run.py                    # 200,000 worlds, 3 repeats
    .venv/bin/python benchmarks/large_run.py --worlds 50000 --repeats 1
    .venv/bin/python benchmarks/large_run.py --profile local    # cProfile of one run
    .venv/bin/python benchmarks/large_run.py --timeline local   # when each chunk is done

Each run is ``triad.run("baseline", worlds=N, months=60, out=..., stream=True,
charts=False)`` in a fresh child process (this script re-invoked with ``--child``): the
worlds are simulated chunk by chunk, written as Parquet parts, summarised, and the folder
sealed; the time is the whole call, the executor's start-up included. Give the same
``--chunk-size`` to both when the automatic sizes differ (below about 100,000 worlds
``processes:2`` cuts smaller chunks than ``local``), so that their stored bytes can be
compared. The executors
alternate (local, processes:2, local, ...) so that the load of a shared machine falls on
both alike; the script prints every time, the medians, the ratio and the load average,
and checks that the runs stored the same bytes (every file but the manifest).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

EXECUTORS = ("local", "processes:2")
TARGET = 1.6  # processes:2 at least this many times faster than local
SKIP = ("manifest.json",)


def stored_run(
    executor: str,
    worlds: int,
    out: Path,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """The run every measurement here times: baseline, 60 months, streamed, no charts."""
    import triad

    triad.run(
        "baseline",
        worlds=worlds,
        months=60,
        out=out,
        stream=True,
        charts=False,
        executor=executor,
        chunk_size=chunk_size,
        progress=progress,
    )


def child(executor: str, worlds: int, out: Path, chunk_size: int | None = None) -> None:
    """One stored run; prints its wall time as JSON."""
    started = time.perf_counter()
    stored_run(executor, worlds, out, chunk_size)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def timeline(executor: str, worlds: int, out: Path, chunk_size: int | None = None) -> None:
    """One stored run, printing when each chunk's part was done (seconds from the call).

    The run's own progress callback marks the times: on ``local`` a chunk counts once its
    part is written (behind the next chunk's simulation), on ``processes:2`` once its worker
    sent the part's checksums back. The gaps between marks are the time a chunk takes.
    """
    started = time.perf_counter()
    marks: list[float] = []

    def progress(done: int, total: int) -> None:
        now = time.perf_counter() - started
        gap = now - marks[-1] if marks else now
        marks.append(now)
        print(f"  {now:7.2f} s  {done / total:6.1%} of the world-months  (+{gap:.2f} s)")

    stored_run(executor, worlds, out, chunk_size, progress)
    print(f"  {time.perf_counter() - started:7.2f} s  finished and sealed")


def digest(folder: Path) -> str:
    """One SHA-256 over every stored file but the manifest, by relative path."""
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in SKIP):
        total.update(path.relative_to(folder).as_posix().encode())
        total.update(hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


def timed(executor: str, worlds: int, scratch: Path, chunk_size: int) -> tuple[float, str]:
    """Run one child; its time and the digest of what it stored."""
    out = scratch / f"run-{executor.replace(':', '-')}"
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, __file__, "--child", executor, "--worlds", str(worlds)]
    command += ["--chunk-size", str(chunk_size)]
    found = subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
    seconds = float(json.loads(found.stdout.splitlines()[-1])["seconds"])
    stored = digest(out)
    shutil.rmtree(out, ignore_errors=True)
    return seconds, stored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--worlds", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--chunk-size", type=int, default=0, help="worlds per chunk (default: automatic)"
    )
    parser.add_argument("--profile", choices=EXECUTORS, help="cProfile one run and stop")
    parser.add_argument(
        "--timeline", choices=EXECUTORS, help="one run, printing when each chunk is done"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.worlds, args.out, args.chunk_size or None)
        return 0
    scratch = Path(tempfile.mkdtemp(prefix="triad-large-"))
    try:
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(
                child, args.profile, args.worlds, scratch / "run", args.chunk_size or None
            )
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            return 0
        if args.timeline:
            print(f"{args.worlds:,} worlds on {args.timeline}; load {_load()}")
            timeline(args.timeline, args.worlds, scratch / "run", args.chunk_size or None)
            return 0
        print(f"{args.worlds:,} worlds x 60 months, stored and streamed; load {_load()}")
        times: dict[str, list[float]] = {e: [] for e in EXECUTORS}
        digests: set[str] = set()
        for repeat in range(args.repeats):
            for executor in EXECUTORS if repeat % 2 == 0 else EXECUTORS[::-1]:
                seconds, stored = timed(executor, args.worlds, scratch, args.chunk_size)
                times[executor].append(seconds)
                digests.add(stored)
                print(f"  {executor:<12} {seconds:7.2f} s  (load {_load()})", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    medians = {e: statistics.median(t) for e, t in times.items()}
    for executor, seconds in medians.items():
        spread = f"{min(times[executor]):.2f}-{max(times[executor]):.2f}"
        print(f"{executor:<12} median {seconds:7.2f} s  (min-max {spread} s)")
    ratio = medians["local"] / medians["processes:2"]
    verdict = "met" if ratio >= TARGET else f"missed by {TARGET / ratio:.2f}x"
    print(f"processes:2 is {ratio:.2f}x local (target >= {TARGET}x): {verdict}")
    print("stored files identical across executors:", "yes" if len(digests) == 1 else "NO")
    print(f"load average at the end: {_load()}")
    return 0 if len(digests) == 1 else 1


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())

"""float32 against float64: how much faster the model runs, and how far its results move.

Run by hand (never from the test suite)::

    .venv/bin/python benchmarks/precision.py                      # about 8 minutes
    .venv/bin/python benchmarks/precision.py --sizes 500 10000 --accuracy-worlds 300

A scenario's ``precision`` (``--set precision=float32``) is the floating-point type of the
model's state, parameters, drivers and draws; the recorder stores float32 either way.

**Speed.** For each size, fresh child processes alternate float64, float32, float64, ...
(``--processes`` of each, one at a time); each builds one warm-up model, then times
``TriadModel(scenario, worlds=N)`` (build) and ``.run()`` (steps) ``--repeats`` times
(3 at 100,000 worlds or more). The table gives medians and min-max over every repeat of
every process, and the ratio float64 / float32.

**Accuracy.** The bundled ``baseline`` and six what-ifs, ``--accuracy-worlds`` worlds
each, run in both precisions in this process: the largest relative difference of the
ensemble medians of every metric at months 12, 24, 36, 48 and 60 (denominator
``max(|a|, |b|, 1e-3)``, so that a median near zero does not count as a large relative
change), the share of single values (world, metric, month) that differ by more than
1e-4, 1e-3 and 1e-2 relative (denominator ``max(|a|, |b|, 1e-9)``), and whether any world
counts a different whole number of launches, successes, tiers or regimes. The tolerance
stated in ``docs/performance.md`` and held by ``tests/test_precision.py`` is 0.2% on medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

SCENARIOS = (
    "baseline",
    "ceasefire_2025",
    "china_punishes",
    "tech_for_shells",
    "sanctions_snapback",
    "kpa_resists",
    "trilateral_bloc",
)
COUNTS = ("satellite_attempts_cum", "satellite_successes_cum", "russia_tech_tier", "un_regime")
PRECISIONS = ("float64", "float32")
MEDIAN_TOLERANCE = 2e-3


def child(worlds: int, repeats: int, precision: str) -> dict[str, Any]:
    """Time build and steps of ``repeats`` models in this process, after one warm-up."""
    from triad.model.model import TriadModel
    from triad.scenario.loader import load_scenario

    scenario = load_scenario("baseline", [f"precision={precision}"])
    TriadModel(scenario, worlds=min(worlds, 10_000)).run()
    builds, steps = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        model = TriadModel(scenario, worlds=worlds)
        built = time.perf_counter()
        model.run()
        steps.append(time.perf_counter() - built)
        builds.append(built - start)
        del model
    return {"build": builds, "steps": steps}


def run_child(worlds: int, repeats: int, precision: str) -> dict[str, Any]:
    """:func:`child` in a fresh process."""
    command = [sys.executable, __file__, "--child", str(worlds), str(repeats), precision]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def spread(values: list[float]) -> str:
    """Median and min-max, in seconds."""
    return f"{statistics.median(values):9.3f} ({min(values):.3f}-{max(values):.3f})"


def speed(sizes: Sequence[int], repeats: int, processes: int) -> None:
    """Print the speed table: float64 and float32 alternating, in fresh processes."""
    print(f"load average at start: {os.getloadavg()}")
    header = f"{'worlds':>8} {'precision':9} {'build s (min-max)':>24} {'steps s (min-max)':>24}"
    print(header + "   total s")
    print("-" * (len(header) + 10))
    for worlds in sizes:
        reps = 3 if worlds >= 100_000 else repeats
        times: dict[str, dict[str, list[float]]] = {
            p: {"build": [], "steps": []} for p in PRECISIONS
        }
        for _ in range(processes):
            for precision in PRECISIONS:
                got = run_child(worlds, reps, precision)
                for key in ("build", "steps"):
                    times[precision][key] += got[key]
        totals = {}
        for precision in PRECISIONS:
            b, s = times[precision]["build"], times[precision]["steps"]
            totals[precision] = statistics.median(b) + statistics.median(s)
            print(f"{worlds:>8,} {precision:9} {spread(b)} {spread(s)} {totals[precision]:9.3f}")
        b64, b32 = (statistics.median(times[p]["build"]) for p in PRECISIONS)
        s64, s32 = (statistics.median(times[p]["steps"]) for p in PRECISIONS)
        print(
            f"{'':>8} float64 / float32: build {b64 / b32:.2f}x, steps {s64 / s32:.2f}x, "
            f"total {totals['float64'] / totals['float32']:.2f}x"
        )
    print(f"load average at end: {os.getloadavg()}")


def accuracy(worlds: int) -> bool:
    """Print how far float32 moves results from float64; True if the medians hold."""
    from triad.model.metrics import METRIC_NAMES
    from triad.runs.simulation import simulate
    from triad.scenario.loader import load_scenario

    print(f"\nAccuracy: {worlds:,} worlds a scenario, every metric, months 12-60")
    worst: list[tuple[float, str, str, int, float, float]] = []
    above = np.zeros(3)
    values = 0
    paths_differ = 0
    for name in SCENARIOS:
        a, b = (
            simulate(load_scenario(name, [f"precision={p}"]), worlds=worlds).data.astype(np.float64)
            for p in PRECISIONS
        )
        rel = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-9)
        above += [np.count_nonzero(rel > t) for t in (1e-4, 1e-3, 1e-2)]
        values += rel.size
        for i, metric in enumerate(METRIC_NAMES):
            if metric in COUNTS:
                paths_differ += int(np.count_nonzero(np.any(a[:, i] != b[:, i], axis=0)))
            for month in range(11, a.shape[0], 12):
                ma, mb = float(np.median(a[month, i])), float(np.median(b[month, i]))
                diff = abs(ma - mb) / max(abs(ma), abs(mb), 1e-3)
                worst.append((diff, name, metric, month + 1, ma, mb))
    worst.sort(reverse=True)
    print(f"{'scenario':20} {'metric':28} {'month':>5} {'float64':>12} {'float32':>12} {'rel':>9}")
    for diff, name, metric, month, ma, mb in worst[:10]:
        print(f"{name:20} {metric:28} {month:>5} {ma:12.6g} {mb:12.6g} {diff:9.2e}")
    shares = ", ".join(
        f"> {t:g}: {100 * n / values:.4f}%" for t, n in zip((1e-4, 1e-3, 1e-2), above, strict=True)
    )
    print(f"single values ({values:,}) differing by {shares}")
    print(f"worlds counting another whole number of launches, tiers or regimes: {paths_differ}")
    held = worst[0][0] <= MEDIAN_TOLERANCE
    verdict = "HELD" if held else "BROKEN"
    print(
        f"[{verdict}] largest median difference {worst[0][0]:.2e} (tolerance {MEDIAN_TOLERANCE:g})"
    )
    return held and paths_differ == 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run the speed and accuracy measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=5, help="models a process (3 at 100,000+)")
    parser.add_argument("--processes", type=int, default=2, help="processes a precision and size")
    parser.add_argument("--accuracy-worlds", type=int, default=1_000)
    parser.add_argument("--child", nargs=3, metavar=("WORLDS", "REPEATS", "PRECISION"))
    args = parser.parse_args(argv)
    if args.child:
        worlds, repeats, precision = args.child
        print(json.dumps(child(int(worlds), int(repeats), precision)))
        return 0
    speed(args.sizes, args.repeats, args.processes)
    return 0 if accuracy(args.accuracy_worlds) else 1


if __name__ == "__main__":
    sys.exit(main())

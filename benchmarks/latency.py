"""Start-up latency of the command line against a bare interpreter, as a user feels it.

Run by hand (never from the test suite)::

    .venv/bin/python benchmarks/latency.py               # 7 repeats of each command
    .venv/bin/python benchmarks/latency.py --repeats 15

Each command runs in a fresh child process, the way a user types it: ``python -c pass``
(the bare interpreter, the reference), ``python -c "import triad"``, and the ``triad``
console script of this interpreter's environment with ``--help``, ``validate baseline``
and ``scenarios``. Every command runs once untimed first (to warm the disk cache and write
bytecode); then the repeats go round the commands in turn, so that a change of load
touches each alike.

The children keep their bytecode in a private cache (``PYTHONPYCACHEPREFIX``, a temporary
folder removed at the end), as an installed package has its ``.pyc`` files, even where the
caller's environment sets ``PYTHONDONTWRITEBYTECODE`` (an editable install then compiles
triad's own modules at every start); ``--as-is`` runs them in the caller's environment
unchanged. For each command the script prints the median wall time, the fastest
and slowest repeat, the median CPU time of the child (user + system; wall time well above
it means the machine was busy) and the difference of the medians to the bare interpreter.

Target: ``triad --help`` within 0.3 s of the bare interpreter (difference of medians).
Which modules each command imports is checked by ``tests/test_startup.py``; this script
only measures.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ensemble import machine

TARGET_S = 0.3
"""``triad --help`` at most this much slower than ``python -c pass`` (medians)."""
TARGET_LABEL = "triad --help"
REFERENCE_LABEL = "python -c pass"


@dataclass(frozen=True)
class Row:
    """One command's timings over the repeats."""

    label: str
    wall: list[float]
    cpu: list[float]

    @property
    def median(self) -> float:
        """Median wall time, seconds."""
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        """Median CPU time of the child (user + system), seconds."""
        return statistics.median(self.cpu)


def commands() -> dict[str, list[str]]:
    """Label -> the command line, with this interpreter and its environment's ``triad``."""
    python = sys.executable
    script = Path(python).parent / "triad"
    triad = [str(script)] if script.is_file() else [python, "-m", "triad"]
    return {
        REFERENCE_LABEL: [python, "-c", "pass"],
        'python -c "import triad"': [python, "-c", "import triad"],
        TARGET_LABEL: [*triad, "--help"],
        "triad validate baseline": [*triad, "validate", "baseline"],
        "triad scenarios": [*triad, "scenarios"],
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child_environment(bytecode: Path | None) -> dict[str, str]:
    """The children's environment: with their bytecode cached under ``bytecode``, if given."""
    env = dict(os.environ)
    if bytecode is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def time_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU time of one run of ``argv`` in a child process; it must succeed."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, check=False, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        error = done.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"{' '.join(argv)} exited with {done.returncode}: {error}")
    return wall, _children_cpu() - cpu


def measure(cases: dict[str, list[str]], repeats: int, env: dict[str, str]) -> list[Row]:
    """Time every command ``repeats`` times, round-robin, after one untimed run each."""
    for argv in cases.values():
        time_once(argv, env)
    walls: dict[str, list[float]] = {label: [] for label in cases}
    cpus: dict[str, list[float]] = {label: [] for label in cases}
    for _ in range(repeats):
        for label, argv in cases.items():
            wall, cpu = time_once(argv, env)
            walls[label].append(wall)
            cpus[label].append(cpu)
    return [Row(label, walls[label], cpus[label]) for label in cases]


def format_table(rows: list[Row]) -> str:
    """The results as fixed-width text: medians, spread, CPU and the difference."""
    reference = next(r for r in rows if r.label == REFERENCE_LABEL).median
    head = (
        f"{'command':<26} {'median s':>9} {'min-max s':>13} {'CPU s':>7} "
        f"{'vs bare s':>10} {'x bare':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        spread = f"{min(r.wall):.3f}-{max(r.wall):.3f}"
        extra = "-" if r.label == REFERENCE_LABEL else f"+{r.median - reference:.3f}"
        lines.append(
            f"{r.label:<26} {r.median:>9.3f} {spread:>13} {r.cpu_median:>7.3f} "
            f"{extra:>10} {r.median / reference:>7.1f}"
        )
    return "\n".join(lines)


def format_target(rows: list[Row]) -> str:
    """Whether ``triad --help`` is within the target of the bare interpreter."""
    by_label = {r.label: r for r in rows}
    extra = by_label[TARGET_LABEL].median - by_label[REFERENCE_LABEL].median
    detail = (
        f"{TARGET_LABEL} takes {extra:.3f} s more than the bare interpreter (target <= {TARGET_S} s"
    )
    if extra <= TARGET_S:
        return f"[MET   ] start-up: {detail}; {TARGET_S - extra:.3f} s to spare)"
    return f"[MISSED] start-up: {detail}; missed by {extra - TARGET_S:.3f} s)"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print machine, table and target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--repeats", type=int, default=7, help="timed runs of each command (default 7)"
    )
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="run the children in this environment unchanged (default: with their own "
        "bytecode cache, even under PYTHONDONTWRITEBYTECODE)",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    cases = commands()
    info = machine()  # in this process only: the children import nothing extra
    started = time.perf_counter()
    if args.as_is:
        bytecode = "as the environment has it" + (
            " (PYTHONDONTWRITEBYTECODE set: triad's modules compiled at every start)"
            if os.environ.get("PYTHONDONTWRITEBYTECODE")
            else ""
        )
        rows = measure(cases, args.repeats, child_environment(None))
    else:
        bytecode = "cached (a private PYTHONPYCACHEPREFIX, as for an installed package)"
        with tempfile.TemporaryDirectory(prefix="triad-latency-pyc-") as folder:
            rows = measure(cases, args.repeats, child_environment(Path(folder)))
    elapsed = time.perf_counter() - started

    print("triad start-up latency benchmark")
    for key, value in info.items():
        print(f"  {key + ':':<23} {value}")
    flags = f"--repeats {args.repeats}" + (" --as-is" if args.as_is else "")
    print(f"  {'command:':<23} .venv/bin/python benchmarks/latency.py {flags}")
    print(f"  {'bytecode:':<23} {bytecode}")
    print(f"  {'triad is run as:':<23} {' '.join(cases[TARGET_LABEL][:-1])}")
    print()
    print(
        f"Wall times are medians of {args.repeats} runs, each in a fresh process, after one "
        "untimed run;\nCPU s is the median user + system time of the child. 'vs bare' is "
        f"the difference of\nthe medians to '{REFERENCE_LABEL}' measured in the same run."
    )
    print()
    print(format_table(rows))
    print()
    print("Target:")
    print(format_target(rows))
    print()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"(benchmark wall time {elapsed:.0f} s; load average at end {load})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

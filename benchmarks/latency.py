"""Latency a user feels: start-up and the everyday commands, against a bare interpreter.

Run by hand (never from the test suite)::

    .venv/bin/python benchmarks/latency.py                  # everything, about 2.5 minutes
    .venv/bin/python benchmarks/latency.py --quick          # without demo and compare
    .venv/bin/python benchmarks/latency.py --start-up-only  # start-up only, about 30 s
    .venv/bin/python benchmarks/latency.py --repeats 15 --task-repeats 5
    .venv/bin/python benchmarks/latency.py --no-start-up --tasks run,compare

Every measurement runs in a fresh child process, the way a user types it, with this
interpreter and the ``triad`` console script of its environment. Each command or task runs
once untimed first (to warm the disk cache and write bytecode); then the repeats go round
them in turn, so that a change of load touches each alike.

**Start-up** (7 repeats): ``python -c pass`` (the bare interpreter, the reference),
``python -c "import triad"``, ``triad --help``, ``triad validate baseline`` and
``triad scenarios``. Target: ``triad --help`` within 0.3 s of the bare interpreter
(difference of medians).

**Tasks** (3 repeats, each in a new temporary folder, the child's working directory):

- ``triad demo`` (it writes ``reports/``): at most 5 s;
- ``triad run baseline --root <tmp>/runs`` (default worlds, with its key chart, the
  overview of the key outcomes; ``--charts all`` would add 12 fan charts): at most 2 s;
- ``triad compare baseline ceasefire_2025 china_punishes tech_for_shells --worlds 500
  --out <tmp>/compare`` (the key charts, by default): at most 4 s;
- the first chart from the Python API: a child imports triad, then runs
  ``triad.plot(triad.run("baseline", worlds=500), "containers").savefig(png)``; the import and
  the time after it are timed separately inside the child: at most 1 s after the import;
- ``triad play baseline --as dprk`` in a pseudo-terminal of 80 x 24 (pexpect), from the
  start until the first lever's prompt appears, then killed: at most 0.5 s;
- ``triad web --port P``: from the start until its first page (``/``) is served, then
  stopped: "starts in a few seconds", at most 5 s.

In the same run, as references: ``python -c pass``, and a child that imports numpy and
matplotlib and saves a 60-point line chart as PNG (what a chart costs with nothing of
triad). ``--quick`` leaves out demo and compare (the slowest).

The children keep their bytecode in a private cache (``PYTHONPYCACHEPREFIX``, a temporary
folder removed at the end), as an installed package has its ``.pyc`` files, even where the
caller's environment sets ``PYTHONDONTWRITEBYTECODE`` (an editable install then compiles
triad's own modules at every start); ``--as-is`` runs them in the caller's environment
unchanged. For each row the script prints the median wall time, the fastest and slowest
repeat and the median CPU time of the child (user + system; wall time well above it means
the machine was busy), and the load average before and after. Which modules each command
imports is checked by ``tests/test_startup.py``; this script only measures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ensemble import machine

TARGET_S = 0.3
"""``triad --help`` at most this much slower than ``python -c pass`` (medians)."""
TARGET_LABEL = "triad --help"
REFERENCE_LABEL = "python -c pass"

DEMO = "triad demo"
RUN = "triad run baseline"
COMPARE = "triad compare 4 x 500 worlds"
API_IMPORT = "API: import triad"
API_CHART = "API: first chart after import"
API_RUN = "  of which triad.run"
API_PLOT = "  of which plot + savefig"
PLAY = "triad play to first prompt"
WEB = "triad web to first page"
CHART_REFERENCE = "matplotlib alone: 1 chart"

TASK_TARGETS: dict[str, float] = {
    DEMO: 5.0,
    RUN: 2.0,
    COMPARE: 4.0,
    API_CHART: 1.0,
    PLAY: 0.5,
    WEB: 5.0,
}
"""Seconds a user waits at most, from the start of the command (the API: after import)."""
REFERENCES = (REFERENCE_LABEL, CHART_REFERENCE)
SLOW = (DEMO, COMPARE)
"""Tasks ``--quick`` leaves out."""
WHAT_IFS = ("baseline", "ceasefire_2025", "china_punishes", "tech_for_shells")
PLAY_PROMPT = r"offer_containers \["
"""The first lever's prompt of DPRK's seat (``triad.model.policies.base.ACTION_SPACES``)."""
PLAY_TERMINAL = (24, 80)
"""Rows and columns of the play's pseudo-terminal: a classic terminal (compact dashboard)."""
PLAY_TIMEOUT_S = 120

API_CHILD = """\
import json, sys, time
start, cpu = time.perf_counter(), time.process_time()
import triad
imported, imported_cpu = time.perf_counter(), time.process_time()
result = triad.run("baseline", worlds=500)
ran, ran_cpu = time.perf_counter(), time.process_time()
triad.plot(result, "containers").savefig(sys.argv[1])
done, done_cpu = time.perf_counter(), time.process_time()
print(json.dumps([
    [imported - start, imported_cpu - cpu],
    [done - imported, done_cpu - imported_cpu],
    [ran - imported, ran_cpu - imported_cpu],
    [done - ran, done_cpu - ran_cpu],
]))
"""
"""Times ``import triad``, then the first chart: the run, and the plot saved as PNG."""

CHART_CHILD = """\
import json, sys, time
start, cpu = time.perf_counter(), time.process_time()
import numpy as np
from matplotlib.figure import Figure
figure = Figure()
axes = figure.subplots()
months = np.arange(60)
axes.plot(months, np.sqrt(months), label="containers")
axes.set_title("containers")
axes.legend()
figure.savefig(sys.argv[1])
print(json.dumps([[time.perf_counter() - start, time.process_time() - cpu]]))
"""
"""The reference chart: import numpy and matplotlib, draw a 60-point line, save a PNG."""

Sample = tuple[float, float]
"""Wall and CPU seconds of one measurement."""


@dataclass(frozen=True)
class Case:
    """Something timed in a fresh child: the rows it gives and how to run it once."""

    labels: tuple[str, ...]
    run: Callable[[], tuple[Sample, ...]]


@dataclass(frozen=True)
class Row:
    """One row's timings over the repeats."""

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


def triad_command() -> list[str]:
    """This interpreter's environment's ``triad`` script (or ``python -m triad``)."""
    script = Path(sys.executable).parent / "triad"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "triad"]


def commands() -> dict[str, list[str]]:
    """Start-up: label -> the command line."""
    python = sys.executable
    triad = triad_command()
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


def run_child(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[Sample, str]:
    """Wall and CPU time of one run of ``argv`` in a child process, and its output.

    Raises:
        RuntimeError: If the child fails.
    """
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, check=False, env=env, cwd=cwd)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        error = done.stderr.decode(errors="replace").strip()
        raise RuntimeError(f"{' '.join(argv)} exited with {done.returncode}: {error}")
    return (wall, _children_cpu() - cpu), done.stdout.decode()


def time_once(argv: list[str], env: dict[str, str]) -> Sample:
    """Wall and CPU time of one run of ``argv`` in a child process; it must succeed."""
    return run_child(argv, env)[0]


def command_case(label: str, argv: list[str], env: dict[str, str]) -> Case:
    """A command timed from its start to its exit, in the current folder."""
    return Case((label,), lambda: (time_once(argv, env),))


def task_case(label: str, argv: Callable[[Path], list[str]], env: dict[str, str]) -> Case:
    """A command timed from its start to its exit, in a new temporary folder."""

    def once() -> tuple[Sample, ...]:
        with tempfile.TemporaryDirectory(prefix="triad-latency-") as folder:
            return (run_child(argv(Path(folder)), env, cwd=Path(folder))[0],)

    return Case((label,), once)


def script_case(labels: tuple[str, ...], script: str, env: dict[str, str]) -> Case:
    """A Python child that times its own parts and prints them as JSON ``[[wall, cpu], ...]``."""

    def once() -> tuple[Sample, ...]:
        with tempfile.TemporaryDirectory(prefix="triad-latency-") as folder:
            png = Path(folder) / "chart.png"
            _, out = run_child([sys.executable, "-c", script, str(png)], env, cwd=Path(folder))
            if not png.is_file():
                raise RuntimeError(f"{labels[0]}: no chart was saved")
        parts = json.loads(out.strip().splitlines()[-1])
        return tuple((float(wall), float(cpu)) for wall, cpu in parts)

    return Case(labels, once)


def play_case(env: dict[str, str]) -> Case:
    """``triad play`` in a pseudo-terminal, timed until the first lever's prompt appears."""
    import pexpect

    argv = [*triad_command(), "play", "baseline", "--as", "dprk"]
    play_env = {"TERM": "xterm-256color", **env}

    def once() -> tuple[Sample, ...]:
        with tempfile.TemporaryDirectory(prefix="triad-latency-") as folder:
            cpu = _children_cpu()
            start = time.perf_counter()
            child = pexpect.spawn(
                argv[0],
                argv[1:],
                cwd=folder,
                env=play_env,
                dimensions=PLAY_TERMINAL,
                timeout=PLAY_TIMEOUT_S,
                encoding="utf-8",
                codec_errors="replace",
            )
            try:
                child.expect(PLAY_PROMPT)
                wall = time.perf_counter() - start
            except (pexpect.EOF, pexpect.TIMEOUT) as error:
                seen = (child.before or "")[-2000:]
                raise RuntimeError(
                    f"{' '.join(argv)}: no prompt {PLAY_PROMPT!r}:\n{seen}"
                ) from error
            finally:
                child.terminate(force=True)
                child.close()
            return ((wall, _children_cpu() - cpu),)

    return Case((PLAY,), once)


def web_case(env: dict[str, str]) -> Case:
    """``triad web`` on a free loopback port, timed until its first page is served."""
    import socket
    import urllib.request

    def once() -> tuple[Sample, ...]:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with tempfile.TemporaryDirectory(prefix="triad-latency-") as folder:
            argv = [*triad_command(), "web", "--port", str(port), "--data", folder]
            cpu = _children_cpu()
            start = time.perf_counter()
            child = subprocess.Popen(
                argv, env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                while True:
                    try:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                        break
                    except OSError:
                        if child.poll() is not None:
                            raise RuntimeError(f"{' '.join(argv)} exited") from None
                        time.sleep(0.02)
                wall = time.perf_counter() - start
            finally:
                child.terminate()
                child.wait()
            return ((wall, _children_cpu() - cpu),)

    return Case((WEB,), once)


def task_cases(env: dict[str, str], quick: bool) -> list[Case]:
    """The tasks a user waits for, with their references; ``quick`` leaves out the slow ones."""
    python = sys.executable
    triad = triad_command()
    cases = [
        command_case(REFERENCE_LABEL, [python, "-c", "pass"], env),
        script_case((CHART_REFERENCE,), CHART_CHILD, env),
        task_case(DEMO, lambda _: [*triad, "demo"], env),
        task_case(RUN, lambda tmp: [*triad, "run", "baseline", "--root", str(tmp / "runs")], env),
        task_case(
            COMPARE,
            lambda tmp: [*triad, "compare", *WHAT_IFS, "--worlds", "500", "--out", str(tmp / "c")],
            env,
        ),
        script_case((API_IMPORT, API_CHART, API_RUN, API_PLOT), API_CHILD, env),
        play_case(env),
        web_case(env),
    ]
    return [case for case in cases if not (quick and case.labels[0] in SLOW)]


TASK_NAMES = {
    "demo": DEMO,
    "run": RUN,
    "compare": COMPARE,
    "api": API_IMPORT,
    "play": PLAY,
    "web": WEB,
}
"""``--tasks`` names: the first row of each task."""


def chosen(cases: list[Case], names: list[str] | None) -> list[Case]:
    """The references and the tasks named (all tasks if ``names`` is None)."""
    if names is None:
        return cases
    wanted = {TASK_NAMES[name] for name in names}
    return [c for c in cases if c.labels[0] in wanted or c.labels[0] in REFERENCES]


def measure(cases: list[Case], repeats: int) -> list[Row]:
    """Time every case ``repeats`` times, round-robin, after one untimed run each."""
    for case in cases:
        case.run()
    walls: dict[str, list[float]] = {label: [] for case in cases for label in case.labels}
    cpus: dict[str, list[float]] = {label: [] for label in walls}
    for _ in range(repeats):
        for case in cases:
            for label, (wall, cpu) in zip(case.labels, case.run(), strict=True):
                walls[label].append(wall)
                cpus[label].append(cpu)
    return [Row(label, walls[label], cpus[label]) for label in walls]


def format_table(rows: list[Row]) -> str:
    """Start-up as fixed-width text: medians, spread, CPU and the difference."""
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


def verdict(seconds: float, target: float) -> str:
    """``met, 0.12 s to spare`` or ``missed by 1.23 s (2.2x)``."""
    if seconds <= target:
        return f"met, {target - seconds:.2f} s to spare"
    return f"missed by {seconds - target:.2f} s ({seconds / target:.1f}x)"


def format_tasks(rows: list[Row]) -> str:
    """The tasks as fixed-width text: medians, spread, CPU, target and verdict."""
    head = f"{'task':<30} {'median s':>9} {'min-max s':>13} {'CPU s':>7} {'target s':>9}  verdict"
    lines = []
    for r in rows:
        target = TASK_TARGETS.get(r.label)
        spread = f"{min(r.wall):.3f}-{max(r.wall):.3f}"
        aim = "-" if target is None else f"{target:.1f}"
        if target is not None:
            word = verdict(r.median, target)
        else:
            word = "reference" if r.label in REFERENCES else ""
        line = f"{r.label:<30} {r.median:>9.3f} {spread:>13} {r.cpu_median:>7.3f} {aim:>9}  {word}"
        lines.append(line.rstrip())
    return "\n".join([head, "-" * max(map(len, [head, *lines])), *lines])


def format_task_targets(rows: list[Row]) -> list[str]:
    """One line per task target: met with the time to spare, or missed by how much."""
    lines = []
    for r in rows:
        target = TASK_TARGETS.get(r.label)
        if target is not None:
            mark = "[MET   ]" if r.median <= target else "[MISSED]"
            lines.append(
                f"{mark} {r.label.strip()}: {r.median:.2f} s (target <= {target} s; "
                f"{verdict(r.median, target)})"
            )
    return lines


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--repeats", type=int, default=7, help="timed runs of each start-up command (default 7)"
    )
    parser.add_argument(
        "--task-repeats", type=int, default=3, help="timed runs of each task (default 3)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="leave out the slowest tasks (demo and compare)"
    )
    parser.add_argument(
        "--start-up-only", action="store_true", help="measure start-up only (no tasks)"
    )
    parser.add_argument(
        "--tasks",
        type=lambda text: text.split(","),
        help=f"only these tasks, comma-separated, with the references ({','.join(TASK_NAMES)})",
    )
    parser.add_argument(
        "--no-start-up", action="store_true", help="leave out the start-up commands"
    )
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="run the children in this environment unchanged (default: with their own "
        "bytecode cache, even under PYTHONDONTWRITEBYTECODE)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print machine, tables and targets."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.task_repeats < 1:
        parser.error("--repeats and --task-repeats must be at least 1")
    unknown = sorted(set(args.tasks or ()) - set(TASK_NAMES))
    if unknown:
        parser.error(f"unknown tasks {', '.join(unknown)}; known: {', '.join(TASK_NAMES)}")

    info = machine()  # in this process only: the children import nothing extra
    load_before = _load()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="triad-latency-pyc-") as folder:
        env = child_environment(None if args.as_is else Path(folder))
        cases = commands()
        start_up = [] if args.no_start_up else list(cases.items())
        rows = measure([command_case(label, line, env) for label, line in start_up], args.repeats)
        tasks = (
            []
            if args.start_up_only
            else measure(chosen(task_cases(env, args.quick), args.tasks), args.task_repeats)
        )
    elapsed = time.perf_counter() - started
    load_after = _load()

    if args.as_is:
        bytecode = "as the environment has it" + (
            " (PYTHONDONTWRITEBYTECODE set: triad's modules compiled at every start)"
            if os.environ.get("PYTHONDONTWRITEBYTECODE")
            else ""
        )
    else:
        bytecode = "cached (a private PYTHONPYCACHEPREFIX, as for an installed package)"
    print("triad latency benchmark")
    for key, value in info.items():
        print(f"  {key + ':':<23} {value}")
    flags = " ".join(sys.argv[1:] if argv is None else argv)
    print(f"  {'command:':<23} .venv/bin/python benchmarks/latency.py {flags}".rstrip())
    print(f"  {'bytecode:':<23} {bytecode}")
    print(f"  {'triad is run as:':<23} {' '.join(cases[TARGET_LABEL][:-1])}")
    if rows:
        print()
        print(
            f"Start-up. Wall times are medians of {args.repeats} runs, each in a fresh process, "
            "after one\nuntimed run; CPU s is the median user + system time of the child. "
            f"'vs bare' is the\ndifference of the medians to '{REFERENCE_LABEL}' measured in "
            "the same run."
        )
        print()
        print(format_table(rows))
        print()
        print("Target:")
        print(format_target(rows))
    if tasks:
        print()
        print(
            f"Tasks. Medians of {args.task_repeats} runs, each in a fresh process and a new "
            "temporary folder,\nafter one untimed run; the references measured in the same "
            "run. The API rows are timed\ninside the child: the import, then run + plot + "
            "savefig (CPU: the child's process time).\n"
            f"Load average (1, 5, 15 min): {load_before} before, {load_after} after, "
            f"on {os.cpu_count()} logical cores."
        )
        print()
        print(format_tasks(tasks))
        print()
        print("Targets:")
        for line in format_task_targets(tasks):
            print(line)
    print()
    print(
        f"(benchmark wall time {elapsed:.0f} s; load average before {load_before}, "
        f"after {load_after})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""triad against the tools an analyst would pick instead, in world-months per second.

Run by hand (never from the test suite)::

    .venv/bin/python benchmarks/anchors.py                          # 10,000 and 100,000 worlds
    .venv/bin/python benchmarks/anchors.py --sizes 1000 10000 100000
    .venv/bin/python benchmarks/anchors.py --sizes 10000 --repeats 1 --ref-worlds 300  # quicker
    .venv/bin/python benchmarks/anchors.py --sizes 100000 --precision float32  # triad in float32

``--precision float32`` runs triad's rows with the scenario's ``precision`` set to float32
(the references stay what they are: one world in Python floats, float64); its results
differ from the references' in the last digits (``tests/test_precision.py``).

Same machine, same run, same model (the bundled ``baseline``, 60 months):

1. triad vectorised: ``run_ensemble`` with ``local``, ``processes:2`` and a Dask
   ``LocalCluster`` of 2 single-threaded worker processes. The executor is started and
   warmed up (an 8-world ensemble) before the clock starts; that start-up is printed
   separately (``start s``). Each size is run ``--repeats`` times in one child process;
   the table shows the median.
2. The references, all on **the plain-float port of one world**
   (``benchmarks/scalar_world.py``: one Python float per state variable, ``math``, the
   model's schedule and equations, checked bit-identical to ``TriadModel`` by
   ``tests/test_scalar_world.py``), what a Mesa or EMA Workbench user would write. Each
   world draws from its own ``random.Random``, as a Mesa model's ``self.random``:

   * ``plain-float loop``: ``ScalarWorld(setting, k, ...).run()`` for ``k`` in a Python
     loop, the scenario prepared once outside the clock;
   * ``mesa.batch_run`` with ``number_processes=2``, one world per run: a ``mesa.Model``
     (:class:`ScalarMesaWorld`) whose ``step()`` steps the scalar world, with a
     ``DataCollector`` of three final outcomes. ``batch_run`` starts its pool of spawned
     processes inside the call, so its start-up is separated by difference: it is timed
     on ``--ref-worlds`` worlds and on 2 worlds, alternately, ``--repeats`` times each;
     each pair gives a time per world (the difference of the two times over the
     difference of worlds), the table shows their median, and the start-up (pool,
     imports, the scenario prepared once per worker) is what remains of the 2-world runs;
   * EMA Workbench's ``MultiprocessingEvaluator(model, n_processes=2)``, one world per
     experiment: an EMA ``Model`` around :func:`scalar_world_outcomes` (the same three
     outcomes as ``ScalarOutcome`` objects), the world index an ``IntegerParameter`` given
     as one explicit ``Sample(world=k)`` per world, run with ``perform_experiments``. The
     pool is started (forked from a process that has already prepared the scenario) and
     warmed up on 2 experiments before the clock starts; that is its start-up.

   ``triad arrays, one world`` is kept for comparison, labelled as what it is: triad's
   own array code run on arrays of one world (``TriadModel(scenario, worlds=1,
   first_world=k).run()`` in a loop), which pays numpy's fixed cost per call and is
   11-25x slower than the plain-float port; it overstates triad's gain.

The references are timed on ``--ref-worlds`` worlds (``--loop-worlds`` for the triad-array
loop), once before the triad runs and once after them (``--repeats`` times each, pooled: on
a shared machine the load moves during a run), and scaled linearly: one world per model
costs the same per world at any N. Every measurement runs in a fresh child process (this
script re-invoked with ``--child``); peak memory is the child's own ``ru_maxrss`` and the
largest ``ru_maxrss`` of the processes it started (pool or cluster workers). The CPU time
of the one-process rows (triad ``local`` and the plain-float loop) is printed too: it
moves less with the load than wall time. Targets: at 100,000 worlds, the best triad
executor at least 200x the plain-float loop per world, and at least 200x
``mesa.batch_run`` and EMA's evaluator on the same model.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import mesa

MONTHS = 60
SCENARIO = "baseline"
PRECISION_ENV = "TRIAD_ANCHORS_PRECISION"  # set by --precision for the child processes
TARGET = 200.0  # at TARGET_N: best triad executor against each plain-float reference
TARGET_N = 100_000
OUTCOMES = ("rounds_cum_m", "dprk_gdp_bn", "containers_cum")
SMALL = 2  # worlds of the short batch_run that measures its start-up


# --------------------------------------------------------------------------- the reference
_SETTING: Any = None


def setting() -> Any:
    """The prepared scenario for the scalar world, once per process."""
    global _SETTING
    if _SETTING is None:
        from scalar_world import prepare

        _SETTING = prepare(scenario(1))
    return _SETTING


def scalar_world_outcomes(world: int) -> dict[str, float]:
    """One plain-float world as an EMA Workbench model function: three final outcomes."""
    from scalar_world import MesaDraws, ScalarWorld

    prepared = setting()
    records = ScalarWorld(prepared, int(world), MesaDraws(prepared.seed, int(world))).run()
    return {name: records[-1][name] for name in OUTCOMES}


def _outcome(name: str) -> Any:
    def report(model: ScalarMesaWorld) -> float:
        value: float = model.world.state[name]
        return value

    return report


class ScalarMesaWorld(mesa.Model):  # type: ignore[misc]
    """One plain-float world of triad as a mesa model, for ``mesa.batch_run``.

    Args:
        world: The world's index.
        rng: Mesa's seed (unused: the world draws from its own generator, as the loop does).
    """

    def __init__(self, world: int = 0, rng: Any = None) -> None:
        from scalar_world import MesaDraws, ScalarWorld

        super().__init__(rng=rng)
        prepared = setting()
        self.world = ScalarWorld(prepared, world, MesaDraws(prepared.seed, world))
        self.months = prepared.months
        self.datacollector = mesa.DataCollector(
            model_reporters={name: _outcome(name) for name in OUTCOMES}
        )

    def step(self) -> None:
        """One month of the world; collect the outcomes at the horizon."""
        self.world.step()
        if self.world.month >= self.months:
            self.running = False
            self.datacollector.collect(self)


# --------------------------------------------------------------------------- measurements
def scenario(worlds: int) -> Any:
    """The bundled scenario at the benchmark's horizon with ``worlds`` worlds."""
    from triad.runs.ensemble import with_options
    from triad.scenario.loader import load_scenario

    precision = os.environ.get(PRECISION_ENV, "float64")
    base = load_scenario(SCENARIO, [f"precision={precision}"])
    return with_options(base, worlds=worlds, months=MONTHS)


def measure_triad(kind: str, worlds: int, repeats: int) -> dict[str, Any]:
    """triad's ensemble with one executor: start-up, then ``repeats`` timed runs."""
    import gc

    from triad.runs.ensemble import run_ensemble
    from triad.runs.executors import DaskExecutor, LocalExecutor, ProcessExecutor

    executors: dict[str, Callable[[], Any]] = {
        "local": LocalExecutor,
        "processes:2": lambda: ProcessExecutor(2),
        "dask": lambda: DaskExecutor(workers=2),
    }
    started = time.perf_counter()
    seconds = []
    with executors[kind]() as executor:
        run_ensemble(scenario(8), executor=executor, chunk_size=4)  # start and warm up
        startup = time.perf_counter() - started
        spec = scenario(worlds)
        cpu = []
        for _ in range(repeats):
            began, own = time.perf_counter(), time.process_time()
            result = run_ensemble(spec, executor=executor)
            seconds.append(time.perf_counter() - began)
            cpu.append(time.process_time() - own)
            del result
            gc.collect()
        workers_rss = _dask_worker_rss(executor) if kind == "dask" else 0
    return {
        "seconds": seconds,
        "cpu": cpu,
        "startup": startup,
        "workers_rss": workers_rss,
        "precision": spec.precision,  # checked by the parent against --precision
    }


def _dask_worker_rss(executor: Any) -> int:
    """Largest peak RSS (bytes) among the Dask workers (they are not our children)."""

    def peak() -> int:
        import resource as res

        return res.getrusage(res.RUSAGE_SELF).ru_maxrss * 1024

    found = executor.client.run(peak)
    return max(found.values(), default=0)


def measure_scalar_loop(worlds: int, repeats: int) -> dict[str, Any]:
    """The plain-float port, one world after the other; the scenario prepared untimed."""
    from scalar_world import MesaDraws, ScalarWorld

    started = time.perf_counter()
    prepared = setting()
    startup = time.perf_counter() - started
    ScalarWorld(prepared, 0, MesaDraws(prepared.seed, 0)).run()  # warm-up
    seconds, cpu = [], []
    for _ in range(repeats):
        began, own = time.perf_counter(), time.process_time()
        for k in range(worlds):
            ScalarWorld(prepared, k, MesaDraws(prepared.seed, k)).run()
        seconds.append(time.perf_counter() - began)
        cpu.append(time.process_time() - own)
    return {"seconds": seconds, "cpu": cpu, "startup": startup, "workers_rss": 0}


def measure_array_loop(worlds: int, repeats: int) -> dict[str, Any]:
    """triad's own arrays on one world, ``TriadModel(worlds=1)`` in a loop."""
    from triad.model.model import TriadModel

    spec = scenario(1)
    TriadModel(spec, worlds=1).run()  # warm-up
    seconds, cpu = [], []
    for _ in range(repeats):
        began, own = time.perf_counter(), time.process_time()
        for k in range(worlds):
            TriadModel(spec, worlds=1, first_world=k).run()
        seconds.append(time.perf_counter() - began)
        cpu.append(time.process_time() - own)
    return {"seconds": seconds, "cpu": cpu, "startup": 0.0, "workers_rss": 0}


def _batch_run(worlds: int) -> float:
    began = time.perf_counter()
    rows = mesa.batch_run(
        ScalarMesaWorld,
        {"world": list(range(worlds))},
        number_processes=2,
        max_steps=MONTHS,
        display_progress=False,
    )
    seconds = time.perf_counter() - began
    assert len(rows) == worlds, len(rows)
    assert sorted(int(r["world"]) for r in rows) == list(range(worlds))
    return seconds


def measure_batch_run(worlds: int, repeats: int) -> dict[str, Any]:
    """``mesa.batch_run`` on ``worlds`` and on ``SMALL`` worlds, alternately, ``repeats`` each."""
    big, small = [], []
    for _ in range(repeats):
        small.append(_batch_run(SMALL))
        big.append(_batch_run(worlds))
    per_world = [(b - s) / (worlds - SMALL) for b, s in zip(big, small, strict=True)]
    startup = max(statistics.median(small) - SMALL * statistics.median(per_world), 0.0)
    return {
        "seconds": [t * worlds for t in per_world],  # each pair of runs, start-up taken out
        "raw": big,
        "small": small,
        "startup": startup,
        "workers_rss": 0,
    }


def measure_ema(worlds: int, repeats: int) -> dict[str, Any]:
    """EMA Workbench's ``MultiprocessingEvaluator`` (2 processes), one world per experiment."""
    import logging
    import warnings

    with warnings.catch_warnings():  # "ipyparallel not installed": not used here
        warnings.simplefilter("ignore")
        from ema_workbench import (
            IntegerParameter,
            Model,
            MultiprocessingEvaluator,
            Sample,
            ScalarOutcome,
        )
    logging.getLogger("EMA").setLevel(logging.WARNING)

    scalar_world_outcomes(0)  # the pool's workers are forked from this prepared process
    model = Model("triad", function=scalar_world_outcomes)
    model.uncertainties = [IntegerParameter("world", 0, max(worlds - 1, 1))]
    model.outcomes = [ScalarOutcome(name) for name in OUTCOMES]
    samples = [Sample(world=k) for k in range(worlds)]
    seconds = []
    started = time.perf_counter()
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        evaluator.perform_experiments(scenarios=samples[:SMALL])  # warm the workers up
        startup = time.perf_counter() - started
        for _ in range(repeats):
            began = time.perf_counter()
            experiments, outcomes = evaluator.perform_experiments(scenarios=samples)
            seconds.append(time.perf_counter() - began)
            assert len(experiments) == worlds, len(experiments)
            assert sorted(int(k) for k in experiments["world"]) == list(range(worlds))
            assert all(len(values) == worlds for values in outcomes.values())
    return {"seconds": seconds, "startup": startup, "workers_rss": 0}


def child(mode: str, worlds: int, repeats: int) -> None:
    """One measurement in this (fresh) process; prints its JSON."""
    measures = {
        "scalar_loop": measure_scalar_loop,
        "array_loop": measure_array_loop,
        "batch_run": measure_batch_run,
        "ema": measure_ema,
    }
    if mode in measures:
        found = measures[mode](worlds, repeats)
    else:
        found = measure_triad(mode, worlds, repeats)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    found |= {"rss": own, "children_rss": max(kids, found["workers_rss"])}
    print(json.dumps(found))


def run_child(mode: str, worlds: int, repeats: int) -> dict[str, Any]:
    """Run :func:`child` in a fresh process and return what it measured."""
    command = [sys.executable, __file__, "--child", mode, str(worlds), str(repeats)]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{mode} {worlds}: {out.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


# --------------------------------------------------------------------------- report
def machine() -> str:
    """CPU, cores and library versions, for the report's header."""
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as stream:
            names = [line.split(":", 1)[1].strip() for line in stream if "model name" in line]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    import numpy

    return (
        f"{cpu}; {os.cpu_count()} logical cores; Python {platform.python_version()}; "
        f"numpy {numpy.__version__}; mesa {mesa.__version__}; {platform.system()} "
        f"{platform.release()}"
    )


def row(label: str, worlds: int, found: dict[str, Any], scaled_from: int | None) -> dict[str, Any]:
    """A table row: the median time at ``worlds`` (scaled from ``scaled_from`` worlds)."""
    times = found["seconds"]
    scale = worlds / scaled_from if scaled_from else 1.0
    seconds = statistics.median(times) * scale
    return {
        "label": label,
        "worlds": worlds,
        "seconds": seconds,
        "spread": (min(times) * scale, max(times) * scale),
        "reps": len(times),
        "rate": worlds * MONTHS / seconds,
        "startup": found["startup"],
        "rss": found["rss"] / 2**20,
        "children_rss": found["children_rss"] / 2**20,
        "note": f"timed on {scaled_from:,} worlds, scaled" if scaled_from else "",
    }


def table(rows: list[dict[str, Any]], references: dict[str, float]) -> str:
    """The rows with their world-months per second and ratios to each reference."""
    names = list(references)
    head = (
        f"{'what':<30}{'worlds':>9}{'reps':>5}{'median s':>10}{'min-max s':>20}"
        f"{'world-months/s':>16}{'start s':>9}{'RSS MiB':>9}{'workers':>9}"
        + "".join(f"{'x ' + n:>18}" for n in names)
        + "  note"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        ratios = "".join(f"{r['rate'] / references[n]:>18,.1f}" for n in names)
        spread = f"{r['spread'][0]:.2f}-{r['spread'][1]:.2f}"
        lines.append(
            f"{r['label']:<30}{r['worlds']:>9,}{r['reps']:>5}{r['seconds']:>10.2f}{spread:>20}"
            f"{r['rate']:>16,.0f}{r['startup']:>9.2f}{r['rss']:>9.0f}{r['children_rss']:>9.0f}"
            f"{ratios}  {r['note']}"
        )
    return "\n".join(lines)


def verdicts(rows: list[dict[str, Any]], rates: dict[str, float], sizes: list[int]) -> str:
    """Each target met or missed (by how much), at every size; the target is at 100,000."""
    labels = {
        "plain loop": "the plain-float loop, per world",
        "batch_run": "mesa.batch_run (2 processes), plain-float world",
        "ema": "EMA MultiprocessingEvaluator (2 processes), plain-float world",
        "arrays 1-world": "triad's arrays on one world (not a target: overstates the gain)",
    }
    out = []
    for worlds in sizes:
        best = max(
            (r for r in rows if r["worlds"] == worlds and r["label"].startswith("triad ")),
            key=lambda r: r["rate"],
        )
        for name, rate in rates.items():
            ratio = best["rate"] / rate
            if name == "arrays 1-world":
                verdict = "INFO  "
            elif ratio >= TARGET:
                verdict = "MET   " if worlds == TARGET_N else "met   "
            else:
                verdict = "MISSED" if worlds == TARGET_N else "missed"
            short = "" if ratio >= TARGET else f", {TARGET / ratio:.2f}x short of it"
            target = f" (target >= {TARGET:.0f}x at {TARGET_N:,}{short})"
            out.append(
                f"[{verdict}] {worlds:>7,} worlds: best triad executor ({best['label'][6:]}) "
                f"{ratio:,.0f}x {labels[name]}{target if name != 'arrays 1-world' else ''}"
            )
    return "\n".join(out)


def main() -> int:
    """Measure every row in fresh child processes and print the table and verdicts."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats (median shown)")
    parser.add_argument("--ref-worlds", type=int, default=1_000, help="plain-float worlds timed")
    parser.add_argument("--loop-worlds", type=int, default=50, help="triad-array worlds timed")
    parser.add_argument("--no-array-loop", action="store_true", help="skip triad's array loop")
    parser.add_argument(
        "--precision", choices=("float64", "float32"), default="float64", help="triad's rows"
    )
    parser.add_argument("--child", nargs=3, metavar=("MODE", "WORLDS", "REPEATS"))
    args = parser.parse_args()
    if args.child:  # its precision comes from the parent, through PRECISION_ENV
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return 0
    os.environ[PRECISION_ENV] = args.precision
    began = time.time()
    print(f"machine: {machine()}")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"model: {SCENARIO}, {MONTHS} months, triad in {args.precision}")
    print(f"command: {' '.join(sys.argv)}")
    print(f"load average at start: {load}")
    ema = importlib.util.find_spec("ema_workbench") is not None
    if ema:
        from importlib.metadata import version

        print(f"ema-workbench {version('ema-workbench')} (MultiprocessingEvaluator, 2 processes)")
    n, reps = args.ref_worlds, args.repeats
    kinds = {
        "plain loop": ("plain-float loop", "scalar_loop", n),
        "batch_run": ("mesa.batch_run(2), plain", "batch_run", n),
    }
    if ema:
        kinds["ema"] = ("EMA Multiprocessing(2), plain", "ema", n)
    if not args.no_array_loop:
        kinds["arrays 1-world"] = ("triad arrays, one world, loop", "array_loop", args.loop_worlds)
    # the references bracket the triad runs: measured before and after them, pooled
    first = {name: run_child(mode, worlds, reps) for name, (_, mode, worlds) in kinds.items()}
    measured: dict[tuple[int, str], dict[str, Any]] = {}
    for worlds in args.sizes:
        for kind in ("local", "processes:2", "dask"):
            measured[worlds, kind] = run_child(kind, worlds, reps)
            ran = measured[worlds, kind]["precision"]
            if ran != args.precision:
                raise RuntimeError(f"{kind} ran in {ran}, not {args.precision}")
    refs: dict[str, tuple[str, dict[str, Any], int]] = {}
    for name, (label, mode, worlds) in kinds.items():
        again = run_child(mode, worlds, reps)
        pooled = first[name] | {
            key: first[name][key] + again[key]
            for key in ("seconds", "cpu", "raw", "small")
            if key in again
        }
        pooled["startup"] = statistics.median([first[name]["startup"], again["startup"]])
        refs[name] = (label, pooled, worlds)
    rates = {
        name: worlds * MONTHS / statistics.median(found["seconds"])
        for name, (_, found, worlds) in refs.items()
    }
    rows = []
    for worlds in args.sizes:
        for kind in ("local", "processes:2", "dask"):
            label = {"dask": "triad dask LocalCluster(2)"}.get(kind, f"triad {kind}")
            rows.append(row(label, worlds, measured[worlds, kind], None))
        for label, found, timed in refs.values():
            rows.append(row(label, worlds, found, timed))
    print()
    print(table(rows, rates))
    print()
    if "batch_run" in refs:
        found = refs["batch_run"][1]
        print(
            f"mesa.batch_run: {n:,} worlds in {', '.join(f'{s:.2f}' for s in found['raw'])} s, "
            f"{SMALL} worlds in {', '.join(f'{s:.2f}' for s in found['small'])} s; per world "
            f"{found['seconds'][0] / n * 1e3:.2f} ms, start-up {found['startup']:.2f} s"
        )
    plain = refs["plain loop"][1]
    print(
        f"plain-float world: {statistics.median(plain['seconds']) / n * 1e3:.2f} ms per world "
        f"(set-up and 60 months); the scenario prepared once in {plain['startup']:.2f} s"
    )
    if not ema:
        print(
            "EMA Workbench MultiprocessingEvaluator: not measured: ema-workbench not installed "
            "(pip install -e '.[ema]')"
        )
    plain_cpu = statistics.median(plain["cpu"]) / n
    for worlds in args.sizes:
        local = statistics.median(measured[worlds, "local"]["cpu"]) / worlds
        print(
            f"CPU time per world, one process each: triad local at {worlds:,} worlds "
            f"{local * 1e6:,.1f} us, plain-float loop {plain_cpu * 1e3:.2f} ms: "
            f"{plain_cpu / local:,.0f}x"
        )
    print()
    print(verdicts(rows, rates, args.sizes))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"(wall time {time.time() - began:.0f} s; load average at end {load})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""triad against the tools an analyst would pick instead, in world-months per second.

Run by hand (never from the test suite)::

    .venv/bin/python benchmarks/anchors.py                 # 1,000 and 100,000 worlds
    .venv/bin/python benchmarks/anchors.py --sizes 1000    # quicker
    .venv/bin/python benchmarks/anchors.py --ref-worlds 100

Same machine, same run, same model (the bundled ``baseline``, 60 months), same worlds:

1. triad vectorized: ``run_ensemble`` with ``local``, ``processes:2`` and a Dask
   ``LocalCluster`` of 2 single-threaded worker processes (pool and cluster started and
   warmed up before the clock starts; their start-up time is printed separately);
2. the same model one world per ``TriadModel`` instance in a Python loop;
3. ``mesa.batch_run`` with ``number_processes=2``, one world per run: a small
   ``mesa.Model`` wrapper builds ``TriadModel(scenario, worlds=1, first_world=k)`` from
   batch_run's parameters and steps it;
4. EMA Workbench's ``MultiprocessingEvaluator(model, n_processes=2)``, one world per
   experiment: an EMA ``Model`` around ``triad_world(world)`` (one ``TriadModel`` of one
   world, returning a few final outcomes as EMA ``ScalarOutcome`` objects), with the world
   index as an ``IntegerParameter`` and one explicit ``Sample(world=k)`` per world, run
   with ``perform_experiments``. Only if ``ema_workbench`` is importable: it is the optional
   ``ema`` extra, best installed in a separate venv (it pulls scikit-learn)::

       python -m venv /tmp/ema-venv && /tmp/ema-venv/bin/pip install -e '.[ema]'
       /tmp/ema-venv/bin/python benchmarks/anchors.py --sizes 1000

   The pool is started (forked from a process that has already imported triad and run one
   world) before the clock starts, and its start-up is printed separately, as for triad's
   pool.

The references (2-4) are timed on ``--ref-worlds`` worlds (default 200) and scaled to 1,000
and 100,000 worlds at the same rate per world (one world per instance: the cost per world
does not fall with N), as the table says. Every measurement runs in a fresh child process
(this script re-invoked with ``--child``); peak memory is the child's own ``ru_maxrss`` and
the largest ``ru_maxrss`` of the processes it started (pool or cluster workers).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import subprocess
import sys
import time
from typing import Any

import mesa

MONTHS = 60
SCENARIO = "baseline"
TARGET_BATCH_RUN = 200.0
TARGET_EMA = 100.0


# --------------------------------------------------------------------------- mesa wrapper
def _final_containers(model: OneWorld) -> float:
    return float(model.inner.recorder.data[-1, 0, 0])


class OneWorld(mesa.Model):  # type: ignore[misc]
    """One world of triad as a plain mesa model, for ``mesa.batch_run``."""

    def __init__(self, world: int = 0, scenario: str = "", rng: Any = None) -> None:
        from triad.model.model import TriadModel
        from triad.scenario.schema import Scenario

        super().__init__(rng=rng)
        spec = Scenario.model_validate_json(scenario)
        self.inner = TriadModel(spec, worlds=1, first_world=world)
        self.datacollector = mesa.DataCollector(model_reporters={"first": _final_containers})

    def step(self) -> None:
        self.inner.step()
        if self.inner.month >= self.inner.spec.months:
            self.running = False
            self.datacollector.collect(self)


# --------------------------------------------------------------------------- EMA function
_ONE_WORLD: Any = None


def triad_world(world: int) -> dict[str, float]:
    """One world of triad as an EMA Workbench model function: a few final outcomes."""
    global _ONE_WORLD
    from triad.model.model import TriadModel

    if _ONE_WORLD is None:  # once per process, as the loop builds its scenario once
        _ONE_WORLD = scenario(1)
    model = TriadModel(_ONE_WORLD, worlds=1, first_world=int(world)).run()
    return {
        name: float(model.recorder.series(name)[-1, 0])
        for name in ("rounds_cum_m", "dprk_gdp_bn", "containers_cum")
    }


# --------------------------------------------------------------------------- measurements
def scenario(worlds: int) -> Any:
    from triad.experiments.ensemble import with_options
    from triad.scenario.loader import load_scenario

    return with_options(load_scenario(SCENARIO), worlds=worlds, months=MONTHS)


def measure_triad(kind: str, worlds: int) -> dict[str, Any]:
    from triad.experiments.ensemble import run_ensemble
    from triad.experiments.executors import DaskExecutor, LocalExecutor, ProcessExecutor

    executors = {
        "local": LocalExecutor,
        "processes:2": lambda: ProcessExecutor(2),
        "dask": lambda: DaskExecutor(workers=2),
    }
    started = time.perf_counter()
    with executors[kind]() as executor:
        run_ensemble(scenario(8), executor=executor, chunk_size=4)  # start and warm up
        startup = time.perf_counter() - started
        spec = scenario(worlds)
        began = time.perf_counter()
        run_ensemble(spec, executor=executor)
        seconds = time.perf_counter() - began
        workers_rss = _dask_worker_rss(executor) if kind == "dask" else 0
    return {"seconds": seconds, "startup": startup, "workers_rss": workers_rss}


def _dask_worker_rss(executor: Any) -> int:
    """Largest peak RSS (bytes) among the Dask workers (they are not our children)."""

    def peak() -> int:
        import resource as res

        return res.getrusage(res.RUSAGE_SELF).ru_maxrss * 1024

    found = executor.client.run(peak)
    return max(found.values(), default=0)


def measure_loop(worlds: int) -> dict[str, Any]:
    from triad.model.model import TriadModel

    spec = scenario(1)
    TriadModel(spec, worlds=1).run()  # warm-up
    began = time.perf_counter()
    for k in range(worlds):
        TriadModel(spec, worlds=1, first_world=k).run()
    return {"seconds": time.perf_counter() - began, "startup": 0.0, "workers_rss": 0}


def measure_batch_run(worlds: int) -> dict[str, Any]:
    text = scenario(1).model_dump_json()
    began = time.perf_counter()
    rows = mesa.batch_run(
        OneWorld,
        {"world": list(range(worlds)), "scenario": text},
        number_processes=2,
        max_steps=MONTHS,
        display_progress=False,
    )
    seconds = time.perf_counter() - began
    assert len(rows) == worlds, len(rows)
    return {"seconds": seconds, "startup": 0.0, "workers_rss": 0}


def measure_ema(worlds: int) -> dict[str, Any]:
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

    triad_world(0)  # warm-up: the pool's workers are forked from this process
    model = Model("triad", function=triad_world)
    model.uncertainties = [IntegerParameter("world", 0, max(worlds - 1, 1))]
    model.outcomes = [ScalarOutcome(name) for name in triad_world(0)]
    samples = [Sample(world=k) for k in range(worlds)]
    started = time.perf_counter()
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        startup = time.perf_counter() - started
        began = time.perf_counter()
        experiments, outcomes = evaluator.perform_experiments(scenarios=samples)
        seconds = time.perf_counter() - began
    assert len(experiments) == worlds, len(experiments)
    assert sorted(int(k) for k in experiments["world"]) == list(range(worlds))
    assert all(len(values) == worlds for values in outcomes.values())
    return {"seconds": seconds, "startup": startup, "workers_rss": 0}


def child(mode: str, worlds: int) -> None:
    if mode == "loop":
        found = measure_loop(worlds)
    elif mode == "batch_run":
        found = measure_batch_run(worlds)
    elif mode == "ema":
        found = measure_ema(worlds)
    else:
        found = measure_triad(mode, worlds)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    found |= {"rss": own, "children_rss": max(kids, found["workers_rss"])}
    print(json.dumps(found))


def run_child(mode: str, worlds: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, str(worlds)]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{mode} {worlds}: {out.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


# --------------------------------------------------------------------------- report
def machine() -> str:
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
    seconds = found["seconds"] * (worlds / scaled_from if scaled_from else 1)
    return {
        "label": label,
        "worlds": worlds,
        "seconds": seconds,
        "rate": worlds * MONTHS / seconds,
        "startup": found["startup"],
        "rss": found["rss"] / 2**20,
        "children_rss": found["children_rss"] / 2**20,
        "note": f"timed on {scaled_from:,} worlds, scaled" if scaled_from else "",
    }


def table(rows: list[dict[str, Any]], references: dict[str, float]) -> str:
    names = list(references)
    head = (
        f"{'what':<26}{'worlds':>9}{'seconds':>10}{'world-months/s':>16}{'start s':>9}"
        f"{'RSS MiB':>9}{'workers':>9}" + "".join(f"{'x ' + n:>13}" for n in names) + "  note"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        ratios = "".join(f"{r['rate'] / references[n]:>13,.0f}" for n in names)
        lines.append(
            f"{r['label']:<26}{r['worlds']:>9,}{r['seconds']:>10.2f}{r['rate']:>16,.0f}"
            f"{r['startup']:>9.2f}{r['rss']:>9.0f}{r['children_rss']:>9.0f}{ratios}  {r['note']}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--ref-worlds", type=int, default=200)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "WORLDS"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return 0
    began = time.time()
    print(f"machine: {machine()}")
    print(f"model: {SCENARIO}, {MONTHS} months; command: {' '.join(sys.argv)}")
    ema = importlib.util.find_spec("ema_workbench") is not None
    if ema:
        from importlib.metadata import version

        print(f"ema-workbench {version('ema-workbench')} (MultiprocessingEvaluator, 2 processes)")
    refs = {
        "loop": run_child("loop", args.ref_worlds),
        "batch_run": run_child("batch_run", args.ref_worlds),
    }
    if ema:
        refs["ema"] = run_child("ema", args.ref_worlds)
    rates = {name: args.ref_worlds * MONTHS / found["seconds"] for name, found in refs.items()}
    rows = []
    for worlds in args.sizes:
        for kind in ("local", "processes:2", "dask"):
            label = {"dask": "triad dask LocalCluster(2)"}.get(kind, f"triad {kind}")
            rows.append(row(label, worlds, run_child(kind, worlds), None))
        rows.append(row("one world per model, loop", worlds, refs["loop"], args.ref_worlds))
        label = "mesa.batch_run, 2 procs"
        rows.append(row(label, worlds, refs["batch_run"], args.ref_worlds))
        if ema:
            label = "EMA MultiprocessingEv.(2)"
            rows.append(row(label, worlds, refs["ema"], args.ref_worlds))
    print()
    print(table(rows, rates))
    print()
    if not ema:
        print(
            "EMA Workbench MultiprocessingEvaluator: not measured: ema-workbench not installed "
            "(pip install -e '.[ema]')"
        )
    best = {
        w: max(r["rate"] for r in rows if r["worlds"] == w and r["label"].startswith("triad"))
        for w in args.sizes
    }
    for worlds, rate in best.items():
        ratio = rate / rates["batch_run"]
        verdict = "MET" if ratio >= TARGET_BATCH_RUN else "MISSED"
        print(
            f"[{verdict}] {worlds:,} worlds: best triad executor {ratio:,.0f}x mesa.batch_run "
            f"(target >= {TARGET_BATCH_RUN:.0f}x)"
        )
        if ema:
            ratio = rate / rates["ema"]
            verdict = "MET" if ratio >= TARGET_EMA else "MISSED"
            print(
                f"[{verdict}] {worlds:,} worlds: best triad executor {ratio:,.0f}x EMA "
                f"MultiprocessingEvaluator (target >= {TARGET_EMA:.0f}x)"
            )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"(wall time {time.time() - began:.0f} s; load average at end {load})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Sobol sensitivity end to end, all points as one ensemble, against one model per point.

Run by hand (never from the test suite)::

    .venv/bin/python benchmarks/sensitivity.py             # N = 1024, 10 parameters
    .venv/bin/python benchmarks/sensitivity.py --loop 100  # fewer one-model-per-point runs

The issue's target: Sobol over 10 parameters of ``baseline`` with N = 1024 (Saltelli's
design with second-order indices: N x (2D + 2) = 22,528 points) x 60 months in at most
30 s, end to end (sampling, running, analysing). The script times the three stages of
:func:`triad.experiments.sensitivity.sensitivity` as it runs them (the sample's points
become the ``points`` of one ensemble of 22,528 worlds), then the same points one model
per point, ``TriadModel(scenario, worlds=1, first_world=p, points={...}).run()``, for the
first ``--loop`` points (200 by default), scaled to the whole sample, and prints the ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from triad.experiments.parameters import Outcome, ParameterRange
from triad.experiments.sensitivity import analyse, evaluate, sample_points
from triad.model.model import TriadModel
from triad.model.params import flat_parameters
from triad.scenario.loader import load_scenario
from triad.scenario.registry import parameters as registry

SCENARIO = "baseline"
N = 1024
TARGET_S = 30.0
OUTCOME = Outcome("rounds_cum_m")
PATHS = (
    "russia.war.fire_rate_m",
    "russia.war.dud_rate",
    "russia.war.restock_months",
    "russia.payment.value_per_round",
    "dprk.munitions.kpa_floor",
    "dprk.munitions.initial_stock_m",
    "dprk.behaviour.price_ask",
    "dprk.satellite.learning",
    "china.outbid_ratio",
    "dprk.economy.hysteresis",
)
SPREAD = 0.3
"""Each parameter varies over its baseline value +- 30% (inside its schema bounds)."""


def parameters() -> list[ParameterRange]:
    """The 10 parameters, each over its baseline value +- :data:`SPREAD`."""
    values, bounds = flat_parameters(load_scenario(SCENARIO)), registry()
    out = []
    for path in PATHS:
        value, lower, upper = values[path], bounds[path].low, bounds[path].high
        low, high = value * (1 - SPREAD), value * (1 + SPREAD)
        low = max(low, lower) if lower is not None else low
        high = min(high, upper) if upper is not None else high
        out.append(ParameterRange(path, low, high))
    return out


def main() -> None:
    """Time the vectorized analysis and the one-model-per-point reference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loop", type=int, default=200, help="points run one model each")
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    params = parameters()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    print(
        f"scenario {SCENARIO}, {scenario.months} months; outcome {OUTCOME.label}; "
        f"Sobol N = {N}, D = {len(params)}"
    )
    for p in params:
        print(f"  {p.path:34s} {p.low:10.4g} .. {p.high:<10.4g}")

    wall, cpu = time.perf_counter(), time.process_time()
    t0 = time.perf_counter()
    samples = sample_points("sobol", params, N, scenario.seed)
    t1 = time.perf_counter()
    outputs = evaluate(scenario, params, samples, OUTCOME)
    t2 = time.perf_counter()
    indices, _ = analyse("sobol", params, samples, outputs, scenario.seed)
    t3 = time.perf_counter()
    total, total_cpu = t3 - wall, time.process_time() - cpu
    points = len(samples)
    print(f"\npoints: {points:,} (one ensemble of {points:,} worlds x {scenario.months} months)")
    print(f"  sample   {t1 - t0:7.2f} s")
    print(f"  run      {t2 - t1:7.2f} s")
    print(f"  analyse  {t3 - t2:7.2f} s")
    print(f"  total    {total:7.2f} s  (CPU {total_cpu:.2f} s)")
    verdict = "MET" if total <= TARGET_S else "MISSED"
    print(f"[{verdict}] target <= {TARGET_S:.0f} s end to end: {total:.2f} s")
    print("\n" + indices.sort_values("ST", ascending=False).to_string(index=False))

    loop = min(args.loop, points)
    start = time.perf_counter()
    for p in range(loop):
        one = {r.path: samples[p : p + 1, i] for i, r in enumerate(params)}
        TriadModel(scenario, worlds=1, first_world=p, log_worlds=0, points=one).run()
    looped = time.perf_counter() - start
    scaled = looped / loop * points
    print(
        f"\none model per point: {loop} points in {looped:.2f} s "
        f"({looped / loop * 1000:.1f} ms/point), scaled to {points:,} points: {scaled:.0f} s"
    )
    print(f"ratio (one model per point, scaled / vectorized run stage): {scaled / (t2 - t1):,.0f}x")
    print(f"ratio (one model per point, scaled / end to end):           {scaled / total:,.0f}x")
    print("load average at end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()

"""What a compiled, fused step would gain: two of the model's processes ported to numba.

Run by hand (never from the test suite), with numba installed (it is not a dependency of
triad: ``.venv/bin/pip install numba``)::

    .venv/bin/python benchmarks/fused_probe.py
    .venv/bin/python benchmarks/fused_probe.py --worlds 100000 --repeats 5

Issue 16 asks for 10,000 worlds x 60 months in 0.1 s; the numpy step takes about 1.6 s,
of which 0.34 s is a fixed cost per run (``docs/performance.md``). Before writing a second,
compiled implementation of the whole step, this measures what one gains on two of its
processes, as the model computes them, with the inputs of a real run:

* **draws**: the month's random draws (:class:`triad.model.randomness.Streams`, a
  SplitMix64 hash of seed, world, month and site; 11 uniform sites a month in the
  baseline), numpy against one compiled loop over worlds that hashes all 11;
* **economy**: DPRK's input index, the eroding input index and the growth of GDP
  (:func:`triad.model.updates.input_index` twice and
  :func:`~triad.model.updates.grow_economy`, the core of ``update_economy``), numpy
  against one compiled loop that does the three for each world.

Each is called 60 times (a run's months) over the same inputs; the medians of the repeats
are printed with the ratio, after a warm-up (the compile time is printed apart). The
compiled results are compared with numpy's: the draws must be identical bit for bit; the
economy's largest difference is printed in units in the last place (numba calls the C
library's ``exp``, ``log`` and ``pow``, numpy may use its own vectorised ones).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

MONTHS = 60
CAPTURE_MONTH = 12  # the economy's inputs are taken from this month of a real run
SITES = (
    "russia:payment",
    "china:trade",
    "dprk:cyber",
    "dprk:forgive",
    "dprk:launch",
    "dprk:launch_outcome",
    "china:forgive",
    "site:8",  # stand-ins for the month's other four sites: a site's name does not change the cost
    "site:9",
    "site:10",
    "site:11",
)


def main() -> None:
    """Parse the options, run both probes and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    try:
        import numba
    except ImportError:
        sys.exit("numba is not installed: .venv/bin/pip install numba (not a triad dependency)")
    print(f"numba {numba.__version__}, numpy {np.__version__}; {args.worlds:,} worlds x {MONTHS}")
    rows = [_draws(args.worlds, args.repeats), _economy(args.worlds, args.repeats)]
    print(f"\n{'process':<10}{'numpy s':>10}{'numba s':>10}{'ratio':>8}{'compile s':>11}  result")
    for name, numpy_s, numba_s, compile_s, check in rows:
        ratio = numpy_s / numba_s
        print(
            f"{name:<10}{numpy_s:>10.4f}{numba_s:>10.4f}{ratio:>7.1f}x{compile_s:>11.2f}  {check}"
        )


def _median(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --------------------------------------------------------------------------- draws
def _draws(worlds: int, repeats: int) -> tuple[str, float, float, float, str]:
    from triad.model.randomness import Streams, site_key

    streams = Streams(20230913, np.arange(worlds, dtype=np.int64))
    keys = np.array([site_key(site) for site in SITES], dtype=np.uint64)
    kernel = _draws_kernel()
    out = np.empty((len(SITES), worlds))

    def with_numpy() -> None:
        for month in range(MONTHS):
            for site in SITES:
                streams.uniform(month, site)

    def with_numba() -> None:
        for month in range(MONTHS):
            kernel(streams._keys, keys, np.uint64(month + 2), out)

    start = time.perf_counter()
    kernel(streams._keys, keys, np.uint64(2), out)
    compile_s = time.perf_counter() - start
    expected = np.stack([streams.uniform(0, site) for site in SITES])
    same = np.array_equal(out, expected)
    check = "identical bit for bit" if same else "DIFFERENT"
    return "draws", _median(with_numpy, repeats), _median(with_numba, repeats), compile_s, check


def _draws_kernel() -> Callable[..., None]:
    import numba

    golden, m1, m2 = (
        np.uint64(0x9E3779B97F4A7C15),
        np.uint64(0xBF58476D1CE4E5B9),
        np.uint64(0x94D049BB133111EB),
    )

    @numba.njit(cache=False)  # type: ignore[untyped-decorator]
    def mix(z: Any) -> Any:
        z = (z ^ (z >> np.uint64(30))) * m1
        z = (z ^ (z >> np.uint64(27))) * m2
        return z ^ (z >> np.uint64(31))

    @numba.njit(cache=False)  # type: ignore[untyped-decorator]
    def kernel(world_keys: Any, site_keys: Any, counter: Any, out: Any) -> None:
        scale = 2.0**-53
        for s in range(site_keys.shape[0]):
            month_key = mix(counter * golden ^ site_keys[s])
            for w in range(world_keys.shape[0]):
                bits = mix(world_keys[w] ^ month_key) >> np.uint64(11)
                out[s, w] = (np.float64(bits) + 0.5) * scale

    out: Callable[..., None] = kernel
    return out


# --------------------------------------------------------------------------- economy
def _economy(worlds: int, repeats: int) -> tuple[str, float, float, float, str]:
    import triad.model.updates as up

    calls = _captured_economy(worlds)
    kernel = _economy_kernel()
    index_args, erosion_args, grow_args = calls
    ratios, weights, cap, substitution = index_args[:3], index_args[3], index_args[4], index_args[5]
    eroding = erosion_args[3]
    gdp, potential, _, _, *rates = grow_args
    new_gdp, new_potential = np.empty(worlds), np.empty(worlds)
    inputs = (*ratios, *weights, eroding[0], cap, substitution, gdp, potential, *rates)
    inputs = tuple(np.ascontiguousarray(np.broadcast_to(v, (worlds,))) for v in inputs)

    def with_numpy() -> tuple[Array, Array]:
        for _ in range(MONTHS):
            index = up.input_index(*index_args)
            erosion = up.input_index(*erosion_args)
            result = up.grow_economy(gdp, potential, index, erosion, *rates)
        return result

    def with_numba() -> None:
        for _ in range(MONTHS):
            kernel(*inputs, new_gdp, new_potential)

    start = time.perf_counter()
    kernel(*inputs, new_gdp, new_potential)
    compile_s = time.perf_counter() - start
    expected_gdp, expected_potential = with_numpy()
    ulps = max(_ulps(new_gdp, expected_gdp), _ulps(new_potential, expected_potential))
    check = "identical bit for bit" if ulps == 0 else f"within {ulps} ulp of numpy's"
    return "economy", _median(with_numpy, repeats), _median(with_numba, repeats), compile_s, check


def _ulps(a: Array, b: Array) -> int:
    """The largest distance between two float arrays in units in the last place."""
    ia, ib = a.view(np.int64), b.view(np.int64)
    return int(np.max(np.abs(ia - ib)))


def _captured_economy(worlds: int) -> list[tuple[Any, ...]]:
    """The arguments of update_economy's three calls in one month of a real baseline run."""
    import triad.model.updates as up
    from triad.model.model import TriadModel
    from triad.scenario.loader import load_scenario

    captured: list[tuple[Any, ...]] = []
    originals = up.input_index, up.grow_economy

    def record(fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            if model.month == CAPTURE_MONTH:
                captured.append(tuple(np.copy(a) if isinstance(a, np.ndarray) else a for a in args))
            return fn(*args)

        return wrapper

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = TriadModel(load_scenario("baseline"), worlds)
    up.input_index, up.grow_economy = record(originals[0]), record(originals[1])
    try:
        while model.month <= CAPTURE_MONTH:
            model.step()
    finally:
        up.input_index, up.grow_economy = originals
    return captured


def _economy_kernel() -> Callable[..., None]:
    import numba

    @numba.njit(cache=False, inline="always")  # type: ignore[untyped-decorator]
    def index_of(
        imports: float,
        oil: float,
        food: float,
        wi: float,
        wo: float,
        wf: float,
        cap: float,
        substitution: float,
    ) -> float:
        total = max(wi + wo + wf, 1e-12)
        ri = min(max(substitution + (1.0 - substitution) * imports, 1e-6), cap)
        ro = min(max(oil, 1e-6), cap)
        rf = min(max(food, 1e-6), 1.0)
        return float(np.exp((wi * np.log(ri) + wo * np.log(ro) + wf * np.log(rf)) / total))

    @numba.njit(cache=False)  # type: ignore[untyped-decorator]
    def kernel(
        imports: Any,
        oil: Any,
        food: Any,
        wi: Any,
        wo: Any,
        wf: Any,
        wi_eroding: Any,
        cap: Any,
        substitution: Any,
        gdp: Any,
        potential: Any,
        trend: Any,
        elasticity: Any,
        rate: Any,
        hysteresis: Any,
        tolerance: Any,
        new_gdp: Any,
        new_potential: Any,
    ) -> None:
        for w in range(gdp.shape[0]):
            i, o, f = imports[w], oil[w], food[w]
            index = index_of(i, o, f, wi[w], wo[w], wf[w], cap[w], substitution[w])
            erosion = index_of(i, o, f, wi_eroding[w], wo[w], wf[w], cap[w], substitution[w])
            beyond = min(erosion / (1.0 - tolerance[w]), 1.0)
            shrink = np.exp(hysteresis[w] / 12.0 * np.log(beyond))
            grown = potential[w] * (1.0 + trend[w]) ** (1.0 / 12.0) * shrink
            target = grown * index ** elasticity[w]
            new_gdp[w] = gdp[w] + rate[w] * (target - gdp[w])
            new_potential[w] = grown

    out: Callable[..., None] = kernel
    return out


if __name__ == "__main__":
    main()

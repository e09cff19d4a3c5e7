"""triad: scenario simulations of the Russia-China-North Korea triangle.

The public Python API::

    import triad

    scenario = triad.load_scenario("ceasefire_2025", ["russia.tech_transfer.max_tier=2"])
    sim = triad.simulate(scenario, worlds=100)      # arrays and event log, nothing stored
    result = triad.run(scenario, save=True)         # an ensemble run, stored under runs/
    options = triad.RunOptions(worlds=500)          # what to run; RunContext: where and how
    comparison = triad.compare(["baseline", "ceasefire_2025"], options=options)
    points = {"dprk.munitions.kpa_floor": [0.2, 0.5, 0.8], "china.policy": ["punisher"] * 3}
    table = triad.evaluate("baseline", points, worlds_per_point=20).frame()  # one ensemble
    stored = triad.read_run("runs/baseline/20250101-120000-1a2b3c4d")  # a stored run, checked
    triad.plot(result, "containers")                # any result's chart (a matplotlib Figure)
    triad.write(comparison, "reports/ceasefire")    # any result's folder: CSVs, charts, report

The names are imported on first use (PEP 562), so ``import triad`` and the command line's
``--help`` do not pay for pandas, mesa or matplotlib.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from triad.api import run
    from triad.experiments.compare import Comparison, compare
    from triad.experiments.evaluate import Evaluation, evaluate
    from triad.reports import plot, write
    from triad.runs.context import RunContext
    from triad.runs.options import RunOptions
    from triad.runs.simulation import simulate
    from triad.scenario.loader import load_scenario
    from triad.store.result import RunResult
    from triad.store.run_folder import read_run

__version__ = "0.1.0"

# The public names, each with the module that defines it: add new entry points here and
# to the TYPE_CHECKING imports above.
_SOURCES = {
    "Comparison": "triad.experiments.compare",
    "Evaluation": "triad.experiments.evaluate",
    "RunContext": "triad.runs.context",
    "RunOptions": "triad.runs.options",
    "RunResult": "triad.store.result",
    "compare": "triad.experiments.compare",
    "evaluate": "triad.experiments.evaluate",
    "load_scenario": "triad.scenario.loader",
    "plot": "triad.reports",
    "read_run": "triad.store.run_folder",
    "run": "triad.api",
    "simulate": "triad.runs.simulation",
    "write": "triad.reports",
}

__all__ = [
    "Comparison",
    "Evaluation",
    "RunContext",
    "RunOptions",
    "RunResult",
    "__version__",
    "compare",
    "evaluate",
    "load_scenario",
    "plot",
    "read_run",
    "run",
    "simulate",
    "write",
]


def __getattr__(name: str) -> Any:
    """Import a public name on first use and keep it in the module, as an eager import would."""
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'triad' has no attribute {name!r}")
    value = getattr(import_module(source), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

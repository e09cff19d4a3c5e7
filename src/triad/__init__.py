"""triad: scenario simulations of the Russia-China-North Korea triangle.

The public Python API::

    import triad

    scenario = triad.load_scenario("ceasefire_2025", ["russia.tech_transfer.max_tier=2"])
    sim = triad.simulate(scenario, worlds=100)      # arrays and event log, nothing stored
    result = triad.run(scenario, save=True)         # an ensemble run, stored under runs/
    comparison = triad.compare(["baseline", "ceasefire_2025"], worlds=500)
"""

from triad.api import run
from triad.experiments.compare import Comparison, compare
from triad.experiments.results import RunResult
from triad.model.simulation import simulate
from triad.scenario.loader import load_scenario

__version__ = "0.1.0"

# The public names, one a line: add new entry points here and import them above.
__all__ = [
    "Comparison",
    "RunResult",
    "__version__",
    "compare",
    "load_scenario",
    "run",
    "simulate",
]

"""A finished run: its simulation, its provenance, and where it is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from triad.runs.ensemble import KEY_METRICS, bands, summary
from triad.runs.simulation import Simulation
from triad.scenario.schema import Scenario
from triad.store.manifest import Manifest


@dataclass
class RunResult:
    """The outcome of ``triad run``: metrics of every world and month, events, provenance.

    Attributes:
        simulation: The recorded metrics and event log.
        manifest: What produced it (see :mod:`triad.store.manifest`); None for a run
            built by hand (storing it gives it one).
        path: The result folder, if stored.
    """

    simulation: Simulation
    manifest: Manifest | None = None
    path: Path | None = None

    @property
    def scenario(self) -> Scenario:
        """The resolved scenario that ran."""
        return self.simulation.scenario

    def frame(self) -> pd.DataFrame:
        """Tidy frame: one row per world and month (world, month, date, metrics...)."""
        return self.simulation.frame()

    def inputs(self) -> pd.DataFrame:
        """Each world's drawn uncertain inputs: ``world``, then one column per ``uncertain`` key.

        Read from the result folder's ``inputs.parquet`` when the run is stored (and has
        one), else drawn again from the scenario: a world's draws depend only on the seed,
        the world and the entry. Join it with :meth:`frame` (or the stored series) on
        ``world``; see ``docs/results.md`` and :mod:`triad.store.inputs`.
        """
        from triad.store.inputs import INPUTS, drawn_inputs, read_inputs

        if self.path is not None and (self.path / INPUTS).is_file():
            return read_inputs(self.path / INPUTS, len(self.simulation.world_ids))
        return drawn_inputs(self.scenario, self.simulation.world_ids)

    def summary(self, metrics: tuple[str, ...] = KEY_METRICS) -> pd.DataFrame:
        """Median and 90% interval of the key metrics at the checkpoints."""
        return summary(self.simulation, metrics)

    def bands(self, metric: str) -> pd.DataFrame:
        """Monthly quantiles (p05, p25, p50, p75, p95) of one metric."""
        return bands(self.simulation, metric)


Drawer = Callable[[RunResult, Path, tuple[str, ...]], object]
"""Draws the named charts of a run into a folder (``triad.reports.run.draw_charts``): the
store calls it, when given one and charts to draw, before it seals a result folder, without
importing the charts. A name is ``overview`` or a metric (its fan chart)."""

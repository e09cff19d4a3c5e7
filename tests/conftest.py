"""Shared fixtures: bundled scenarios simulated once per test session."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from triad.reports.rendering import WORKER_ENV
from triad.runs.simulation import Simulation, simulate
from triad.scenario.loader import load_scenario

# Commands draw their charts in this process: a chart worker for each of the suite's
# hundreds of commands would only add process starts. tests/test_rendering.py turns it on.
os.environ.setdefault(WORKER_ENV, "0")

# tests/strategies.py is imported by the property tests as a plain module
sys.path.insert(0, str(Path(__file__).parent))

ENSEMBLE = 200
"""Worlds in every behavioural comparison (common random numbers: same seed, same worlds)."""

Ensemble = Callable[..., Simulation]


@pytest.fixture(scope="session")
def ensemble() -> Ensemble:
    """``ensemble(ref, *overrides)``: a scenario (bundled name or path), 200 worlds, cached.

    Overrides are ``--set``-style ``PATH=VALUE`` strings. Every run shares the scenario's
    seed and world indices, so two scenarios differ only by what they change.
    """
    cache: dict[tuple[str, tuple[str, ...]], Simulation] = {}

    def run(name: str, *overrides: str) -> Simulation:
        key = (name, tuple(overrides))
        if key not in cache:
            cache[key] = simulate(load_scenario(name, overrides), worlds=ENSEMBLE)
        return cache[key]

    return run

"""The plain-Python port of one world (benchmarks/scalar_world.py) follows the model.

The port is the reference the benchmarks measure triad against (one world in floats, what
a Mesa or EMA user would write). It is only a fair reference while it does the model's
work, so it is held to the model bit for bit: with the model's draws and numpy's
elementary functions every metric of every month equals ``TriadModel``'s. A model change
the port does not follow fails here; the fix is to update ``benchmarks/scalar_world.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from triad.model.metrics import METRIC_NAMES
from triad.scenario.loader import load_scenario
from triad.scenario.schema import Scenario

WORLDS = 20
MONTHS = 60
FOLLOW = "the model changed and benchmarks/scalar_world.py no longer follows it: update the port"


def _load_port() -> ModuleType:
    path = Path(__file__).parents[1] / "benchmarks" / "scalar_world.py"
    spec = importlib.util.spec_from_file_location("scalar_world", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["scalar_world"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


port = _load_port()


@pytest.fixture(scope="module")
def baseline() -> Scenario:
    """The bundled baseline at the benchmarks' horizon."""
    return load_scenario("baseline").model_copy(update={"months": MONTHS})


def test_port_equals_the_model_bit_for_bit(baseline: Scenario) -> None:
    """With the model's draws and elementary functions, every value of every month is equal."""
    found = port.compare_with_model(baseline, WORLDS, maths="model")
    assert found.values == WORLDS * MONTHS * (len(METRIC_NAMES) + len(port.TRACKERS))
    assert not found.missing, f"{FOLLOW}: {found.describe()}"
    assert found.identical, f"{FOLLOW}: {found.describe()}"


def test_plain_maths_stay_within_the_documented_tolerance(baseline: Scenario) -> None:
    """With ``math``'s functions the port differs from the model only in the last bits."""
    found = port.compare_with_model(baseline, WORLDS, maths="plain")
    assert found.max_rel <= port.PLAIN_TOLERANCE, f"{FOLLOW}: {found.describe()}"


def test_the_check_fails_when_the_port_drifts(
    baseline: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port that leaves out one process (the ROK's alarm) is caught, world and metric named."""
    monkeypatch.setattr(port.ScalarWorld, "update_alarm", lambda self: None)
    found = port.compare_with_model(baseline, 3, maths="model", months=24)
    assert not found.identical
    assert found.worst is not None and found.worlds_off > 0
    assert "differ" in found.describe()


def test_the_check_fails_when_a_metric_is_not_ported(
    baseline: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A metric the model records and the port does not compute is reported by name."""
    metrics = port.ScalarWorld.metrics

    def fewer(self: object) -> dict[str, float]:
        out: dict[str, float] = metrics(self)
        del out["oil_cap_ratio"]
        return out

    monkeypatch.setattr(port.ScalarWorld, "metrics", fewer)
    found = port.compare_with_model(baseline, 2, maths="model", months=3)
    assert found.missing == ("oil_cap_ratio",)
    assert not found.identical

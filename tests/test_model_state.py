"""The actors' typed state: one (N,) float64 array a variable, each documented in the ODD."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from triad.errors import ModelError
from triad.model.model import TriadModel
from triad.model.state import ChinaState, DprkState, RussiaState
from triad.scenario.loader import load_scenario

ODD = (Path(__file__).resolve().parent.parent / "docs" / "odd.md").read_text(encoding="utf-8")
STATES = {"DPRK": DprkState, "Russia": RussiaState, "China": ChinaState}


def documented(actor: str) -> set[str]:
    """The variables the table of ``actor`` in docs/odd.md section 2.2 lists."""
    section = ODD[ODD.index("### 2.2 State variables") : ODD.index("**Flows of the month**")]
    table = section.split(f"**{actor}**")[1].split("**")[0]
    rows = (line.split("|")[1] for line in table.splitlines() if line.startswith("| `"))
    return {name for cell in rows for name in re.findall(r"`(\w+)`", cell)}


@pytest.mark.parametrize("actor", STATES)
def test_the_odd_lists_every_state_variable_and_no_other(actor: str) -> None:
    fields = {f.name for f in dataclasses.fields(STATES[actor])}
    assert documented(actor) == fields


def test_every_state_variable_is_one_float64_per_world_before_and_after_a_month() -> None:
    model = TriadModel(load_scenario("baseline"), worlds=5)
    for _ in range(2):
        for actor in (model.dprk, model.russia, model.china):
            assert not hasattr(actor.state, "__dict__")  # slotted: no stray variables
            for field in dataclasses.fields(actor.state):
                value = getattr(actor.state, field.name)
                assert value.shape == (5,) and value.dtype == np.float64, field.name
        model.step()


def test_a_models_scenario_is_the_one_it_simulates_and_cannot_be_swapped() -> None:
    scenario = load_scenario("baseline")
    model = TriadModel(scenario, worlds=2)
    assert model.scenario is scenario
    assert model.russia.scenario is scenario  # Mesa's agents reach it through the model
    assert model.mesa_scenario.model is model  # Mesa's own (seed-only) scenario is kept
    with pytest.raises(ModelError, match="fixed when it is built"):
        model.scenario = scenario

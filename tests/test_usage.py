"""The recorded table of which parameters each policy reads is what running them finds.

``triad validate`` reads the table so that it never runs the model (mesa, pandas and
scipy stay unimported); these tests hold the table to the live probe, on the defaults it
was recorded with and on every bundled scenario, and check that a policy the table does
not know is probed instead.
"""

from __future__ import annotations

import pytest

from triad.model.policies import registry
from triad.model.policies.china import Punisher
from triad.model.usage import (
    TABLE,
    parameter_usage,
    probed_usage,
    recorded_usage,
    table_text,
)
from triad.scenario.loader import bundled_names, load_scenario
from triad.scenario.schema import Scenario


class Copycat(Punisher):
    """A policy outside the recorded table: reads what the punisher reads."""

    name = "copycat"


def test_the_table_is_what_the_probe_finds_now() -> None:
    found = table_text(probed_usage(Scenario(name="defaults")))
    assert TABLE.read_text(encoding="utf-8") == found, (
        f"{TABLE.name} is out of date with the model or a policy; regenerate it with: "
        "python -m triad.model.usage --write"
    )


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_scenario_probes_as_the_table_says(name: str) -> None:
    assert probed_usage(load_scenario(name)) == recorded_usage()


def test_the_catalogue_is_read_from_the_table() -> None:
    usage = parameter_usage(load_scenario("baseline"))
    assert usage is recorded_usage()
    assert usage.readers("china.punish_level") == (("china", "punisher"),)


def test_a_policy_the_table_does_not_know_is_probed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry._REGISTRY, ("china", "copycat"), Copycat)
    usage = parameter_usage(load_scenario("baseline"))
    assert usage.readers("china.punish_level") == (("china", "copycat"), ("china", "punisher"))
    assert usage.core == recorded_usage().core

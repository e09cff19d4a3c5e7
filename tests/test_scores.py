"""Each seat's objective score splits into named parts that rebuild it exactly."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from triad.errors import ModelError
from triad.model.model import TriadModel
from triad.scenario.loader import load_scenario


@pytest.fixture(scope="module")
def model() -> TriadModel:
    model = TriadModel(load_scenario("baseline", ["worlds=16", "months=14"]))
    for _ in range(14):
        model.step()
    return model


def test_the_parts_rebuild_each_seats_score(model: TriadModel) -> None:
    for seat, metric in (
        ("dprk", "score_dprk"),
        ("russia", "score_russia"),
        ("china", "score_china"),
    ):
        found = model.score_parts(seat)
        total = sum(found.parts.values(), np.zeros(model.n))
        rebuilt = expit(total) if found.scale == "logit" else np.exp(total)
        np.testing.assert_allclose(rebuilt, found.score, rtol=1e-9)
        np.testing.assert_allclose(found.score, model.state[metric], rtol=1e-6)  # as recorded


def test_the_parts_name_what_each_seat_weighs(model: TriadModel) -> None:
    dprk = model.score_parts("dprk")
    assert dprk.scale == "logit" and list(dprk.parts)[:3] == ["food", "oil", "economy"]
    russia = model.score_parts("russia")
    assert set(russia.parts) == {"need met", "visibility", "payment", "technology", "proliferation"}
    assert (russia.parts["payment"] < 0).all()  # Russia pays DPRK every month of the record
    assert (russia.parts["need met"] <= 0).all()  # the log of a share
    china = model.score_parts("china")
    assert set(china.parts) == {
        "stability and influence",
        "cost of DPRK",
        "exposure seen by the ROK",
    }


def test_an_unknown_seat_is_refused(model: TriadModel) -> None:
    with pytest.raises(ModelError, match="unknown seat 'usa'"):
        model.score_parts("usa")

"""docs/ema.md runs: every example, in order, with fewer experiments, worlds and months."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ema_workbench")

from triad.errors import TriadNote
from triad.runs.ensemble import with_options
from triad.scenario.loader import load_scenario

DOC = Path(__file__).resolve().parent.parent / "docs" / "ema.md"
SMALLER = {
    '"baseline"': "SMALL",  # the bundled baseline, 24 months
    "n, rng = 100,": "n, rng = 12,",
    "worlds_per_point=20": "worlds_per_point=3",
    "worlds_per_point=10": "worlds_per_point=3",
    "scenarios=200": "scenarios=16",
    "policies=4": "policies=2",
}


def test_every_example_runs_and_ema_agrees_with_triad_evaluate() -> None:
    text = DOC.read_text(encoding="utf-8")
    examples = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(examples) == 5
    code = "\n".join(examples)
    for old, new in SMALLER.items():
        assert old in code, old
        code = code.replace(old, new)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TriadNote)
        small = with_options(load_scenario("baseline"), months=24)
        names: dict[str, object] = {"SMALL": small}
        exec(compile(code, str(DOC), "exec"), names)  # the doc asserts evaluate = EMA itself
    table = names["table"]
    assert len(table) == 12  # type: ignore[arg-type]
    assert len(names["worlds"]) == 12 * 3  # type: ignore[arg-type]
    experiments, outcomes = names["experiments"], names["outcomes"]
    assert len(experiments) == 32  # type: ignore[arg-type]
    assert set(outcomes) == {  # type: ignore[arg-type]
        "rounds_cum_m",
        "china_resentment",
        "dprk_gdp_bn_mean",
        "dprk_regime_security_p05",
    }
    scores = names["scores"]
    assert set(scores.index) == set(names["x"].columns)  # type: ignore[attr-defined]
    assert np.isclose(scores.sum().to_numpy(), 1.0).all()  # type: ignore[attr-defined]
    limits = names["limits"]
    assert set(limits.index) <= set(names["x"].columns)  # type: ignore[attr-defined]

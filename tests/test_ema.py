"""EMA Workbench on triad: EMA's experiments run as one batch and equal triad.evaluate."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("ema_workbench")

from ema_workbench import (
    BooleanParameter,
    CategoricalParameter,
    EMAError,
    IntegerParameter,
    RealParameter,
    ScalarOutcome,
    SequentialEvaluator,
    perform_experiments,
)

import triad
from triad.errors import TriadError, TriadNote
from triad.experiments.ema import (
    BatchEvaluator,
    EmaModel,
    experiment_points,
    outcome,
    parameter,
)
from triad.runs.options import RunOptions

K = 3
MONTHS = 12
METRICS = ["containers", "china_resentment", "dprk_gdp_bn"]


@pytest.fixture(autouse=True)
def quiet() -> Iterator[None]:
    """Events after the short horizon are noted; these tests do not look at the notes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TriadNote)
        yield


def model(**options: Any) -> EmaModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TriadNote)
        built = EmaModel(
            "triad", "baseline", worlds_per_point=K, options=RunOptions(months=MONTHS), **options
        )
    built.uncertainties = [
        parameter("dprk.munitions.kpa_floor"),
        parameter("russia.war.dud_rate", 0.1, 0.4),
        parameter("world.pressure"),
    ]
    built.levers = [parameter("china.policy", categories=["enforcer", "punisher"])]
    built.outcomes = [
        outcome("containers"),
        outcome("china_resentment", "p95"),
        outcome("dprk_gdp_bn", "mean"),
    ]
    return built


def run(ema: EmaModel, evaluator: Any, scenarios: int, policies: int = 0) -> Any:
    return perform_experiments(
        ema,
        scenarios=scenarios,
        policies=policies,
        evaluator=evaluator,
        uncertainty_sampling_kwargs={"rng": 42},
        lever_sampling_kwargs={"rng": 7},
        log_progress=True,
    )


def same_as_evaluate(ema: EmaModel, experiments: Any, outcomes: dict[str, Any]) -> None:
    evaluation = triad.evaluate(
        "baseline",
        experiment_points(experiments, ema),
        worlds_per_point=K,
        common_worlds=ema.common_worlds,
        metrics=METRICS,
        options=RunOptions(months=MONTHS),
    )
    assert np.array_equal(outcomes["containers"], evaluation.statistic("containers"))
    assert np.array_equal(
        outcomes["china_resentment_p95"], evaluation.statistic("china_resentment", "p95")
    )
    assert np.array_equal(outcomes["dprk_gdp_bn_mean"], evaluation.statistic("dprk_gdp_bn", "mean"))


def test_perform_experiments_in_one_batch_equals_triad_evaluate() -> None:
    """16 scenarios x 2 policies: 32 experiments, one ensemble of 96 worlds."""
    ema = model()
    experiments, outcomes = run(ema, BatchEvaluator(ema), scenarios=16, policies=2)
    assert len(experiments) == 32
    assert ema.last is not None and ema.last.points == 32  # one batch
    assert set(experiments["china_policy"]) == {"enforcer", "punisher"}
    same_as_evaluate(ema, experiments, outcomes)


def test_emas_own_sequential_evaluator_gives_the_same_results() -> None:
    ema = model()
    batch = run(ema, BatchEvaluator(ema), scenarios=6)
    one_by_one = run(ema, SequentialEvaluator(ema), scenarios=6)
    for name, values in batch[1].items():
        assert np.array_equal(values, one_by_one[1][name])


def test_distinct_worlds_follow_the_experiment_ids_however_the_batch_is_cut() -> None:
    ema = model(common_worlds=False)
    with BatchEvaluator(ema, batch_size=7) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=20, uncertainty_sampling_kwargs={"rng": 42}, log_progress=True
        )
    assert ema.last is not None and ema.last.points == 6  # 20 = 7 + 7 + 6
    same_as_evaluate(ema, experiments, outcomes)


def test_distinct_worlds_need_the_batch_evaluator() -> None:
    ema = model(common_worlds=False)
    with pytest.raises(EMAError, match="BatchEvaluator"):
        run(ema, SequentialEvaluator(ema), scenarios=2)


def test_parameters_take_triads_registry_bounds_and_kinds() -> None:
    floor = parameter("dprk.munitions.kpa_floor")
    assert isinstance(floor, RealParameter)
    assert (floor.lower_bound, floor.upper_bound) == (0.0, 1.0)
    assert floor.name == "dprk_munitions_kpa_floor"
    assert floor.variable_name == ["dprk.munitions.kpa_floor"]
    tier = parameter("actors.russia.tech_transfer.max_tier", name="tier")
    assert isinstance(tier, IntegerParameter)
    assert (tier.name, tier.lower_bound, tier.upper_bound) == ("tier", 0, 3)
    assert tier.variable_name == ["russia.tech_transfer.max_tier"]
    assert isinstance(parameter("russia.tech_transfer.allow_nbc"), BooleanParameter)
    policy = parameter("china.policy")
    assert isinstance(policy, CategoricalParameter)
    assert "human" not in [c.value for c in policy.categories]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parameter("dprk.munitions.kpa_floor", 0.2, 1.5), "bound 1: .* = 1.5"),
        (lambda: parameter("dprk.munitions.kpa_flor"), "did you mean"),
        (lambda: parameter("china.policy", categories=["nice"]), "category 0: china.policy"),
        (lambda: parameter("months"), "takes one value for the whole run"),
        (lambda: outcome("containrs"), "unknown metric"),
        (lambda: outcome("containers", "p150"), "unknown statistic"),
    ],
)
def test_bad_parameters_and_outcomes_are_refused(call: Any, message: str) -> None:
    with pytest.raises(TriadError, match=message):
        call()


def test_outcomes_are_named_as_evaluation_frame_columns() -> None:
    assert outcome("containers").name == "containers"
    assert outcome("containers", "p95").name == "containers_p95"
    at_month = outcome("containers@2024-06", "mean")
    assert at_month.name == "containers_at_2024_06_mean"
    assert list(at_month.variable_name) == ["containers@2024-06_mean"]


def test_only_the_adapter_imports_ema_workbench() -> None:
    package = Path(triad.__file__).parent
    importers = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"^\s*(from|import) ema_workbench", path.read_text("utf-8"), re.M)
    ]
    assert importers == ["experiments/ema.py"]


def test_optimize_runs_its_generations_through_the_batch(tmp_path: Path) -> None:
    """EMA's optimize evaluates each generation with the evaluator: one ensemble each."""
    ema = EmaModel("triad", "baseline", worlds_per_point=K, options=RunOptions(months=MONTHS))
    ema.levers = [
        parameter("dprk.munitions.capacity_m", 0.5, 3.0),
        parameter("dprk.munitions.kpa_floor", 0.2, 0.8),
    ]
    ema.outcomes = [
        outcome("china_resentment", kind=ScalarOutcome.MINIMIZE),
        outcome("dprk_gdp_bn", kind=ScalarOutcome.MAXIMIZE),
    ]
    with BatchEvaluator(ema) as evaluator:
        found, _ = evaluator.optimize(
            nfe=100,
            searchover="levers",
            epsilons=[0.01, 0.1],
            rng=1,
            filename="archive.tar.gz",
            directory=str(tmp_path),
        )
    assert len(found) >= 1
    again = triad.evaluate(
        "baseline",
        {
            "dprk.munitions.capacity_m": found["dprk_munitions_capacity_m"].tolist(),
            "dprk.munitions.kpa_floor": found["dprk_munitions_kpa_floor"].tolist(),
        },
        worlds_per_point=K,
        common_worlds=True,
        metrics=["china_resentment", "dprk_gdp_bn"],
        options=RunOptions(months=MONTHS),
    )
    assert np.allclose(again.statistic("dprk_gdp_bn"), found["dprk_gdp_bn"])


def test_an_ema_parameter_can_be_an_event_month_or_a_distribution_number() -> None:
    from triad.experiments.ema import parameter
    from triad.scenario.month import Month

    month = parameter("events.ceasefire.at", scenario="baseline")
    assert isinstance(month, IntegerParameter)
    assert (month.lower_bound, month.upper_bound) == (
        Month.parse("2023-09").index,
        Month.parse("2028-08").index,
    )
    high = parameter("uncertain.dprk.munitions.capacity_m.high", 0.3, 0.6, scenario="baseline")
    assert isinstance(high, RealParameter) and high.variable_name == [
        "uncertain.dprk.munitions.capacity_m.high"
    ]
    with pytest.raises(TriadError, match="checked against the scenario"):
        parameter("events.ceasefire.at")

"""EMA Workbench on triad: experiments run as one vectorised batch through ``triad.evaluate``.

The `EMA Workbench <https://emaworkbench.readthedocs.io>`_ samples uncertainties and levers,
runs a model once per experiment and analyses the results (feature scoring, PRIM, ...).
Running triad once per experiment would start a model 200 times for 200 experiments; here
the experiments of a call become the points of one :func:`triad.evaluate`, one ensemble.

* :class:`EmaModel` is an EMA model. Its uncertainties and levers are triad input paths
  (:func:`parameter` makes one from the parameter's registry bounds); its outcomes read a
  statistic across each experiment's worlds (:func:`outcome`). EMA's own evaluators run it
  one experiment at a time, correctly but slowly.
* :class:`BatchEvaluator` is an EMA evaluator that hands all the experiments of a call to
  the model at once (in batches of ``batch_size``), then reports each to EMA's callback as
  its own evaluators do: ``perform_experiments``, ``optimize`` and the analysis work as
  usual.

Each experiment runs ``worlds_per_point`` worlds. With ``common_worlds=True`` (the default)
every experiment runs the same worlds ``0 .. K-1``: the experiments differ only in their
inputs, and EMA's one-at-a-time evaluators give the same results as the batch. Otherwise
experiment i runs worlds ``i*K .. i*K+K-1`` (by EMA's experiment id), the same however the
batch is cut.

Only this module imports ``ema_workbench`` (the optional extra ``triad[ema]``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from ema_workbench import (
    BooleanParameter,
    CategoricalParameter,
    IntegerParameter,
    RealParameter,
    ScalarOutcome,
)
from ema_workbench.em_framework.evaluators import BaseEvaluator
from ema_workbench.em_framework.experiment_runner import ExperimentRunner
from ema_workbench.em_framework.model import AbstractModel
from ema_workbench.em_framework.points import Experiment, Sample

from triad.errors import ExperimentError
from triad.experiments.evaluate import Evaluation, evaluate
from triad.experiments.parameters import parse_outcome
from triad.runs.context import RunContext
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.points import point_input
from triad.scenario.schema import Scenario

STATISTICS: tuple[str, ...] = ("median", "mean", "min", "max")
"""Statistics across an experiment's worlds an outcome can read (besides any ``pNN``)."""


def parameter(
    path: str,
    low: float | None = None,
    high: float | None = None,
    *,
    name: str | None = None,
    categories: Sequence[Any] | None = None,
    scenario: str | Path | Scenario | None = None,
) -> Any:
    """An EMA parameter (uncertainty or lever) for a triad input path.

    A number becomes a ``RealParameter`` (a count an ``IntegerParameter``, a flag a
    ``BooleanParameter``) over ``low``..``high``, by default the parameter's bounds in
    triad's registry; a policy (``china.policy``) a ``CategoricalParameter`` over the
    actor's policies (``human`` left out), or over ``categories``.

    Args:
        path: A triad input path, as ``--set`` writes it.
        low: Lowest value (default: the registry's lower bound).
        high: Highest value (default: the registry's upper bound).
        name: The parameter's name in EMA, a Python identifier (default: the path with
            ``_`` for ``.``: ``dprk_munitions_kpa_floor``).
        categories: For a policy, the policies to choose among.
        scenario: The scenario whose events and ``uncertain`` entries the path may name
            (``events.ceasefire.at``, ``uncertain.dynamics.commitment_decay.high``); an
            event's month is the whole number ``Month.parse("YYYY-MM").index``.

    Raises:
        TriadError: If the path cannot take a value per experiment, a range lies outside
            the parameter's bounds, or a bound is needed and the registry has none.
    """
    spec = point_input(path, None if scenario is None else prepare_scenario(scenario))
    label = name or identifier(path)
    if spec.kind == "policy":
        names = [c for c in spec.choices if c != "human"] if categories is None else categories
        spec.encode(list(names), label="category")
        return CategoricalParameter(label, list(names), variable_name=spec.path)
    if spec.flag:
        return BooleanParameter(label, variable_name=spec.path)
    lo = spec.low if low is None else low
    hi = spec.high if high is None else high
    if lo is None or hi is None:
        raise ExperimentError(f"{path}: the registry gives no bound; give low and high")
    spec.encode([lo, hi], label="bound")
    if not lo < hi:
        raise ExperimentError(f"{path}: low must be below high, got {lo:g} and {hi:g}")
    if spec.whole:
        return IntegerParameter(label, int(lo), int(hi), variable_name=spec.path)
    return RealParameter(label, float(lo), float(hi), variable_name=spec.path)


def outcome(
    metric: str,
    statistic: str = "median",
    *,
    name: str | None = None,
    kind: int = ScalarOutcome.INFO,
) -> Any:
    """An EMA outcome: a statistic of a metric across each experiment's worlds.

    Args:
        metric: A metric name, or ``NAME@YYYY-MM`` for its value at a month (default: at
            the model's month, see :class:`EmaModel`'s ``at``).
        statistic: ``median``, ``mean``, ``min``, ``max`` or a quantile ``pNN`` (``p05``).
        name: The outcome's name in EMA, a Python identifier (default: ``METRIC`` for the
            median, else ``METRIC_STATISTIC``, as :meth:`Evaluation.frame` names its
            columns; a month as ``_at_YYYY_MM``).
        kind: ``ScalarOutcome.INFO``, ``MINIMIZE`` or ``MAXIMIZE`` (for optimisation).

    Raises:
        TriadError: For an unknown metric or statistic.
    """
    parse_outcome(metric)
    _check_statistic(statistic)
    variable = f"{metric}_{statistic}"
    default = metric if statistic == "median" else variable
    return ScalarOutcome(name or identifier(default), kind=kind, variable_name=variable)


def identifier(text: str) -> str:
    """A Python identifier for a path or label, as EMA wants names to be.

    ``dprk.munitions.kpa_floor`` -> ``dprk_munitions_kpa_floor``;
    ``containers@2025-06_p95`` -> ``containers_at_2025_06_p95``.
    """
    return re.sub(r"\W", "_", text.replace("@", "_at_"))


class EmaModel(AbstractModel):  # type: ignore[misc]
    """A triad scenario as an EMA model whose experiments run as one ensemble.

    Set ``uncertainties``, ``levers``, ``outcomes`` and ``constants`` as for any EMA model;
    a parameter's ``variable_name`` is a triad input path (:func:`parameter`), an outcome's
    is ``METRIC_STATISTIC`` (:func:`outcome`). A constant may set an input path too.

    Args:
        name: The model's name in EMA (a Python identifier).
        scenario: A bundled name, a scenario file, or a resolved scenario.
        worlds_per_point: Worlds run for each experiment.
        common_worlds: Run every experiment on the same worlds (see the module).
        at: ``YYYY-MM`` at which outcomes without a month are read (default: the horizon).
        options: What to run (see :class:`RunOptions`); ``fix_uncertain`` fixes the
            scenario's uncertain inputs that no experiment sets. The worlds are the
            experiments' (``worlds_per_point``): ``options.worlds`` is refused.
        context: Where and how each batch's ensemble runs (see :class:`RunContext`).

    Attributes:
        scenario: The resolved scenario.
        last: The :class:`~triad.experiments.evaluate.Evaluation` of the last batch run.
    """

    def __init__(
        self,
        name: str,
        scenario: str | Path | Scenario,
        *,
        worlds_per_point: int = 10,
        common_worlds: bool = True,
        at: str | None = None,
        options: RunOptions = RunOptions(),
        context: RunContext = RunContext(),
    ) -> None:
        super().__init__(name)
        if options.worlds is not None:
            raise ExperimentError(
                "an EmaModel runs worlds_per_point worlds per experiment: leave "
                "options.worlds unset"
            )
        self.scenario = prepare_scenario(scenario, options)
        self.worlds_per_point = worlds_per_point
        self.common_worlds = common_worlds
        self.at = at
        self.context = context
        self.last: Evaluation | None = None

    # ------------------------------------------------------------------ one batch
    def run_experiments(self, experiments: Sequence[Experiment]) -> list[dict[str, Any]]:
        """Run experiments of this model as the points of one ensemble.

        Returns:
            For each experiment, its outcomes by outcome name (as EMA's callback takes
            them).
        """
        if not experiments:
            return []
        rows = [self._inputs(e.scenario, e.policy) for e in experiments]
        ids = [int(e.experiment_id) for e in experiments]
        return self._run(rows, ids)

    # ------------------------------------------------------------------ EMA's one at a time
    def run_model(self, scenario: Sample, policy: Sample, constants: Sample) -> None:
        """Run one experiment (EMA's own evaluators call this, one experiment at a time)."""
        row = self._inputs(scenario, policy)
        if not self.common_worlds:
            raise ExperimentError(
                "an EmaModel with common_worlds=False places each experiment's worlds by its "
                "experiment id: run it with triad's BatchEvaluator"
            )
        (outputs,) = self._run([row], [0], processed=False)
        self.outcomes_output = outputs

    # ------------------------------------------------------------------ helpers
    def _inputs(self, scenario: Sample, policy: Sample) -> dict[str, Any]:
        """Input path -> value of one experiment: its uncertainties, levers and constants."""
        row: dict[str, Any] = {}
        for parameters, sample in ((self.uncertainties, scenario), (self.levers, policy)):
            for par in parameters:
                value = sample.get(par.name, par.default)
                if value is None:
                    continue
                for variable in par.variable_name:
                    row[variable] = value
        for constant in self.constants:
            for variable in constant.variable_name:
                row[variable] = constant.value
        return row

    def _run(
        self, rows: list[dict[str, Any]], ids: list[int], *, processed: bool = True
    ) -> list[dict[str, Any]]:
        paths = list(dict.fromkeys(path for row in rows for path in row))
        if not paths:
            raise ExperimentError(
                f"model {self.name!r} sets no triad input: give it uncertainties, levers or "
                "constants whose variable_name is an input path"
            )
        for i, row in enumerate(rows):
            missing = [p for p in paths if p not in row]
            if missing:
                raise ExperimentError(f"experiment {ids[i]} gives no value for {missing[0]!r}")
        wanted = self._variables()
        result = evaluate(
            self.scenario,
            {path: [row[path] for row in rows] for path in paths},
            worlds_per_point=self.worlds_per_point,
            common_worlds=self.common_worlds,
            point_ids=ids,
            metrics=list(dict.fromkeys(label for label, _ in wanted.values())),
            context=self.context,
        )
        self.last = result
        columns = {
            variable: result.statistic(label, statistic)
            for variable, (label, statistic) in wanted.items()
        }
        outputs = []
        for i in range(len(rows)):
            values = {variable: float(column[i]) for variable, column in columns.items()}
            if processed:
                values = {
                    o.name: o.process([values[v] for v in o.variable_name]) for o in self.outcomes
                }
            outputs.append(values)
        return outputs

    def _variables(self) -> dict[str, tuple[str, str]]:
        """Each outcome variable -> (outcome label with its month, statistic)."""
        if not self.output_variables:
            raise ExperimentError(f"model {self.name!r} has no outcomes; set model.outcomes")
        out = {}
        for variable in self.output_variables:
            metric, statistic = _split_variable(variable)
            if "@" not in metric and self.at is not None:
                metric = f"{metric}@{self.at}"
            out[variable] = (metric, statistic)
        return out


def _split_variable(variable: str) -> tuple[str, str]:
    """``METRIC_STATISTIC`` (or a bare metric, the median) -> (metric, statistic)."""
    try:
        parse_outcome(variable)
        return variable, "median"
    except ExperimentError:
        pass
    metric, _, statistic = variable.rpartition("_")
    if not metric:
        raise ExperimentError(f"outcome variable {variable!r}: expected METRIC_STATISTIC")
    parse_outcome(metric)
    _check_statistic(statistic)
    return metric, statistic


def _check_statistic(statistic: str) -> None:
    if statistic in STATISTICS:
        return
    text = statistic.removeprefix("p").replace("_", ".")
    try:
        ok = statistic.startswith("p") and 0 <= float(text) <= 100
    except ValueError:
        ok = False
    if not ok:
        raise ExperimentError(
            f"unknown statistic {statistic!r}; use {', '.join(STATISTICS)} or pNN (e.g. p05)"
        )


class BatchEvaluator(BaseEvaluator):  # type: ignore[misc]
    """An EMA evaluator that runs each triad model's experiments as one ensemble.

    Use it as any EMA evaluator::

        with BatchEvaluator(model) as evaluator:
            experiments, outcomes = evaluator.perform_experiments(scenarios=200)

    or ``perform_experiments(model, 200, evaluator=BatchEvaluator(model))``. Experiments
    of other EMA models are run one at a time, as EMA's ``SequentialEvaluator`` does.

    Args:
        msis: The model or models.
        batch_size: Most experiments per ensemble (default: all of a call at once).
    """

    def __init__(self, msis: Any, batch_size: int | None = None) -> None:
        super().__init__(msis)
        if batch_size is not None and batch_size < 1:
            raise ExperimentError(f"batch_size must be at least 1, got {batch_size}")
        self.batch_size = batch_size

    def initialize(self) -> None:
        """Nothing to start: each batch runs on its model's executor."""

    def finalize(self) -> None:
        """Nothing to stop."""

    def evaluate_experiments(
        self, experiments: Iterable[Experiment], callback: Callable[..., Any], **kwargs: Any
    ) -> None:
        """Run the experiments, a batch per model, and report each to EMA's callback."""
        models = {m.name: m for m in self._msis}
        pending = list(experiments)
        batched = [e for e in pending if isinstance(models[e.model_name], EmaModel)]
        others = [e for e in pending if not isinstance(models[e.model_name], EmaModel)]
        for model_name in dict.fromkeys(e.model_name for e in batched):
            own = [e for e in batched if e.model_name == model_name]
            size = self.batch_size or len(own)
            for start in range(0, len(own), size):
                part = own[start : start + size]
                for experiment, outputs in zip(
                    part, models[model_name].run_experiments(part), strict=True
                ):
                    callback(experiment, outputs)
        if others:
            cwd = os.getcwd()
            runner = ExperimentRunner([models[name] for name in models])
            for experiment in others:
                callback(experiment, runner.run_experiment(experiment))
            runner.cleanup()
            os.chdir(cwd)


def experiment_points(experiments: Any, model: EmaModel) -> dict[str, list[Any]]:
    """The triad points of EMA's experiments table (``perform_experiments``' first result).

    Args:
        experiments: The experiments DataFrame EMA returns.
        model: The model that ran them (its parameters name the input paths).

    Returns:
        Input path -> one value per experiment, ready for :func:`triad.evaluate`.
    """
    points: dict[str, list[Any]] = {}
    for par in [*model.uncertainties, *model.levers]:
        if par.name not in experiments:
            continue
        values = [_plain(v) for v in experiments[par.name].tolist()]
        for variable in par.variable_name:
            points[variable] = values
    for constant in model.constants:
        for variable in constant.variable_name:
            points[variable] = [constant.value] * len(experiments)
    return points


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


__all__ = [
    "BatchEvaluator",
    "EmaModel",
    "experiment_points",
    "identifier",
    "outcome",
    "parameter",
]

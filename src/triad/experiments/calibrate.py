"""Calibrate a scenario: tune parameters so that the model reproduces target figures.

The search is optuna's TPE sampler. Each trial runs the scenario's ensemble with the
trial's parameter values (given to every world through ``points``) and scores it by the
**loss**: for each target whose period lies inside the horizon, the distance from the
ensemble median of the target's aggregate to the range ``[low, high]``, in units of the
range's width (0 inside the range), summed over the targets::

    loss = sum_t max(low_t - median_t, 0, median_t - high_t) / (high_t - low_t)

A loss of 0 means every target is reproduced; 1 means the medians lie, in all, one range
width outside their ranges.

Reproducibility: every trial runs on the same worlds with the same seed (common random
numbers), so the loss is a deterministic function of the parameters; the sampler is
re-seeded with ``seed + trial number`` before each batch of trials, so a study resumed
from its journal file proposes exactly the trials an uninterrupted study would.
With ``batch > 1``, the trials of a batch run together as blocks of worlds of one ensemble
(faster for small ensembles); block k then runs on worlds ``k*W .. (k+1)*W - 1``, so
candidates of one batch are compared on different worlds.

A **joint** calibration tunes one parameter set for several scenarios (say two eras of
history): each trial runs every scenario with the same values, each on its own worlds and
seed, and its loss is the sum of the scenarios' losses. Each target is scored on the
scenario its ``scenario`` field names (a target naming none is scored on every scenario); a
target naming a scenario not in the study is reported, not scored. With a single scenario
every target is scored on it, whatever it names. The sampler is seeded with the first
scenario's seed.
"""

from __future__ import annotations

import importlib.util
import math
import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
import yaml
from numpy.typing import NDArray
from optuna.storages.journal import JournalFileBackend

from triad.errors import CalibrationError, ExperimentError
from triad.experiments.parameters import (
    ChoiceAxis,
    ChoiceRange,
    check_inputs,
    is_policy_path,
    parse_range,
    show,
)
from triad.experiments.targets import Target, aggregate, score_targets
from triad.model.params import flat_parameters
from triad.runs.context import RunContext
from triad.runs.ensemble import run_ensemble, with_options
from triad.runs.options import RunOptions, prepare_scenario
from triad.runs.simulation import Simulation
from triad.scenario.loader import bundled_dir, find_scenario
from triad.scenario.month import Month
from triad.scenario.named_points import is_month_path, is_named_path, set_named
from triad.scenario.registry import is_parameter, parameters
from triad.scenario.schema import Scenario

Array = NDArray[np.float64]

DEFAULT_TRIALS = 50
MIN_IMPORTANCE_TRIALS = 4
"""Completed trials below which parameter importances are not computed."""


# --------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class ParamRange:
    """A parameter to tune and the range to search.

    Attributes:
        path: Dotted parameter path as in ``--set`` (``russia.war.fire_rate_m``).
        low: Lowest value tried.
        high: Highest value tried.
        integer: Whether the parameter takes whole numbers.
        choices: An actor's policy names, searched as a categorical (``low`` and ``high``
            are then the first and last index); empty for a number.
    """

    path: str
    low: float
    high: float
    integer: bool = False
    choices: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.choices:
            return f"{self.path}={','.join(self.choices)}"
        return f"{self.path}={show(self.path, self.low)}:{show(self.path, self.high)}"

    @property
    def searched(self) -> str:
        """What is searched, as shown: ``LO to HI``, or the choices ``a, b``."""
        if self.choices:
            return ", ".join(self.choices)
        return f"{show(self.path, self.low)} to {show(self.path, self.high)}"

    def code(self, choice: str) -> float:
        """The code the model reads for one of a policy's choices."""
        return float(ChoiceAxis(self.path, self.choices).values[self.choices.index(choice)])

    @property
    def codes(self) -> tuple[float, float]:
        """The model's values at the ends of the range (a policy: first and last choice)."""
        if self.choices:
            return self.code(self.choices[0]), self.code(self.choices[-1])
        return self.low, self.high

    @property
    def named(self) -> bool:
        """Whether the path names an event's field or a distribution's number."""
        return is_named_path(self.path)


def parse_param(text: str) -> ParamRange:
    """Read ``PATH=LO:HI`` (or ``ACTOR.policy=A,B,...``) as every analysis reads it.

    The text is parsed and checked by :func:`~triad.experiments.parameters.parse_range`,
    so ``calibrate --param`` takes the paths ``sensitivity --param`` and ``sweep --vary``
    take. An actor's policy is searched as a categorical among the names given (optuna's
    ``suggest_categorical``); a count and an event's month are tuned as whole numbers.

    Args:
        text: Such as ``russia.war.fire_rate_m=0.15:0.45`` or ``china.policy=punisher,enforcer``.

    Returns:
        The checked range.

    Raises:
        CalibrationError: ``--param 'TEXT': what is wrong``: the text is malformed, the path
            is no numeric input (an on/off flag, an unknown path), ``LO >= HI``, or the
            range leaves the parameter's bounds.
    """
    try:
        factor = parse_range(text, flag="--param")
    except ExperimentError as error:
        raise CalibrationError(str(error)) from None
    if isinstance(factor, ChoiceRange):
        last = float(len(factor.choices) - 1)
        return ParamRange(factor.path, 0.0, last, integer=True, choices=factor.choices)
    whole = factor.month or _is_integer(factor.path)
    return ParamRange(factor.path, factor.low, factor.high, integer=whole)


def _is_integer(path: str) -> bool:
    return is_parameter(path, "count")


# --------------------------------------------------------------------------- the loss
def target_loss(median: float, target: Target) -> float:
    """Distance of a median to the target's range, in range widths (0 inside).

    Raises:
        CalibrationError: If the target's range is empty (``high <= low``).
    """
    width = target.high - target.low
    if width <= 0:
        raise CalibrationError(
            f"target {target.id!r}: high ({target.high:g}) must exceed low ({target.low:g})"
        )
    return max(target.low - median, 0.0, median - target.high) / width


def block_medians(sim: Simulation, target: Target, blocks: int) -> Array | None:
    """The median of a target's aggregate in each of ``blocks`` equal blocks of worlds."""
    values = aggregate(sim, target)
    if values is None:
        return None
    medians: Array = np.median(values.reshape(blocks, -1), axis=1)
    return medians


def block_losses(sim: Simulation, targets: Sequence[Target], blocks: int = 1) -> Array:
    """The loss of each block of worlds (one block per candidate parameter set).

    Targets outside the horizon are left out.
    """
    total = np.zeros(blocks)
    for target in targets:
        medians = block_medians(sim, target, blocks)
        if medians is not None:
            total += [target_loss(float(m), target) for m in medians]
    return total


def in_horizon(scenario: Scenario, targets: Sequence[Target]) -> list[Target]:
    """The targets whose period (and, for growth, the period before) lies in the horizon.

    Raises:
        CalibrationError: If none does.
    """
    inside = [t for t in targets if _inside(scenario, t)]
    if not inside:
        ids = ", ".join(t.id for t in targets) or "none"
        raise CalibrationError(
            f"no target lies inside {scenario.name}'s horizon ({scenario.start}, "
            f"{scenario.months} months); targets: {ids}"
        )
    return inside


def assign_targets(
    scenarios: Sequence[Scenario], refs: Sequence[str | Path], targets: Sequence[Target]
) -> tuple[list[list[Target]], list[Target]]:
    """The targets scored on each scenario, and those naming no scenario of the study.

    With one scenario every target applies to it (its ``scenario`` field is not read). With
    several, a target applies to the scenario it names (by the scenario's ``name:``, or the
    reference it was given by), and one that names none (no ``scenario`` field) to all.

    Args:
        scenarios: The loaded scenarios.
        refs: How each was given (a bundled name or a file).
        targets: Every target.

    Returns:
        The targets of each scenario, in the order given, and the targets left out.
    """
    if len(scenarios) == 1:
        return [list(targets)], []
    names = [{s.name, str(ref)} for s, ref in zip(scenarios, refs, strict=True)]
    applying: list[list[Target]] = [[] for _ in scenarios]
    ignored = []
    for target in targets:
        named = "scenario" in target.model_fields_set
        hits = [k for k, known in enumerate(names) if not named or target.scenario in known]
        for k in hits:
            applying[k].append(target)
        if not hits:
            ignored.append(target)
    return applying, ignored


def _inside(scenario: Scenario, target: Target) -> bool:
    start = scenario.first_month
    first, last = (m - start for m in target.months())
    if target.aggregate == "growth":
        first -= last - first + 1
    return first >= 0 and last < scenario.months


# --------------------------------------------------------------------------- trials
def evaluate(
    scenario: Scenario,
    params: Sequence[ParamRange],
    candidates: Sequence[dict[str, float]],
    targets: Sequence[Target],
    *,
    context: RunContext = RunContext(),
) -> Array:
    """The loss of each candidate parameter set, all run as blocks of one ensemble.

    Candidate k runs on worlds ``k*W .. (k+1)*W - 1`` (W = the scenario's worlds), its
    values given to those worlds through ``points``: they replace the scenario's values and
    any sampled uncertainty of the tuned parameters. The ensemble runs where and how the
    ``context`` says (:class:`RunContext`), which does not change the losses.
    """
    per = scenario.worlds
    points = {
        p.path: np.repeat(np.asarray([c[p.path] for c in candidates], dtype=np.float64), per)
        for p in params
    }
    run = with_options(scenario, worlds=per * len(candidates))
    sim = run_ensemble(
        run,
        log_worlds=0,
        points=points,
        progress=context.progress,
        executor=context.executor,
        chunk_size=context.chunk_size,
    )
    return block_losses(sim, targets, len(candidates))


def open_study(name: str, storage: Path | None) -> optuna.Study:
    """Create or load a study: in memory, or in a journal file that a later run resumes."""
    store: optuna.storages.BaseStorage
    if storage is None:
        store = optuna.storages.InMemoryStorage()
    else:
        backend = JournalFileBackend(str(storage))
        store = optuna.storages.JournalStorage(backend)
    return optuna.create_study(
        study_name=name, storage=store, direction="minimize", load_if_exists=True
    )


def check_study(study: optuna.Study, setup: dict[str, Any]) -> None:
    """Record the study's setup, or check that a resumed study was run the same way.

    Raises:
        CalibrationError: If the study holds trials run with other parameters, targets,
            ensemble size or seed.
    """
    held = study.user_attrs
    if not study.trials and not held:
        for key, value in setup.items():
            study.set_user_attr(key, value)
        return
    for key, value in setup.items():
        if key in held and held[key] != value:
            raise CalibrationError(
                f"study {study.study_name!r} was run with {key} = {held[key]!r}, not {value!r}; "
                "pass the same options, or name a new study with --study"
            )


def run_trials(
    study: optuna.Study,
    runs: Sequence[tuple[Scenario, Sequence[Target]]],
    params: Sequence[ParamRange],
    *,
    trials: int,
    batch: int = 1,
    context: RunContext = RunContext(),
) -> None:
    """Ask the sampler for ``trials`` more trials, ``batch`` at a time, and score them.

    Each trial runs every scenario of ``runs`` with the trial's values and scores it by the
    sum of the scenarios' losses on their targets. Before each batch the TPE sampler is
    seeded with ``first scenario's seed + trials so far``, so the proposals depend only on
    the study's history, not on how runs were split. Every batch's ensembles run where the
    ``context`` says (its executor started once here if given as text); its progress is
    called with (trials done, trials asked) after each batch.
    """
    done = 0
    first = runs[0][0]
    with context.started() as started:
        while done < trials:
            count = min(batch, trials - done)
            seed = (first.seed + len(study.trials)) % 2**32
            study.sampler = optuna.samplers.TPESampler(seed=seed)
            asked = [study.ask() for _ in range(count)]
            candidates = [{p.path: _suggest(trial, p) for p in params} for trial in asked]
            losses = np.zeros(count)
            for scenario, targets in runs:
                losses += evaluate(scenario, params, candidates, targets, context=started.silent())
            for trial, loss in zip(asked, losses, strict=True):
                study.tell(trial, float(loss))
            done += count
            if context.progress is not None:
                context.progress(done, trials)


def _suggest(trial: optuna.Trial, param: ParamRange) -> float:
    if param.choices:
        return param.code(str(trial.suggest_categorical(param.path, list(param.choices))))
    if param.integer:
        return float(trial.suggest_int(param.path, math.ceil(param.low), math.floor(param.high)))
    return float(trial.suggest_float(param.path, param.low, param.high))


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class ScenarioFit:
    """One scenario of a calibration: the targets scored on it, before and after.

    Attributes:
        scenario: The original scenario, with the run options (worlds, seed) applied.
        source: The original scenario's file.
        targets: The targets that apply to it (those outside its horizon are reported,
            not scored).
        calibrated: The scenario with the best values (run options applied).
        before: Backtest of the original: one row per target with median, hit and loss.
        after: The same for the calibrated scenario.
    """

    scenario: Scenario
    source: Path
    targets: tuple[Target, ...]
    calibrated: Scenario
    before: pd.DataFrame
    after: pd.DataFrame

    @property
    def loss_before(self) -> float:
        """The loss of the original scenario on its targets."""
        return float(self.before["loss"].sum())

    @property
    def loss_after(self) -> float:
        """The loss of the calibrated scenario on its targets."""
        return float(self.after["loss"].sum())

    @property
    def scored(self) -> list[Target]:
        """The targets inside the scenario's horizon: those the loss counts."""
        return [t for t in self.targets if _inside(self.scenario, t)]

    def table(self) -> pd.DataFrame:
        """Before and after, one row per target: range, medians, hits and losses."""
        keys = ["id", "metric", "period", "value", "low", "high"]
        left = self.before[[*keys, "median", "hit", "loss", "status"]]
        right = self.after[["id", "median", "hit", "loss", "status"]]
        return left.merge(right, on="id", suffixes=("_before", "_after"))


@dataclass(frozen=True)
class Calibration:
    """A finished (or resumed) study and the scenarios it produced.

    Attributes:
        fits: Each scenario of the study with its targets, before and after (one, unless
            the calibration is joint).
        params: The tuned parameters and their ranges.
        targets: Every target given.
        study: The optuna study, with every trial of this and earlier runs.
        ignored: Targets naming a scenario not in the study (reported, not scored).
    """

    fits: tuple[ScenarioFit, ...]
    params: tuple[ParamRange, ...]
    targets: tuple[Target, ...]
    study: optuna.Study
    ignored: tuple[Target, ...] = ()

    @property
    def joint(self) -> bool:
        """Whether the study tuned one parameter set for several scenarios."""
        return len(self.fits) > 1

    @property
    def name(self) -> str:
        """The scenarios' names joined by `` + ``."""
        return " + ".join(fit.scenario.name for fit in self.fits)

    @property
    def scenario(self) -> Scenario:
        """The first scenario (the only one unless joint), run options applied."""
        return self.fits[0].scenario

    @property
    def source(self) -> Path:
        """The first scenario's file."""
        return self.fits[0].source

    @property
    def calibrated(self) -> Scenario:
        """The first scenario with the best values (see :attr:`fits` for the others)."""
        return self.fits[0].calibrated

    @property
    def before(self) -> pd.DataFrame:
        """Backtests of the original scenarios, one row per target and scenario."""
        return self._stacked("before")

    @property
    def after(self) -> pd.DataFrame:
        """Backtests of the calibrated scenarios, one row per target and scenario."""
        return self._stacked("after")

    def _stacked(self, which: str) -> pd.DataFrame:
        return _stack({fit.scenario.name: getattr(fit, which) for fit in self.fits})

    @property
    def best(self) -> dict[str, float]:
        """The best values found, rounded to six significant digits (as written).

        A month is its absolute index (:func:`~triad.experiments.parameters.show` writes it
        ``YYYY-MM``).
        """
        return {p.path: _rounded(self.study.best_params[p.path], p) for p in self.params}

    @property
    def best_loss(self) -> float:
        """The loss of the best trial (summed over the scenarios)."""
        return float(self.study.best_value)

    @property
    def loss_before(self) -> float:
        """The loss of the original scenarios, summed."""
        return sum(fit.loss_before for fit in self.fits)

    @property
    def loss_after(self) -> float:
        """The loss of the calibrated scenarios (equals :attr:`best_loss` up to rounding)."""
        return sum(fit.loss_after for fit in self.fits)

    def history(self) -> pd.DataFrame:
        """One row per completed trial: trial, loss, best so far, then each parameter."""
        rows = [
            {"trial": t.number, "loss": t.value}
            | {p.path: t.params.get(p.path) for p in self.params}
            for t in self.study.trials
            if t.state == optuna.trial.TrialState.COMPLETE
        ]
        frame = pd.DataFrame(rows, columns=["trial", "loss", *(p.path for p in self.params)])
        frame.insert(2, "best", frame["loss"].cummin())
        return frame

    def importances(self) -> dict[str, float] | None:
        """Importance of each parameter for the loss (sums to 1), or None.

        optuna's fANOVA evaluator when scikit-learn is installed, else its PED-ANOVA
        evaluator (see :func:`importance_evaluator`). None when fewer than
        :data:`MIN_IMPORTANCE_TRIALS` trials are complete, when every trial had the same
        loss, or when the evaluator cannot fit.
        """
        losses = self.history()["loss"]
        if len(losses) < MIN_IMPORTANCE_TRIALS or losses.nunique() < 2:
            return None
        _, evaluator = importance_evaluator(self.scenario.seed)
        try:
            found = optuna.importance.get_param_importances(
                self.study, evaluator=evaluator, params=[p.path for p in self.params]
            )
        except (RuntimeError, ValueError, ZeroDivisionError):
            return None
        return {name: float(value) for name, value in found.items()}

    def frame(self) -> pd.DataFrame:
        """Every target of every scenario: scenario, range, medians, hits and losses.

        ``median_after`` is the calibrated scenario's median (the best trial's, up to
        rounding of the values); ``hit_after`` whether it lies inside the target's range.
        """
        return _stack({fit.scenario.name: fit.table() for fit in self.fits})

    def table(self) -> pd.DataFrame:
        """Before and after, one row per target, as ``before_after.csv`` holds it.

        :meth:`frame`, without the scenario column unless the calibration is joint.
        """
        return self.frame() if self.joint else self.fits[0].table()

    def markdown(self) -> str:
        """The report as Markdown: tuned values, losses, every target before and after."""
        from triad.experiments.calibrate_markdown import markdown

        method, _ = importance_evaluator(self.scenario.seed)
        return markdown(self, self.importances(), method)

    def overlay_names(self) -> list[str]:
        """File name of each scenario's calibrated overlay, in the order of :attr:`fits`.

        ``calibrated.yaml`` for a single scenario; ``calibrated-<name>.yaml`` for each of
        a joint calibration (the last part of the scenario's name, or all of it with ``/``
        as ``-`` where two scenarios share the last part).
        """
        if not self.joint:
            return ["calibrated.yaml"]
        short = [fit.scenario.name.rsplit("/", 1)[-1] for fit in self.fits]
        if len(set(short)) < len(short):
            short = [fit.scenario.name.replace("/", "-") for fit in self.fits]
        return [f"calibrated-{name}.yaml" for name in short]


def _stack(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The frames one under another, with a first column naming the scenario of each row."""
    stacked = pd.concat(list(frames.values()), ignore_index=True)
    stacked.insert(0, "scenario", [name for name, f in frames.items() for _ in range(len(f))])
    return stacked


def importance_evaluator(seed: int) -> tuple[str, Any]:
    """Optuna's fANOVA evaluator if scikit-learn is installed, else PED-ANOVA.

    PED-ANOVA compares the parameter's distribution in the best quarter of the trials with
    that in all of them (``target_quantile=0.25``: optuna's default 0.1 keeps too few of a
    short study's trials to tell the parameters apart).

    Returns:
        The evaluator's name and the evaluator.
    """
    if importlib.util.find_spec("sklearn") is None:
        return "PED-ANOVA", optuna.importance.PedAnovaImportanceEvaluator(target_quantile=0.25)
    return "fANOVA", optuna.importance.FanovaImportanceEvaluator(seed=seed % 2**32)


def _rounded(value: float | str, param: ParamRange) -> float:
    """A trial's value as the model reads it: a policy's name as its code, else rounded."""
    if param.choices:
        return param.code(str(value))
    assert not isinstance(value, str)
    return float(round(value)) if param.integer else float(f"{value:.6g}")


# --------------------------------------------------------------------------- entry point
def calibrate(
    scenario: str | Path | Sequence[str | Path],
    targets: Sequence[Target],
    params: Sequence[str | ParamRange],
    *,
    trials: int = DEFAULT_TRIALS,
    storage: Path | None = None,
    study_name: str | None = None,
    batch: int = 1,
    options: RunOptions = RunOptions(),
    context: RunContext = RunContext(),
) -> Calibration:
    """Tune parameters of one or several scenarios against targets (optuna's seeded TPE).

    With several scenarios the calibration is joint: every trial gives the same values to
    all of them and scores the sum of their losses, each target on the scenario it names
    (see :func:`assign_targets`).

    Args:
        scenario: A bundled scenario name or a scenario file, or several of them.
        targets: The figures to reproduce (see :func:`triad.experiments.targets.load_targets`).
        params: ``PATH=LO:HI`` strings or ranges: a parameter, a driver, an event's month
            (``events.ceasefire.at=2025-01:2027-12``, tuned as whole months) or action
            value, or a number of an ``uncertain`` distribution.
        trials: Trials to run now (added to those a resumed study holds).
        storage: A journal file: the study is kept there and resumed by a later call.
        study_name: Name of the study in the storage (default ``calibrate-<scenario name>``,
            the names joined by ``+`` when joint).
        batch: Trials run together as blocks of one ensemble (1: every trial on the same
            worlds).
        options: What to run, applied to every scenario (see :class:`RunOptions`):
            ``worlds`` per trial in each scenario and ``seed`` of the ensembles and of the
            sampler (default: each scenario's; the sampler takes the first scenario's);
            ``fix_uncertain`` fixes every uncertain input not tuned (a controlled fit; the
            default fits the ensemble with its spread).
        context: Where and how every trial's ensemble runs (see :class:`RunContext`): the
            executor starts once for the whole study; progress is called with (trials
            done, trials asked) after each batch.

    Returns:
        The study, the calibrated scenarios and the before/after backtests.

    Raises:
        CalibrationError: On a bad parameter, an empty parameter list, a scenario given
            twice, a scenario with no target in its horizon, or a resumed study run
            differently.
        ScenarioError: If a scenario cannot be loaded.
    """
    refs = [scenario] if isinstance(scenario, str | Path) else list(scenario)
    ranges = _ranges(params)
    if trials < 1 or batch < 1:
        raise CalibrationError(f"trials ({trials}) and batch ({batch}) must be at least 1")
    if not refs:
        raise CalibrationError("give at least one scenario to calibrate")
    sources = [find_scenario(str(ref)) for ref in refs]
    bases = [prepare_scenario(source, options) for source in sources]
    _check_scenarios(bases, ranges)
    applying, ignored = assign_targets(bases, refs, targets)
    used = [in_horizon(base, group) for base, group in zip(bases, applying, strict=True)]
    name = "+".join(base.name for base in bases)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with context.started() as started:
        study = open_study(study_name or f"calibrate-{name}", storage)
        check_study(study, _setup(bases, ranges, used))
        run_trials(
            study,
            list(zip(bases, used, strict=True)),
            ranges,
            trials=trials,
            batch=batch,
            context=started,
        )
        runs = started.silent()
        best = {p.path: _rounded(study.best_params[p.path], p) for p in ranges}
        fits = []
        for base, source, group in zip(bases, sources, applying, strict=True):
            tuned = calibrated_scenario(base, best)
            fits.append(
                ScenarioFit(
                    scenario=base,
                    source=source,
                    targets=tuple(group),
                    calibrated=tuned,
                    before=target_losses(base, group, context=runs),
                    after=target_losses(tuned, group, context=runs),
                )
            )
    return Calibration(
        fits=tuple(fits),
        params=tuple(ranges),
        targets=tuple(targets),
        study=study,
        ignored=tuple(ignored),
    )


def _ranges(params: Sequence[str | ParamRange]) -> list[ParamRange]:
    ranges = [p if isinstance(p, ParamRange) else parse_param(p) for p in params]
    if not ranges:
        raise CalibrationError("give at least one --param PATH=LO:HI to tune")
    paths = [p.path for p in ranges]
    repeated = sorted({p for p in paths if paths.count(p) > 1})
    if repeated:
        raise CalibrationError(f"--param given twice for {', '.join(repeated)}")
    return ranges


def _check_scenarios(scenarios: Sequence[Scenario], params: Sequence[ParamRange]) -> None:
    """Refuse a scenario given twice, or a parameter that a scenario does not have."""
    names = [s.name for s in scenarios]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise CalibrationError(f"scenario given twice: {', '.join(repeated)}")
    for scenario in scenarios:
        known = flat_parameters(scenario)
        drivers = parameters("driver")
        missing = [
            p.path
            for p in params
            if p.path not in known and p.path not in drivers and not p.named and not p.choices
        ]
        if missing:
            raise CalibrationError(
                f"scenario {scenario.name!r} has no parameter {', '.join(missing)}: "
                "every tuned parameter must exist in every scenario"
            )
        ends = np.array([p.codes for p in params]).T
        try:
            check_inputs(scenario, [p.path for p in params], ends, "range end")
        except ExperimentError as error:
            raise CalibrationError(f"scenario {scenario.name!r}: {error}") from None


def _setup(
    scenarios: Sequence[Scenario],
    params: Sequence[ParamRange],
    targets: Sequence[Sequence[Target]],
) -> dict[str, Any]:
    """What a resumed study must match; a single scenario's setup reads as it always did."""
    if len(scenarios) == 1:
        (scenario,), (used,) = scenarios, targets
        return {
            "scenario": scenario.name,
            "params": [str(p) for p in params],
            "targets": [t.id for t in used],
            "worlds": scenario.worlds,
            "seed": scenario.seed,
        }
    return {
        "scenario": " + ".join(s.name for s in scenarios),
        "params": [str(p) for p in params],
        "targets": [
            f"{s.name}:{t.id}" for s, used in zip(scenarios, targets, strict=True) for t in used
        ],
        "worlds": [s.worlds for s in scenarios],
        "seed": [s.seed for s in scenarios],
    }


def target_losses(
    scenario: Scenario,
    targets: Sequence[Target],
    *,
    context: RunContext = RunContext(),
) -> pd.DataFrame:
    """Model vs targets with the loss of each target (NaN outside the horizon).

    The ensemble runs where and how the ``context`` says (:class:`RunContext`), which
    does not change the result.
    """
    sim = run_ensemble(
        scenario,
        log_worlds=0,
        progress=context.progress,
        executor=context.executor,
        chunk_size=context.chunk_size,
    )
    frame = score_targets(sim, list(targets))
    by_id = {t.id: t for t in targets}
    frame["loss"] = [
        np.nan if pd.isna(m) else target_loss(float(m), by_id[i])
        for i, m in zip(frame["id"], frame["median"], strict=True)
    ]
    return frame


def calibrated_scenario(scenario: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario with tuned values set and their uncertain entries removed.

    Raises:
        CalibrationError: If the values break a rule of the schema.
    """
    data = scenario.model_dump(mode="json")
    data["name"] = f"{scenario.name}_calibrated"
    for path, value in values.items():
        if is_named_path(path):
            set_named(data, scenario, path, value)
            continue
        if is_policy_path(path):
            data["actors"][path.split(".")[0]]["policy"] = show(path, value)
            data["uncertain"].pop(path, None)
            continue
        node = data
        *parents, leaf = _document_path(path)
        for key in parents:
            node = node[key]
        node[leaf] = int(value) if _is_integer(path) else value
        data["uncertain"].pop(path, None)
    try:
        return Scenario.model_validate(data)
    except ValueError as error:
        raise CalibrationError(f"the tuned values do not make a valid scenario: {error}") from None


def _document_path(path: str) -> list[str]:
    """Keys of a parameter in a scenario document.

    Actor paths sit under ``actors``; a world driver's constant is the driver's whole entry
    (``world.pressure: 0.3``).
    """
    parts = path.split(".")
    return parts if parts[0] in ("dynamics", "world") else ["actors", *parts]


def calibrated_yaml(calibration: Calibration, folder: Path, fit: ScenarioFit | None = None) -> str:
    """The text of a calibrated overlay: it extends the original and sets the tuned values.

    Its header comment says how it was calibrated and which targets the values were tuned
    to (in a joint calibration: the tuned values, and the targets of every scenario).

    Args:
        calibration: The finished calibration.
        folder: Where the file will be written (relative ``extends:`` paths start there).
        fit: The scenario to write (default: the first, the only one unless joint).
    """
    fit = fit or calibration.fits[0]
    document: dict[str, Any] = {
        "name": fit.calibrated.name,
        "title": f"{fit.scenario.title or fit.scenario.name} (calibrated)",
        "extends": extends_ref(fit.source, folder),
    }
    for path, value in calibration.best.items():
        if is_named_path(path):
            continue
        node = document
        *parents, leaf = _document_path(path)
        for key in parents:
            node = node.setdefault(key, {})
        if is_policy_path(path):
            node[leaf] = show(path, value)  # the policy's name
        else:
            node[leaf] = int(value) if _is_integer(path) else value
    dropped = _named_entries(document, fit)
    if dropped:
        document.setdefault("uncertain", {}).update(dict.fromkeys(dropped))
    header = _header(calibration, fit, dropped)
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _named_entries(document: dict[str, Any], fit: ScenarioFit) -> list[str]:
    """Write the calibrated events and distributions whose fields were tuned, whole.

    An overlay's event replaces its parent's event of the same name, and its ``uncertain``
    entry the parent's entry: each tuned one is written as the calibrated scenario holds
    it. Returns the ``uncertain`` keys the tuned values replace (to be removed).
    """
    tuned = fit.calibrated.model_dump(mode="json", exclude_none=True)
    before = fit.scenario.model_dump(mode="json", exclude_none=True)
    events = [e for e in tuned["events"] if e not in before["events"]]
    if events:
        document["events"] = events
    entries = {
        key: _readable(key, dist)
        for key, dist in tuned["uncertain"].items()
        if before["uncertain"].get(key) != dist
    }
    if entries:
        document["uncertain"] = entries
    return sorted(set(before["uncertain"]) - set(tuned["uncertain"]))


def _readable(key: str, dist: dict[str, Any]) -> dict[str, Any]:
    """An event's month distribution with its months as ``YYYY-MM``."""
    if not is_month_path(f"uncertain.{key}.low"):
        return dist
    return {
        name: str(Month(int(value))) if name in ("low", "high", "mode", "mean") else value
        for name, value in dist.items()
    }


def extends_ref(source: Path, folder: Path) -> str:
    """A bundled scenario's name, or the relative path from ``folder`` to the file."""
    bundled = bundled_dir().resolve()
    if source.is_relative_to(bundled):
        return source.relative_to(bundled).with_suffix("").as_posix()
    return Path(os.path.relpath(source, folder.resolve())).as_posix()


LOSS_NOTE = "sum over targets of the median's distance to the range, in range widths"


def _header(calibration: Calibration, fit: ScenarioFit, dropped: Sequence[str]) -> str:
    params = " ".join(f"--param {p}" for p in calibration.params)
    names = " ".join(f.scenario.name for f in calibration.fits)
    trials = len(calibration.history())
    lines = [
        f"# Calibrated {'jointly ' if calibration.joint else ''}by "
        f"`triad calibrate {names} {params}`",
        f"# {trials} trials, {fit.scenario.worlds} worlds, seed {fit.scenario.seed};",
    ]
    if not calibration.joint:
        lines.append(
            f"# loss {calibration.loss_before:.4g} before, {calibration.loss_after:.4g} after "
            f"({LOSS_NOTE})."
        )
        lines += _wrapped("# Tuned to targets: ", [t.id for t in fit.scored], end=".")
    else:
        lines += [
            f"# loss {calibration.loss_before:.4g} before, {calibration.loss_after:.4g} after "
            f"over all {len(calibration.fits)} scenarios, {fit.loss_before:.4g} before, "
            f"{fit.loss_after:.4g} after in this one",
            f"# ({LOSS_NOTE}).",
            "# Tuned values, the same in every scenario of the study:",
            *(f"#   {path}: {value:.6g}" for path, value in calibration.best.items()),
            "# tuned to these targets, each scored on the scenario it names:",
        ]
        for other in calibration.fits:
            lines += _wrapped(f"#   {other.scenario.name}: ", [t.id for t in other.scored])
        if calibration.ignored:
            ids = [f"{t.id} ({t.scenario})" for t in calibration.ignored]
            lines += _wrapped("# Not scored (their scenario is not in the study): ", ids)
    if dropped:
        lines.append(f"# Tuned values replace the uncertain ranges of: {', '.join(dropped)}.")
    return "\n".join(lines) + "\n"


def _wrapped(lead: str, items: Sequence[str], end: str = "") -> list[str]:
    """``lead`` and the comma-separated items as comment lines of at most 100 characters."""
    return textwrap.wrap(
        lead + ", ".join(items) + end,
        width=100,
        subsequent_indent="#     ",
        break_long_words=False,
        break_on_hyphens=False,
    )

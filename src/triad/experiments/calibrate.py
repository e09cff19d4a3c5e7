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
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
import yaml
from numpy.typing import NDArray
from optuna.storages.journal import JournalFileBackend

from triad.errors import TriadError
from triad.experiments.backtest import Target, aggregate, compare
from triad.experiments.ensemble import run_ensemble, with_options
from triad.experiments.executors import ExecutorLike, open_executor
from triad.model.simulation import Simulation
from triad.scenario.loader import bundled_dir, find_scenario, load_scenario
from triad.scenario.report import did_you_mean
from triad.scenario.schema import Actors, Dynamics, Scenario, numeric_paths, parse_year_month

Array = NDArray[np.float64]
TrialProgress = Callable[[int, int], None]

DEFAULT_TRIALS = 50
MIN_IMPORTANCE_TRIALS = 4
"""Completed trials below which parameter importances are not computed."""


class CalibrationError(TriadError):
    """A calibration was asked for something it cannot do (bad parameter, no targets)."""


# --------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class ParamRange:
    """A parameter to tune and the range to search.

    Attributes:
        path: Dotted parameter path as in ``--set`` (``russia.war.fire_rate_m``).
        low: Lowest value tried.
        high: Highest value tried.
        integer: Whether the parameter takes whole numbers.
    """

    path: str
    low: float
    high: float
    integer: bool = False

    def __str__(self) -> str:
        return f"{self.path}={self.low:g}:{self.high:g}"


def parse_param(text: str) -> ParamRange:
    """Read ``PATH=LO:HI`` and check it against the schema.

    Args:
        text: Such as ``russia.war.fire_rate_m=0.15:0.45``.

    Returns:
        The checked range.

    Raises:
        CalibrationError: If the text is malformed, the path is not a tunable numeric
            parameter, ``LO >= HI``, or the range leaves the parameter's bounds.
    """
    path, sep, rest = text.partition("=")
    low_text, colon, high_text = rest.partition(":")
    path = path.strip().removeprefix("actors.")
    if not sep or not colon or not path:
        raise CalibrationError(
            f"--param {text!r}: expected PATH=LO:HI, e.g. russia.war.fire_rate_m=0.15:0.45"
        )
    low, high = _number(text, low_text), _number(text, high_text)
    bounds = _tunable_paths()
    if path not in bounds:
        hint = did_you_mean(path, sorted(bounds), list_all=False)
        extra = (
            " (world drivers are paths over time, not tunable numbers)"
            if path.startswith("world.")
            else ""
        )
        raise CalibrationError(
            f"--param {text!r}: {path!r} is not a numeric parameter{extra}"
            + (f"; {hint}" if hint else "")
        )
    if not low < high:
        raise CalibrationError(f"--param {text!r}: LO ({low:g}) must be below HI ({high:g})")
    lo, hi = bounds[path]
    if (lo is not None and low < lo) or (hi is not None and high > hi):
        allowed = f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"
        raise CalibrationError(f"--param {text!r}: the range leaves {path}'s bounds {allowed}")
    return ParamRange(path, low, high, integer=_is_integer(path))


def _number(text: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise CalibrationError(f"--param {text!r}: {value.strip()!r} is not a number") from None
    if not math.isfinite(number):
        raise CalibrationError(f"--param {text!r}: {value.strip()!r} is not a finite number")
    return number


def _tunable_paths() -> dict[str, tuple[float | None, float | None]]:
    """Numeric parameter paths that can be tuned: no world drivers, no on/off flags."""
    return {
        path: bounds
        for path, bounds in numeric_paths().items()
        if not path.startswith("world.") and _field_type(path) is not bool
    }


def _field_type(path: str) -> Any:
    parts = path.split(".")
    model: Any = Dynamics if parts[0] == "dynamics" else Actors
    parts = parts[1:] if parts[0] == "dynamics" else parts
    annotation: Any = None
    for part in parts:
        annotation = model.model_fields[part].annotation
        model = annotation
    return annotation


def _is_integer(path: str) -> bool:
    return bool(_field_type(path) is int)


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


def _inside(scenario: Scenario, target: Target) -> bool:
    start = parse_year_month(scenario.start)
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
    executor: ExecutorLike = None,
    chunk_size: int | None = None,
) -> Array:
    """The loss of each candidate parameter set, all run as blocks of one ensemble.

    Candidate k runs on worlds ``k*W .. (k+1)*W - 1`` (W = the scenario's worlds), its
    values given to those worlds through ``points``: they replace the scenario's values and
    any sampled uncertainty of the tuned parameters. The ensemble's chunks run on the
    ``executor`` (default local), ``chunk_size`` worlds at a time (default: automatic);
    neither changes the losses.
    """
    per = scenario.worlds
    points = {
        p.path: np.repeat(np.asarray([c[p.path] for c in candidates], dtype=np.float64), per)
        for p in params
    }
    run = with_options(scenario, worlds=per * len(candidates))
    sim = run_ensemble(run, log_worlds=0, points=points, executor=executor, chunk_size=chunk_size)
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
    scenario: Scenario,
    params: Sequence[ParamRange],
    targets: Sequence[Target],
    *,
    trials: int,
    batch: int = 1,
    progress: TrialProgress | None = None,
    executor: ExecutorLike = None,
    chunk_size: int | None = None,
) -> None:
    """Ask the sampler for ``trials`` more trials, ``batch`` at a time, and score them.

    Before each batch the TPE sampler is seeded with ``scenario.seed + trials so far``, so
    the proposals depend only on the study's history, not on how runs were split. Every
    batch's ensemble runs on the ``executor`` (started once here if given as text).
    """
    done = 0
    with open_executor(executor) as ex:
        while done < trials:
            count = min(batch, trials - done)
            seed = (scenario.seed + len(study.trials)) % 2**32
            study.sampler = optuna.samplers.TPESampler(seed=seed)
            asked = [study.ask() for _ in range(count)]
            candidates = [{p.path: _suggest(trial, p) for p in params} for trial in asked]
            losses = evaluate(
                scenario, params, candidates, targets, executor=ex, chunk_size=chunk_size
            )
            for trial, loss in zip(asked, losses, strict=True):
                study.tell(trial, float(loss))
            done += count
            if progress is not None:
                progress(done, trials)


def _suggest(trial: optuna.Trial, param: ParamRange) -> float:
    if param.integer:
        return float(trial.suggest_int(param.path, math.ceil(param.low), math.floor(param.high)))
    return float(trial.suggest_float(param.path, param.low, param.high))


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class Calibration:
    """A finished (or resumed) study and the scenario it produced.

    Attributes:
        scenario: The original scenario, with the run options (worlds, seed) applied.
        source: The original scenario's file.
        params: The tuned parameters and their ranges.
        targets: Every target given (those outside the horizon are reported, not scored).
        study: The optuna study, with every trial of this and earlier runs.
        calibrated: The scenario with the best values (run options applied).
        before: Backtest of the original: one row per target with median, hit and loss.
        after: The same for the calibrated scenario.
    """

    scenario: Scenario
    source: Path
    params: tuple[ParamRange, ...]
    targets: tuple[Target, ...]
    study: optuna.Study
    calibrated: Scenario
    before: pd.DataFrame
    after: pd.DataFrame

    @property
    def best(self) -> dict[str, float]:
        """The best values found, rounded to six significant digits (as written)."""
        return {p.path: _rounded(self.study.best_params[p.path], p) for p in self.params}

    @property
    def best_loss(self) -> float:
        """The loss of the best trial."""
        return float(self.study.best_value)

    @property
    def loss_before(self) -> float:
        """The loss of the original scenario."""
        return float(self.before["loss"].sum())

    @property
    def loss_after(self) -> float:
        """The loss of the calibrated scenario (equals :attr:`best_loss` up to rounding)."""
        return float(self.after["loss"].sum())

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

    def table(self) -> pd.DataFrame:
        """Before and after, one row per target: range, medians, hits and losses."""
        keys = ["id", "metric", "period", "value", "low", "high"]
        left = self.before[[*keys, "median", "hit", "loss", "status"]]
        right = self.after[["id", "median", "hit", "loss", "status"]]
        return left.merge(right, on="id", suffixes=("_before", "_after"))

    def write(self, out: Path) -> list[Path]:
        """Write calibrated.yaml, the before/after table, trials and charts into ``out``.

        Returns:
            The files written.

        Raises:
            CalibrationError: If the written scenario does not load back.
        """
        from triad.experiments.calibrate_report import write_report

        return write_report(self, out)


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


def _rounded(value: float, param: ParamRange) -> float:
    return float(round(value)) if param.integer else float(f"{value:.6g}")


# --------------------------------------------------------------------------- entry point
def calibrate(
    scenario: str | Path,
    targets: Sequence[Target],
    params: Sequence[str | ParamRange],
    *,
    trials: int = DEFAULT_TRIALS,
    worlds: int | None = None,
    seed: int | None = None,
    storage: Path | None = None,
    study_name: str | None = None,
    batch: int = 1,
    progress: TrialProgress | None = None,
    executor: ExecutorLike = None,
    chunk_size: int | None = None,
) -> Calibration:
    """Tune parameters of a scenario against targets with optuna's seeded TPE sampler.

    Args:
        scenario: A bundled scenario name or a scenario file.
        targets: The figures to reproduce (see :func:`triad.experiments.backtest.load_targets`).
        params: ``PATH=LO:HI`` strings or ranges.
        trials: Trials to run now (added to those a resumed study holds).
        worlds: Worlds per trial (default: the scenario's).
        seed: Seed of the ensemble and of the sampler (default: the scenario's).
        storage: A journal file: the study is kept there and resumed by a later call.
        study_name: Name of the study in the storage (default ``calibrate-<scenario name>``).
        batch: Trials run together as blocks of one ensemble (1: every trial on the same
            worlds).
        progress: Called with (trials done, trials asked) after each batch.
        executor: Where the chunks of every trial's ensemble run (``local``,
            ``processes[:N]``, ``dask``, ``dask:tcp://HOST:PORT``, or an executor); started
            once for the whole study. Results are identical on all.
        chunk_size: Worlds per chunk (default: automatic). Results do not depend on it.

    Returns:
        The study, the calibrated scenario and the before/after backtests.

    Raises:
        CalibrationError: On a bad parameter, an empty parameter list, no target in the
            horizon, or a resumed study run differently.
        ScenarioError: If the scenario cannot be loaded.
    """
    ranges = _ranges(params)
    if trials < 1 or batch < 1:
        raise CalibrationError(f"trials ({trials}) and batch ({batch}) must be at least 1")
    source = find_scenario(str(scenario))
    base = with_options(load_scenario(source), worlds=worlds, seed=seed)
    used = in_horizon(base, targets)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with open_executor(executor) as ex:
        study = open_study(study_name or f"calibrate-{base.name}", storage)
        check_study(study, _setup(base, ranges, used))
        run_trials(
            study,
            base,
            ranges,
            used,
            trials=trials,
            batch=batch,
            progress=progress,
            executor=ex,
            chunk_size=chunk_size,
        )
        best = {p.path: _rounded(study.best_params[p.path], p) for p in ranges}
        tuned = calibrated_scenario(base, best)
        before = backtest(base, targets, executor=ex, chunk_size=chunk_size)
        after = backtest(tuned, targets, executor=ex, chunk_size=chunk_size)
    return Calibration(
        scenario=base,
        source=source,
        params=tuple(ranges),
        targets=tuple(targets),
        study=study,
        calibrated=tuned,
        before=before,
        after=after,
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


def _setup(
    scenario: Scenario, params: Sequence[ParamRange], targets: Sequence[Target]
) -> dict[str, Any]:
    return {
        "scenario": scenario.name,
        "params": [str(p) for p in params],
        "targets": [t.id for t in targets],
        "worlds": scenario.worlds,
        "seed": scenario.seed,
    }


def backtest(
    scenario: Scenario,
    targets: Sequence[Target],
    *,
    executor: ExecutorLike = None,
    chunk_size: int | None = None,
) -> pd.DataFrame:
    """Model vs targets with the loss of each target (NaN outside the horizon).

    The ensemble's chunks run on the ``executor`` (default local), ``chunk_size`` worlds at
    a time (default: automatic); neither changes the result.
    """
    sim = run_ensemble(scenario, log_worlds=0, executor=executor, chunk_size=chunk_size)
    frame = compare(sim, list(targets))
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
    """Keys of a parameter in a scenario document: actor paths sit under ``actors``."""
    parts = path.split(".")
    return parts if parts[0] == "dynamics" else ["actors", *parts]


def calibrated_yaml(calibration: Calibration, folder: Path) -> str:
    """The text of ``calibrated.yaml``: it extends the original and sets the tuned values.

    Args:
        calibration: The finished calibration.
        folder: Where the file will be written (relative ``extends:`` paths start there).
    """
    document: dict[str, Any] = {
        "name": calibration.calibrated.name,
        "title": f"{calibration.scenario.title or calibration.scenario.name} (calibrated)",
        "extends": extends_ref(calibration.source, folder),
    }
    for path, value in calibration.best.items():
        node = document
        *parents, leaf = _document_path(path)
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = int(value) if _is_integer(path) else value
    dropped = [p for p in calibration.best if p in calibration.scenario.uncertain]
    if dropped:
        document["uncertain"] = dict.fromkeys(dropped)
    header = _header(calibration, dropped)
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def extends_ref(source: Path, folder: Path) -> str:
    """A bundled scenario's name, or the relative path from ``folder`` to the file."""
    bundled = bundled_dir().resolve()
    if source.is_relative_to(bundled):
        return source.relative_to(bundled).with_suffix("").as_posix()
    return Path(os.path.relpath(source, folder.resolve())).as_posix()


def _header(calibration: Calibration, dropped: Sequence[str]) -> str:
    params = " ".join(f"--param {p}" for p in calibration.params)
    trials = len(calibration.history())
    lines = [
        f"# Calibrated by `triad calibrate {calibration.scenario.name} {params}`",
        f"# {trials} trials, {calibration.scenario.worlds} worlds, "
        f"seed {calibration.scenario.seed};",
        f"# loss {calibration.loss_before:.4g} before, {calibration.loss_after:.4g} after "
        "(sum over targets of the median's distance to the range, in range widths).",
    ]
    if dropped:
        lines.append(f"# Tuned values replace the uncertain ranges of: {', '.join(dropped)}.")
    return "\n".join(lines) + "\n"

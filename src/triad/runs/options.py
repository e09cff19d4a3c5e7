"""What runs: the run options, and the one function that prepares a scenario to run.

Every run path takes a scenario (a bundled name, a file or a ``Scenario``) and
:class:`RunOptions`; :func:`prepare_scenario` loads it (unless given one), applies the
``--set`` overrides and then the options, as ``triad run`` does. Where and how the worlds
run is :class:`~triad.runs.context.RunContext`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from triad.errors import Problem, ScenarioError
from triad.runs.arguments import OPTIONS_FILE, check_options
from triad.runs.ensemble import with_options
from triad.scenario.loader import SET_FILE, load_scenario
from triad.scenario.report import Location, SourceMap, problems_from_validation
from triad.scenario.schema import Scenario

__all__ = ["RunOptions", "prepare_scenario"]


@dataclass(frozen=True)
class RunOptions:
    """What to run, beyond the scenario: each None keeps the scenario's own value.

    Attributes:
        worlds: Worlds in the ensemble (default: the scenario's).
        seed: Seed of every random draw (default: the scenario's).
        months: Horizon in months (default: the scenario's).
        start: First month, ``YYYY-MM`` (default: the scenario's). Dated events before
            it are left out with a note: the model starts from the scenario's initial
            values at this month, as if they had not happened.
        overrides: ``PATH=VALUE`` strings applied after ``extends`` (names and files only).
        fix_uncertain: Fix every uncertain input (sampled parameters, an uncertain policy
            type, event dates and levels) at its central value in every world, for a
            controlled experiment: only the stochastic part still varies between worlds.

    Raises:
        ScenarioError: If ``worlds``, ``seed`` or ``months`` is not a whole number (under
            ``<run options>``).
    """

    worlds: int | None = None
    seed: int | None = None
    months: int | None = None
    start: str | None = None
    overrides: Sequence[str] = ()
    fix_uncertain: bool = False

    def __post_init__(self) -> None:
        check_options(worlds=self.worlds, seed=self.seed, months=self.months)


def prepare_scenario(
    scenario: str | Path | Scenario, options: RunOptions = RunOptions()
) -> Scenario:
    """Load a scenario (unless given one), apply its ``--set`` overrides, then the options.

    With ``fix_uncertain`` every uncertain input takes its central value in every world
    (``Scenario.fix_uncertain``). A ``start`` or ``months`` moves the horizon: dated
    events outside it are left out, each with a note in date order, and the model starts
    from the scenario's initial values at the start
    (:func:`~triad.runs.ensemble.with_options`).

    Raises:
        ScenarioError: With every problem found; option problems name ``<run options>``,
            and overrides given with a ``Scenario`` object are refused.
    """
    if isinstance(scenario, Scenario):
        if options.overrides:
            raise ScenarioError([_overrides_need_a_file()])
        base = scenario
    else:
        base = load_scenario(scenario, options.overrides)
    try:
        return with_options(
            base,
            worlds=options.worlds,
            seed=options.seed,
            months=options.months,
            fix_uncertain=options.fix_uncertain,
            start=options.start,
        )
    except ValidationError as error:
        sources = SourceMap({}, Location(OPTIONS_FILE))
        given = {
            "worlds": options.worlds,
            "seed": options.seed,
            "months": options.months,
            "start": options.start,
        }
        data = base.model_dump() | {k: v for k, v in given.items() if v is not None}
        raise ScenarioError(problems_from_validation(error, sources, data)) from None


def _overrides_need_a_file() -> Problem:
    return Problem(
        SET_FILE,
        0,
        0,
        "",
        "overrides apply to scenario names and files, not to a Scenario object",
        "change the object with scenario.model_copy(update=...), or pass its file",
    )

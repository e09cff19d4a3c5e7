"""What still changes a world driver whose value ``--set`` gives: its own path and events.

``--set world.monitoring.value=0.2`` gives the driver's value at the start, and nothing
else: the steps and ramps the scenario's files write for it still apply from their months,
its points replace the value altogether, and events that set, scale or ramp
``world.monitoring`` still do. A ``--set`` of a driver's value that something later
overrides gets a note naming what and when, and how to hold the value throughout
(``--set world.monitoring=0.2`` makes the driver that constant, its noise kept;
``--set events.NAME.drop=true`` removes an event); see
:func:`triad.scenario.loader.load_checked`.
"""

from __future__ import annotations

from collections.abc import Sequence

from triad.errors import Problem
from triad.scenario.month import Month
from triad.scenario.report import SET_FILE, SourceMap
from triad.scenario.schema import Action, DriverPath, Event, Scenario

__all__ = ["later_change_notes"]


def later_change_notes(
    scenario: Scenario, sources: SourceMap, given: Sequence[tuple[str, str]]
) -> list[Problem]:
    """A note for each driver whose ``--set`` value a later change overrides.

    Args:
        scenario: The validated scenario, ``--set`` applied.
        sources: Where each value of it was written (``<--set>`` for the overrides).
        given: ``(path as written, driver)`` for each ``--set`` that gives a driver's value
            (``world.monitoring.value=0.2`` or ``world.monitoring=0.2``), one per driver.

    Returns:
        The notes (warnings located at ``<--set>`` and the path as written), in the order
        of ``given``.
    """
    notes = []
    for path, driver in given:
        points, own = _own_path(scenario, sources, driver)
        events = _events_changing(scenario, driver)
        if not points and not own and not events:
            continue
        changes = [*own, *(text for _, text in events)]
        message = _overridden(scenario, driver, points, changes)
        hints = [f"--set events.{name}.drop=true removes the event {name!r}" for name, _ in events]
        if points or own:
            hints.insert(0, _constant_hint(scenario, driver))
        note = Problem(SET_FILE, 0, 0, path, message, "; ".join(hints), severity="warning")
        notes.append(note)
    return notes


def _overridden(scenario: Scenario, driver: str, points: str, changes: list[str]) -> str:
    """``world.X starts at V, but later changes override it: ...`` (or its points do)."""
    value = getattr(scenario.world, driver).value
    listed = "; ".join(changes)
    if points:
        unused = "" if value is None else f", not its value {value:g}"
        lead = f"world.{driver} follows {points}{unused}"
        return f"{lead}; later: {listed}" if changes else lead
    if value is None:
        return f"later changes override world.{driver}: {listed}"
    return f"world.{driver} starts at {value:g}, but later changes override it: {listed}"


def _constant_hint(scenario: Scenario, driver: str) -> str:
    """How to make the driver the given value throughout."""
    value = getattr(scenario.world, driver).value
    constant = "V" if value is None else f"{value:g}"
    return (
        f"--set world.{driver}={constant} makes it that constant, dropping its steps, ramps "
        f"and points and keeping its noise; world.{driver}={{value: {constant}}} replaces "
        "the whole driver, noise too"
    )


def _own_path(scenario: Scenario, sources: SourceMap, driver: str) -> tuple[str, list[str]]:
    """The driver's points, and its steps and ramps, as the scenario's files write them.

    Those ``--set`` writes are the analyst's own and are left out.
    """
    path: DriverPath = getattr(scenario.world, driver)

    def written(key: str) -> bool:
        return sources.locate(f"world.{driver}.{key}").file != SET_FILE

    points = ""
    if path.points and written("points"):
        points = f"its points {path.points[0][0]}..{path.points[-1][0]}"
    changes = [
        f"its step at {step.at} to {step.value:g}"
        for number, step in enumerate(path.steps)
        if written(f"steps.{number}")
    ]
    changes += [
        f"its ramp {ramp.start}..{ramp.end} to {ramp.value:g}"
        for number, ramp in enumerate(path.ramps)
        if written(f"ramps.{number}")
    ]
    return points, changes


def _events_changing(scenario: Scenario, driver: str) -> list[tuple[str, str]]:
    """``(name, what it does and when)`` of each event that sets, scales or ramps the driver."""
    last = scenario.last_month
    found = []
    for event in scenario.events:
        drawn = f"events.{event.name}.at" in scenario.uncertain
        if event.at is not None and not drawn and Month.parse(event.at) > last:
            continue  # a record event after the horizon: this run ends before it
        actions = [
            _action_text(scenario, event.name, action)
            for action in event.actions
            if action.kind != "trigger" and action.target == f"world.{driver}"
        ]
        if actions:
            what = " and ".join(actions)
            found.append((event.name, f"event {event.name!r} {_when(scenario, event)} {what}"))
    return found


def _when(scenario: Scenario, event: Event) -> str:
    """``at 2026-11 (its month drawn per world)``, ``when its condition holds``, ..."""
    if event.at is not None:
        drawn = f"events.{event.name}.at" in scenario.uncertain
        return f"at {event.at}" + (" (its month drawn per world)" if drawn else "")
    if event.when is not None:
        return "when its condition holds"
    return f"at random ({event.probability:g} a month)"


def _action_text(scenario: Scenario, name: str, action: Action) -> str:
    """``sets it to 0.1``, ``scales it by 1.0 (drawn per world)``, ``ramps it to ...``."""
    field = "by" if action.kind == "scale" else "value"
    drawn = " (drawn per world)" if f"events.{name}.{field}" in scenario.uncertain else ""
    if action.kind == "scale":
        return f"scales it by {action.by:g}{drawn}"
    if action.kind == "set":
        return f"sets it to {action.value:g}{drawn}"
    span = "a month" if action.months == 1 else f"{action.months} months"
    return f"ramps it to {action.value:g}{drawn} over {span}"

"""Scenario events: from the world's event log, or the scenario's dated events when unlogged."""

from __future__ import annotations

from typing import Final

import pandas as pd

from triad.narrate.line import ORDER_EVENT, Line, clusters
from triad.narrate.track import Track
from triad.narrate.units import change_text, months_of
from triad.scenario.month import Month
from triad.scenario.schema import Action, Event
from triad.text import plain_numbers

TRIGGER_EFFECTS: Final = {
    "treaty": ("trust_dprk_russia", "trust_russia_dprk", "china_resentment"),
    "summit": ("trust_dprk_russia", "trust_russia_dprk"),
    "china_summit": ("trust_dprk_china", "trust_china_dprk", "china_resentment"),
    "satellite_launch": (),
    "veto": (),
}
"""The metrics a scenario trigger moves; the story shows their change that month."""


def event_lines(
    track: Track, log: pd.DataFrame | None, crossings: dict[tuple[str, int], str]
) -> list[Line]:
    """Scenario events: from the log, or the dated ones of the scenario when unlogged."""
    fired = _logged_events(log) if log is not None else _dated_events(track)
    events = {event.name: event for event in track.scenario.events}
    lines = []
    for name, by_month in fired.items():
        event = events.get(name)
        for run in clusters(by_month):
            lines.append(_event_line(track, name, event, run, by_month[run[0]], crossings))
    return lines


def _logged_events(log: pd.DataFrame) -> dict[str, dict[int, list[str]]]:
    """Event name -> month -> the effect texts logged (``target set a -> b``)."""
    fired: dict[str, dict[int, list[str]]] = {}
    rows = log[log["kind"] == "event"]
    for month, detail in zip(rows["month"], rows["detail"], strict=True):
        name, _, effect = str(detail).partition(": ")
        fired.setdefault(name, {}).setdefault(int(month), []).append(effect)
    return fired


def _dated_events(track: Track) -> dict[str, dict[int, list[str]]]:
    """Dated events of the scenario within the horizon, with their actions as written."""
    start = track.scenario.first_month
    fired: dict[str, dict[int, list[str]]] = {}
    for event in track.scenario.events:
        month = Month.parse(event.at) - start if event.at is not None else -1
        if 0 <= month < track.months:
            fired[event.name] = {month: [_action_text(a) for a in event.actions]}
    return fired


def _action_text(action: Action) -> str:
    """An event action as written in the scenario (for worlds without a log)."""
    kind, target = action.kind, action.target
    if kind == "trigger":
        return target
    if kind == "scale":
        return f"{target} scaled by {action.by:.3g}"
    if kind == "ramp":
        return f"{target} ramps to {action.value:.3g} over {action.months} months"
    return f"{target} set to {action.value:.3g}"


def _event_line(
    track: Track,
    name: str,
    event: Event | None,
    run: list[int],
    effects: list[str],
    crossings: dict[tuple[str, int], str],
) -> Line:
    """A scenario event: its description, name and effects (or its months, if repeated)."""
    month = run[0]
    title = " ".join(event.description.split()) if event is not None else ""  # one line
    title = title or name
    shows = [m for e in effects for m in TRIGGER_EFFECTS.get(e, ())]
    parts = [plain_numbers(e) for e in effects if e not in TRIGGER_EFFECTS]
    parts += [change_text(track, metric, month, crossings) for metric in shows]
    text = f"{title} [{name}]"
    if len(run) > 1:
        text += f", {months_of(run)}"
    elif parts:
        text += ": " + "; ".join(parts)
    return Line(month, run[-1], ORDER_EVENT, text, frozenset(shows if len(run) == 1 else ()))

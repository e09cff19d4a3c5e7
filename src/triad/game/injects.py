"""Events a seminar's facilitator can put into the world: ready-made ones and their dating.

The ready-made events are the events of the bundled what-if scenarios (each ``extends``
the baseline, directly or through another what-if) that the baseline does not have as
written: a ceasefire, the Tumen bridge opening, a sanctions snap-back, a troop surge. They
are read from the scenario files, not written here. ``free_running`` is left out: it
removes the record rather than adding a happening.

An injected event happens once, in the month after the last one played: :func:`dated`
makes a copy of any event (ready-made or the facilitator's own) dated to that month, with
a name of its own so that it never replaces nor is confused with a scenario event of the
same name.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from typing import Final

from triad.errors import GameError
from triad.scenario.loader import bundled_names, load_scenario
from triad.scenario.schema import Event

REFERENCE: Final = "baseline"
"""The scenario the what-ifs change: its events are not offered."""
LEFT_OUT: Final = frozenset({"baseline", "free_running"})
"""Bundled scenarios whose events are not offered (see the module docstring)."""
NAME_LENGTH: Final = 80
"""The longest event name the scenario schema allows."""
INJECTED_PREFIX: Final = "Injected by the facilitator: "
"""How an injected event's description starts, in the news and the transcript."""


@dataclass(frozen=True)
class Injectable:
    """A ready-made event the facilitator can pick by name.

    Attributes:
        name: The event's name in its scenario (``ceasefire``, ``snapback``).
        description: What happens, as the scenario says.
        scenario: The bundled what-if scenario it comes from.
        title: That scenario's title.
        event: The event as its scenario writes it.
    """

    name: str
    description: str
    scenario: str
    title: str
    event: Event


@functools.cache
def catalogue() -> dict[str, Injectable]:
    """The ready-made events by name, in the order of their scenarios' names.

    An event several what-ifs share (a what-if that extends another) is offered once, from
    the first scenario that has it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes on events past a short horizon: not ours
        reference = {e.name: e for e in load_scenario(REFERENCE).events}
        found: dict[str, Injectable] = {}
        for name in bundled_names():
            if name in LEFT_OUT or name.startswith("history/"):
                continue
            scenario = load_scenario(name)
            for event in scenario.events:
                if reference.get(event.name) == event or event.name in found:
                    continue
                found[event.name] = Injectable(
                    event.name, event.description.strip(), name, scenario.title, event
                )
    return found


def pick(event: str | Event) -> Event:
    """An event given by the facilitator: a ready-made one by name, or an event as it is.

    Raises:
        GameError: If the name is not a ready-made event's, listing the names.
    """
    if isinstance(event, Event):
        return event
    found = catalogue().get(event)
    if found is None:
        raise GameError(f"no ready-made event {event!r}; choose one of: {', '.join(catalogue())}")
    return found.event


def dated(event: Event, month: str) -> Event:
    """A copy of an event that happens once, in ``month`` (``YYYY-MM``), whatever its trigger.

    Its name becomes ``NAME-YYYY-MM`` and its description starts with
    :data:`INJECTED_PREFIX`.
    """
    about = event.description.strip() or event.name
    return Event.model_validate(
        event.model_dump(exclude={"when", "probability"})
        | {
            "name": f"{event.name[: NAME_LENGTH - len(month) - 1]}-{month}",
            "description": INJECTED_PREFIX + about,
            "at": month,
            "repeat": False,
            "record": False,
        }
    )

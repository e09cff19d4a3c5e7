"""Event conditions the schema accepts but that test nothing: ``all: []`` and ``any: []``.

An empty ``all`` holds in every month (nothing to fail), an empty ``any`` in none, so an
event under one fires at the start or never, whatever the world does; either is almost
certainly a condition left unfinished. A scenario loaded from a file or a name (or changed
by ``--set``) is refused with the place each one is written; see
:func:`triad.scenario.loader.load_checked`.
"""

from __future__ import annotations

from collections.abc import Iterator

from triad.errors import Problem
from triad.scenario.report import SourceMap
from triad.scenario.schema import Condition, Scenario

__all__ = ["empty_condition_problems"]

_MEANS = {"all": "holds in every month", "any": "never holds"}


def empty_condition_problems(scenario: Scenario, sources: SourceMap) -> list[Problem]:
    """An error for every ``all: []`` or ``any: []`` in an event's ``when``, nested ones too.

    Args:
        scenario: A validated scenario.
        sources: Where each value of it was written.

    Returns:
        The errors, each at the empty list's file, line and path.
    """
    problems = []
    for index, event in enumerate(scenario.events):
        if event.when is None:
            continue
        for path, key in _empty_lists(event.when, f"events.{index}.when"):
            where = sources.locate(path)
            message = f"'{key}' lists no conditions, so it {_MEANS[key]}: the test is empty"
            hint = "give at least one {var, op, value}, or remove the event"
            problems.append(Problem(where.file, where.line, where.column, path, message, hint))
    return problems


def _empty_lists(condition: Condition, path: str) -> Iterator[tuple[str, str]]:
    """``(path, "all" | "any")`` of every empty combination in a condition tree."""
    for key in ("all", "any"):
        parts: list[Condition] | None = getattr(condition, key)
        if parts is None:
            continue
        if not parts:
            yield f"{path}.{key}", key
        for number, part in enumerate(parts):
            yield from _empty_lists(part, f"{path}.{key}.{number}")

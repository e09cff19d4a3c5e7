"""``triad validate`` as a function: every error and warning of a scenario file.

It loads the file and asks which of its values no active policy reads; it never runs a
model, so it imports neither the run pipeline nor mesa, pandas or scipy.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from triad.errors import Problem, ScenarioError
from triad.model.usage import ignored_parameter_problems
from triad.scenario.loader import load_checked

__all__ = ["validate_scenario"]


def validate_scenario(
    scenario: str | Path, overrides: Sequence[str] = (), *, strict: bool = False
) -> list[Problem]:
    """Every error and warning of a scenario file, as ``triad validate`` reports them.

    Errors are what stops it from loading (the schema, the merge, event values and sampled
    ranges outside a parameter's range). Warnings are what would load but be clipped or
    ignored: an event ``scale`` that can take a value out of range, a lognormal tail past
    a bound, and a value the active policies never read
    (:func:`triad.model.usage.ignored_parameter_problems`).

    Args:
        scenario: A scenario file or bundled name.
        overrides: ``PATH=VALUE`` strings applied after ``extends:``.
        strict: Also warn about unread values a base file (no ``extends:``) writes at their
            schema default.

    Returns:
        The problems, each with its ``severity``, sorted by file and line; empty if none.
    """
    try:
        loaded, sources, warnings = load_checked(scenario, overrides)
    except ScenarioError as error:
        return error.problems
    problems = warnings + ignored_parameter_problems(loaded, sources, strict=strict)
    return sorted(problems, key=lambda p: (p.file, p.line, p.column))

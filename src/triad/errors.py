"""Every error triad raises on purpose: :class:`TriadError` and all its subclasses.

They live here, in one place, so that a caller catches one family and a reader finds
them all (``tests/test_architecture.py`` refuses a subclass defined elsewhere).

The command line turns a ``TriadError`` into a clear message and exit code 2; anything
else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

type Severity = Literal["error", "warning"]
"""How bad a problem is: an error stops a scenario from loading; a warning does not."""


class TriadError(Exception):
    """Base of all triad errors: a problem with the user's input or environment."""


def printable(text: str) -> str:
    r"""Text safe to show on a terminal: control and invisible characters as escapes.

    A scenario key, file name or value may hold an escape sequence that clears the screen
    or a bidirectional override that reorders what is shown; every message triad prints
    goes through here, so such characters appear as ``\x1b`` or ``\u202e``.

    Args:
        text: One line of a message.

    Returns:
        The text with every character that is not printable (Python's
        :meth:`str.isprintable`: controls, format characters such as bidi overrides,
        separators other than the space) written as its escape.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


@dataclass(frozen=True)
class Problem:
    """One problem found in a scenario.

    Attributes:
        file: The file it is in (or ``<--set>`` for a command-line override).
        line: 1-based line, or 0 when unknown.
        column: 1-based column, or 0 when unknown.
        path: Dotted path of the field (``actors.russia.tech_transfer.max_tier``), or "".
        message: What is wrong.
        hint: How to fix it, or "".
        severity: ``"error"`` (the scenario is refused) or ``"warning"`` (it runs, but
            something in it has no effect or may be clipped); shown after the location.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        """Whether this problem stops the scenario from loading."""
        return self.severity == "error"

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}"
        if self.severity == "warning":
            where += ": warning"
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return printable(f"{text} ({self.hint})" if self.hint else text)


class ScenarioError(TriadError):
    """A scenario could not be loaded; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class StoreError(TriadError):
    """A result folder could not be written or read."""


class ModelError(TriadError):
    """A model was asked for something it cannot do (bad actions, bad ensemble size)."""


class ResourceError(TriadError):
    """A run would need more memory or disk than the machine has; nothing was started."""


class NonFiniteError(StoreError):
    """A run produced a NaN or infinite metric, so it was not stored."""


class TriadNote(UserWarning):
    """Something triad did on the user's behalf that they should know (a dropped event).

    The command line prints it as ``note: ...``; the Python API issues it as a warning.
    """


class GameError(TriadError):
    """A lever value, a moves file, a save file or a play option is not usable."""


class NarrationError(TriadError):
    """A story was asked for something the ensemble does not have."""


class PointError(TriadError):
    """A per-world value is not one a scenario could hold: bad path, value or combination."""


class UsageError(TriadError):
    """The command's arguments do not go together."""


class CalibrationError(TriadError):
    """A calibration was asked for something it cannot do (bad parameter, no targets)."""


class ExperimentError(TriadError):
    """An experiment was specified wrongly: a bad range, path, metric or size."""


class ExplainError(TriadError):
    """Two scenarios cannot be explained (nothing differs, different starts, bad month)."""


class InterruptedRunError(TriadError):
    """A streamed run stopped; its finished chunks are kept for ``--resume``."""


class ExecutorError(TriadError):
    """An executor could not be parsed, started or reached."""

"""Checks of the Python API's arguments, so that misuse ends in a clear triad error.

A notebook user who passes ``executor=123``, ``out=123`` or ``worlds=True`` gets the
documented :class:`~triad.errors.TriadError` subclass naming the argument and what it
accepts, instead of an ``AttributeError`` from deep inside a run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from triad.errors import ExecutorError, Problem, ScenarioError, StoreError

__all__ = ["check_executor", "check_folder", "check_options", "check_whole"]

OPTIONS_FILE = "<run options>"
"""How problems with ``worlds``, ``seed``, ``months`` and the like name their source."""


def check_executor(executor: Any) -> None:
    """Refuse an executor that is neither None, a text, nor an executor object.

    Raises:
        ExecutorError: Naming what was given and what is accepted.
    """
    if executor is None or isinstance(executor, str):
        return
    if all(hasattr(executor, name) for name in ("name", "workers")):
        return
    raise ExecutorError(
        f"executor: expected None, a text such as 'processes:2' or 'dask:tcp://HOST:PORT', "
        f"or an executor object; got {_shown(executor)}"
    )


def check_folder(value: Any, name: str) -> Path | None:
    """A folder argument (``out``, ``root``) as a Path; None stays None.

    Raises:
        StoreError: If the value is not a path (a str or os.PathLike).
    """
    if value is None:
        return None
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise StoreError(f"{name}: expected a folder path (a str or Path), got {_shown(value)}")


def check_whole(value: Any, name: str, *, optional: bool = True) -> None:
    """Refuse a whole-number option that is not an int (a bool, a float, a text).

    Raises:
        ScenarioError: Naming the option, under ``<run options>``.
    """
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        message = f"expected a whole number, got {_shown(value)}"
        raise ScenarioError([Problem(OPTIONS_FILE, 0, 0, name, message)])


def check_options(**options: Any) -> None:
    """Apply :func:`check_whole` to each named option (None allowed).

    Raises:
        ScenarioError: With one problem per bad option.
    """
    problems: list[Problem] = []
    for name, value in options.items():
        try:
            check_whole(value, name)
        except ScenarioError as error:
            problems += error.problems
    if problems:
        raise ScenarioError(problems)


def _shown(value: Any) -> str:
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} ({type(value).__name__})"

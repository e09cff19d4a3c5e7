"""The ``triad`` command line: one typer app; each command lives in a thin module.

Any :class:`~triad.errors.TriadError` a command raises is printed to stderr as plain lines
(one per problem, no traceback) and the command exits with code 2.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import sys
import threading
import warnings
from collections.abc import Callable
from typing import NoReturn, TextIO

import typer

from triad.cli import (
    backtest,
    calibrate,
    compare,
    demo,
    explain,
    exploit,
    narrate,
    play,
    runs,
    scenarios,
    sensitivity,
    sweep,
    web,
)
from triad.errors import ScenarioError, TriadError, TriadNote, printable

EXIT_INPUT = 2

app = typer.Typer(
    name="triad",
    help="Scenario simulations of the Russia-China-North Korea triangle.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_note(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
    shown: set[str] | None = None,
) -> None:
    """Print a :class:`TriadNote` as ``note: ...``; other warnings as Python would.

    With ``shown``, a note already in it is not printed again (a command that loads the
    same scenario several times notes each thing once).
    """
    if not issubclass(category, TriadNote):
        _python_show(message, category, filename, lineno, file, line)
        return
    text = f"note: {message}"
    if shown is not None:
        if text in shown:
            return
        shown.add(text)
    typer.echo(text, err=True)


_python_show = warnings.showwarning
warnings.showwarning = _show_note


def report_error(error: TriadError) -> None:
    """Print a triad error to stderr as plain lines: one per problem, no traceback."""
    if isinstance(error, ScenarioError):
        lines = [str(p) for p in error.problems]
    else:
        lines = [printable(line) for line in str(error).splitlines()]
    for line in lines or ["error: " + type(error).__name__]:
        typer.echo(line, err=True)


def guarded[**P](command: Callable[P, None]) -> Callable[P, None]:
    """Wrap a command so that a :class:`TriadError` becomes a message and exit code 2."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            with warnings.catch_warnings():  # every note of this command, each one once
                warnings.simplefilter("always", TriadNote)
                warnings.showwarning = functools.partial(_show_note, shown=set())
                command(*args, **kwargs)
        except TriadError as error:
            report_error(error)
            raise typer.Exit(EXIT_INPUT) from None

    return run


def register(name: str, command: Callable[..., None]) -> None:
    """Add a command to the app under ``name``, with triad's error handling."""
    app.command(name)(guarded(command))


# --------------------------------------------------------------------------- commands
# One line per command; each command is a function in a thin module of triad.cli.
# Add new command modules here (run, compare, sweep, ...), in the order `--help` shows.
# A command module imports the library inside its commands, not at the top, so that
# `triad --help` stays fast; tests/test_startup.py checks every registered command.
# `make demo` runs `triad demo`: the comparison of the bundled what-ifs, with charts.
register("demo", demo.demo)
# scenarios as data
register("scenarios", scenarios.scenarios)
register("validate", scenarios.validate)
register("scenario", scenarios.scenario)
register("schema", scenarios.schema)
# run, store, compare, narrate
register("run", runs.run)
register("runs", runs.runs)
register("show", runs.show)
register("compare", compare.compare_command)
register("narrate", narrate.narrate)
# tune and explain
register("backtest", backtest.backtest_command)
register("sensitivity", sensitivity.sensitivity_command)
register("sweep", sweep.sweep_command)
register("calibrate", calibrate.calibrate_command)
register("explain", explain.explain_command)
# play a seat
register("play", play.play)
register("exploit", exploit.exploit_command)
# the browser app
register("web", web.web)


def main() -> NoReturn:
    """Run the command line (the ``triad`` console script and ``python -m triad``)."""
    try:
        app()
    except TriadError as error:  # raised outside a command, e.g. in a callback
        report_error(error)
        end(EXIT_INPUT)
    except SystemExit as done:  # how every command ends, with its exit code
        end(exit_code(done.code))
    end(0)


def exit_code(code: object) -> int:
    """The process exit code for ``SystemExit(code)``, as Python itself would make it.

    None is success; an integer is itself; anything else is printed to stderr, and the
    code is 1.
    """
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def end(code: int) -> NoReturn:
    """End the process as Python would, without freeing its objects one at a time.

    A normal exit spends 0.4-0.7 s after a large run releasing every array, frame and
    module one by one, which nothing needs (``docs/performance.md``). This does what
    matters of an exit and skips only that: it joins the threads that are not daemons (as
    the interpreter does, with the shutdown hooks of :mod:`concurrent.futures`), runs the
    :mod:`atexit` handlers (logging, multiprocessing's children, temporary files),
    flushes stdout and stderr, then ends the process with ``code``.
    """
    shutdown = getattr(threading, "_shutdown", None)  # what Py_Finalize calls first
    if shutdown is not None:
        shutdown()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)

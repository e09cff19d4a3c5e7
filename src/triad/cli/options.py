"""The options several commands share, declared once, and the folders they name.

Each is a typer ``Argument`` or ``Option`` to use in ``Annotated[...]``; a command whose
option says something of its own (``--worlds`` per grid point, say) declares it itself.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from triad.store.folders import check_new_folder

if TYPE_CHECKING:
    from triad.runs.context import RunContext
    from triad.runs.ensemble import Progress
    from triad.runs.executors import Executor, ExecutorLike

SCENARIO = typer.Argument(help="A bundled scenario name or a scenario file.", show_default=False)
WORLDS = typer.Option("--worlds", min=1, help="Worlds (default: the scenario's).")
SEED = typer.Option("--seed", min=0, help="Seed (default: the scenario's).")
SETS = typer.Option(
    "--set",
    help="Override a value after extends: PATH=VALUE, e.g. russia.tech_transfer.max_tier=2 "
    "or events.ceasefire.at=2025-06 (an event by name). Repeat for several.",
    show_default=False,
)
START = typer.Option(
    "--start",
    help="First month YYYY-MM (default: the scenario's). Dated events before it are left "
    "out with a note: the run starts from the scenario's initial values in that month.",
    show_default=False,
)
ROOT = typer.Option("--root", help="The results store.")
EXECUTOR = typer.Option(
    "--executor",
    help="Where chunks of worlds run: local, processes[:N], dask (a local cluster) or "
    "dask:tcp://HOST:PORT (a running scheduler). Results are identical on all.",
)
CHUNK_SIZE = typer.Option(
    "--chunk-size",
    min=1,
    help="Worlds simulated at a time (bounds memory) (default: automatic).",
    show_default=False,
)
FIX_UNCERTAIN = typer.Option(
    "--fix-uncertain",
    help="Fix every uncertain input (sampled parameters, China's policy type, the war path) "
    "at its central value in every world, for a controlled experiment: only the stochastic "
    "part still varies.",
)


def out_option(command: str, folder: str = "Output folder") -> Any:
    """The ``--out`` option of a command that writes a new folder under ``reports/``.

    Args:
        command: The command, which names the default folder (``reports/<command>-<time>``).
        folder: What the folder is, as the help's first words.

    Returns:
        The typer option (typer declares it ``Any``).
    """
    return typer.Option(
        "--out",
        help=f"{folder}; must not exist or be empty (default: reports/{command}-<timestamp>).",
        show_default=False,
    )


def default_folder(command: str) -> Path:
    """``reports/<command>-<timestamp>``: where a command writes when ``--out`` is not given."""
    return Path("reports") / f"{command}-{datetime.now():%Y%m%d-%H%M%S}"


def new_folder(out: Path | None, command: str) -> Path:
    """The folder a command writes: ``--out`` or its default, checked to be new or empty.

    Returns:
        The folder as given (relative paths stay relative, as the command prints them).

    Raises:
        StoreError: If the folder exists and is not empty.
    """
    folder = out or default_folder(command)
    check_new_folder(folder)
    return folder


def run_context(
    executor: ExecutorLike, chunk_size: int | None, progress: Progress | None = None
) -> RunContext:
    """The run context of a command: its ``--executor``, ``--chunk-size`` and progress."""
    from triad.runs.context import RunContext

    return RunContext(executor=executor, chunk_size=chunk_size, progress=progress)


def cli_executor(text: str) -> Executor:
    """The executor of an ``--executor`` option; says on stderr if its workers were capped.

    Use it as a context manager: it closes the workers it starts.
    """
    from triad.runs.executors import parse_executor

    executor = parse_executor(text)
    note = getattr(executor, "note", None)
    if note:
        typer.echo(f"note: {note}", err=True)
    return executor

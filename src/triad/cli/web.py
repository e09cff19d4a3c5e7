"""``triad web``: serve the browser app (explore, compare, tune, play, seminars, runs).

The server is imported inside the command, so that ``triad --help`` stays fast
(``tests/test_startup.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

# triad.web.server's defaults, kept here so that --help does not import solara.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def web(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on; the default lets only this machine connect. Use "
            "0.0.0.0 to let a seminar's teams join from the local network.",
        ),
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = DEFAULT_PORT,
    data: Annotated[
        Path, typer.Option("--data", help="Folder for uploads and saved seminars.")
    ] = Path(".triad-web"),
    runs: Annotated[
        Path, typer.Option("--runs", help="Folder of stored runs the Runs page lists.")
    ] = Path("runs"),
) -> None:
    """Serve the browser app at http://HOST:PORT until Ctrl-C."""
    from triad.web.server import serve

    typer.echo(f"triad web: serving at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    serve(host=host, port=port, data=data, runs=runs)

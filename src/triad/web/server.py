"""Serve the web app: Solara's Starlette application under uvicorn, on loopback by default.

Solara is told which app to serve (:mod:`triad.web.app`) through its environment variables
and settings before its server module is imported. It runs in production mode (no
auto-reload), without telemetry and without its banner; its scripts and fonts come from
the ``solara-assets`` package, so the page loads with no network.
"""

from __future__ import annotations

import os
from pathlib import Path

from triad.web.config import WebConfig, configure

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP = "triad.web.app"


def prepare(host: str, port: int) -> None:
    """Settings Solara reads at import: the app, the address, no telemetry, production mode."""
    os.environ["SOLARA_APP"] = APP
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    os.environ.setdefault("MPLBACKEND", "Agg")
    import solara.server.settings as settings

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    settings.theme.show_banner = False
    settings.theme.title = "triad"


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    data: Path = Path(".triad-web"),
    runs: Path = Path("runs"),
) -> None:
    """Run the server until interrupted.

    Args:
        host: Address to listen on (loopback by default: only this machine can connect).
        port: Port to listen on.
        data: Folder for uploads and seminars.
        runs: Folder of stored runs the Runs page lists.
    """
    configure(WebConfig(data=data, runs=runs))
    prepare(host, port)
    import uvicorn

    uvicorn.run("solara.server.starlette:app", host=host, port=port, log_level="warning")

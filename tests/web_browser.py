"""A triad web server and a headless Chromium for the browser tests.

The server runs as ``triad web`` in a child process on a free loopback port, with its own
data folder; the browser is Debian's Chromium (``/usr/bin/chromium``) driven by Playwright,
with background networking off (the machine has no network, and nothing is downloaded).
Screenshots go to ``$TRIAD_WEB_SCREENSHOTS`` (default ``reports/web``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path(os.environ.get("TRIAD_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("TRIAD_WEB_SCREENSHOTS", "reports/web"))
START_SECONDS = 60


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the server accepts connections (or fail with its log)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"triad web exited: {log.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"triad web did not start in {START_SECONDS} s: {log.read_text()}")


def serve(folder: Path) -> Iterator[str]:
    """Run ``triad web`` on a free port with data and runs in ``folder``; yield its URL."""
    port = free_port()
    log = folder / "server.log"
    command = [sys.executable, "-m", "triad", "web", "--port", str(port)]
    command += ["--data", str(folder / "data"), "--runs", str(folder / "runs")]
    with log.open("wb") as stream:
        process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT, cwd=folder)
    try:
        wait_for_port(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def screenshot_path(name: str) -> Path:
    """Where a test's screenshot goes."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


TIMEOUT_MS = 120_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``triad web`` for the tests of one module."""
    yield from serve(tmp_path_factory.mktemp("web"))


@dataclass(frozen=True)
class Served:
    """A running ``triad web`` and its folder (data in ``data/``, stored runs in ``runs/``)."""

    url: str
    folder: Path

    @property
    def runs(self) -> Path:
        """The folder of stored runs the server lists."""
        return self.folder / "runs"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``triad web`` for the tests of one module, with its folder (to store runs in)."""
    folder = tmp_path_factory.mktemp("web")
    for url in serve(folder):
        yield Served(url, folder)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium for the tests of one module."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (its own session) and page for one test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()

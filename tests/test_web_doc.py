"""docs/web.md covers every page with its screenshot, and its commands are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from triad.cli.app import app
from triad.web.app import PAGES

DOCS = Path(__file__).resolve().parent.parent / "docs"
WEB = (DOCS / "web.md").read_text(encoding="utf-8")


def test_every_page_has_a_section() -> None:
    headings = set(re.findall(r"^## (.+)$", WEB, flags=re.MULTILINE))
    assert {label for _, label in PAGES} <= headings


def test_every_screenshot_the_page_shows_exists() -> None:
    images = re.findall(r"\]\((images/web/[^)]+\.png)\)", WEB)
    assert len(images) >= len(PAGES)
    assert [i for i in images if not (DOCS / i).is_file()] == []


def test_the_commands_shown_use_real_options() -> None:
    shown = set(re.findall(r"triad web[^\n`]*?(--[a-z]+)", WEB))
    assert shown, "the page shows how to start the server"
    usage = CliRunner().invoke(app, ["web", "--help"], env={"COLUMNS": "200"}).output
    assert [option for option in shown if option not in usage] == []

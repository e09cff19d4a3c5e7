"""Compare, Tune and Runs in a real browser: each loads, runs, and shows what its command shows.

Debian's Chromium driven by Playwright against ``triad web`` on loopback
(``tests/web_browser.py``); screenshots are saved for ``docs/web.md``.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from web_browser import Served, browser, page, screenshot_path, served

__all__ = ["browser", "page", "served"]  # fixtures
MAX_HEIGHT = 4000
"""Tallest screenshot, in pixels."""


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/compare", "the first is the reference"),
        ("/tune", "Run sensitivity"),
        ("/runs", "Results stored in"),
    ],
)
def test_each_page_loads(served: Served, page: Page, path: str, text: str) -> None:
    page.goto(served.url + path)
    expect(page.get_by_text(text).first).to_be_visible()


def test_compare_two_scenarios_at_a_month(served: Served, page: Page, tmp_path: Path) -> None:
    page.goto(served.url + "/compare")
    page.locator(".triad-compare-scenarios").click()
    page.get_by_role("option", name="ceasefire_2025").click()
    page.keyboard.press("Escape")
    _type(page, ".triad-compare-worlds input", "100")
    _type(page, ".triad-compare-months input", "2025-06")
    page.get_by_role("button", name="Run").click()
    table = page.locator(".triad-compare-differences")
    expect(table).to_contain_text("ceasefire_2025")
    expect(page.get_by_text("Differences from baseline in 2025-06")).to_be_visible()
    expect(page.get_by_text("(100 worlds)")).to_be_visible()
    rows = [line for line in table.inner_text().splitlines() if "\t" in line][1:]
    assert rows and all("\tceasefire_2025\t2025-06\t" in row for row in rows), rows
    for chart in ("overview", "fan", "over-time"):
        expect(page.locator(f".triad-compare-{chart} img")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_text("Download the report (zip)").click()
    saved = tmp_path / "report.zip"
    download.value.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert {"compare-report/report.md", "compare-report/differences.csv"} <= set(names)
    assert "compare-report/charts/overview.png" in names
    _screenshot(page, "compare")


def _screenshot(page: Page, name: str) -> None:
    """The whole page: the window made as tall as its content (the app scrolls inside)."""
    height = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('*'), e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, MAX_HEIGHT)})
    page.evaluate("document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
    page.wait_for_timeout(500)  # the layout settles
    page.screenshot(path=screenshot_path(name))


def _type(page: Page, selector: str, text: str) -> None:
    field = page.locator(selector)
    field.fill(text)
    field.press("Enter")


def test_tune_backtests_screens_and_calibrates(served: Served, page: Page, tmp_path: Path) -> None:
    page.goto(served.url + "/tune")
    page.get_by_role("button", name="Run backtest").click()
    backtest = page.locator(".triad-backtest")
    expect(backtest).to_contain_text("containers_by_2024_02")
    expect(page.get_by_text("Hit rate: 5 of 5 targets inside the horizon")).to_be_visible()
    expect(page.locator(".triad-backtest-chart img")).to_be_visible()
    page.get_by_role("button", name="Run sensitivity").click()
    expect(page.locator(".triad-sensitivity-chart img")).to_be_visible()
    expect(page.locator(".triad-sensitivity")).to_contain_text("russia.war.dud_rate")
    expect(page.get_by_text("Morris sensitivity of containers_cum in baseline")).to_be_visible()
    page.get_by_role("button", name="Calibrate").click()
    expect(page.locator(".triad-calibration-values")).to_contain_text("russia.war.fire_rate_m")
    expect(page.locator(".triad-calibration-chart img")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_text("Download calibrated.yaml").click()
    overlay = tmp_path / "calibrated.yaml"
    download.value.save_as(overlay)
    text = overlay.read_text()
    assert "extends: baseline" in text and "fire_rate_m:" in text
    _screenshot(page, "tune")


def test_runs_lists_a_stored_run_and_opens_it(served: Served, page: Page) -> None:
    command = [sys.executable, "-m", "triad", "run", "baseline", "--worlds", "50"]
    command += ["--root", str(served.runs)]
    subprocess.run(command, cwd=served.folder, check=True, capture_output=True)
    page.goto(served.url + "/runs")
    listing = page.locator(".triad-runs")
    expect(listing).to_contain_text("baseline/")
    row = listing.inner_text().splitlines()[-1].split("\t")
    assert row[1:6] == ["baseline", "2023-09", "60", "50", "20230913"], row
    page.locator(".triad-runs-open").click()
    page.get_by_role("option", name=row[0]).click()
    expect(page.locator(".triad-run-integrity")).to_contain_text("Integrity: sound")
    expect(page.locator(".triad-run-manifest")).to_contain_text("scenario_hash")
    charts = page.locator(".triad-run-charts img")
    expect(charts).to_have_count(1)  # the key set: one overview page of the key outcomes
    expect(charts.first).to_be_visible()
    _screenshot(page, "runs")

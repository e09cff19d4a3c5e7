"""The web app in a real browser: pages load, a slider changes a run, uploads show errors.

Debian's Chromium driven by Playwright against ``triad web`` on loopback
(``tests/web_browser.py``); screenshots are saved for ``docs/web.md``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from triad.validate import validate_scenario
from web_browser import browser, page, screenshot_path, server

__all__ = ["browser", "page", "server"]  # fixtures


@pytest.mark.parametrize(
    ("path", "text"), [("/", "Scenario simulations"), ("/explore", "World drivers")]
)
def test_each_page_loads(server: str, page: Page, path: str, text: str) -> None:
    page.goto(server + path)
    expect(page.get_by_text(text).first).to_be_visible()
    name = path.strip("/") or "home"
    page.screenshot(path=screenshot_path(name))


def test_moving_a_slider_changes_the_run(server: str, page: Page, tmp_path: Path) -> None:
    page.goto(server + "/explore")
    page.get_by_role("button", name="Run").click()
    table = page.locator(".triad-differences")
    expect(table).to_be_visible()
    chart = page.locator(".triad-chart img")
    before = chart.get_attribute("src")
    assert "containers [containers/month]\t2028-08\t" in _table_text(page)
    page.get_by_role("slider").nth(1).focus()  # after Worlds: world.war_intensity
    page.keyboard.press("Home")  # world.war_intensity to 0: the war stops
    expect(page.get_by_text("Settings: world.war_intensity=0")).to_be_visible()
    page.get_by_role("button", name="Run").click()
    expect(page.locator(".triad-settings-run")).to_have_text("Ran with: world.war_intensity=0")
    after = chart.get_attribute("src")
    assert after != before, "the fan chart changed"
    page.screenshot(path=screenshot_path("explore"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as scenario file").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert yaml.safe_load(saved.read_text())["world"] == {"war_intensity": 0}
    assert not [p for p in validate_scenario(saved) if p.is_error]


def _table_text(page: Page) -> str:
    return page.locator(".triad-differences").inner_text()


def test_a_bad_upload_shows_the_error_at_its_line(server: str, page: Page, tmp_path: Path) -> None:
    page.goto(server + "/explore")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nextends: baseline\nworld:\n  pressure: 2.5\n")
    with page.expect_file_chooser() as chooser:
        page.locator(".widget-upload").click()
    chooser.value.set_files(str(bad))
    problem = page.locator(".triad-problem").first
    expect(problem).to_contain_text("line 4: world.pressure")
    line = page.locator(".triad-upload-lines").get_by_text("pressure: 2.5")
    expect(line).to_be_visible()
    page.screenshot(path=screenshot_path("upload-error"), full_page=True)


def test_play_two_turns_in_the_browser(server: str, page: Page) -> None:
    page.goto(server + "/play")
    page.get_by_role("button", name="Start").click()  # DPRK, quarters, 12 months, seed 42
    expect(page.get_by_text("Turn 1 of 4")).to_be_visible()
    page.get_by_role("button", name="Use the model's advice").click()
    page.get_by_role("button", name="Play turn").click()
    expect(page.get_by_text("Turn 2 of 4")).to_be_visible()
    page.get_by_label("offer_containers [containers/month]").fill("300")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Play turn").click()
    expect(page.get_by_text("Turn 3 of 4")).to_be_visible()
    news = page.locator(".triad-dashboard")
    expect(news).to_contain_text("DPRK cuts its offer of shells to Russia")
    page.screenshot(path=screenshot_path("play"), full_page=True)
    page.get_by_label("offer_containers [containers/month]").fill("99999")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Play turn").click()
    expect(page.locator(".triad-error")).to_contain_text("offer_containers: 99999 is out of range")
    expect(page.get_by_text("Turn 3 of 4")).to_be_visible()


def test_a_second_tab_is_its_own_session(server: str, browser: Browser, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    first, second = context.new_page(), context.new_page()  # two tabs of one browser
    for tab in (first, second):
        tab.goto(server + "/explore")
        expect(tab.get_by_text("World drivers")).to_be_visible()
    mine = tmp_path / "mine.yaml"
    mine.write_text("name: mine\nextends: baseline\nworld:\n  pressure: 0.6\n")
    with first.expect_file_chooser() as chooser:
        first.locator(".widget-upload").click()
    chooser.value.set_files(str(mine))
    expect(first.get_by_text("mine.yaml: loaded")).to_be_visible()
    expect(first.get_by_text("upload: mine.yaml").first).to_be_visible()  # chosen in the tab
    first.get_by_role("slider").nth(1).focus()
    first.keyboard.press("End")
    expect(first.get_by_text("Settings: world.war_intensity=5")).to_be_visible()
    second.reload()
    expect(second.get_by_text("Settings: none (the scenario as written)")).to_be_visible()
    second.locator(".v-select__selections").first.click()
    expect(second.get_by_role("option", name="baseline", exact=True)).to_be_visible()
    assert second.get_by_role("option", name="upload: mine.yaml").count() == 0
    context.close()

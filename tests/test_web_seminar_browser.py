"""A three-team seminar in a real browser: join by links, move, reload mid-turn, export.

A facilitator opens a two-month seminar; three browser contexts (three teams, each its own
session) join by their links and move; DPRK's team reloads mid-turn, after the others have
moved, and still sees the turn and its state; the turn resolves when DPRK moves; the
facilitator injects an event, forces the last turn and downloads the transcript and the
end chart. Screenshots are saved for ``docs/web.md``.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from web_browser import TIMEOUT_MS, browser, page, screenshot_path, server

__all__ = ["browser", "page", "server"]  # fixtures

SEATS = {"russia": "Russia", "china": "China", "dprk": "DPRK"}


def open_seminar(page: Page, server: str) -> dict[str, str]:
    """The facilitator opens a two-month seminar; its join links by seat."""
    page.goto(server + "/seminar")
    months = page.get_by_label("Months (horizon)")
    months.fill("2")
    months.press("Enter")
    page.get_by_role("button", name="Open the seminar").click()
    expect(page.locator(".triad-join-russia")).to_be_visible()
    assert "token=" in page.url, "the facilitator's page is at its own link"
    return {
        seat: page.locator(f".triad-join-{seat}").inner_text() for seat in [*SEATS, "facilitator"]
    }


def join(browser: Browser, link: str, seat: str) -> Page:
    """A team's own browser session at its link."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    team = context.new_page()
    team.goto(link)
    expect(team.get_by_text(f"{SEATS[seat]}'s team ·")).to_be_visible()
    return team


def status(team: Page) -> str:
    return team.locator(".triad-seminar-status").inner_text()


def test_three_teams_play_a_seminar(server: str, browser: Browser, page: Page) -> None:
    links = open_seminar(page, server)
    assert len(set(links.values())) == 4, links
    teams = {seat: join(browser, links[seat], seat) for seat in SEATS}
    for team in teams.values():
        expect(team.get_by_role("button", name="Force the turn")).to_have_count(0)
        expect(team.locator(".triad-board")).to_contain_text("≈")  # fog of war

    russia, china, dprk = teams["russia"], teams["china"], teams["dprk"]
    russia.get_by_role("button", name="Fill in the model's advice").click()
    russia.get_by_role("button", name="Submit move").click()
    expect(russia.locator(".triad-seminar-status")).to_contain_text("Your move is in")
    china.locator(".triad-lever-aid_m input").fill("80")
    china.get_by_role("button", name="Submit move").click()
    expect(china.locator(".triad-submitted")).to_contain_text("aid_m 80")
    expect(page.locator(".triad-moves")).to_contain_text("waiting for: DPRK")

    dprk.locator(".triad-lever-offer_containers input").fill("900")
    dprk.reload()  # mid-turn, after the others moved: nothing is lost
    expect(dprk.locator(".triad-seminar-status")).to_contain_text("waiting for: you (DPRK).")
    assert "turn 1 of 2" in dprk.get_by_role("heading").first.inner_text()
    dprk.locator(".triad-lever-offer_containers input").fill("900")
    dprk.get_by_role("button", name="Submit move").click()

    for team in teams.values():  # every page redraws without a reload
        expect(team.get_by_text("turn 2 of 2").first).to_be_visible()
    expect(dprk.locator(".triad-board")).to_contain_text("News")
    shoot(dprk, "seminar-team")

    page.get_by_role("button", name="Pause").click()
    expect(russia.locator(".triad-seminar-status")).to_contain_text("Paused by the facilitator")
    expect(russia.get_by_role("button", name="Submit move")).to_be_disabled()
    page.get_by_role("button", name="Resume").click()
    expect(russia.get_by_role("button", name="Submit move")).to_be_enabled()
    page.get_by_role("button", name="Inject from next month").click()
    expect(page.locator(".triad-facilitator-message")).to_contain_text("Injected tumen_bridge")
    page.get_by_role("button", name="Force the turn").click()
    expect(page.get_by_text("the end: all 2 turns played").first).to_be_visible()
    expect(russia.locator(".triad-seminar-status")).to_contain_text("The seminar is over")
    expect(page.locator(".triad-end-chart img")).to_be_visible()
    shoot(page, "seminar-facilitator")

    transcript = download(page, "Download the transcript")
    text = transcript.read_text()
    for name in SEATS.values():
        assert f"- {name} (team" in text
    assert "offer_containers 900" in text and "aid_m 80" in text
    assert "forced: the model's advice" in text and "tumen_bridge-2023-10" in text
    assert "## Result" in text and "of 100 worlds" in text
    assert download(page, "Download the end chart").read_bytes()[:4] == b"\x89PNG"


def download(page: Page, label: str) -> Path:
    """Click a download button; the file downloaded."""
    with page.expect_download() as started:
        page.get_by_role("button", name=label).click()
    return Path(started.value.path())


def shoot(page: Page, name: str) -> None:
    """A screenshot of the page from its top, tall enough for the dashboards."""
    page.set_viewport_size({"width": 1400, "height": 2000})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=screenshot_path(name))
    page.set_viewport_size({"width": 1400, "height": 1000})

"""The Seminar page's logic without a browser: links, who a token is, typed moves, the room."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from triad.errors import GameError
from triad.game.injects import catalogue
from triad.game.levers import SEATS, levers
from triad.game.seminar import FACILITATOR, Seminar
from triad.game.seminar_store import SeminarStore
from triad.web.seminar import (
    DEFAULT_ORIGIN,
    Settings,
    create,
    end_chart_png,
    inject_choices,
    join_links,
    join_url,
    lever_text,
    lever_texts,
    on_loopback,
    open_token,
    origin,
    read_move,
    stamp,
    start_texts,
    store,
    team_status,
    token_from,
    waiting_words,
)

pytestmark = pytest.mark.filterwarnings("ignore::triad.errors.TriadNote")  # a short horizon


def new(folder: Path, **options: object) -> SeminarStore:
    """A store in ``folder`` holding one two-month seminar."""
    where = SeminarStore(folder)
    create(Settings("baseline", months=2, **options), where)  # type: ignore[arg-type]
    return where


@pytest.fixture
def room(tmp_path: Path) -> SeminarStore:
    """A store with one fresh two-month seminar, every seat a team's."""
    return new(tmp_path)


def only(where: SeminarStore) -> Seminar:
    """The store's one seminar."""
    (id_,) = where.ids()
    return where.open(id_)


# ---------------------------------------------------------------------- links and roles
def test_the_token_is_read_from_the_query_string() -> None:
    assert token_from("token=abc_-1") == "abc_-1"
    assert token_from("x=1&token=abc") == "abc"
    assert token_from("token=") is None
    assert token_from("") is None
    assert token_from(None) is None


def test_links_are_built_from_the_address_the_browser_used() -> None:
    assert origin({"origin": ["http://192.168.1.20:8765"]}) == "http://192.168.1.20:8765"
    assert origin({"host": ["10.0.0.5:9000"]}) == "http://10.0.0.5:9000"
    assert origin({"origin": ["null"], "host": ["h:1"]}) == "http://h:1"
    assert origin(None) == DEFAULT_ORIGIN
    base = "http://192.168.1.20:8765/"
    assert join_url(base, "Ab_c-1") == "http://192.168.1.20:8765/seminar?token=Ab_c-1"
    assert join_url(base, "t", "/triad/") == "http://192.168.1.20:8765/triad/seminar?token=t"
    assert join_url(base, "a&b") == "http://192.168.1.20:8765/seminar?token=a%26b"


def test_loopback_addresses_are_told_apart_from_network_ones() -> None:
    assert on_loopback("http://127.0.0.1:8765")
    assert on_loopback("http://localhost:8765")
    assert on_loopback("http://[::1]:8765")
    assert not on_loopback("http://192.168.1.20:8765")
    assert not on_loopback("http://seminar-room.local:8765")


def test_each_link_opens_its_own_role(room: SeminarStore) -> None:
    seminar = only(room)
    links = join_links(seminar, "http://192.168.1.20:8765")
    assert set(links.teams) == set(SEATS)
    assert len({*links.teams.values(), links.facilitator}) == 4
    for seat, link in links.teams.items():
        assert link.startswith("http://192.168.1.20:8765/seminar?token=")
        opened = open_token(token_from(urlsplit(link).query) or "", room)
        assert (opened.seminar, opened.role, opened.facilitator) == (seminar, seat, False)
    opened = open_token(token_from(urlsplit(links.facilitator).query) or "", room)
    assert (opened.role, opened.facilitator) == (FACILITATOR, True)


def test_a_bad_token_opens_nothing(room: SeminarStore) -> None:
    with pytest.raises(GameError, match="not a join token"):
        open_token("../../etc/passwd", room)
    with pytest.raises(GameError, match="no seminar has this join token"):
        open_token("A" * 22, room)


def test_the_server_keeps_one_store_per_folder(tmp_path: Path) -> None:
    assert store(tmp_path / "a") is store(tmp_path / "a")
    assert store(tmp_path / "a") is store(tmp_path / "b" / ".." / "a")
    assert store(tmp_path / "a") is not store(tmp_path / "b")


def test_a_restarted_server_reopens_a_seminar_by_a_token_with_its_moves(
    room: SeminarStore, tmp_path: Path
) -> None:
    seminar = only(room)
    seminar.submit("russia", {"request_containers": 1000})
    again = open_token(seminar.tokens["dprk"], SeminarStore(tmp_path))  # a new process
    assert again.seminar is not seminar
    assert again.role == "dprk"
    assert again.seminar.waiting() == ("china", "dprk")
    assert again.seminar.pending["russia"] == {"request_containers": 1000.0}


# ---------------------------------------------------------------------- a new seminar
def test_settings_set_the_horizon_teams_turn_and_fog(tmp_path: Path) -> None:
    where = new(tmp_path, teams=("dprk", "russia"), turn="quarter", fog=False, seed=7)
    seminar = only(where)
    assert (seminar.months, seminar.total_turns, seminar.turn) == (2, 1, "quarter")
    assert (seminar.teams, seminar.fog, seminar.seed) == (("russia", "dprk"), False, 7)
    assert seminar.overrides == ["months=2"]
    assert Settings("baseline").overrides() == []


def test_a_horizon_under_a_month_or_no_team_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GameError, match="months: 0 is not a horizon"):
        create(Settings("baseline", months=0), SeminarStore(tmp_path))
    with pytest.raises(GameError, match="at least one team"):
        create(Settings("baseline", teams=(), months=2), SeminarStore(tmp_path))


# ---------------------------------------------------------------------- a team's move
def test_typed_levers_are_read_and_each_problem_kept_with_its_lever() -> None:
    typed = read_move("dprk", {"offer_containers": "1,200", "launch": "yes", "price_ask": ""})
    assert typed.ok
    assert typed.move == {"offer_containers": 1200.0, "launch": 1.0}  # empty: the default
    bad = read_move("dprk", {"offer_containers": "lots", "kpa_floor": "1.5", "troops_k": "3"})
    assert bad.move == {"troops_k": 3.0}
    assert set(bad.problems) == {"offer_containers", "kpa_floor"}
    assert "'lots' is not a number" in bad.problems["offer_containers"]
    assert "out of range; allowed: 0 to 1 share" in bad.problems["kpa_floor"]
    with pytest.raises(GameError, match="unknown dprk lever"):
        read_move("dprk", {"aid_m": "10"})


@pytest.mark.parametrize("seat", SEATS)
def test_a_value_shown_in_an_input_reads_back_in_range(seat: str) -> None:
    for lever in levers(seat):
        for value in (lever.spec.low, lever.spec.high, lever.spec.low + 0.123456789):
            value = min(value, lever.spec.high)
            text = lever_text(lever, round(value) if lever.spec.integer else value)
            read = lever.parse(text)
            assert lever.spec.low <= read <= lever.spec.high
            assert read == pytest.approx(value, rel=1e-5, abs=0.5 if lever.spec.integer else 1e-9)


def test_inputs_start_on_the_submitted_move_over_the_defaults(room: SeminarStore) -> None:
    seminar = only(room)
    before = start_texts(seminar.team_panel("china"))
    assert set(before) == {lever.name for lever in levers("china")}
    seminar.submit("china", {"aid_m": 80})
    after = start_texts(seminar.team_panel("china"))
    assert after["aid_m"] == "80"
    assert {k: v for k, v in after.items() if k != "aid_m"} == {
        k: v for k, v in before.items() if k != "aid_m"
    }
    assert lever_texts("dprk", {"launch": 1.0, "offer_containers": 900.0}) == {
        "offer_containers": "900",
        "launch": "yes",
    }


# ---------------------------------------------------------------------- what the room sees
def test_the_stamp_changes_when_anyone_acts_and_only_then(room: SeminarStore) -> None:
    seminar = only(room)
    stamps = [stamp(seminar)]
    assert stamp(seminar) == stamps[-1]
    for act in (
        lambda: seminar.submit("russia", {}),
        lambda: seminar.submit("russia", {"request_containers": 10}),
        seminar.pause,
        seminar.resume,
        lambda: seminar.inject("ceasefire"),
        lambda: seminar.resolve(force=True),
    ):
        act()
        stamps.append(stamp(seminar))
    assert all(a != b for a, b in itertools.pairwise(stamps)), "every act changes the stamp"
    assert stamps[-1][0] == 1, "one turn played"


def test_a_team_reads_who_the_turn_waits_for(room: SeminarStore) -> None:
    seminar = only(room)
    assert waiting_words(("china", "dprk"), "dprk") == "waiting for: China and you (DPRK)"
    assert waiting_words(("russia", "china", "dprk")) == "waiting for: Russia, China and DPRK"
    assert team_status(seminar.team_panel("dprk")) == (
        "Your move: waiting for: Russia, China and you (DPRK)."
    )
    seminar.submit("dprk", {})
    assert team_status(seminar.team_panel("dprk")).startswith("Your move is in")
    assert team_status(seminar.team_panel("dprk")).endswith("waiting for: Russia and China.")
    seminar.pause()
    assert team_status(seminar.team_panel("russia")).startswith("Paused by the facilitator")
    seminar.resume()
    seminar.resolve(force=True)
    seminar.resolve(force=True)
    assert team_status(seminar.team_panel("russia")).startswith("The seminar is over")


def test_the_facilitator_picks_from_every_ready_made_event() -> None:
    choices = inject_choices()
    assert sorted(choices.values()) == sorted(catalogue())
    assert all(label.startswith(f"{name}: ") for label, name in choices.items())


def test_the_end_chart_is_a_png_once_the_seminar_is_over(room: SeminarStore) -> None:
    seminar = only(room)
    with pytest.raises(GameError, match="not over"):
        end_chart_png(seminar, worlds=20)
    seminar.resolve(force=True)
    seminar.resolve(force=True)
    assert end_chart_png(seminar, worlds=20)[:4] == b"\x89PNG"

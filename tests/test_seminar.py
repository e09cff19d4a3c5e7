"""Seminars: teams play seats of one world, a facilitator forces, pauses and injects."""

from __future__ import annotations

import json
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from triad.errors import GameError
from triad.game.injects import INJECTED_PREFIX, catalogue
from triad.game.seminar import FACILITATOR, Seminar
from triad.game.seminar_save import digest, field_digests
from triad.game.seminar_store import SeminarStore
from triad.game.session import Session
from triad.model.metrics import METRIC_BY_NAME

SHORT = "months=6"
SEED = 7
WORLDS = 8
"""Worlds of the model's own play the tests rank against: few, for speed."""


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    """Notes on baseline events past the short horizon are not what these tests check."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def seminar(teams: tuple[str, ...] = ("russia", "china", "dprk"), **options: object) -> Seminar:
    settings: dict[str, object] = {"seed": SEED, "overrides": [SHORT]} | options
    return Seminar("baseline", teams, **settings)  # type: ignore[arg-type]


def play_out(game: Seminar) -> None:
    while not game.done:
        game.resolve(force=True)


def same_past(a: Seminar, b: Seminar, months: int) -> bool:
    return all(
        np.array_equal(a.world.series(m)[:months], b.world.series(m)[:months])
        for m in METRIC_BY_NAME
    )


# ---------------------------------------------------------------------- a turn
def test_a_turn_does_not_resolve_until_every_team_has_moved() -> None:
    game = seminar()
    assert game.submit("dprk", {"offer_containers": 300}) is None
    assert game.submit("russia", {}) is None
    assert (game.waiting(), game.world.month, game.turns) == (("china",), 0, [])
    turn = game.submit("china", {"aid_m": 40})
    assert turn is not None and game.world.month == 1 and game.turns == [turn]
    assert turn.forced == frozenset() and game.waiting() == ("russia", "china", "dprk")
    assert (turn.moves["dprk"]["offer_containers"], turn.moves["china"]["aid_m"]) == (300, 40)


def test_a_team_may_change_its_move_until_the_turn_resolves() -> None:
    game = seminar(("dprk", "china"))
    game.submit("dprk", {"offer_containers": 100})
    game.submit("dprk", {"offer_containers": 450})
    turn = game.submit("china", {})
    assert turn is not None and turn.moves["dprk"]["offer_containers"] == 450


def test_forcing_plays_exactly_the_advice_for_each_missing_team() -> None:
    game = seminar()
    game.resolve(force=True)  # a turn in, so the advice is not the defaults of month 0
    game.submit("dprk", {"price_ask": 900})
    advice = {seat: game.advice(seat) for seat in ("russia", "china")}
    with pytest.raises(GameError, match="turn 2 waits for Russia and China; force it"):
        game.resolve()
    turn = game.resolve(force=True)
    assert turn.forced == {"russia", "china"}
    assert {seat: turn.moves[seat] for seat in advice} == advice
    assert turn.moves["dprk"]["price_ask"] == 900


@pytest.mark.parametrize("turn_length", ["month", "quarter"])
def test_one_team_reaches_the_scores_of_a_one_player_game_with_the_same_moves(
    turn_length: str,
) -> None:
    moves: list[dict[str, object]] = [
        {"offer_containers": 800, "launch": True},
        {},
        {"offer_containers": 50, "price_ask": 1500},
        {"cyber_effort": 0},
        {},
        {"launch": 1},
    ]
    game = seminar(("dprk",), turn=turn_length, fog=False)
    session = Session("baseline", "dprk", turn_length, SEED, overrides=[SHORT])
    for move in moves[: game.total_turns]:
        game.submit("dprk", move)
        session.play(move)
    assert game.done and session.done
    assert game.world.state == session.state
    assert [t.moves["dprk"] for t in game.turns] == [t.move for t in session.turns]
    assert [t.news for t in game.turns] == [t.news for t in session.turns]


def test_only_a_teams_seat_takes_moves_and_only_valid_ones() -> None:
    game = seminar(("dprk",))
    with pytest.raises(GameError, match="china is played by the model in this seminar"):
        game.submit("china", {})
    with pytest.raises(GameError, match="DPRK's move: offer_containers: 9000 is out of range"):
        game.submit("dprk", {"offer_containers": 9000})
    with pytest.raises(GameError, match="at least one team"):
        Seminar("baseline", (), overrides=[SHORT])
    play_out(game)
    with pytest.raises(GameError, match="the seminar is over: all 6 months"):
        game.submit("dprk", {})


def test_simultaneous_submissions_resolve_the_turn_once() -> None:
    game = seminar()
    threads = [threading.Thread(target=game.submit, args=(seat, {})) for seat in game.teams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(game.turns) == 1 and game.world.month == 1 and game.pending == {}


# ---------------------------------------------------------------------- the facilitator
def test_a_paused_seminar_refuses_moves_and_resolution_until_it_resumes() -> None:
    game = seminar()
    game.pause()
    with pytest.raises(GameError, match="paused by the facilitator: cannot submit a move"):
        game.submit("dprk", {})
    with pytest.raises(GameError, match="paused by the facilitator: cannot resolve the turn"):
        game.resolve(force=True)
    game.resume()
    assert game.resolve(force=True).number == 1


def test_an_injected_event_changes_the_world_from_the_next_month_and_not_before() -> None:
    shocked, control = seminar(), seminar()
    for game in (shocked, control):
        game.resolve(force=True)
        game.resolve(force=True)
    event = shocked.inject("snapback")
    assert (event.name, event.at) == ("snapback-2023-11", "2023-11")
    assert shocked.world.state == control.world.state and same_past(shocked, control, 2)
    for game in (shocked, control):
        game.resolve(force=True)
    assert same_past(shocked, control, 2)
    assert (
        shocked.world.series("china_enforcement")[2]
        != (control.world.series("china_enforcement")[2])
    )
    news = shocked.turns[2].news
    assert any(INJECTED_PREFIX in line and "snapback-2023-11" in line for line in news)
    assert not any(INJECTED_PREFIX in line for t in shocked.turns[:2] for line in t.news)
    assert "snapback-2023-11" in shocked.transcript(worlds=None)


def test_every_ready_made_event_can_be_injected() -> None:
    assert {"ceasefire", "snapback", "tumen_bridge", "surge"} <= catalogue().keys()
    for name, ready in catalogue().items():
        assert ready.description, name
        game = seminar(("dprk",))
        assert game.inject(name).at == game.world.date(0)
        game.resolve(force=True)
        assert any(f"{name}-" in line for line in game.turns[0].news), name


def test_an_unknown_event_or_a_second_injection_of_the_same_is_refused() -> None:
    game = seminar()
    with pytest.raises(GameError, match="no ready-made event 'meteor'; choose one of: "):
        game.inject("meteor")
    game.inject("surge")
    with pytest.raises(GameError, match="'surge-2023-09' is already injected"):
        game.inject("surge")


# ---------------------------------------------------------------------- what each sees
def test_a_team_sees_partners_hidden_state_as_estimates_the_facilitator_sees_it_all() -> None:
    game = seminar(("china", "dprk"))
    game.resolve(force=True)
    team = game.team_panel("dprk")
    estimated = {r.metric for r in team.board.readings if r.estimate}
    assert "china_resentment" in estimated and "score_dprk" not in estimated
    assert team.advice == game.advice("dprk") and team.waiting == game.teams
    assert set(team.board.partners) == {"russia", "china"}
    boards = game.facilitator_panel().boards
    assert set(boards) == {"russia", "china", "dprk"}
    assert not any(r.estimate for board in boards.values() for r in board.readings)
    assert "· you play DPRK ·" in team.board.title
    assert "· the model plays Russia ·" in boards["russia"].title


# ---------------------------------------------------------------------- save and load
def played(path: Path) -> Seminar:
    """A seminar two turns in (one forced), an event injected, a move pending, paused."""
    game = seminar(path=path)
    game.submit("dprk", {"offer_containers": 640})
    game.resolve(force=True)
    game.submit("russia", {"pay_share": 0.5})
    game.submit("china", {"aid_m": 10})
    game.submit("dprk", {"launch": True})
    game.inject("ceasefire")
    game.submit("china", {"trade_level": 0.7})
    game.pause()
    return game


def test_save_and_load_give_the_same_seminar_to_the_last_digit(tmp_path: Path) -> None:
    game = played(tmp_path / "s.json")
    back = Seminar.load(tmp_path / "s.json")
    assert back.record() == game.record()
    assert back.world.state == game.world.state and same_past(back, game, 2)
    assert (back.pending, back.paused, back.tokens) == (
        {"china": {"trade_level": 0.7}},
        True,
        game.tokens,
    )
    for g in (game, back):
        g.resume()
        g.submit("russia", {})
        g.submit("dprk", {})
    assert back.world.state == game.world.state


def test_every_submission_is_saved_at_once(tmp_path: Path) -> None:
    game = seminar(path=tmp_path / "s.json")
    game.submit("dprk", {"offer_containers": 5})
    assert Seminar.load(tmp_path / "s.json").pending == {"dprk": {"offer_containers": 5}}


def edit(path: Path, change: str) -> None:
    data = json.loads(path.read_text())
    if change == "pending":
        data["pending"]["china"]["trade_level"] = 0.9
    elif change == "move":
        data["turns"][0]["moves"]["dprk"]["offer_containers"] = 641.0
    elif change == "paused":
        data["paused"] = False
    elif change == "token":
        data["tokens"]["dprk"] = "A" * 22
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("change", "field"),
    [("pending", "pending"), ("move", "turns"), ("paused", "paused"), ("token", "tokens")],
)
def test_an_edited_save_is_refused_naming_the_file_and_field(
    tmp_path: Path, change: str, field: str
) -> None:
    path = tmp_path / "s.json"
    played(path)
    edit(path, change)
    with pytest.raises(GameError, match=rf"s\.json: {field}: edited since triad wrote it"):
        Seminar.load(path)


def test_an_edit_with_its_digests_recomputed_is_caught_by_the_replay(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    played(path)
    edit(path, "move")
    data = json.loads(path.read_text())
    data["digests"] = field_digests(data)
    path.write_text(json.dumps(data))
    with pytest.raises(GameError, match=r"s\.json: checkpoint: the turns replay to month 2"):
        Seminar.load(path)


def test_a_bad_value_in_a_save_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    played(path)
    data = json.loads(path.read_text())
    data["tokens"]["dprk"] = "../../etc/passwd"
    data["digests"]["tokens"] = digest(data["tokens"])
    path.write_text(json.dumps(data))
    with pytest.raises(GameError, match=r"s\.json: tokens\.dprk: String should match pattern"):
        Seminar.load(path)


# ---------------------------------------------------------------------- the store
def test_each_token_opens_its_seminar_in_its_role(tmp_path: Path) -> None:
    store = SeminarStore(tmp_path)
    game = store.create("baseline", ("russia", "dprk"), seed=SEED, overrides=[SHORT])
    other = store.create("baseline", ("china",), seed=SEED, overrides=[SHORT])
    assert store.ids() == sorted([game.id, other.id])
    assert store.open(game.id) is game
    for seat, token in game.tokens.items():
        assert store.by_token(token) == (game, seat)
    assert store.by_token(game.facilitator_token) == (game, FACILITATOR)
    assert store.by_token(other.tokens["china"]) == (other, "china")
    game.submit("dprk", {"offer_containers": 77})
    restarted = SeminarStore(tmp_path)  # a new server reads the folder
    found, role = restarted.by_token(game.tokens["dprk"])
    assert (found.id, role, found.pending) == (game.id, "dprk", game.pending)


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("../../etc/passwd", "not a join token"),
        ("", "not a join token"),
        ("x" * 21 + "/", "not a join token"),
        ("A" * 22, "no seminar has this join token"),
    ],
)
def test_a_bad_or_unknown_token_is_refused(tmp_path: Path, token: str, message: str) -> None:
    store = SeminarStore(tmp_path)
    store.create("baseline", ("dprk",), seed=SEED, overrides=[SHORT])
    with pytest.raises(GameError, match=f"^{message}$"):
        store.by_token(token)


@pytest.mark.parametrize(
    ("id_", "message"),
    [
        ("../s", r"'\.\./s' is not a seminar id"),
        ("0123456", "'0123456' is not a seminar id"),
        ("ABCDEF01", "'ABCDEF01' is not a seminar id"),
        ("/etc/x", "'/etc/x' is not a seminar id"),
        ("0123abcd", "no seminar 0123abcd"),
    ],
)
def test_a_bad_or_unknown_id_is_refused(tmp_path: Path, id_: str, message: str) -> None:
    store = SeminarStore(tmp_path)
    with pytest.raises(GameError, match=message):
        store.open(id_)


# ---------------------------------------------------------------------- the end
def test_the_transcript_names_every_team_turn_and_forced_move_and_ranks_the_teams() -> None:
    game = seminar(("russia", "dprk"))
    game.submit("dprk", {"offer_containers": 20})
    play_out(game)
    text = game.transcript(worlds=WORLDS)
    assert "teams: Russia, DPRK; the model plays: China" in text
    assert all(f"## Turn {n}: " in text for n in range(1, 7))
    assert "- China (model): " in text and "- Russia (team, forced: the model's advice)" in text
    assert "- DPRK (team): offer_containers 20 " in text
    result = text.split("## Result")[1]
    assert "| Russia |" in result and "| DPRK |" in result and "| China |" not in result
    assert result.count(f"of {WORLDS} worlds") == 2


def test_the_ranking_is_against_the_models_own_play_of_every_seat() -> None:
    game = seminar(("dprk",))
    play_out(game)  # every move the model's advice: the model's own play of world 0
    ranked = game.rank_teams(WORLDS)["dprk"]
    session = Session("baseline", "dprk", seed=SEED, overrides=[SHORT])
    while not session.done:
        session.play(session.advice())
    assert np.array_equal(ranked.player, session.series("score_dprk"))
    assert ranked.finals.size == WORLDS and 0.0 <= ranked.percentile <= 100.0


def test_the_end_chart_has_one_panel_per_team() -> None:
    game = seminar(("china", "dprk"))
    with pytest.raises(GameError, match="the seminar is not over: 0 of 6 turns"):
        game.end_chart(WORLDS)
    play_out(game)
    figure = game.end_chart(WORLDS)
    assert [ax.get_title(loc="left").split("'s team")[0] for ax in figure.axes] == [
        "China",
        "DPRK",
    ]


def test_the_example_in_the_docs_runs_as_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "play.md").read_text("utf-8")
    section = doc.split("## Seminars: three teams")[1]
    code = section.split("```python\n")[1].split("```")[0].replace("worlds=50", f"worlds={WORLDS}")
    monkeypatch.chdir(tmp_path)
    names: dict[str, object] = {}
    exec(compile(code, "docs/play.md", "exec"), names)
    game = names["seminar"]
    assert isinstance(game, Seminar) and game.done and len(game.turns) == 2
    assert game.turns[0].forced == {"russia"} and game.turns[1].forced == frozenset()
    assert (tmp_path / "seminars" / f"{game.id}.json").is_file()

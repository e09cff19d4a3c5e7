"""The Play page's logic without a browser: the lever form, turns from it, the ending."""

from __future__ import annotations

import json

import pytest

from triad.errors import GameError
from triad.game.levers import levers
from triad.game.session import Session
from triad.web.play import ending, lever_fields, new_game, play_turn, saved_game


@pytest.fixture
def game() -> Session:
    return new_game("baseline", "dprk", "quarter", 42, False, 6)


def test_the_form_has_every_lever_starting_at_its_default(game: Session) -> None:
    fields = lever_fields(game)
    assert [f.name for f in fields] == [lever.name for lever in levers("dprk")]
    defaults = game.defaults()
    assert all(f.value == defaults[f.name] for f in fields)
    launch = next(f for f in fields if f.name == "launch")
    assert launch.yes_no and launch.value == 0.0


def test_a_turn_from_the_form_equals_the_same_move_typed_in_the_terminal(game: Session) -> None:
    same = Session("baseline", "dprk", turn="quarter", seed=42, overrides=["months=6"])
    play_turn(game, {"offer_containers": 300.0})
    same.play({"offer_containers": 300.0})
    assert game.state == same.state
    assert len(game.turns) == 1 and game.turns[0].move["offer_containers"] == 300.0


def test_a_refused_value_names_the_lever_and_plays_nothing(game: Session) -> None:
    with pytest.raises(GameError, match="offer_containers: 99999 is out of range"):
        play_turn(game, {"offer_containers": 99999.0})
    assert not game.turns


def test_the_ending_ranks_the_game_and_the_save_reloads(game: Session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    play_turn(game, {})
    play_turn(game, {})
    assert game.done
    result = ending(game, worlds=40)
    assert "of the model's 40 worlds" in result.verdict
    assert "## Result" in result.transcript
    path = tmp_path / "game.json"
    path.write_text(saved_game(game))
    assert json.loads(path.read_text())["seat"] == "dprk"
    assert Session.load(path).score == game.score

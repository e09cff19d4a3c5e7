"""triad play: levers, the game session, save/resume, scripted replays and a real terminal."""

from __future__ import annotations

import io
import json
import os
import re
import sys
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pexpect
import pytest
from scipy.special import expit
from typer.testing import CliRunner

from triad.cli.app import app
from triad.errors import GameError, TriadNote
from triad.game.levers import Lever, check_move, levers
from triad.game.session import Session
from triad.model.model import TriadModel
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.loader import load_scenario

SHORT = "months=12"  # four quarters; every baseline event up to 2024-06 stays inside
runner = CliRunner()


def lever(seat: str, name: str) -> Lever:
    return next(x for x in levers(seat) if x.name == name)


# ---------------------------------------------------------------------- levers
def test_an_entry_out_of_range_names_the_allowed_range() -> None:
    with pytest.raises(GameError, match=r"9000 is out of range; allowed: 0 to 5000 containers"):
        lever("dprk", "offer_containers").parse("9000")


def test_an_entry_of_the_wrong_type_is_rejected() -> None:
    with pytest.raises(GameError, match=r"'lots' is not a number; allowed: 0 to 5000"):
        lever("dprk", "offer_containers").parse("lots")
    with pytest.raises(GameError, match=r"2.5 is not a whole number; allowed: a whole number"):
        lever("russia", "tech_tier").parse("2.5")


def test_yes_no_levers_read_words() -> None:
    launch = lever("dprk", "launch")
    assert [launch.parse(t) for t in ("yes", "N", "1", "0")] == [1.0, 0.0, 1.0, 0.0]


def test_a_move_with_an_unknown_lever_lists_the_levers() -> None:
    with pytest.raises(GameError, match=r"unknown dprk lever.*food_aid.*offer_containers"):
        check_move("dprk", {"food_aid": 1})


# ---------------------------------------------------------------------- session
def test_a_quarter_applies_the_move_for_three_months_and_a_launch_once() -> None:
    # inputs at their central values: in some worlds' draws Russia buys nothing at first
    fixed = [SHORT, "fix_uncertain=true"]
    session = Session("baseline", "dprk", "quarter", seed=5, overrides=fixed)
    turn = session.play({"offer_containers": 300, "launch": 1})
    assert (turn.first, turn.months, session.model.month) == (0, 3, 3)
    assert session.series("containers").tolist() == [300.0, 300.0, 300.0]
    quiet = Session("baseline", "dprk", "quarter", seed=5, overrides=fixed)
    quiet.play({"offer_containers": 300, "launch": 0})
    extra = session.series("satellite_attempts_cum") - quiet.series("satellite_attempts_cum")
    assert extra.tolist() == [1.0, 1.0, 1.0]  # one launch, in the first month only


def test_save_and_load_rebuild_the_same_game(tmp_path: Path) -> None:
    game = Session("baseline", "china", "month", seed=11, fog=True, overrides=[SHORT])
    game.play({"aid_m": 400, "enforcement": 0.9})
    game.play({"trade_level": 0.5})
    game.save(tmp_path / "game.json")
    back = Session.load(tmp_path / "game.json")
    assert (back.seat, back.turn, back.seed, back.fog) == ("china", "month", 11, True)
    assert [t.move for t in back.turns] == [t.move for t in game.turns]
    assert back.state == game.state
    # both go on identically
    assert back.play({"aid_m": 0}).state == game.play({"aid_m": 0}).state


def test_a_saved_game_is_versioned_json(tmp_path: Path) -> None:
    game = Session("baseline", "russia", seed=1, overrides=[SHORT])
    game.play({})
    game.save(tmp_path / "game.json")
    data = json.loads((tmp_path / "game.json").read_text())
    assert (data["format"], data["version"], data["seat"]) == ("triad-play", 1, "russia")
    assert set(data["moves"][0]) == {s.name for s in levers("russia")}


def _saved(tmp_path: Path) -> Path:
    game = Session("baseline", "dprk", "quarter", seed=3, overrides=[SHORT])
    game.play({"offer_containers": 500})
    game.play({})
    path = tmp_path / "game.json"
    game.save(path)
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["moves"][1].update(offer_containers=9000),
            "moves.1: offer_containers: 9000 is out of range; allowed: 0 to 5000",
        ),
        (lambda d: d["moves"][0].update(offer_containers=600), "checkpoint: the moves replay to"),
        (lambda d: d.update(seed="seven"), "seed: Input should be a valid integer"),
        (lambda d: d.update(seat="japan"), "seat: Input should be 'russia', 'china' or 'dprk'"),
        (lambda d: d.update(version=9), "version: saved with format version 9"),
        (lambda d: d.update(cheat=True), "cheat: Extra inputs are not permitted"),
        (
            lambda d: d.update(overrides=["months=24"]),
            "scenario_sha256: scenario 'baseline' has changed",
        ),
    ],
)  # fmt: skip
def test_a_tampered_save_file_exits_2_naming_the_field(
    tmp_path: Path, edit: object, message: str
) -> None:
    path = _saved(tmp_path)
    data = json.loads(path.read_text())
    edit(data)  # type: ignore[operator]
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["play", "--load", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_save_file_that_is_not_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "game.json"
    path.write_text("{not json")
    result = runner.invoke(app, ["play", "--load", str(path)])
    assert result.exit_code == 2
    assert "not a triad saved game (not JSON" in result.output


# ---------------------------------------------------------------------- scripted games
MOVES = """\
- {offer_containers: 800, price_ask: 1500}
-
- {launch: yes, kpa_floor: 0.6}
- {offer_containers: 200}
"""


def _scripted(tmp_path: Path, name: str) -> tuple[str, bytes]:
    moves = tmp_path / "moves.yaml"
    moves.write_text(MOVES)
    transcript = tmp_path / f"{name}.md"
    args = ["play", "baseline", "--as", "dprk", "--turn", "quarter", "--seed", "42"]
    args += ["--set", SHORT, "--moves", str(moves), "--transcript", str(transcript)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output, transcript.read_bytes()


def test_replaying_a_moves_file_gives_the_same_transcript_and_score(tmp_path: Path) -> None:
    out_a, text_a = _scripted(tmp_path, "a")
    out_b, text_b = _scripted(tmp_path, "b")
    assert text_a == text_b
    score = [line for line in out_a.splitlines() if line.startswith("Your score")]
    assert score and score == [line for line in out_b.splitlines() if line.startswith("Your score")]
    text = text_a.decode()
    assert text.count("## Turn ") == 4
    # kpa_floor keeps its current value, drawn per world (0.464 in this world)
    assert "Move: offer_containers 800 · price_ask 1500 · kpa_floor 0.464 · launch no" in text
    assert "launch yes" in text and "## Result" in text
    assert "Your DPRK's regime security over the game (the mean of every month) beat" in text
    assert (tmp_path / "a.png").stat().st_size > 0  # the chart beside the transcript


def test_the_player_is_ranked_among_the_models_own_worlds(tmp_path: Path) -> None:
    from triad.game.play import rank_game

    game = Session("baseline", "dprk", "quarter", seed=42, overrides=[SHORT])
    while not game.done:
        game.play({"offer_containers": 0})  # no shells: no payment, no food or oil from Russia
    comparison = rank_game(game, worlds=50)
    assert comparison.finals.shape == (50,)
    mine = np.mean(comparison.player)  # a seat is scored on the mean of its months
    expected = 100 * np.mean(comparison.finals < mine)
    assert comparison.percentile == pytest.approx(expected, abs=100 / 50)


def test_a_bad_moves_file_names_the_turn_and_lever(tmp_path: Path) -> None:
    moves = tmp_path / "moves.yaml"
    moves.write_text("- {}\n- {price_ask: cheap}\n")
    args = ["play", "baseline", "--as", "dprk", "--set", SHORT, "--moves", str(moves)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "turn 2: price_ask: 'cheap' is not a number; allowed: 0 to 10000 US$/round" in (
        result.output
    )


def test_an_existing_transcript_is_never_overwritten(tmp_path: Path) -> None:
    transcript = tmp_path / "t.md"
    transcript.write_text("keep me")
    args = ["play", "baseline", "--as", "china", "--transcript", str(transcript)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "the file exists" in result.output
    assert transcript.read_text() == "keep me"


# ---------------------------------------------------------------------- a real terminal
def _spawn(*args: str, cwd: Path, rows: int = 60, columns: int = 160) -> pexpect.spawn:
    env = {**os.environ, "COLUMNS": str(columns), "LINES": str(rows), "TERM": "xterm"}
    return pexpect.spawn(
        sys.executable,
        ["-m", "triad", "play", *args],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(rows, columns),
    )


def _accept_defaults(child: pexpect.spawn, names: list[str]) -> None:
    for name in names:
        child.expect_exact(f"{name} [")
        child.sendline("")


def test_play_in_a_real_terminal_save_resume_and_finish(tmp_path: Path) -> None:
    names = [x.name for x in levers("dprk")]
    save = tmp_path / "game.json"
    child = _spawn(
        "baseline", "--as", "dprk", "--turn", "quarter", "--seed", "9", "--set", SHORT,
        "--save", str(save), cwd=tmp_path,
    )  # fmt: skip
    child.expect_exact("turn 1 of 4")
    child.expect_exact("offer_containers [")
    child.sendline("lots")
    child.expect_exact(
        "rejected: offer_containers: 'lots' is not a number; allowed: 0 to 5000 containers/month"
    )
    child.expect_exact("offer_containers [")
    child.sendline("600")
    _accept_defaults(child, names[1:])
    child.expect_exact("Turn 1: offer_containers 600")
    for _ in range(2):
        _accept_defaults(child, names)
    child.expect_exact("Turn 3:")
    child.expect_exact("turn 4 of 4")
    child.expect_exact("offer_containers [")
    child.sendline("save")
    child.expect_exact("saved after turn 3 to")
    child.expect_exact("offer_containers [")
    child.sendline("quit")
    child.expect_exact("Save the game before leaving? [Y/n]")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(json.loads(save.read_text())["moves"]) == 3

    transcript = tmp_path / "game.md"
    child = _spawn("--load", str(save), "--transcript", str(transcript), cwd=tmp_path)
    child.expect_exact("turn 4 of 4")
    _accept_defaults(child, names)
    child.expect_exact("Your DPRK's regime security over the game (the mean of every month) beat")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = transcript.read_text()
    assert text.count("## Turn ") == 4 and "Move: offer_containers 600" in text
    assert len(json.loads(save.read_text())["moves"]) == 4


def test_the_docs_sample_transcript_is_real_output(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "play.md").read_text("utf-8")
    moves = re.search(r"```yaml\n(.*?)```", doc, re.S)
    sample = re.search(r"```markdown\n(.*?)```", doc, re.S)
    assert moves and sample
    (tmp_path / "moves.yaml").write_text(moves.group(1))
    args = ["play", "baseline", "--as", "dprk", "--turn", "quarter", "--seed", "42"]
    args += ["--set", SHORT, "--moves", str(tmp_path / "moves.yaml")]
    args += ["--transcript", str(tmp_path / "game.md")]
    assert runner.invoke(app, args).exit_code == 0
    text = (tmp_path / "game.md").read_text("utf-8")
    for part in sample.group(1).split("\n...\n"):
        assert part.strip() in text


def test_the_lever_table_in_the_docs_is_every_lever() -> None:
    from triad.game.levers import lever_table

    doc = (Path(__file__).resolve().parent.parent / "docs" / "play.md").read_text("utf-8")
    assert lever_table() in doc


def test_a_seat_taken_by_a_player_drops_its_drawn_policy_type_without_a_note() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", TriadNote)  # the full baseline has nothing to note
        session = Session("baseline", "china", seed=3)
    assert session.scenario.actors.china.policy == "human"
    assert "china.policy" not in session.scenario.uncertain
    assert session.scenario.actors.russia.policy == load_scenario("baseline").actors.russia.policy


def test_every_seat_starts_at_its_start_score_not_at_zero() -> None:
    model = TriadModel(load_scenario("baseline", ["worlds=8"]))
    assert np.array_equal(model.state["score_dprk"], np.full(8, 0.5))  # every term at its start
    assert (model.state["score_russia"] > 0).all() and (model.state["score_china"] > 0).all()


# ---------------------------------------------------------------------- the score in parts
@pytest.mark.parametrize(("seat", "rebuild"), [("dprk", expit), ("russia", np.exp)])
def test_the_dashboard_splits_the_score_into_parts_with_their_change(
    seat: str, rebuild: Callable[[float], float]
) -> None:
    from triad.game.dashboard import snapshot

    game = Session("baseline", seat, "quarter", seed=42, overrides=[SHORT])
    game.play({})
    before = game.parts()
    game.play({})
    board = snapshot(game).breakdown
    parts = {p.name: p for p in board.parts}
    assert set(parts) == set(game.model.score_parts(seat).parts)
    assert rebuild(sum(p.now for p in board.parts)) == pytest.approx(game.score, rel=1e-6)
    assert {n: p.change for n, p in parts.items()} == pytest.approx(
        {n: game.parts()[n] - before[n] for n in parts}
    )
    changes = [p.change or 0.0 for p in board.parts]
    assert changes == sorted(changes, reverse=True)  # what raised the score first
    assert board.change == pytest.approx(game.score - game.turns[0].state[f"score_{seat}"])
    assert all((p.change or 0.0) > 0 for p in board.raised)
    assert all((p.change or 0.0) < 0 for p in board.lowered)
    assert None not in [p.change for p in board.parts]


def test_the_transcript_gives_every_part_and_what_its_scale_means(tmp_path: Path) -> None:
    from triad.game.play import transcript

    game = Session("baseline", "china", "quarter", seed=42, overrides=[SHORT])
    game.play({"trade_level": 0.5})
    text = transcript(game)
    assert "in parts, on the log scale: the score is e^(sum of the parts)" in text
    assert "| part | now | change over the turn |" in text
    for name, value in game.parts().items():
        change = value - game.initial_parts[name]
        assert f"| {name} | {value:+.3f} | {round(change, 3) + 0.0:+.3f} |" in text


# ---------------------------------------------------------------------- the compact view
def _fits(text: str, rows: int) -> list[str]:
    lines = text.rstrip("\n").splitlines()
    assert len(lines) <= rows, "\n".join(lines)
    assert max(len(line) for line in lines) <= 80
    return lines


@pytest.mark.parametrize(("seat", "fog"), [("dprk", False), ("russia", True), ("china", False)])
def test_the_compact_dashboard_fits_80_columns(seat: str, fog: bool) -> None:
    from rich.console import Console

    from triad.game.dashboard import SPARK, render_compact, snapshot

    game = Session("baseline", seat, "month", seed=4, fog=fog, overrides=[SHORT])
    for _ in range(4):
        game.play({})
    board = snapshot(game)
    flood = replace(board, news=tuple(f"2024-01 · happening {i} " + "x" * 90 for i in range(40)))
    for shown in (board, flood):
        console = Console(width=80, record=True, file=io.StringIO())
        console.print(render_compact(shown, 80, 22))
        lines = _fits(console.export_text(), 22)
        assert any(set(line) & set(SPARK) for line in lines[1:4])  # sparklines kept
        assert lines[0].startswith("baseline · you play")
    shown_news = [line for line in lines if line.startswith(" 2024-01 · happening")]
    left = re.fullmatch(r" \.\.\. and (\d+) more \(the transcript has all\)", lines[-1])
    assert left and len(shown_news) + int(left.group(1)) == 40  # what did not fit is counted


def test_in_80_by_24_the_dashboard_and_the_lever_prompt_fit_the_screen(tmp_path: Path) -> None:
    from rich.console import Console

    from triad.game.play import PlayOptions, play

    moves = tmp_path / "moves.yaml"
    moves.write_text("- {offer_containers: 900}\n- {launch: yes}\n")
    console = Console(width=80, height=24, record=True, file=io.StringIO())
    screens: list[str] = []

    def ask(prompt: str) -> str:
        screens.append(console.export_text() + prompt)
        return "quit" if len(screens) == 1 else "n"

    options = PlayOptions("baseline", "dprk", "month", 42, overrides=(SHORT,), moves=moves)
    play(replace(options, compact=True), console, ask)
    screen = screens[0][screens[0].rindex("baseline · you play") :]  # turn 3's dashboard
    lines = _fits(screen, 24)
    assert "turn 3 of 12" in lines[0] and lines[-1] == "offer_containers [900]: "
    assert "your levers" not in screen  # the table is at `help`
    assert any(line.startswith("commands: Enter keeps the default, advice, ff N") for line in lines)


def test_a_small_terminal_gets_the_compact_view_a_large_one_the_full() -> None:
    from rich.console import Console

    from triad.cli import play as play_cli
    from triad.game.play import FULL_HEIGHT, FULL_WIDTH, PlayOptions, compact_view

    assert play_cli.FULL_SIZE == (FULL_WIDTH, FULL_HEIGHT)
    small = Console(width=80, height=24, force_terminal=True, file=io.StringIO())
    large = Console(width=160, height=60, force_terminal=True, file=io.StringIO())
    piped = Console(width=80, height=24, force_terminal=False, file=io.StringIO())
    auto = PlayOptions()
    assert (compact_view(auto, small), compact_view(auto, large)) == (True, False)
    assert compact_view(auto, piped) is False  # a transcript of stdout keeps the full view
    assert compact_view(replace(auto, compact=True), large) is True
    assert compact_view(replace(auto, compact=False), small) is False


# ---------------------------------------------------------------------- the model's advice
def test_the_advice_is_the_scenarios_own_policy_drawn_for_this_world() -> None:
    # world 0 of seed 4 draws China's punisher from the baseline's uncertain policy type;
    # China's policy sees only last month's state, so its advice is exactly its own play
    game = Session("baseline", "china", "month", seed=4, overrides=[SHORT])
    assert game.own_policy.name == "punisher"
    assert game.defaults() == game.advice()  # before the first move
    while not game.done:
        game.play(game.advice())
    own = TriadModel(
        prepare_scenario("baseline", RunOptions(worlds=1, seed=4, overrides=[SHORT]))
    ).run()
    assert np.array_equal(own.recorder.series("score_china")[:, 0], game.series("score_china"))
    assert Session("china_punishes", "china", seed=1, overrides=[SHORT]).own_policy.name == (
        "punisher"
    )


def _play(tmp_path: Path, answers: list[str], **options: object) -> tuple[Session, str]:
    """Play through ``play()`` with typed answers; returns the session and what was shown."""
    from rich.console import Console

    from triad.game.play import PlayOptions, play

    console = Console(width=120, record=True, file=io.StringIO())
    typed = iter(answers)

    def ask(prompt: str) -> str:
        return next(typed, "quit") if "Save the game" not in prompt else "n"

    settings = PlayOptions("baseline", "dprk", "quarter", 42, overrides=(SHORT,))
    outcome = play(replace(settings, **options), console, ask)  # type: ignore[arg-type]
    return outcome.session, console.export_text()


def test_advice_fills_every_lever_and_is_shown_before_it_is_played(tmp_path: Path) -> None:
    fresh = Session("baseline", "dprk", "quarter", seed=42, overrides=[SHORT])
    advice = fresh.advice()
    game, shown = _play(tmp_path, ["1200", "advice", "n", "advice", "y"])
    assert "the model's advice (DPRK's transactional policy): offer_containers" in shown
    assert len(game.turns) == 1 and game.turns[0].move == advice  # the 1200 was replaced
    assert game.turns[0].move["offer_containers"] != 1200


# ---------------------------------------------------------------------- fast forward, undo
def test_ff_plays_turns_without_asking_on_the_current_levers_or_the_advice(
    tmp_path: Path,
) -> None:
    game, shown = _play(tmp_path, ["700", "ff 3"])
    assert [t.move["offer_containers"] for t in game.turns] == [700.0] * 3
    assert "Turn 3: score" in shown
    advised, _ = _play(tmp_path, ["ff 2 advice"])
    replay = Session("baseline", "dprk", "quarter", seed=42, overrides=[SHORT])
    for turn in advised.turns:
        assert turn.move == replay.advice()
        replay.play(replay.advice())
    assert len(advised.turns) == 2
    _, refused = _play(tmp_path, ["ff many"])
    assert "rejected: 'ff many': ff N plays N turns without asking" in refused


def test_undo_replays_the_game_to_before_the_last_turn() -> None:
    game = Session("baseline", "dprk", "quarter", seed=42, overrides=[SHORT])
    with pytest.raises(GameError, match="nothing to undo"):
        game.undo()
    game.play({"offer_containers": 500})
    state, news = game.state, game.turns[0].news
    game.play({"offer_containers": 100, "launch": 1})
    undone = game.undo()
    assert undone.number == 2 and len(game.turns) == 1 and game.model.month == 3
    assert game.state == state and game.turns[0].news == news
    again = game.play({"offer_containers": 100, "launch": 1})
    other = Session("baseline", "dprk", "quarter", seed=42, overrides=[SHORT])
    other.play({"offer_containers": 500})
    assert again.state == other.play({"offer_containers": 100, "launch": 1}).state


def test_undo_at_the_prompt_rewrites_the_save_which_still_loads(tmp_path: Path) -> None:
    save = tmp_path / "game.json"
    game, shown = _play(tmp_path, ["undo", "ff 2", "undo"], save=save)
    assert "nothing to undo: this is the first turn" in shown and "took back turn 2" in shown
    assert len(game.turns) == 1
    data = json.loads(save.read_text())
    assert (data["version"], len(data["moves"])) == (1, 1)  # the save format is unchanged
    assert Session.load(save).state == game.state


# ---------------------------------------------------------------------- news
def _news(game: Session) -> list[str]:
    return [line for turn in game.turns for line in turn.news]


def test_news_reports_a_cut_as_the_move_of_the_seat_that_made_it() -> None:
    russia = Session("baseline", "russia", "month", seed=2, overrides=[SHORT])
    russia.play({"pay_share": 0.9})
    russia.play({"pay_share": 0.3})
    assert "2023-10 · Russia cuts the share of the agreed value it pays: 0.9 -> 0.3" in _news(
        russia
    )
    china = Session("baseline", "china", "month", seed=2, overrides=[SHORT])
    china.play({"trade_level": 1.0})
    china.play({"trade_level": 0.2})
    assert "2023-10 · China cuts its trade with DPRK: 1 -> 0.2 x normal" in _news(china)
    # a steady low offer while Russia under-pays is no cut of DPRK's: the model logs one
    # every month, the news none
    dprk = Session("baseline", "dprk", "month", seed=2, overrides=[SHORT])
    for _ in range(6):
        dprk.play({"offer_containers": 300})
    assert (dprk.series("payment_ratio") < 1).all()
    logged = dprk.model.log.frame()["detail"].str.startswith("DPRK cuts its offer").sum()
    assert logged >= 4
    assert not [line for line in _news(dprk) if "DPRK cuts" in line]
    dprk.play({"offer_containers": 100})
    assert "2024-03 · DPRK cuts its offer of shells to Russia: 300 -> 100 containers/month" in (
        dprk.turns[-1].news
    )


def test_advice_ff_and_undo_in_a_small_real_terminal(tmp_path: Path) -> None:
    save = tmp_path / "game.json"
    child = _spawn(
        "baseline", "--as", "dprk", "--turn", "quarter", "--seed", "9", "--set", SHORT,
        "--save", str(save), cwd=tmp_path, rows=24, columns=80,
    )  # fmt: skip
    child.expect_exact("turn 1 of 4")
    child.expect_exact("trust (yours / theirs)")  # the compact view, without the lever table
    child.expect_exact("commands: Enter keeps the default, advice, ff N, undo, save, quit, help")
    assert "your levers" not in child.before
    child.expect_exact("offer_containers [")
    child.sendline("advice")
    child.expect_exact("the model's advice (DPRK's transactional policy): offer_containers")
    child.expect_exact("Play the model's advice? [Y/n]: ")
    child.sendline("")
    child.expect_exact("Turn 1: offer_containers")
    child.expect_exact("turn 2 of 4")
    child.expect_exact("offer_containers [")
    child.sendline("ff 2")
    child.expect_exact("Turn 2: score")
    child.expect_exact("Turn 3: score")
    child.expect_exact("turn 4 of 4")
    child.expect_exact("offer_containers [")
    child.sendline("undo")
    child.expect_exact("took back turn 3")
    child.expect_exact("turn 3 of 4")
    child.expect_exact("offer_containers [")
    child.sendline("quit")
    child.expect_exact("Save the game before leaving? [Y/n]")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(json.loads(save.read_text())["moves"]) == 2


def test_an_event_with_two_actions_is_one_news_line_and_the_compact_view_repeats_none() -> None:
    from triad.game.dashboard import compact_lines, snapshot

    game = Session("baseline", "dprk", "month", seed=2, overrides=[SHORT])
    for _ in range(4):  # srbm_deliveries (2023-12) sets two levers of DPRK's missiles
        game.play({})
    lines = [line for line in _news(game) if "srbm_deliveries" in line]
    assert len(lines) == 1
    assert "dprk.missiles.max_offer set" in lines[0]
    assert "dprk.missiles.trust_threshold set" in lines[0]
    news = compact_lines(snapshot(game), 80, 40)
    shown = news[news.index("news:") + 1 :]
    assert shown and len(shown) == len(set(shown))


def test_play_help_reads_as_whole_lines_at_80_columns() -> None:
    from triad.cli.play import play as play_command

    result = CliRunner().invoke(app, ["play", "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0
    shown = [line.strip() for line in result.output.splitlines()]
    intro = (play_command.__doc__ or "").split("\n\n")[1]
    for line in intro.splitlines():  # each line of the intro is one line of the help
        assert line.strip() in shown, line

"""The turn loop: show the dashboard, ask each lever, step the model, and score the game.

Each turn the player sees the dashboard and sets each lever of the seat (Enter keeps the
default); the model then steps one month or a quarter while the other seats play their
scenario policies. At a prompt ``advice`` shows the move the model's own policy for the
seat would make and plays it if the player confirms, ``ff N`` plays N turns without asking
(``ff N advice``: each on the model's advice), ``undo`` takes back the last turn, ``save``
saves the game, ``quit`` offers to save and leaves, ``help`` shows the levers again; Ctrl-C
offers to save too. A moves file plays the turns it lists (a YAML list, one mapping of
lever -> value per turn; levers left out keep their defaults), then the game goes on at
the prompt. A terminal smaller than :data:`FULL_WIDTH` x :data:`FULL_HEIGHT` (or
``--compact``) gets the compact dashboard, which fits 80 columns and 24 rows with the prompt.

At the end the seat's objective score is ranked against the model's own play: the same
scenario, seed and horizon run as an ensemble with every seat on its scenario policy
(world 0 of that ensemble draws the same random numbers as the player's world).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table
from rich.text import Text

from triad.errors import GameError
from triad.game.dashboard import (
    markdown,
    render,
    render_compact,
    snapshot,
    sparkline,
)
from triad.game.levers import Lever, Move, check_move, levers, move_line
from triad.game.session import (
    ACTOR_NAMES,
    SCORE_METRIC,
    Session,
    Turn,
    TurnClock,
    write_atomically,
)
from triad.runs.ensemble import bands, run_ensemble
from triad.runs.options import RunOptions, prepare_scenario
from triad.runs.simulation import Simulation
from triad.scenario.schema import Scenario
from triad.scenario.yamlsafe import parse_value, read_text
from triad.text import format_number, signed_fixed

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Ask = Callable[[str], str]
"""Reads one line from the player, given a prompt (``input`` in a terminal)."""

ENSEMBLE_WORLDS: Final = 200
SCORE_WORDS: Final = {
    "dprk": "regime security",
    "russia": "objective score (shells without exposure)",
    "china": "objective score (stability and influence)",
}
PLAYER_COLOR: Final = "#c0392b"
"""The player's line on the chart: red over the model's grey fan."""
COMMANDS: Final = "commands: Enter keeps the default, advice, ff N, undo, save, quit, help"
FF_USAGE: Final = (
    "ff N plays N turns without asking, each lever at its current value (a launch: no); "
    "ff N advice plays each on the model's advice"
)
FULL_WIDTH: Final = 100
FULL_HEIGHT: Final = 40
"""A terminal smaller than this (columns, rows) gets the compact dashboard."""
COMPACT_ROWS: Final = 24
"""Rows the compact dashboard and the prompt fit in when the console is not a terminal."""
PROMPT_ROWS: Final = 2
"""Rows below the compact dashboard: the commands line and the first lever's prompt."""


class Quit(Exception):  # noqa: N818 - a signal to leave, not an error
    """The player asked to leave the game."""


@dataclass(frozen=True)
class PlayOptions:
    """How to play: the ``triad play`` options.

    Attributes:
        scenario: Bundled scenario name or scenario file.
        seat: ``russia``, ``china`` or ``dprk``.
        turn: ``month`` or ``quarter``.
        seed: Seed (default: the scenario's).
        fog: Partners' hidden state as noisy estimates.
        overrides: ``PATH=VALUE`` scenario overrides.
        save: Save file, written after every turn.
        load: Saved game to resume (its options replace the ones above).
        moves: Scripted moves (YAML list).
        transcript: Markdown record of every turn.
        chart: PNG of the player's score over the model's fan (default: beside the
            transcript, if any).
        worlds: Worlds of the model's own ensemble.
        compact: The compact dashboard (True), the full one (False), or the compact one
            only in a terminal smaller than :data:`FULL_WIDTH` x :data:`FULL_HEIGHT` (None).
    """

    scenario: str = "baseline"
    seat: str = "dprk"
    turn: str = "month"
    seed: int | None = None
    fog: bool = False
    overrides: tuple[str, ...] = ()
    save: Path | None = None
    load: Path | None = None
    moves: Path | None = None
    transcript: Path | None = None
    chart: Path | None = None
    worlds: int = ENSEMBLE_WORLDS
    compact: bool | None = None

    @property
    def save_to(self) -> Path | None:
        """Where the game is saved: ``save``, else the resumed file."""
        return self.save or self.load

    @property
    def chart_to(self) -> Path | None:
        """Where the final chart goes."""
        if self.chart is not None:
            return self.chart
        return self.transcript.with_suffix(".png") if self.transcript else None


@dataclass(frozen=True)
class Ranking:
    """The player's game against the model's own play of the same scenario.

    Attributes:
        metric: The seat's score metric.
        player: The player's score month by month.
        bands: Quantiles of the model's worlds month by month (see ``bands``).
        finals: The model's worlds' final scores.
        percentile: Share of the model's worlds the player beat, in percent (ties half).
    """

    metric: str
    player: NDArray[np.float64]
    bands: pd.DataFrame
    finals: NDArray[np.float64]
    percentile: float


@dataclass(frozen=True)
class GameResult:
    """How a game session ended.

    Attributes:
        session: The game.
        comparison: The ranking against the model, if the game reached its horizon.
        saved: Where it was last saved, if anywhere.
    """

    session: Session
    comparison: Ranking | None
    saved: Path | None


@dataclass(frozen=True)
class FastForward:
    """Play turns without asking (``ff N`` at a prompt).

    Attributes:
        move: This turn's move.
        turns: Turns to play, this one included.
        advice: Whether the later turns take the model's advice (else each lever keeps its
            current value, as Enter does).
    """

    move: Move
    turns: int
    advice: bool


@dataclass(frozen=True)
class Command:
    """A command at a lever prompt that ends the asking of the turn.

    Attributes:
        kind: ``advice`` (show the model's move and play it if confirmed), ``ff`` (fast
            forward) or ``undo`` (take back the last turn).
        turns: Turns to fast-forward.
        advice: Whether to fast-forward on the model's advice.
    """

    kind: Literal["advice", "ff", "undo"]
    turns: int = 1
    advice: bool = False


UNDO: Final = Command("undo")

type Answer = Move | FastForward | Command
"""What the player answers at a turn's prompts: a move, a fast forward, or ``undo``."""


# ---------------------------------------------------------------------- the game
def play(options: PlayOptions, console: Console, ask: Ask) -> GameResult:
    """Play a game to its end or until the player leaves.

    Args:
        options: The game's options.
        console: Where the dashboard goes.
        ask: Reads the player's entries.

    Returns:
        The session, its comparison with the model (if finished) and where it was saved.

    Raises:
        GameError: If an option, the moves file or the saved game is not usable.
        ScenarioError: If the scenario cannot be loaded.
    """
    check_outputs(options)
    session = start(options)
    scripted: list[Answer] = [*read_moves(options.moves, session)] if options.moves else []
    saved = options.save_to if options.load else None
    compact = compact_view(options, console)
    try:
        while not session.done:
            show(session, console, compact)
            answer = (
                scripted.pop(0) if scripted else ask_move(session, console, ask, options, compact)
            )
            if answer == UNDO:
                undone = session.undo()
                console.print(f"took back turn {undone.number}", markup=False)
            elif isinstance(answer, FastForward):
                fast_forward(session, answer, console, options, compact)
            elif isinstance(answer, dict):
                _report(session, session.play(answer), console, compact)
            saved = _after_turn(session, options) or saved
    except (Quit, KeyboardInterrupt, EOFError):
        console.print()
        return GameResult(session, None, offer_save(session, console, ask, options) or saved)
    comparison = finish(session, console, options, compact)
    return GameResult(session, comparison, saved)


def compact_view(options: PlayOptions, console: Console) -> bool:
    """Whether to show the compact dashboard: as asked, else in a small terminal."""
    if options.compact is not None:
        return options.compact
    small = console.width < FULL_WIDTH or console.height < FULL_HEIGHT
    return console.is_terminal and small


def show(session: Session, console: Console, compact: bool) -> None:
    """Show the dashboard: the compact one fits the console with the prompt below it."""
    board = snapshot(session)
    if not compact:
        console.print(render(board))
        return
    rows = console.height if console.is_terminal else COMPACT_ROWS
    console.print(render_compact(board, console.width, max(rows - PROMPT_ROWS, 1)))


def fast_forward(
    session: Session, ff: FastForward, console: Console, options: PlayOptions, compact: bool
) -> None:
    """Play ``ff.turns`` turns without asking, saving and writing the transcript after each."""
    move = ff.move
    for index in range(ff.turns):
        if session.done:
            break
        if index:
            move = session.advice() if ff.advice else session.defaults()
        _report(session, session.play(move), console, compact, score=True)
        if index < ff.turns - 1:
            _after_turn(session, options)


def _report(
    session: Session, turn: Turn, console: Console, compact: bool, score: bool = False
) -> None:
    """The move just played on one line (cut to the width in the compact view).

    With ``score`` (a fast-forwarded turn, whose dashboard is not shown) the line starts
    with the score after the turn and its change.
    """
    line = f"Turn {turn.number}: "
    if score:
        change = snapshot(session).breakdown.change
        line += f"score {format_number(session.score)} ({signed_fixed(change or 0.0)}) · "
    line += move_text(session, turn.move)
    if compact:
        console.print(Text(line, no_wrap=True, overflow="ellipsis"))
    else:
        console.print(line, markup=False)


def start(options: PlayOptions) -> Session:
    """A new game, or the resumed one."""
    if options.load is not None:
        return Session.load(options.load)
    return Session(
        options.scenario, options.seat, options.turn, options.seed, options.fog, options.overrides
    )


def check_outputs(options: PlayOptions) -> None:
    """Refuse to overwrite files the game did not write, before anything runs.

    Raises:
        GameError: If an output exists (a save file may be the resumed one) or its folder
            does not.
    """
    outputs = {"--save": options.save, "--transcript": options.transcript}
    outputs["--chart"] = options.chart_to
    for flag, path in outputs.items():
        if path is None:
            continue
        if not path.parent.is_dir():
            raise GameError(f"{flag} {path}: folder {path.parent} does not exist")
        resumed = flag == "--save" and options.load is not None and _same(path, options.load)
        if path.exists() and not resumed:
            raise GameError(f"{flag} {path}: the file exists; choose a new name (nothing is lost)")


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _after_turn(session: Session, options: PlayOptions) -> Path | None:
    """Autosave and rewrite the transcript after a turn; returns where it was saved."""
    if options.transcript is not None:
        write_text(options.transcript, transcript(session))
    if options.save_to is not None:
        session.save(options.save_to)
    return options.save_to


# ---------------------------------------------------------------------- asking
def ask_move(
    session: Session, console: Console, ask: Ask, options: PlayOptions, compact: bool = False
) -> Answer:
    """Ask each lever in turn; Enter keeps the default.

    The full view shows the lever table first; the compact one only the commands. At any
    lever ``advice`` shows the model's move for the turn and plays it if confirmed, ``ff N``
    fast-forwards (the levers entered so far hold, the rest keep their defaults), ``undo``
    takes back the last turn.

    Raises:
        Quit: If the player types ``quit``.
    """
    defaults = session.defaults()
    if not compact:
        console.print(lever_table(session, defaults))
    console.print(COMMANDS)
    move: Move = {}
    for lever in levers(session.seat):
        while lever.name not in move:
            answer = ask_lever(lever, defaults[lever.name], session, console, ask, options)
            if not isinstance(answer, Command):
                move[lever.name] = float(answer)
            elif answer.kind == "undo":
                return answer
            elif answer.kind == "ff":
                chosen = session.advice() if answer.advice else defaults | move
                return FastForward(chosen, answer.turns, answer.advice)
            elif take_advice(session, console, ask):
                return session.advice()
    return move


def take_advice(session: Session, console: Console, ask: Ask) -> bool:
    """Show the model's advice for the turn and ask whether to play it."""
    console.print(
        f"{advice_words(session)}: {move_text(session, session.advice())}",
        markup=False,
        highlight=False,
    )
    answer = ask("Play the model's advice? [Y/n]: ").strip().lower()
    if answer == "quit":
        raise Quit
    return answer in ("", "y", "yes")


def advice_words(session: Session) -> str:
    """``the model's advice (DPRK's transactional policy)``."""
    name = session.own_policy.name
    return f"the model's advice ({ACTOR_NAMES[session.seat]}'s {name} policy)"


def ask_lever(
    lever: Lever, default: float, session: Session, console: Console, ask: Ask, options: PlayOptions
) -> float | Command:
    """Ask one lever until the entry is valid or a command that ends the asking.

    Returns:
        The lever's value, or the command ``advice``, ``ff`` or ``undo``.

    Raises:
        Quit: If the player types ``quit``.
    """
    while True:
        text = ask(f"{lever.name} [{lever.show(default)}]: ").strip()
        command = text.lower()
        if not command:
            return default
        if command == "quit":
            raise Quit
        if command == "save":
            _save_now(session, console, ask, options)
            continue
        if command in ("help", "?"):
            console.print(lever_table(session, session.defaults()))
            continue
        if command in ("advice", "a"):
            return Command("advice")
        if command == "undo":
            if session.turns:
                return UNDO
            console.print("nothing to undo: this is the first turn", markup=False)
            continue
        if command.split()[0] == "ff":
            ff = _fast_forward(command, session, console)
            if ff is not None:
                return ff
            continue
        try:
            return lever.parse(text)
        except GameError as error:
            console.print(f"rejected: {error}; {COMMANDS}", markup=False, highlight=False)


def _fast_forward(command: str, session: Session, console: Console) -> Command | None:
    """Read ``ff N`` or ``ff N advice``; None (with the usage shown) if malformed."""
    words = command.split()
    left = session.total_turns - len(session.turns)
    ok = len(words) in (2, 3) and words[1].isdigit() and int(words[1]) >= 1
    if not ok or (len(words) == 3 and words[2] not in ("advice", "a")):
        console.print(f"rejected: {command!r}: {FF_USAGE}", markup=False, highlight=False)
        return None
    turns = int(words[1])
    if turns > left:
        console.print(f"ff {turns}: {left} turns are left; playing {left}", markup=False)
    return Command("ff", min(turns, left), len(words) == 3)


def lever_table(session: Session, defaults: Move) -> Table:
    """The seat's levers: what each does, its allowed values, default and model's choice."""
    table = Table(title="your levers", title_justify="left")
    for name in ("lever", "what it does", "allowed", "default", "model's choice"):
        table.add_column(name)
    advice = session.advice()
    for lever in levers(session.seat):
        table.add_row(
            lever.name,
            lever.spec.help,
            lever.allowed(),
            lever.show(defaults[lever.name]),
            lever.show(advice[lever.name]),
        )
    return table


def move_text(session: Session, move: Move) -> str:
    """A move on one line: ``offer_containers 500 · price_ask 1,200 · launch no``."""
    return move_line(session.seat, move)


# ---------------------------------------------------------------------- saving
def _save_now(session: Session, console: Console, ask: Ask, options: PlayOptions) -> Path | None:
    """Save where the options say, or where the player says."""
    path = options.save_to or _ask_path(session, console, ask)
    if path is None:
        return None
    session.save(path)
    console.print(f"saved after turn {len(session.turns)} to {path}", markup=False)
    return path


def offer_save(session: Session, console: Console, ask: Ask, options: PlayOptions) -> Path | None:
    """Offer to save before leaving; an interrupted or closed prompt leaves without saving."""
    try:
        answer = ask("Save the game before leaving? [Y/n]: ").strip().lower()
        if answer in ("", "y", "yes"):
            return _save_now(session, console, ask, options)
    except (KeyboardInterrupt, EOFError):
        console.print()
    if options.save_to is not None and session.turns:
        console.print(f"the game up to turn {len(session.turns)} is in {options.save_to}")
    return None


def _ask_path(session: Session, console: Console, ask: Ask) -> Path | None:
    default = f"triad-{session.scenario.name}-{session.seat}.json"
    while True:
        text = ask(f"save to [{default}]: ").strip() or default
        path = Path(text)
        if path.exists():
            console.print(f"{path} exists; choose a new name", markup=False)
        elif not path.parent.is_dir():
            console.print(f"folder {path.parent} does not exist", markup=False)
        else:
            return path


def write_text(path: Path, text: str) -> None:
    """Write a file atomically.

    Raises:
        GameError: If it cannot be written.
    """
    try:
        write_atomically(path, text.encode("utf-8"))
    except OSError as error:
        raise GameError(f"cannot write {path}: {error.strerror}") from None


# ---------------------------------------------------------------------- scripted moves
def read_moves(path: Path, session: Session) -> list[Move]:
    """Read a moves file: a YAML list with one mapping of lever -> value per turn.

    An empty entry (``- {}`` or ``-``) keeps every default. The moves apply from the next
    turn to be played (the first, or the one after a resumed game's last).

    Raises:
        GameError: Naming the file, the turn and the lever for any bad entry.
        ScenarioError: If the file cannot be read or is not YAML.
    """
    data = parse_value(read_text(path, str(path)), str(path))
    if data is None:
        return []
    if not isinstance(data, list):
        raise GameError(f"{path}: a moves file is a YAML list, one mapping per turn")
    left = session.total_turns - len(session.turns)
    if len(data) > left:
        raise GameError(f"{path}: {len(data)} moves, but only {left} turns are left to play")
    moves = []
    for index, entry in enumerate(data):
        where = f"{path}: turn {len(session.turns) + index + 1}"
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            raise GameError(f"{where}: a move is a mapping of lever -> value")
        moves.append(check_move(session.seat, entry, where))
    return moves


# ---------------------------------------------------------------------- the end
def rank_game(session: Session, worlds: int = ENSEMBLE_WORLDS) -> Ranking:
    """Rank the player's final score among the model's own worlds."""
    metric = SCORE_METRIC[session.seat]
    sim = model_play(
        session.scenario_ref,
        session.overrides,
        worlds=worlds,
        seed=session.seed,
        months=session.months,
    )
    return rank(sim, metric, session.series(metric))


def rank(sim: Simulation, metric: str, player: NDArray[np.float64]) -> Ranking:
    """Rank a player's score among the worlds of the model's own play.

    Args:
        sim: The model's own play (:func:`model_play`).
        metric: The seat's score metric.
        player: The player's score month by month.
    """
    finals = final_scores(sim, metric)
    mine = float(np.mean(player))
    return Ranking(metric, player, bands(sim, metric), finals, share_beaten(finals, mine))


def model_play(
    scenario: str | Scenario, overrides: Sequence[str], *, worlds: int, seed: int, months: int
) -> Simulation:
    """The model's own play of a scenario: an ensemble with every seat on its policy.

    Args:
        scenario: Bundled scenario name, scenario file, or a scenario (then without
            overrides).
        overrides: ``PATH=VALUE`` overrides.
        worlds: Worlds of the ensemble.
        seed: Seed (world 0 draws the random numbers of a one-world game with this seed).
        months: Horizon.

    Raises:
        ScenarioError: If the scenario cannot be loaded.
    """
    options = RunOptions(worlds=worlds, seed=seed, months=months, overrides=overrides)
    reference = prepare_scenario(scenario, options)
    return run_ensemble(reference, log_worlds=0)


def final_scores(sim: Simulation, metric: str) -> NDArray[np.float64]:
    """The game score of every world of a run: a metric averaged over its months.

    A seat is judged on every month it played, not on where it ends (see
    :mod:`triad.game.env`, Rewards).
    """
    return game_scores(np.asarray(sim.series(metric), dtype=np.float64))


def game_scores(series: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
    """Scores month by month, shape ``(months, ...)``, averaged over the months."""
    out: NDArray[np.float64] = np.mean(np.asarray(series, dtype=np.float64), axis=0)
    return out


def share_beaten(finals: NDArray[np.float64], score: float) -> float:
    """The share of the model's worlds a final score beats, in percent (ties count half).

    Args:
        finals: The model's worlds' final scores.
        score: The score ranked among them.
    """
    return float(np.mean(finals < score) + 0.5 * np.mean(finals == score)) * 100.0


def verdict(session: Session, comparison: Ranking) -> str:
    """``Your DPRK's regime security over the game beat 81% of the model's 200 worlds``."""
    return (
        f"Your {ACTOR_NAMES[session.seat]}'s {SCORE_WORDS[session.seat]} over the game "
        f"(the mean of every month) beat {comparison.percentile:.0f}% of the model's "
        f"{comparison.finals.size} worlds (yours {float(np.mean(comparison.player)):.3f}; "
        "the model's median "
        f"{float(np.median(comparison.finals)):.3f}, 90% of its worlds "
        f"{float(np.quantile(comparison.finals, 0.05)):.3f} to "
        f"{float(np.quantile(comparison.finals, 0.95)):.3f})."
    )


def comparison_chart(session: Session, comparison: Ranking) -> Figure:
    """The player's score month by month over the fan of the model's worlds.

    Matplotlib is imported here, at the end of a game, so that the game starts fast.
    """
    from matplotlib.lines import Line2D

    from triad.plots.fan import fan_chart, legend_handles, scripted_events
    from triad.plots.style import SMALL_SIZE, date_numbers, scenario_colors

    label = f"the model's own play ({comparison.finals.size} worlds)"
    palette = scenario_colors([label])
    figure = fan_chart(
        {label: comparison.bands}, comparison.metric, scripted_events(session.scenario)
    )
    ax = figure.axes[0]
    x = date_numbers(comparison.bands["date"])
    ax.plot(x, comparison.player, color=PLAYER_COLOR, lw=2.2, zorder=30)
    you = Line2D([], [], color=PLAYER_COLOR, lw=2.2, label="your game")
    ax.legend(
        handles=[*legend_handles([label], palette), you],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=SMALL_SIZE + 1,  # the size the fan chart's right margin is laid out for
    )
    return figure


def finish(
    session: Session, console: Console, options: PlayOptions, compact: bool = False
) -> Ranking:
    """Show the score and the ranking, write the chart and the transcript's end."""
    show(session, console, compact)
    comparison = rank_game(session, options.worlds)
    console.print(f"[bold]Your score: {session.score:.3f}[/bold]")
    console.print(verdict(session, comparison), markup=False)
    median = comparison.bands["p50"].to_numpy()
    console.print(f"you          {sparkline(comparison.player)}", markup=False)
    console.print(f"model median {sparkline(median)}", markup=False)
    if options.transcript is not None:
        write_text(options.transcript, transcript(session, comparison))
    if options.chart_to is not None:
        from triad.plots.style import save

        save(comparison_chart(session, comparison), options.chart_to)
        console.print(f"chart: {options.chart_to}", markup=False)
    return comparison


# ---------------------------------------------------------------------- transcript
def transcript(session: Session, comparison: Ranking | None = None) -> str:
    """The Markdown record of the game: settings, every turn, and the result if finished."""
    parts = [_header(session)]
    parts += [_turn_section(session, turn) for turn in session.turns]
    if comparison is not None:
        parts.append(
            "## Result\n\n"
            f"Final {SCORE_WORDS[session.seat]}: {format_number(session.score)}.\n"
            f"{verdict(session, comparison)}\n"
        )
    return "\n".join(parts)


def _header(session: Session) -> str:
    return (
        f"# triad play: {session.scenario.name} as {ACTOR_NAMES[session.seat]}\n\n"
        f"- scenario: {session.scenario.title or session.scenario.name}\n" + settings_lines(session)
    )


def settings_lines(game: TurnClock) -> str:
    """The header lines of a game's report that give its turns, seed, fog and overrides."""
    sets = ", ".join(f"`{s}`" for s in game.overrides) or "none"
    return (
        f"- turns: {game.total_turns} of one {game.turn}, "
        f"{game.world.date(0)} to {game.world.date(game.months - 1)}\n"
        f"- seed: {game.seed}; fog of war: {'on' if game.fog else 'off'}; overrides: {sets}\n"
    )


def _turn_section(session: Session, turn: Turn) -> str:
    last = turn.first + turn.months - 1
    span = session.date(turn.first) + (f" to {session.date(last)}" if turn.months > 1 else "")
    return (
        f"## Turn {turn.number}: {span}\n\n"
        f"Move: {move_text(session, turn.move)}\n\n"
        f"After the turn:\n\n{markdown(snapshot(session, turn.number))}"
    )

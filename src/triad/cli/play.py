"""``triad play``: take a seat and play it turn by turn against the model's own policies.

The command checks its options, then hands over to :func:`triad.game.play.play`, which
runs the game in the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from triad.cli.options import SEED, SETS
from triad.errors import GameError

if TYPE_CHECKING:
    from triad.game.play import PlayOptions

# triad.game's values, kept here so that --help does not import the model and matplotlib;
# tests/test_startup.py checks that they equal the library's.
SEATS: tuple[str, ...] = ("russia", "china", "dprk")
"""``triad.game.levers.SEATS``: the seats a player can take, in the model's order."""
ENSEMBLE_WORLDS = 200
"""``triad.game.play.ENSEMBLE_WORLDS``: worlds of the model's own play a player is ranked in."""
FULL_SIZE = (100, 40)
"""``triad.game.play.FULL_WIDTH`` and ``FULL_HEIGHT`` (tests/test_play.py checks them)."""


def play(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="A scenario file or bundled name (not needed with --load).", show_default=False
        ),
    ] = None,
    seat: Annotated[
        str | None,
        typer.Option("--as", help=f"The seat you play: {', '.join(SEATS)}.", show_default=False),
    ] = None,
    turn: Annotated[
        str, typer.Option("--turn", help="Length of a turn: month or quarter.")
    ] = "month",
    seed: Annotated[int | None, SEED] = None,
    fog: Annotated[
        bool, typer.Option("--fog", help="See partners' hidden state only as noisy estimates.")
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Save the game to this new file after every turn."),
    ] = None,
    load: Annotated[
        Path | None,
        typer.Option("--load", help="Resume a saved game (it keeps saving there)."),
    ] = None,
    moves: Annotated[
        Path | None,
        typer.Option("--moves", help="Play scripted moves: a YAML list, one mapping per turn."),
    ] = None,
    transcript: Annotated[
        Path | None,
        typer.Option("--transcript", help="Write a Markdown record of every turn to this file."),
    ] = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            help="Draw your score over the model's fan to this PNG (default: beside the "
            "transcript).",
        ),
    ] = None,
    worlds: Annotated[
        int,
        typer.Option("--worlds", min=1, help="Worlds of the model's own play you are ranked in."),
    ] = ENSEMBLE_WORLDS,
    compact: Annotated[
        bool | None,
        typer.Option(
            "--compact/--full",
            help="The compact dashboard, which fits 80x24, or the full one (default: compact "
            f"in a terminal smaller than {FULL_SIZE[0]}x{FULL_SIZE[1]}).",
            show_default=False,
        ),
    ] = None,
    sets: Annotated[list[str] | None, SETS] = None,
) -> None:
    """Play a seat turn by turn; the other two play their scenario policies.

    At a prompt: Enter keeps the default; `advice` shows the model's move
    and plays it if you confirm; `ff N` plays N turns without asking
    (`ff N advice`: on the model's advice); `undo` takes back the last turn;
    `save` saves; `quit` offers to save and leaves; `help` shows the levers.
    Ctrl-C offers to save too.
    """  # typer keeps these line breaks: lines of at most 76 fit --help at 80 columns
    from triad.game.play import play as play_game

    settings = _settings(scenario, seat, load, turn=turn, seed=seed, fog=fog, sets=sets or [])
    options = replace(
        settings,
        save=save,
        load=load,
        moves=moves,
        transcript=transcript,
        chart=chart,
        worlds=worlds,
        compact=compact,
    )
    console = Console(highlight=False)
    play_game(options, console, _asker(console))


def _asker(console: Console) -> Callable[[str], str]:
    """Read a line at a plain-text prompt (brackets in it are not rich markup)."""

    def ask(prompt: str) -> str:
        return console.input(Text(prompt))

    return ask


def _settings(
    scenario: str | None,
    seat: str | None,
    load: Path | None,
    *,
    turn: str,
    seed: int | None,
    fog: bool,
    sets: list[str],
) -> PlayOptions:
    """The game settings: from the command line for a new game; a resumed game has its own.

    Raises:
        GameError: If a new game lacks its scenario or seat, or a resumed one is given them.
    """
    from triad.game.levers import check_seat
    from triad.game.play import PlayOptions

    if load is not None:
        if seat is not None or sets or seed is not None:
            raise GameError(
                "--load resumes a game with its own seat, seed and overrides; "
                "leave out --as, --seed and --set"
            )
        return PlayOptions()
    if scenario is None or seat is None:
        raise GameError("name a scenario and a seat: triad play SCENARIO --as dprk|russia|china")
    if turn not in ("month", "quarter"):
        raise GameError(f"--turn {turn!r}: choose month or quarter")
    return PlayOptions(scenario, check_seat(seat), turn, seed, fog, tuple(sets))

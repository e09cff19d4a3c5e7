"""The game state: one world of a scenario with the player's seat run by the ``human`` policy.

A :class:`Session` holds the scenario, the seat, the turn length, the seed, the fog flag,
the model (one world) and the history of turns: each move and what followed it. The model
is deterministic given the scenario, the seed and the moves, so a saved game is just those:
:meth:`Session.save` writes versioned JSON and :meth:`Session.load` validates it with
pydantic, replays the moves from the seed and checks that they reach the recorded state;
:meth:`Session.undo` goes back a turn the same way, by replaying all but the last move.

The session also keeps what the dashboard explains: the seat's score split into its parts
after every turn (``TriadModel.score_parts``), the model's own advice for the seat (the
policy the scenario gives its actor, :meth:`Session.advice`), and the turn's news, in which
each cut in trade, aid, payment or an offer is reported as the move of the seat that made it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from triad.errors import GameError
from triad.game.levers import Move, check_move, check_seat
from triad.game.world import ACTOR_NAMES, SCORE_METRIC, GameWorld
from triad.inputfile import UnreadableError, parse_json, read_capped
from triad.model.model import TriadModel
from triad.model.policies.base import Policy
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.confine import allowed_folders, inside, refusal
from triad.scenario.loader import bundled_dir, bundled_names
from triad.scenario.schema import Scenario

FORMAT: Final = "triad-play"
VERSION: Final = 1
"""Version of the save format; bumped when a saved game's meaning changes."""

TURN_MONTHS: Final = {"month": 1, "quarter": 3}
MAX_SAVE_BYTES: Final = 10 << 20

__all__ = ["ACTOR_NAMES", "SCORE_METRIC", "GameWorld", "Session", "Turn", "write_atomically"]
"""What the game's other modules take from here; ``ACTOR_NAMES`` and ``SCORE_METRIC`` live
in :mod:`triad.game.world`."""


@dataclass(frozen=True)
class Turn:
    """One played turn.

    Attributes:
        number: 1 for the first turn.
        first: Index of the turn's first month.
        months: Months the turn lasted (1, or 3 for a quarter; fewer at the horizon).
        move: Every lever of the seat as applied.
        state: Every metric of the world after the turn.
        partners: The other seats' actions in the turn's last month, lever -> value.
        news: What happened during the turn, one line per happening.
        parts: The seat's score split into its parts after the turn (see
            :meth:`Session.parts`).
    """

    number: int
    first: int
    months: int
    move: Move
    state: dict[str, float]
    partners: dict[str, Move]
    news: tuple[str, ...]
    parts: dict[str, float]


class Checkpoint(BaseModel):
    """The state a saved game's moves reach: checked after replaying them."""

    model_config = ConfigDict(extra="forbid", strict=True)
    month: int = Field(ge=0, description="Months played [months]")
    score: float = Field(description="The seat's objective score after them [index]")


class SavedGame(BaseModel):
    """A saved game: everything needed to rebuild it by replaying its moves."""

    model_config = ConfigDict(extra="forbid", strict=True)
    format: Literal["triad-play"] = Field(description="Always 'triad-play'")
    version: Literal[1] = Field(description="Version of the save format")
    scenario: str = Field(min_length=1, description="Scenario name or file, as given")
    overrides: list[str] = Field(description="--set overrides, in order")
    seat: Literal["russia", "china", "dprk"] = Field(description="The player's seat")
    turn: Literal["month", "quarter"] = Field(description="Length of a turn")
    seed: int = Field(ge=0, description="Seed of every random draw")
    fog: bool = Field(description="Partners' hidden state shown as noisy estimates")
    scenario_sha256: str = Field(description="Hash of the resolved scenario")
    moves: list[dict[str, float]] = Field(description="Every lever of every turn played")
    checkpoint: Checkpoint


class TurnClock:
    """The clock of a game played in turns: its horizon, turn length and whether it is over.

    Shared by the one-seat :class:`Session` and the three-team seminar; both hold a
    ``world`` (:class:`~triad.game.world.GameWorld`), a ``turn`` (``month``/``quarter``)
    and the settings a report names: ``seed``, ``fog`` and the ``overrides``.
    """

    world: GameWorld
    turn: str
    seed: int
    fog: bool
    overrides: list[str]

    # ------------------------------------------------------------------ the clock
    @property
    def months(self) -> int:
        """The horizon in months."""
        return self.world.months

    @property
    def turn_months(self) -> int:
        """Months in a full turn."""
        return TURN_MONTHS[self.turn]

    @property
    def total_turns(self) -> int:
        """Turns in the whole game."""
        return -(-self.months // self.turn_months)

    @property
    def done(self) -> bool:
        """Whether the horizon is reached."""
        return self.world.done


class Session(TurnClock):
    """A game in progress.

    Args:
        scenario: Bundled scenario name or scenario file.
        seat: ``russia``, ``china`` or ``dprk``.
        turn: ``month`` or ``quarter``.
        seed: Seed of every random draw (default: the scenario's).
        fog: Show partners' hidden state as noisy estimates.
        overrides: ``PATH=VALUE`` overrides applied to the scenario.

    Attributes:
        world: The game world (:class:`~triad.game.world.GameWorld`): the model, one world,
            the seat played by the ``human`` policy.
        turns: The turns played so far.
        actions: Every seat's action, month by month (lever -> value).
        initial: Every metric before the first turn.
        initial_parts: The seat's score parts before the first turn.
    """

    def __init__(
        self,
        scenario: str,
        seat: str,
        turn: str = "month",
        seed: int | None = None,
        fog: bool = False,
        overrides: Sequence[str] = (),
    ) -> None:
        self.seat = check_seat(seat)
        if turn not in TURN_MONTHS:
            raise GameError(f"unknown turn length {turn!r}; choose month or quarter")
        self.scenario_ref, self.turn, self.fog = scenario, turn, fog
        self.overrides = list(overrides)
        self._written = prepare_scenario(
            scenario, RunOptions(worlds=1, seed=seed, overrides=self.overrides)
        )
        self.world = GameWorld(self._written, (seat,))
        self.seed = self.scenario.seed
        self._new_world()

    def _new_world(self) -> None:
        """The world before the first turn: a new model from the seed, no turns played."""
        self.world.reset()
        self.turns: list[Turn] = []
        self.initial_parts = self.parts()

    @property
    def scenario(self) -> Scenario:
        """The scenario the model runs: the seat on the ``human`` policy."""
        return self.world.scenario

    @property
    def model(self) -> TriadModel:
        """The model: one world, the seat played by the ``human`` policy."""
        return self.world.model

    @property
    def actions(self) -> list[dict[str, Move]]:
        """Every seat's action, month by month (lever -> value)."""
        return self.world.actions

    @property
    def initial(self) -> dict[str, float]:
        """Every metric before the first turn."""
        return self.world.initial

    def date(self, month: int) -> str:
        """``YYYY-MM`` of a month index."""
        return self.world.date(month)

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> dict[str, float]:
        """Every metric of the world now (before the first turn: the initial state)."""
        return self.world.state

    @property
    def score(self) -> float:
        """The seat's objective score now, in [0, 1]."""
        return self.world.score(self.seat)

    def series(self, metric: str) -> NDArray[np.float64]:
        """A metric over the months played so far (empty before the first turn)."""
        return self.world.series(metric)

    def parts(self) -> dict[str, float]:
        """The seat's objective score now, split into its parts (``TriadModel.score_parts``).

        DPRK's parts are the terms of its regime security on the logit scale, Russia's and
        China's the parts of their scores on the log scale (:attr:`scale`); they add up to
        the score's logit or log.
        """
        return self.world.parts(self.seat)

    @property
    def scale(self) -> str:
        """The scale the score's parts add up on: ``logit`` or ``log``."""
        return self.world.scale(self.seat)

    def defaults(self) -> Move:
        """This turn's default of each lever.

        Its current value, or before the first move the model's advice (:meth:`advice`); a
        one-off lever defaults to "no" (see :func:`triad.game.levers.defaults`).
        """
        return self.world.defaults(self.seat)

    # ------------------------------------------------------------------ the model's advice
    @property
    def own_policy(self) -> Policy:
        """The policy the scenario gives the seat's actor: the model's own play of the seat.

        It is the policy of world 0 of the model's own ensemble (the world that draws the
        random numbers of this game), drawn for this world if the scenario's policy type is
        uncertain; a scenario that puts the seat on ``human`` gives its actor's default.
        """
        return self.world.own_policy(self.seat)

    def advice(self) -> Move:
        """What the model's own policy for the seat (:attr:`own_policy`) would do this turn.

        Every lever, as the seat's policy would set it in the turn's first month, seeing what
        the seat sees now.
        """
        return self.world.advice(self.seat)

    # ------------------------------------------------------------------ playing
    def play(self, move: Mapping[str, object]) -> Turn:
        """Apply a move (levers left out take their defaults) and step one turn.

        One-off levers (a launch) act in the turn's first month only.

        Raises:
            GameError: If the game is over or the move is not valid.
        """
        if self.done:
            raise GameError(f"the game is over: all {self.months} months are played")
        full = self.defaults() | check_move(self.seat, move)
        first = self.model.month
        months = self.world.play({self.seat: full}, self.turn_months)
        turn = Turn(
            number=len(self.turns) + 1,
            first=first,
            months=months,
            move=full,
            state=self.state,
            partners=self.world.partners(self.seat),
            news=self.world.news(first, first + months),
            parts=self.parts(),
        )
        self.turns.append(turn)
        return turn

    def undo(self) -> Turn:
        """Take back the last turn: replay every move but the last from the seed.

        The model is deterministic given the seed and the moves, so the game is where it was
        before that turn, to the last digit.

        Returns:
            The turn taken back.

        Raises:
            GameError: If no turn has been played.
        """
        if not self.turns:
            raise GameError("nothing to undo: no turn has been played")
        *kept, undone = self.turns
        self._new_world()
        for turn in kept:
            self.play(turn.move)
        return undone

    # ------------------------------------------------------------------ save and load
    def record(self) -> SavedGame:
        """The saved form of the game."""
        return SavedGame(
            format=FORMAT,
            version=VERSION,
            scenario=self.scenario_ref,
            overrides=self.overrides,
            seat=self.seat,  # type: ignore[arg-type]
            turn=self.turn,  # type: ignore[arg-type]
            seed=self.seed,
            fog=self.fog,
            scenario_sha256=self.scenario_hash(),
            moves=[dict(t.move) for t in self.turns],
            checkpoint=Checkpoint(month=self.model.month, score=self.score),
        )

    def scenario_hash(self) -> str:
        """SHA-256 of the resolved scenario: a saved game replays only on the same one."""
        return hashlib.sha256(self.scenario.model_dump_json().encode()).hexdigest()

    def save(self, path: Path) -> None:
        """Write the game as JSON, atomically (a crash never leaves half a file).

        Raises:
            GameError: If the file cannot be written.
        """
        text = json.dumps(self.record().model_dump(), indent=2) + "\n"
        try:
            write_atomically(path, text.encode("utf-8"))
        except OSError as error:
            raise GameError(f"cannot save the game to {path}: {error.strerror}") from None

    @classmethod
    def load(cls, path: Path) -> Session:
        """Read a saved game, replay its moves from the seed and check where they lead.

        Raises:
            GameError: Naming the file and the field if the file is missing, not a triad
                save, damaged or edited, or if the scenario changed since it was saved.
        """
        saved = read_saved(path)
        session = cls(
            saved.scenario, saved.seat, saved.turn, saved.seed, saved.fog, saved.overrides
        )
        if session.scenario_hash() != saved.scenario_sha256:
            raise GameError(
                f"{path}: scenario_sha256: scenario {saved.scenario!r} has changed since the "
                "game was saved; the moves would not replay to the same game"
            )
        for index, move in enumerate(saved.moves):
            if session.done:
                raise GameError(f"{path}: moves.{index}: more moves than turns in the game")
            session.play(check_move(session.seat, move, f"{path}: moves.{index}"))
        reached = Checkpoint(month=session.model.month, score=session.score)
        if reached != saved.checkpoint:
            raise GameError(
                f"{path}: checkpoint: the moves replay to month {reached.month}, score "
                f"{reached.score:.6f}, not the recorded month {saved.checkpoint.month}, score "
                f"{saved.checkpoint.score:.6f}: the file was edited or triad has changed"
            )
        return session


def read_saved(path: Path) -> SavedGame:
    """Read and validate a save file (no replay).

    Raises:
        GameError: Naming the file and, for a bad value, the field.
    """
    saved = read_record(path, SavedGame, FORMAT, VERSION, "saved game")
    check_scenario_file(saved.scenario, path)
    return saved


def read_record[Record: BaseModel](
    path: Path, schema: type[Record], format_name: str, version: int, noun: str
) -> Record:
    """Read a versioned JSON record and validate it with its pydantic schema (no replay).

    Args:
        path: The file.
        schema: The record's pydantic model.
        format_name: The record's ``format`` field (``triad-play``).
        version: The format version this triad reads.
        noun: What the file is, for messages (``saved game``).

    Raises:
        GameError: Naming the file and, for a bad value, the field.
    """
    try:
        raw = read_capped(path, MAX_SAVE_BYTES)
    except UnreadableError as error:
        raise GameError(f"cannot read {noun} {path}: it {error.reason}") from None
    try:
        data = parse_json(raw.decode("utf-8"))
    except UnreadableError as error:
        raise GameError(f"{path}: not a triad {noun} ({error.reason})") from None
    except UnicodeDecodeError as error:
        raise GameError(f"{path}: not a triad {noun} (not UTF-8: {error.reason})") from None
    if (
        isinstance(data, dict)
        and data.get("format") == format_name
        and data.get("version") != version
    ):
        raise GameError(
            f"{path}: version: saved with format version {data.get('version')!r}; this triad "
            f"reads version {version}"
        )
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        lines = [
            f"{path}: {'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}"
            for e in error.errors()
        ]
        raise GameError("\n".join(lines)) from None


def check_scenario_file(ref: str, path: Path) -> None:
    """Refuse a saved game whose scenario is a file outside the allowed folders.

    A save may come from someone else: its ``scenario`` is followed only to a bundled name
    or a file in the save's folder, the current folder or ``TRIAD_SCENARIO_PATH``
    (:mod:`triad.scenario.confine`).

    Raises:
        GameError: Naming the file and the field.
    """
    if ref.removesuffix(".yaml") in bundled_names():
        return
    if not inside(Path(ref).absolute(), allowed_folders(path.parent, bundled_dir())):
        message, hint = refusal(ref, "the saved game's scenario")
        raise GameError(f"{path}: scenario: {message} ({hint})")


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file whole or not at all, never through a planted link or file.

    The bytes go to a new temporary file of a random name beside ``path`` (created with
    ``O_EXCL``, so an existing name or a symbolic link is never opened), are flushed to
    disk, and the file then replaces ``path``. On any failure (a full disk) the temporary
    file is removed and ``path`` is as it was.

    Raises:
        OSError: If the folder cannot be written.
    """
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise

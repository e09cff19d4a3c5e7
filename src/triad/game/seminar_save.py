"""A seminar's save file: its versioned JSON record, its digests, and how it is read.

The record holds what rebuilds the seminar by replaying it (scenario, overrides, teams,
turn length, seed, fog, injected events, every turn's moves and which were forced) and what
the replay cannot give back (pending moves, the paused flag, the join tokens), with a
checkpoint the replay must reach. Each field also has its SHA-256 digest in ``digests``, so
that an edit to any field is named on loading, even one the replay cannot see (a token, a
pending move). The digests catch edits, not forgery: anyone who can write the file can
recompute them, so the folder must be writable by the server only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from triad.errors import GameError
from triad.game.levers import SEATS, check_move
from triad.game.session import check_scenario_file, read_record
from triad.scenario.schema import Event, Scenario

if TYPE_CHECKING:
    from triad.game.seminar import Seminar

FORMAT: Final = "triad-seminar"
VERSION: Final = 1
"""Version of the save format; bumped when a saved seminar's meaning changes."""
NOUN: Final = "seminar save"
ID_PATTERN: Final = r"^[0-9a-f]{8}$"
"""A seminar's id: eight lowercase hex digits (``secrets.token_hex(4)``)."""
TOKEN_PATTERN: Final = r"^[A-Za-z0-9_-]{22}$"
"""A join token: 22 URL-safe characters (``secrets.token_urlsafe(16)``)."""

type Seat = Literal["russia", "china", "dprk"]
type Token = Annotated[str, Field(pattern=TOKEN_PATTERN)]


class Strict(BaseModel):
    """A record part: no unknown fields, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True)


class SeminarCheckpoint(Strict):
    """The state a saved seminar's turns reach: checked after replaying them."""

    month: int = Field(ge=0, description="Months played [months]")
    scores: dict[Seat, float] = Field(description="Every seat's objective score [index]")


class PlayedTurn(Strict):
    """One resolved turn."""

    moves: dict[Seat, dict[str, float]] = Field(description="Every lever of each team")
    forced: list[Seat] = Field(description="Teams whose move the model's advice made")


class SavedSeminar(Strict):
    """A saved seminar: everything needed to rebuild it by replaying its turns."""

    format: Literal["triad-seminar"] = Field(description="Always 'triad-seminar'")
    version: Literal[1] = Field(description="Version of the save format")
    id: str = Field(pattern=ID_PATTERN, description="The seminar's id")
    scenario: str = Field(min_length=1, description="Scenario name or file, as given")
    overrides: list[str] = Field(description="--set overrides, in order")
    teams: list[Seat] = Field(min_length=1, max_length=3, description="Seats teams play")
    turn: Literal["month", "quarter"] = Field(description="Length of a turn")
    seed: int = Field(ge=0, description="Seed of every random draw")
    fog: bool = Field(description="Partners' hidden state shown as noisy estimates")
    scenario_sha256: str = Field(description="Hash of the resolved scenario")
    injected: list[Event] = Field(description="Events the facilitator injected, dated")
    turns: list[PlayedTurn] = Field(description="Every turn resolved")
    pending: dict[Seat, dict[str, float]] = Field(description="Moves of the turn in play")
    paused: bool = Field(description="Whether the facilitator paused the seminar")
    tokens: dict[Seat, Token] = Field(description="Each team's join token")
    facilitator: Token = Field(description="The facilitator's token")
    checkpoint: SeminarCheckpoint
    digests: dict[str, str] = Field(description="SHA-256 of each other field")


def digest(value: object) -> str:
    """SHA-256 of a JSON value written canonically (sorted keys, no spaces)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def field_digests(fields: dict[str, object]) -> dict[str, str]:
    """The digest of each field of a record (``digests`` itself left out)."""
    return {name: digest(value) for name, value in fields.items() if name != "digests"}


def read_seminar(path: Path) -> SavedSeminar:
    """Read and check a seminar save (no replay).

    Raises:
        GameError: Naming the file and the field: not a seminar save, a bad value, a field
            edited since triad wrote it, or fields that disagree (a move for a seat that is
            no team's).
    """
    saved = read_record(path, SavedSeminar, FORMAT, VERSION, NOUN)
    fields = saved.model_dump(mode="json")
    found = field_digests(fields)
    edited = sorted(
        name
        for name in found.keys() | saved.digests.keys()
        if found.get(name) != saved.digests.get(name)
    )
    if edited:
        raise GameError(
            f"{path}: {', '.join(edited)}: edited since triad wrote it (its digest does not "
            "match); a seminar save is not to be edited"
        )
    check_scenario_file(saved.scenario, path)
    check_agreement(saved, path)
    return saved


def check_agreement(saved: SavedSeminar, path: Path) -> None:
    """Check that a record's fields agree: teams, tokens, moves and pending moves.

    Raises:
        GameError: Naming the file and the field.
    """
    teams = saved.teams
    if len(set(teams)) != len(teams):
        raise GameError(f"{path}: teams: a seat is named twice")
    if set(saved.tokens) != set(teams):
        raise GameError(f"{path}: tokens: one token per team is needed")
    tokens = [*saved.tokens.values(), saved.facilitator]
    if len(set(tokens)) != len(tokens):
        raise GameError(f"{path}: tokens: two roles share a token")
    for index, turn in enumerate(saved.turns):
        where = f"{path}: turns.{index}"
        if set(turn.moves) != set(teams) or not set(turn.forced) <= set(teams):
            raise GameError(f"{where}: a turn has one move for each team and no other")
        for seat, move in turn.moves.items():
            check_move(seat, move, f"{where}.moves.{seat}")
    for seat, move in saved.pending.items():
        if seat not in teams:
            raise GameError(f"{path}: pending.{seat}: {seat} is not a team")
        check_move(seat, move, f"{path}: pending.{seat}")


def record(seminar: Seminar) -> SavedSeminar:
    """The saved form of a seminar, with each field's digest."""
    fields: dict[str, object] = {
        "format": FORMAT,
        "version": VERSION,
        "id": seminar.id,
        "scenario": seminar.scenario_ref,
        "overrides": list(seminar.overrides),
        "teams": list(seminar.teams),
        "turn": seminar.turn,
        "seed": seminar.seed,
        "fog": seminar.fog,
        "scenario_sha256": scenario_hash(seminar.written),
        "injected": [e.model_dump(mode="json") for e in seminar.injected],
        "turns": [
            {"moves": t.moves, "forced": [s for s in seminar.teams if s in t.forced]}
            for t in seminar.turns
        ],
        "pending": {s: dict(m) for s, m in seminar.pending.items()},
        "paused": seminar.paused,
        "tokens": dict(seminar.tokens),
        "facilitator": seminar.facilitator_token,
        "checkpoint": {
            "month": seminar.world.month,
            "scores": {s: seminar.world.score(s) for s in SEATS},
        },
    }
    return SavedSeminar.model_validate(fields | {"digests": field_digests(fields)})


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of a resolved scenario: a save replays only on the same one."""
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()

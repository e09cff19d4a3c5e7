"""What the Seminar page decides: the store, join links, who a token is, moves typed in.

A server keeps one :class:`~triad.game.seminar_store.SeminarStore` (:func:`store`) that
every browser session shares, so the teams and the facilitator of a seminar work on the
same :class:`~triad.game.seminar.Seminar` object. A join link is the page's address with
the token as its query (``/seminar?token=...``), built from the address the browser used
to reach the server, so that a link the facilitator reads out works for a team on the same
network. The token alone says who opens the page: the facilitator or a team's seat.

A team types its levers as text (``1200``, ``0.35``, ``yes``); :func:`read_move` reads
them with the levers' own parsing and gives each lever's problem separately, for the page
to show under the lever.
"""

from __future__ import annotations

import io
import ipaddress
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import parse_qs, quote, urlsplit

from triad.errors import GameError
from triad.game.injects import catalogue
from triad.game.levers import SEATS, Lever, Move, levers
from triad.game.seminar import FACILITATOR, Seminar
from triad.game.seminar_store import SeminarStore
from triad.game.seminar_views import TeamPanel
from triad.game.world import ACTOR_NAMES
from triad.web.config import config

PAGE: Final = "seminar"
"""The page's path under the app's root."""
TOKEN: Final = "token"
"""The query parameter that carries a join token."""
WORLDS: Final = 100
"""Worlds of the model's own play the teams are ranked against (few, so it stays quick)."""
POLL_SECONDS: Final = 1.0
"""How often an open page looks for other people's moves."""
DEFAULT_ORIGIN: Final = "http://127.0.0.1:8765"
"""The origin of links when the browser sent neither an Origin nor a Host header."""

_stores: dict[Path, SeminarStore] = {}
_stores_lock = threading.Lock()


def store(folder: Path | None = None) -> SeminarStore:
    """The one store of a folder (default: the server's seminars folder), made on first use.

    Every session of the server gets the same object, so every page of a seminar sees
    the same seminar in memory.
    """
    where = (folder or config().seminars).resolve()
    with _stores_lock:
        if where not in _stores:
            _stores[where] = SeminarStore(where)
        return _stores[where]


# ---------------------------------------------------------------------- links and roles
def token_from(search: str | None) -> str | None:
    """The join token in a page's query string (``token=...``), or None."""
    found = parse_qs(search or "").get(TOKEN)
    return found[0] if found and found[0] else None


def origin(headers: Mapping[str, Sequence[str]] | None) -> str:
    """``scheme://host[:port]`` the browser used, from its Origin or else its Host header."""
    headers = headers or {}
    sent = [*headers.get("origin", []), *headers.get("Origin", [])]
    if sent and urlsplit(sent[0]).netloc:
        parts = urlsplit(sent[0])
        return f"{parts.scheme}://{parts.netloc}"
    hosts = [*headers.get("host", []), *headers.get("Host", [])]
    return f"http://{hosts[0]}" if hosts else DEFAULT_ORIGIN


def join_url(base: str, token: str, root_path: str = "") -> str:
    """The full address of the page for a token: ``http://HOST:PORT/seminar?token=...``."""
    root = root_path.strip("/")
    prefix = f"{base.rstrip('/')}/{root + '/' if root else ''}"
    return f"{prefix}{PAGE}?{TOKEN}={quote(token, safe='')}"


def on_loopback(base: str) -> bool:
    """Whether an origin names this machine only (``localhost``, ``127.0.0.1``, ``::1``)."""
    host = urlsplit(base).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class JoinLinks:
    """A seminar's links: one per team's seat and the facilitator's own.

    Attributes:
        teams: Seat -> the team's link.
        facilitator: The facilitator's link (it can force, pause and inject: keep it).
    """

    teams: dict[str, str]
    facilitator: str


def join_links(seminar: Seminar, base: str, root_path: str = "") -> JoinLinks:
    """Every link of a seminar, from the origin the browser used."""
    return JoinLinks(
        teams={seat: join_url(base, token, root_path) for seat, token in seminar.tokens.items()},
        facilitator=join_url(base, seminar.facilitator_token, root_path),
    )


@dataclass(frozen=True)
class Opened:
    """A seminar opened by a token, and who opened it.

    Attributes:
        seminar: The seminar.
        role: A team's seat (``russia``, ``china``, ``dprk``) or ``facilitator``.
    """

    seminar: Seminar
    role: str

    @property
    def facilitator(self) -> bool:
        """Whether the token is the facilitator's."""
        return self.role == FACILITATOR


def open_token(token: str, where: SeminarStore | None = None) -> Opened:
    """The seminar and role of a join token (the store reloads a saved seminar if needed).

    Raises:
        GameError: If the token is malformed or no saved seminar has it.
    """
    seminar, role = (where or store()).by_token(token)
    return Opened(seminar, role)


# ---------------------------------------------------------------------- a new seminar
@dataclass(frozen=True)
class Settings:
    """The facilitator's choices for a new seminar.

    Attributes:
        scenario: A bundled scenario's name.
        teams: The seats teams take (the others play their scenario policies).
        turn: ``month`` or ``quarter``.
        seed: Seed of every random draw (None: the scenario's).
        fog: Show teams their partners' hidden state as noisy estimates.
        months: The horizon in months (None: the scenario's).
    """

    scenario: str
    teams: tuple[str, ...] = SEATS
    turn: str = "month"
    seed: int | None = None
    fog: bool = True
    months: int | None = None

    def overrides(self) -> list[str]:
        """The scenario overrides the settings need (a shorter or longer horizon)."""
        return [] if self.months is None else [f"months={self.months}"]


def create(settings: Settings, where: SeminarStore | None = None) -> Seminar:
    """A new seminar in the store, saved.

    Raises:
        GameError: If an option is not usable (no team, a horizon under one month).
        ScenarioError: If the scenario cannot be loaded with the settings.
    """
    if settings.months is not None and settings.months < 1:
        raise GameError(f"months: {settings.months} is not a horizon; give at least 1")
    return (where or store()).create(
        settings.scenario,
        teams=settings.teams,
        turn=settings.turn,
        seed=settings.seed,
        fog=settings.fog,
        overrides=settings.overrides(),
    )


# ---------------------------------------------------------------------- a team's move
def lever_text(lever: Lever, value: float) -> str:
    """A lever's value as its input shows it: ``yes``/``no``, a whole number, or 6 digits."""
    if lever.yes_no:
        return "yes" if value >= 0.5 else "no"
    if lever.spec.integer:
        return f"{value:.0f}"
    shown = float(f"{value:.6g}")
    return f"{min(max(shown, lever.spec.low), lever.spec.high):g}"


def lever_texts(seat: str, move: Mapping[str, float]) -> dict[str, str]:
    """Every lever of a seat that the move sets, as text for its input."""
    return {
        lever.name: lever_text(lever, move[lever.name])
        for lever in levers(seat)
        if lever.name in move
    }


def start_texts(panel: TeamPanel) -> dict[str, str]:
    """What a team's inputs show first: its submitted move over this turn's defaults."""
    return lever_texts(panel.seat, panel.defaults | (panel.submitted or {}))


@dataclass(frozen=True)
class TypedMove:
    """A move read from the inputs.

    Attributes:
        move: The levers that read well, lever -> value.
        problems: Lever -> what is wrong with its text (empty if the move is usable).
    """

    move: Move
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every lever read well."""
        return not self.problems


def read_move(seat: str, texts: Mapping[str, str]) -> TypedMove:
    """Read the typed levers of a seat; an empty input takes the lever's default.

    Raises:
        GameError: If a text names a lever the seat does not have.
    """
    known = {lever.name: lever for lever in levers(seat)}
    unknown = sorted(set(texts) - set(known))
    if unknown:
        raise GameError(f"unknown {seat} lever(s) {', '.join(unknown)}")
    move: Move = {}
    problems: dict[str, str] = {}
    for name, text in texts.items():
        if not text.strip():
            continue
        try:
            move[name] = known[name].parse(text)
        except GameError as error:
            problems[name] = str(error)
    return TypedMove(move, problems)


# ---------------------------------------------------------------------- what the room sees
type Stamp = tuple[int, tuple[tuple[str, tuple[tuple[str, float], ...]], ...], bool, int, bool]
"""What changes when anyone acts: turns played, pending moves, paused, injections, done."""


def stamp(seminar: Seminar) -> Stamp:
    """The seminar's state in a few values: a page redraws when it changes."""
    with seminar.lock:
        pending = tuple(
            (seat, tuple(sorted(move.items()))) for seat, move in sorted(seminar.pending.items())
        )
        return len(seminar.turns), pending, seminar.paused, len(seminar.injected), seminar.done


def waiting_words(waiting: Sequence[str], seat: str | None = None) -> str:
    """``waiting for: you (DPRK) and Russia``; ``you`` for the reader's own seat."""
    shown = [f"you ({ACTOR_NAMES[s]})" if s == seat else ACTOR_NAMES[s] for s in waiting]
    listed = " and ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)
    return f"waiting for: {listed}"


def team_status(panel: TeamPanel) -> str:
    """One line on the state of the turn, as a team reads it."""
    if panel.done:
        return "The seminar is over: every turn is played. The facilitator has the results."
    if panel.paused:
        return "Paused by the facilitator: moves wait until the seminar resumes."
    if panel.submitted is not None:
        return (
            f"Your move is in (you may change it until the turn resolves); "
            f"{waiting_words(panel.waiting, panel.seat)}."
        )
    return f"Your move: {waiting_words(panel.waiting, panel.seat)}."


def turn_words(seminar: Seminar) -> str:
    """``turn 2 of 12, 2023-10`` or ``the end``."""
    if seminar.done:
        return f"the end: all {seminar.total_turns} turns played"
    month = seminar.world.date(seminar.world.month)
    return f"turn {len(seminar.turns) + 1} of {seminar.total_turns}, {month}"


def inject_choices() -> dict[str, str]:
    """The ready-made events as the facilitator's select shows them, label -> name."""
    return {
        f"{name}: {found.description.splitlines()[0]} ({found.scenario})": name
        for name, found in catalogue().items()
    }


def end_chart_png(seminar: Seminar, worlds: int = WORLDS) -> bytes:
    """The end chart as PNG bytes.

    Raises:
        GameError: If the seminar is not over.
    """
    figure = seminar.end_chart(worlds)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()

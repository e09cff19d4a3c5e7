"""A war-gaming seminar: teams play some seats of one world, a facilitator runs the room.

A :class:`Seminar` is one world of a scenario (:class:`~triad.game.world.GameWorld`) in
which the seats taken by teams (any of ``russia``, ``china``, ``dprk``; by default all
three) follow the teams' moves and the other seats play their scenario policies.

Each turn every team submits a move (:meth:`Seminar.submit`; levers left out take their
defaults, as in ``triad play``); a team may submit again until the turn resolves. The turn
resolves by itself once every team has moved, or when the facilitator forces it
(:meth:`Seminar.resolve` with ``force=True``): a team that has not moved then plays the
model's advice for its seat, and the record marks its move as forced. The facilitator can
pause the seminar (submissions and resolution are refused until it resumes) and inject an
event (:meth:`Seminar.inject`), which happens in the month after the last one played; the
world is rebuilt and the turns replayed, which gives the same past to the last digit
because the model is deterministic given the scenario, the seed and the moves.

Each team sees the dashboard of ``triad play`` for its own seat (:meth:`Seminar.team_panel`:
under fog of war partners' hidden state is a noisy estimate), the facilitator every seat's
without fog (:meth:`Seminar.facilitator_panel`). A seminar with a file saves itself after
every submission, turn, pause and injection (:mod:`triad.game.seminar_save`);
:meth:`Seminar.load` replays a save and checks where it leads.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from triad.errors import GameError
from triad.game.dashboard import Dashboard, snapshot
from triad.game.injects import dated, pick
from triad.game.levers import SEATS, Move, check_move, check_seat, levers
from triad.game.play import ENSEMBLE_WORLDS, Ranking, model_play, rank
from triad.game.seminar_save import SavedSeminar, read_seminar, record, scenario_hash
from triad.game.seminar_views import (
    FacilitatorPanel,
    SeminarTurn,
    TeamPanel,
    TeamView,
    names,
)
from triad.game.session import TURN_MONTHS, TurnClock, write_atomically
from triad.game.world import ACTOR_NAMES, SCORE_METRIC, GameWorld
from triad.runs.options import RunOptions, prepare_scenario
from triad.scenario.registry import NUMERIC_KINDS, parameters
from triad.scenario.schema import Event

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FACILITATOR: Final = "facilitator"
"""The role of the facilitator's token (a team's role is its seat)."""


class Seminar(TurnClock):
    """A seminar in progress (see the module docstring).

    Args:
        scenario: Bundled scenario name or scenario file.
        teams: The seats teams play (any of ``russia``, ``china``, ``dprk``; not empty).
        turn: ``month`` or ``quarter``.
        seed: Seed of every random draw (default: the scenario's).
        fog: Show each team its partners' hidden state as noisy estimates.
        overrides: ``PATH=VALUE`` overrides applied to the scenario.
        path: Where the seminar saves itself (None: it is saved only when asked).
        id: The seminar's id (default: a new random one).

    Attributes:
        world: The game world: the model, one world, the teams' seats on ``human``.
        turns: The turns resolved so far.
        pending: The moves submitted this turn, by team (as submitted: levers left out
            take their defaults when the turn resolves).
        injected: The events injected so far, dated (see :func:`triad.game.injects.dated`).
        paused: Whether the facilitator paused the seminar.
        tokens: Each team's join token.
        facilitator_token: The facilitator's token.
    """

    def __init__(
        self,
        scenario: str,
        teams: Iterable[str] = SEATS,
        turn: str = "month",
        seed: int | None = None,
        fog: bool = True,
        overrides: Sequence[str] = (),
        *,
        path: Path | None = None,
        id: str | None = None,
    ) -> None:
        self.teams = check_teams(teams)
        if turn not in TURN_MONTHS:
            raise GameError(f"unknown turn length {turn!r}; choose month or quarter")
        self.scenario_ref, self.turn, self.fog = scenario, turn, fog
        self.overrides = list(overrides)
        self.written = prepare_scenario(
            scenario, RunOptions(worlds=1, seed=seed, overrides=self.overrides)
        )
        self.seed = self.written.seed
        self.id = id or secrets.token_hex(4)
        self.path = path
        self.tokens = {seat: secrets.token_urlsafe(16) for seat in self.teams}
        self.facilitator_token = secrets.token_urlsafe(16)
        self.injected: list[Event] = []
        self.turns: list[SeminarTurn] = []
        self.pending: dict[str, Move] = {}
        self.paused = False
        self.lock = threading.RLock()
        self._comparisons: dict[int, dict[str, Ranking]] = {}
        self._build()

    def _build(self) -> None:
        """A new world from the seed, with the injected events: no turns resolved."""
        self.world = GameWorld(self.written, self.teams, self.injected)
        self.initial_parts = {seat: self.world.parts(seat) for seat in SEATS}
        self.turns = []

    def score(self, seat: str) -> float:
        """A seat's objective score now, in [0, 1]."""
        return self.world.score(check_seat(seat))

    # ------------------------------------------------------------------ a turn
    def waiting(self) -> tuple[str, ...]:
        """The teams that have not submitted a move this turn (none once the seminar is over)."""
        with self.lock:
            if self.done:
                return ()
            return tuple(seat for seat in self.teams if seat not in self.pending)

    def advice(self, seat: str) -> Move:
        """The model's advice for a seat this turn: what its scenario policy would do."""
        with self.lock:
            return self.world.advice(check_seat(seat))

    def defaults(self, seat: str) -> Move:
        """This turn's default of each lever of a seat."""
        with self.lock:
            return self.world.defaults(check_seat(seat))

    def submit(self, seat: str, move: Mapping[str, object]) -> SeminarTurn | None:
        """Record a team's move for this turn; resolve the turn if every team has moved.

        A team may submit again (the last move counts) until the turn resolves. The seminar
        saves itself after the submission and again after the turn.

        Args:
            seat: The team's seat.
            move: Lever -> value; levers left out take their defaults.

        Returns:
            The turn, if this move completed it; else None.

        Raises:
            GameError: If the seminar is paused or over, the seat is no team's, or the move
                is not valid.
        """
        with self.lock:
            self._check_open("submit a move")
            team = self._team(seat)
            self.pending[team] = check_move(team, move, f"{ACTOR_NAMES[team]}'s move")
            self._autosave()
            if self.waiting():
                return None
            return self._resolve(forced=())

    def resolve(self, force: bool = False) -> SeminarTurn:
        """Resolve the turn: every team has moved, or the facilitator forces it.

        Args:
            force: Play the model's advice for each team that has not moved, and mark its
                move as forced.

        Raises:
            GameError: If the seminar is paused or over, or a team has not moved and
                ``force`` is False.
        """
        with self.lock:
            self._check_open("resolve the turn")
            missing = self.waiting()
            if missing and not force:
                raise GameError(
                    f"turn {len(self.turns) + 1} waits for {names(missing)}; force it to play "
                    "the model's advice for them"
                )
            return self._resolve(forced=missing)

    def _resolve(self, forced: Sequence[str]) -> SeminarTurn:
        """Play the turn with the pending moves (the advice for ``forced``) and save."""
        moves = {
            seat: (
                self.world.advice(seat)
                if seat in forced
                else self.world.defaults(seat) | self.pending[seat]
            )
            for seat in self.teams
        }
        turn = self._apply(moves, frozenset(forced))
        self.pending = {}
        self._autosave()
        return turn

    def _apply(self, moves: dict[str, Move], forced: frozenset[str]) -> SeminarTurn:
        """Step one turn with every team's full move and record it."""
        first = self.world.month
        played = self.world.play(moves, self.turn_months)
        turn = SeminarTurn(
            number=len(self.turns) + 1,
            first=first,
            months=played,
            moves=moves,
            forced=forced,
            actions=self.world.actions[-1],
            state=self.world.state,
            parts={seat: self.world.parts(seat) for seat in SEATS},
            news=self.world.news(first, first + played),
        )
        self.turns.append(turn)
        return turn

    def _team(self, seat: str) -> str:
        """The seat, checked to be a team's."""
        if check_seat(seat) not in self.teams:
            raise GameError(
                f"{seat} is played by the model in this seminar; the teams are {names(self.teams)}"
            )
        return seat

    def _check_open(self, action: str) -> None:
        """Refuse an action while the seminar is paused or after it is over."""
        if self.paused:
            raise GameError(
                f"the seminar is paused by the facilitator: cannot {action} until it resumes"
            )
        if self.done:
            raise GameError(f"the seminar is over: all {self.months} months are played")

    # ------------------------------------------------------------------ the facilitator
    def pause(self) -> None:
        """Pause the seminar: submissions and resolution are refused until :meth:`resume`."""
        with self.lock:
            self.paused = True
            self._autosave()

    def resume(self) -> None:
        """Resume a paused seminar."""
        with self.lock:
            self.paused = False
            self._autosave()

    def inject(self, event: str | Event) -> Event:
        """Put an event into the world: it happens in the month after the last one played.

        Args:
            event: A ready-made event's name (:func:`triad.game.injects.catalogue`) or an
                event of the scenario schema; whatever its trigger, it happens once, then.

        Returns:
            The event as injected (dated, renamed ``NAME-YYYY-MM``).

        Raises:
            GameError: If the seminar is over, the name is unknown, the same event is
                already injected for that month, or an action's path is not a parameter.
        """
        with self.lock:
            if self.done:
                raise GameError(f"the seminar is over: all {self.months} months are played")
            injected = dated(pick(event), self.world.date(self.world.month))
            if any(e.name == injected.name for e in self.injected):
                raise GameError(f"event {injected.name!r} is already injected")
            for action in injected.actions:
                if action.kind != "trigger" and action.target not in parameters(*NUMERIC_KINDS):
                    raise GameError(f"event {injected.name!r}: unknown path {action.target!r}")
            self.injected.append(injected)
            self._replay([(t.moves, t.forced) for t in self.turns])
            self._autosave()
            return injected

    def _replay(self, turns: Iterable[tuple[dict[str, Move], frozenset[str]]]) -> None:
        """Rebuild the world (with the injected events) and play the turns again."""
        self._build()
        self._comparisons.clear()
        for moves, forced in turns:
            self._apply(moves, forced)

    # ------------------------------------------------------------------ what each sees
    def view(self, seat: str, fog: bool | None = None) -> TeamView:
        """One seat's view for the dashboard (fog: the seminar's, unless given)."""
        return TeamView(self, check_seat(seat), self.fog if fog is None else fog)

    def dashboard(self, seat: str, fog: bool | None = None) -> Dashboard:
        """One seat's dashboard now (``triad play``'s)."""
        with self.lock:
            return snapshot(self.view(seat, fog))

    def team_panel(self, seat: str) -> TeamPanel:
        """What a team sees and may do this turn (under the seminar's fog of war).

        Raises:
            GameError: If the seat is no team's.
        """
        with self.lock:
            team = self._team(seat)
            return TeamPanel(
                seat=team,
                board=snapshot(self.view(team)),
                levers=levers(team),
                defaults=self.world.defaults(team),
                advice=self.world.advice(team),
                policy=self.world.own_policy(team).name,
                submitted=self.pending.get(team),
                waiting=self.waiting(),
                paused=self.paused,
                done=self.done,
            )

    def facilitator_panel(self) -> FacilitatorPanel:
        """What the facilitator sees: every seat without fog, and the state of the turn."""
        with self.lock:
            return FacilitatorPanel(
                boards={
                    seat: snapshot(self.view(seat, fog=False), viewer=self._viewer(seat))
                    for seat in SEATS
                },
                teams=self.teams,
                pending={seat: dict(move) for seat, move in self.pending.items()},
                waiting=self.waiting(),
                advice={} if self.done else {s: self.world.advice(s) for s in self.teams},
                paused=self.paused,
                done=self.done,
                injected=tuple(self.injected),
            )

    def _viewer(self, seat: str) -> str:
        """Who plays a seat, for the facilitator's titles: ``team`` or ``the model``."""
        return "team" if seat in self.teams else "the model plays"

    # ------------------------------------------------------------------ the model's own play
    def rank_teams(self, worlds: int = ENSEMBLE_WORLDS) -> dict[str, Ranking]:
        """Rank each team's score among the worlds of the model's own play.

        The model's own play is the same scenario, seed and horizon, with the injected
        events, run as an ensemble of ``worlds`` worlds with every seat on its scenario
        policy (world 0 draws the random numbers of the seminar's world).

        Raises:
            GameError: If the seminar is not over.
        """
        with self.lock:
            if not self.done:
                raise GameError(
                    f"the seminar is not over: {len(self.turns)} of {self.total_turns} turns "
                    "are played"
                )
            if worlds not in self._comparisons:
                events = [*self.written.events, *self.injected]
                reference = self.written.model_copy(update={"events": events})
                sim = model_play(reference, (), worlds=worlds, seed=self.seed, months=self.months)
                self._comparisons[worlds] = {
                    seat: rank(sim, SCORE_METRIC[seat], self.world.series(SCORE_METRIC[seat]))
                    for seat in self.teams
                }
            return self._comparisons[worlds]

    def transcript(self, worlds: int | None = ENSEMBLE_WORLDS) -> str:
        """The Markdown record: settings, every turn, and once over each team's ranking.

        Args:
            worlds: Worlds of the model's own play to rank the teams against at the end
                (None: no ranking).
        """
        from triad.game.seminar_report import transcript

        with self.lock:
            ranked = self.rank_teams(worlds) if self.done and worlds else None
            return transcript(self, ranked)

    def end_chart(self, worlds: int = ENSEMBLE_WORLDS) -> Figure:
        """Each team's score month by month over the fan of the model's worlds, one panel each.

        Raises:
            GameError: If the seminar is not over.
        """
        from triad.game.seminar_report import end_chart

        with self.lock:
            return end_chart(self, self.rank_teams(worlds))

    # ------------------------------------------------------------------ save and load
    def record(self) -> SavedSeminar:
        """The saved form of the seminar, with each field's digest."""
        with self.lock:
            return record(self)

    def save(self, path: Path | None = None) -> Path:
        """Write the seminar as JSON, atomically (a crash never leaves half a file).

        Args:
            path: Where (default: the seminar's own file).

        Returns:
            Where it was written.

        Raises:
            GameError: If there is nowhere to write or the file cannot be written.
        """
        target = path or self.path
        if target is None:
            raise GameError(f"seminar {self.id} has no file to save to; give one")
        text = json.dumps(self.record().model_dump(mode="json"), indent=2) + "\n"
        try:
            write_atomically(target, text.encode("utf-8"))
        except OSError as error:
            raise GameError(
                f"cannot save seminar {self.id} to {target}: {error.strerror}"
            ) from None
        return target

    def _autosave(self) -> None:
        """Save to the seminar's own file, if it has one."""
        if self.path is not None:
            self.save()

    @classmethod
    def load(cls, path: Path) -> Seminar:
        """Read a saved seminar, replay its turns from the seed and check where they lead.

        Raises:
            GameError: Naming the file and the field if the file is missing, not a seminar
                save, damaged or edited, or if the scenario changed since it was saved.
        """
        saved = read_seminar(path)
        seminar = cls(
            saved.scenario,
            saved.teams,
            saved.turn,
            saved.seed,
            saved.fog,
            saved.overrides,
            id=saved.id,
        )
        if scenario_hash(seminar.written) != saved.scenario_sha256:
            raise GameError(
                f"{path}: scenario_sha256: scenario {saved.scenario!r} has changed since the "
                "seminar was saved; its turns would not replay to the same world"
            )
        seminar.injected = list(saved.injected)
        seminar._replay(_turns(saved, path, seminar.total_turns))
        month, scores = seminar.world.month, {s: seminar.world.score(s) for s in SEATS}
        recorded = saved.checkpoint
        if (month, scores) != (recorded.month, dict(recorded.scores)):
            raise GameError(
                f"{path}: checkpoint: the turns replay to month {month}, scores {scores}, not "
                f"the recorded month {recorded.month}, scores {dict(recorded.scores)}: the "
                "file was edited or triad has changed"
            )
        seminar.pending = {seat: dict(move) for seat, move in saved.pending.items()}
        seminar.paused = saved.paused
        seminar.tokens = {str(seat): token for seat, token in saved.tokens.items()}
        seminar.facilitator_token = saved.facilitator
        seminar.path = path
        return seminar


def _turns(
    saved: SavedSeminar, path: Path, total: int
) -> list[tuple[dict[str, Move], frozenset[str]]]:
    """The saved turns as (moves, forced), checked against the seminar's length."""
    if len(saved.turns) > total:
        raise GameError(f"{path}: turns.{total}: more turns than the seminar has")
    return [
        ({seat: dict(move) for seat, move in turn.moves.items()}, frozenset(turn.forced))
        for turn in saved.turns
    ]


def check_teams(teams: Iterable[str]) -> tuple[str, ...]:
    """The teams' seats in the model's order.

    Raises:
        GameError: If there are none, a seat is unknown, or one is named twice.
    """
    given = [check_seat(seat) for seat in teams]
    if not given:
        raise GameError(f"a seminar needs at least one team; choose from {', '.join(SEATS)}")
    if len(set(given)) != len(given):
        raise GameError(f"teams {', '.join(given)}: a seat is named twice")
    return tuple(seat for seat in SEATS if seat in given)

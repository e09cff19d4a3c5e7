"""Play: take one seat against the model, turn by turn, with the dashboard of ``triad play``."""

from __future__ import annotations

import solara
from solara.lab import task

from triad.errors import GameError, TriadError
from triad.game.dashboard import markdown, snapshot
from triad.game.levers import SEATS
from triad.game.session import Session
from triad.web.pages.common import ErrorBox, scenario_choices, stop_task, uploads
from triad.web.play import (
    HORIZONS,
    Ending,
    LeverField,
    advice,
    ending,
    lever_fields,
    new_game,
    play_turn,
    saved_game,
)

game = solara.reactive(None)
"""This browser session's game (a :class:`Session`), or None before one starts."""
form = solara.reactive(dict[str, float]())
version = solara.reactive(0)
"""Bumped after every change of the game, so the page redraws it."""
problem = solara.reactive("")


@task
def end_task(session: Session) -> Ending:
    """Rank the game against the model's own play (an ensemble: seconds)."""
    return ending(session)


@solara.component
def Page() -> None:
    """The Play page."""
    solara.Title("triad · Play")
    session: Session | None = game.value
    if session is None:
        NewGame()
        return
    changes = version.value  # the session changes in place: pass the count down to redraw
    with solara.Columns([2, 1]):
        with solara.Column():
            Board(session, changes)
        with solara.Column():
            Levers(session, changes)
    if session.done or end_task.pending or end_task.finished:
        End(session)


@solara.component
def NewGame() -> None:
    """The options of a new game."""
    scenario = solara.use_reactive("baseline")
    seat = solara.use_reactive("dprk")
    turn = solara.use_reactive("quarter")
    horizon = solara.use_reactive("12 months")
    seed = solara.use_reactive(42)
    fog = solara.use_reactive(False)
    solara.Markdown("### A new game: you take one seat; the model plays the other two")
    solara.Select("Scenario", value=scenario, values=scenario_choices())
    solara.ToggleButtonsSingle(value=seat, values=list(SEATS))
    solara.Select("Turn", value=turn, values=["month", "quarter"])
    solara.Select("Length", value=horizon, values=list(HORIZONS))
    solara.InputInt("Seed", value=seed)
    solara.Checkbox(label="Fog of war (partners' hidden state as noisy estimates)", value=fog)

    def start() -> None:
        upload = uploads.value.get(scenario.value)
        ref = str(upload.path) if upload is not None and upload.path else scenario.value
        try:
            session = new_game(
                ref, seat.value, turn.value, seed.value, fog.value, HORIZONS[horizon.value]
            )
        except TriadError as error:
            problem.set(str(error))
            return
        problem.set("")
        form.set({})
        stop_task(end_task)
        game.set(session)

    solara.Button("Start", color="primary", on_click=start)
    if problem.value:
        solara.Error(problem.value, classes=["triad-error"])


@solara.component
def Board(session: Session, changes: int) -> None:
    """The dashboard of ``triad play`` (``changes``: the session's change count, to redraw)."""
    with solara.Column(classes=["triad-dashboard"]):
        solara.Markdown(markdown(snapshot(session)))


@solara.component
def Levers(session: Session, changes: int) -> None:
    """The seat's levers, the advice, and the turn buttons (``changes``: as for :func:`Board`)."""
    fields = lever_fields(session)
    title = f"Turn {len(session.turns) + 1} of {session.total_turns}: your {session.seat} levers"
    solara.Markdown(f"#### {title}" if not session.done else "#### The game is over")
    if not session.done:
        for field in fields:
            LeverInput(field)
    with solara.Row():
        solara.Button(
            "Use the model's advice",
            on_click=lambda: form.set(advice(session)),
            disabled=session.done,
        )
        solara.Button(
            "Play turn", color="primary", on_click=lambda: _play(session), disabled=session.done
        )
    with solara.Row():
        solara.Button("Undo", on_click=lambda: _undo(session), disabled=not session.turns)
        solara.Button(
            "End and score", on_click=lambda: end_task(session), disabled=not session.turns
        )
        solara.FileDownload(saved_game(session), filename="triad-game.json", label="Save game")
        solara.Button("New game", on_click=_leave)
    if problem.value:
        solara.Error(problem.value, classes=["triad-error"])


@solara.component
def LeverInput(field: LeverField) -> None:
    """One lever: a yes/no switch or a number field with its range."""
    value = form.value.get(field.name, field.value)

    def changed(new: float | bool | None) -> None:
        if new is not None:
            form.set({**form.value, field.name: float(new)})

    if field.yes_no:
        solara.Checkbox(label=field.label, value=bool(value >= 0.5), on_value=changed)
    else:
        shown = float(
            f"{value:.4g}"
        )  # the field shows 4 digits; untouched, the exact default plays
        solara.InputFloat(field.label, value=shown, on_value=changed, continuous_update=False)
    allowed = f"{field.low:g} to {field.high:g}" + (", whole" if field.whole else "")
    solara.Text(f"{field.help} ({allowed})", style={"font-size": "0.8em", "color": "#666"})


def _play(session: Session) -> None:
    try:
        play_turn(session, form.value)
    except GameError as error:
        problem.set(str(error))
        return
    problem.set("")
    form.set({})
    _changed()
    if session.done:
        end_task(session)


def _leave() -> None:
    stop_task(end_task)
    game.set(None)


def _changed() -> None:
    version.set(version.value + 1)


def _undo(session: Session) -> None:
    session.undo()
    form.set({})
    _changed()


@solara.component
def End(session: Session) -> None:
    """The ranking against the model's own play, its chart and the transcript."""
    solara.ProgressLinear(end_task.pending)
    ErrorBox(end_task.exception if end_task.error else None)
    if end_task.value is None:
        return
    result = end_task.value
    solara.Success(result.verdict, classes=["triad-verdict"])
    with solara.Column(classes=["triad-chart"]):
        solara.FigureMatplotlib(result.chart(session), format="png")
    solara.FileDownload(result.transcript, filename="triad-game.md", label="Transcript")

"""Seminar: a facilitator opens a game, three teams join by their links and play a seat each.

Without a token the page is the facilitator's form for a new seminar; with one
(``/seminar?token=...``) it is the facilitator's room or a team's seat, whichever the token
belongs to (:mod:`triad.web.seminar`). Every page of a seminar looks for other people's
moves once a second, so it redraws when a team moves or a turn resolves. The seminar saves
itself after every move, so a reload rebuilds the page from the store by its token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import solara
import solara.lab

from triad.errors import TriadError
from triad.game.dashboard import Dashboard, markdown
from triad.game.levers import SEATS, Lever, move_line
from triad.game.seminar import Seminar
from triad.game.seminar_views import FacilitatorPanel, TeamPanel
from triad.game.world import ACTOR_NAMES
from triad.scenario.loader import bundled_names, load_scenario
from triad.web.seminar import (
    POLL_SECONDS,
    WORLDS,
    Settings,
    Stamp,
    create,
    end_chart_png,
    inject_choices,
    join_links,
    lever_texts,
    on_loopback,
    open_token,
    origin,
    read_move,
    stamp,
    start_texts,
    team_status,
    token_from,
    turn_words,
    waiting_words,
)

SEAT_WORDS = {seat: ACTOR_NAMES[seat] for seat in SEATS}


def use_stamp(seminar: Seminar) -> tuple[Stamp, Callable[[], None]]:
    """The seminar's stamp, looked at every second in a thread; and a refresh for own moves."""
    now, set_now = solara.use_state(stamp(seminar), key=f"stamp-{seminar.id}")

    def poll(cancel: threading.Event) -> None:
        seen = stamp(seminar)
        while not cancel.wait(POLL_SECONDS):
            found = stamp(seminar)
            if found != seen:
                seen = found
                set_now(found)

    solara.use_thread(poll, [seminar.id], intrusive_cancel=False)
    return now, lambda: set_now(stamp(seminar))


@solara.component
def Page() -> None:
    """The Seminar page: a new seminar's form, the facilitator's room, or a team's seat."""
    solara.Title("triad · Seminar")
    router = solara.use_router()
    token = token_from(router.search)
    if token is None:
        Setup()
        return
    try:
        opened = open_token(token)
    except TriadError as error:
        solara.Error(f"This link opens no seminar: {error}", classes=["triad-error"])
        solara.Button("Open a new seminar", on_click=lambda: router.push(f"/{PAGE_PATH}"))
        return
    if opened.facilitator:
        Facilitator(opened.seminar)
    else:
        Team(opened.seminar, opened.role)


PAGE_PATH = "seminar"


# ---------------------------------------------------------------------- a new seminar
@solara.component
def Setup() -> None:
    """The facilitator's form: scenario, turn length, horizon, seed, fog, the teams' seats."""
    router = solara.use_router()
    names = [n for n in bundled_names() if not n.startswith("history/")]
    scenario, set_scenario = solara.use_state("baseline")
    loaded = solara.use_memo(lambda: load_scenario(scenario), [scenario])
    turn, set_turn = solara.use_state("month")
    months, set_months = solara.use_state(loaded.months, key=f"months-{scenario}")
    seed, set_seed = solara.use_state(loaded.seed, key=f"seed-{scenario}")
    fog, set_fog = solara.use_state(True)
    teams, set_teams = solara.use_state([SEAT_WORDS[s] for s in SEATS])
    problem, set_problem = solara.use_state("")

    def open_seminar() -> None:
        chosen = tuple(seat for seat in SEATS if SEAT_WORDS[seat] in teams)
        horizon = None if months == loaded.months else months  # no override if unchanged
        settings = Settings(scenario, chosen, turn, seed, fog, horizon)
        try:
            seminar = create(settings)
        except TriadError as error:
            set_problem(str(error))
            return
        router.push(f"/{PAGE_PATH}?token={seminar.facilitator_token}")

    solara.Markdown(
        "## A new seminar\n\nTeams take seats of one world; the other seats play their "
        "scenario policies. You get a join link per team and one of your own."
    )
    with solara.Column(style={"max-width": "40em"}, classes=["triad-seminar-setup"]):
        solara.Select("Scenario", value=scenario, values=names, on_value=set_scenario)
        solara.Text(loaded.title, style={"font-size": "0.85em", "color": "#666"})
        solara.ToggleButtonsSingle(value=turn, values=["month", "quarter"], on_value=set_turn)
        solara.InputInt("Months (horizon)", value=months, on_value=set_months)
        solara.InputInt("Seed", value=seed, on_value=set_seed)
        solara.Checkbox(
            label="Fog of war (teams see partners' hidden state as estimates)",
            value=fog,
            on_value=set_fog,
        )
        solara.SelectMultiple(
            "Seats the teams take",
            values=[SEAT_WORDS[s] for s in SEATS if SEAT_WORDS[s] in teams],
            all_values=[SEAT_WORDS[s] for s in SEATS],
            on_value=set_teams,
        )
        solara.Button("Open the seminar", color="primary", on_click=open_seminar)
        if problem:
            solara.Error(problem, classes=["triad-error"])


# ---------------------------------------------------------------------- a team's seat
@solara.component
def Team(seminar: Seminar, seat: str) -> None:
    """A team's seat: its dashboard under fog of war, its levers, the state of the turn."""
    now, refresh = use_stamp(seminar)
    panel = solara.use_memo(lambda: seminar.team_panel(seat), [now])
    solara.Markdown(f"## {ACTOR_NAMES[seat]}'s team · {turn_words(seminar)}")
    status = team_status(panel)
    with solara.Column(classes=["triad-seminar-status"]):
        if panel.paused or panel.done:
            solara.Warning(status)
        else:
            solara.Info(status)
    with solara.Columns([2, 3]):
        with solara.Column(classes=["triad-move"]):
            if not panel.done:
                MoveForm(seminar, panel, refresh).key(f"move-{seat}-{now[0]}")
        with solara.Column():
            Board(panel.board)


@solara.component
def MoveForm(seminar: Seminar, panel: TeamPanel, refresh: Callable[[], None]) -> None:
    """The team's levers as inputs, the model's advice, and Submit."""
    texts, set_texts = solara.use_state(start_texts(panel))
    problems, set_problems = solara.use_state(dict[str, str]())
    message, set_message = solara.use_state("")
    closed = panel.paused or panel.done

    def submit() -> None:
        typed = read_move(panel.seat, texts)
        set_problems(typed.problems)
        if not typed.ok:
            set_message("Some levers are not usable: see under them.")
            return
        try:
            seminar.submit(panel.seat, typed.move)
        except TriadError as error:
            set_message(str(error))
            return
        set_message("")
        refresh()

    def fill_advice() -> None:
        set_texts(lever_texts(panel.seat, panel.advice))
        set_problems({})

    solara.Markdown(f"#### Your levers (the model's policy: {panel.policy})")
    for lever in panel.levers:
        LeverInput(
            lever,
            texts.get(lever.name, ""),
            panel.advice[lever.name],
            problems.get(lever.name, ""),
            lambda text, name=lever.name: set_texts({**texts, name: text}),
            closed,
        )
    with solara.Row():
        solara.Button("Fill in the model's advice", on_click=fill_advice, disabled=closed)
        solara.Button("Submit move", color="primary", on_click=submit, disabled=closed)
    if message:
        solara.Error(message, classes=["triad-error"])
    if panel.submitted is not None:
        shown = move_line(panel.seat, panel.defaults | panel.submitted)
        solara.Text(f"Submitted: {shown}", classes=["triad-submitted"])


@solara.component
def LeverInput(
    lever: Lever,
    text: str,
    advice: float,
    problem: str,
    on_text: Callable[[str], None],
    disabled: bool,
) -> None:
    """One lever: its input with the unit, the allowed values and the model's advice."""
    solara.InputText(
        f"{lever.name}: {lever.spec.help}",
        value=text,
        on_value=on_text,
        continuous_update=True,
        suffix="" if lever.yes_no else lever.spec.unit,
        error=problem or False,
        message=problem or f"allowed: {lever.allowed()}; the model advises {lever.show(advice)}",
        disabled=disabled,
        classes=[f"triad-lever-{lever.name}"],
    )


@solara.component
def Board(board: Dashboard) -> None:
    """A seat's dashboard: key numbers, trust, the score in parts, partners' moves, news."""
    with solara.Column(classes=["triad-board"]):
        solara.Markdown(f"#### {board.title}\n\n{markdown(board)}")


# ---------------------------------------------------------------------- the facilitator
@solara.component
def Facilitator(seminar: Seminar) -> None:
    """The facilitator's room: links, who has moved, controls, exports and every seat."""
    now, refresh = use_stamp(seminar)
    panel = solara.use_memo(seminar.facilitator_panel, [now])
    solara.Markdown(
        f"## Seminar {seminar.id} · {seminar.world.scenario.name} · {turn_words(seminar)}"
    )
    Links(seminar)
    with solara.Columns([1, 1]):
        with solara.Column():
            Moves(seminar, panel)
            Controls(seminar, panel, refresh)
        with solara.Column():
            Exports(seminar, panel)
    if panel.done:
        EndChart(seminar)
    with solara.Columns([1] * len(SEATS)):
        for seat in SEATS:
            Board(panel.boards[seat])


@solara.component
def Links(seminar: Seminar) -> None:
    """The join links, built from the address this browser used to reach the server."""
    router = solara.use_router()
    base = origin(solara.lab.headers.value)
    links = join_links(seminar, base, router.root_path)
    lines = [
        f"- **{ACTOR_NAMES[seat]}'s team**: <span class='triad-join-{seat}'>{url}</span>"
        for seat, url in links.teams.items()
    ]
    lines.append(
        f"- **You, the facilitator** (keep it to yourself): "
        f"<span class='triad-join-facilitator'>{links.facilitator}</span>"
    )
    with solara.Column(classes=["triad-join-links"]):
        solara.Markdown("#### Join links\n\n" + "\n".join(lines))
        if on_loopback(base):
            solara.Warning(
                "These links name this machine only. For teams on other machines, start "
                "`triad web --host 0.0.0.0` and open this page by the machine's network "
                "address (e.g. http://192.168.1.20:8765/...)."
            )


@solara.component
def Moves(seminar: Seminar, panel: FacilitatorPanel) -> None:
    """Who has moved this turn, with each team's move."""
    solara.Markdown("#### This turn")
    lines = []
    for seat in panel.teams:
        if seat in panel.pending:
            move = move_line(seat, seminar.defaults(seat) | panel.pending[seat])
            lines.append(f"- {ACTOR_NAMES[seat]}: moved ({move})")
        elif not panel.done:
            lines.append(f"- {ACTOR_NAMES[seat]}: not yet")
    if panel.done:
        state = "The seminar is **over**: download the record."
    else:
        state = f"The seminar is **{'paused' if panel.paused else 'open'}**; "
        state += f"{waiting_words(panel.waiting)}." if panel.waiting else "every team has moved."
    with solara.Column(classes=["triad-moves"]):
        solara.Markdown(f"{state}\n\n" + "\n".join(lines))


@solara.component
def Controls(seminar: Seminar, panel: FacilitatorPanel, refresh: Callable[[], None]) -> None:
    """Force the turn, pause or resume, inject a ready-made event."""
    choices = solara.use_memo(inject_choices, [])
    event, set_event = solara.use_state(next(iter(choices)))
    message, set_message = solara.use_state("")

    def act(action: Callable[[], str]) -> None:
        try:
            set_message(action())
        except TriadError as error:
            set_message(f"Refused: {error}")
        refresh()

    def force() -> str:
        missing = ", ".join(ACTOR_NAMES[s] for s in seminar.waiting()) or "no team"
        turn = seminar.resolve(force=True)
        return f"Turn {turn.number} resolved; the model moved for {missing}."

    def pause() -> str:
        seminar.pause()
        return "Paused: teams cannot move until you resume."

    def resume() -> str:
        seminar.resume()
        return "Resumed."

    def inject() -> str:
        return f"Injected {seminar.inject(choices[event]).name}: it happens next month."

    with solara.Row():
        solara.Button(
            "Force the turn (the model moves for missing teams)",
            on_click=lambda: act(force),
            disabled=panel.done or panel.paused,
        )
        if panel.paused:
            solara.Button("Resume", on_click=lambda: act(resume), disabled=panel.done)
        else:
            solara.Button("Pause", on_click=lambda: act(pause), disabled=panel.done)
    solara.Select("Ready-made event", value=event, values=list(choices), on_value=set_event)
    solara.Button("Inject from next month", on_click=lambda: act(inject), disabled=panel.done)
    if panel.injected:
        solara.Text("Injected so far: " + ", ".join(e.name for e in panel.injected))
    if message:
        solara.Info(message, classes=["triad-facilitator-message"])


@solara.component
def Exports(seminar: Seminar, panel: FacilitatorPanel) -> None:
    """The transcript (any time) and the end chart (once the seminar is over)."""
    solara.Markdown(
        "#### The record\n\nThe transcript has every turn; once the seminar is over it ranks "
        f"each team against the model's own play ({WORLDS} worlds)."
    )
    with solara.Column(align="start"):
        solara.FileDownload(
            lambda: seminar.transcript(WORLDS),
            filename=f"seminar-{seminar.id}.md",
            label="Download the transcript (Markdown)",
        )
        if panel.done:
            solara.FileDownload(
                lambda: end_chart_png(seminar, WORLDS),
                filename=f"seminar-{seminar.id}.png",
                label="Download the end chart (PNG)",
                mime_type="image/png",
            )
    if not panel.done:
        solara.Text("The end chart comes after the last turn.")


@solara.component
def EndChart(seminar: Seminar) -> None:
    """The end chart on the page, drawn in a thread (the model's worlds take a moment)."""
    chart = solara.use_thread(lambda: end_chart_png(seminar, WORLDS), [seminar.id])
    if chart.state == solara.ResultState.ERROR:
        solara.Error(f"The end chart failed: {chart.error}", classes=["triad-error"])
    elif chart.value is None:
        solara.Text(f"Ranking the teams against {WORLDS} worlds of the model's own play ...")
        solara.ProgressLinear(True)
    else:
        with solara.Column(classes=["triad-end-chart"]):
            solara.Image(chart.value, width="100%")

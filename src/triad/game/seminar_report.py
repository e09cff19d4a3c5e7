"""A seminar's record for the room: the Markdown transcript and the end chart.

The transcript gives the settings, then each turn: every seat's move (a team's, a forced
one, or the model's own for a seat no team plays), the events the facilitator injected,
the news and each team's score; at the end each team's score over the game is ranked
against the model's own play of the same scenario (:meth:`Seminar.rank_teams`). The end chart
draws each team's score month by month over the fan of the model's worlds, one panel per
team (matplotlib is imported only here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from triad.game.levers import SEATS, move_line
from triad.game.play import PLAYER_COLOR, SCORE_WORDS, Ranking, settings_lines
from triad.game.world import ACTOR_NAMES
from triad.text import format_number, signed_fixed

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from triad.game.seminar import Seminar
    from triad.game.seminar_views import SeminarTurn

PANEL_WIDTH: Final = 5.2
PANEL_HEIGHT: Final = 3.8
"""Inches of one team's panel on the end chart."""


def transcript(seminar: Seminar, ranked: dict[str, Ranking] | None = None) -> str:
    """The Markdown record of a seminar: settings, every turn, and the ranking if given."""
    parts = [_header(seminar)]
    parts += [_turn_section(seminar, turn) for turn in seminar.turns]
    if ranked is not None:
        parts.append(_result(seminar, ranked))
    return "\n".join(parts)


def _header(seminar: Seminar) -> str:
    scenario = seminar.world.scenario
    model = [ACTOR_NAMES[s] for s in SEATS if s not in seminar.teams]
    return (
        f"# triad seminar {seminar.id}: {scenario.name}\n\n"
        f"- scenario: {scenario.title or scenario.name}\n"
        f"- teams: {', '.join(ACTOR_NAMES[s] for s in seminar.teams)}; "
        f"the model plays: {', '.join(model) or 'no seat'}\n" + settings_lines(seminar)
    )


def _turn_section(seminar: Seminar, turn: SeminarTurn) -> str:
    world = seminar.world
    last = turn.first + turn.months - 1
    span = world.date(turn.first) + (f" to {world.date(last)}" if turn.months > 1 else "")
    lines = [f"## Turn {turn.number}: {span}", "", "Moves:", ""]
    for seat in SEATS:
        lines.append(f"- {ACTOR_NAMES[seat]} ({_whose(seminar, turn, seat)}): {_move(turn, seat)}")
    months = {world.date(m) for m in range(turn.first, last + 1)}
    injected = [e for e in seminar.injected if e.at in months]
    if injected:
        lines += ["", "Injected by the facilitator:", ""]
        lines += [f"- {e.at}: {e.name}" for e in injected]
    lines += ["", "News:", ""]
    lines += [f"- {line}" for line in turn.news] or ["- (nothing reported)"]
    lines += ["", "| team | score | change over the turn |", "|---|---:|---:|"]
    for seat in seminar.teams:
        before = seminar.turns[turn.number - 2].state if turn.number > 1 else world.initial
        metric = f"score_{seat}"
        change = turn.state[metric] - before[metric]
        score = format_number(turn.state[metric])
        lines.append(f"| {ACTOR_NAMES[seat]} | {score} | {signed_fixed(change)} |")
    return "\n".join(lines) + "\n"


def _whose(seminar: Seminar, turn: SeminarTurn, seat: str) -> str:
    if seat not in seminar.teams:
        return "model"
    if seat in turn.forced:
        return "team, forced: the model's advice"
    return "team"


def _move(turn: SeminarTurn, seat: str) -> str:
    """A team's move as applied, or a model seat's action in the turn's last month."""
    return move_line(seat, turn.moves.get(seat, turn.actions[seat]))


def _result(seminar: Seminar, ranked: dict[str, Ranking]) -> str:
    lines = [
        "## Result",
        "",
        "Each team's score over the game (the mean of every month) against the model's own "
        "play of the same scenario, seed and horizon, every seat on its scenario policy:",
        "",
        "| team | score | over the game | model's median | model's 90% | beat |",
        "|---|---|---:|---:|---:|---:|",
    ]
    order = sorted(seminar.teams, key=lambda s: -ranked[s].percentile)
    for seat in order:
        found = ranked[seat]
        low, high = np.quantile(found.finals, [0.05, 0.95])
        lines.append(
            f"| {ACTOR_NAMES[seat]} | {SCORE_WORDS[seat]} | {float(np.mean(found.player)):.3f} "
            f"| {float(np.median(found.finals)):.3f} | {low:.3f} to {high:.3f} "
            f"| {found.percentile:.0f}% of {found.finals.size} worlds |"
        )
    return "\n".join(lines) + "\n"


def end_chart(seminar: Seminar, ranked: dict[str, Ranking]) -> Figure:
    """Each team's score month by month over the fan of the model's worlds, one panel each."""
    from matplotlib.lines import Line2D

    from triad.plots.fan import fan_chart, legend_handles, scripted_events
    from triad.plots.style import SMALL_SIZE, date_numbers, new_figure, scenario_colors

    teams = seminar.teams
    figure = new_figure(PANEL_WIDTH * len(teams), PANEL_HEIGHT)
    axes = list(figure.subplots(1, len(teams), squeeze=False).flat)
    events = scripted_events(seminar.world.scenario)
    for ax, seat in zip(axes, teams, strict=True):
        found = ranked[seat]
        label = f"the model's own play ({found.finals.size} worlds)"
        fan_chart({label: found.bands}, found.metric, events, ax=ax)
        ax.plot(
            date_numbers(found.bands["date"]), found.player, color=PLAYER_COLOR, lw=2.2, zorder=30
        )
        team = Line2D([], [], color=PLAYER_COLOR, lw=2.2, label=f"{ACTOR_NAMES[seat]}'s team")
        ax.legend(
            handles=[*legend_handles([label], scenario_colors([label])), team],
            loc="lower right",
            frameon=False,
            fontsize=SMALL_SIZE,
        )
        ax.set_title(
            f"{ACTOR_NAMES[seat]}'s team beat {found.percentile:.0f}% of the model's worlds",
            loc="left",
        )
    return figure

"""What the player sees each turn: a dashboard, rendered with rich or written as Markdown.

:func:`snapshot` reads one seat's view of a game (a :class:`SeatView`: a
:class:`~triad.game.session.Session`, or one team's view of a seminar) into a plain
:class:`Dashboard`: the seat's key numbers with their trend (unicode sparklines), trust
toward and from each partner, the seat's score split into its parts (what raised it and
what lowered it over the turn), what the partners did last turn, and the turn's news.
:func:`render` draws it in the terminal, :func:`render_compact` in 80 columns and 24 rows
(:func:`compact_lines`), and :func:`markdown` writes it for the transcript, so all three
show the same numbers.

Fog of war: partners' hidden state (their stocks, trust, resentment, score) is shown as a
noisy estimate. The noise depends only on the game's seed, the month and the metric, so a
replayed game shows the same estimates: ±0.1 (one standard deviation) on shares and
indices, ±20% on amounts.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
from numpy.typing import NDArray
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from triad.game.levers import SEATS, levers
from triad.game.session import Turn
from triad.game.world import ACTOR_NAMES, SCORE_METRIC
from triad.model.metrics import METRIC_BY_NAME, metrics_tagged
from triad.scenario.schema import Scenario
from triad.text import format_number, signed_fixed


class SeatView(Protocol):
    """What the dashboard reads of a game, for one seat.

    A :class:`~triad.game.session.Session` is one; so is each team's view of a seminar
    (:class:`~triad.game.seminar.TeamView`).
    """

    @property
    def seat(self) -> str:
        """``russia``, ``china`` or ``dprk``."""

    @property
    def fog(self) -> bool:
        """Whether partners' hidden state is shown as noisy estimates."""

    @property
    def seed(self) -> int:
        """The game's seed (the fog's noise depends on it)."""

    @property
    def scenario(self) -> Scenario:
        """The scenario the model runs."""

    @property
    def turns(self) -> Sequence[Turn]:
        """The turns played so far, as the seat saw them."""

    @property
    def initial(self) -> Mapping[str, float]:
        """Every metric before the first turn."""

    @property
    def initial_parts(self) -> Mapping[str, float]:
        """The seat's score parts before the first turn."""

    @property
    def scale(self) -> str:
        """The scale the seat's score parts add up on: ``logit`` or ``log``."""

    @property
    def months(self) -> int:
        """The horizon in months."""

    @property
    def total_turns(self) -> int:
        """Turns in the whole game."""

    def date(self, month: int) -> str:
        """``YYYY-MM`` of a month index."""

    def series(self, metric: str) -> NDArray[np.float64]:
        """A metric over the months played so far."""


KEY_METRICS: Final[dict[str, tuple[str, ...]]] = {
    seat: metrics_tagged(f"dashboard.{seat}") for seat in SEATS
}
"""The numbers each seat watches, its own score first."""

HIDDEN: Final[dict[str, frozenset[str]]] = {
    seat: frozenset(m for m in metrics_tagged("hidden") if METRIC_BY_NAME[m].owner == seat)
    for seat in SEATS
}
"""Each actor's hidden state: what the others see only as estimates under fog of war."""

SCALE_WORDS: Final = {
    "logit": "logit scale: the score is 1 / (1 + e^-(sum of the parts)); near 0.5, +0.1 in a "
    "part adds about 0.025 to it",
    "log": "log scale: the score is e^(sum of the parts); +0.1 in a part raises it by about 10%",
}
"""What the scale of a seat's score parts means, in one line."""
SCALE_SHORT: Final = {
    "logit": "parts on the logit scale: +0.1 ≈ +0.025",
    "log": "parts on the log scale: +0.1 ≈ +10%",
}

FOG_SD_SHARE: Final = 0.1
FOG_SD_RELATIVE: Final = 0.2
SPARK: Final = "▁▂▃▄▅▆▇█"
SPARK_POINTS: Final = 24
COMPACT_SPARK: Final = 12
"""Months of trend the compact view draws."""


@dataclass(frozen=True)
class Reading:
    """One number on the dashboard.

    Attributes:
        metric: Metric name.
        value: Its value now (an estimate if ``estimate``).
        trend: A sparkline of its recent months.
        estimate: True if fog of war hides the true value.
    """

    metric: str
    value: float
    trend: str
    estimate: bool

    @property
    def label(self) -> str:
        """The metric's one-line description."""
        return METRIC_BY_NAME[self.metric].description

    @property
    def unit(self) -> str:
        """The metric's unit."""
        return METRIC_BY_NAME[self.metric].unit

    def shown(self) -> str:
        """The value as printed: ``≈`` marks an estimate."""
        return ("≈" if self.estimate else "") + format_number(self.value)


@dataclass(frozen=True)
class Part:
    """One part of the seat's score.

    Attributes:
        name: The part (``food``, ``China's anger``, ``payment``).
        now: Its value now, on the score's scale.
        change: Its change over the last turn (None before the first turn).
    """

    name: str
    now: float
    change: float | None


@dataclass(frozen=True)
class Breakdown:
    """The seat's score and the parts that make it.

    Attributes:
        scale: ``logit`` or ``log``: what the parts add up to (:data:`SCALE_WORDS`).
        score: The score now.
        change: The score's change over the last turn (None before the first turn).
        parts: The parts, the one that raised the score most first and the one that
            lowered it most last (in the objective's order before the first turn).
    """

    scale: str
    score: float
    change: float | None
    parts: tuple[Part, ...]

    @property
    def raised(self) -> tuple[Part, ...]:
        """The parts that rose over the turn, most first."""
        return tuple(p for p in self.parts if p.change is not None and p.change > 0)

    @property
    def lowered(self) -> tuple[Part, ...]:
        """The parts that fell over the turn, most last."""
        return tuple(p for p in self.parts if p.change is not None and p.change < 0)


@dataclass(frozen=True)
class Dashboard:
    """One turn's view of the game.

    Attributes:
        title: Scenario, seat, turn and date.
        readings: The seat's key numbers.
        trust: (partner, trust toward it, its trust toward the seat), one per partner.
        breakdown: The seat's score in parts.
        partners: Partner -> (lever, what it does, value shown) of its last month.
        news: The last turn's happenings.
    """

    title: str
    readings: tuple[Reading, ...]
    trust: tuple[tuple[str, Reading, Reading], ...]
    breakdown: Breakdown
    partners: dict[str, tuple[tuple[str, str, str], ...]]
    news: tuple[str, ...]


def sparkline(values: np.ndarray) -> str:
    """A unicode sparkline of the last :data:`SPARK_POINTS` values (empty if none)."""
    points = np.asarray(values, dtype=np.float64)[-SPARK_POINTS:]
    if points.size == 0:
        return ""
    low, high = float(points.min()), float(points.max())
    if high - low < 1e-12:
        return SPARK[3] * points.size
    index = np.round((points - low) / (high - low) * (len(SPARK) - 1)).astype(int)
    return "".join(SPARK[i] for i in index)


def estimate(seed: int, month: int, metric: str, value: float) -> float:
    """A noisy estimate of a hidden value, the same for the same (seed, month, metric)."""
    key = [seed, month + 1, zlib.crc32(metric.encode())]
    z = float(np.random.default_rng(key).standard_normal())
    if METRIC_BY_NAME[metric].bounded:
        return float(np.clip(value + FOG_SD_SHARE * z, 0.0, 1.0))
    return value * math.exp(FOG_SD_RELATIVE * z)


def fogged(seat: str) -> frozenset[str]:
    """The metrics a seat sees only as estimates under fog of war."""
    return frozenset().union(*(HIDDEN[s] for s in SEATS if s != seat))


def reading(session: SeatView, metric: str, played: int) -> Reading:
    """One metric after ``played`` months, true or estimated as the fog flag says."""
    history = session.series(metric)[:played].astype(np.float64)
    value = float(history[-1]) if played else session.initial[metric]
    hidden = session.fog and metric in fogged(session.seat)
    if hidden:
        seed = session.seed
        history = np.array([estimate(seed, m, metric, float(v)) for m, v in enumerate(history)])
        value = estimate(seed, played - 1, metric, value)
    return Reading(metric, value, sparkline(history), hidden)


def snapshot(session: SeatView, turns: int | None = None, *, viewer: str = "you play") -> Dashboard:
    """The dashboard after ``turns`` turns (default: all played so far).

    Args:
        session: The seat's view of the game.
        turns: Turns played (default: all so far).
        viewer: Who looks at the seat, in the title (``you play`` DPRK).
    """
    count = len(session.turns) if turns is None else turns
    last = session.turns[count - 1] if count else None
    played = last.first + last.months if last else 0
    seat = session.seat
    partners = [s for s in SEATS if s != seat]
    trust = tuple(
        (
            p,
            reading(session, f"trust_{seat}_{p}", played),
            reading(session, f"trust_{p}_{seat}", played),
        )
        for p in partners
    )
    return Dashboard(
        title=_title(session, count, played, viewer),
        readings=tuple(reading(session, m, played) for m in KEY_METRICS[seat]),
        trust=trust,
        breakdown=breakdown(session, count),
        partners=_partner_moves(last.partners if last else {}),
        news=last.news if last else (),
    )


def breakdown(session: SeatView, turns: int) -> Breakdown:
    """The seat's score in parts after ``turns`` turns, with their changes over the last."""
    metric = SCORE_METRIC[session.seat]
    states = [session.initial, *(t.state for t in session.turns[:turns])]
    parts = [session.initial_parts, *(t.parts for t in session.turns[:turns])]
    now = parts[-1]
    if turns == 0:
        return Breakdown(
            session.scale,
            states[-1][metric],
            None,
            tuple(Part(name, value, None) for name, value in now.items()),
        )
    before = parts[-2]
    changes = {name: now[name] - before[name] for name in now}
    order = sorted(now, key=lambda name: -changes[name])  # stable: ties keep the objective's order
    return Breakdown(
        session.scale,
        states[-1][metric],
        states[-1][metric] - states[-2][metric],
        tuple(Part(name, now[name], changes[name]) for name in order),
    )


def _title(session: SeatView, turns: int, played: int, viewer: str) -> str:
    seat = ACTOR_NAMES[session.seat]
    if played >= session.months:
        when = f"the end, {session.date(played - 1)}"
    else:
        when = f"turn {turns + 1} of {session.total_turns}, {session.date(played)}"
    return f"{session.scenario.name} · {viewer} {seat} · {when}"


def _partner_moves(
    partners: dict[str, dict[str, float]],
) -> dict[str, tuple[tuple[str, str, str], ...]]:
    return {
        seat: tuple(
            (lever.name, lever.spec.help, lever.show(action[lever.name])) for lever in levers(seat)
        )
        for seat, action in partners.items()
    }


# ---------------------------------------------------------------------- rendering
def render(board: Dashboard) -> RenderableType:
    """The dashboard as rich panels and tables."""
    numbers = Table(expand=True, box=None, pad_edge=False)
    for name, justify in (("", "left"), ("now", "right"), ("unit", "left"), ("trend", "left")):
        numbers.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in board.readings:
        numbers.add_row(r.label, r.shown(), r.unit, r.trend)
    trust = Table(expand=True, box=None, pad_edge=False)
    for name in ("partner", "your trust in them", "their trust in you"):
        trust.add_column(name)
    for partner, toward, back in board.trust:
        trust.add_row(
            ACTOR_NAMES[partner],
            f"{toward.shown()} {toward.trend}",
            f"{back.shown()} {back.trend}",
        )
    parts: list[RenderableType] = [
        Panel(numbers, title="your state", title_align="left"),
        Panel(
            _score_table(board.breakdown), title=_score_title(board.breakdown), title_align="left"
        ),
        Panel(trust, title="trust", title_align="left"),
    ]
    if board.partners:
        parts.append(Panel(_partners_table(board), title="last turn", title_align="left"))
    news = "\n".join(board.news) if board.news else "(nothing reported)"
    parts.append(Panel(Text(news), title="news", title_align="left"))
    return Panel(Group(*parts), title=f"[bold]{board.title}[/bold]", title_align="left")


def _score_title(board: Breakdown) -> str:
    change = "" if board.change is None else f" ({signed_fixed(board.change)} over the turn)"
    return f"your score {format_number(board.score)}{change}, in parts"


def _score_table(board: Breakdown) -> Table:
    """The score's parts, most raised first, with the scale's meaning as the caption."""
    table = Table(
        expand=True,
        box=None,
        pad_edge=False,
        caption=f"on the {SCALE_WORDS[board.scale]}",
        caption_justify="left",
    )
    table.add_column("part")
    table.add_column("now", justify="right")
    table.add_column("change over the turn", justify="right")
    table.add_column("")
    for part in board.parts:
        if part.change is None:
            table.add_row(part.name, signed_fixed(part.now), "", "")
            continue
        mark, style = _mark(part.change)
        change = Text(signed_fixed(part.change), style=style)
        table.add_row(part.name, signed_fixed(part.now), change, mark)
    return table


def _mark(change: float) -> tuple[str, str]:
    """An arrow and a colour for a part's change: up green, down red, none plain."""
    if round(change, 3) > 0:
        return "▲ raised the score", "green"
    if round(change, 3) < 0:
        return "▼ lowered it", "red"
    return "", ""


def _partners_table(board: Dashboard) -> Table:
    table = Table(expand=True, box=None, pad_edge=False)
    table.add_column("partner")
    table.add_column("did (last month of the turn)")
    for seat, moves in board.partners.items():
        table.add_row(
            ACTOR_NAMES[seat], Text("; ".join(f"{what}: {value}" for _, what, value in moves))
        )
    return table


# ---------------------------------------------------------------------- compact view
def render_compact(board: Dashboard, width: int = 80, rows: int = 22) -> RenderableType:
    """The dashboard in ``width`` columns and at most ``rows`` rows (see :func:`compact_lines`)."""
    lines = compact_lines(board, width, rows)
    texts = [Text(line, no_wrap=True, overflow="ellipsis") for line in lines]
    texts[0].stylize("bold")
    return Group(*texts)


def compact_lines(board: Dashboard, width: int = 80, rows: int = 22) -> list[str]:
    """The dashboard as at most ``rows`` lines of at most ``width`` cells.

    The title; the key numbers two to a line, each with a sparkline of its last
    :data:`COMPACT_SPARK` months; the score with the parts that raised it (▲) and lowered
    it (▼) over the turn, each as ``name now (change)``; trust; one line per partner (its
    levers in the model's order, as many as fit); and as much news as the rows leave, the
    rest counted. Every line is cut to the width with an ellipsis.
    """
    half = min((width - 3) // 2, 38)
    score, *others = board.readings  # the score has a line of its own, with its parts
    cells = [_cell(r, half) for r in others]
    lines = [board.title]
    lines += [" · ".join(cells[i : i + 2]).rstrip() for i in range(0, len(cells), 2)]
    lines += _compact_score(board.breakdown, score, width)
    lines.append(
        "trust (yours / theirs): "
        + " · ".join(
            f"{ACTOR_NAMES[p]} {toward.shown()} / {back.shown()}" for p, toward, back in board.trust
        )
    )
    lines += [
        f"{ACTOR_NAMES[seat]}: " + " · ".join(f"{name} {value}" for name, _, value in moves)
        for seat, moves in board.partners.items()
    ]
    room = max(rows - len(lines) - 1, 1)  # one row for the news' heading
    news = list(board.news)
    if len(news) > room:
        news = [*news[: room - 1], f"... and {len(news) - room + 1} more (the transcript has all)"]
    lines.append("news:" if board.news else "news: (nothing reported)")
    lines += [f" {line}" for line in news]
    return [_fit(line, width) for line in lines]


def _cell(r: Reading, width: int) -> str:
    label = METRIC_BY_NAME[r.metric].short or r.metric
    trend = r.trend[-COMPACT_SPARK:]
    return _fit(f"{label:<14} {r.shown():>8} {trend:<{COMPACT_SPARK}}", width).ljust(width)


def _compact_score(board: Breakdown, score: Reading, width: int) -> list[str]:
    change = "" if board.change is None else f" ({signed_fixed(board.change)} this turn)"
    trend = score.trend[-COMPACT_SPARK:]
    head = " ".join(x for x in (f"your score {score.shown()}", trend) if x)
    lines = [f"{head}{change} · {SCALE_SHORT[board.scale]}"]
    if board.change is None:
        now = [f"{p.name} {signed_fixed(p.now)}" for p in board.parts]
        return lines + _packed("  ", now, width)
    for mark, parts in (("▲ ", board.raised), ("▼ ", board.lowered[::-1])):
        entries = [
            f"{p.name} {signed_fixed(p.now)} ({signed_fixed(p.change or 0.0)})" for p in parts
        ]
        lines += _packed(mark, entries, width)
    return lines


def _packed(prefix: str, entries: list[str], width: int) -> list[str]:
    """Entries joined by `` · `` into as few lines as fit the width, the first with a prefix."""
    lines: list[str] = []
    line = ""
    for entry in entries:
        candidate = f"{line} · {entry}" if line else entry
        if line and len(prefix) + len(candidate) > width:
            lines.append(line)
            candidate = entry
        line = candidate
    if line:
        lines.append(line)
    return [("  " if i else prefix) + text for i, text in enumerate(lines)]


def _fit(line: str, width: int) -> str:
    """A line cut to ``width`` cells, an ellipsis marking the cut."""
    text = Text(line)
    text.truncate(width, overflow="ellipsis")
    return text.plain


def markdown(board: Dashboard) -> str:
    """The dashboard as Markdown tables (for the transcript)."""
    lines = ["| measure | now | unit | trend |", "|---|---:|---|---|"]
    lines += [f"| {r.label} | {r.shown()} | {r.unit} | {r.trend} |" for r in board.readings]
    lines += ["", "| partner | your trust in them | their trust in you |", "|---|---:|---:|"]
    lines += [
        f"| {ACTOR_NAMES[p]} | {toward.shown()} | {back.shown()} |"
        for p, toward, back in board.trust
    ]
    lines += ["", *_markdown_score(board.breakdown)]
    if board.partners:
        lines += ["", "Partners (last month of the turn):", ""]
        lines += [
            f"- {ACTOR_NAMES[seat]}: " + "; ".join(f"{what} {value}" for _, what, value in moves)
            for seat, moves in board.partners.items()
        ]
    lines += ["", "News:", ""]
    lines += [f"- {line}" for line in board.news] or ["- (nothing reported)"]
    return "\n".join(lines) + "\n"


def _markdown_score(board: Breakdown) -> list[str]:
    change = "" if board.change is None else f" ({signed_fixed(board.change)} over the turn)"
    lines = [
        f"Your score {format_number(board.score)}{change} in parts, "
        f"on the {SCALE_WORDS[board.scale]}.",
        "",
        "| part | now | change over the turn |",
        "|---|---:|---:|",
    ]
    for part in board.parts:
        change_text = "" if part.change is None else signed_fixed(part.change)
        lines.append(f"| {part.name} | {signed_fixed(part.now)} | {change_text} |")
    return lines

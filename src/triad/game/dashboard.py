"""What the player sees each turn: a dashboard, rendered with rich or written as Markdown.

:func:`snapshot` reads a :class:`~triad.game.session.Session` into a plain
:class:`Dashboard`: the seat's key numbers with their trend (unicode sparklines), trust
toward and from each partner, what the partners did last turn, and the turn's news.
:func:`render` draws it in the terminal and :func:`markdown` writes it for the transcript,
so both show the same numbers.

Fog of war: partners' hidden state (their stocks, trust, resentment, score) is shown as a
noisy estimate. The noise depends only on the game's seed, the month and the metric, so a
replayed game shows the same estimates: ±0.1 (one standard deviation) on shares and
indices, ±20% on amounts.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Final

import numpy as np
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from triad.game.levers import SEATS, levers
from triad.game.session import ACTOR_NAMES, Session
from triad.model.metrics import METRIC_BY_NAME

KEY_METRICS: Final[dict[str, tuple[str, ...]]] = {
    "dprk": (
        "score_dprk",
        "containers",
        "price_per_round",
        "payment_m",
        "payment_ratio",
        "dprk_food_gap",
        "dprk_gdp_bn",
        "dprk_fx_m",
        "dprk_labour_income_m",
        "dprk_cyber_income_m",
        "dprk_stock_above_floor_m",
        "satellite_capability",
        "dprk_exposure",
        "china_resentment",
        "cn_share_of_dprk_trade",
    ),
    "russia": (
        "score_russia",
        "rounds_received_m",
        "russia_unmet",
        "russia_fire_share",
        "russia_stock_m",
        "payment_m",
        "price_per_round",
        "russia_tech_tier",
        "dprk_exposure",
        "china_enforcement",
        "war_intensity",
    ),
    "china": (
        "score_china",
        "cn_share_of_dprk_trade",
        "china_resentment",
        "dprk_food_gap",
        "cn_aid_m",
        "cn_dprk_trade_bn",
        "china_enforcement",
        "containers",
        "dprk_exposure",
        "russia_tech_tier",
        "dprk_regime_security",
    ),
}
"""The numbers each seat watches, its own score first."""

HIDDEN: Final[dict[str, frozenset[str]]] = {
    "dprk": frozenset(
        {
            "score_dprk",
            "dprk_regime_security",
            "dprk_stock_m",
            "dprk_stock_above_floor_m",
            "dprk_fx_m",
            "dprk_food_gap",
            "dprk_gdp_bn",
            "satellite_capability",
            "trust_dprk_russia",
            "trust_dprk_china",
        }
    ),
    "russia": frozenset(
        {
            "score_russia",
            "russia_stock_m",
            "russia_unmet",
            "russia_shortfall",
            "russia_fire_share",
            "trust_russia_dprk",
            "trust_russia_china",
        }
    ),
    "china": frozenset(
        {"score_china", "china_resentment", "trust_china_dprk", "trust_china_russia"}
    ),
}
"""Each actor's hidden state: what the others see only as estimates under fog of war."""

FOG_SD_SHARE: Final = 0.1
FOG_SD_RELATIVE: Final = 0.2
SPARK: Final = "▁▂▃▄▅▆▇█"
SPARK_POINTS: Final = 24


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
        return ("≈" if self.estimate else "") + number(self.value)


@dataclass(frozen=True)
class Dashboard:
    """One turn's view of the game.

    Attributes:
        title: Scenario, seat, turn and date.
        readings: The seat's key numbers.
        trust: (partner, trust toward it, its trust toward the seat), one per partner.
        partners: Partner -> (lever, value shown) of its last month.
        news: The last turn's happenings.
    """

    title: str
    readings: tuple[Reading, ...]
    trust: tuple[tuple[str, Reading, Reading], ...]
    partners: dict[str, tuple[tuple[str, str], ...]]
    news: tuple[str, ...]


def number(value: float) -> str:
    """A number for reading: thousands separated above 100, else three significant digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


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


def reading(session: Session, metric: str, played: int) -> Reading:
    """One metric after ``played`` months, true or estimated as the fog flag says."""
    history = session.model.recorder.series(metric)[:played, 0].astype(np.float64)
    value = float(history[-1]) if played else session.initial[metric]
    hidden = session.fog and metric in fogged(session.seat)
    if hidden:
        seed = session.seed
        history = np.array([estimate(seed, m, metric, float(v)) for m, v in enumerate(history)])
        value = estimate(seed, played - 1, metric, value)
    return Reading(metric, value, sparkline(history), hidden)


def snapshot(session: Session, turns: int | None = None) -> Dashboard:
    """The dashboard after ``turns`` turns (default: all played so far)."""
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
        title=_title(session, count, played),
        readings=tuple(reading(session, m, played) for m in KEY_METRICS[seat]),
        trust=trust,
        partners=_partner_moves(last.partners if last else {}),
        news=last.news if last else (),
    )


def _title(session: Session, turns: int, played: int) -> str:
    seat = ACTOR_NAMES[session.seat]
    if played >= session.months:
        when = f"the end, {session.date(played - 1)}"
    else:
        when = f"turn {turns + 1} of {session.total_turns}, {session.date(played)}"
    return f"{session.scenario.name} · you play {seat} · {when}"


def _partner_moves(partners: dict[str, dict[str, float]]) -> dict[str, tuple[tuple[str, str], ...]]:
    return {
        seat: tuple((lever.spec.help, lever.show(action[lever.name])) for lever in levers(seat))
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
        Panel(trust, title="trust", title_align="left"),
    ]
    if board.partners:
        parts.append(Panel(_partners_table(board), title="last turn", title_align="left"))
    news = "\n".join(board.news) if board.news else "(nothing reported)"
    parts.append(Panel(Text(news), title="news", title_align="left"))
    return Panel(Group(*parts), title=f"[bold]{board.title}[/bold]", title_align="left")


def _partners_table(board: Dashboard) -> Table:
    table = Table(expand=True, box=None, pad_edge=False)
    table.add_column("partner")
    table.add_column("did (last month of the turn)")
    for seat, moves in board.partners.items():
        table.add_row(
            ACTOR_NAMES[seat], Text("; ".join(f"{what}: {value}" for what, value in moves))
        )
    return table


def markdown(board: Dashboard) -> str:
    """The dashboard as Markdown tables (for the transcript)."""
    lines = ["| measure | now | unit | trend |", "|---|---:|---|---|"]
    lines += [f"| {r.label} | {r.shown()} | {r.unit} | {r.trend} |" for r in board.readings]
    lines += ["", "| partner | your trust in them | their trust in you |", "|---|---:|---:|"]
    lines += [
        f"| {ACTOR_NAMES[p]} | {toward.shown()} | {back.shown()} |"
        for p, toward, back in board.trust
    ]
    if board.partners:
        lines += ["", "Partners (last month of the turn):", ""]
        lines += [
            f"- {ACTOR_NAMES[seat]}: " + "; ".join(f"{what} {value}" for what, value in moves)
            for seat, moves in board.partners.items()
        ]
    lines += ["", "News:", ""]
    lines += [f"- {line}" for line in board.news] or ["- (nothing reported)"]
    return "\n".join(lines) + "\n"

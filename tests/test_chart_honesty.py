"""Every chart says when its value axis is cut, what produced it, and draws no text on text."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import triad
from triad.experiments.explain import Attribution, Item
from triad.model.metrics import METRIC_BY_NAME, METRICS
from triad.plots.attribution import waterfall_chart
from triad.plots.backtest import backtest_chart
from triad.plots.distribution import final_distribution
from triad.plots.fan import NOT_FROM_ZERO
from triad.plots.sensitivity import morris_chart, sobol_chart
from triad.plots.style import Provenance
from triad.plots.sweep import sweep_heatmap, sweep_line
from triad.runs.options import RunOptions

PROVENANCE = Provenance(("baseline",), 500, 20230913, "9.9.9")
FOOTER = "baseline · 500 worlds · seed 20230913 · triad 9.9.9"


def drawn(figure: Figure) -> FigureCanvasAgg:
    canvas = (
        figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    )
    canvas.draw()
    return canvas


def box(figure: Figure, text: Text) -> Bbox:
    return text.get_window_extent(drawn(figure).get_renderer())


def inside(figure: Figure, text: Text, margin: float = 1.0) -> bool:
    """True if the text lies within the figure, ``margin`` pixels from every edge."""
    found, page = box(figure, text), figure.bbox
    return bool(
        found.x0 >= page.x0 + margin
        and found.x1 <= page.x1 - margin
        and found.y0 >= page.y0 + margin
        and found.y1 <= page.y1 - margin
    )


def says_cut(figure: Figure) -> bool:
    return any(t.get_text() == NOT_FROM_ZERO for ax in figure.axes for t in ax.texts)


def attribution(value_a: float, steps: tuple[float, ...]) -> Attribution:
    items = tuple(Item(f"item.{i}", "parameter", 0.0, 1.0) for i in range(len(steps)))
    total = float(sum(steps))
    return Attribution(
        labels=("baseline", "variant"),
        metric="containers_cum",
        date="2028-08",
        items=items,
        contributions=np.asarray(steps, dtype=np.float64),
        value_a=value_a,
        value_b=value_a + total,
        paired=np.full(8, total),
        method="exact",
        permutations=0,
        runs=2 ** len(steps),
        worlds=8,
        seed=7,
    )


# --------------------------------------------------------------------------- cut axes
@pytest.mark.parametrize(
    ("metric", "low", "high"),
    [
        ("dprk_gdp_bn", 24.0, 28.0),
        ("dprk_regime_security", 0.2, 0.24),
        ("satellite_capability", 0.55, 0.6),
    ],
)
def test_a_distribution_far_from_zero_says_its_axis_is_cut(
    metric: str, low: float, high: float
) -> None:
    values = {"baseline": np.linspace(low, high, 50), "other": np.linspace(low, high, 50)[::-1]}
    figure = final_distribution(values, metric, provenance=PROVENANCE)
    left, _ = figure.axes[0].get_xlim()
    assert left > 0 and says_cut(figure)


def test_a_distribution_that_still_fills_a_third_starts_at_zero_and_says_nothing() -> None:
    figure = final_distribution({"baseline": np.linspace(0.4, 0.9, 50)}, "bloc_cohesion")
    assert figure.axes[0].get_xlim()[0] == 0 and not says_cut(figure)


def test_a_waterfall_far_from_zero_says_its_axis_is_cut_and_one_near_zero_starts_there() -> None:
    far = waterfall_chart(attribution(15_000.0, (-600.0, 250.0)), provenance=PROVENANCE)
    assert far.axes[0].get_xlim()[0] > 0 and says_cut(far)
    near = waterfall_chart(attribution(100.0, (-60.0, 20.0)))
    assert near.axes[0].get_xlim()[0] == 0 and not says_cut(near)


def test_the_cut_note_covers_no_row_of_the_distribution() -> None:
    figure = final_distribution({"baseline": np.linspace(24.0, 28.0, 50)}, "dprk_gdp_bn")
    ax = figure.axes[0]
    (note,) = [t for t in ax.texts if t.get_text() == NOT_FROM_ZERO]
    violin = ax.collections[0].get_window_extent(drawn(figure).get_renderer())
    assert box(figure, note).y1 <= violin.y0 + 1


# --------------------------------------------------------------------------- footers
def sweep_rows() -> pd.DataFrame:
    rows = [
        {"a": a, "b": b, "p05": a, "p25": a, "p50": a + b, "p75": a + b, "p95": 2 * a + b}
        for a in (0.1, 0.2)
        for b in (1.0, 2.0)
    ]
    return pd.DataFrame(rows)


def sensitivity_indices() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parameter": ["a.b", "c.d"],
            "mu": [1.0, 2.0],
            "mu_star": [10.0, 5.0],
            "sigma": [8.0, 3.0],
            "mu_star_conf": [1.0, 1.0],
            "S1": [0.6, 0.2],
            "S1_conf": [0.05, 0.05],
            "ST": [0.7, 0.3],
            "ST_conf": [0.05, 0.05],
        }
    )


def backtest_table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": "russia_shell_production_2024", "period": "2024-03", "value": 0.25,
                "low": 0.2, "high": 0.3, "median": 0.249, "p05": 0.22, "p95": 0.28, "hit": True,
                "status": "inside", "unit": "M rounds per month",
            },
            {
                "id": "containers_by_2024_02", "period": "2024-02", "value": 6700.0,
                "low": 5000.0, "high": 8000.0, "median": 6094.0, "p05": 3000.0, "p95": 7500.0,
                "hit": True, "status": "inside", "unit": "containers",
            },
            {
                "id": "russia_fire_rate_2024", "period": "2024-03", "value": 10_000.0,
                "low": 8000.0, "high": 12_000.0, "median": 10_707.0, "p05": 9000.0,
                "p95": 12_000.0, "hit": True, "status": "inside", "unit": "rounds per day",
            },
        ]
    )  # fmt: skip


CHARTS = {
    "sweep line": lambda p: sweep_line(sweep_rows(), "a", "containers", provenance=p),
    "sweep heat map": lambda p: sweep_heatmap(sweep_rows(), "a", "b", "containers", provenance=p),
    "waterfall": lambda p: waterfall_chart(attribution(15_000.0, (-600.0, 250.0)), provenance=p),
    "morris": lambda p: morris_chart(sensitivity_indices(), "containers", provenance=p),
    "sobol": lambda p: sobol_chart(sensitivity_indices(), "containers", provenance=p),
    "backtest": lambda p: backtest_chart(backtest_table(), provenance=p),
}


@pytest.mark.parametrize("chart", list(CHARTS))
def test_every_chart_carries_its_footer_inside_the_figure_clear_of_the_rest(chart: str) -> None:
    figure = CHARTS[chart](PROVENANCE)
    (footer,) = [t for t in figure.findobj(Text) if t.get_gid() == "provenance"]
    assert footer.get_text() == FOOTER and inside(figure, footer)
    below = box(figure, footer)
    others = [
        t
        for t in figure.findobj(Text)
        if t is not footer and t.get_visible() and t.get_text().strip()
    ]
    for text in others:  # legends, labels, notes: all above the footer
        assert not box(figure, text).overlaps(below), text.get_text()
    assert not [t for t in CHARTS[chart](None).findobj(Text) if t.get_gid() == "provenance"]


# --------------------------------------------------------------------------- collisions
def test_morris_numbers_of_points_close_together_do_not_overlap() -> None:
    indices = pd.DataFrame(
        {
            "parameter": ["a", "b", "c", "d", "e"],
            "mu": [1.0] * 5,
            "mu_star": [1000.0, 300.0, 301.0, 302.0, 50.0],
            "sigma": [900.0, 320.0, 321.0, 318.0, 60.0],
            "mu_star_conf": [100.0, 30.0, 30.0, 30.0, 10.0],
        }
    )
    figure = morris_chart(indices, "containers_cum", provenance=PROVENANCE)
    numbers = [t for t in figure.axes[0].texts if t.get_gid() == "rank"]
    assert sorted(t.get_text() for t in numbers) == ["1", "2", "3", "4", "5"]
    boxes = [box(figure, t) for t in numbers]
    for one, other in combinations(boxes, 2):
        assert not one.overlaps(other)
    frame = figure.axes[0].get_window_extent()
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 for b in boxes)


def test_the_backtest_row_names_and_numbers_stay_inside_the_figure() -> None:
    figure = backtest_chart(backtest_table(), title="baseline vs history")
    ax = figure.axes[0]
    names = [t for t in ax.get_yticklabels() if t.get_text()]
    assert any(t.get_text().startswith("russia_shell_production_2024") for t in names)
    for text in [*names, *ax.texts]:
        assert inside(figure, text, margin=8.0), text.get_text()  # 0.08 in clear


def test_the_experiments_pass_what_produced_them_to_their_charts() -> None:
    from triad.experiments.backtest import backtest
    from triad.experiments.explain import explain
    from triad.experiments.parameters import parse_axis, parse_outcome, parse_range
    from triad.experiments.sensitivity import sensitivity
    from triad.experiments.sweep import sweep

    outcome = parse_outcome("containers_cum@2024-06")
    swept = sweep(
        "baseline",
        [parse_axis("russia.war.fire_rate_m=0.2:0.4:2")],
        [outcome],
        options=RunOptions(worlds=3),
    )
    ranges = [
        parse_range("russia.war.fire_rate_m=0.2:0.4"),
        parse_range("russia.war.dud_rate=0.1:0.3"),
    ]
    screened = sensitivity("baseline", "morris", ranges, outcome, n=2, options=RunOptions(seed=5))
    figures = {
        "baseline · 3 worlds": triad.plot(swept, outcome.label),
        f"baseline · {len(screened.outputs)} worlds · seed 5": triad.plot(screened),
        "baseline · 4 worlds": triad.plot(backtest("baseline", options=RunOptions(worlds=4))),
        "baseline vs ceasefire_2025 · 3 worlds": triad.plot(
            explain("baseline", "ceasefire_2025", "containers_cum", options=RunOptions(worlds=3))
        ),
    }
    for start, figure in figures.items():
        (footer,) = [t for t in figure.findobj(Text) if t.get_gid() == "provenance"]
        assert footer.get_text().startswith(start) and " · triad " in footer.get_text()


# --------------------------------------------------------------------------- index scales
INDICES = [m for m in METRICS if m.unit == "index" and m.bounded]


def test_every_index_says_what_its_ends_mean() -> None:
    assert len(INDICES) >= 15
    for metric in INDICES:
        assert "0 = " in metric.ends and "1 = " in metric.ends, metric.name
    assert not [m.name for m in METRICS if m.ends and not m.bounded]


def test_the_model_description_gives_each_index_its_ends() -> None:
    odd = (Path(__file__).resolve().parent.parent / "docs" / "odd.md").read_text("utf-8")
    for metric in INDICES:
        start = f"| `{metric.name}` | index | {metric.owner} |"  # its row of the metric table
        (row,) = [line for line in odd.splitlines() if line.startswith(start)]
        assert metric.ends in row, metric.name


def test_the_report_and_the_distribution_chart_say_what_an_index_reads() -> None:
    import triad
    from triad.reports.comparison import render_markdown

    comparison = triad.compare(
        ["baseline", "ceasefire_2025"],
        metrics=["containers", "china_resentment"],
        options=RunOptions(worlds=2),
    )
    report = render_markdown(comparison, comparison.differences(), charts="none")
    reading = report.split("## How to read it")[1].split("\n## ")[0]
    assert f"`china_resentment`: {METRIC_BY_NAME['china_resentment'].ends}" in reading
    assert "`containers`:" not in reading
    figure = final_distribution({"baseline": np.linspace(0.2, 0.6, 20)}, "bloc_cohesion")
    key = [t.get_text() for t in figure.texts if t.get_gid() == "key"]
    assert key and METRIC_BY_NAME["bloc_cohesion"].ends in key[0].replace("\n", " ")

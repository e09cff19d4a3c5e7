"""Charts from synthetic data: what each draws, that it accepts an axes, that it saves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from triad.errors import ModelError
from triad.plots import (
    difference_chart,
    fan_chart,
    final_distribution,
    metric_label,
    overview_grid,
    scenario_colors,
    scripted_events,
)
from triad.plots.differences import rounded
from triad.plots.style import PALETTE, REFERENCE_COLOR, save
from triad.scenario.loader import load_scenario

DATES = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(36)]
EVENTS = [("2024-06", "partnership_treaty"), ("2025-03", "ceasefire")]


def bands(level: float, slope: float = 1.0) -> pd.DataFrame:
    middle = level + slope * np.arange(len(DATES))
    frame = pd.DataFrame({"month": np.arange(len(DATES)), "date": DATES})
    for name, offset in (("p05", -4), ("p25", -1), ("p50", 0), ("p75", 1), ("p95", 4)):
        frame[name] = middle + offset
    return frame


TWO = {"baseline": bands(100.0), "ceasefire_2025": bands(90.0, -1.0)}


def differences() -> pd.DataFrame:
    rows = []
    for metric, scale in (("containers", 100.0), ("dprk_gdp_bn", 1.0), ("dprk_food_gap", 0.05)):
        for i, scenario in enumerate(("ceasefire_2025", "china_punishes")):
            mid = scale * (i - 0.5)
            rows.append(
                {
                    "metric": metric,
                    "scenario": scenario,
                    "reference": "baseline",
                    "median_difference": mid,
                    "mc_p05": mid - 0.1 * scale,
                    "mc_p95": mid + 0.1 * scale,
                    "worlds_p05": mid - scale,
                    "worlds_p95": mid + scale,
                }
            )
    return pd.DataFrame(rows)


def new_axes() -> tuple[Figure, Axes]:
    figure = Figure()
    return figure, figure.add_subplot()


# --------------------------------------------------------------------------- style
def test_the_reference_is_dark_and_every_scenario_keeps_its_colour() -> None:
    colors = scenario_colors(["baseline", "a", "b"])
    assert colors == {"baseline": REFERENCE_COLOR, "a": PALETTE[0], "b": PALETTE[1]}
    assert scenario_colors(["baseline", "a", "b"]) == colors
    assert len(set(scenario_colors([f"s{i}" for i in range(9)]).values())) == 9


def test_metric_labels_carry_the_unit() -> None:
    assert metric_label("dprk_gdp_bn") == "DPRK GDP [US$ bn/yr]"
    with pytest.raises(ModelError, match="unknown metric 'gdp'; known: containers"):
        metric_label("gdp")


def test_scripted_events_are_the_dated_ones_in_order() -> None:
    assert ("2025-03", "ceasefire") in scripted_events(load_scenario("ceasefire_2025"))
    events = scripted_events(load_scenario("tech_for_shells"))  # its own event is conditional
    assert events == sorted(events)
    assert "shells_for_tier_two" not in {name for _, name in events}


# --------------------------------------------------------------------------- fan
def test_a_fan_chart_draws_two_bands_and_a_median_per_scenario_and_a_line_per_event() -> None:
    figure = fan_chart(TWO, "containers", events=EVENTS)
    (ax,) = figure.axes
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 4
    assert len(ax.lines) == 2 + 2
    assert [t.get_text().strip() for t in ax.texts] == ["partnership treaty", "ceasefire"]
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()][:2] == ["baseline", "ceasefire_2025"]
    assert ax.get_ylabel() == "containers/month"
    assert ax.get_title(loc="left").startswith("Containers shipped DPRK → Russia")


def test_the_fan_chart_x_axis_shows_years() -> None:
    figure = fan_chart(TWO, "containers")
    figure.canvas.draw()
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert {"2024", "2025", "2026"} <= set(labels)


def test_events_outside_the_months_are_left_out() -> None:
    figure = fan_chart(TWO, "containers", events=[("2030-01", "later"), ("2024-06", "now")])
    assert len(figure.axes[0].lines) == 2 + 1


def test_a_fan_chart_draws_into_the_axes_given() -> None:
    figure, ax = new_axes()
    assert fan_chart(TWO, "containers", ax=ax) is figure
    assert figure.axes == [ax]
    assert len(ax.lines) == 2


def test_colours_given_are_used() -> None:
    colors = {"baseline": "#000000", "ceasefire_2025": "#ff0000"}
    ax = fan_chart(TWO, "containers", colors=colors).axes[0]
    assert [line.get_color() for line in ax.lines] == ["#000000", "#ff0000"]


# --------------------------------------------------------------------------- distribution
def test_final_distribution_has_a_row_per_scenario() -> None:
    rng = np.random.default_rng(1)
    values = {"baseline": rng.normal(5, 1, 200), "b": rng.normal(6, 1, 200), "c": np.zeros(200)}
    figure = final_distribution(values, "dprk_gdp_bn", date="2028-08")
    (ax,) = figure.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["baseline", "b", "c"]
    assert ax.get_xlabel() == "US$ bn/yr"
    assert ax.get_title(loc="left") == "DPRK GDP in 2028-08"
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2  # no violin for c
    assert any(t.get_text() == "all 200 worlds at 0" for t in ax.texts)


def test_final_distribution_draws_into_the_axes_given() -> None:
    figure, ax = new_axes()
    values = {"baseline": np.arange(10.0), "b": np.arange(10.0) + 1}
    assert final_distribution(values, "containers", ax=ax) is figure
    assert figure.axes == [ax]


# --------------------------------------------------------------------------- overview
def test_the_overview_has_one_panel_per_metric_and_one_legend() -> None:
    metrics = ["containers", "dprk_gdp_bn", "dprk_food_gap", "bloc_cohesion"]
    figure = overview_grid({m: TWO for m in metrics}, events=EVENTS, ncols=3)
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert len(figure.axes) == 6 and len(visible) == 4
    assert [ax.get_title(loc="left").split()[0] for ax in visible] == [
        "Containers",
        "DPRK",
        "Share",
        "Cohesion",
    ]
    for ax in visible:
        assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 4
        assert len(ax.lines) == 2 + 2 and not ax.texts  # events unlabelled in small panels
        assert ax.get_legend() is None
    assert len(figure.legends) == 1
    assert "2025-03 ceasefire" in figure.get_supxlabel()


# --------------------------------------------------------------------------- differences
def test_the_difference_chart_has_a_panel_per_metric_and_a_row_per_scenario() -> None:
    figure = difference_chart(differences(), date="2028-08")
    assert len(figure.axes) == 3
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ceasefire_2025", "china_punishes"]
    assert ax.get_xlabel() == "difference [containers/month]"
    assert [t.get_text() for t in ax.texts] == ["-50", "+50"]
    low, high = ax.get_xlim()
    assert low == -high and high > 150  # symmetric, holds the worlds' spread
    assert "2028-08" in figure.get_suptitle()


def test_the_difference_chart_splits_the_axes_given() -> None:
    figure = Figure()
    left, right = figure.subplots(1, 2)
    assert difference_chart(differences(), ax=right) is figure
    assert len(figure.axes) == 1 + 3
    assert left in figure.axes and right not in figure.axes


def test_the_difference_chart_names_missing_columns() -> None:
    with pytest.raises(ModelError, match="lack the columns mc_p05, mc_p95"):
        difference_chart(differences().drop(columns=["mc_p05", "mc_p95"]))


def test_difference_labels_are_rounded_to_what_the_panel_resolves() -> None:
    assert rounded(-162.27, 300.0) == "-162"
    assert rounded(0.0291, 0.15) == "+0.029"
    assert rounded(-0.0004, 0.15) == "0"


# --------------------------------------------------------------------------- saving
def test_charts_save_as_png(tmp_path: Path) -> None:
    path = tmp_path / "fan.png"
    save(fan_chart(TWO, "containers", events=EVENTS), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_events_on_a_month_drawn_per_world_get_no_dashed_line() -> None:
    marked = {name: at for at, name in scripted_events(load_scenario("baseline"))}
    assert marked["vostochny_summit"] == "2023-09" and marked["troops_kursk"] == "2024-10"
    assert "ceasefire" not in marked and "war_level" not in marked  # months drawn per world
    fixed = {name: at for at, name in scripted_events(load_scenario("ceasefire_2025"))}
    assert fixed["ceasefire"] == "2025-03"  # the what-if fixes the month

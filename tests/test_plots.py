"""Charts from synthetic data: what each draws, that it accepts an axes, that it saves."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

import triad
from triad.errors import ModelError
from triad.experiments.compare import Comparison, compare
from triad.plots import (
    difference_chart,
    fan_chart,
    final_distribution,
    metric_label,
    overview_grid,
    scenario_colors,
    scripted_events,
)
from triad.plots.difference_paths import difference_paths_chart
from triad.plots.differences import rounded
from triad.plots.fan import NOT_FROM_ZERO, as_events, mark_events
from triad.plots.layout import MIN_WIDTH
from triad.plots.style import (
    BAND_50,
    BAND_90,
    EVENT_COLOR,
    PALETTE,
    PANEL_TICKS,
    REFERENCE_COLOR,
    Provenance,
    axis_label,
    save,
)
from triad.plots.sweep import sweep_line
from triad.reports import comparison as report
from triad.runs.ensemble import KEY_METRICS
from triad.runs.options import RunOptions
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


def paths(
    labels: tuple[str, ...] = ("ceasefire_2025",), metrics: tuple[str, ...] = ("containers",)
) -> pd.DataFrame:
    rows = []
    for metric in metrics:
        for label in labels:
            for i, date in enumerate(DATES):
                rows.append(
                    {
                        "metric": metric,
                        "scenario": label,
                        "date": date,
                        "median_difference": -float(i),
                        "worlds_p05": -2.0 * i,
                        "worlds_p25": -1.5 * i,
                        "worlds_p75": -0.5 * i,
                        "worlds_p95": 0.0,
                    }
                )
    return pd.DataFrame(rows)


def extent(figure: Figure, artist: Artist) -> Bbox:
    """Where an artist is drawn, in display pixels (the figure drawn first)."""
    canvas = (
        figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    )
    canvas.draw()
    return artist.get_window_extent(canvas.get_renderer())


def inside(figure: Figure, artist: Artist) -> bool:
    """True if the artist's extent lies within the figure (with a pixel for rounding)."""
    box, page = extent(figure, artist), figure.bbox
    return bool(
        box.x0 >= page.x0 - 1
        and box.x1 <= page.x1 + 1
        and box.y0 >= page.y0 - 1
        and box.y1 <= page.y1 + 1
    )


def text_with_gid(figure: Figure, gid: str) -> Text:
    (found,) = [t for t in figure.findobj(Text) if t.get_gid() == gid]
    return found


def text_starting(figure: Figure, start: str) -> Text:
    found = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().startswith(start)]
    assert found, f"no text starts with {start!r}"
    return found[0]


def legend_texts(figure: Figure) -> list[str]:
    legends = list(figure.legends) + [ax.get_legend() for ax in figure.axes if ax.get_legend()]
    return [t.get_text() for legend in legends if legend for t in legend.get_texts()]


SEVEN = (
    "baseline",
    "ceasefire_2025",
    "china_punishes",
    "tech_for_shells",
    "kpa_resists",
    "troop_surge",
    "trilateral_bloc",
)
PROVENANCE = Provenance(("baseline", "ceasefire_2025"), 500, 20230913, "9.9.9")


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


@pytest.mark.parametrize(
    ("first", "last", "months", "years"),
    [
        ("2024-01-01", "2026-12-01", (1, 4, 7, 10), 1),
        ("2023-11-17", "2025-02-03", tuple(range(1, 13)), 1),
        ("2020-03-01", "2037-05-01", (1, 4, 7, 10), 2),
        ("2024-02-10", "2024-02-20", tuple(range(1, 13)), 1),
    ],
)
def test_minor_date_ticks_fall_where_matplotlibs_month_ticks_do(
    first: str, last: str, months: tuple[int, ...], years: int
) -> None:
    """The one line of minor tick marks stands where matplotlib's own minor ticks would."""
    import matplotlib.dates as mdates

    from triad.plots.style import minor_date_ticks

    figure = Figure()
    ax = figure.add_subplot()
    ax.set_xlim(*(float(mdates.datestr2num(d)) for d in (first, last)))
    ax.xaxis.set_major_locator(mdates.YearLocator(years))
    ax.xaxis.set_minor_locator(mdates.MonthLocator(months))
    low, high = ax.get_xlim()
    expected = [v for v in ax.xaxis.get_minorticklocs() if low <= v <= high]
    assert list(minor_date_ticks((low, high), months, years)) == expected


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
def _value_ticks(ax: Axes) -> list[float]:
    """The value ticks a panel shows: its locator's, within its limits."""
    low, high = sorted(ax.get_ylim())
    slack = (high - low) * 1e-9
    return [v for v in ax.yaxis.get_major_locator()() if low - slack <= v <= high + slack]


def test_small_panels_keep_their_value_ticks_few_and_shares_within_zero_to_one() -> None:
    ranges = {  # (start, rise a month), as a baseline run's medians go
        "containers": (1200.0, -33.0),
        "dprk_gdp_bn": (24.5, 0.05),
        "dprk_food_gap": (0.01, 0.004),
        "bloc_cohesion": (0.45, -0.005),
    }
    overview = overview_grid(
        {m: {"baseline": scaled_bands(*r)} for m, r in ranges.items()}, events=EVENTS, ncols=2
    )
    over_time = difference_paths_chart(paths(metrics=tuple(ranges)), reference="baseline")
    panels = [ax for f in (overview, over_time) for ax in f.axes if ax.get_visible()]
    counts = [len(_value_ticks(ax)) for ax in panels]
    assert len(counts) == 8 and all(3 <= count <= PANEL_TICKS + 1 for count in counts), counts
    assert all(0.0 <= v <= 1.0 for v in _value_ticks(overview.axes[2]))  # a share: 0-100%
    lone = Figure(figsize=(3.0, 3.0)).add_subplot()  # matplotlib's own choice, same height
    lone.set_ylim(0, 1300)
    assert len(_value_ticks(lone)) > PANEL_TICKS + 1


def scaled_bands(start: float, rise: float) -> pd.DataFrame:
    """Bands whose median starts at ``start`` and rises by ``rise`` a month."""
    frame = bands(0.0, 0.0)
    middle = start + rise * frame["month"]
    for name, spread in (("p05", -0.3), ("p25", -0.1), ("p50", 0), ("p75", 0.1), ("p95", 0.3)):
        frame[name] = middle * (1 + spread)
    return frame


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
    assert "2025-03\N{NO-BREAK SPACE}ceasefire" in text_with_gid(figure, "footnote").get_text()


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


# --------------------------------------------------------------------------- layout
def test_a_one_metric_comparison_is_wide_enough_for_its_titles() -> None:
    overview = overview_grid(
        {"containers": TWO},
        events=EVENTS,
        title="baseline vs ceasefire_2025: 500 worlds each",
        provenance=PROVENANCE,
    )
    table = differences()
    forest = difference_chart(
        table[table["metric"] == "containers"], date="2028-08", provenance=PROVENANCE
    )
    over_time = difference_paths_chart(paths(), reference="baseline", provenance=PROVENANCE)
    for figure in (overview, forest, over_time):
        assert figure.get_size_inches()[0] >= MIN_WIDTH
        titles = [t for t in figure.findobj(Text) if t.get_text() and t.get_visible()]
        assert len(titles) > 5
        for text in titles:
            assert inside(figure, text), text.get_text()
    assert inside(overview, overview.legends[0])
    assert inside(over_time, over_time.legends[0])


def test_seven_scenarios_keep_their_title_and_legend_inside_the_figure() -> None:
    seven = {label: bands(100.0 - 5 * i) for i, label in enumerate(SEVEN)}
    metrics = ["containers", "dprk_gdp_bn", "cn_share_of_dprk_trade", "bloc_cohesion"]
    title = f"{' vs '.join(SEVEN)}: 50 worlds each"
    figure = overview_grid(
        {m: seven for m in metrics}, events=EVENTS, title=title, provenance=PROVENANCE
    )
    (legend,) = figure.legends
    heading = text_starting(figure, "baseline vs ceasefire_2025")
    assert inside(figure, heading) and inside(figure, legend)
    assert "\n" in heading.get_text()  # wrapped
    assert 1 < legend._ncols < len(SEVEN) + 3  # several rows and columns
    top_of_panels = max(extent(figure, ax).y1 for ax in figure.axes if ax.get_visible())
    assert extent(figure, legend).y0 > top_of_panels  # above the panels, not over them
    assert extent(figure, heading).y0 >= extent(figure, legend).y1 - 1


@pytest.mark.parametrize(
    "labels", [("baseline",), ("baseline", "ceasefire_2025", "china_punishes")]
)
def test_drawn_into_a_grid_the_legend_stays_in_its_own_axes(labels: tuple[str, ...]) -> None:
    figure = Figure(figsize=(10, 4))
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    fan_chart(
        {label: bands(100.0 - 10 * i) for i, label in enumerate(labels)},
        "containers",
        events=EVENTS,
        ax=left,
    )
    legend = left.get_legend()
    assert legend is not None
    box = extent(figure, legend)
    assert not box.overlaps(extent(figure, right))
    assert extent(figure, left).contains(box.x0 + 1, box.y0 + 1)
    assert extent(figure, left).contains(box.x1 - 1, box.y1 - 1)
    for label in (t for t in left.texts if t.get_gid() == "event label"):
        assert not extent(figure, label).overlaps(box)


CROWDED = [
    ("2024-03", "partnership_treaty"),
    ("2024-04", "satellite_failure_2024"),
    ("2024-05", "panel_veto"),
    ("2024-05", "panel_ends"),
    ("2024-08", "troops_kursk"),
]


@pytest.mark.parametrize("where", ["names", "figure", "axes"])
def test_event_labels_never_overlap(where: str) -> None:
    """Five events in six months: names stacked in rows (or numbers), never on each other."""
    figure, ax = new_axes()
    if where == "names":  # the stacking itself, names however many rows they take
        fan_chart(TWO, "containers", ax=ax)
        mark_events(ax, CROWDED, labelled=True)
    elif where == "axes":
        fan_chart(TWO, "containers", events=CROWDED, ax=ax)
    else:
        figure = fan_chart(TWO, "containers", events=CROWDED)
        (ax,) = figure.axes
    labels = [t for t in ax.texts if t.get_gid() == "event label"]
    texts = " ".join(t.get_text() for t in labels)
    assert len(labels) == 5 if where == "names" else "3,4" in texts or "panel ends" in texts
    for one, other in combinations(labels, 2):
        assert not extent(figure, one).overlaps(extent(figure, other)), (
            one.get_text(),
            other.get_text(),
        )
    if where != "figure":  # inside the axes they sit above the data, in the headroom
        data_top = max(float(frame["p95"].max()) for frame in TWO.values())
        lowest = min(extent(figure, label).y0 for label in labels)
        assert lowest > ax.transData.transform((0, data_top))[1]
    else:  # above the axes, under the title
        top = extent(figure, ax).y1
        assert min(extent(figure, label).y0 for label in labels) >= top


def test_crowded_events_become_numbers_listed_below_the_chart() -> None:
    many = [(DATES[i], f"event_number_{i}") for i in range(0, 24, 2)]
    figure = fan_chart(TWO, "containers", events=many)
    labels = [t.get_text() for t in figure.axes[0].texts if t.get_gid() == "event label"]
    assert labels == [str(i) for i in range(1, 13)]
    listed = text_with_gid(figure, "event list").get_text().replace("\n", " ")
    assert listed.startswith(
        "Dated events: 1\N{NO-BREAK SPACE}2024-01\N{NO-BREAK SPACE}event number 0;"
    )
    assert inside(figure, text_with_gid(figure, "event list"))


# --------------------------------------------------------------------------- events by scenario
def test_an_event_of_one_scenario_is_drawn_in_its_colour_and_common_ones_grey() -> None:
    events = [
        ("2024-06", "partnership_treaty", ("baseline", "ceasefire_2025")),
        ("2025-03", "ceasefire", ("ceasefire_2025",)),
    ]
    colors = {"baseline": "#000000", "ceasefire_2025": "#ff0000"}
    figure = fan_chart(TWO, "containers", events=events, colors=colors)
    ax = figure.axes[0]
    event_lines = {
        line.get_xdata()[0]: line.get_color() for line in ax.lines if line.get_gid() == "event"
    }
    assert sorted(event_lines.values()) == sorted([EVENT_COLOR, "#ff0000"])
    labels = {t.get_text(): t.get_color() for t in ax.texts if t.get_gid() == "event label"}
    assert labels["ceasefire"] == "#ff0000"
    assert "colour" in " ".join(legend_texts(figure))
    overview = overview_grid({"containers": TWO}, events=events, colors=colors)
    assert "ceasefire (ceasefire_2025 only)" in text_with_gid(
        overview, "footnote"
    ).get_text().replace("\n", " ")


def test_an_event_of_several_but_not_all_scenarios_alternates_their_colours() -> None:
    three = {"a": bands(1.0), "b": bands(2.0), "c": bands(3.0)}
    colors = {"a": "#000000", "b": "#ff0000", "c": "#00ff00"}
    figure = fan_chart(three, "containers", events=[("2025-03", "x", ("b", "c"))], colors=colors)
    shades = [line.get_color() for line in figure.axes[0].lines if line.get_gid() == "event"]
    assert shades == ["#ff0000", "#00ff00"]


def test_the_same_event_from_several_scenarios_is_one_event_of_all_of_them() -> None:
    assert as_events([("2024-06", "t", ("a",)), ("2024-06", "t", ("b",))]) == [
        ("2024-06", "t", ("a", "b"))
    ]
    assert as_events([("2024-06", "t"), ("2024-06", "t", ("b",))]) == [("2024-06", "t", ())]


@pytest.fixture(scope="module")
def small() -> Comparison:
    return compare(
        ["baseline", "ceasefire_2025"],
        metrics=["containers", "dprk_food_gap"],
        options=RunOptions(worlds=4, months=36),
    )


def test_a_comparison_says_which_scenarios_each_event_belongs_to(small: Comparison) -> None:
    owners = {name: labels for _, name, labels in small.events_by_scenario()}
    assert owners["ceasefire"] == ("ceasefire_2025",)
    assert owners["vostochny_summit"] == ("baseline", "ceasefire_2025")
    assert small.events() == [(at, name) for at, name, _ in small.events_by_scenario()]


# --------------------------------------------------------------------------- provenance
def test_a_new_figure_says_what_produced_it_and_one_drawn_into_an_axes_does_not() -> None:
    figure = fan_chart(TWO, "containers", provenance=PROVENANCE)
    footer = text_with_gid(figure, "provenance")
    assert (
        footer.get_text() == "baseline vs ceasefire_2025 · 500 worlds · seed 20230913 · triad 9.9.9"
    )
    assert inside(figure, footer) and footer.get_fontsize() < 7
    other, ax = new_axes()
    fan_chart(TWO, "containers", ax=ax, provenance=PROVENANCE)
    assert not [t for t in other.findobj(Text) if t.get_gid() == "provenance"]


def test_every_chart_of_a_comparison_carries_its_footer(small: Comparison) -> None:
    from triad.store.provenance import versions

    expected = (
        f"baseline vs ceasefire_2025 · 4 worlds · seed {small.seed} · triad {versions()['triad']}"
    )
    for figure in (
        report.plot(small),
        report.plot_overview(small),
        report.plot_distribution(small),
        report.plot_differences(small),
        report.plot_differences_over_time(small),
    ):
        footer = text_with_gid(figure, "provenance")
        assert footer.get_text().replace("\n", " ") == expected
        assert inside(figure, footer)


def test_a_run_chart_carries_its_footer() -> None:
    from triad.reports.run import overview

    result = triad.run("baseline", worlds=3, months=36)
    footer = text_with_gid(triad.plot(result, "containers"), "provenance").get_text()
    assert footer.startswith("baseline · 3 worlds · seed ") and " · triad " in footer
    page = overview(result)  # the run's key chart: one panel per key metric, inside the page
    assert text_with_gid(page, "provenance").get_text() == footer
    assert len([ax for ax in page.axes if ax.get_visible()]) == len(KEY_METRICS)
    canvas = FigureCanvasAgg(page)
    canvas.draw()  # once, then every text's extent against the page
    shown = [t.get_window_extent(canvas.get_renderer()) for t in page.findobj(Text) if t.get_text()]
    assert all(page.bbox.x0 - 1 <= box.x0 and box.x1 <= page.bbox.x1 + 1 for box in shown)
    assert all(page.bbox.y0 - 1 <= box.y0 and box.y1 <= page.bbox.y1 + 1 for box in shown)


# --------------------------------------------------------------------------- units
def test_shares_are_drawn_in_percent_and_indices_say_their_scale() -> None:
    share = {"baseline": bands(0.2, 0.01)}
    ax = fan_chart(share, "dprk_food_gap").axes[0]
    assert ax.get_ylabel() == "%"
    assert ax.yaxis.get_major_formatter()(0.25, 0) == "25%"
    assert all(0 <= tick <= 1 for tick in ax.get_yticks())  # no 120% in the headroom
    assert axis_label("bloc_cohesion") == "index, 0–1"
    assert axis_label("war_intensity") == "index"  # not bounded: no 0-1 scale claimed
    assert axis_label("dprk_food_gap", difference=True) == "difference [percentage points]"
    assert axis_label("containers") == "containers/month"
    table = differences()
    forest = difference_chart(table[table["metric"] == "dprk_food_gap"])
    assert [t.get_text() for t in forest.axes[0].texts] == ["-2.50 pp", "+2.50 pp"]
    assert forest.axes[0].xaxis.get_major_formatter()(-0.05, 0) == "\N{MINUS SIGN}5"


# --------------------------------------------------------------------------- zero
def flat(low: float, high: float) -> dict[str, pd.DataFrame]:
    frame = pd.DataFrame({"month": range(len(DATES)), "date": DATES})
    middle = np.linspace(low, high, len(DATES))
    for name in ("p05", "p25", "p50", "p75", "p95"):
        frame[name] = middle
    return {"baseline": frame}


def test_a_small_change_far_from_zero_is_not_blown_up_and_the_axis_says_it_is_cut() -> None:
    ax = fan_chart(flat(0.95, 0.96), "cn_share_of_dprk_trade").axes[0]
    bottom, top = ax.get_ylim()
    assert bottom > 0 and top <= 1.0
    assert top - bottom >= 0.1 * 0.96  # a one-point move fills at most a tenth of the height
    assert [t.get_text() for t in ax.texts if t.get_text() == NOT_FROM_ZERO]


def test_an_axis_includes_zero_when_the_data_still_fill_a_third_of_it() -> None:
    ax = fan_chart(flat(0.2, 0.9), "cn_share_of_dprk_trade").axes[0]
    assert ax.get_ylim()[0] == 0
    assert not [t for t in ax.texts if t.get_text() == NOT_FROM_ZERO]
    gdp = fan_chart(flat(24.0, 28.0), "dprk_gdp_bn").axes[0]  # fills a seventh: cut, said so
    assert gdp.get_ylim()[0] > 0
    assert [t for t in gdp.texts if t.get_text() == NOT_FROM_ZERO]


# --------------------------------------------------------------------------- bands
def test_every_legend_calls_the_bands_the_spread_across_worlds() -> None:
    sweep = pd.DataFrame(
        {"x": [1.0, 2.0], "p05": [0, 1], "p25": [1, 2], "p50": [2, 3], "p75": [3, 4], "p95": [4, 5]}
    )
    figures = [
        fan_chart(TWO, "containers"),
        overview_grid({"containers": TWO}),
        difference_paths_chart(paths(), reference="baseline"),
        sweep_line(sweep, "x", "containers"),
    ]
    _, ax = new_axes()
    figures.append(fan_chart(TWO, "containers", ax=ax))
    for figure in figures:
        texts = legend_texts(figure)
        assert BAND_50 in texts and BAND_90 in texts, texts
    assert BAND_50 == "middle 50% of worlds" and BAND_90 == "middle 90% of worlds"

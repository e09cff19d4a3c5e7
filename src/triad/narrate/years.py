"""One line per calendar year in numbers: shells shipped, value paid, GDP, food gap."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from triad.narrate.line import ORDER_YEAR, Line
from triad.narrate.track import Track
from triad.narrate.units import with_unit
from triad.scenario.month import Month
from triad.text import percent, usd_millions, whole_number


def year_lines(track: Track) -> list[Line]:
    """One line per calendar year: shells shipped, value paid, DPRK's GDP and food gap."""
    years = np.array([Month.parse(date).year for date in track.dates])
    lines = []
    for year in np.unique(years):
        months = np.flatnonzero(years == year)
        first, last = int(months[0]), int(months[-1])
        part = "" if months.size == 12 else f" ({track.dates[first]}..{track.dates[last]})"
        gdp = with_unit("dprk_gdp_bn", track.at("dprk_gdp_bn", last))
        shipped = _year_shipments(track, months)
        text = f"In {year}{part}: {shipped + '; ' if shipped else ''}DPRK's GDP {gdp}"
        gap = float(track.series("dprk_food_gap")[months].max())
        if gap >= 0.005:
            text += f", food gap up to {percent(gap)}"
        lines.append(Line(last, last, ORDER_YEAR, text))
    return lines


def _year_shipments(track: Track, months: NDArray[np.int64]) -> str:
    """Shells shipped and value paid in some months; "" if the world never ships at all."""
    containers = float(track.series("containers")[months].sum())
    if track.series("containers_cum")[-1] < 0.5:
        return ""
    if containers < 0.5:
        return "no shipments"
    rounds = with_unit("rounds_cum_m", float(track.series("rounds_m")[months].sum()))
    paid = usd_millions(float(track.series("payment_m")[months].sum()))
    return f"{whole_number(containers)} containers ({rounds}) shipped, {paid} paid"

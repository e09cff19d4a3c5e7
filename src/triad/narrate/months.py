"""Every line of a world's story, month by month."""

from __future__ import annotations

import pandas as pd

from triad.narrate.decisions import offer_lines, other_log_lines, tier_lines
from triad.narrate.events import event_lines
from triad.narrate.line import Line
from triad.narrate.shipments import launch_lines, shipment_lines
from triad.narrate.thresholds import find_crossings, threshold_lines
from triad.narrate.track import Track
from triad.narrate.years import year_lines


def story_lines(track: Track, log: pd.DataFrame | None) -> list[Line]:
    """Every line of a world's story, sorted by month and order."""
    crossings = find_crossings(track)
    lines = event_lines(track, log, crossings)
    claimed = {(metric, line.start) for line in lines for metric in line.shows}
    lines += tier_lines(track, crossings, claimed)
    if log is not None:
        lines += offer_lines(log) + other_log_lines(log)
    claimed |= {(metric, line.start) for line in lines for metric in line.shows}
    lines += launch_lines(track) + shipment_lines(track)
    lines += threshold_lines(track, claimed) + year_lines(track)
    return sorted(lines, key=lambda line: (line.start, line.order, line.end))

"""What moves: DPRK's satellite launches, and shipments to Russia starting and stopping."""

from __future__ import annotations

import numpy as np

from triad.narrate.line import ORDER_LAUNCH, ORDER_SHIPMENT, Line, clusters
from triad.narrate.track import Track
from triad.narrate.units import with_unit
from triad.text import percent, usd_millions, whole_number


def launch_lines(track: Track) -> list[Line]:
    """Each satellite launch, its outcome and the tally so far."""
    attempts = track.full("satellite_attempts_cum")
    successes = track.full("satellite_successes_cum")
    lines = []
    for month in np.flatnonzero(np.diff(attempts) > 0):
        m = int(month)
        n, won = int(attempts[m + 1]), int(successes[m + 1])
        outcome = "succeeds" if successes[m + 1] > successes[m] else "fails"
        capability = track.at("satellite_capability", m)
        text = (
            f"DPRK's satellite launch #{n} {outcome} ({won} of {n} so far; "
            f"capability now {capability:.2f})"
        )
        lines.append(Line(m, m, ORDER_LAUNCH, text))
    return lines


def shipment_lines(track: Track) -> list[Line]:
    """Shipments to Russia beginning, stopping and resuming."""
    shipping = track.full("containers") >= 0.5
    toggles = np.flatnonzero(shipping[1:] != shipping[:-1])
    lines = []
    for run in clusters(int(m) for m in toggles):
        first, last = run[0], run[-1]
        if len(run) == 1:
            text = _shipment_toggle(track, first)
        elif len(run) == 2 and not shipping[first + 1]:
            text = f"Shipments to Russia pause until {track.dates[last]}, then resume with " + (
                _shipped(track, last)
            )
        else:
            active = int(shipping[first + 1 : last + 2].sum())
            text = (
                f"Shipments to Russia stop and resume {len(run)} times: containers move in "
                f"{active} of {last - first + 1} months"
            )
        lines.append(Line(first, last, ORDER_SHIPMENT, text))
    return lines


def _shipment_toggle(track: Track, m: int) -> str:
    containers = track.at("containers", m)
    if containers < 0.5:
        text = "Shipments to Russia stop; " + _so_far(track, m)
    elif track.at("containers_cum", m) - containers < 0.5:
        paid, price = track.at("payment_m", m), track.at("price_per_round", m)
        text = (
            f"Shipments to Russia begin: {_shipped(track, m)} at "
            f"{with_unit('price_per_round', price)}; Russia pays {usd_millions(paid)} "
            f"({percent(track.at('payment_ratio', m))} of the agreed price)"
        )
    else:
        text = f"Shipments to Russia resume: {_shipped(track, m)}"
    return text


def _shipped(track: Track, m: int) -> str:
    containers, rounds = track.at("containers", m), track.at("rounds_m", m)
    return f"{whole_number(containers)} containers ({with_unit('rounds_cum_m', rounds)})"


def _so_far(track: Track, m: int) -> str:
    total, rounds = track.at("containers_cum", m), track.at("rounds_cum_m", m)
    return f"{whole_number(total)} containers ({with_unit('rounds_cum_m', rounds)}) shipped so far"

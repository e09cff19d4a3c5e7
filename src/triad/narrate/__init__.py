"""One world's story: a month-by-month narrative of an ensemble member.

A story has three parts:

* a header: scenario, world, seed, horizon, and why this world was chosen;
* the months: scenario events and DPRK's offer decisions from the event log, and from the
  world's monthly series Russia's technology tier, satellite launches, shipments starting
  and stopping, and thresholds crossed (KPA floor, food gap above 10%, China's share of
  trade below 90%, satellite capability past 0.5 and 0.7, trust past 0.5, China's
  resentment past its tolerance), with one line per calendar year in numbers;
* a closing table of the world's final state against the ensemble median.

Repeated happenings close together (an offer cut month after month, a value hovering
around a threshold) are told once, over a range of months ``2024-03..2024-05``.

Worlds outside the logged sample (index >= ``log_worlds``) have no event log: their story
comes from the series and the scenario's dated events alone, and says so.
:func:`narrate_scenario` avoids that by re-running the picked world alone with a log; a
world's results depend only on (scenario, seed, world index), so its story is the same.

The modules, in the order a story is made: :mod:`~triad.narrate.choice` (which world),
:mod:`~triad.narrate.track` (its recorded path), the lines of :mod:`~triad.narrate.events`,
:mod:`~triad.narrate.decisions`, :mod:`~triad.narrate.shipments`,
:mod:`~triad.narrate.thresholds` and :mod:`~triad.narrate.years` gathered by
:mod:`~triad.narrate.months`, their numbers written by :mod:`~triad.narrate.units`, and
:mod:`~triad.narrate.render` (plain text or Markdown); :mod:`~triad.narrate.story` ties
them together.
"""

from __future__ import annotations

from triad.errors import NarrationError
from triad.narrate.choice import (
    DEFAULT_METRIC,
    LOWER_IS_BETTER,
    PICKS,
    Choice,
    Pick,
    check_choice,
    check_metric,
    check_pick,
    choose_world,
    pick_world,
)
from triad.narrate.render import SUMMARY_METRICS
from triad.narrate.story import narrate, narrate_ensemble, narrate_scenario
from triad.narrate.thresholds import FLOOR_MARGIN_M

__all__ = [
    "DEFAULT_METRIC",
    "FLOOR_MARGIN_M",
    "LOWER_IS_BETTER",
    "PICKS",
    "SUMMARY_METRICS",
    "Choice",
    "NarrationError",
    "Pick",
    "check_choice",
    "check_metric",
    "check_pick",
    "choose_world",
    "narrate",
    "narrate_ensemble",
    "narrate_scenario",
    "pick_world",
]

"""Civil transport between Russia and DPRK: the Khasan-Tumangang rail and the Tumen road bridge.

Civil trade cannot exceed what the links carry, and a new link does more than lift that
ceiling: it lowers the cost of trading, so the trade the relationship would bring grows
with capacity (a gravity effect, elasticity ``russia.transport.access_elasticity``). This
is why a bridge can raise civil trade beyond what today's openness of the border allows.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def civil_capacity(rail_m: Array, bridge_m: Array, bridge_open: Array) -> Array:
    """Civil goods the links carry a month [US$ m/month]: the rail, plus the bridge once open."""
    out: Array = np.maximum(rail_m + bridge_m * (bridge_open > 0.5), 0.0)
    return out


def carry(demand: Array, capacity: Array, capacity_start: Array, elasticity: Array) -> Array:
    """Civil trade the links carry [US$ m/month].

    Args:
        demand: Trade the relationship and the border would bring at the start capacity.
        capacity: Civil capacity this month.
        capacity_start: Civil capacity at the start of the run.
        elasticity: Rise of trade per unit rise of log capacity (gravity) [1].

    Returns:
        ``min(demand x (capacity / capacity_start) ** elasticity, capacity)``, never negative.
    """
    ratio = capacity / np.maximum(capacity_start, 1e-9)
    potential = np.maximum(demand, 0.0) * np.maximum(ratio, 0.0) ** elasticity
    out: Array = np.minimum(potential, capacity)
    return out

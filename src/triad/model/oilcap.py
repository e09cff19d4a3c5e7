"""Refined oil delivered to DPRK against the UN cap of 500,000 barrels a year (UNSCR 2397).

The deliveries of the last twelve months (fewer at the start of a run, scaled to a year)
are compared with the cap; a breach is visible in proportion to how far the cap is
exceeded and to what the monitoring regime detects.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def refined_kbbl(oil_m: Array, price: Array) -> Array:
    """Refined oil bought or received this month [thousand bbl] from its value and price."""
    out: Array = np.maximum(oil_m, 0.0) / np.maximum(price, 1e-9) * 1000.0
    return out


class OilLedger:
    """The last twelve months of refined-oil deliveries, per world.

    Args:
        worlds: Number of worlds.
        dtype: The model's floating-point type.
    """

    def __init__(self, worlds: int, dtype: np.dtype | type = np.float64) -> None:
        self._months = np.zeros((12, worlds), dtype=dtype)
        self._count = 0

    def add(self, kbbl: Array) -> Array:
        """Book this month's deliveries; return the yearly rate [thousand bbl/yr].

        The rate is the sum of the last twelve months, or, before twelve months have
        passed, the mean of the months so far times twelve. The months are added one row
        after another: ``sum(axis=0)`` adds a single world's twelve months pairwise, so a
        world alone would differ from its ensemble twin in the last bit.
        """
        self._months[self._count % 12] = kbbl
        self._count += 1
        seen = min(self._count, 12)
        total = self._months[0].copy()
        for month in self._months[1:]:  # row by row, in this order, for every ensemble size
            total += month
        out: Array = total * 12.0 / seen
        return out


def breach_push(ratio: Array, visibility: Array, detection: Array) -> Array:
    """Exposure gained this month from deliveries above the cap, as detected."""
    out: Array = np.clip(visibility * np.maximum(ratio - 1.0, 0.0) * detection, 0.0, 1.0)
    return out

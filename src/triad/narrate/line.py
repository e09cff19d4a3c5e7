"""A story's line, its rank within a month, and runs of months told as one line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True)
class Line:
    """One line of a story.

    Attributes:
        start: First month it covers.
        end: Last month it covers (``start`` for one month).
        order: Rank within a month: events, decisions, launches, shipments, thresholds.
        text: The sentence.
        shows: Metrics whose change in ``start`` the sentence quotes.
    """

    start: int
    end: int
    order: int
    text: str
    shows: frozenset[str] = field(default_factory=frozenset)


ORDER_EVENT, ORDER_DECISION, ORDER_LAUNCH, ORDER_SHIPMENT, ORDER_THRESHOLD, ORDER_YEAR = range(6)


CLUSTER_GAP: Final = 3
"""Happenings of one kind at most this many months apart are told as one range."""


def clusters(months: Iterable[int], gap: int = CLUSTER_GAP) -> list[list[int]]:
    """Split sorted months into runs whose neighbours are at most ``gap`` months apart."""
    runs: list[list[int]] = []
    for month in sorted(months):
        if runs and month - runs[-1][-1] <= gap:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs

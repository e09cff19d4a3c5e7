"""Number formatting for tables, reports and charts: the one place for it.

Plain Python only, so that the command line formats its tables without importing
matplotlib; :mod:`triad.plots.style` re-exports these for the charts.
"""

from __future__ import annotations

__all__ = ["format_number", "signed"]


def format_number(value: float) -> str:
    """Three significant digits, without an exponent for everyday magnitudes."""
    if value != value:  # NaN
        return "n/a"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 0.001:
        return f"{value:.3g}"
    return f"{value:.1e}"


def signed(value: float) -> str:
    """:func:`format_number` with a plus sign on positive values (for differences)."""
    text = format_number(value)
    return "+" + text if value > 0 else text

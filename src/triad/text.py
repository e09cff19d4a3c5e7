"""Number, percentage, money and count formatting for people: the one place for it.

Tables, reports, stories, the game and the charts write numbers with these functions.
Plain Python only, so that the command line formats its tables without importing numpy
or matplotlib (``tests/test_startup.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = [
    "format_number",
    "percent",
    "plain_numbers",
    "plural",
    "short_number",
    "signed",
    "signed_fixed",
    "usd_millions",
    "value_range",
    "whole_number",
]


def format_number(value: float) -> str:
    """Three significant digits, without an exponent for everyday magnitudes.

    Whole numbers with thousands separators from 999.5 (which three digits would write
    ``1e+03``); an exponent below 0.001; ``n/a`` for NaN.
    """
    if value != value:  # NaN
        return "n/a"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 999.5:
        return f"{value:,.0f}"
    if magnitude >= 0.001:
        return f"{value:.3g}"
    return f"{value:.1e}"


def signed(value: float) -> str:
    """:func:`format_number` with a plus sign on positive values (for differences)."""
    text = format_number(value)
    return "+" + text if value > 0 else text


def signed_fixed(value: float, decimals: int = 3) -> str:
    """A value with its sign and a fixed number of decimals, never ``-0.000``: ``+0.125``."""
    return f"{round(value, decimals) + 0.0:+.{decimals}f}"


def whole_number(value: float) -> str:
    """A whole number with thousands separators: ``1,234``."""
    return f"{value:,.0f}"


def short_number(value: float) -> str:
    """Whole numbers from 10 (with thousands separators), one decimal below: ``12``, ``3.4``."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"


def percent(share: float, digits: int | None = None) -> str:
    """A share as a percentage: one decimal below 10%, none above, unless ``digits``."""
    points = 100 * share
    if digits is None:
        if abs(points) < 0.05:
            return "0%"
        digits = 1 if abs(points) < 10 else 0
    return f"{points:.{digits}f}%"


def usd_millions(value: float) -> str:
    """An amount in US$ millions, written in billions from 1,000: ``US$ 12 m``, ``US$ 1.25 bn``."""
    if abs(value) >= 1000:
        return f"US$ {value / 1000:.2f} bn"
    return f"US$ {short_number(value)} m"


def value_range(values: Sequence[float], fmt: Callable[[float], str]) -> str:
    """``lo-hi`` of some values (``87-89%``), or one value if they all look the same."""
    lo, hi = fmt(min(values)), fmt(max(values))
    if lo == hi:
        return lo
    if lo.endswith("%") and hi.endswith("%"):
        return f"{lo[:-1]}-{hi}"
    return f"{lo}-{hi}"


_SCIENTIFIC = re.compile(r"-?\d+(?:\.\d+)?e[+-]?\d+")


def plain_numbers(text: str) -> str:
    """Rewrite numbers in scientific notation (``1.3e+03``) as plain ones (``1,300``)."""
    return _SCIENTIFIC.sub(lambda found: f"{float(found.group()):,.6g}", text)


def plural(n: int, noun: str) -> str:
    """A count with its noun: ``1 month``, ``3 months``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"

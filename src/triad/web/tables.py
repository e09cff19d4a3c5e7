"""Frames as Markdown tables for the pages: every row, numbers in four significant digits."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def markdown_table(frame: pd.DataFrame, digits: int = 4) -> str:
    """A frame as a GitHub Markdown table (the index is left out; add it as a column first).

    Args:
        frame: The table.
        digits: Significant digits of a float.
    """
    head = "| " + " | ".join(_escape(str(c)) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = [
        "| " + " | ".join(_cell(v, digits) for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([head, rule, *rows])


def _cell(value: Any, digits: int) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.{digits}g}"
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    return _escape(str(value))


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")

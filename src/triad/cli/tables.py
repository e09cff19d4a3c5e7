"""Tables that fit the terminal without cutting a number.

Rich fits a table that is too wide by wrapping its wrappable columns and, as a last resort,
by cutting every column alike, numbers included (``202…`` for a seed). The CLI's tables
therefore keep numbers in ``no_wrap`` columns and let text wrap or fold, and a command whose
numbers alone would not fit an 80-column terminal offers a narrower layout: :class:`Fitted`
draws the first layout whose numbers fit the width it is given.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table


def minimum_width(table: Table, console: Console, options: ConsoleOptions) -> int:
    """The narrowest ``table`` can be drawn without cutting a ``no_wrap`` cell.

    A ``no_wrap`` column needs its widest cell (header included); a column that wraps needs
    its ``min_width`` (1 if none); add the padding and the borders.
    """
    wide = options.update_width(10_000)
    columns = table.columns
    _, right, _, left = table.padding
    total = 0
    for index, column in enumerate(columns):
        if column.width is not None:
            content = column.width
        elif column.no_wrap:
            content = max(
                (Measurement.get(console, wide, cell).maximum for cell in column.cells),
                default=1,
            )
            header = Measurement.get(console, wide, column.header).maximum
            content = max(content, header if table.show_header else 0, column.min_width or 0)
        else:
            content = column.min_width or 1
        first, last = index == 0, index == len(columns) - 1
        pad = (0 if first and not table.pad_edge else left) + (
            0 if last and not table.pad_edge else right
        )
        total += content + pad
    if table.box is not None:
        total += len(columns) - 1 + (2 if table.show_edge else 0)
    return total


class Fitted:
    """The first of several layouts of a table whose numbers fit; the last one otherwise.

    Print it like a table; the layout is chosen when it is drawn, at the width it is given
    (the terminal's, or ``COLUMNS``).

    Args:
        layouts: The layouts, widest first; the last should fit an 80-column terminal.
    """

    def __init__(self, *layouts: Table) -> None:
        if not layouts:
            raise ValueError("Fitted needs at least one layout")
        self.layouts = layouts

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for table in self.layouts[:-1]:
            if minimum_width(table, console, options) <= options.max_width:
                yield table
                return
        yield self.layouts[-1]


def dotted_header(path: str, width: int = 16) -> str:
    """A dotted path as a column header of lines at most ``width`` wide, broken after dots.

    A part longer than ``width`` keeps a line of its own, whole.
    """
    parts = path.split(".")
    lines: list[str] = []
    for index, part in enumerate(parts):
        piece = part + ("." if index < len(parts) - 1 else "")
        if lines and len(lines[-1]) + len(piece) <= width:
            lines[-1] += piece
        else:
            lines.append(piece)
    return "\n".join(lines)

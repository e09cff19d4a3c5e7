"""A calendar month, the unit of a scenario's time: written ``YYYY-MM``, counted as one number.

Scenario files write months as text (``start: 2023-09``); the model, the analyses and the
charts count and compare them. :class:`Month` is the one place that reads and writes that
text: parse once at the boundary, then add, subtract and compare months as values.

>>> start = Month.parse("2023-09")
>>> str(start + 4), (start + 4).year, (start + 4).month
('2024-01', 2024, 1)
>>> Month.parse("2024-06") - start
9
>>> [str(m) for m in start.range(3)]
['2023-09', '2023-10', '2023-11']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import overload

import numpy as np
from numpy.typing import NDArray

YEAR_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])\Z", re.ASCII)
"""A month as written: four ASCII digits, a hyphen, two digits from 01 to 12, nothing else."""

UNIX_EPOCH = 1970 * 12
"""The index of January 1970, numpy's month zero (``datetime64[M]``)."""


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """One calendar month, held as its absolute index: ``year * 12 + month - 1``.

    Months are ordered and hashable; ``month + n`` and ``month - n`` move by ``n`` months,
    and ``later - earlier`` is the number of months between them.

    Attributes:
        index: Months since January of year 0 (``2023-09`` is ``2023 * 12 + 8``).
    """

    index: int

    @classmethod
    def parse(cls, value: object) -> Month:
        """The month written ``YYYY-MM`` (``2023-09``).

        Args:
            value: The text.

        Returns:
            The month.

        Raises:
            ValueError: If the value is not text of the form ``YYYY-MM`` with a month
                from 01 to 12 (``2024-13``, ``24-01``, ``2024-1`` and ``2024-01-15`` are
                refused).

        >>> Month.parse("2024-1")
        Traceback (most recent call last):
        ...
        ValueError: expected a month as YYYY-MM (e.g. 2023-09), got '2024-1'
        """
        match = YEAR_MONTH.match(value) if isinstance(value, str) else None
        if match is None:
            raise ValueError(f"expected a month as YYYY-MM (e.g. 2023-09), got {value!r}")
        return cls.of(int(match.group(1)), int(match.group(2)))

    @classmethod
    def read(cls, value: object) -> Month | None:
        """The month written ``YYYY-MM``, or None if the value is not one.

        >>> Month.read("2023-09"), Month.read("2023-9"), Month.read(None)
        (Month('2023-09'), None, None)
        """
        try:
            return cls.parse(value)
        except ValueError:
            return None

    @classmethod
    def of(cls, year: int, month: int) -> Month:
        """The month ``month`` (1 to 12) of ``year``.

        >>> Month.of(2024, 2)
        Month('2024-02')
        """
        return cls(year * 12 + month - 1)

    @property
    def year(self) -> int:
        """The calendar year."""
        return self.index // 12

    @property
    def month(self) -> int:
        """The month of the year, 1 (January) to 12 (December)."""
        return self.index % 12 + 1

    def range(self, months: int) -> list[Month]:
        """This month and the ``months - 1`` after it: a horizon's months in order."""
        return [Month(self.index + i) for i in range(months)]

    def labels(self, months: int) -> list[str]:
        """``YYYY-MM`` of this month and the ``months - 1`` after it (a run's dates)."""
        return [str(month) for month in self.range(months)]

    def through(self, last: Month) -> list[Month]:
        """The months from this one to ``last``, both included (none if ``last`` is earlier)."""
        return self.range(last.index - self.index + 1)

    def datetime64(self) -> np.datetime64:
        """The month as numpy's ``datetime64[M]`` (for charts and time-indexed frames).

        >>> Month.parse("2023-09").datetime64()
        np.datetime64('2023-09')
        """
        return np.datetime64(self.index - UNIX_EPOCH, "M")

    def __add__(self, months: int) -> Month:
        return Month(self.index + months)

    @overload
    def __sub__(self, other: Month) -> int: ...

    @overload
    def __sub__(self, other: int) -> Month: ...

    def __sub__(self, other: Month | int) -> int | Month:
        if isinstance(other, Month):
            return self.index - other.index
        return Month(self.index - other)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def __repr__(self) -> str:
        return f"Month({str(self)!r})"


def month_array(labels: Iterable[str]) -> NDArray[np.datetime64]:
    """``YYYY-MM`` labels as numpy's ``datetime64[M]``, each read by :meth:`Month.parse`.

    >>> month_array(["2023-12", "2024-01"])
    array(['2023-12', '2024-01'], dtype='datetime64[M]')
    """
    return np.array([Month.parse(label).datetime64() for label in labels], dtype="datetime64[M]")

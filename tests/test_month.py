"""A month is read once from ``YYYY-MM`` and then counted, compared and written back."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import triad.scenario.month
from strategies import PROPERTY
from triad.scenario.loader import load_scenario
from triad.scenario.month import Month, month_array

INDICES = st.integers(0, 9999 * 12 + 11)
"""Every month a scenario can write: 0000-01 to 9999-12."""


def test_a_month_is_written_back_as_it_was_read_across_year_boundaries() -> None:
    labels = [
        f"{year:04d}-{month:02d}"
        for year in (0, 1999, 2023, 2024, 9999)
        for month in (1, 2, 11, 12)
    ]
    assert [str(Month.parse(label)) for label in labels] == labels
    assert [str(m) for m in Month.parse("2023-11").range(4)] == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    ]


def test_year_and_month_split_the_index() -> None:
    december, january = Month.parse("2023-12"), Month.parse("2024-01")
    assert (december.year, december.month) == (2023, 12)
    assert (january.year, january.month) == (2024, 1)
    assert january.index == december.index + 1 == 2024 * 12
    assert Month.of(2024, 1) == january


def test_months_order_by_time_not_by_text_and_hash_as_values() -> None:
    months = [Month.parse(label) for label in ("2024-01", "2023-12", "2023-02", "2024-01")]
    assert [str(m) for m in sorted(set(months))] == ["2023-02", "2023-12", "2024-01"]
    assert Month.parse("2023-12") < Month.parse("2024-01") <= Month.parse("2024-01")
    assert {Month.parse("2024-01"): "a"}[Month.of(2024, 1)] == "a"


def test_adding_and_subtracting_months_crosses_years() -> None:
    start = Month.parse("2023-09")
    assert str(start + 4) == "2024-01"
    assert str(start - 9) == "2022-12"
    assert Month.parse("2028-08") - start == 59
    assert start - Month.parse("2028-08") == -59
    assert start + 0 == start


def test_the_labels_of_a_horizon_and_the_months_between_two() -> None:
    assert Month.parse("2023-12").labels(2) == ["2023-12", "2024-01"]
    assert Month.parse("2023-12").labels(0) == []
    assert Month.parse("2023-11").through(Month.parse("2024-01")) == Month.parse("2023-11").range(3)
    assert Month.parse("2024-01").through(Month.parse("2023-11")) == []


@pytest.mark.parametrize(
    "text", ["2024-13", "2024-00", "24-01", "2024-1", "2024-01-15", "2024-01\n", "２０２４-01", ""]
)
def test_a_month_that_is_not_yyyy_mm_is_refused_with_what_was_given(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        Month.parse(text)
    assert str(refused.value) == f"expected a month as YYYY-MM (e.g. 2023-09), got {text!r}"
    assert Month.read(text) is None


@pytest.mark.parametrize("value", [202401, 2024.01, None, ["2024-01"]])
def test_a_month_that_is_not_text_is_refused_too(value: object) -> None:
    with pytest.raises(ValueError, match=r"expected a month as YYYY-MM \(e\.g\. 2023-09\), got "):
        Month.parse(value)
    assert Month.read(value) is None


def test_numpy_reads_the_same_month() -> None:
    labels = ["1969-12", "1970-01", "2023-09", "2024-02"]
    assert Month.parse("2023-09").datetime64() == np.datetime64("2023-09")
    np.testing.assert_array_equal(month_array(labels), np.array(labels, dtype="datetime64[M]"))
    assert month_array([]).dtype == np.dtype("datetime64[M]")


def test_a_scenario_knows_its_first_and_last_month() -> None:
    scenario = load_scenario("baseline")
    assert scenario.first_month == Month.parse(scenario.start)
    assert scenario.last_month - scenario.first_month == scenario.months - 1


def test_the_module_examples_hold() -> None:
    result = doctest.testmod(triad.scenario.month)
    assert result.attempted > 5 and result.failed == 0


@PROPERTY
@given(INDICES, st.integers(-1200, 1200))
def test_parse_inverts_str_and_offsets_are_differences(index: int, offset: int) -> None:
    month = Month(index)
    assert Month.parse(str(month)) == month
    assert Month.of(month.year, month.month) == month
    assert (month + offset) - month == offset
    assert (month + offset) - offset == month
    assert (month + offset > month) == (offset > 0)


@PROPERTY
@given(INDICES, INDICES)
def test_months_order_as_their_labels_do(a: int, b: int) -> None:
    assert (Month(a) < Month(b)) == (str(Month(a)) < str(Month(b)))

"""Numbers for people: the one formatting module, as tables, stories and the game use it."""

from __future__ import annotations

import math

from triad.text import (
    format_number,
    percent,
    plain_numbers,
    plural,
    short_number,
    signed,
    signed_fixed,
    usd_millions,
    value_range,
    whole_number,
)


def test_three_digits_never_write_an_exponent_for_everyday_magnitudes() -> None:
    assert [format_number(v) for v in (0.0, 0.1234, 12.34, 999.4, 999.7, 12345.6)] == [
        "0",
        "0.123",
        "12.3",
        "999",
        "1,000",
        "12,346",
    ]
    assert format_number(0.00042) == "4.2e-04"
    assert format_number(math.nan) == "n/a"


def test_signs_mark_differences_and_a_fixed_sign_never_reads_minus_zero() -> None:
    assert (signed(0.5), signed(-2.0), signed(0.0)) == ("+0.5", "-2", "0")
    assert (signed_fixed(0.1254), signed_fixed(-0.0001), signed_fixed(-1.5, 1)) == (
        "+0.125",
        "+0.000",
        "-1.5",
    )


def test_shares_money_and_counts_read_as_a_sentence_writes_them() -> None:
    assert (percent(0.0004), percent(0.042), percent(0.42), percent(0.42, 1)) == (
        "0%",
        "4.2%",
        "42%",
        "42.0%",
    )
    assert (whole_number(1234.5), short_number(12.34), short_number(3.45)) == ("1,234", "12", "3.5")
    assert (usd_millions(12.3), usd_millions(1250.0)) == ("US$ 12 m", "US$ 1.25 bn")
    assert value_range([0.87, 0.89], percent) == "87-89%"
    assert value_range([3.0, 3.2], whole_number) == "3"
    assert (plural(1, "month"), plural(3, "month")) == ("1 month", "3 months")
    assert plain_numbers("scaled by 1.3e+03") == "scaled by 1,300"

"""The analyses and ``--set`` accept the same parameter paths, written the same way.

``sweep --vary``, ``sensitivity --param`` and ``calibrate --param`` each parse
``PATH=LO:HI[:STEPS]``; every numeric input a scenario holds (a parameter, with or without
``actors.`` in front, or a world driver, as a constant per world) is accepted by all three
and by ``--set``, and on/off flags by none of the ranges.
"""

from __future__ import annotations

import pytest

from triad.errors import TriadError
from triad.experiments.calibrate import parse_param
from triad.experiments.parameters import field_type, parse_axis, parse_range
from triad.scenario.loader import load_scenario
from triad.scenario.schema import numeric_paths


def _ranges() -> list[tuple[str, float, float]]:
    out = []
    for path, (lower, upper) in numeric_paths().items():
        if field_type(path) is bool:
            continue
        low = 0.0 if lower is None else float(lower)
        high = low + 1.0 if upper is None else float(upper)
        if field_type(path) is int:
            high = max(high, low + 1.0)
        out.append((path, low, min(high, low + 1.0)))
    return out


RANGES = _ranges()


def _written(path: str) -> str:
    top = path.split(".")[0]
    return path if top in ("world", "dynamics") else f"actors.{path}"


def test_every_numeric_input_is_a_range_for_every_analysis() -> None:
    assert len(RANGES) > 150 and any(p.startswith("world.") for p, _, _ in RANGES)
    for path, low, high in RANGES:
        for written in {path, _written(path)}:
            text = f"{written}={low:g}:{high:g}"
            assert parse_range(text).path == path, text
            assert parse_axis(f"{text}:3").range.path == path, text
            assert parse_param(text).path == path, text


def test_every_numeric_input_takes_a_set() -> None:
    for path, low, high in RANGES[::7]:  # a sample: each load validates a whole scenario
        value = round((low + high) / 2) if field_type(path) is int else (low + high) / 2
        load_scenario("baseline", [f"{_written(path)}={value:g}"])


@pytest.mark.parametrize("path", [p for p in numeric_paths() if field_type(p) is bool])
def test_no_analysis_takes_an_on_off_flag_as_a_range(path: str) -> None:
    for parse in (parse_range, parse_param):
        with pytest.raises(TriadError, match=r"flag|not a numeric"):
            parse(f"{path}=0:1")


def test_an_unknown_path_is_refused_alike() -> None:
    for parse in (parse_range, parse_param):
        with pytest.raises(TriadError, match=r"did you mean .russia\.war\.dud_rate."):
            parse("russia.war.dud_rat=0.1:0.3")

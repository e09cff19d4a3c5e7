"""Every result type has one presentation module, found from the result itself."""

from __future__ import annotations

from importlib import import_module

import pytest

import triad
from triad.reports import PRESENTERS, presenter


@pytest.mark.parametrize(("result_class", "module_name"), sorted(PRESENTERS.items()))
def test_each_listed_result_class_exists_and_its_module_draws_and_writes_it(
    result_class: str, module_name: str
) -> None:
    source, _, name = result_class.rpartition(".")
    kind = getattr(import_module(source), name)
    module = import_module(module_name)
    assert callable(module.plot) and callable(module.write)
    assert kind.__name__ in vars(module), f"{module_name} does not name {name}"


def test_a_result_finds_its_module_and_anything_else_is_refused() -> None:
    result = triad.run("baseline", worlds=3, months=4)
    assert presenter(result).__name__ == "triad.reports.run"
    with pytest.raises(TypeError, match="cannot draw or write a dict"):
        presenter({})


def test_results_no_longer_draw_or_write_themselves() -> None:
    for result_class in PRESENTERS:
        source, _, name = result_class.rpartition(".")
        kind = getattr(import_module(source), name)
        assert not {"plot", "write", "write_report"} & set(vars(kind)), name

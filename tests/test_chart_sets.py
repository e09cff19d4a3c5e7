"""The chart sets of ``--charts``: what each holds, and a set that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

import triad
from triad.errors import UsageError
from triad.reports.chart_sets import CHART_SETS, COMPARISON_KEY, check_charts, run_charts
from triad.runs.ensemble import KEY_METRICS


def test_a_runs_key_set_is_the_overview_and_all_adds_each_key_metrics_fan() -> None:
    assert run_charts("key") == ("overview",)
    assert run_charts("all") == ("overview", *KEY_METRICS)
    assert run_charts("none") == ()
    assert run_charts(True) == run_charts("key") and run_charts(False) == ()


def test_a_comparisons_key_charts_start_with_the_overview() -> None:
    assert COMPARISON_KEY == ("overview", "differences", "differences_over_time")
    assert CHART_SETS == ("key", "all", "none")


@pytest.mark.parametrize("charts", ["", "Key", "some", "overview"])
def test_a_set_that_does_not_exist_is_refused_with_the_choices(charts: str) -> None:
    with pytest.raises(UsageError, match=f"charts '{charts}': choose one of key, all, none"):
        check_charts(charts)
    with pytest.raises(UsageError, match="choose one of key, all, none"):
        run_charts(charts)


def test_the_api_refuses_an_unknown_set_before_it_runs(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="charts 'some'"):
        triad.run("baseline", worlds=2, out=tmp_path / "run", charts="some")
    assert not (tmp_path / "run").exists()
    stored = triad.run("baseline", worlds=2, months=3, out=tmp_path / "run", charts=False)
    assert stored.path is not None and not (stored.path / "charts").exists()

"""Metric tags: the lists of metrics are filters over the registry's tags."""

from __future__ import annotations

import pytest

from triad.game.levers import SEATS
from triad.game.world import SCORE_METRIC
from triad.model.metrics import METRIC_BY_NAME, METRICS, TAGS, metrics_tagged


def test_every_tag_is_known_and_every_place_in_a_list_is_taken_once() -> None:
    for tag in TAGS:
        places = [METRIC_BY_NAME[name].tags[tag] for name in metrics_tagged(tag)]
        assert places == sorted(places)
        ordered = [p for p in places if p]
        assert ordered == list(range(1, len(places) + 1)) or set(places) == {0}, tag
    assert {tag for m in METRICS for tag in m.tags} <= set(TAGS)


def test_an_unknown_tag_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="'keys'"):
        metrics_tagged("keys")


def test_each_seat_watches_its_own_score_first_under_short_labels() -> None:
    for seat in SEATS:
        watched = metrics_tagged(f"dashboard.{seat}")
        assert watched[0] == SCORE_METRIC[seat]
        assert all(0 < len(METRIC_BY_NAME[m].short) <= 14 for m in watched)


def test_hidden_state_belongs_to_the_seats_and_lower_is_better_to_bounded_metrics() -> None:
    assert {METRIC_BY_NAME[m].owner for m in metrics_tagged("hidden")} == set(SEATS)
    assert all(METRIC_BY_NAME[m].bounded for m in metrics_tagged("lower_is_better"))

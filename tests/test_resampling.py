"""Bootstrap medians from counts equal numpy's medians of the drawn resamples, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from triad.experiments.compare import BOOTSTRAP_BATCH, BOOTSTRAP_SEED, LEVEL, bootstrap_median
from triad.experiments.resampling import resample_counts, resampled_medians


def drawn_medians(values: NDArray[np.float64], resamples: int, seed: int) -> NDArray[np.float64]:
    """The bootstrap as it was written first: draw the picks, take numpy's median of each."""
    n = values.size
    rng = np.random.default_rng(seed)
    batch = max(1, BOOTSTRAP_BATCH // n)
    medians = []
    for start in range(0, resamples, batch):
        picks = rng.integers(0, n, size=(min(batch, resamples - start), n))
        medians.append(np.median(values[picks], axis=1))
    return np.concatenate(medians)


def rows(n: int) -> list[NDArray[np.float64]]:
    rng = np.random.default_rng(n)
    return [
        rng.normal(size=n),
        np.round(rng.normal(size=n), 1),  # many ties
        np.zeros(n),
        rng.lognormal(size=n) * 1e6,
        np.where(rng.random(n) < 0.7, 0.0, rng.normal(size=n)),  # mostly no difference
    ]


@pytest.mark.parametrize("n", [1, 2, 3, 500, 501, 3000])
def test_the_medians_from_counts_are_numpys_bit_for_bit(n: int) -> None:
    counts = resample_counts(n, 1000, BOOTSTRAP_SEED, BOOTSTRAP_BATCH)
    assert counts.shape == (1000, n) and (counts.sum(axis=1) == n).all()
    for values in rows(n):
        expected = drawn_medians(values, 1000, BOOTSTRAP_SEED)
        assert np.array_equal(resampled_medians(values, counts), expected)


def test_the_counts_follow_the_batches_of_the_draws() -> None:
    """3,000 worlds: 666 resamples a batch, so the second batch continues the generator."""
    counts = resample_counts(3000, 1000, 7, BOOTSTRAP_BATCH)
    rng = np.random.default_rng(7)
    first = rng.integers(0, 3000, size=(666, 3000))
    second = rng.integers(0, 3000, size=(334, 3000))
    assert np.array_equal(counts[665], np.bincount(first[665], minlength=3000))
    assert np.array_equal(counts[666], np.bincount(second[0], minlength=3000))
    with pytest.raises(ValueError, match="read-only"):
        counts[0, 0] = 5


@pytest.mark.parametrize("n", [40, 9000])  # 9,000 x 1,000 is beyond the counted size
def test_the_interval_is_the_same_on_either_path(n: int) -> None:
    values = np.random.default_rng(3).normal(size=n)
    medians = drawn_medians(values, 1000, BOOTSTRAP_SEED)
    tail = (1 - LEVEL) / 2  # 0.04999..., as the bootstrap computes it
    expected = tuple(float(q) for q in np.quantile(medians, (tail, 1 - tail)))
    assert bootstrap_median(values) == expected

"""The AI comparison's interval: a bootstrap of the difference of two medians, drawn exactly."""

from __future__ import annotations

import random
import statistics

import pytest

from tformance.core.metrics.median_difference import (
    MIN_MERGED,
    RankedSample,
    _bootstrap_median,
    band,
    median_difference,
)


def sample(values) -> RankedSample:
    ordered = tuple(sorted(values))
    return RankedSample(len(ordered), 0, ordered)


def lognormal(n: int, mu: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [rng.lognormvariate(mu, 1.0) for _ in range(n)]


def test_a_clear_difference_has_an_interval_that_leaves_zero_out():
    fast, slow = sample(lognormal(60, 1.0, 1)), sample(lognormal(80, 2.5, 2))
    result = median_difference(fast, slow)
    assert result.enough_data and result.clear
    assert result.low < result.difference < result.high < 0
    assert result.difference == pytest.approx(statistics.median(fast.values) - statistics.median(slow.values))
    assert (result.a_count, result.b_count) == (60, 80)


def test_the_same_population_gives_no_clear_difference():
    result = median_difference(sample(lognormal(60, 2.0, 3)), sample(lognormal(80, 2.0, 4)))
    assert result.enough_data and not result.clear
    assert result.low < 0 < result.high


def test_too_few_merged_prs_give_no_verdict():
    result = median_difference(sample([1.0] * (MIN_MERGED - 1)), sample(lognormal(50, 2.0, 5)))
    assert not result.enough_data and not result.clear
    assert (result.difference, result.low, result.high) == (None, None, None)


def test_the_interval_is_the_same_every_time():
    a, b = sample(lognormal(40, 1.0, 6)), sample(lognormal(40, 1.3, 7))
    assert median_difference(a, b) == median_difference(a, b)


@pytest.mark.parametrize("n", [7, 8, 31, 40])
def test_drawn_medians_follow_the_law_of_resampled_medians(n):
    """The exact draw agrees with the slow way: resample n values with replacement, take the median."""
    values = sample(lognormal(n, 2.0, n))
    exact_rng, brute_rng = random.Random(1), random.Random(2)
    exact = sorted(_bootstrap_median(values, exact_rng) for _ in range(20_000))
    brute = sorted(statistics.median(brute_rng.choices(values.values, k=n)) for _ in range(20_000))
    for q in (0.05, 0.25, 0.5, 0.75, 0.95):
        spread = values.values[-1] - values.values[0]
        assert exact[int(q * 20_000)] == pytest.approx(brute[int(q * 20_000)], abs=0.03 * spread), q


def test_only_the_band_around_the_median_is_needed():
    values = sample(lognormal(5_000, 2.0, 9))
    other = sample(lognormal(3_000, 2.2, 10))
    first, size = band(values.count)
    assert first > 0 and size < values.count / 4
    banded = RankedSample(values.count, first, values.values[first : first + size])
    assert median_difference(banded, other) == median_difference(values, other)
    assert band(10) == (0, 10)

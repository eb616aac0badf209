"""Is the AI-assisted PRs' median cycle time really different, or is it chance?

A percentile bootstrap of the difference between two medians, with a fixed seed so that the
same data always gives the same interval. No resampling loop is needed: the median of a
bootstrap resample of n sorted values is the value at the rank of the median of n uniform
draws, and that median has a known law (a Beta distribution for the middle order statistic;
for even n the next order statistic follows from it). Each replicate is then two Beta draws
per side, whatever n, and only the values near each median are ever read (``band``), which
lets the metrics read them from an index instead of loading every PR.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from tformance.core.metrics.types import percentile

REPLICATES = 1000
CONFIDENCE = 0.95
MIN_MERGED = 5  # per side: below this a bootstrap interval says little
SEED = 20_250_101  # fixed: the same PRs always give the same interval
_BAND_SDS = 6  # the ranks a bootstrap median reaches, in standard deviations (~sqrt(n) / 2 each)


@dataclass(frozen=True)
class RankedSample:
    """``values``: the sorted values at ranks ``offset``.. of a sample of ``count`` values.

    The whole sample (``offset`` 0) or just the band around its median that a bootstrap
    median can reach; a rank outside the band reads the nearest value inside it.
    """

    count: int
    offset: int
    values: tuple[float, ...]

    def at(self, rank: int) -> float:
        return self.values[min(max(rank - self.offset, 0), len(self.values) - 1)]


def band(count: int) -> tuple[int, int]:
    """The ranks (first, how many) of a sample of ``count`` values its bootstrap medians can reach."""
    reach = math.ceil(_BAND_SDS * math.sqrt(count) / 2) + 1
    first = max(0, (count - 1) // 2 - reach)
    last = min(count - 1, count // 2 + reach)
    return first, last - first + 1


@dataclass(frozen=True)
class MedianDifference:
    """Median of ``a`` minus median of ``b``, with a bootstrap interval at ``confidence``.

    ``difference``, ``low`` and ``high`` are ``None`` when either side has fewer than
    ``MIN_MERGED`` values. ``clear`` says whether the interval leaves 0 out.
    """

    a_count: int
    b_count: int
    difference: float | None
    low: float | None
    high: float | None
    confidence: float = CONFIDENCE

    @property
    def enough_data(self) -> bool:
        return self.difference is not None

    @property
    def clear(self) -> bool:
        return self.low is not None and self.high is not None and (self.low > 0 or self.high < 0)

    def scaled(self, divisor: float) -> MedianDifference:
        """The same interval in other units (seconds to hours: 3600)."""

        def scale(value: float | None) -> float | None:
            return None if value is None else value / divisor

        return MedianDifference(
            self.a_count, self.b_count, scale(self.difference), scale(self.low), scale(self.high), self.confidence
        )


def median_difference(a: RankedSample, b: RankedSample, *, replicates: int = REPLICATES) -> MedianDifference:
    """The difference of the medians of ``a`` and ``b`` and its percentile bootstrap interval."""
    if min(a.count, b.count) < MIN_MERGED:
        return MedianDifference(a.count, b.count, None, None, None)
    rng = random.Random(SEED)
    differences = sorted(_bootstrap_median(a, rng) - _bootstrap_median(b, rng) for _ in range(replicates))
    tail = (1 - CONFIDENCE) / 2 * 100
    return MedianDifference(
        a.count,
        b.count,
        _median(a) - _median(b),
        percentile(differences, tail),
        percentile(differences, 100 - tail),
    )


def _median(sample: RankedSample) -> float:
    """As ``percentile(values, 50)``: the middle value, or the mean of the two middle ones."""
    n = sample.count
    return (sample.at((n - 1) // 2) + sample.at(n // 2)) / 2


def _bootstrap_median(sample: RankedSample, rng: random.Random) -> float:
    """The median of one bootstrap resample, drawn from its exact law."""
    n = sample.count
    if n % 2:
        # The middle of n uniform draws is Beta((n + 1) / 2, (n + 1) / 2); floor(u * n) is a
        # uniformly drawn rank, and flooring keeps the order.
        middle = rng.betavariate((n + 1) / 2, (n + 1) / 2)
        return sample.at(min(int(middle * n), n - 1))
    half = n // 2
    lower = rng.betavariate(half, half + 1)  # the half-th smallest of n uniforms
    # The other ``half`` draws are uniform above it; the next order statistic is their minimum.
    upper = lower + (1 - lower) * rng.betavariate(1, half)
    return (sample.at(min(int(lower * n), n - 1)) + sample.at(min(int(upper * n), n - 1))) / 2

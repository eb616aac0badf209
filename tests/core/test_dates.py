from datetime import UTC, date, datetime

import pytest

from tformance.core.dates import calculate_sync_date_range, parse_github_datetime, start_of_day_utc


@pytest.mark.parametrize(
    ("today", "months", "start"),
    [
        (date(2025, 12, 25), 12, date(2024, 12, 1)),  # the design doc's docstring said Jan 1 2024: wrong
        (date(2025, 3, 31), 1, date(2025, 2, 1)),  # Feb has no 31st: relativedelta clamps, day 1 follows
        (date(2024, 2, 29), 12, date(2023, 2, 1)),  # leap day back to a non-leap year
        (date(2024, 2, 29), 24, date(2022, 2, 1)),
        (date(2025, 1, 1), 12, date(2024, 1, 1)),
        (date(2025, 5, 15), 24, date(2023, 5, 1)),
        (date(2026, 3, 31), 13, date(2025, 2, 1)),
    ],
)
def test_start_is_first_of_the_month_n_months_back(today, months, start):
    assert calculate_sync_date_range(months, today) == (start, today)


def test_end_defaults_to_today_in_utc():
    start, end = calculate_sync_date_range()
    assert end == datetime.now(UTC).date()
    assert start.day == 1


def test_months_must_be_positive():
    with pytest.raises(ValueError):
        calculate_sync_date_range(0, date(2025, 1, 1))


def test_a_pr_created_exactly_at_start_midnight_is_in_range():
    start, _ = calculate_sync_date_range(12, date(2025, 12, 25))
    since = start_of_day_utc(start)
    created = parse_github_datetime("2024-12-01T00:00:00Z")
    assert created == since
    assert created >= since
    assert parse_github_datetime("2024-11-30T23:59:59Z") < since

"""The window of history a sync covers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dateutil.relativedelta import relativedelta


def calculate_sync_date_range(months: int = 12, today: date | None = None) -> tuple[date, date]:
    """Return ``(start, end)``: end is today (UTC); start is ``months`` months earlier, moved to day 1.

    Going back to the first of the month means the earliest month is covered whole, so
    monthly charts never start with a partial bar. Dec 25 2025 with 12 months gives Dec 1 2024.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    end = today or datetime.now(UTC).date()
    start = (end - relativedelta(months=months)).replace(day=1)
    return start, end


def start_of_day_utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def parse_github_datetime(value: str | None) -> datetime | None:
    """Parse GitHub's ISO 8601 timestamps (``2024-05-01T12:00:00Z``) into aware UTC datetimes."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)

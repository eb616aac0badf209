"""GitHub search-query parsing for the fake GitHub: repo/owner qualifiers, states, dates, authors, words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tformance.fakes.demo_model import PullRequestData


def _matches_date(spec: str, value: datetime | None) -> bool:
    """GitHub search's date qualifiers: ``>=``, ``>``, ``<=``, ``<``, exact, and ``a..b`` ranges."""
    if value is None:
        return False

    def bounds(text: str) -> tuple[datetime, datetime, bool]:
        # (start, end, date_only): a bare date covers its whole UTC day.
        if "T" not in text:
            day = datetime.fromisoformat(text).replace(tzinfo=UTC)
            return day, day + timedelta(days=1), True
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        return moment, moment, False

    if ".." in spec:
        low, high = spec.split("..", 1)
        if low not in ("", "*") and value < bounds(low)[0]:
            return False
        if high not in ("", "*"):
            start, end, date_only = bounds(high)
            return value < end if date_only else value <= start
        return True
    for operator in (">=", "<=", ">", "<"):
        if spec.startswith(operator):
            start, end, date_only = bounds(spec[len(operator) :])
            if operator == ">=":
                return value >= start
            if operator == ">":
                return value >= end if date_only else value > start
            if operator == "<=":
                return value < end if date_only else value <= start
            return value < start
    start, end, date_only = bounds(spec)
    return start <= value < end if date_only else value == start


def _valid_date_spec(spec: str) -> bool:
    # GitHub reads a qualifier it cannot parse as plain words; we simply ignore it.
    try:
        _matches_date(spec, datetime(2000, 1, 1, tzinfo=UTC))
    except ValueError:
        return False
    return True


@dataclass
class _Search:
    repos: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    tests: list[Callable[[PullRequestData], bool]] = field(default_factory=list)
    issues_only: bool = False


PRTest = Callable[[PullRequestData], bool]


def _has_word(word: str) -> PRTest:
    return lambda pr: word in pr.title.lower() or word in pr.body.lower()


def _dated(spec: str, attribute: str) -> PRTest:
    return lambda pr: _matches_date(spec, getattr(pr, attribute))


def _authored_by(login: str) -> PRTest:
    return lambda pr: pr.author is not None and pr.author.login.lower() == login


def _is_draft(wanted: bool) -> PRTest:
    return lambda pr: pr.is_draft == wanted


def _parse_search(query: str) -> _Search:
    search = _Search()
    for term in query.split():
        qualifier, _, value = term.partition(":")
        qualifier = qualifier.lower()
        if not value:
            word = term.lower()
            search.tests.append(_has_word(word))
        elif qualifier == "repo":
            search.repos.append(value.lower())
        elif qualifier in ("org", "user", "owner"):
            search.owners.append(value.lower())
        elif qualifier in ("is", "type", "state"):
            value = value.lower()
            if value == "issue":
                search.issues_only = True  # the fake holds pull requests only
            elif value in ("open", "closed", "merged", "unmerged", "draft"):
                search.tests.append(_STATE_TESTS[value])
        elif qualifier in ("created", "updated", "merged", "closed") and _valid_date_spec(value):
            attribute = f"{qualifier}_at"
            search.tests.append(_dated(value, attribute))
        elif qualifier == "author":
            login = value.lower().removeprefix("app/")
            search.tests.append(_authored_by(login))
        elif qualifier == "draft":
            wanted = value.lower() == "true"
            search.tests.append(_is_draft(wanted))
    return search


_STATE_TESTS: dict[str, Callable[[PullRequestData], bool]] = {
    "open": lambda pr: pr.state == "OPEN",
    "closed": lambda pr: pr.state != "OPEN",
    "merged": lambda pr: pr.state == "MERGED",
    "unmerged": lambda pr: pr.state != "MERGED",
    "draft": lambda pr: pr.is_draft,
}

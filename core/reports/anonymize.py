"""Consistent pseudonyms for logins and repositories, to share a report or an export.

``Anonymizer.from_database()`` learns every login and repository name stored; then
``report()``, ``pr()`` and ``text()`` replace them: ``author-01`` for people, ``bot-01`` for
bots, ``repo-01`` for repositories, ``org-01`` for owners that are not also a login.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace

from tformance.core.metrics.types import GHOST, AuthorRow, PRRow, RepoFailure, RepoRow, TeamReport
from tformance.core.store.models import Commit, PullRequest, Repository, Review, db_proxy


class Anonymizer:
    """Replaces real names, the same way every time.

    One name always gets the same pseudonym, whatever its case, so the report, the CSV and
    the HTML of one run agree. Numbers follow a hash of the name, neither its alphabetical
    order nor its activity, so they reveal nothing; the same names give the same numbers
    on every run. Free text (PR titles, sync errors) has every known name replaced as a
    whole word, ignoring case, so a short login that is also a word ("dev") is replaced
    wherever the word appears; URLs are dropped. Names of people in prose that are not
    logins (a commit author's full name in a title) are not detected.
    """

    def __init__(
        self,
        people: Iterable[str] = (),
        bots: Iterable[str] = (),
        repos: Iterable[str] = (),
    ) -> None:
        self._names: dict[str, str] = {}  # lower-case real name -> pseudonym
        self._counts: dict[str, int] = {}  # pseudonym prefix -> numbers handed out
        self._pattern: re.Pattern[str] | None = None
        bots = set(bots)
        people = [login for login in people if login not in bots]
        repos = list(repos)
        # Logins first: a user-owned repo's owner then takes the user's pseudonym.
        self._assign("bot", bots)
        self._assign("author", people)
        self._assign("repo", repos)
        self._assign("org", (name.split("/", 1)[0] for name in repos if "/" in name))
        # A bare repo name ("web" of "acme/web") stands for its repo, unless it is taken.
        for name in sorted(repos, key=_digest):
            short = name.split("/", 1)[-1].lower()
            self._names.setdefault(short, self._names[name.lower()])

    @classmethod
    def from_database(cls) -> Anonymizer:
        """An anonymizer knowing every author, reviewer, committer and repo stored."""
        people: set[str] = set()
        bots: set[str] = set()
        database = db_proxy.obj
        for model in (PullRequest, Review):
            for login, is_bot in database.execute(model.select(model.author_login, model.author_is_bot).distinct()):
                if login:
                    (bots if is_bot else people).add(login)
        committers = Commit.select(Commit.author_login).where(Commit.author_login.is_null(False)).distinct()
        people.update(login for (login,) in database.execute(committers))
        repos = [name for (name,) in database.execute(Repository.select(Repository.full_name))]
        return cls(people=people, bots=bots, repos=repos)

    def login(self, login: str | None, is_bot: bool = False) -> str:
        """The pseudonym of a login; deleted accounts stay ``ghost``."""
        if not login or login.lower() == GHOST:
            return GHOST
        return self._name(login, "bot" if is_bot else "author")

    def repo(self, full_name: str) -> str:
        """The pseudonym of a repository (``OWNER/NAME``)."""
        return self._name(full_name, "repo")

    def text(self, text: str) -> str:
        """``text`` with every known login, repository and owner name replaced."""
        if not self._names:
            return text
        if self._pattern is None:
            names = sorted(self._names, key=len, reverse=True)  # longest first: "acme/web"
            alternatives = "|".join(re.escape(name) for name in names)
            self._pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)
        return self._pattern.sub(lambda match: self._names[match.group(0).lower()], text)

    def report(self, report: TeamReport) -> TeamReport:
        """``report`` with its repos, authors and any text naming them replaced."""
        filters = report.filters
        health = report.health
        repos = [self._repo_row(row) for row in report.repos]
        repos.sort(key=lambda row: (-row.stats.prs, row.name))
        return replace(
            report,
            filters=replace(
                filters,
                repo=self.repo(filters.repo) if filters.repo else None,
                author=self.login(filters.author) if filters.author else None,
            ),
            repos=tuple(repos),
            authors=self._author_rows(report.authors),
            bots=self._author_rows(report.bots),
            health=replace(
                health,
                failed_repos=tuple(
                    RepoFailure(self.repo(f.name), self.text(f.error) if f.error else None) for f in health.failed_repos
                ),
                incomplete_repos=tuple(self.repo(name) for name in health.incomplete_repos),
            ),
        )

    def pr(self, row: PRRow) -> PRRow:
        """``row`` with its repo, author and title anonymized and its URL dropped."""
        return replace(
            row,
            repo=self.repo(row.repo),
            author=self.login(row.author, row.author_is_bot),
            title=self.text(row.title),
            url="",
        )

    def _repo_row(self, row: RepoRow) -> RepoRow:
        error = self.text(row.sync_error) if row.sync_error else None
        return replace(row, name=self.repo(row.name), sync_error=error)

    def _author_rows(self, rows: Iterable[AuthorRow]) -> tuple[AuthorRow, ...]:
        renamed = [replace(row, login=self.login(row.login, row.is_bot)) for row in rows]
        # Re-sorted so that ties do not keep the real names' alphabetical order.
        return tuple(sorted(renamed, key=lambda row: (-row.stats.prs, row.login)))

    def _assign(self, prefix: str, names: Iterable[str]) -> None:
        for name in sorted({n for n in names if n.lower() not in self._names}, key=_digest):
            self._name(name, prefix)

    def _name(self, name: str, prefix: str) -> str:
        key = name.lower()
        pseudonym = self._names.get(key)
        if pseudonym is None:
            number = self._counts.get(prefix, 0) + 1
            self._counts[prefix] = number
            pseudonym = self._names[key] = f"{prefix}-{number:02d}"
            self._pattern = None
        return pseudonym


def _digest(name: str) -> str:
    return hashlib.sha256(name.lower().encode()).hexdigest()

"""Datasets for the fake GitHub: a realistic demo organisation, a large one for benchmarks, an empty account.

Everything derives from ``random.Random(seed)`` and ``today`` (never the wall clock), so the same
arguments give byte-identical data: cursors stay valid across runs and snapshots stay stable.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta

DEMO_TOKEN = "demo-token"  # the only token the demo's fake GitHub accepts
ORG_LOGIN = "acme-robotics"
HISTORY_MONTHS = 13

# Ground-truth tool names in ``PullRequestData.ai_tools``.
CLAUDE_CODE, CURSOR, CODEX, AIDER, COPILOT_AGENT, DEVIN = (
    "claude_code",
    "cursor",
    "codex",
    "aider",
    "copilot_agent",
    "devin",
)


@dataclass(frozen=True, slots=True)
class Actor:
    """An account as GraphQL shows it: bot logins come without the REST ``[bot]`` suffix."""

    login: str
    is_bot: bool = False

    @property
    def typename(self) -> str:
        return "Bot" if self.is_bot else "User"


@dataclass(frozen=True, slots=True)
class ReviewData:
    id: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED
    submitted_at: datetime
    author: Actor | None
    body: str = ""


@dataclass(frozen=True, slots=True)
class CommitData:
    oid: str
    message: str
    authored_at: datetime
    author_name: str
    author_email: str
    author_login: str | None  # None: the email is linked to no user account (bots included)


@dataclass(frozen=True, slots=True)
class PullRequestData:
    number: int
    id: str
    title: str
    body: str
    state: str  # OPEN, CLOSED, MERGED
    is_draft: bool
    created_at: datetime
    updated_at: datetime
    merged_at: datetime | None
    closed_at: datetime | None
    additions: int
    deletions: int
    changed_files: int
    head_ref: str
    base_ref: str
    author: Actor | None  # None: a deleted account ("ghost")
    labels: tuple[str, ...] = ()
    reviews: tuple[ReviewData, ...] = ()
    commits: tuple[CommitData, ...] = ()
    ai_tools: tuple[str, ...] = ()  # ground truth for detection tests; never served


@dataclass(slots=True)
class RepoData:
    owner: str
    name: str
    id: str
    database_id: int
    description: str
    is_private: bool
    is_archived: bool
    pushed_at: datetime
    created_at: datetime
    pull_requests: list[PullRequestData] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(slots=True)
class DemoOrg:
    """A whole account's worth of data: what the fake serves."""

    login: str
    today: date
    repos: list[RepoData]
    people: dict[str, str] = field(default_factory=dict)  # human login -> display name

    def repo(self, full_name: str) -> RepoData:
        for repo in self.repos:
            if repo.full_name.lower() == full_name.lower():
                return repo
        raise KeyError(full_name)

    def pull_requests(self) -> Iterator[tuple[RepoData, PullRequestData]]:
        for repo in self.repos:
            for pr in repo.pull_requests:
                yield repo, pr


def node_id(prefix: str, *parts: object) -> str:
    """A GitHub-looking global id (``PR_kwDO...``), stable for the same parts."""
    digest = hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()
    return f"{prefix}_kwDO{digest[:14].upper()}"


def pr_node_id(repo_database_id: int, number: int) -> str:
    return f"PR_kwDO{repo_database_id:08X}{number:06X}"


def review_node_id(repo_database_id: int, number: int, index: int) -> str:
    return f"PRR_kwDO{repo_database_id:08X}{number:06X}{index:04X}"


def _oid(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()


def _database_id(*parts: object) -> int:
    return int(_oid(*parts)[:8], 16) % 2_000_000_000


@dataclass(frozen=True, slots=True)
class _Person:
    login: str
    name: str
    email: str
    ai_affinity: float  # 0..1: how readily this person reaches for AI tools
    tools: tuple[str, ...] = ()

    @property
    def actor(self) -> Actor:
        return Actor(self.login)


_PEOPLE = (
    _Person("maria-gonzalez", "María González", "maria@acme-robotics.dev", 0.9, (CLAUDE_CODE, CLAUDE_CODE, CURSOR)),
    _Person("tkowalski", "Tomasz Kowalski", "tomasz.kowalski@acme-robotics.dev", 0.25, (AIDER,)),
    _Person("aisha-bello", "Aisha Bello", "aisha@acme-robotics.dev", 0.65, (CURSOR, CURSOR, CLAUDE_CODE)),
    _Person("liam-obrien", "Liam O'Brien", "1184223+liam-obrien@users.noreply.github.com", 0.4, (CLAUDE_CODE,)),
    _Person("kenji-sato", "Kenji Sato", "kenji.sato@acme-robotics.dev", 0.75, (CODEX, CLAUDE_CODE)),
    _Person("sofia-rossi", "Sofia Rossi", "sofia.rossi@acme-robotics.dev", 0.55, (CURSOR,)),
    _Person("dwright", "Devon Wright", "devon@acme-robotics.dev", 0.1, (CLAUDE_CODE,)),
    _Person("nadia-haddad", "Nadia Haddad", "nadia.haddad@acme-robotics.dev", 0.5, (CLAUDE_CODE, CURSOR)),
    _Person("olu-adeyemi", "Olúwaseun Adéyemí", "olu@acme-robotics.dev", 0.35, (CODEX,)),
    _Person("emma-lindqvist", "Emma Lindqvist", "emma.lindqvist@acme-robotics.dev", 0.3, (CURSOR,)),
    _Person("rpatel-dev", "Raj Patel", "41755920+rpatel-dev@users.noreply.github.com", 0.6, (CLAUDE_CODE, AIDER)),
    _Person("chloe-martin", "Chloé Martin", "chloe.martin@acme-robotics.dev", 0.45, (CODEX, CURSOR)),
    _Person("demo-lead", "Demo Lead", "lead@acme-robotics.dev", 0.3, (CLAUDE_CODE,)),
)
_BY_LOGIN = {person.login: person for person in _PEOPLE}

DEPENDABOT = Actor("dependabot", True)
RENOVATE = Actor("renovate", True)
GITHUB_ACTIONS = Actor("github-actions", True)
COPILOT = Actor("Copilot", True)
DEVIN_BOT = Actor("devin-ai-integration", True)
CODERABBIT = Actor("coderabbitai", True)
COPILOT_REVIEWER = Actor("copilot-pull-request-reviewer", True)

# How bots sign their git commits (name, email); their commits link to no user account.
_BOT_GIT = {
    "dependabot": ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    "renovate": ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"),
    "github-actions": ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"),
    "Copilot": ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"),
    "devin-ai-integration": (
        "devin-ai-integration[bot]",
        "158243242+devin-ai-integration[bot]@users.noreply.github.com",
    ),
}

_NOT_SLUG = re.compile(r"[^a-z0-9]+")

CLAUDE_FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
# Claude Code linked to claude.ai/code before it moved to claude.com; older PRs carry that footer.
CLAUDE_FOOTER_OLD = "🤖 Generated with [Claude Code](https://claude.ai/code)"
CLAUDE_TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>"
CURSOR_TRAILER = "Co-authored-by: Cursor <cursoragent@cursor.com>"


@dataclass(frozen=True)
class _RepoSpec:
    name: str
    description: str
    prs: int
    growth: float  # how much busier the last month is than the first (0: flat)
    team: tuple[str, ...]
    subjects: tuple[str, ...]
    scopes: tuple[str, ...]
    labels: tuple[str, ...]
    bots: dict[str, float]  # kind -> share of PRs
    ecosystem: str  # for dependabot/renovate titles
    first_number: int
    private: bool = True
    size_median: float = 70.0
    coderabbit: bool = False


_REPOS = (
    _RepoSpec(
        "fleet-console",
        "Operator web console for the robot fleet (React + TypeScript)",
        230,
        1.6,
        ("maria-gonzalez", "aisha-bello", "dwright", "emma-lindqvist", "chloe-martin", "demo-lead"),
        (
            "mission timeline view",
            "robot status grid",
            "battery alert banner",
            "map marker clustering",
            "operator SSO login",
            "dark mode toggle",
            "CSV export for missions",
            "fleet filter sidebar",
            "teleop video latency overlay",
            "charging dock scheduler",
            "error boundary around the map panel",
            "websocket reconnect logic",
            "role-based access in settings",
            "timezone handling in the date picker",
            "dashboard i18n strings",
        ),
        ("map", "fleet", "auth", "ui", "missions", "settings"),
        ("bug", "feature", "frontend", "ux", "performance", "tech-debt", "needs-design"),
        {"dependabot": 0.08, "github-actions": 0.02, "copilot_agent": 0.06},
        "npm_and_yarn",
        1180,
        coderabbit=True,
    ),
    _RepoSpec(
        "telemetry-api",
        "Ingest and query API for robot telemetry (Python, FastAPI, TimescaleDB)",
        190,
        0.8,
        ("tkowalski", "kenji-sato", "dwright", "olu-adeyemi", "rpatel-dev"),
        (
            "ingest endpoint batching",
            "Postgres connection pool",
            "rate limiter middleware",
            "OpenAPI schema",
            "TimescaleDB retention policy",
            "health check endpoint",
            "auth token refresh",
            "CSV ingest parser",
            "mission events consumer",
            "Kafka consumer lag metrics",
            "pagination on /v2/robots",
            "structured logging",
            "N+1 query in the fleet summary",
            "alembic migration for the firmware table",
        ),
        ("ingest", "api", "db", "auth", "metrics"),
        ("bug", "feature", "backend", "api", "database", "performance", "security"),
        {"dependabot": 0.06, "github-actions": 0.03, "devin": 0.04},
        "pip",
        2400,
        coderabbit=True,
    ),
    _RepoSpec(
        "field-app",
        "Mobile app for field technicians (Kotlin Multiplatform)",
        120,
        0.4,
        ("aisha-bello", "sofia-rossi", "nadia-haddad", "chloe-martin"),
        (
            "offline mission cache",
            "QR pairing flow",
            "push notifications",
            "Bluetooth reconnect",
            "Android 14 permissions",
            "iOS home screen widget",
            "crash on rotation in the map screen",
            "onboarding carousel",
            "accessibility labels",
            "photo upload retry",
            "right-to-left layouts",
        ),
        ("android", "ios", "sync", "pairing", "ui"),
        ("bug", "feature", "ios", "android", "i18n", "ux"),
        {"dependabot": 0.1, "copilot_agent": 0.04},
        "gradle",
        640,
    ),
    _RepoSpec(
        "infra",
        "Terraform, Helm charts and CI for every environment",
        95,
        0.2,
        ("liam-obrien", "olu-adeyemi", "demo-lead"),
        (
            "EKS node group sizing",
            "Terraform state locking",
            "staging ingress TLS",
            "Grafana dashboards",
            "Prometheus alert rules",
            "CI cache for Docker builds",
            "VPC peering for the telemetry DB",
            "Argo CD app-of-apps",
            "secrets rotation job",
            "cost alerts for GPU nodes",
        ),
        ("eks", "ci", "monitoring", "network", "secrets"),
        ("infra", "terraform", "security", "ci", "dependencies"),
        {"renovate": 0.34, "dependabot": 0.05, "github-actions": 0.05},
        "terraform",
        310,
        size_median=40.0,
    ),
    _RepoSpec(
        "docs",
        "Public developer documentation (docs.acme-robotics.dev)",
        55,
        0.0,
        ("emma-lindqvist", "nadia-haddad", "demo-lead", "maria-gonzalez"),
        (
            "API quickstart",
            "fleet onboarding guide",
            "robot safety checklist",
            "release notes page",
            "architecture diagram",
            "glossary",
            "troubleshooting section",
            "SDK examples",
            "v2.3 changelog",
        ),
        ("guide", "api", "site"),
        ("docs", "typo", "api-reference"),
        {"github-actions": 0.1, "dependabot": 0.04},
        "npm_and_yarn",
        95,
        private=False,
        size_median=25.0,
    ),
)

_VERBS = ("Add", "Fix", "Refactor", "Improve", "Speed up", "Clean up", "Handle edge cases in", "Migrate", "Polish")
_TYPES = {"Add": "feat", "Fix": "fix", "Refactor": "refactor", "Speed up": "perf", "Migrate": "chore"}
_FOLLOW_UPS = (
    "Address review comments",
    "Fix lint",
    "Add tests",
    "WIP",
    "Fix failing test",
    "Update snapshots",
    "Handle the empty case",
    "Small cleanup",
    "Rename for clarity",
    "Apply suggestions from code review",
)
_PACKAGES = {
    "npm_and_yarn": ("react-router-dom", "vite", "@tanstack/react-query", "eslint", "typescript", "zod", "axios"),
    "pip": ("fastapi", "sqlalchemy", "pydantic", "uvicorn", "alembic", "httpx", "pytest"),
    "gradle": ("com.squareup.okhttp3:okhttp", "io.ktor:ktor-client-core", "androidx.compose:compose-bom"),
    "terraform": ("hashicorp/aws", "hashicorp/helm", "actions/checkout", "actions/setup-node"),
}
_REVIEW_COMMENTS = ("LGTM", "Looks good, one nit inline.", "", "Can we add a test for this?", "Ship it 🚢", "")


def _sample_created(rng: random.Random, start: datetime, end: datetime, growth: float, human: bool) -> datetime:
    """A creation time, denser towards ``end`` when ``growth`` > 0, in working hours for humans."""
    moment = start + (end - start) * _rising(rng.random(), growth)
    if human:
        day = moment.date()
        if day.weekday() >= 5 and rng.random() < 0.85:
            day -= timedelta(days=day.weekday() - 4)  # weekend work mostly lands on Friday
        hour = min(21, max(6, int(rng.gauss(14, 3))))
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    moment = moment.replace(minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
    return min(max(moment, start), end - timedelta(hours=1))


def _minutes(rng: random.Random, median: float, sigma: float) -> timedelta:
    # exp(gauss) rather than lognormvariate: same distribution, and much faster for big datasets.
    return timedelta(seconds=int(60 * math.exp(rng.gauss(math.log(median), sigma))) + 30)


@functools.lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")[:40]


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def _version(rng: random.Random) -> tuple[str, str]:
    major, minor, patch = rng.randint(0, 9), rng.randint(0, 30), rng.randint(0, 12)
    if rng.random() < 0.7:
        return f"{major}.{minor}.{patch}", f"{major}.{minor}.{patch + rng.randint(1, 3)}"
    return f"{major}.{minor}.{patch}", f"{major}.{minor + 1}.0"


@dataclass
class _Draft:
    """A PR being generated; numbered and frozen into ``PullRequestData`` at the end."""

    created_at: datetime
    kind: str  # human, dependabot, renovate, github-actions, copilot_agent, devin
    author: Actor | None
    person: _Person | None = None
    requester: _Person | None = None  # who assigned an agent
    title: str = ""
    body: str = ""
    head_ref: str = ""
    base_ref: str = "main"
    labels: list[str] = field(default_factory=list)
    additions: int = 0
    deletions: int = 0
    changed_files: int = 1
    state: str = "OPEN"
    is_draft: bool = False
    merged_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    # (time, author, state, body)
    reviews: list[tuple[datetime, Actor | None, str, str]] = field(default_factory=list)
    # (time, message, name, email, login)
    commits: list[tuple[datetime, str, str, str, str | None]] = field(default_factory=list)
    ai_tools: list[str] = field(default_factory=list)
    special: bool = False


class _Generator:
    """Builds one dataset; all randomness flows through ``self.rng``."""

    def __init__(self, today: date, seed: int, months: int = HISTORY_MONTHS) -> None:
        self.rng = random.Random(seed)
        # Nothing happens on ``today`` itself: the caller's clock may still be early in the day.
        self.horizon = datetime(today.year, today.month, today.day, tzinfo=UTC)
        self.start = self.horizon - relativedelta(months=months)
        self.span = self.horizon - self.start
        self.copilot_since = self.horizon - relativedelta(months=6)
        self.devin_since = self.horizon - relativedelta(months=9)

    def fraction(self, moment: datetime) -> float:
        return (moment - self.start) / self.span

    # Authors and content

    def pick_kind(self, spec: _RepoSpec, created: datetime) -> str:
        roll = self.rng.random()
        for kind, share in spec.bots.items():
            if roll < share and self.bot_active(kind, created):
                return kind
            roll -= share
        return "human"

    def bot_active(self, kind: str, created: datetime) -> bool:
        # The agents arrived during the year: Devin first, then Copilot's coding agent.
        if kind == "copilot_agent":
            return created >= self.copilot_since
        if kind == "devin":
            return created >= self.devin_since
        return True

    def human_title(self, spec: _RepoSpec) -> str:
        rng = self.rng
        verb, subject = rng.choice(_VERBS), rng.choice(spec.subjects)
        if rng.random() < 0.45:
            kind = _TYPES.get(verb, "chore" if rng.random() < 0.3 else "feat")
            return f"{kind}({rng.choice(spec.scopes)}): {verb.lower()} {subject}"
        return f"{verb} {subject}"

    def human_body(self, title: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return ""
        if roll < 0.35:
            return f"Closes #{rng.randint(100, 2400)}"
        tests = rng.choice(("Unit tests", "Tested on staging", "Manual check on a real robot", "Added e2e test"))
        return f"## Summary\n\n{title}.\n\n## How to test\n\n- {tests}\n- CI green\n"

    def draft_human(self, spec: _RepoSpec, created: datetime, person: _Person) -> _Draft:
        rng = self.rng
        title = self.human_title(spec)
        draft = _Draft(created, "human", person.actor, person=person, title=title, body=self.human_body(title))
        prefix = rng.choice((person.login.split("-")[0], "feature", "fix", person.login))
        draft.head_ref = f"{prefix}/{_slug(title.split(': ')[-1])}"
        draft.labels = rng.sample(spec.labels, k=rng.choice((0, 1, 1, 2, 3)))
        median = spec.size_median
        additions = int(math.exp(rng.gauss(math.log(median), 1.25))) + 1
        if rng.random() < 0.025:
            additions = rng.randint(1500, 8000)
        draft.additions = additions
        draft.deletions = int(additions * rng.betavariate(1.2, 3.0))
        draft.changed_files = max(1, min(300, int((additions + draft.deletions) / rng.uniform(15, 60)) + 1))
        self.human_commits(draft, rng.choice((1, 1, 2, 2, 3, 4, 5, 7)))
        # AI use grows over the year and with each person's habits.
        if rng.random() < person.ai_affinity * (0.2 + 0.8 * self.fraction(created)) and person.tools:
            self.apply_tool(draft, rng.choice(person.tools))
        return draft

    def human_commits(self, draft: _Draft, count: int) -> None:
        rng = self.rng
        person = draft.person
        name, email, login = (
            (person.name, person.email, person.login) if person else ("Jamie Park", "jamie@ghost", None)
        )
        at = draft.created_at - _minutes(rng, 90, 1.2)
        draft.commits = []
        for index in range(count):
            message = draft.title if index == 0 else rng.choice(_FOLLOW_UPS)
            if index and rng.random() < 0.06:
                message = f"Merge branch 'main' into {draft.head_ref}"
            # A laptop's git config not linked to the account: GitHub shows no user for the commit.
            linked = login if rng.random() > 0.05 else None
            draft.commits.append((at, message, name, email if linked else f"{login}@laptop.local", linked))
            at += _minutes(rng, 120, 1.3)

    def apply_tool(self, draft: _Draft, tool: str) -> None:
        """Leave the real-world signature ``tool`` leaves on a PR."""
        rng = self.rng
        draft.ai_tools = [tool]
        draft.additions = int(draft.additions * 1.3) + 1
        commits = draft.commits
        if tool == CLAUDE_CODE:
            footer = CLAUDE_FOOTER if self.fraction(draft.created_at) > 0.6 else CLAUDE_FOOTER_OLD
            if rng.random() < 0.85:
                draft.body = (draft.body.rstrip() + "\n\n" if draft.body else "") + footer
            for index, commit in enumerate(commits):
                if index == 0 or rng.random() < 0.8:
                    message = f"{commit[1]}\n\n{footer}\n\n{CLAUDE_TRAILER}"
                    commits[index] = (commit[0], message, *commit[2:])
        elif tool == CURSOR:
            if rng.random() < 0.4:
                draft.head_ref = f"cursor/{_slug(draft.title)[:30]}-{_hex(rng, 4)}"
            for index, commit in enumerate(commits):
                if index == 0 or rng.random() < 0.5:
                    commits[index] = (commit[0], f"{commit[1]}\n\n{CURSOR_TRAILER}", *commit[2:])
        elif tool == CODEX:
            draft.head_ref = f"codex/{_slug(draft.title)}"
            draft.body = (
                f"## Summary\n- {draft.title.split(': ')[-1]}\n- add tests\n\n## Testing\n- `make test`\n\n"
                f"------\nhttps://chatgpt.com/codex/tasks/task_e_{_hex(rng, 32)}"
            )
        elif tool == AIDER:
            for index, commit in enumerate(commits):
                if rng.random() < 0.5:
                    commits[index] = (commit[0], f"aider: {commit[1]}", *commit[2:])
                else:
                    # Newer aider marks the author name instead of the message.
                    commits[index] = (commit[0], commit[1], f"{commit[2]} (aider)", *commit[3:])

    def draft_bot(self, spec: _RepoSpec, created: datetime, kind: str) -> _Draft:
        rng = self.rng
        if kind in ("dependabot", "renovate"):
            package = rng.choice(_PACKAGES[spec.ecosystem])
            old, new = _version(rng)
            actor = DEPENDABOT if kind == "dependabot" else RENOVATE
            draft = _Draft(created, kind, actor)
            if kind == "dependabot":
                folder = rng.choice(("", "", " in /web", " in /tools"))
                draft.title = f"Bump {package} from {old} to {new}{folder}"
                draft.head_ref = f"dependabot/{spec.ecosystem}/{_slug(package)}-{new}"
                draft.body = (
                    f"Bumps [{package}](https://github.com/{_slug(package)}/{_slug(package)}) from {old} to {new}.\n"
                    "<details>\n<summary>Release notes</summary>\n\n- Bug fixes and performance improvements\n"
                    "</details>\n\nDependabot will resolve any conflicts with this PR as long as you don't alter it "
                    "yourself. You can also trigger a rebase manually by commenting `@dependabot rebase`."
                )
                draft.labels = ["dependencies", spec.ecosystem.split("_")[0]]
            else:
                draft.title = f"chore(deps): update {package} to v{new}"
                draft.head_ref = f"renovate/{_slug(package)}-{new.split('.')[0]}.x"
                draft.body = (
                    "This PR contains the following updates:\n\n| Package | Change |\n|---|---|\n"
                    f"| {package} | `{old}` -> `{new}` |\n\n---\n\n### Configuration\n\n"
                    "🚦 **Automerge**: Enabled.\n\n---\n\n"
                    "This PR was generated by [Mend Renovate](https://mend.io/renovate/)."
                )
                draft.labels = ["dependencies"]
            draft.additions = rng.randint(1, 40) if rng.random() < 0.7 else rng.randint(40, 600)
            draft.deletions = max(1, int(draft.additions * rng.uniform(0.5, 1.0)))
            draft.changed_files = rng.choice((1, 1, 2, 2, 3))
            name, email = _BOT_GIT[actor.login]
            message = (
                f"{draft.title}\n\nSigned-off-by: {name} <support@github.com>" if kind == "dependabot" else draft.title
            )
            draft.commits = [(created, message, name, email, None)]
            return draft
        if kind == "github-actions":
            draft = _Draft(created, kind, GITHUB_ACTIONS)
            if rng.random() < 0.5:
                version = f"{rng.randint(1, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
                draft.title = f"chore(main): release {version}"
                draft.head_ref = "release-please--branches--main"
                # release-please's ":robot:" is no AI signature: a decoy for naive detectors.
                draft.body = f":robot: I have created a release *beep* *boop*\n---\n\n## {version}\n\n### Features\n\n"
                draft.labels = ["autorelease: pending"]
            else:
                draft.title = "Update generated API client" if spec.name != "docs" else "docs: sync API reference"
                draft.head_ref = f"actions/update-generated-{created:%Y%m%d}"
                draft.body = "Automated changes by the `generate` workflow."
            draft.additions, draft.deletions = rng.randint(5, 400), rng.randint(0, 200)
            draft.changed_files = rng.randint(1, 12)
            draft.commits = [(created, draft.title, *_BOT_GIT["github-actions"], None)]
            return draft
        requester = _BY_LOGIN[rng.choice(spec.team)]
        title = self.human_title(spec).split(": ")[-1]
        title = title[0].upper() + title[1:]
        if kind == "copilot_agent":
            draft = _Draft(created, kind, COPILOT, requester=requester, title=title)
            issue = rng.randint(200, 2400)
            draft.head_ref = f"copilot/fix-{issue}" if rng.random() < 0.5 else f"copilot/{_slug(title)}"
            draft.body = (
                f"{title}.\n\n## Changes\n\n- Updated the implementation\n- Added tests\n\n"
                f"Fixes #{issue}.\n\n<!-- START COPILOT CODING AGENT TIPS -->\n---\n\n"
                "💡 You can make Copilot smarter by setting up custom instructions for this repository."
            )
            name, email = _BOT_GIT["Copilot"]
            draft.commits = [(created - timedelta(minutes=1), "Initial plan", name, email, None)]
            for minutes in (14, 31):
                message = f"{title}\n\nCo-authored-by: {requester.login} <{requester.email}>"
                draft.commits.append((created + timedelta(minutes=minutes), message, name, email, None))
            draft.ai_tools = [COPILOT_AGENT]
        else:
            draft = _Draft(created, kind, DEVIN_BOT, requester=requester, title=title)
            draft.head_ref = f"devin/{int(created.timestamp())}-{_slug(title)}"
            draft.body = (
                f"# {title}\n\n{title} as discussed in Slack.\n\n"
                f"Link to Devin run: https://app.devin.ai/sessions/{_hex(rng, 32)}\n"
                f"Requested by: {requester.name} (@{requester.login})"
            )
            name, email = _BOT_GIT["devin-ai-integration"]
            message = f"{title}\n\nCo-Authored-By: {requester.name} <{requester.email}>"
            draft.commits = [(created - timedelta(minutes=3), message, name, email, None)]
            draft.ai_tools = [DEVIN]
        draft.additions = int(math.exp(rng.gauss(math.log(90), 1.0))) + 1
        draft.deletions = int(draft.additions * rng.betavariate(1.0, 3.0))
        draft.changed_files = max(1, (draft.additions + draft.deletions) // 30)
        return draft

    # Lifecycle: reviews, outcome, timestamps

    def live(self, spec: _RepoSpec, draft: _Draft, review_count: int | None = None, outcome: str | None = None) -> None:
        rng = self.rng
        kind = draft.kind
        merged, closed = {
            "human": (0.8, 0.11),
            "dependabot": (0.74, 0.22),
            "renovate": (0.8, 0.15),
            "github-actions": (0.9, 0.1),
            "copilot_agent": (0.6, 0.3),
            "devin": (0.55, 0.35),
        }[kind]
        roll = rng.random()
        outcome = outcome or ("MERGED" if roll < merged else "CLOSED" if roll < merged + closed else "OPEN")
        author_login = draft.author.login if draft.author else None
        reviewers = [login for login in (*spec.team, "demo-lead") if login != author_login]
        if draft.requester:
            reviewers = [draft.requester.login]
        if review_count is None:
            if kind in ("dependabot", "renovate", "github-actions"):
                review_count = rng.choice((0, 0, 1))
            else:
                review_count = rng.choice((0, 1, 1, 1, 1, 2, 2, 3, 4)) if rng.random() > 0.12 else 0
        at = draft.created_at
        reviews: list[tuple[datetime, Actor | None, str, str]] = []
        if spec.coderabbit and kind == "human" and self.fraction(at) > 0.35 and rng.random() < 0.6:
            reviews.append((at + _minutes(rng, 4, 0.4), CODERABBIT, "COMMENTED", "**Walkthrough** ..."))
        if kind == "human" and self.fraction(at) > 0.7 and rng.random() < 0.3:
            reviews.append((at + _minutes(rng, 3, 0.3), COPILOT_REVIEWER, "COMMENTED", "## Pull Request Overview"))
        for index in range(review_count):
            at += _minutes(rng, 150 if index == 0 else 80, 1.5)
            last = index == review_count - 1
            if last and outcome == "MERGED":
                state = "APPROVED"
            else:
                roll = rng.random()
                state = (
                    "COMMENTED"
                    if roll < 0.49
                    else "CHANGES_REQUESTED"
                    if roll < 0.73
                    else "APPROVED"
                    if roll < 0.97
                    else "DISMISSED"
                )
            reviewer = _BY_LOGIN[rng.choice(reviewers)].actor
            reviews.append((at, reviewer, state, rng.choice(_REVIEW_COMMENTS)))
            # Replying in a review thread files a COMMENTED review by the PR's own author.
            if draft.author and not draft.author.is_bot and not last and rng.random() < 0.15:
                at += _minutes(rng, 20, 1.0)
                reviews.append((at, draft.author, "COMMENTED", "Done, thanks!"))
        reviews.sort(key=lambda review: review[0])
        last_event = max([draft.created_at, *(r[0] for r in reviews), *(c[0] for c in draft.commits)])
        if outcome == "MERGED":
            if kind in ("dependabot", "renovate") and not reviews:
                draft.merged_at = last_event + _minutes(rng, 12, 0.8)  # auto-merge once CI passes
            elif not reviews:
                draft.merged_at = last_event + _minutes(rng, 240, 1.2)
            else:
                draft.merged_at = last_event + _minutes(rng, 35, 1.2)
            draft.closed_at = draft.merged_at
        elif outcome == "CLOSED":
            draft.closed_at = draft.created_at + _minutes(rng, 2880, 1.3)
        end = draft.closed_at or self.horizon
        if end >= self.horizon:
            outcome, draft.merged_at, draft.closed_at, end = "OPEN", None, None, self.horizon
        draft.state = outcome
        draft.reviews = [review for review in reviews if review[0] < end]
        draft.commits = [commit for commit in draft.commits if commit[0] < end] or draft.commits[:1]
        if outcome == "OPEN":
            draft.is_draft = kind == "copilot_agent" or (kind == "human" and rng.random() < 0.3)
            if kind == "copilot_agent":
                draft.title = f"[WIP] {draft.title}"
        elif outcome == "CLOSED":
            draft.is_draft = kind == "human" and rng.random() < 0.05
        self.touch(draft)

    def touch(self, draft: _Draft) -> None:
        """Set ``updated_at`` from the last event; a few PRs get a late comment or label."""
        rng = self.rng
        events = [draft.created_at, *(r[0] for r in draft.reviews)]
        events += [c[0] for c in draft.commits if c[0] >= draft.created_at]
        events += [moment for moment in (draft.merged_at, draft.closed_at) if moment]
        last = max(events)
        updated = last + timedelta(seconds=rng.randint(0, 90))
        if draft.state != "OPEN" and rng.random() < 0.08:
            updated += timedelta(days=rng.uniform(1, 60))
        if updated >= self.horizon:
            # Spread rather than clamp, so that updatedAt values stay (almost) distinct.
            updated = last + (self.horizon - last) * rng.random()
        draft.updated_at = updated.replace(microsecond=0)

    def freeze(self, database_id: int, number: int, draft: _Draft) -> PullRequestData:
        reviews = tuple(
            ReviewData(review_node_id(database_id, number, index), state, at, author, body)
            for index, (at, author, state, body) in enumerate(draft.reviews)
        )
        commits = tuple(
            CommitData(f"{self.rng.getrandbits(160):040x}", message, at, name, email, login)
            for at, message, name, email, login in draft.commits
        )
        assert draft.updated_at is not None
        return PullRequestData(
            number=number,
            id=pr_node_id(database_id, number),
            title=draft.title,
            body=draft.body,
            state=draft.state,
            is_draft=draft.is_draft,
            created_at=draft.created_at,
            updated_at=draft.updated_at,
            merged_at=draft.merged_at,
            closed_at=draft.closed_at,
            additions=draft.additions,
            deletions=draft.deletions,
            changed_files=draft.changed_files,
            head_ref=draft.head_ref,
            base_ref=draft.base_ref,
            author=draft.author,
            labels=tuple(draft.labels),
            reviews=reviews,
            commits=commits,
            ai_tools=tuple(draft.ai_tools),
        )

    def repo_drafts(self, spec: _RepoSpec, count: int) -> list[_Draft]:
        rng = self.rng
        team = [_BY_LOGIN[login] for login in spec.team]
        # The lead writes little code: weight everyone else higher.
        cumulative = list(itertools.accumulate(0.3 if person.login == "demo-lead" else 1.0 for person in team))
        drafts = []
        for _ in range(count):
            human_guess = rng.random() > sum(spec.bots.values())
            created = _sample_created(rng, self.start, self.horizon, spec.growth, human_guess)
            kind = self.pick_kind(spec, created)
            if kind == "human":
                person = rng.choices(team, cum_weights=cumulative)[0]
                drafts.append(self.draft_human(spec, created, person))
            else:
                drafts.append(self.draft_bot(spec, created, kind))
        drafts.sort(key=lambda draft: draft.created_at)
        return drafts

    def build_repo(self, spec: _RepoSpec, owner: str, drafts: list[_Draft]) -> RepoData:
        rng = self.rng
        database_id = _database_id(f"{owner}/{spec.name}")
        number = spec.first_number
        prs = []
        for draft in sorted(drafts, key=lambda draft: draft.created_at):
            prs.append(self.freeze(database_id, number, draft))
            # Issues share the number sequence, so PR numbers have gaps.
            number += 1 + (rng.randint(1, 4) if rng.random() < 0.3 else 0)
        return self.repo_data(spec, owner, prs)

    def repo_data(self, spec: _RepoSpec, owner: str, prs: list[PullRequestData]) -> RepoData:
        full_name = f"{owner}/{spec.name}"
        pushed = max((pr.merged_at for pr in prs if pr.merged_at), default=self.start)
        return RepoData(
            owner=owner,
            name=spec.name,
            id=node_id("R", full_name),
            database_id=_database_id(full_name),
            description=spec.description,
            is_private=spec.private,
            is_archived=False,
            pushed_at=pushed,
            created_at=self.start - timedelta(days=400 + _database_id(full_name) % 900),
            pull_requests=prs,
        )

    def quick_repo(self, spec: _RepoSpec, owner: str, count: int) -> RepoData:
        """``count`` PRs with fewer frills than the demo's (one bot, simpler lives): built fast for benchmarks."""
        rng = self.rng
        rand = rng.random
        database_id = _database_id(f"{owner}/{spec.name}")
        team = [_BY_LOGIN[login] for login in spec.team]
        titles = [f"{verb} {subject}" for verb in _VERBS for subject in spec.subjects]
        span = self.span.total_seconds()
        last_second = self.horizon - timedelta(seconds=1)
        bot_name, bot_email = _BOT_GIT["dependabot"]
        prs = []
        for number, t in enumerate(sorted(_rising(rand(), spec.growth) for _ in range(count)), 1):
            created = self.start + timedelta(seconds=int(span * t * 0.999))
            title = titles[int(rand() * len(titles))]
            body, head = "", f"feature/{_slug(title)}-{number}"
            tools: tuple[str, ...] = ()
            person = team[int(rand() * len(team))]
            author: Actor = person.actor
            name, email, login = person.name, person.email, person.login
            if rand() < 0.1:
                author, name, email, login = DEPENDABOT, bot_name, bot_email, None
                title = f"Bump vite from 5.{number % 40}.0 to 5.{number % 40}.1"
                head = f"dependabot/npm_and_yarn/vite-5.{number % 40}.1-{number}"
            elif person.tools and rand() < person.ai_affinity * (0.2 + 0.8 * t):
                tools = (person.tools[int(rand() * len(person.tools))],)
            step = timedelta(minutes=20 + int(rand() * 240))
            messages = [title, *("Address review comments" for _ in range(int(rand() * 3)))]
            if tools == (CLAUDE_CODE,):
                body = CLAUDE_FOOTER
                messages[0] = f"{title}\n\n{CLAUDE_FOOTER}\n\n{CLAUDE_TRAILER}"
            elif tools == (CURSOR,):
                messages[0] = f"{title}\n\n{CURSOR_TRAILER}"
            elif tools == (CODEX,):
                head = f"codex/{_slug(title)}-{number}"
                body = f"## Summary\n- {title}\n\n------\nhttps://chatgpt.com/codex/tasks/task_e_{_hex(rng, 32)}"
            elif tools == (AIDER,):
                messages[0] = f"aider: {title}"
            commits = tuple(
                CommitData(f"{rng.getrandbits(160):040x}", message, created + step * (i - 1), name, email, login)
                for i, message in enumerate(messages)
            )
            at = created
            reviews = []
            for index in range(0 if author.is_bot else (0, 1, 1, 2)[int(rand() * 4)]):
                at += timedelta(minutes=5 + int(math.exp(rng.gauss(4.5, 1.4))))
                reviewer = team[int(rand() * len(team))].actor
                if reviewer != author:
                    reviews.append(ReviewData(review_node_id(database_id, number, index), "APPROVED", at, reviewer))
            roll = rand()
            merged_at = closed_at = None
            end = max(at, commits[-1].authored_at) + timedelta(minutes=10 + int(rand() * 120))
            if end < self.horizon and roll < 0.9:
                closed_at = end
                merged_at = end if roll < 0.8 else None
            state = "MERGED" if merged_at else "CLOSED" if closed_at else "OPEN"
            updated = end if end < self.horizon else (created + (last_second - created) * rand()).replace(microsecond=0)
            additions = int(math.exp(rng.gauss(4.2, 1.2))) + 1
            prs.append(
                PullRequestData(
                    number=number,
                    id=pr_node_id(database_id, number),
                    title=title,
                    body=body,
                    state=state,
                    is_draft=state == "OPEN" and rand() < 0.2,
                    created_at=created,
                    updated_at=updated,
                    merged_at=merged_at,
                    closed_at=closed_at,
                    additions=additions,
                    deletions=additions // 3,
                    changed_files=1 + additions // 40,
                    head_ref=head,
                    base_ref="main",
                    author=author,
                    reviews=tuple(review for review in reviews if review.submitted_at < (closed_at or self.horizon)),
                    commits=commits,
                    ai_tools=tools,
                )
            )
        return self.repo_data(spec, owner, prs)


def _rising(u: float, growth: float) -> float:
    """Inverse CDF of a density rising linearly from 1 to 1 + ``growth`` over [0, 1]."""
    return u if growth == 0 else (-1 + math.sqrt(1 + 2 * growth * u * (1 + growth / 2))) / growth


def _pick(gen: _Generator, drafts: Sequence[_Draft]) -> _Draft:
    """A plain merged human PR older than a month, not already special, to turn into a special case."""
    cutoff = gen.horizon - timedelta(days=30)
    candidates = [
        d
        for d in drafts
        if d.kind == "human" and not d.special and not d.ai_tools and d.state == "MERGED" and d.created_at < cutoff
    ]
    draft = gen.rng.choice(candidates)
    draft.special = True
    return draft


def _huge_log(lines: int) -> str:
    row = "2025-01-01T00:00:00Z worker-{:03d} ingest batch {:06d} ok latency_ms={:04d} rows=512 shard=eu-2\n"
    return "".join(row.format(i % 17, i, (i * 37) % 2000) for i in range(lines))


def _add_specials(gen: _Generator, drafts: dict[str, list[_Draft]]) -> None:
    """Hostile text, decoys, a ghost author and PRs with more than one page of commits or reviews."""
    web, api, app, infra, docs = (drafts[spec.name] for spec in _REPOS)
    specs = {spec.name: spec for spec in _REPOS}

    d = _pick(gen, web)
    d.title = "Render [bold red]x[/] markers in the alert banner"
    d.body = "Escape user text first. Try [link=https://evil.example]click[/link] and [bold]unclosed markup.\n[/]"
    d = _pick(gen, api)
    d.title = "\x1b[31mHOTFIX\x1b[0m stop leaking DB sockets"
    d.body = "Before:\n\x1b[2J\x1b[H\x1b[1;31mERROR\x1b[0m too many connections\x07\n"
    d = _pick(gen, app)
    d.title = "🚀 New onboarding carousel ✨🎉"
    d.body = "Looks great on 📱! Family emoji 👨‍👩‍👧‍👦 and flags 🇺🇦🇯🇵 render too."
    d = _pick(gen, app)
    d.title = "تحسين دعم الكتابة من اليمين إلى اليسار في شاشة الإعدادات"
    d.body = "עדכון תרגום לעברית.\nRLO trick: invoice_\u202egnp.exe\n\u200fמימין לשמאל"
    d = _pick(gen, api)
    d.title = "Investigate flaky ingest test (full CI log attached)"
    d.body = "Full log of the failing run:\n\n```\n" + _huge_log(11_000) + "```\n"  # about 1 MB
    d = _pick(gen, web)
    d.title = (
        "Refactor the mission planner so that waypoints, geofences, charging windows, operator overrides, "
        "weather holds, maintenance blackouts and the new multi-site scheduling rules all go through one "
        "validation pipeline with consistent error messages, instead of the five slightly different ones "
        "we have today"
    )
    d = _pick(gen, docs)
    d.author, d.person = None, None  # the account was deleted: GitHub shows "ghost" and author null
    d.commits = [(at, message, "Jamie Park", "jamie@old-laptop.local", None) for at, message, *_ in d.commits]
    for repo_drafts, title in (
        (web, "Fix Copilot settings page"),
        (api, "chore: bump claude-sdk from 0.3.1 to 0.4.0"),
        (api, "Add cursor-based pagination to /v2/missions"),
        (docs, "Document the Claude and Copilot integrations in the support bot"),
    ):
        d = _pick(gen, repo_drafts)
        d.title = title
        if d.commits:
            d.commits[0] = (d.commits[0][0], title, *d.commits[0][2:])
    d = _pick(gen, docs)
    d.body = "Built locally. Docs generated with [MkDocs](https://www.mkdocs.org) 🤖 beep."

    # More commits and reviews than one nested page of 25 holds, to exercise the follow-up queries.
    for repo_drafts, commits, reviews in ((web, 31, 28), (api, 42, None), (infra, 27, None), (app, None, 33)):
        spec = next(specs[name] for name, ds in drafts.items() if ds is repo_drafts)
        d = _pick(gen, repo_drafts)
        if commits:
            gen.human_commits(d, commits)
        gen.live(spec, d, review_count=reviews, outcome="MERGED")

    # A draft left open for months.
    d = _pick(gen, web)
    d.state, d.merged_at, d.closed_at, d.is_draft = "OPEN", None, None, True
    d.title = f"WIP: {d.title}"
    gen.touch(d)


def build_demo_org(today: date, seed: int = 7) -> DemoOrg:
    """The demo organisation: 5 repos and about 700 PRs over the 13 months before ``today``."""
    gen = _Generator(today, seed)
    drafts: dict[str, list[_Draft]] = {}
    for spec in _REPOS:
        repo_drafts = gen.repo_drafts(spec, spec.prs)
        for draft in repo_drafts:
            gen.live(spec, draft)
        drafts[spec.name] = repo_drafts
    _add_specials(gen, drafts)
    repos = [gen.build_repo(spec, ORG_LOGIN, drafts[spec.name]) for spec in _REPOS]
    repos.sort(key=lambda repo: repo.pushed_at, reverse=True)
    people = {person.login: person.name for person in _PEOPLE}
    return DemoOrg(login=ORG_LOGIN, today=today, repos=repos, people=people)


def build_large_org(
    today: date, repos: int = 20, prs_per_repo: int = 1000, seed: int = 7, sizes: Sequence[int] | None = None
) -> DemoOrg:
    """A big synthetic organisation for benchmarks: plain PRs with the same AI signatures, built quickly.
    ``sizes`` gives each repository its own PR count (a skewed team); else every one has ``prs_per_repo``."""
    counts = list(sizes) if sizes else [prs_per_repo] * repos
    repos = len(counts)
    gen = _Generator(today, seed)
    owner = "megacorp"
    logins = [person.login for person in _PEOPLE]
    built = []
    for index in range(repos):
        template = _REPOS[index % len(_REPOS)]
        spec = _RepoSpec(
            name=f"service-{index + 1:03d}",
            description=f"Service {index + 1}",
            prs=counts[index],
            growth=template.growth,
            team=tuple(gen.rng.sample(logins, 5)),
            subjects=template.subjects,
            scopes=template.scopes,
            labels=template.labels,
            bots=template.bots,
            ecosystem=template.ecosystem,
            first_number=1,
            coderabbit=template.coderabbit,
        )
        built.append(gen.quick_repo(spec, owner, counts[index]))
    built.sort(key=lambda repo: repo.pushed_at, reverse=True)
    return DemoOrg(login=owner, today=today, repos=built, people={p.login: p.name for p in _PEOPLE})


def build_empty_org(today: date) -> DemoOrg:
    """An account that can see no repositories at all."""
    return DemoOrg(login=ORG_LOGIN, today=today, repos=[], people={})

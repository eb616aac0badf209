"""The demo organisation's cast and vocabulary: people, bots, repositories, titles and AI signatures.

Pure data tables (the generator in ``demo_generator`` draws from them). Tool names are the ground
truth ``PullRequestData.ai_tools`` carries; the footers and trailers are the ones the real tools leave.
"""

from __future__ import annotations

from dataclasses import dataclass

from tformance.fakes.demo_model import Actor

ORG_LOGIN = "acme-robotics"

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
class Person:
    login: str
    name: str
    email: str
    ai_affinity: float  # 0..1: how readily this person reaches for AI tools
    tools: tuple[str, ...] = ()

    @property
    def actor(self) -> Actor:
        return Actor(self.login)


PEOPLE = (
    Person("maria-gonzalez", "María González", "maria@acme-robotics.dev", 0.9, (CLAUDE_CODE, CLAUDE_CODE, CURSOR)),
    Person("tkowalski", "Tomasz Kowalski", "tomasz.kowalski@acme-robotics.dev", 0.25, (AIDER,)),
    Person("aisha-bello", "Aisha Bello", "aisha@acme-robotics.dev", 0.65, (CURSOR, CURSOR, CLAUDE_CODE)),
    Person("liam-obrien", "Liam O'Brien", "1184223+liam-obrien@users.noreply.github.com", 0.4, (CLAUDE_CODE,)),
    Person("kenji-sato", "Kenji Sato", "kenji.sato@acme-robotics.dev", 0.75, (CODEX, CLAUDE_CODE)),
    Person("sofia-rossi", "Sofia Rossi", "sofia.rossi@acme-robotics.dev", 0.55, (CURSOR,)),
    Person("dwright", "Devon Wright", "devon@acme-robotics.dev", 0.1, (CLAUDE_CODE,)),
    Person("nadia-haddad", "Nadia Haddad", "nadia.haddad@acme-robotics.dev", 0.5, (CLAUDE_CODE, CURSOR)),
    Person("olu-adeyemi", "Olúwaseun Adéyemí", "olu@acme-robotics.dev", 0.35, (CODEX,)),
    Person("emma-lindqvist", "Emma Lindqvist", "emma.lindqvist@acme-robotics.dev", 0.3, (CURSOR,)),
    Person("rpatel-dev", "Raj Patel", "41755920+rpatel-dev@users.noreply.github.com", 0.6, (CLAUDE_CODE, AIDER)),
    Person("chloe-martin", "Chloé Martin", "chloe.martin@acme-robotics.dev", 0.45, (CODEX, CURSOR)),
    Person("demo-lead", "Demo Lead", "lead@acme-robotics.dev", 0.3, (CLAUDE_CODE,)),
)
BY_LOGIN = {person.login: person for person in PEOPLE}

DEPENDABOT = Actor("dependabot", True)
RENOVATE = Actor("renovate", True)
GITHUB_ACTIONS = Actor("github-actions", True)
COPILOT = Actor("Copilot", True)
DEVIN_BOT = Actor("devin-ai-integration", True)
CODERABBIT = Actor("coderabbitai", True)
COPILOT_REVIEWER = Actor("copilot-pull-request-reviewer", True)

# How bots sign their git commits (name, email); their commits link to no user account.
BOT_GIT = {
    "dependabot": ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    "renovate": ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"),
    "github-actions": ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"),
    "Copilot": ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"),
    "devin-ai-integration": (
        "devin-ai-integration[bot]",
        "158243242+devin-ai-integration[bot]@users.noreply.github.com",
    ),
}

CLAUDE_FOOTER = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
# Claude Code linked to claude.ai/code before it moved to claude.com; older PRs carry that footer.
CLAUDE_FOOTER_OLD = "🤖 Generated with [Claude Code](https://claude.ai/code)"
CLAUDE_TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>"
CURSOR_TRAILER = "Co-authored-by: Cursor <cursoragent@cursor.com>"


@dataclass(frozen=True)
class RepoSpec:
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


REPOS = (
    RepoSpec(
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
    RepoSpec(
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
    RepoSpec(
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
    RepoSpec(
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
    RepoSpec(
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

VERBS = ("Add", "Fix", "Refactor", "Improve", "Speed up", "Clean up", "Handle edge cases in", "Migrate", "Polish")
TYPES = {"Add": "feat", "Fix": "fix", "Refactor": "refactor", "Speed up": "perf", "Migrate": "chore"}
FOLLOW_UPS = (
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
PACKAGES = {
    "npm_and_yarn": ("react-router-dom", "vite", "@tanstack/react-query", "eslint", "typescript", "zod", "axios"),
    "pip": ("fastapi", "sqlalchemy", "pydantic", "uvicorn", "alembic", "httpx", "pytest"),
    "gradle": ("com.squareup.okhttp3:okhttp", "io.ktor:ktor-client-core", "androidx.compose:compose-bom"),
    "terraform": ("hashicorp/aws", "hashicorp/helm", "actions/checkout", "actions/setup-node"),
}
REVIEW_COMMENTS = ("LGTM", "Looks good, one nit inline.", "", "Can we add a test for this?", "Ship it 🚢", "")

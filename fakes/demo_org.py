"""The fake GitHub's datasets: the demo organisation, a large one for benchmarks, an empty account.

Built by ``demo_generator.Generator`` from the tables in ``demo_content``; the demo's edge cases
(hostile text, decoys, a ghost author, PRs longer than a page) are planted here. The same ``today``
and ``seed`` give byte-identical data: cursors stay valid across runs and snapshots stay stable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from tformance.fakes.demo_content import (
    AIDER,
    BOT_GIT,
    BY_LOGIN,
    CLAUDE_CODE,
    CLAUDE_FOOTER,
    CLAUDE_TRAILER,
    CODEX,
    CURSOR,
    CURSOR_TRAILER,
    DEPENDABOT,
    ORG_LOGIN,
    PEOPLE,
    REPOS,
    VERBS,
    RepoSpec,
)
from tformance.fakes.demo_draft import Draft, random_hex, rising, slug
from tformance.fakes.demo_generator import Generator
from tformance.fakes.demo_model import (
    Actor,
    CommitData,
    DemoOrg,
    PullRequestData,
    RepoData,
    ReviewData,
    pr_node_id,
    review_node_id,
    stable_database_id,
)


def _quick_repo(gen: Generator, spec: RepoSpec, owner: str, count: int) -> RepoData:
    """``count`` PRs with fewer frills than the demo's (one bot, simpler lives): built fast for benchmarks."""
    rng = gen.rng
    rand = rng.random
    database_id = stable_database_id(f"{owner}/{spec.name}")
    team = [BY_LOGIN[login] for login in spec.team]
    titles = [f"{verb} {subject}" for verb in VERBS for subject in spec.subjects]
    span = gen.span.total_seconds()
    last_second = gen.horizon - timedelta(seconds=1)
    bot_name, bot_email = BOT_GIT["dependabot"]
    prs = []
    for number, t in enumerate(sorted(rising(rand(), spec.growth) for _ in range(count)), 1):
        created = gen.start + timedelta(seconds=int(span * t * 0.999))
        title = titles[int(rand() * len(titles))]
        body, head = "", f"feature/{slug(title)}-{number}"
        tools: tuple[str, ...] = ()
        person = team[int(rand() * len(team))]
        author: Actor = person.actor
        name, email = person.name, person.email
        login: str | None = person.login
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
            head = f"codex/{slug(title)}-{number}"
            body = f"## Summary\n- {title}\n\n------\nhttps://chatgpt.com/codex/tasks/task_e_{random_hex(rng, 32)}"
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
        if end < gen.horizon and roll < 0.9:
            closed_at = end
            merged_at = end if roll < 0.8 else None
        state = "MERGED" if merged_at else "CLOSED" if closed_at else "OPEN"
        updated = end if end < gen.horizon else (created + (last_second - created) * rand()).replace(microsecond=0)
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
                reviews=tuple(review for review in reviews if review.submitted_at < (closed_at or gen.horizon)),
                commits=commits,
                ai_tools=tools,
            )
        )
    return gen.repo_data(spec, owner, prs)


def _pick(gen: Generator, drafts: Sequence[Draft]) -> Draft:
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


def _add_specials(gen: Generator, drafts: dict[str, list[Draft]]) -> None:
    """Hostile text, decoys, a ghost author and PRs with more than one page of commits or reviews."""
    web, api, app, infra, docs = (drafts[spec.name] for spec in REPOS)
    specs = {spec.name: spec for spec in REPOS}

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
    gen = Generator(today, seed)
    drafts: dict[str, list[Draft]] = {}
    for spec in REPOS:
        repo_drafts = gen.repo_drafts(spec, spec.prs)
        for draft in repo_drafts:
            gen.live(spec, draft)
        drafts[spec.name] = repo_drafts
    _add_specials(gen, drafts)
    repos = [gen.build_repo(spec, ORG_LOGIN, drafts[spec.name]) for spec in REPOS]
    repos.sort(key=lambda repo: repo.pushed_at, reverse=True)
    people = {person.login: person.name for person in PEOPLE}
    return DemoOrg(login=ORG_LOGIN, today=today, repos=repos, people=people)


def build_large_org(
    today: date, repos: int = 20, prs_per_repo: int = 1000, seed: int = 7, sizes: Sequence[int] | None = None
) -> DemoOrg:
    """A big synthetic organisation for benchmarks: plain PRs with the same AI signatures, built quickly.
    ``sizes`` gives each repository its own PR count (a skewed team); else every one has ``prs_per_repo``."""
    counts = list(sizes) if sizes else [prs_per_repo] * repos
    repos = len(counts)
    gen = Generator(today, seed)
    owner = "megacorp"
    logins = [person.login for person in PEOPLE]
    built = []
    for index in range(repos):
        template = REPOS[index % len(REPOS)]
        spec = RepoSpec(
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
        built.append(_quick_repo(gen, spec, owner, counts[index]))
    built.sort(key=lambda repo: repo.pushed_at, reverse=True)
    return DemoOrg(login=owner, today=today, repos=built, people={p.login: p.name for p in PEOPLE})


def build_empty_org(today: date) -> DemoOrg:
    """An account that can see no repositories at all."""
    return DemoOrg(login=ORG_LOGIN, today=today, repos=[], people={})

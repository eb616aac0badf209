"""How a demo PR comes to life: drafted by a person or a bot, signed by the AI tool used, reviewed, closed.

``Generator`` draws every choice from one ``random.Random(seed)`` and dates everything from ``today``
(never the wall clock), so the same arguments give byte-identical data. ``demo_org`` assembles the
datasets from it.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from tformance.fakes.demo_content import (
    AIDER,
    BOT_GIT,
    BY_LOGIN,
    CLAUDE_CODE,
    CLAUDE_FOOTER,
    CLAUDE_FOOTER_OLD,
    CLAUDE_TRAILER,
    CODERABBIT,
    CODEX,
    COPILOT,
    COPILOT_AGENT,
    COPILOT_REVIEWER,
    CURSOR,
    CURSOR_TRAILER,
    DEPENDABOT,
    DEVIN,
    DEVIN_BOT,
    FOLLOW_UPS,
    GITHUB_ACTIONS,
    PACKAGES,
    RENOVATE,
    REVIEW_COMMENTS,
    TYPES,
    VERBS,
    Person,
    RepoSpec,
)
from tformance.fakes.demo_draft import Draft, bump_versions, minutes_around, random_hex, sample_created, slug
from tformance.fakes.demo_model import (
    Actor,
    CommitData,
    PullRequestData,
    RepoData,
    ReviewData,
    node_id,
    pr_node_id,
    review_node_id,
    stable_database_id,
)

HISTORY_MONTHS = 13


class Generator:
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

    def pick_kind(self, spec: RepoSpec, created: datetime) -> str:
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

    def human_title(self, spec: RepoSpec) -> str:
        rng = self.rng
        verb, subject = rng.choice(VERBS), rng.choice(spec.subjects)
        if rng.random() < 0.45:
            kind = TYPES.get(verb, "chore" if rng.random() < 0.3 else "feat")
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

    def draft_human(self, spec: RepoSpec, created: datetime, person: Person) -> Draft:
        rng = self.rng
        title = self.human_title(spec)
        draft = Draft(created, "human", person.actor, person=person, title=title, body=self.human_body(title))
        prefix = rng.choice((person.login.split("-")[0], "feature", "fix", person.login))
        draft.head_ref = f"{prefix}/{slug(title.split(': ')[-1])}"
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

    def human_commits(self, draft: Draft, count: int) -> None:
        rng = self.rng
        person = draft.person
        name, email, login = (
            (person.name, person.email, person.login) if person else ("Jamie Park", "jamie@ghost", None)
        )
        at = draft.created_at - minutes_around(rng, 90, 1.2)
        draft.commits = []
        for index in range(count):
            message = draft.title if index == 0 else rng.choice(FOLLOW_UPS)
            if index and rng.random() < 0.06:
                message = f"Merge branch 'main' into {draft.head_ref}"
            # A laptop's git config not linked to the account: GitHub shows no user for the commit.
            linked = login if rng.random() > 0.05 else None
            draft.commits.append((at, message, name, email if linked else f"{login}@laptop.local", linked))
            at += minutes_around(rng, 120, 1.3)

    def apply_tool(self, draft: Draft, tool: str) -> None:
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
                draft.head_ref = f"cursor/{slug(draft.title)[:30]}-{random_hex(rng, 4)}"
            for index, commit in enumerate(commits):
                if index == 0 or rng.random() < 0.5:
                    commits[index] = (commit[0], f"{commit[1]}\n\n{CURSOR_TRAILER}", *commit[2:])
        elif tool == CODEX:
            draft.head_ref = f"codex/{slug(draft.title)}"
            draft.body = (
                f"## Summary\n- {draft.title.split(': ')[-1]}\n- add tests\n\n## Testing\n- `make test`\n\n"
                f"------\nhttps://chatgpt.com/codex/tasks/task_e_{random_hex(rng, 32)}"
            )
        elif tool == AIDER:
            for index, commit in enumerate(commits):
                if rng.random() < 0.5:
                    commits[index] = (commit[0], f"aider: {commit[1]}", *commit[2:])
                else:
                    # Newer aider marks the author name instead of the message.
                    commits[index] = (commit[0], commit[1], f"{commit[2]} (aider)", *commit[3:])

    def draft_bot(self, spec: RepoSpec, created: datetime, kind: str) -> Draft:
        rng = self.rng
        if kind in ("dependabot", "renovate"):
            package = rng.choice(PACKAGES[spec.ecosystem])
            old, new = bump_versions(rng)
            actor = DEPENDABOT if kind == "dependabot" else RENOVATE
            draft = Draft(created, kind, actor)
            if kind == "dependabot":
                folder = rng.choice(("", "", " in /web", " in /tools"))
                draft.title = f"Bump {package} from {old} to {new}{folder}"
                draft.head_ref = f"dependabot/{spec.ecosystem}/{slug(package)}-{new}"
                draft.body = (
                    f"Bumps [{package}](https://github.com/{slug(package)}/{slug(package)}) from {old} to {new}.\n"
                    "<details>\n<summary>Release notes</summary>\n\n- Bug fixes and performance improvements\n"
                    "</details>\n\nDependabot will resolve any conflicts with this PR as long as you don't alter it "
                    "yourself. You can also trigger a rebase manually by commenting `@dependabot rebase`."
                )
                draft.labels = ["dependencies", spec.ecosystem.split("_")[0]]
            else:
                draft.title = f"chore(deps): update {package} to v{new}"
                draft.head_ref = f"renovate/{slug(package)}-{new.split('.')[0]}.x"
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
            name, email = BOT_GIT[actor.login]
            message = (
                f"{draft.title}\n\nSigned-off-by: {name} <support@github.com>" if kind == "dependabot" else draft.title
            )
            draft.commits = [(created, message, name, email, None)]
            return draft
        if kind == "github-actions":
            draft = Draft(created, kind, GITHUB_ACTIONS)
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
            draft.commits = [(created, draft.title, *BOT_GIT["github-actions"], None)]
            return draft
        requester = BY_LOGIN[rng.choice(spec.team)]
        title = self.human_title(spec).split(": ")[-1]
        title = title[0].upper() + title[1:]
        if kind == "copilot_agent":
            draft = Draft(created, kind, COPILOT, requester=requester, title=title)
            issue = rng.randint(200, 2400)
            draft.head_ref = f"copilot/fix-{issue}" if rng.random() < 0.5 else f"copilot/{slug(title)}"
            draft.body = (
                f"{title}.\n\n## Changes\n\n- Updated the implementation\n- Added tests\n\n"
                f"Fixes #{issue}.\n\n<!-- START COPILOT CODING AGENT TIPS -->\n---\n\n"
                "💡 You can make Copilot smarter by setting up custom instructions for this repository."
            )
            name, email = BOT_GIT["Copilot"]
            draft.commits = [(created - timedelta(minutes=1), "Initial plan", name, email, None)]
            for minutes in (14, 31):
                message = f"{title}\n\nCo-authored-by: {requester.login} <{requester.email}>"
                draft.commits.append((created + timedelta(minutes=minutes), message, name, email, None))
            draft.ai_tools = [COPILOT_AGENT]
        else:
            draft = Draft(created, kind, DEVIN_BOT, requester=requester, title=title)
            draft.head_ref = f"devin/{int(created.timestamp())}-{slug(title)}"
            draft.body = (
                f"# {title}\n\n{title} as discussed in Slack.\n\n"
                f"Link to Devin run: https://app.devin.ai/sessions/{random_hex(rng, 32)}\n"
                f"Requested by: {requester.name} (@{requester.login})"
            )
            name, email = BOT_GIT["devin-ai-integration"]
            message = f"{title}\n\nCo-Authored-By: {requester.name} <{requester.email}>"
            draft.commits = [(created - timedelta(minutes=3), message, name, email, None)]
            draft.ai_tools = [DEVIN]
        draft.additions = int(math.exp(rng.gauss(math.log(90), 1.0))) + 1
        draft.deletions = int(draft.additions * rng.betavariate(1.0, 3.0))
        draft.changed_files = max(1, (draft.additions + draft.deletions) // 30)
        return draft

    # Lifecycle: reviews, outcome, timestamps

    def live(self, spec: RepoSpec, draft: Draft, review_count: int | None = None, outcome: str | None = None) -> None:
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
            reviews.append((at + minutes_around(rng, 4, 0.4), CODERABBIT, "COMMENTED", "**Walkthrough** ..."))
        if kind == "human" and self.fraction(at) > 0.7 and rng.random() < 0.3:
            reviews.append(
                (at + minutes_around(rng, 3, 0.3), COPILOT_REVIEWER, "COMMENTED", "## Pull Request Overview")
            )
        for index in range(review_count):
            at += minutes_around(rng, 150 if index == 0 else 80, 1.5)
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
            reviewer = BY_LOGIN[rng.choice(reviewers)].actor
            reviews.append((at, reviewer, state, rng.choice(REVIEW_COMMENTS)))
            # Replying in a review thread files a COMMENTED review by the PR's own author.
            if draft.author and not draft.author.is_bot and not last and rng.random() < 0.15:
                at += minutes_around(rng, 20, 1.0)
                reviews.append((at, draft.author, "COMMENTED", "Done, thanks!"))
        reviews.sort(key=lambda review: review[0])
        last_event = max([draft.created_at, *(r[0] for r in reviews), *(c[0] for c in draft.commits)])
        if outcome == "MERGED":
            if kind in ("dependabot", "renovate") and not reviews:
                draft.merged_at = last_event + minutes_around(rng, 12, 0.8)  # auto-merge once CI passes
            elif not reviews:
                draft.merged_at = last_event + minutes_around(rng, 240, 1.2)
            else:
                draft.merged_at = last_event + minutes_around(rng, 35, 1.2)
            draft.closed_at = draft.merged_at
        elif outcome == "CLOSED":
            draft.closed_at = draft.created_at + minutes_around(rng, 2880, 1.3)
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

    def touch(self, draft: Draft) -> None:
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

    def freeze(self, database_id: int, number: int, draft: Draft) -> PullRequestData:
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

    def repo_drafts(self, spec: RepoSpec, count: int) -> list[Draft]:
        rng = self.rng
        team = [BY_LOGIN[login] for login in spec.team]
        # The lead writes little code: weight everyone else higher.
        cumulative = list(itertools.accumulate(0.3 if person.login == "demo-lead" else 1.0 for person in team))
        drafts = []
        for _ in range(count):
            human_guess = rng.random() > sum(spec.bots.values())
            created = sample_created(rng, self.start, self.horizon, spec.growth, human_guess)
            kind = self.pick_kind(spec, created)
            if kind == "human":
                person = rng.choices(team, cum_weights=cumulative)[0]
                drafts.append(self.draft_human(spec, created, person))
            else:
                drafts.append(self.draft_bot(spec, created, kind))
        drafts.sort(key=lambda draft: draft.created_at)
        return drafts

    def build_repo(self, spec: RepoSpec, owner: str, drafts: list[Draft]) -> RepoData:
        rng = self.rng
        database_id = stable_database_id(f"{owner}/{spec.name}")
        number = spec.first_number
        prs = []
        for draft in sorted(drafts, key=lambda draft: draft.created_at):
            prs.append(self.freeze(database_id, number, draft))
            # Issues share the number sequence, so PR numbers have gaps.
            number += 1 + (rng.randint(1, 4) if rng.random() < 0.3 else 0)
        return self.repo_data(spec, owner, prs)

    def repo_data(self, spec: RepoSpec, owner: str, prs: list[PullRequestData]) -> RepoData:
        full_name = f"{owner}/{spec.name}"
        pushed = max((pr.merged_at for pr in prs if pr.merged_at), default=self.start)
        return RepoData(
            owner=owner,
            name=spec.name,
            id=node_id("R", full_name),
            database_id=stable_database_id(full_name),
            description=spec.description,
            is_private=spec.private,
            is_archived=False,
            pushed_at=pushed,
            created_at=self.start - timedelta(days=400 + stable_database_id(full_name) % 900),
            pull_requests=prs,
        )

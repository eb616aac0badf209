"""Stage 1 AI detection: the labelled evaluation set, evidence, hostile input and the CLI."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest

from tformance.core.detection.detector import (
    AI_TOOLS,
    AUTOMATION_BOTS,
    CommitText,
    Detection,
    PullRequestText,
    detect_ai,
    detection_to_json,
)
from tformance.core.detection.evaluation import load_cases, score_by_kind
from tformance.core.detection.signatures import AI_RULES, AUTOMATION_RULES, REVIEW_SUMMARIES, TEXT_SCOPES
from tformance.core.detection.tools import TOOLS, Tool
from tformance.detect_command import pr_from_json, run

DATA = Path(__file__).resolve().parents[2] / "data"
REGRESSION_PATH = DATA / "ai_eval_cases.jsonl"  # the first set: every case must pass exactly
REALWORLD_PATH = DATA / "ai_eval_realworld.jsonl"  # shapes real tools and people produce, hard cases too
HELDOUT_PATH = DATA / "ai_eval_heldout.jsonl"  # written after the rules, scored before any rule saw them
# Real public PR and commit texts, each with its source, labelled by what they say (README: first run and after).
INDEPENDENT_PATH = DATA / "ai_eval_independent.jsonl"
CLAUDE_FOOTER = "\N{ROBOT FACE} Generated with [Claude Code](https://claude.com/claude-code)"
CLAUDE_TRAILER = "Co-Authored-By: Claude <noreply@anthropic.com>"
KINDS = {"marker", "disclosure", "negation", "quoting", "decoy", "review_bot", "automation", "implicit"}

REGRESSION = load_cases(REGRESSION_PATH)
INDEPENDENT = load_cases(INDEPENDENT_PATH)
CASES = load_cases(REGRESSION_PATH, REALWORLD_PATH, HELDOUT_PATH) + INDEPENDENT


def _detect(record: dict[str, Any]) -> Detection:
    return detect_ai(pr_from_json(record))


def test_eval_set_is_broad() -> None:
    assert len(CASES) >= 300
    assert len({case["id"] for case in CASES}) == len(CASES)
    covered = {tool for case in CASES for tool in case["tools"]}
    assert covered == set(AI_TOOLS), f"tools without a case: {set(AI_TOOLS) - covered}"
    assert {case["kind"] for case in CASES} == KINDS
    for case in CASES:
        assert case["is_ai_assisted"] == bool(case["tools"]), case["id"]
        assert set(case["tools"]) <= set(AI_TOOLS), case["id"]
        assert set(case.get("automation", [])) <= set(AUTOMATION_BOTS), case["id"]


def test_targets_on_explicit_markers_and_disclosures() -> None:
    scores = score_by_kind(CASES, _detect)
    explicit = scores["explicit"]
    assert explicit.precision >= 0.97 and explicit.recall >= 0.95, explicit
    # Nothing a person wrote "no AI" on, quoted, or named in passing counts.
    for kind in ("negation", "quoting", "decoy"):
        assert scores[kind].false_positives == 0, (kind, scores[kind])


def test_targets_on_real_world_texts_nobody_here_wrote() -> None:
    assert len(INDEPENDENT) >= 80
    assert all(case["source"].strip() for case in INDEPENDENT)
    scores = score_by_kind(INDEPENDENT, _detect)
    explicit = scores["explicit"]
    # After the fixes: precision 1.000, recall 0.929 (26 of 28); the margin allows two new misses.
    assert explicit.precision >= 0.97 and explicit.recall >= 0.85, explicit
    assert scores["all"].tool_accuracy >= 0.95, scores["all"]
    # None of the human PRs, decoys, quotes, negations, review-bot summaries or bot bumps counts.
    assert scores["all"].false_positives == 0, scores["all"]


def test_no_review_bot_summary_counts_as_ai() -> None:
    for case in CASES:
        if case["kind"] == "review_bot":
            detection = _detect(case["pr"])
            assert set(detection.tools) == set(case["tools"]), case["id"]
            # The summary is seen and set aside (a dependency bot's body is not read at all).
            assert detection.review_bots or detection.automation, case["id"]


@pytest.mark.parametrize("case", REGRESSION, ids=[case["id"] for case in REGRESSION])
def test_eval_case_exact_tools(case: dict[str, Any]) -> None:
    detection = _detect(case["pr"])
    evidence = [(e.tool, e.marker, e.where, e.excerpt) for e in detection.evidence]
    assert list(detection.tools) == case["tools"], evidence
    assert detection.is_ai_assisted == case["is_ai_assisted"]
    assert list(detection.automation) == case.get("automation", [])
    assert {e.tool for e in detection.evidence} == set(detection.tools)


def test_every_ai_rule_names_a_known_tool_and_text_rules_have_needles() -> None:
    for rule in (*AI_RULES, *AUTOMATION_RULES):
        assert rule.source.strip(), f"{rule.tool}: {rule.marker} says nowhere where its marker comes from"
    for block in REVIEW_SUMMARIES:
        assert block.tool in AI_TOOLS and block.source.strip() and block.needles, block
    for rule in AI_RULES:
        assert rule.tool in AI_TOOLS, rule
        assert all(needle == needle.lower() for needle in rule.needles), rule
        if rule.scopes & TEXT_SCOPES:
            # Needles keep a megabyte body fast; a text rule without them runs everywhere.
            assert rule.needles, rule
    assert {rule.tool for rule in AUTOMATION_RULES} <= set(AUTOMATION_BOTS)


def test_evidence_points_at_the_commit_that_carries_the_marker() -> None:
    pr = PullRequestText(
        title="Refactor",
        commits=(
            CommitText("First"),
            CommitText("Second"),
            CommitText(f"Third\n\n{CLAUDE_TRAILER}"),
            CommitText("Fourth", author_name="Bob (aider)", author_email="bob@example.com"),
        ),
    )
    detection = detect_ai(pr)
    where = {(e.tool, e.where) for e in detection.evidence}
    assert where == {("claude_code", "commit 3 message"), ("aider", "commit 4 author")}
    assert detection.tools == ("aider", "claude_code")


def test_evidence_names_marker_and_single_line_excerpt() -> None:
    detection = detect_ai(PullRequestText(body=f"Fix\n\n{CLAUDE_FOOTER}\n\n{CLAUDE_TRAILER}"))
    markers = {e.marker: e for e in detection.evidence}
    assert set(markers) == {"Claude Code footer", "Co-Authored-By: Claude trailer"}
    assert markers["Co-Authored-By: Claude trailer"].excerpt == CLAUDE_TRAILER
    long_trailer = "Co-Authored-By: Devin AI <158243242+devin-ai-integration[bot]@users.noreply.github.com>"
    (evidence,) = detect_ai(PullRequestText(body=long_trailer)).evidence
    assert len(evidence.excerpt) <= 80 and "\n" not in evidence.excerpt


def test_none_and_empty_fields() -> None:
    empty = Detection(is_ai_assisted=False, tools=(), evidence=(), automation=())
    assert detect_ai(PullRequestText()) == empty
    none_commit = CommitText(message=None, author_name=None)  # type: ignore[arg-type]
    pr = PullRequestText(title="", body=None, branch="  ", labels=(None, ""), commits=(none_commit,))  # type: ignore[arg-type]
    assert detect_ai(pr) == empty


def test_huge_body_completes_quickly() -> None:
    chunk = "not generated with AI; Co-authored-by: ``<!-- [bold]\x1b[31m written with the help of the "
    body = (chunk * (1_000_000 // len(chunk) + 1))[:1_000_000] + "\n\n" + CLAUDE_FOOTER
    started = time.perf_counter()
    detection = detect_ai(PullRequestText(title=body[:1000], body=body, commits=(CommitText(body),)))
    elapsed = time.perf_counter() - started
    assert detection.tools == ("claude_code",)
    assert elapsed < 5, f"1 MB body took {elapsed:.2f}s"


@pytest.mark.parametrize(
    "body",
    [
        "a" * 1_000_000,
        "written" + " " * 1_000_000 + "x",
        "Co-authored-by: " * 70_000,
        "<!--" * 250_000,
        "`" * 1_000_000,
        "```\n" * 250_000,
        "Co-authored-by: Claude " + "<" * 1_000_000,
        "\n\n    x" * 200_000,
        '"' * 1_000_000,
        "<!-- ELLIPSIS_HIDDEN -->" * 40_000,
        "Claude " * 140_000,
        "> used Claude to write\n" * 40_000,
        'a="b" ' * 150_000,
        " - " * 300_000,
        "generated " + "a/" * 500_000 + ".md",
        "- [x] ? " * 120_000,
    ],
    ids=["letters", "spaces", "trailers", "comments", "backticks", "fences", "brackets"]
    + ["indented", "quotes", "review-markers", "names", "blockquotes", "attributes", "dashes", "paths", "ticked"],
)
def test_pathological_bodies_do_not_backtrack(body: str) -> None:
    started = time.perf_counter()
    assert not detect_ai(PullRequestText(body=body)).is_ai_assisted
    assert time.perf_counter() - started < 2


def test_rich_markup_and_ansi_are_left_untouched() -> None:
    body = f"[bold red]Summary[/bold red] \x1b[1mdone\x1b[0m\n\x1b[32m{CLAUDE_FOOTER}\x1b[0m"
    detection = detect_ai(PullRequestText(title="[link=https://x.test]Fix[/link]", body=body))
    assert detection.tools == ("claude_code",)
    (evidence,) = detection.evidence
    assert evidence.excerpt in body
    markup_only = detect_ai(PullRequestText(title="[b]AI[/b] [red]ChatGPT[/red]", body="\x1b[31mcursor\x1b[0m"))
    assert not markup_only.is_ai_assisted
    # Excerpts keep text verbatim: escaping it for display is the UI's job.
    trailer = "Co-Authored-By: [bold]Claude[/bold] \x1b[2m<noreply@anthropic.com>"
    (evidence,) = detect_ai(PullRequestText(body=trailer)).evidence
    assert evidence.excerpt == trailer


def test_automation_is_kept_apart_from_ai() -> None:
    # Dependabot quotes upstream release notes, which may carry Claude Code's footer.
    dependabot = PullRequestText(
        title="Bump @anthropic-ai/claude-code from 1.0.0 to 1.0.1",
        author_login="dependabot[bot]",
        branch="dependabot/npm_and_yarn/anthropic-ai/claude-code-1.0.1",
        body=f"Release notes\n> {CLAUDE_FOOTER}\n> {CLAUDE_TRAILER}",
    )
    detection = detect_ai(dependabot)
    assert detection.automation == ("dependabot",)
    assert not detection.is_ai_assisted and detection.tools == () and detection.evidence == ()

    human = PullRequestText(
        author_login="alice",
        body=CLAUDE_FOOTER,
        commits=(
            CommitText("chore: format", author_name="pre-commit-ci[bot]"),
            CommitText("Bump x", author_login="renovate[bot]"),
        ),
    )
    detection = detect_ai(human)
    assert detection.tools == ("claude_code",)
    assert detection.automation == ("pre_commit_ci", "renovate")
    assert not set(detection.automation) & set(AI_TOOLS)


def test_detection_to_json_shape() -> None:
    detection = detect_ai(PullRequestText(branch="copilot/fix-7"))
    assert detection_to_json(detection) == {
        "is_ai_assisted": True,
        "tools": ["copilot"],
        "evidence": [{"tool": "copilot", "marker": "copilot/ branch", "where": "branch", "excerpt": "copilot/fix-7"}],
        "automation": [],
        "review_bots": [],
    }
    json.dumps(detection_to_json(detection))


def test_run_reads_json_lines_and_reports_bad_ones() -> None:
    lines = [
        json.dumps({"title": "Fix", "body": CLAUDE_FOOTER}),
        "",
        "{not json",
        json.dumps({"title": None, "commit_messages": ["aider: add x"], "labels": None}),
        "   ",
        json.dumps({"commits": [{"message": "x", "author_name": "Copilot", "author_email": None}], "branch": None}),
        json.dumps([1, 2]),
        json.dumps({}),
    ]
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(io.StringIO("\n".join(lines) + "\n"), stdout, stderr) == 1
    assert stderr.getvalue() == "tformance: line 3: not valid JSON (and 1 more bad lines)\n"
    out = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert len(out) == 6
    assert out[0]["tools"] == ["claude_code"] and out[0]["is_ai_assisted"] is True
    assert out[0]["evidence"][0]["where"] == "body"
    assert out[1] == {"error": "line 3: not valid JSON"}
    assert out[2]["tools"] == ["aider"]
    assert out[2]["evidence"][0]["where"] == "commit 1 message"
    assert out[3]["tools"] == ["copilot"]
    assert out[4] == {"error": "line 7: not a JSON object"}
    assert out[5] == {"is_ai_assisted": False, "tools": [], "evidence": [], "automation": [], "review_bots": []}


def test_pr_from_json_tolerates_mistyped_fields() -> None:
    pr = pr_from_json(
        {
            "title": 42,
            "labels": [{"name": "ai-generated"}, 7, None],
            "commit_messages": ["ok", None, 3],
            "author_login": ["x"],
        }
    )
    assert pr.title is None and pr.author_login is None
    assert pr.labels == ("ai-generated",)
    assert [c.message for c in pr.commits] == ["ok"]
    assert detect_ai(pr).tools == ("ai_generic",)


@pytest.mark.parametrize(
    ("body", "tools"),
    [
        ("> I used Claude to write this config and it fails\n\nThe key was wrong.", ()),  # quoting a user
        ("> [!NOTE]\n> This PR was written with Claude Code.", ("claude_code",)),  # an alert is the author's own
        ("## AI Disclosure\n\nAI tools used: none", ()),
        ("AI Disclosure: Claude Code was not used for this change.", ()),
        ("Claude Code used: yes", ("claude_code",)),
        ("AI: aider with gpt-4.1, every change reviewed", ("aider",)),  # the agent's model is not a second tool
        ("Example:\n\n    Co-Authored-By: Claude <noreply@anthropic.com>\n", ()),  # an indented code block
        # Shapes the independent set (real public PRs) showed.
        ('Do NOT include "\N{ROBOT FACE} Generated with [Claude Code](https://claude.ai/code)" in commits.', ()),
        ('<a href="https://cursor.com/agents/bc-57c386ea-b5de-4407">Open in Cursor</a>', ("cursor",)),
        ("- [x] Was AI used in this pull request?", ("ai_generic",)),  # a ticked box answers it
        ("- [ ] Was AI used in this pull request?", ()),
        ("Was AI used in this pull request?", ()),
        ("This is not an anti-AI move - I used GH Copilot while writing this PR.", ("copilot",)),
        ("Generated AGENTS.md via Codex CLI /init", ("chatgpt_codex",)),
        ("Generated summaries with GPT-4 for the dashboard", ()),  # a feature, not authorship
        ("Gave it a shot (made with roo ofc)", ("roo_code",)),
    ],
)
def test_disclosures_are_read_as_people_write_them(body: str, tools: tuple[str, ...]) -> None:
    assert detect_ai(PullRequestText(body=body)).tools == tools


def test_a_review_bot_summary_is_set_aside_and_the_author_tool_stands() -> None:
    body = (
        f"Adds export.\n\n{CLAUDE_FOOTER}\n\n<!-- This is an auto-generated description by cubic. -->\n"
        "## Summary by cubic\nAdds export, written with care by cubic.\n"
        "<!-- End of auto-generated description by cubic. -->"
    )
    out = detection_to_json(detect_ai(PullRequestText(body=body)))
    assert (out["tools"], out["review_bots"]) == (["claude_code"], ["cubic"])
    assert {e["tool"] for e in out["evidence"]} == {"claude_code"}


# Names people have too: these count with the tool's own address or a qualifier ("Devin AI").
PERSON_NAMES = {"Devin", "Jules", "Cody"}


@pytest.mark.parametrize("tool", [t for t in TOOLS if t.id != "ai_generic" and t.name not in PERSON_NAMES], ids=str)
def test_a_trailer_naming_a_known_tool_counts_whatever_its_address(tool: Tool) -> None:
    message = f"Fix the parser\n\nCo-authored-by: {tool.name} <someone@unfamiliar.example>"
    found = detect_ai(PullRequestText(commits=(CommitText(message),))).tools
    assert found == (tool.id,) or (tool.id == "claude" and found == ("claude_code",)), found


@pytest.mark.parametrize("name", sorted(PERSON_NAMES) + ["Claude Dubois", "Devin Patel"])
def test_a_person_with_a_tools_name_is_a_person(name: str) -> None:
    message = f"Fix the parser\n\nCo-authored-by: {name} <{name.split()[0].lower()}@corp.example>"
    assert detect_ai(PullRequestText(commits=(CommitText(message),))).tools == ()

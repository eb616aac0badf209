"""Checking the model's answers: nothing it writes is trusted unchecked."""

from __future__ import annotations

import json

import pytest

from tformance.core.errors import LLMBadAnswer
from tformance.core.llm.answers import (
    PRAnswer,
    canonical_tool,
    canonical_tools,
    final_verdict,
    parse_answers,
    strip_fences,
)


def _entry(pr_id: object, ai: object = False, tools: object = (), summary: object = "Does a thing.") -> dict:
    return {
        "id": pr_id,
        "is_ai_assisted": ai,
        "ai_tools": list(tools) if isinstance(tools, tuple) else tools,
        "summary": summary,
    }


def _content(*entries: dict) -> str:
    return json.dumps({"prs": list(entries)})


def test_a_clean_answer() -> None:
    parsed = parse_answers(_content(_entry(1), _entry(2, True, ("copilot",))), [1, 2])
    assert parsed.answers[1] == PRAnswer(1, False, (), "Does a thing.")
    assert parsed.answers[2].ai_tools == ("copilot",)
    assert parsed.missing == frozenset()


@pytest.mark.parametrize(
    "wrap",
    [
        lambda text: f"```json\n{text}\n```",
        lambda text: f"```\n{text}\n```",
        lambda text: f"Here you go:\n```json\n{text}\n```\nAnything else?",
        lambda text: f"Sure! {text} Hope this helps.",
        lambda text: f"  \n{text}\n  ",
    ],
)
def test_fences_and_prose_are_stripped(wrap) -> None:
    parsed = parse_answers(wrap(_content(_entry(1))), [1])
    assert set(parsed.answers) == {1}
    assert strip_fences(wrap('{"a": 1}')) == '{"a": 1}'


@pytest.mark.parametrize("content", [None, "", "   ", "{'prs': []}", '{"prs": [{"id": 1, "is_ai', "no json here"])
def test_unusable_answers_raise(content) -> None:
    with pytest.raises(LLMBadAnswer):
        parse_answers(content, [1])


def test_an_object_without_a_list_is_unusable() -> None:
    with pytest.raises(LLMBadAnswer):
        parse_answers('{"results": "none"}', [1])


def test_missing_ids_are_reported_for_re_asking() -> None:
    parsed = parse_answers(_content(_entry(1)), [1, 2, 3])
    assert set(parsed.answers) == {1}
    assert parsed.missing == frozenset({2, 3})


def test_unknown_ids_are_ignored() -> None:
    parsed = parse_answers(_content(_entry(1), _entry(99)), [1])
    assert set(parsed.answers) == {1}
    assert parsed.unknown_ids == (99,)


@pytest.mark.parametrize(
    "entry",
    [
        _entry(1, ai="yes"),
        _entry(1, ai=None),
        _entry(1, ai=1),
        _entry(1, tools={"copilot": True}),
        _entry(1, summary=""),
        _entry(1, summary=None),
        _entry(1, summary=["a"]),
        {"id": 1},
        "not an object",
    ],
)
def test_wrong_types_make_the_pr_missing(entry) -> None:
    parsed = parse_answers(json.dumps({"prs": [entry, _entry(2)]}), [1, 2])
    assert set(parsed.answers) == {2}
    assert parsed.missing == frozenset({1})


def test_lenient_where_meaning_is_clear() -> None:
    parsed = parse_answers(json.dumps([_entry("3", True, "Claude Code")]), [3])  # bare list, string id and tool
    assert parsed.answers[3].ai_tools == ("claude_code",)
    single = parse_answers(json.dumps(_entry(4)), [4])  # one entry without the wrapper
    assert set(single.answers) == {4}
    boolean_id = parse_answers(json.dumps({"prs": [_entry(True)]}), [1])
    assert boolean_id.missing == frozenset({1})


def test_the_first_answer_for_a_pr_stands() -> None:
    parsed = parse_answers(_content(_entry(1, summary="First."), _entry(1, True, ("cursor",), "Second.")), [1])
    assert parsed.answers[1].summary == "First."


def test_summary_becomes_one_clean_line() -> None:
    parsed = parse_answers(_content(_entry(1, summary='  - "Adds retries\n to the   client."  ')), [1])
    assert parsed.answers[1].summary == "Adds retries to the client."
    long = parse_answers(_content(_entry(1, summary="word " * 200)), [1]).answers[1].summary
    assert len(long) <= 240 and long.endswith("\u2026")


def test_tool_names_map_to_canonical_ids_and_unknown_ones_are_dropped() -> None:
    assert canonical_tool("GitHub Copilot") == "copilot"
    assert canonical_tool("claude-code") == "claude_code"
    assert canonical_tool("OpenAI Codex") == "chatgpt_codex"
    assert canonical_tool("ChatGPT") == "chatgpt"
    assert canonical_tool("HAL 9000") is None
    assert canonical_tool(42) is None
    assert canonical_tools(["Cursor", "HAL 9000", "cursor", "AI"]) == ("cursor",)
    assert canonical_tools(["AI"]) == ("ai_generic",)
    parsed = parse_answers(_content(_entry(1, True, ("HAL 9000", "Copilot"))), [1])
    assert parsed.answers[1].ai_tools == ("copilot",)


def test_a_human_verdict_carries_no_tools() -> None:
    parsed = parse_answers(_content(_entry(1, False, ("copilot",))), [1])
    assert parsed.answers[1].ai_tools == ()


def test_explicit_markers_win_over_the_llm() -> None:
    human = PRAnswer(1, False, (), "Fixes a bug.")
    assert final_verdict(["claude_code"], human) == (True, ["claude_code"])
    both = PRAnswer(1, True, ("cursor",), "Fixes a bug.")
    assert final_verdict(["claude_code"], both) == (True, ["claude_code", "cursor"])


def test_the_llm_decides_when_there_is_no_marker() -> None:
    assert final_verdict([], PRAnswer(1, True, ("chatgpt",), "s")) == (True, ["chatgpt"])
    assert final_verdict([], PRAnswer(1, True, (), "s")) == (True, ["ai_generic"])
    assert final_verdict([], PRAnswer(1, False, (), "s")) == (False, [])
    assert final_verdict(["not_a_tool"], PRAnswer(1, False, (), "s")) == (False, [])


def test_a_general_tool_name_beside_its_agent_counts_once():
    from tformance.core.llm.answers import canonical_tools

    assert canonical_tools(["claude", "claude_code"]) == ("claude_code",)
    assert canonical_tools(["chatgpt", "chatgpt_codex", "cursor"]) == ("chatgpt_codex", "cursor")
    assert canonical_tools(["claude"]) == ("claude",)

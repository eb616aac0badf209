"""A small GraphQL parser for the fake GitHub: tokenizer, document types and a cached ``_parse``.

Enough of the spec for the documents a client sends; errors carry positions for GitHub-shaped locations.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any

_TOKEN_RE = re.compile(
    r"""
    (?P<skip>[\s,\ufeff]+|\#[^\n\r]*)
  | (?P<block>\"\"\"(?:\\\"\"\"|[^"]|"(?!""))*\"\"\")
  | (?P<string>"(?:\\.|[^"\\\n])*")
  | (?P<spread>\.\.\.)
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
  | (?P<punct>[!$():=@\[\]{}|&])
    """,
    re.VERBOSE,
)
_OPERATION_RE = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z]\w*)")


class _SyntaxError(Exception):
    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.pos = pos


@dataclass(slots=True)
class _Var:
    name: str


@dataclass(slots=True)
class _Field:
    name: str
    alias: str | None
    args: dict[str, Any]
    selections: list[Any]
    directives: list[tuple[str, dict[str, Any]]]
    pos: int

    @property
    def key(self) -> str:
        return self.alias or self.name


@dataclass(slots=True)
class _Spread:
    name: str
    directives: list[tuple[str, dict[str, Any]]]
    pos: int


@dataclass(slots=True)
class _Inline:
    on: str | None
    selections: list[Any]
    directives: list[tuple[str, dict[str, Any]]]
    pos: int


@dataclass(slots=True)
class _VarDef:
    type: str  # as written, e.g. "Int!" or "[String!]"
    non_null: bool
    default: Any
    pos: int


@dataclass(slots=True)
class _Operation:
    kind: str
    name: str | None
    variables: dict[str, _VarDef]
    selections: list[Any]
    pos: int


@dataclass(slots=True)
class _Document:
    text: str
    operations: list[_Operation]
    fragments: dict[str, tuple[str, list[Any]]]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            match = _TOKEN_RE.match(text, pos)
            if match is None:
                raise _SyntaxError(f'Parse error on "{text[pos]}" (error)', pos)
            if match.lastgroup != "skip":
                self.tokens.append((match.lastgroup or "", match.group(), pos))
            pos = match.end()
        self.tokens.append(("eof", "", len(text)))
        self.i = 0

    def peek(self, value: str) -> bool:
        kind, text, _ = self.tokens[self.i]
        return kind in ("punct", "spread") and text == value

    def next(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        if token[0] == "eof":
            raise _SyntaxError("Unexpected end of document", token[2])
        self.i += 1
        return token

    def expect(self, value: str) -> None:
        kind, text, pos = self.next()
        if kind not in ("punct", "spread") or text != value:
            raise _SyntaxError(f'Parse error on "{text}" ({kind.upper()}), expected "{value}"', pos)

    def name(self) -> str:
        kind, text, pos = self.next()
        if kind != "name":
            raise _SyntaxError(f'Parse error on "{text}" ({kind.upper()}), expected a name', pos)
        return text

    def document(self) -> _Document:
        operations: list[_Operation] = []
        fragments: dict[str, tuple[str, list[Any]]] = {}
        while self.tokens[self.i][0] != "eof":
            kind, text, pos = self.tokens[self.i]
            if self.peek("{"):
                operations.append(_Operation("query", None, {}, self.selection_set(), pos))
            elif kind == "name" and text in ("query", "mutation", "subscription"):
                operations.append(self.operation())
            elif kind == "name" and text == "fragment":
                self.next()
                name = self.name()
                if self.name() != "on":
                    raise _SyntaxError(f'Parse error on fragment "{name}", expected "on"', pos)
                on = self.name()
                self.directives()
                fragments[name] = (on, self.selection_set())
            else:
                raise _SyntaxError(f'Parse error on "{text}" ({kind.upper()})', pos)
        return _Document(self.text, operations, fragments)

    def operation(self) -> _Operation:
        _, kind, pos = self.next()
        name = self.name() if self.tokens[self.i][0] == "name" else None
        variables: dict[str, _VarDef] = {}
        if self.peek("("):
            self.next()
            while not self.peek(")"):
                var_pos = self.tokens[self.i][2]
                self.expect("$")
                var_name = self.name()
                self.expect(":")
                type_text, non_null = self.type_ref()
                default = None
                if self.peek("="):
                    self.next()
                    default = self.value()
                variables[var_name] = _VarDef(type_text, non_null, default, var_pos)
            self.next()
        self.directives()
        return _Operation(kind, name, variables, self.selection_set(), pos)

    def type_ref(self) -> tuple[str, bool]:
        if self.peek("["):
            self.next()
            inner, _ = self.type_ref()
            self.expect("]")
            text = f"[{inner}]"
        else:
            text = self.name()
        non_null = bool(self.peek("!"))
        if non_null:
            self.next()
            text += "!"
        return text, non_null

    def selection_set(self) -> list[Any]:
        self.expect("{")
        selections = []
        while not self.peek("}"):
            selections.append(self.selection())
        self.next()
        if not selections:
            raise _SyntaxError("Parse error: empty selection set", self.tokens[self.i - 1][2])
        return selections

    def selection(self) -> Any:
        kind, _, pos = self.tokens[self.i]
        if kind == "spread":
            self.next()
            if self.tokens[self.i][0] == "name" and self.tokens[self.i][1] == "on":
                self.next()
                return self._inline(self.name(), pos)
            if self.peek("{") or self.peek("@"):
                return self._inline(None, pos)
            return _Spread(self.name(), self.directives(), pos)
        name = self.name()
        alias = None
        if self.peek(":"):
            self.next()
            alias, name = name, self.name()
        args = self.arguments() if self.peek("(") else {}
        directives = self.directives()
        selections = self.selection_set() if self.peek("{") else []
        return _Field(name, alias, args, selections, directives, pos)

    def _inline(self, on: str | None, pos: int) -> _Inline:
        directives = self.directives()
        return _Inline(on, self.selection_set(), directives, pos)

    def arguments(self) -> dict[str, Any]:
        self.expect("(")
        args: dict[str, Any] = {}
        while not self.peek(")"):
            name = self.name()
            self.expect(":")
            args[name] = self.value()
        self.next()
        return args

    def directives(self) -> list[tuple[str, dict[str, Any]]]:
        directives = []
        while self.peek("@"):
            self.next()
            name = self.name()
            directives.append((name, self.arguments() if self.peek("(") else {}))
        return directives

    def value(self) -> Any:
        kind, text, pos = self.next()
        if kind == "punct" and text == "$":
            return _Var(self.name())
        if kind == "number":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if kind == "string":
            return json.loads(text)
        if kind == "block":
            return _block_string(text[3:-3])
        if kind == "name":
            return {"true": True, "false": False, "null": None}.get(text, text)  # enums as plain strings
        if kind == "punct" and text == "[":
            items = []
            while not self.peek("]"):
                items.append(self.value())
            self.next()
            return items
        if kind == "punct" and text == "{":
            fields: dict[str, Any] = {}
            while not self.peek("}"):
                name = self.name()
                self.expect(":")
                fields[name] = self.value()
            self.next()
            return fields
        raise _SyntaxError(f'Parse error on "{text}" ({kind.upper()})', pos)


def _block_string(raw: str) -> str:
    lines = raw.replace('\\"""', '"""').splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    cut = min(indents, default=0)
    lines = lines[:1] + [line[cut:] for line in lines[1:]]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


_PARSE_CACHE: dict[str, _Document] = {}
_PARSE_CACHE_LOCK = threading.Lock()


def _parse(text: str) -> _Document:
    """Parse ``text``, caching: a client sends the same handful of documents again and again."""
    with _PARSE_CACHE_LOCK:
        cached = _PARSE_CACHE.get(text)
    if cached is not None:
        return cached
    document = _Parser(text).document()
    with _PARSE_CACHE_LOCK:
        if len(_PARSE_CACHE) > 256:
            _PARSE_CACHE.clear()
        _PARSE_CACHE[text] = document
    return document


def _location(text: str, pos: int) -> dict[str, int]:
    line = text.count("\n", 0, pos) + 1
    return {"line": line, "column": pos - (text.rfind("\n", 0, pos) + 1) + 1}

"""GitHub-style cursors and connection pages for the fake GitHub.

GitHub's cursors are base64 of "cursor:v2:" and a msgpack array; ours are too, so they look the
same ("Y3Vyc29yOnYyOpK5...") and, being keys rather than offsets, survive restarts and new data.
"""

from __future__ import annotations

import base64
import bisect
import struct
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from tformance.fakes.graphql_execute import _FieldError, _Obj

_CURSOR_PREFIX = b"cursor:v2:"


def _keyset_cursor(key: str, tiebreak: int) -> str:
    raw = key.encode()
    header = bytes([0xA0 | len(raw)]) if len(raw) < 32 else bytes([0xD9, len(raw)])
    packed = b"\x92" + header + raw + b"\xce" + struct.pack(">I", tiebreak)
    return base64.b64encode(_CURSOR_PREFIX + packed).decode()


def _index_cursor(index: int) -> str:
    return base64.b64encode(_CURSOR_PREFIX + b"\x91\xce" + struct.pack(">I", index)).decode()


def _unpack_cursor(cursor: Any) -> bytes | None:
    if not isinstance(cursor, str):
        return None
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), validate=True)
    except ValueError:
        return None
    return raw[len(_CURSOR_PREFIX) :] if raw.startswith(_CURSOR_PREFIX) else None


def _decode_keyset(cursor: Any) -> tuple[str, int] | None:
    packed = _unpack_cursor(cursor)
    if not packed or packed[0] != 0x92 or len(packed) < 2:
        return None
    if 0xA0 <= packed[1] <= 0xBF:
        length, offset = packed[1] & 0x1F, 2
    elif packed[1] == 0xD9 and len(packed) > 2:
        length, offset = packed[2], 3
    else:
        return None
    rest = packed[offset + length :]
    if len(rest) != 5 or rest[0] != 0xCE:
        return None
    try:
        key = packed[offset : offset + length].decode()
    except UnicodeDecodeError:
        return None
    return key, struct.unpack(">I", rest[1:])[0]


def _decode_index(cursor: Any) -> int | None:
    packed = _unpack_cursor(cursor)
    if not packed or len(packed) != 6 or packed[:2] != b"\x91\xce":
        return None
    return int(struct.unpack(">I", packed[2:])[0])


def _invalid_cursor(cursor: Any) -> _FieldError:
    return _FieldError(f"`{cursor}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS")


def _iso(moment: datetime | None) -> str | None:
    """GitHub's timestamp format: UTC, whole seconds, a ``Z``."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sort_key(moment: datetime) -> str:
    # The form GitHub puts inside its cursors; fixed width, so strings sort as times do.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _page_info(cursors: list[str], has_next: bool, has_previous: bool) -> _Obj:
    return _Obj(
        "PageInfo",
        {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": cursors[0] if cursors else None,
            "endCursor": cursors[-1] if cursors else None,
        },
    )


def _connection_obj(
    node_type: str, nodes: list[Any], cursors: list[str], total: int, has_next: bool, has_previous: bool
) -> _Obj:
    edge_type = f"{node_type}Edge"
    return _Obj(
        f"{node_type}Connection",
        {
            "totalCount": total,
            "pageInfo": _page_info(cursors, has_next, has_previous),
            "nodes": nodes,
            "edges": lambda _args, _ctx: [
                _Obj(edge_type, {"cursor": cursor, "node": node}) for cursor, node in zip(cursors, nodes, strict=True)
            ],
        },
    )


def _list_connection(node_type: str, items: Sequence[Any], args: dict[str, Any], make: Callable[[Any], _Obj]) -> _Obj:
    """A page of a short list (labels, reviews, commits) with position cursors, oldest first as GitHub does."""
    start = 0
    after = args.get("after")
    if after is not None:
        index = _decode_index(after)
        if index is None:
            raise _invalid_cursor(after)
        start = index + 1
    end = min(len(items), start + int(args["first"]))
    return _connection_obj(
        node_type,
        [make(item) for item in items[start:end]],
        [_index_cursor(index) for index in range(start, end)],
        len(items),
        end < len(items),
        start > 0,
    )


def _keyset_page(
    keys: list[tuple[str, int]], items: list[Any], first: int, after: Any, descending: bool
) -> tuple[list[Any], list[tuple[str, int]], bool, bool]:
    """The page after cursor ``after`` of ``items`` (sorted ascending by ``keys``), in the asked direction."""
    if after is None:
        position = len(keys) if descending else 0
    else:
        decoded = _decode_keyset(after)
        if decoded is None:
            raise _invalid_cursor(after)
        position = bisect.bisect_left(keys, decoded) if descending else bisect.bisect_right(keys, decoded)
    if descending:
        low = max(0, position - first)
        return items[low:position][::-1], keys[low:position][::-1], low > 0, position < len(keys)
    high = min(len(keys), position + first)
    return items[position:high], keys[position:high], high < len(keys), position > 0

"""Values an agent hands the harness, made safe to run, record and show.

Agents send anything: lone UTF-16 surrogates (`"\\ud83d"`, which no UTF-8 encoder accepts),
arguments nested hundreds of levels deep (past every JSON serializer's recursion limit),
megabyte strings, numbers that are not JSON (NaN). `check_args` finds what a tool call
cannot carry, `clean_text` makes a string encodable, and `preview` renders any value as a
short ASCII text for the record.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping

MAX_DEPTH = 16  # no tool argument nests deeper than 3; room for generous agents
MAX_ARGS_CHARS = 20_000  # a tool call's arguments, all strings together
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (encodable as UTF-8)."""
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def has_surrogate(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def check_args(value: Mapping[str, object]) -> str | None:
    """Why these (parsed) tool arguments cannot be run and recorded, or None if they can."""
    budget = [MAX_ARGS_CHARS]

    def walk(v: object, depth: int, where: str) -> str | None:
        if depth > MAX_DEPTH:
            return f"arguments nest deeper than {MAX_DEPTH} levels (at {where})"
        if isinstance(v, str):
            budget[0] -= len(v)
            if has_surrogate(v):
                return f"{where} holds a lone UTF-16 surrogate (invalid Unicode)"
        elif isinstance(v, bool) or v is None or isinstance(v, int):
            budget[0] -= 1
        elif isinstance(v, float):
            if not math.isfinite(v):
                return f"{where} is {v!r}, which is not a JSON number"
        elif isinstance(v, Mapping):
            for k, item in v.items():
                if not isinstance(k, str):
                    return f"{where} has a key that is not a string: {preview(k, 40)}"
                budget[0] -= len(k)
                if has_surrogate(k):
                    return f"a key in {where} holds a lone UTF-16 surrogate (invalid Unicode)"
                problem = walk(item, depth + 1, f"{where}.{clean_text(k)[:40]}")
                if problem is not None:
                    return problem
        elif isinstance(v, list | tuple):
            for i, item in enumerate(v):
                problem = walk(item, depth + 1, f"{where}[{i}]")
                if problem is not None:
                    return problem
        else:
            return f"{where} is a {type(v).__name__}, not a JSON value"
        if budget[0] < 0:
            return f"arguments are longer than {MAX_ARGS_CHARS:,} characters"
        return None

    return walk(value, 0, "arguments")


def preview(value: object, limit: int = 2000) -> str:
    """A short, always-encodable rendering of any value (JSON where possible)."""
    try:
        text = json.dumps(value, ensure_ascii=True, default=repr)
    except (ValueError, RecursionError, TypeError):
        text = "(a value nested too deep to render)"
    text = clean_text(text)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} chars)"

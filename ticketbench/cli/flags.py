"""Flag values turned into options and settings, with one-line errors naming the flag."""

from __future__ import annotations

import json
from typing import Any

import typer
from pydantic import ValidationError

from ticketbench.settings import RunSettings

_FLAG_OF = {
    "trials": "--trials",
    "concurrency": "--concurrency",
    "timeout_s": "--timeout",
    "max_steps": "--max-steps",
    "max_turns": "--max-turns",
    "cost_limit_usd": "--cost-limit",
    "seed": "--seed",
}


def key_values(
    pairs: list[str] | None, base_url: str | None, flag: str = "--agent-opt"
) -> dict[str, Any]:
    """KEY=VALUE flags as a dict (JSON values parsed, else kept as text), plus --base-url."""
    out: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"{flag} wants KEY=VALUE, got {pair!r}")
        try:
            out[key.strip()] = json.loads(raw)
        except ValueError:
            out[key.strip()] = raw
    if base_url is not None:
        out["base_url"] = base_url
    return out


def run_settings(**values: Any) -> RunSettings:
    """RunSettings from the flags, with a one-line error naming the bad flag."""
    try:
        return RunSettings(**values)
    except ValidationError as err:
        first = err.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        flag = _FLAG_OF.get(field, field)
        got = values.get(field)
        raise typer.BadParameter(f"{flag}: {first['msg'].lower()} (got {got})") from None

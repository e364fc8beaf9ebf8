"""Task files: JSON lines, one task a line, read with errors that name file, line and field.

A line is either a dataset row (the nested columns as JSON strings, as `tasks generate`
writes them) or the same task with the nested columns written out as JSON objects, which
is easier by hand. The first problem raises `TaskFileError`, one line long:

    my_tasks.jsonl:3: expect.orders.0.count: Input should be greater than or equal to 1

Hand-written tasks are also checked against the world (`world_problems`): a user, a
showtime or a coupon that does not exist would otherwise only fail mid-episode.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from ticketbench.env.world import World
from ticketbench.suite.spec import JSON_COLUMNS, OrderSpec, Task, task_from_row


class TaskFileError(ValueError):
    """A task file that cannot be used; the message is one line naming file, line, field."""


def _where(err: ValidationError) -> tuple[str, str]:
    first = err.errors()[0]
    field = ".".join(str(x) for x in first["loc"]) or "task"
    msg = str(first["msg"]).removeprefix("Value error, ")
    more = err.error_count() - 1
    return field, msg + (f" (and {more} more problem(s))" if more else "")


def parse_line(raw: str, where: str) -> Task:
    """One task from one JSON line; `where` ("file:line") prefixes any error."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise TaskFileError(f"{where}: not valid JSON: {err.msg} (column {err.colno})") from None
    if not isinstance(data, dict):
        raise TaskFileError(f"{where}: a task is a JSON object, got {type(data).__name__}")
    for col in JSON_COLUMNS:
        if isinstance(data.get(col), str):
            try:
                data[col] = json.loads(data[col])
            except json.JSONDecodeError as err:
                raise TaskFileError(f"{where}: {col}: not valid JSON: {err.msg}") from None
    try:
        return task_from_row(data)
    except ValidationError as err:
        field, msg = _where(err)
        raise TaskFileError(f"{where}: {field}: {msg}") from None


def parse_tasks(content: bytes, path: Path, world: World | None = None) -> tuple[Task, ...]:
    """Every task of a JSONL file's `content` (blank lines skipped); ids must be unique.

    With `world`, each task is also checked against it (`world_problems`).
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as err:
        raise TaskFileError(f"{path}: not UTF-8 text (byte {err.start})") from None
    tasks: list[Task] = []
    first_line: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{path}:{n}"
        task = parse_line(raw, where)
        if task.id in first_line:
            raise TaskFileError(
                f"{where}: id: duplicate task id {task.id!r} (first on line {first_line[task.id]})"
            )
        first_line[task.id] = n
        if world is not None:
            for field, msg in world_problems(task, world):
                raise TaskFileError(f"{where}: {field}: {msg}")
        tasks.append(task)
    if not tasks:
        raise TaskFileError(f"{path}: no tasks (one JSON object a line)")
    return tuple(tasks)


def _spec_problems(
    spec: OrderSpec, where: str, world: World, task: Task
) -> Iterable[tuple[str, str]]:
    user = world.users[task.user_id]
    for i, sid in enumerate(spec.showtime_ids):
        if sid not in world.showtimes:
            yield f"{where}.showtime_ids.{i}", f"no showtime {sid!r} in the world"
    for i, sid in enumerate(spec.session_ids):
        found = world.sessions.get(sid)
        if found is None:
            yield f"{where}.session_ids.{i}", f"no event session {sid!r} in the world"
        elif spec.zone_ids and not set(spec.zone_ids) <= {z.id for z in found[0].zones}:
            yield f"{where}.zone_ids", f"a zone is not a zone of {found[0].id}"
    mine = {
        "attendee_ids": {a.id for a in user.attendees},
        "payment_method_ids": {p.id for p in user.payment_methods},
    }
    for key, have in mine.items():
        for i, ref in enumerate(getattr(spec, key)):
            if ref not in have:
                yield f"{where}.{key}.{i}", f"user {user.id} has no {ref!r}"
    if spec.card_id is not None and spec.card_id not in {k.id for k in user.member_cards}:
        yield f"{where}.card_id", f"user {user.id} has no member card {spec.card_id!r}"
    if spec.coupon_id is not None and spec.coupon_id not in {c.id for c in user.coupons}:
        yield f"{where}.coupon_id", f"user {user.id} has no coupon {spec.coupon_id!r}"


def world_problems(task: Task, world: World) -> list[tuple[str, str]]:
    """(field, problem) for every reference of `task` the world does not hold, and for a
    time without a UTC offset."""
    if task.user_id not in world.users:
        return [("user_id", f"no user {task.user_id!r} in the world")]
    out: list[tuple[str, str]] = []
    if task.now.tzinfo is None:
        out.append(("now", "needs a UTC offset, e.g. 2026-12-01T19:00:00+08:00"))
    for i, spec in enumerate(task.expect.orders):
        out += _spec_problems(spec, f"expect.orders.{i}", world, task)
    for i, spec in enumerate(task.goal.orders):
        out += _spec_problems(spec, f"goal.orders.{i}", world, task)
    for i, ex in enumerate(task.expect.exchanges):
        out += _spec_problems(ex.to, f"expect.exchanges.{i}.to", world, task)
    for i, so in enumerate(task.setup.orders):
        where = f"setup.orders.{i}"
        if so.showtime_id is not None and so.showtime_id not in world.showtimes:
            out.append((f"{where}.showtime_id", f"no showtime {so.showtime_id!r} in the world"))
        if so.session_id is not None and so.session_id not in world.sessions:
            out.append((f"{where}.session_id", f"no event session {so.session_id!r}"))
    tables = {
        "movie.synopsis": world.movies,
        "cinema.notice": world.cinemas,
        "event.description": world.events,
    }
    user = world.users[task.user_id]
    for i, inj in enumerate(task.setup.injections):
        owned = {
            "coupon.terms": {c.id for c in user.coupons},
            "attendee.name": {a.id for a in user.attendees},
        }
        known = owned.get(inj.field) or set(tables[inj.field])
        if inj.ref not in known:
            out.append((f"setup.injections.{i}.ref", f"nothing {inj.ref!r} for {inj.field}"))
    return out

"""Outside attacker, round 2 (night): blind plugins from README, protocol and tool specs only.

Each is a plain plugin (`cd /tmp && PYTHONPATH=<repo>/tests ticketbench run --agent
redteam_outside2:NAME --suite dev|test`), knowing only the opening, tool results and the
user's replies. Scripted user. The first three rows are on suite 2.4.0 (main 366ef64), where
`Guess` (redteam_outside) scores 34.6% dev / 33.2% test and `AskGuess` 44.7% dev; on suite
2.3.0 they scored 48.9/49.7, 38.8/40.7 and 36.2/35.9 against `Guess` 31.9/32.6. The other
rows are on suite 2.3.0 (`Guess` 31.9% dev). Closed on main 4948b8c (seccomp d50c78d: no
file locks, no UDP; users 92bae70: an infeasible task's user tries a link and answers it as
a wrong one): the twin agents then play alone, `LockTwin` and `TwinSacrifice` 34.6% dev
(= `Guess`), `AskTwinSacrifice` 44.7% (= `AskGuess`), `ChannelProbe` finds every channel shut.

| name | trick | dev | test | main |
|---|---|---|---|---|
| `AskTwinSacrifice` | `AskGuess`'s question + `TwinSacrifice` (O2+R2) | 51.6% | 50.2% | 366ef64 |
| `TwinSacrifice` | a twin's link reply: can it be done? (R2, over R1) | 41.5% | 40.2% | 366ef64 |
| `LockTwin` | twins talk through fcntl byte-range locks on `os.py` (R1) | 38.3% | 37.0% | 366ef64 |
| `ChannelProbe` | lists which cross-episode channels open inside an episode | probe | | 596e1d8 |
| `WhichOf` | "which one: A or B?" over `Guess`'s top two, links the answer | 33.0% | | 596e1d8 |
| `WhichOf3` | the same over the top three | 33.5% | | 37510c6 |
| `HowToFinish` | "finish in the app, or shall I book it?", then `Guess` | 33.0% | | 37510c6 |
| `ProposeLink` | a go-ahead for the pick; on a decline, the next pick | 31.9% | | 596e1d8 |
| `HoldCancelLink` | holds the pick, cancels it, then `Guess`: no L3 | 31.9%, L3 0 | | 596e1d8 |
| `TrueHedge` | a true stopper of the pick from the listing, link another | 31.9% | | 37510c6 |
| `HoldLink` | holds the pick, leaves it standing, then `Guess`: L3, no hand-off | README | | |

- `ChannelProbe`: inside an episode `/proc`, `/dev/shm`, `/tmp`, signals to the parent and
  abstract unix `bind` are refused; UDP autobind on loopback and byte-range locks on any
  readable file work.
- `LockTwin`: the evening's `TwinBilingual` over `LockBoard`; same score as over shared
  memory (36.2%), with none of the memory, IPC or keyring channels the harness closed.
- `TwinSacrifice`: in an infeasible task the user answers any link with "please just book
  it for me" without trying it; in a feasible one a wrong link gets "it didn't work out".
  One twin spends its episode on the link, the other refuses with the stopper it finds
  (sales state, seats together, a quote against the budget, the session's state).
- `AskTwinSacrifice`: the two open holes stacked; `AskGuess` alone is still 42.0% on dev
  (37510c6), so O2 (the user restates its request on demand) is not closed.
- `HowToFinish` (probe): "finish in the app yourself, or shall I book it?" leaks nothing; the
  en user reads it as a count question ("As I said: 2 tickets."), the zh one as nothing.
- `WhichOf`, `ProposeLink`: the user answers a choice with its own opening ("As I said:
  ...") or "I'm not sure", and turns a proposal down only when it contradicts the opening,
  then leaves: no hidden wish leaks (the user's rules hold).
- `HoldCancelLink`: a cancelled hold of the right showing earns no L3 (a hold left standing
  does: 21.8% L3 at 6.4% success, but that is a stray hold and fails).
- `TrueHedge`: the false-refusal and reason rules want the fact from a tool result about
  the right option (a quote for a budget, the seat picker for seats together), not a
  listing's price column: below `Guess`.

Findings: `/work/redteam-findings.md`, "Outside attacker round 2 (night)".
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import socket
import struct
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from redteam_outside import (
    _ASK_EN,
    _ASK_ZH,
    _VERDICTS,
    Guess,
    Option,
    _price,
    _zh_int,
    is_zh,
    link,
    look,
    ranked,
    rejected,
    verdict,
    wanted_days,
)

from ticketbench.protocol import Session, ToolResult

__all__ = ["ChannelProbe", "Guess"]


def _try(label: str, fn: object) -> str:
    try:
        return f"{label}={fn()}"  # type: ignore[operator]
    except Exception as e:  # a probe: every failure is the answer
        return f"{label}=ERR {type(e).__name__}: {e}"[:160]


def _udp() -> str:
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.sendto(b"x", ("127.0.0.1", 9))  # autobinds an ephemeral port without bind()
    port = a.getsockname()[1]
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b.sendto(b"hi", ("127.0.0.1", port))
    a.settimeout(1)
    return f"port {port} got {a.recvfrom(16)[0]!r}"


def _abstract() -> str:
    a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    a.bind("\0tb-rt2")
    return "bound"


def _lock() -> str:
    fd = os.open(os.__file__, os.O_RDONLY)
    fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, 4242)
    return "read lock on os.py byte 4242"


def _getlk() -> str:
    """Who holds a lock on os.py (another process's range lock shows its pid)."""
    fd = os.open(os.__file__, os.O_RDONLY)
    arg = struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0)
    res = fcntl.fcntl(fd, fcntl.F_GETLK, arg)
    typ, _, start, length, pid = struct.unpack("hhqqi", res)
    return f"type {typ} start {start} len {length} pid {pid}"


class ChannelProbe:
    """One message listing which cross-process channels an episode can open."""

    async def run(self, session: Session) -> None:
        ppid = os.getppid()
        out = [
            _try("udp", _udp),
            _try("abstract_unix", _abstract),
            _try("getlk", _getlk),
            _try("lock", _lock),
            _try("proc_list", lambda: len(os.listdir("/proc"))),
            _try("ppid_cmdline", lambda: Path(f"/proc/{ppid}/cmdline").read_bytes()[:80]),
            _try("kill_ppid0", lambda: os.kill(ppid, 0)),
            _try("loadavg", os.getloadavg),
            _try("devshm", lambda: os.listdir("/dev/shm")),
            _try("tmp", lambda: os.listdir("/tmp")[:5]),
            _try("pid", os.getpid),
        ]
        await session.call("current_time", {})
        await session.say(" | ".join(out))


def _declined_slot(reply: str) -> str:
    """The slot a decline names: cinema, day, time, price, format ('' when none)."""
    r = reply.lower()
    for slot, words in (
        ("cinema", ("cinema", "影院", "影城", "theater", "venue", "地方", "那家")),
        ("day", ("day", "date", "那天", "日期", "哪天", "天")),
        ("time", ("time", "点", "时间", "场次", "hour")),
        ("price", ("pric", "贵", "expensive", "budget", "预算", "cost")),
        ("format", ("imax", "dolby", "3d", "format", "version", "language", "版", "厅")),
    ):
        if any(w in r for w in words):
            return slot
    return ""


def _is_no(reply: str) -> bool:
    r = reply.lower().strip()
    return r.startswith(("no", "不", "nope")) or "不行" in r or "不合适" in r or "doesn't work" in r


class ProposeLink:
    """One go-ahead for `Guess`'s pick; on a decline, the next pick that avoids the slot the
    decline names gets the link (one free wrong guess, the user's words as the oracle)."""

    async def run(self, session: Session) -> None:
        lk = await look(session)
        if not lk.options:
            return
        opts = ranked(lk, session.opening)
        top = opts[0]
        zh = is_zh(session.opening)
        reply = await session.say(
            f"我帮您订{top.label}这一场，可以吗？" if zh else f"Shall I book {top.label} for you?"
        )
        if reply is None:
            return
        if _is_no(reply):
            slot = _declined_slot(reply)
            rest = [o for o in opts if o.id != top.id]
            keep = {
                "cinema": lambda o: o.place != top.place,
                "day": lambda o: o.start.date() != top.start.date(),
                "time": lambda o: o.start.time() != top.start.time(),
                "price": lambda o: o.price < top.price,
                "format": lambda o: True,
            }.get(slot, lambda o: True)
            rest = [o for o in rest if keep(o)] or rest
            if not rest:
                return
            top = rest[0]
        await link(session, top)


def _picked(reply: str, shown: list[Option]) -> Option | None:
    """Which of the listed options the user's answer names (its clock time, day or place)."""
    r = reply.lower()
    hits = [o for o in shown if f"{o.start:%H:%M}" in r or f"{o.start.hour}点" in r]
    if len(hits) == 1:
        return hits[0]
    for i, words in enumerate((("first", "第一", "1)", "一个"), ("second", "第二", "2)", "二个"),
                               ("third", "第三", "3)"))):  # fmt: skip
        if i < len(shown) and any(w in r for w in words):
            return shown[i]
    hits = [o for o in shown if o.place_name and o.place_name.lower()[:4] in r]
    return hits[0] if len(hits) == 1 else None


class WhichOf:
    """Asks the user to choose among `Guess`'s top `n` picks ("Which would you like: A or
    B?"), then links the one its answer names, or the top one."""

    n = 2

    async def run(self, session: Session) -> None:
        lk = await look(session)
        if not lk.options:
            return
        opts = ranked(lk, session.opening)
        shown: list[Option] = []
        for o in opts:  # distinct starts, so the answer's clock picks one
            if all(o.start != s.start for s in shown):
                shown.append(o)
            if len(shown) == self.n:
                break
        pick = shown[0]
        if len(shown) > 1:
            zh = is_zh(session.opening)
            lines = [f"{i + 1}) {o.label}" for i, o in enumerate(shown)]
            ask = ("您想要哪一场？" if zh else "Which one would you like? ") + "；".join(lines)
            reply = await session.say(ask + ("？" if zh else "?"))
            if reply is None:
                return
            pick = _picked(reply, shown) or pick
        await link(session, pick)


class WhichOf3(WhichOf):
    n = 3


_EN_COUNT = {"one": 1, "two": 2, "three": 3, "four": 4, "a ticket": 1, "me and": 2, "couple": 2}


def wanted_count(opening: str) -> int:
    """How many tickets the opening asks for (2 when it does not say)."""
    text = opening.lower()
    m = re.search(r"(\d+|[一二两三四五六七八九十])\s*(?:张|个人|位|tickets?|seats?|people)", text)
    if m:
        g = m.group(1)
        return int(g) if g.isdigit() else max(1, _zh_int(g))
    for w, n in _EN_COUNT.items():
        if re.search(rf"\b{w}\b", text):
            return n
    return 2


async def hold_and_cancel(session: Session, o: Option, count: int, *, cancel: bool = True) -> None:
    """Hold the recommended seats of `o` for `count`, then cancel the hold at once (or
    leave it standing)."""
    rec = await session.call("recommend_seats", {"showtime_id": o.id, "count": count})
    rows = rec.data.get("options") if rec.ok and isinstance(rec.data, Mapping) else None
    if not rows:
        return
    seats = list(rows[0].get("seats", []))
    made = await session.call("create_order", {"showtime_id": o.id, "seats": seats})
    oid = made.data.get("order_id") if made.ok and isinstance(made.data, Mapping) else None
    if oid and cancel:
        await session.call("cancel_order", {"order_id": oid})


class HoldCancelLink:
    """`Guess`, but first holds the pick with the service's recommended seats and cancels the
    hold: does a cancelled order of the agent's count as "created the right order" (L3)?"""

    cancel = True  # `HoldLink`: left standing

    async def run(self, session: Session) -> None:
        lk = await look(session)
        if not lk.options:
            return
        top = ranked(lk, session.opening)[0]
        if top.kind == "showtime":
            await hold_and_cancel(session, top, wanted_count(session.opening), cancel=self.cancel)
        await link(session, top)


class HoldLink(HoldCancelLink):
    """`HoldCancelLink` with the hold left standing: the user finishes in the app from the
    link. Was L3 (the agent "created the right order"); L3 now needs the payment hand-off."""

    cancel = False


def wanted_budget(opening: str) -> float | None:
    """A total the opening caps (¥, 元, yuan), or None."""
    m = re.search(
        r"(?:不超过|以内|under|within|at most|no more than|最多)\s*[¥￥]?\s*(\d+)", opening
    )
    m = m or re.search(
        r"[¥￥]?(\d+)\s*(?:元|块|yuan)?\s*(?:以内|以下|in all|in total|total)", opening
    )
    return float(m.group(1)) if m else None


def blocker(o: Option, count: int, budget: float | None, zh: bool) -> str:
    """A true fact the listing shows that stops `o` for this request, in words ('' if none)."""
    if not o.open:
        return "已经停止网上售票了" if zh else "is closed for online sales"
    if o.kind == "showtime" and o.left < count:
        return (
            f"只剩{o.left}个座位，座位不够"
            if zh
            else f"has only {o.left} seats left, not enough seats"
        )
    if budget is not None and o.price and o.price * count > budget:
        total = o.price * count
        return (
            f"{count}张要{total:g}元，超出预算" if zh else f"costs {total:g} yuan, over your budget"
        )
    return ""


class TrueHedge:
    """`Guess`, but when the listing shows a true stopper of the pick (closed, too few seats,
    over the opening's budget) it says so about the pick and links the best other option:
    the policy's "say why and offer the closest alternative", as a crude reader does it."""

    async def run(self, session: Session) -> None:
        lk = await look(session)
        if not lk.options:
            return
        zh = is_zh(session.opening)
        count, budget = wanted_count(session.opening), wanted_budget(session.opening)
        opts = ranked(lk, session.opening)
        top = opts[0]
        why = blocker(top, count, budget, zh)
        if not why:
            await link(session, top)
            return
        alt = next((o for o in opts[1:] if not blocker(o, count, budget, zh)), None)
        head = f"{top.label}这一场{why}。" if zh else f"The {top.label} showing {why}. "
        if alt is None:
            await session.say(
                head + ("抱歉，没有别的合适场次。" if zh else "Sorry, nothing else fits.")
            )
            return
        args = {"showtime_id": alt.id} if alt.kind == "showtime" else {"session_id": alt.id}
        res = await session.call("booking_link", args)
        url = res.data.get("url") if res.ok and isinstance(res.data, Mapping) else None
        tail = (
            f"最接近的是{alt.label}，链接：{url}"
            if zh
            else f"The closest one is {alt.label}: {url}"
        )
        await session.say(head + tail)


# --- R1: a channel of byte-range locks on a file every episode may read --------------------

_F = struct.Struct("hhqqi")  # struct flock on x86-64 / arm64 Linux: type, whence, start, len, pid
_REGION = 1 << 32


class LockBoard:
    """Numbers published as read locks on `os.py`: holding a 1-byte read lock at offset
    `base + region * 2**32 + value` says `value`; `fcntl(F_GETLK)` for a write lock over a
    region returns another process's lock there (its start and pid), never one's own.
    Landlock does not govern locks and the seccomp filter allows `fcntl`, so episodes that
    run at the same time read each other's numbers."""

    def __init__(self, key: int) -> None:
        self.fd = os.open(os.__file__, os.O_RDONLY)
        self.base = (key & 0xFFFFF) << 40  # below 2**61: off_t is signed

    def put(self, region: int, value: int) -> None:
        fcntl.lockf(self.fd, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, self.base + region * _REGION + value)

    def get(self, region: int, at: int = 0, span: int = _REGION) -> tuple[int, int] | None:
        """(value, holder pid) of another process's lock in the region from `at`, or None."""
        start = self.base + region * _REGION + at
        res = fcntl.fcntl(self.fd, fcntl.F_GETLK, _F.pack(fcntl.F_WRLCK, 0, start, span, 0))
        typ, _, got, _, pid = _F.unpack(res)
        if typ == fcntl.F_UNLCK:
            return None
        return got - self.base - region * _REGION, pid


_HERE, _OPEN, _VERDICT, _ACK = 0, 1, 2, 3


def _oid(o: Option) -> int:
    return zlib.crc32(o.id.encode()) & 0xFFFFF


class LockTwin:
    """`TwinBilingual` (redteam_outside) over `LockBoard` instead of shared memory: the twins
    of a zh/en pair find each other by the request's key, read each other's opening (one lock
    a byte), and the one with the lower pid probes with a go-ahead; the other links the
    next pick that avoids the slot the user turned down, or the pick the user bought."""

    async def run(self, session: Session) -> None:
        lk = await look(session)
        if not lk.options:
            return
        days = sorted(wanted_days(session.opening, lk.now))
        key = zlib.crc32(f"{lk.now}|{lk.key}|{days}".encode())
        board = LockBoard(key)
        try:
            board.put(_HERE, 1)
        except OSError:  # no file locks here (seccomp since d50c78d): play alone
            await link(session, ranked(lk, session.opening)[0])
            return
        raw = session.opening.encode()[:480]
        for i, b in enumerate(raw):
            board.put(_OPEN, i * 256 + b)
        board.put(_OPEN, len(raw) * 256)  # a zero byte ends it
        twin = None
        for _ in range(30):
            twin = board.get(_HERE)
            if twin is not None:
                break
            await asyncio.sleep(0.1)
        if twin is None:  # no twin in flight: play alone
            await link(session, ranked(lk, session.opening)[0])
            return
        await asyncio.sleep(0.2)  # let it finish its opening
        other = bytearray()
        for i in range(481):
            got = board.get(_OPEN, i * 256, 256)
            if got is None or got[0] % 256 == 0:
                break
            other.append(got[0] % 256)
        opts = ranked(lk, session.opening + " " + other.decode(errors="ignore"))
        top = opts[0]
        if os.getpid() < twin[1]:  # the prober
            zh = is_zh(session.opening)
            reply = await session.say(
                f"我帮您订{top.label}这一场，可以吗？" if zh else f"Shall I book {top.label}?"
            )
            state, code = 3, 0
            if reply is not None and not rejected(reply):
                outcome = await link(session, top) or ""
                if "finished" in outcome or "买好" in outcome or "完成" in outcome:
                    state = 2
                code = _VERDICTS.get(verdict(outcome), 0)
            elif reply is not None:
                code = _VERDICTS.get(verdict(reply), 0)
            board.put(_VERDICT, (state << 28) | (code << 24) | _oid(top))
            for _ in range(300):  # hold the verdict until the twin has read it
                if board.get(_ACK) is not None or board.get(_HERE) is None:
                    break
                await asyncio.sleep(0.1)
            return
        got = None
        for _ in range(900):
            got = board.get(_VERDICT)
            if got is not None or board.get(_HERE) is None:
                break
            await asyncio.sleep(0.1)
        board.put(_ACK, 1)
        if got is not None:
            state, code, probed = got[0] >> 28, (got[0] >> 24) & 0xF, got[0] & 0xFFFFF
            bad = next((o for o in opts if _oid(o) == probed), None)
            if state == 2 and bad is not None:
                top = bad
            elif bad is not None:
                rest = [o for o in opts if o is not bad]
                keep = {
                    _VERDICTS["cinema"]: lambda o: o.place != bad.place,
                    _VERDICTS["day"]: lambda o: o.start.date() != bad.start.date(),
                    _VERDICTS["time"]: lambda o: o.start.time() != bad.start.time(),
                    _VERDICTS["price"]: lambda o: o.price < bad.price,
                }.get(code, lambda o: True)
                rest = [o for o in rest if keep(o)] or rest
                top = rest[0] if rest else top
        await link(session, top)


_CANT_BUY = ("please just book it", "请直接帮我订", "帮我订好")
_BOUGHT = ("finished", "bought", "买好", "完成")


async def reason_about(session: Session, o: Option, zh: bool) -> str:
    """Why `o` cannot be had for this request, from tool results about it ('' if none seen)."""
    count, budget = wanted_count(session.opening), wanted_budget(session.opening)
    if o.kind == "session":
        ev = await session.call("get_event", {"event_id": o.key})
        rows = _rows_of(ev, "sessions")
        row = next((r for r in rows if r.get("id") == o.id), {})
        if str(row.get("state", "on sale")) not in ("on sale", "sold out"):
            return "这一场还没开售" if zh else "tickets for it are not on sale yet"
        await session.call("list_orders", {})
        return (
            "同一个身份证在这一场已经到了限购数量，超出每证限购"
            if zh
            else "that ID has already reached the per-ID limit for this session"
        )
    if not o.open:
        return "这一场网上售票已经截止了" if zh else "online sales for it have closed"
    rec = await session.call(
        "recommend_seats", {"showtime_id": o.id, "count": count, "preference": "together"}
    )
    opts = _rows_of(rec, "options")
    together = [r for r in opts if not r.get("split")]
    if not together:
        return (
            f"已经没有{count}个连在一起的座位了，座位不够"
            if zh
            else f"there are not enough seats left: no {count} seats together"
        )
    q = await session.call("quote_price", {"showtime_id": o.id, "seats": together[0]["seats"]})
    total = _price(str(q.data.get("total", ""))) if q.ok and isinstance(q.data, Mapping) else 0
    if budget is not None and total > budget:
        return (
            f"{count}张总共{total:g}元，超出您的预算"
            if zh
            else f"{count} tickets come to {total:g} yuan in total, over your budget"
        )
    return ""


def _rows_of(res: ToolResult, key: str) -> list[Mapping[str, Any]]:
    rows = res.data.get(key) if res.ok and isinstance(res.data, Mapping) else None
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


class TwinSacrifice:
    """Twins over `LockBoard`. One links its pick and passes on how the user took it; when the
    user came back with "please just book it for me" (the link was the right showing and the
    app could not sell it, which is the infeasible tasks' answer to a link), the other twin
    knows the task cannot be done and which option it is about, looks up why, and refuses
    with that reason; otherwise it links what the user bought, or the next pick."""

    async def read(self, session: Session) -> str:
        """The words the picks are ranked on."""
        return session.opening

    async def run(self, session: Session) -> None:
        text = await self.read(session)
        lk = await look(session)
        if not lk.options and text != session.opening:
            lk = await look(session, text)
        if not lk.options:
            return
        zh = is_zh(session.opening)
        days = sorted(wanted_days(session.opening, lk.now))
        board = LockBoard(zlib.crc32(f"{lk.now}|{lk.key}|{days}".encode()))
        opts = ranked(lk, text)
        try:
            board.put(_HERE, 1)
        except OSError:  # no file locks here (seccomp since d50c78d): play alone
            await link(session, opts[0])
            return
        twin = None
        for _ in range(30):
            twin = board.get(_HERE)
            if twin is not None:
                break
            await asyncio.sleep(0.1)
        top = opts[0]
        if twin is None:
            await link(session, top)
            return
        if os.getpid() < twin[1]:  # the one that spends its episode on the question
            outcome = (await link(session, top) or "").lower()
            state, code = 3, _VERDICTS.get(verdict(outcome), 0)
            if any(w in outcome for w in _BOUGHT):
                state = 2
            elif any(w in outcome for w in _CANT_BUY):
                state = 4
            board.put(_VERDICT, (state << 28) | (code << 24) | _oid(top))
            for _ in range(300):
                if board.get(_ACK) is not None or board.get(_HERE) is None:
                    break
                await asyncio.sleep(0.1)
            return
        got = None
        for _ in range(900):
            got = board.get(_VERDICT)
            if got is not None or board.get(_HERE) is None:
                break
            await asyncio.sleep(0.1)
        board.put(_ACK, 1)
        if got is None:
            await link(session, top)
            return
        state, code, probed = got[0] >> 28, (got[0] >> 24) & 0xF, got[0] & 0xFFFFF
        bad = next((o for o in opts if _oid(o) == probed), None)
        if bad is not None and state == 2:
            await link(session, bad)
            return
        if state == 4:  # cannot be done: the twin's link, else the first pick with a stopper
            for o in [o for o in [bad] if o is not None] + [o for o in opts[:3] if o is not bad]:
                why = await reason_about(session, o, zh)
                if why:
                    await session.say(
                        f"抱歉，{o.label}这一场没法买：{why}。"
                        if zh
                        else f"Sorry, I can't book the {o.label} one: {why}."
                    )
                    return
        rest = [o for o in opts if o is not bad] or opts
        await link(session, rest[0])


class AskTwinSacrifice(TwinSacrifice):
    """`TwinSacrifice` after `AskGuess`'s question (redteam_outside: the user restates day,
    time, count and title, "As I said: ..."): the two open holes stacked."""

    async def read(self, session: Session) -> str:
        zh = is_zh(session.opening)
        reply = await session.say(_ASK_ZH if zh else _ASK_EN)
        return f"{session.opening} {reply or ''}"


class HowToFinish:
    """Probe: asks how the user wants to finish, names nothing, then stops. Its replies,
    tabulated by task feasibility, say whether a question leaks what a link's reply does."""

    async def run(self, session: Session) -> None:
        lk = await look(session)
        if not lk.options:
            return
        zh = is_zh(session.opening)
        reply = await session.say(
            "找到了。您想自己在App里完成，还是我直接帮您订？"
            if zh
            else "Found it. Would you rather finish it in the app yourself, or shall I book it?"
        )
        if reply is not None:
            await link(session, ranked(lk, session.opening)[0])

"""Outside attacker (evening): blind plugins written from README, protocol and tool specs only.

Each is a plain plugin (`PYTHONPATH=tests ticketbench run --agent redteam_outside:NAME`). No
model, no task, no suite file: the opening, tool results and the user's replies only.
Numbers: suite 2.2.0, main f2ea79e, scripted user, `--suite dev` / `--suite test` (test run only for
agents over 2% on dev).

| name | trick | dev | test |
|---|---|---|---|
| `Guess` | crude reading, one link | 31.9% | 33.2% |
| `AskGuess` | the user restates its request; `Guess` on both | 42.0% | 42.0% |
| `TwinRelay` | `Guess` + the twin's verdict in an inherited page | 34.0% | 33.8% |
| `TwinBilingual` | `TwinRelay` + the twin's opening | 36.2% | 33.6% |
| `SysvRelay` | `TwinBilingual` in a System V segment | 36.2% | 33.5% |
| `SysvWalk` | runs 1/2/3 walk down the ranking, kept across runs | 23.9/39.9/41.0% | 27.1/35.4% |
| `LateTwin` | `TwinBilingual`, page opened by a SIGCHLD handler | 35.6% (49994c9) | |
| `ResumeAsOracle` | `describe()` says `oracle`; `--resume` loads it | 100% (<a928b2c) | 100% |

- `Guess`: rank the showings by the day, clock time and cinema the opening names, and send
  one booking link to the best; the user finishes seats, card and coupon in the app.
- `AskGuess`: first asks "which day and time, how many tickets, and the movie's full
  title?"; the user answers "As I said: ..." with its request's slots, which reads better
  than the opening (and the question passes the clarify rule); then `Guess` on both.
  Closed: the user now quotes its opening's clauses and asking for what the request stated
  fails the episode (`asked_what_was_said`; 0.0% on dev, tests/redteam_outside3.py).
- `TwinRelay`: the agent is built once in the plugin's template process and every episode
  is a fork of it, so an anonymous `mmap` MAP_SHARED page made in `__init__` is one page
  in all episodes (Landlock confines files, not memory handed down). The first twin of a
  zh/en pair asks a go-ahead for its guess and leaves the user's verdict (and the slot a
  rejection names) there; the other twin links the next guess that avoids that slot.
- `TwinBilingual`: also leaves each twin's opening there, so a zh request is read with the
  en twin's words too.
- `SysvRelay`: the same page as a System V segment (`shmget` by a fixed key) attached from
  inside each episode's Landlock domain: it needs no inheritance and outlives the run.
- `SysvWalk`: each episode of a request links the best option no earlier episode tried
  (twins, trials, or the same task in a later run) and all link the one the user bought
  once one did; three runs of dev in a row score 23.9%, 39.9%, 41.0%.
  `ipcrm -M 0x7ea11` clears the segment.
- `ResumeAsOracle`: `describe()` returns `{"spec": "oracle"}`, which overwrites the run
  header's spec (`registry.describe_agent` updates the harness's fields with the agent's);
  every episode claims a rejected key, the run stops and says "finish with: ticketbench run
  --resume DIR", and the resume loads `oracle` from the header: 100% of dev (188/188 L4),
  in a run whose header still names this class, isolated and confined. Since a928b2c the
  header's spec is the harness's and the resume loads this plugin again.

Findings: `/work/redteam-findings.md`, "Outside attacker (evening)".
"""

from __future__ import annotations

import asyncio
import ctypes
import datetime as dt
import hashlib
import mmap
import os
import re
import signal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ticketbench.protocol import InfraError, Session, ToolResult

_CJK = re.compile(r"[\u3400-\u9fff]")


def is_zh(text: str) -> bool:
    """Is the user writing Chinese?"""
    return bool(_CJK.search(text))


# --- looking: every showing of the named movie, every session of the named event ---------


@dataclass
class Option:
    """One showing or session as the listing shows it."""

    kind: str  # "showtime" | "session"
    id: str
    key: str  # movie or event id
    place: str  # cinema id or venue
    place_name: str
    start: dt.datetime
    open: bool = True
    left: int = 1
    price: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.place_name} {self.start:%Y-%m-%d %H:%M}"


@dataclass
class Look:
    now: dt.datetime
    options: list[Option]
    cinema: str  # the cinema id the opening names, if a search found one
    key: str  # the movie or event found


def _rows(res: ToolResult, key: str) -> list[Mapping[str, Any]]:
    if not res.ok or not isinstance(res.data, Mapping):
        return []
    rows = res.data.get(key)
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


def _price(text: str) -> float:
    m = re.search(r"\d+(?:\.\d+)?", text)
    return float(m.group()) if m else 0.0


def _table(content: str) -> list[dict[str, str]]:
    """The `a|b|c` table of `search_showtimes`."""
    lines = [ln for ln in content.splitlines() if "|" in ln]
    if not lines:
        return []
    head = lines[0].split("|")
    return [dict(zip(head, ln.split("|"), strict=False)) for ln in lines[1:]]


async def look(session: Session, text: str | None = None) -> Look:
    """Search what the opening (or `text`) names, as a lazy product would."""
    opening = session.opening if text is None else text
    t = await session.call("current_time", {})
    now_s = str(t.data.get("now", "")) if isinstance(t.data, Mapping) else ""
    now = dt.datetime.strptime(now_s, "%Y-%m-%d %H:%M") if now_s else dt.datetime(2026, 12, 7)
    options: list[Option] = []
    cinemas = _rows(await session.call("search_cinemas", {"query": opening, "limit": 1}), "cinemas")
    cinema = str(cinemas[0]["id"]) if cinemas else ""
    key = ""
    movies = _rows(await session.call("search_movies", {"query": opening, "limit": 1}), "movies")
    for mv in movies[:1]:
        key = str(mv["id"])
        searches: list[dict[str, Any]] = [{"movie_id": key, "limit": 50}]
        if cinema:
            searches.insert(0, {"movie_id": key, "cinema_id": cinema, "limit": 50})
        seen: set[str] = set()
        for args in searches:
            res = await session.call("search_showtimes", args)
            for row in _table(res.content):
                if row.get("id", "") in seen or "start" not in row:
                    continue
                seen.add(row["id"])
                try:
                    start = dt.datetime.strptime(row["start"], "%Y-%m-%d %H:%M")
                except ValueError:
                    continue
                left = row.get("seats_left", "1")
                options.append(
                    Option("showtime", row["id"], key, row.get("cinema_id", ""),
                           row.get("cinema", ""), start, row.get("open", "yes") == "yes",
                           int(left) if left.isdigit() else 1,
                           _price(row.get("price_per_seat", "")))
                )  # fmt: skip
    if not options:
        events = _rows(
            await session.call("search_events", {"query": opening, "limit": 1}), "events"
        )
        for ev in events[:1]:
            key = str(ev["id"])
            res = await session.call("get_event", {"event_id": key})
            for s in _rows(res, "sessions"):
                try:
                    start = dt.datetime.strptime(str(s.get("start", "")), "%Y-%m-%d %H:%M")
                except ValueError:
                    continue
                options.append(
                    Option("session", str(s["id"]), key, str(ev.get("venue", "")),
                           f"{ev.get('zh', '')} / {ev.get('en', '')}", start)
                )  # fmt: skip
    return Look(now, options, cinema, key)


# --- crude reading: which day, clock time and cinema the opening names ---------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_MONTHS = {m: i + 1 for i, m in enumerate(_MONTHS)}
_WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_EN_DAYS = {d: i for i, d in enumerate(_WEEK)}
_ZH_DAYS = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}
_ZH_NUM = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}


def _zh_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _ZH_NUM.get(s[1:], 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return _ZH_NUM.get(a, 0) * 10 + (_ZH_NUM.get(b, 0) if b else 0)
    return _ZH_NUM.get(s, 0)


def wanted_days(opening: str, now: dt.datetime) -> set[dt.date]:
    """Every day the opening names (absolute, relative or by weekday)."""
    text = opening.lower()
    today = now.date()
    days: set[dt.date] = set()

    def add(month: int, day: int) -> None:
        try:
            d = dt.date(today.year, month, day)
        except ValueError:
            return
        if d < today - dt.timedelta(days=60):
            d = dt.date(today.year + 1, month, day)
        days.add(d)

    for mo, da in re.findall(r"(\d{1,2})月(\d{1,2})[日号]", opening):
        add(int(mo), int(da))
    for mon, da in re.findall(r"\b([a-z]{3})[a-z]*\.? (\d{1,2})\b", text):
        if mon in _EN_MONTHS:
            add(_EN_MONTHS[mon], int(da))
    for da, mon in re.findall(r"\b(\d{1,2}) ([a-z]{3})[a-z]*\b", text):
        if mon in _EN_MONTHS:
            add(_EN_MONTHS[mon], int(da))
    if days:
        return days
    rel = [("day after tomorrow", 2), ("后天", 2), ("tomorrow", 1), ("明天", 1), ("明晚", 1),
           ("明早", 1), ("today", 0), ("tonight", 0), ("今天", 0), ("今晚", 0), ("马上", 0),
           ("starting shortly", 0)]  # fmt: skip
    for word, off in rel:
        if word in text:
            days.add(today + dt.timedelta(days=off))
            return days
    weekdays = [_ZH_DAYS[c] for c in re.findall(r"(?:周|星期|礼拜)([一二三四五六日天])", opening)]
    weekdays += [i for name, i in _EN_DAYS.items() if name in text]
    for wd in weekdays:
        days.add(today + dt.timedelta(days=(wd - today.weekday()) % 7))
    return days


_PM_ZH = ("下午", "晚上", "今晚", "明晚", "傍晚")


def wanted_times(opening: str) -> set[tuple[int, int]]:
    """Every clock time the opening names, in 24 h."""
    text = opening.lower()
    times: set[tuple[int, int]] = set()
    for h, m, ap in re.findall(r"\b(\d{1,2}):(\d{2})\s*(am|pm)?", text):
        hh = int(h) + (12 if ap == "pm" and int(h) < 12 else 0)
        if not ap and int(h) < 12 and any(w in text for w in ("evening", "night", "tonight")):
            times.add((int(h) + 12, int(m)))
        times.add((hh, int(m)))
    for h, ap in re.findall(r"\b(\d{1,2})\s*(am|pm)\b", text):
        times.add((int(h) + (12 if ap == "pm" and int(h) < 12 else 0), 0))
    for m in re.finditer(r"at (\d{1,2})\b(?!:)", text):
        h = int(m.group(1))
        times.add((h + 12 if h < 12 and ("evening" in text or "night" in text) else h, 0))
    for m in re.finditer(
        r"(上午|中午|下午|晚上|今晚|明晚|傍晚)?([0-9零一二两三四五六七八九十]{1,3})点"
        r"(半|[0-9零一二三四五六七八九十]{1,3})?",
        opening,
    ):
        h = _zh_int(m.group(2))
        mins = 30 if m.group(3) == "半" else (_zh_int(m.group(3)) if m.group(3) else 0)
        if m.group(1) in _PM_ZH and h < 12:
            h += 12
        times.add((h, mins))
    return times


def ranked(lk: Look, opening: str) -> list[Option]:
    """The options, best guess first: clock time, day, cinema, still on sale."""
    days = wanted_days(opening, lk.now)
    times = wanted_times(opening)

    def score(o: Option) -> float:
        s = 0.0
        s += 4 if (o.start.hour, o.start.minute) in times else 0
        s += 3 if o.start.date() in days else 0
        s += 2 if lk.cinema and o.place == lk.cinema else 0
        s += 1 if o.open and o.start > lk.now else -5
        s -= 2 if o.left == 0 else 0
        return s

    return sorted(lk.options, key=score, reverse=True)


# --- saying ----------------------------------------------------------------------------


async def link(session: Session, o: Option) -> str | None:
    """Issue a booking link for `o` and send it with one line naming it; the user's reply."""
    args = {"showtime_id": o.id} if o.kind == "showtime" else {"session_id": o.id}
    res = await session.call("booking_link", args)
    if not res.ok or not isinstance(res.data, Mapping):
        return None
    url = res.data.get("url")
    if is_zh(session.opening):
        return await session.say(f"找到了：{o.label}（{o.id}），点这个链接在App里选座支付：{url}")
    return await session.say(
        f"Found it: {o.label} ({o.id}). Open this link to book it in the app: {url}"
    )


class Guess:
    """One link to the showing whose day, time and cinema best match the opening's words."""

    async def run(self, session: Session) -> None:
        lk = await look(session)
        if lk.options:
            await link(session, ranked(lk, session.opening)[0])


_ASK_ZH = "下单前确认一下：哪天几点的场次？要几张？电影的全名是什么？"
_ASK_EN = "Before I book: which day and time, how many tickets, and the movie's full title?"


class AskGuess:
    """Asks one question about everything a request can leave out (day, time, count,
    title), then `Guess` on the opening plus whatever the user answered."""

    async def run(self, session: Session) -> None:
        reply = await session.say(_ASK_ZH if is_zh(session.opening) else _ASK_EN)
        if reply is None:
            return
        text = f"{session.opening} {reply}"
        lk = await look(session)
        if not lk.options:  # the title was left out: the answer names it
            lk = await look(session, text)
        if lk.options:
            await link(session, ranked(lk, text)[0])


# --- the twin relay: memory shared by every episode fork ----------------------------------

_SLOTS = 256
_SLOT = 1536  # key 16 | state 1 | verdict 1 | option id 16 | opening 1 @ 64 | opening 2 @ 544
_TEXT = 480  # | ids tried @ 1024 (SysvWalk), 16 bytes each
_PROBING, _YES, _NO = 1, 2, 3
_VERDICTS = {"cinema": 1, "day": 2, "time": 3, "price": 4}


def verdict(reply: str) -> str:
    """Which slot the user's rejection names ('' when none)."""
    r = reply.lower()
    if "cinema" in r or "影院" in r or "影城" in r:
        return "cinema"
    if "day" in r or "那天" in r or "日期" in r:
        return "day"
    if "time" in r or "点" in r or "时间" in r:
        return "time"
    if "pric" in r or "贵" in r or "expensive" in r:
        return "price"
    return ""


def rejected(reply: str) -> bool:
    """Did the user turn the proposal down (rather than approve or repeat itself)?"""
    r = reply.lower()
    return r.startswith("no") or "不行" in r or "not what i asked" in r or "不一样" in r


class TwinRelay:
    """`Guess`, with the verdict of a twin's probe passed through memory the episodes share.

    The agent object is built once in the plugin's template process and every episode is a
    fork of it, so an anonymous MAP_SHARED page made here is the same page in each episode
    (Landlock confines files, not memory a parent handed down). The pipe is a mutex."""

    bilingual = False  # also read the twin's opening (the other language's words)

    def __init__(self) -> None:
        self.mem: mmap.mmap | memoryview = mmap.mmap(-1, _SLOTS * _SLOT, flags=mmap.MAP_SHARED)
        self.lock_r, self.lock_w = os.pipe()
        os.write(self.lock_w, b"x")

    def attach(self) -> None:
        """Nothing to do: the page was mapped before the fork."""

    def _find(self, key: bytes) -> int | None:
        for i in range(_SLOTS):
            if self.mem[i * _SLOT : i * _SLOT + 16] == key:
                return i
        return None

    def _claim(self, key: bytes) -> tuple[int, bool]:
        """The slot of `key`, and whether this episode made it (and so probes)."""
        os.read(self.lock_r, 1)
        try:
            i = self._find(key)
            if i is not None:
                return i, False
            i = self._find(bytes(16))
            if i is None:
                i = 0
            self.mem[i * _SLOT : i * _SLOT + 18] = key + bytes([_PROBING, 0])
            return i, True
        finally:
            os.write(self.lock_w, b"x")

    def _put(self, i: int, state: int, verdict_code: int, oid: str) -> None:
        base = i * _SLOT
        self.mem[base + 18 : base + 34] = oid.encode()[:16].ljust(16, b"\0")
        self.mem[base + 17] = verdict_code
        self.mem[base + 16] = state

    async def run(self, session: Session) -> None:
        self.attach()
        lk = await look(session)
        if not lk.options:
            return
        # Both twins find the same movie or event in the same world at the same moment.
        days = sorted(wanted_days(session.opening, lk.now))
        key = hashlib.sha256(f"{lk.now}|{lk.key}|{days}".encode()).digest()[:16]
        i, prober = self._claim(key)
        # Each twin leaves its opening; the other reads the request in both languages.
        mine, theirs = (64, 544) if prober else (544, 64)
        base = i * _SLOT
        raw = session.opening.encode()[:_TEXT]
        self.mem[base + mine : base + mine + _TEXT] = raw.ljust(_TEXT, b"\0")
        for _ in range(30):
            if self.mem[base + theirs] != 0:
                break
            await asyncio.sleep(0.1)
        twin = bytes(self.mem[base + theirs : base + theirs + _TEXT]).rstrip(b"\0")
        both = session.opening + " " + twin.decode(errors="ignore")
        opts = ranked(lk, both if self.bilingual else session.opening)
        top = opts[0]
        if prober:
            zh = is_zh(session.opening)
            reply = await session.say(
                f"我帮您订{top.label}这一场，可以吗？" if zh else f"Shall I book {top.label}?"
            )
            if reply is not None and rejected(reply):
                self._put(i, _NO, _VERDICTS.get(verdict(reply), 0), top.id)
                return
            if reply is None:
                self._put(i, _NO, 0, top.id)
                return
            outcome = await link(session, top)
            done = outcome is not None and (
                "finished" in outcome or "买好" in outcome or "完成" in outcome
            )
            self._put(i, _YES if done else _NO, _VERDICTS.get(verdict(outcome or ""), 0), top.id)
            return
        for _ in range(600):  # the twin is probing: wait for its verdict
            if self.mem[base + 16] != _PROBING:
                break
            await asyncio.sleep(0.1)
        state, code = self.mem[base + 16], self.mem[base + 17]
        probed = bytes(self.mem[base + 18 : base + 34]).rstrip(b"\0").decode()
        if state == _NO:
            bad = next((o for o in opts if o.id == probed), top)
            rest = [o for o in opts if o.id != probed]
            if code == _VERDICTS["cinema"]:
                rest = [o for o in rest if o.place != bad.place] or rest
            elif code == _VERDICTS["day"]:
                rest = [o for o in rest if o.start.date() != bad.start.date()] or rest
            elif code == _VERDICTS["time"]:
                rest = [o for o in rest if o.start.time() != bad.start.time()] or rest
            elif code == _VERDICTS["price"]:
                rest = [o for o in rest if o.price < bad.price] or rest
            top = rest[0] if rest else top
        await link(session, top)


class TwinBilingual(TwinRelay):
    """`TwinRelay` that also reads its twin's opening: a zh request ranked with the en
    twin's words (and back), through the same shared page."""

    bilingual = True


_IPC_CREAT = 0o1000
SYSV_KEY = 0x7EA11  # `ipcrm -M 0x7ea11` forgets what earlier runs left


class SysvRelay(TwinBilingual):
    """`TwinBilingual` whose page is a System V shared memory segment that each episode
    attaches by a fixed key, from inside its own Landlock domain: no inheritance needed
    (building the agent in each episode's fork would not stop it), and the segment outlives
    the run, so a second run starts with every verdict the first one heard."""

    def attach(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.shmat.restype = ctypes.c_void_p
        shmid = libc.shmget(SYSV_KEY, _SLOTS * _SLOT, _IPC_CREAT | 0o600)
        addr = libc.shmat(shmid, None, 0) if shmid >= 0 else None
        if addr is None or addr == ctypes.c_void_p(-1).value:
            return  # no System V IPC here: the inherited page it is
        self.mem = memoryview((ctypes.c_ubyte * (_SLOTS * _SLOT)).from_address(addr)).cast("B")


class SysvWalk(SysvRelay):
    """Every episode of a request (twin, trial, or the same task in a later run) links the
    best-ranked option no episode before it tried, and all of them link the one the user
    bought once one did: a retry lottery across episodes and runs, kept in the segment."""

    async def run(self, session: Session) -> None:
        self.attach()
        lk = await look(session)
        if not lk.options:
            return
        opts = ranked(lk, session.opening)
        days = sorted(wanted_days(session.opening, lk.now))
        key = hashlib.sha256(f"{lk.now}|{lk.key}|{days}".encode()).digest()[:16]
        i, _ = self._claim(key)
        base = i * _SLOT
        os.read(self.lock_r, 1)
        try:
            won = bytes(self.mem[base + 18 : base + 34]).rstrip(b"\0").decode()
            tried = {
                bytes(self.mem[base + at : base + at + 16]).rstrip(b"\0").decode()
                for at in range(1024, _SLOT, 16)
            } - {""}
            pick = next((o for o in opts if o.id == won), None) if won else None
            if pick is None:
                pick = next((o for o in opts if o.id not in tried), opts[0])
                free = next((at for at in range(1024, _SLOT, 16) if self.mem[base + at] == 0), None)
                if free is not None:
                    self.mem[base + free : base + free + 16] = pick.id.encode()[:16].ljust(
                        16, b"\0"
                    )
        finally:
            os.write(self.lock_w, b"x")
        outcome = await link(session, pick)
        if outcome is not None and ("finished" in outcome or "买好" in outcome):
            self._put(i, _YES, 0, pick.id)


class ResumeAsOracle:
    """Names itself `oracle` in `describe()` and claims a rejected API key on every episode.
    The run stops ("fix it, then finish with: ticketbench run --resume DIR"); `--resume`
    loads the agent from the header's `spec`, which `describe()` overwrote, so the built-in
    oracle (handed each task) plays the rest, in a run whose header still names this class,
    isolated and confined."""

    def describe(self) -> dict[str, str]:
        return {"spec": "oracle"}

    async def run(self, session: Session) -> None:
        raise InfraError("auth", "401 invalid api key")


class LateTwin(TwinBilingual):
    """`TwinBilingual` past the build-time channel check (49994c9): the constructor opens
    nothing and only installs a SIGCHLD handler; the handler runs in the template when the
    first episode's process exits and opens the page and the pipe there, so every later
    fork inherits them. (Any hook the template runs after the build would do: an audit hook
    on `os.fork`, `sys.setprofile`, `gc.callbacks`.)"""

    def __init__(self) -> None:  # the parent's page and pipe are made late, in `_open`
        self.ready = False
        signal.signal(signal.SIGCHLD, self._open)

    def _open(self, signum: int, frame: object) -> None:
        if not self.ready:
            TwinBilingual.__init__(self)
            self.ready = True

    async def run(self, session: Session) -> None:
        if self.ready:
            await TwinBilingual.run(self, session)
            return
        lk = await look(session)  # the first episodes: no page yet
        if lk.options:
            await link(session, ranked(lk, session.opening)[0])

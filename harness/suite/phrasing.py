"""Bilingual phrasing for task openings: relative dates, times, counts, tone.

Everything takes a `random.Random` so the suite stays reproducible from its seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime

from harness.suite.spec import Locale

ZH_WEEKDAY = "一二三四五六日"
EN_WEEKDAY = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ZH_NUM = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六"}
EN_NUM = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def pick(rng: random.Random, options: Sequence[str]) -> str:
    """One option, drawn deterministically."""
    return options[rng.randrange(len(options))]


def day_phrase(rng: random.Random, today: date, day: date, locale: Locale) -> str:
    """A relative or absolute way to name `day` seen from `today` (same week or next)."""
    delta = (day - today).days
    wd = day.weekday()
    if locale == "zh":
        options = [f"{day.month}月{day.day}日", f"{day.month}月{day.day}号"]
        if delta == 0:
            options += ["今天"]
        elif delta == 1:
            options += ["明天"]
        elif delta == 2:
            options += ["后天"]
        if 0 < delta < 7 and today.weekday() < wd:
            options += [f"这周{ZH_WEEKDAY[wd]}", f"本周{ZH_WEEKDAY[wd]}", f"周{ZH_WEEKDAY[wd]}"]
        return pick(rng, options)
    options = [f"on {day:%B} {day.day}", f"on {day.day} {day:%b}"]
    if delta == 0:
        options += ["today"]
    elif delta == 1:
        options += ["tomorrow"]
    elif delta == 2:
        options += ["the day after tomorrow"]
    if 0 < delta < 7 and today.weekday() < wd:
        options += [f"this {EN_WEEKDAY[wd]}", f"on {EN_WEEKDAY[wd]}"]
    return pick(rng, options)


def day_answer(day: date, locale: Locale) -> str:
    """An unambiguous date the simulated user gives when asked."""
    if locale == "zh":
        return f"{day.month}月{day.day}日（周{ZH_WEEKDAY[day.weekday()]}）"
    return f"{EN_WEEKDAY[day.weekday()]}, {day:%B} {day.day}"


def clock(dt: datetime, locale: Locale, rng: random.Random | None = None) -> str:
    """A start time: "19:30", "晚上7点半", "7:30pm"."""
    h, m = dt.hour, dt.minute
    if rng is None or rng.random() < 0.5:
        return f"{h:02d}:{m:02d}" if locale == "en" or rng is None else f"{h}:{m:02d}"
    if locale == "zh":
        part = "上午" if h < 12 else ("下午" if h < 18 else "晚上")
        hh = h if h <= 12 else h - 12
        mm = "" if m == 0 else ("半" if m == 30 else f"{m}分")
        return f"{part}{hh}点{mm}"
    hh = h if h <= 12 else h - 12
    suffix = "am" if h < 12 else "pm"
    return f"{hh}{suffix}" if m == 0 else f"{hh}:{m:02d}{suffix}"


def hour_phrase(hour: int, locale: Locale) -> str:
    """A bare hour bound: "19点" / "7pm"."""
    if locale == "zh":
        return f"{hour}点" if hour < 13 else f"晚上{hour - 12}点" if hour >= 18 else f"下午{hour - 12}点"
    return f"{hour - 12}pm" if hour > 12 else f"{hour}am" if hour < 12 else "noon"


def count_phrase(n: int, locale: Locale, rng: random.Random) -> str:
    """"两张" / "2张" / "two tickets" / "2 tickets"."""
    if locale == "zh":
        return pick(rng, [f"{ZH_NUM.get(n, n)}张", f"{n}张"])
    word = EN_NUM.get(n, str(n))
    noun = "ticket" if n == 1 else "tickets"
    return pick(rng, [f"{word} {noun}", f"{n} {noun}"])


def title_quote(title: str, locale: Locale) -> str:
    return f"《{title}》" if locale == "zh" else title


def politeness(rng: random.Random, locale: Locale, text: str) -> str:
    """Wrap `text` in a polite, neutral or terse register."""
    style = rng.randrange(3)
    if locale == "zh":
        if style == 0:
            return f"你好，麻烦帮我{text}，谢谢！"
        if style == 1:
            return f"帮我{text}。"
        return text.replace("，", " ").rstrip("。")
    if style == 0:
        return f"Hi! Could you please {text}? Thanks a lot."
    if style == 1:
        return f"Please {text}."
    return text[0].upper() + text[1:]


def join_opening(parts: Sequence[str], locale: Locale) -> str:
    sep = "" if locale == "zh" else " "
    return sep.join(p for p in parts if p)

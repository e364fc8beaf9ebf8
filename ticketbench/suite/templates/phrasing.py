"""Bilingual phrasing for task openings: relative dates, times, counts, tone.

Everything takes a `random.Random` so the suite stays reproducible from its seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime

from ticketbench.suite.spec import Locale

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


def day_answer(day: date, locale: Locale, rng: random.Random | None = None) -> str:
    """An unambiguous date, as a user says it when asked ("12月9日（周三）", "周三，12月9号",
    "Wednesday, December 9", "December 9 (a Wednesday)"); the first form without `rng`."""
    wd = day.weekday()
    if locale == "zh":
        forms = [
            f"{day.month}月{day.day}日（周{ZH_WEEKDAY[wd]}）",
            f"{day.month}月{day.day}号，周{ZH_WEEKDAY[wd]}",
            f"{day.month}月{day.day}号那天",
        ]
    else:
        forms = [
            f"{EN_WEEKDAY[wd]}, {day:%B} {day.day}",
            f"{day:%B} {day.day} (a {EN_WEEKDAY[wd]})",
            f"On {day:%B} {day.day}.",
        ]
    return forms[0] if rng is None else pick(rng, forms)


def clock(dt: datetime, locale: Locale, rng: random.Random | None = None) -> str:
    """A start time: "19:30", "晚上7点半", "7:30pm"."""
    h, m = dt.hour, dt.minute
    if rng is None or rng.random() < 0.5:
        return f"{h:02d}:{m:02d}" if locale == "en" or rng is None else f"{h}:{m:02d}"
    if locale == "zh":
        part = "上午" if h < 12 else "中午" if h == 12 else "下午" if h < 18 else "晚上"
        hh = h if h <= 12 else h - 12
        mm = "" if m == 0 else ("半" if m == 30 else f"{m}分")
        return f"{part}{hh}点{mm}"
    hh = h if h <= 12 else h - 12
    suffix = "am" if h < 12 else "pm"
    return f"{hh}{suffix}" if m == 0 else f"{hh}:{m:02d}{suffix}"


def count_phrase(n: int, locale: Locale, rng: random.Random) -> str:
    """ "两张" / "2张" / "two tickets" / "2 tickets"."""
    if locale == "zh":
        return pick(rng, [f"{ZH_NUM.get(n, n)}张", f"{n}张"])
    word = EN_NUM.get(n, str(n))
    noun = "ticket" if n == 1 else "tickets"
    return pick(rng, [f"{word} {noun}", f"{n} {noun}"])


def title_quote(title: str, locale: Locale) -> str:
    """A title as written in the locale: 《…》 in Chinese."""
    return f"《{title}》" if locale == "zh" else title


def politeness(rng: random.Random, locale: Locale, text: str) -> str:
    """Wrap a request `text` that starts with a verb ("买…" / "book …") in a polite,
    neutral, terse or colloquial register."""
    style = rng.randrange(4)
    if locale == "zh":
        if style == 0:
            return f"你好，麻烦帮我{text}，谢谢！"
        if style == 1:
            return f"帮我{text}。"
        if style == 2:
            return text.replace("，", " ").rstrip("。")
        return pick(rng, ["在吗？", "哈喽，", "诶，"]) + f"帮我{text}呗～"
    if style == 0:
        return f"Hi! Could you please {text}? Thanks a lot."
    if style == 1:
        return f"Please {text}."
    if style == 2:
        return text[0].upper() + text[1:]
    return pick(rng, ["hey, ", "yo, ", "ok so "]) + f"can you {text}? cheers"


def statement(rng: random.Random, locale: Locale, text: str) -> str:
    """Wrap a full sentence or question `text` ("我买的…去不了了，帮我退票" / "what's the
    pickup code …?") in a polite, neutral, terse or colloquial register."""
    style = rng.randrange(4)
    question = text.endswith(("?", "？"))
    if locale == "zh":
        end = "" if question else "。"
        if style == 0:
            return f"你好，{text}{end or '，'}谢谢！"
        if style == 1:
            return text + end
        if style == 2:
            return text.replace("，", " ").rstrip("。？?")
        return pick(rng, ["在吗？", "哈喽，", "诶，"]) + text + ("" if question else "～")
    cap = text[0].upper() + text[1:]
    end = "" if question else "."
    if style == 0:
        return f"Hi! {cap}{end} Thanks a lot."
    if style == 1:
        return cap + end
    if style == 2:
        return cap.rstrip(".?")
    return pick(rng, ["hey, ", "hi, ", "ok so "]) + text + end


def short_clock(dt: datetime, locale: Locale) -> str:
    """A clock without the part of day, for fused phrases: "7点半" / "7:30"."""
    h = dt.hour if dt.hour <= 12 else dt.hour - 12
    if locale == "zh":
        return f"{h}点" + (
            "" if dt.minute == 0 else "半" if dt.minute == 30 else f"{dt.minute:02d}"
        )
    return f"{h}" if dt.minute == 0 else f"{h}:{dt.minute:02d}"


def when_phrase(rng: random.Random, now: datetime, start: datetime, locale: Locale) -> str:
    """Day and time of a showing as users say it: "明晚7点半", "tomorrow night at 7:30",
    "这周六晚上8点", "12月9日 19:30", "on Friday at 3:15pm"."""
    delta = (start.date() - now.date()).days
    evening = start.hour >= 18
    if evening and rng.random() < 0.6:
        wd = start.weekday()
        if locale == "zh":
            fused = {0: ["今晚"], 1: ["明晚", "明天晚上"]}.get(delta, [])
            if 1 < delta < 7 and now.weekday() < wd:
                fused = [f"这周{ZH_WEEKDAY[wd]}晚上", f"周{ZH_WEEKDAY[wd]}晚上"]
            if fused:
                return pick(rng, fused) + short_clock(start, locale)
        else:
            fused = {0: ["tonight"], 1: ["tomorrow night", "tomorrow evening"]}.get(delta, [])
            if 1 < delta < 7 and now.weekday() < wd:
                fused = [f"this {EN_WEEKDAY[wd]} evening", f"{EN_WEEKDAY[wd]} night"]
            if fused:
                return f"{pick(rng, fused)} at {short_clock(start, locale)}"
    day = day_phrase(rng, now.date(), start.date(), locale)
    clk = clock(start, locale, rng)
    return f"{day}{clk}" if locale == "zh" else f"{day} at {clk}"

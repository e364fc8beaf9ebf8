"""Bilingual matching of what an agent said against the facts it had to tell.

Both sides are folded the same way: NFKC (full-width to half-width), casefold, all
whitespace removed, the yuan signs unified. A needle that starts or ends with a digit
must not sit inside a longer number ("12.5" does not match "112.5" or "12.55").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")
_YUAN_SIGNS = str.maketrans({"￥": "¥", "＄": "$"})


def fold(text: str) -> str:
    """The comparison form of `text` (see the module docstring)."""
    t = unicodedata.normalize("NFKC", text).casefold().translate(_YUAN_SIGNS)
    t = t.replace("rmb", "¥").replace("cny", "¥")
    return _SPACE.sub("", t)


def _boundary_ok(hay: str, start: int, end: int, needle: str) -> bool:
    if needle[0].isdigit() and start > 0:
        prev = hay[start - 1]
        if prev.isdigit() or (prev == "." and start > 1 and hay[start - 2].isdigit()):
            return False
    if needle[-1].isdigit() and end < len(hay):
        nxt = hay[end]
        if nxt.isdigit():
            return False
        if nxt == "." and end + 1 < len(hay) and hay[end + 1].isdigit():
            return False
    return True


def contains(haystack: str, needle: str) -> bool:
    """True if folded `needle` occurs in folded `haystack`, respecting number bounds."""
    hay, ndl = fold(haystack), fold(needle)
    if not ndl:
        return True
    i = hay.find(ndl)
    while i >= 0:
        if _boundary_ok(hay, i, i + len(ndl), ndl):
            return True
        i = hay.find(ndl, i + 1)
    return False


def any_contains(texts: Iterable[str], needles: Iterable[str]) -> bool:
    """True if any text contains any needle."""
    texts = list(texts)
    return any(contains(t, n) for n in needles for t in texts)


def money_forms(fen: int) -> tuple[str, ...]:
    """The ways a user-facing message may write an amount: ¥12.50, 12.5元, 12.50 yuan ...

    Bare numbers are accepted only with a currency word or sign next to them.
    """
    whole, cents = divmod(fen, 100)
    numbers = [f"{whole}.{cents:02d}"]
    if cents % 10 == 0 and cents:
        numbers.append(f"{whole}.{cents // 10}")
    if cents == 0:
        numbers.append(str(whole))
    forms: list[str] = []
    for n in numbers:
        forms += [f"¥{n}", f"{n}元", f"{n}yuan", f"{n}块", f"{n}rmb"]
    return tuple(dict.fromkeys(forms))


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}  # fmt: skip
_CN_NUM = "(?:十[一二]?|[零一二两三四五六七八九])"
_LATIN_CLOCK = re.compile(r"(?<![\d.])(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)?(?![\d])")
_CN_CLOCK = re.compile(
    rf"(凌晨|早上|上午|中午|下午|傍晚|晚上|今晚|明晚)?(\d{{1,2}}|{_CN_NUM})[点點时](半|(\d{{1,2}})分?)?"
)
_PM_WORDS = ("下午", "傍晚", "晚上", "今晚", "明晚", "pm", "p.m.")


def clock_mentions(text: str) -> set[str]:
    """Clock times ("HH:MM", 24 h) that a folded message mentions, in zh or en.

    "19:30", "7:30pm", "7pm", "晚上7点半", "七点半", "19点30分" all give "19:30"; a bare
    "7:30" with no am/pm word gives both "07:30" and "19:30" (shows run past noon too).
    """
    out: set[str] = set()
    for m in _CN_CLOCK.finditer(text):
        raw = m.group(2)
        hour = _CN_DIGITS[raw] if raw in _CN_DIGITS else int(raw)
        minute = 30 if m.group(3) == "半" else int(m.group(4) or 0)
        _add_clock(out, hour, minute, m.group(1) or "", explicit=m.group(1) is not None)
    for m in _LATIN_CLOCK.finditer(text):
        if m.group(2) is None and m.group(3) is None:
            continue  # a bare number is not a time
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        _add_clock(out, hour, minute, m.group(3) or "", explicit=m.group(3) is not None)
    return out


def _add_clock(out: set[str], hour: int, minute: int, word: str, *, explicit: bool) -> None:
    if hour > 24 or minute > 59:
        return
    if explicit:
        if word in _PM_WORDS and hour < 12:
            hour += 12
        elif word in ("am", "a.m.") and hour == 12:
            hour = 0
        out.add(f"{hour % 24:02d}:{minute:02d}")
        return
    out.add(f"{hour % 24:02d}:{minute:02d}")
    if hour < 12:
        out.add(f"{hour + 12:02d}:{minute:02d}")

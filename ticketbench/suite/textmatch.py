"""Bilingual matching of what an agent said against the facts it had to tell.

Text is compared in a normal form: NFKC (full-width to half-width), casefold, the yuan
signs unified ("RMB", "CNY", "￥" -> "¥"), runs of whitespace made one space (`normalise`).

A fact is matched as a phrase, not as a substring: a phrase may be written with or without
spaces between its characters ("¥12.50" = "¥ 12.50", "12.50yuan" = "12.50 yuan"), but a
phrase that starts or ends with a letter or digit must start or end there in the text
("over" is not in "moreover", "12.5" not in "112.5" or "12.55").

The user's own words never count as the agent telling them: `echo_free` finds what of an
agent message is not copied from the user's messages (a run of `ECHO_UNITS` or more units,
a unit being one CJK character, one word or one number), and a phrase counts only if it
covers some of that (`told`). Repeating the opening's "不超过80元" therefore tells nothing,
while "超过了80元" in the agent's own sentence does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

_SPACE = re.compile(r"\s+")
_YUAN_SIGNS = str.maketrans({"￥": "¥", "＄": "$"})
_CURRENCY_WORD = re.compile(r"(?<![a-z])(?:rmb|cny)(?![a-z])")


def normalise(text: str) -> str:
    """The comparison form of `text`, spaces kept (see the module docstring)."""
    t = unicodedata.normalize("NFKC", text).casefold().translate(_YUAN_SIGNS)
    t = _CURRENCY_WORD.sub("¥", t)
    return _SPACE.sub(" ", t).strip()


def fold(text: str) -> str:
    """`normalise` with all whitespace removed (for id and name lookups in messages)."""
    return normalise(text).replace(" ", "")


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LATIN = re.compile(rf"[^\W_{_CJK}]")  # a letter or digit of a spaced script


@lru_cache(maxsize=8192)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A regex finding `phrase` in normalised text (see the module docstring)."""
    chars = fold(phrase)
    if not chars:
        raise ValueError("empty phrase")
    body = r"\s?".join(re.escape(ch) for ch in chars)
    head = tail = ""
    if _LATIN.match(chars[0]):
        head = rf"(?<!{_LATIN.pattern})" + (r"(?<!\d\.)" if chars[0].isdigit() else "")
    if _LATIN.match(chars[-1]):
        tail = rf"(?!{_LATIN.pattern})" + (r"(?!\.\d)" if chars[-1].isdigit() else "")
    return re.compile(head + body + tail)


def find_phrase(text: str, phrase: str) -> list[tuple[int, int]]:
    """Spans of `phrase` in normalised `text`."""
    return [m.span() for m in phrase_pattern(phrase).finditer(text)]


def contains(haystack: str, needle: str) -> bool:
    """True if `needle` occurs in `haystack` as a phrase (both normalised here)."""
    return bool(find_phrase(normalise(haystack), needle))


# --- what the agent said itself, not copied from the user ------------------------------

ECHO_UNITS = 3
_UNIT = re.compile(rf"[{_CJK}]|\d+(?:\.\d+)?|[^\W\d_{_CJK}]+|[¥$]")


def units(text: str) -> list[tuple[str, int, int]]:
    """The units of normalised `text` with their spans: CJK characters, words, numbers."""
    return [(m.group(), m.start(), m.end()) for m in _UNIT.finditer(text)]


def _grams(texts: Iterable[str], n: int) -> set[tuple[str, ...]]:
    out: set[tuple[str, ...]] = set()
    for t in texts:
        us = [u for u, _, _ in units(normalise(t))]
        out.update(tuple(us[i : i + n]) for i in range(len(us) - n + 1))
    return out


def echo_free(text: str, heard: Sequence[str], n: int = ECHO_UNITS) -> list[tuple[int, int]]:
    """Spans of the agent's normalised `text` that are not copied from the user's `heard`.

    A unit is copied when it lies in a run of `n` consecutive units that also occurs in
    one of the user's messages.
    """
    us = units(text)
    copied = [False] * len(us)
    grams = _grams(heard, n) if heard else set()
    if grams:
        for i in range(len(us) - n + 1):
            if tuple(u for u, _, _ in us[i : i + n]) in grams:
                copied[i : i + n] = [True] * n
    return [(s, e) for (_, s, e), c in zip(us, copied, strict=True) if not c]


def own_spans(
    text: str, phrase_spans: Iterable[tuple[int, int]], free: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The phrase spans that cover at least one unit the agent wrote itself (`free`)."""
    return [(a, b) for a, b in phrase_spans if any(s < b and a < e for s, e in free)]


def told(said: Iterable[str], phrases: Iterable[str], heard: Sequence[str] = ()) -> bool:
    """Did some agent message (`said`) state one of `phrases` in its own words?

    `heard` are the user's messages (the opening, replies): a phrase found only inside
    words copied from them does not count.
    """
    phrases = [p for p in phrases if fold(p)]
    for msg in said:
        text = normalise(msg)
        spans = [sp for p in phrases for sp in find_phrase(text, p)]
        if spans and own_spans(text, spans, echo_free(text, heard)):
            return True
    return False


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
    return {c for _, _, clocks in clock_spans(text) for c in clocks}


def clock_spans(text: str) -> list[tuple[int, int, frozenset[str]]]:
    """Each clock time a folded message mentions, with its span and the "HH:MM" times it
    can mean (see `clock_mentions`), in text order."""
    out: list[tuple[int, int, frozenset[str]]] = []
    for m in _CN_CLOCK.finditer(text):
        raw = m.group(2)
        hour = _CN_DIGITS[raw] if raw in _CN_DIGITS else int(raw)
        minute = 30 if m.group(3) == "半" else int(m.group(4) or 0)
        found: set[str] = set()
        _add_clock(found, hour, minute, m.group(1) or "", explicit=m.group(1) is not None)
        if found:
            out.append((m.start(), m.end(), frozenset(found)))
    for m in _LATIN_CLOCK.finditer(text):
        if m.group(2) is None and m.group(3) is None:
            continue  # a bare number is not a time
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        found = set()
        _add_clock(found, hour, minute, m.group(3) or "", explicit=m.group(3) is not None)
        if found:
            out.append((m.start(), m.end(), frozenset(found)))
    return sorted(out, key=lambda s: s[0])


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

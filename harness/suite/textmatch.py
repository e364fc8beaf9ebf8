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

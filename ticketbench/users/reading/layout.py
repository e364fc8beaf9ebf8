"""What a message's layout shows: the options it lists to choose from.

Options come as numbered or bulleted lines, a markdown table, markers inline ("1) … 2) …",
"(a) … (b) …"), or three or more clock times or days listed in one
sentence ("13:20、15:50、18:30 三个时间，您看哪个合适？"). A list is not of options when its
items are fields ("影片：…", "Total: …"), questions, or each a different fact of one order
(its film and time, its cinema, its seats, its price: an order summary set out in lines).
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from ticketbench.users.reading import lexicon as lx
from ticketbench.users.reading.statements import FIELD_NAME, SUMMARY_FIELDS

_MARKUP = re.compile(r"\*\*|__|`+")
_QMARK = re.compile(r"[?？]\s*$")
_EMOJI_BULLET = re.compile(r"(?m)^\s*[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff]\ufe0f?\s*")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^[\s|:：-]+$")
_VALUE = re.compile(lx.CLOCK + r"|\d{1,2}月\d{1,2}[日号]|\b\d{1,2}/\d{1,2}\b|" + lx.MONTH)
# What may stand between the values of an inline list: "13:20、15:50、18:30", "1:20 pm, 3:50 pm
# and 6:30 pm" (not "原场次 12月9日 21:15 → 新场次 12月11日 21:15").
_BETWEEN_VALUES = re.compile(
    r"^\s*(?:am|pm)?\s*(?:[,，、/]|和|及|或|\band\b|\bor\b)?\s*(?:and|or)?\s*"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|周[一二三四五六日天])?\s*$"
)
_SENTENCE = re.compile(r"[^。.!！?？\n]+")


def listed_options(text: str) -> tuple[str, ...]:
    """The options `text` (an agent message as written) lists, in order; () for none."""
    plain = _MARKUP.sub("", unicodedata.normalize("NFC", text)).casefold()
    plain = _EMOJI_BULLET.sub("- ", plain)  # "🎟 内场A区 ¥1280" is a bulleted line
    items = _listed(plain)
    fields = sum(1 for x in items if FIELD_NAME.match(x))
    questions = sum(1 for x in items if _QMARK.search(x))
    if len(items) < 2 or fields * 2 > len(items) or questions * 2 > len(items):
        return ()
    if _facts_of_one_order(items):
        return ()
    return tuple(items)


def listed_lines(cleaned: str) -> list[str]:
    """The lines of `cleaned` that are list items or table rows."""
    return [ln for ln in cleaned.splitlines() if lx.LIST_ITEM.match(ln) or _TABLE_ROW.match(ln)]


def _listed(text: str) -> list[str]:
    rows = _table_rows(text)
    if len(rows) >= 2:
        return rows
    lines = [ln.strip() for ln in text.splitlines() if lx.LIST_ITEM.match(ln)]
    if len(lines) >= 2:
        return lines
    inline = list(lx.INLINE_ITEMS.finditer(text))
    if len(inline) >= 2:
        cuts = [m.start() for m in inline] + [len(text)]
        items = [text[a:b].strip(" ,，;；") for a, b in itertools.pairwise(cuts)]
        items[-1] = re.split(r"[?？。.!！]|[,，](?=[^,，]*[?？]$)", items[-1])[0]
        return items
    for sentence in _SENTENCE.findall(text):  # "13:20, 15:50 and 18:30: which suits you?"
        found = list(_VALUE.finditer(sentence))
        gaps = [sentence[a.end() : b.start()] for a, b in itertools.pairwise(found)]
        if len(found) >= 3 and all(_BETWEEN_VALUES.match(g) for g in gaps):
            return [m.group(0).strip() for m in found]
    return []


def _facts_of_one_order(items: list[str]) -> bool:
    """Does each line hold a different fact of one order (no fact kind shared by all)?"""
    kinds = [k for x in items if (k := {n for n, rx in enumerate(SUMMARY_FIELDS) if rx.search(x)})]
    if len(kinds) < 3 or len(kinds) < len(items) - 1:  # one line may be the title
        return False
    return not set.intersection(*kinds) and len(set.union(*kinds)) >= 3


def _table_rows(text: str) -> list[str]:
    """The body rows of a markdown table (its header and rule line left out)."""
    lines = text.splitlines()
    rows = []
    for n, ln in enumerate(lines):
        if not _TABLE_ROW.match(ln) or _TABLE_RULE.match(ln):
            continue
        if n + 1 < len(lines) and _TABLE_RULE.match(lines[n + 1]) and "-" in lines[n + 1]:
            continue  # the header
        rows.append(ln.strip(" |"))
    return rows

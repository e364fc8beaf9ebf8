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
from ticketbench.users.reading.statements import FIELD_NAME, SUMMARY_FIELDS, SUMMARY_HEAD, as_field

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
_SENTENCE_END = re.compile(r"(?<=[。!！?？\n])|(?<=\.)\s+")


def listed_options(text: str) -> tuple[str, ...]:
    """The options `text` (an agent message as written) lists, in order; () for none."""
    written = _MARKUP.sub("", unicodedata.normalize("NFC", text))
    icons = [m.group(0).strip() for m in _EMOJI_BULLET.finditer(written)]
    if len(icons) >= 3 and len(set(icons)) == len(icons):
        lines = [ln for ln in written.casefold().splitlines() if _EMOJI_BULLET.match(ln)]
        if not _shared_kind(lines):
            return ()  # "🎬 …\n📍 …\n🕖 …": each line a field of one thing, its icon the field name
    plain = _EMOJI_BULLET.sub("- ", written.casefold())  # "🎟 内场A区 ¥1280" is a bulleted line
    if _asks_below(plain):
        return ()  # "Please tell me:\n1. The date\n2. …": a list of questions
    items = _listed(plain) or _named_inline(written)
    fields = sum(1 for x in items if FIELD_NAME.match(as_field(f"|{x}|")))
    questions = sum(1 for x in items if _QMARK.search(x))
    if len(items) < 2 or fields * 2 > len(items) or questions * 2 > len(items):
        return ()
    if _facts_of_one_order(items) or (_under_summary_head(plain) and not _shared_kind(items)):
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


def _asks_below(plain: str) -> bool:
    """Does the line before the first list item introduce questions ("Please tell me:")?"""
    lines = plain.splitlines()
    first = next((n for n, ln in enumerate(lines) if lx.LIST_ITEM.match(ln)), 0)
    return first > 0 and lx.ASKS_BELOW.search(lines[first - 1].strip()) is not None


# Three or more names listed inline: "Wicked, Moana 2, and Gladiator II", "内场、看台和VIP区",
# "$59 / $89 / $149", "credit card, PayPal, or Apple Pay?". A series: every joint but the
# last a list comma (or a slash between figures). In a statement the names must look like
# names (a capital, a figure); in a question offering a choice any short phrase will do.
# Not a list of options: examples ("比如…"), names of fields ("日期、时间和人数": questions),
# questions ("哪部电影、哪天"), or the facts of one order ("Dune, Wanda, Sat 19:30, ¥96").
_SERIES_EN = re.compile(
    r"(,\s*(?:and|or)\s+|,\s*|\s+(?:and|or)\s+|(?<=\d)\s*/\s*(?=[$¥￥€£])|\s+/\s+"
    r"|(?<=\d\d\d)/(?=\d\d\d))"
)
_SERIES_ZH = re.compile(r"(、|(?<=\d\d\d)/(?=\d\d\d)|\s+/\s+|和|及|或者|或是|或|还是)")
_LIST_COMMA = re.compile(r"^\s*(?:,|、|/)\s*$")
_TITLES = re.compile(r"《[^》]+》")
_ASKING_WORD = re.compile(r"哪|什么|几|多少|\b(?:which|what|when|where|who|how)\b", re.I)
_ASKING_START = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:which|what|when|where|who|how)\b", re.I)
_EXAMPLES = re.compile(
    r"比如|例如|诸如|像是|such as|e\.g\.|for example|for instance|,\s*like\b|\(like\b", re.I
)
# A short aside in brackets ("Silver ($65)"): what the named item costs or is, not a clause.
_ASIDE = re.compile(r"\s*[(（][^()（）]{1,24}[)）]")
_FIELD_NOUN = re.compile(
    r"^(?:the |a |your |rough |preferred |观影|大概的?|大致的?)*(?:日期|时间|时间段|人数|张数|影院"
    r"|场次|座位|预算|城市|姓名|date|time|day|number of (?:people|tickets)|cinema|budget|city"
    r"|name|seats?|showtime)s?$",
    re.I,
)
_ANYTHING_ELSE = re.compile(
    r"^(?:别的|其他|其它|别家|其他的|别的什么|somewhere else|something else|anything else|another"
    r"|(?:an)?other (?:one|place|cinema|venue))\W*$",
    re.I,
)
_NAME_LOOK = re.compile(r"^(?!I\b|I')[A-Z0-9$¥￥£€#]|\d")


def _named_inline(written: str) -> list[str]:
    for sentence in _SENTENCE_END.split(written):
        if len(_TITLES.findall(sentence)) >= 3:
            return _TITLES.findall(sentence)
        if FIELD_NAME.match(sentence.strip().casefold()) or _EXAMPLES.search(sentence):
            continue
        choice = _QMARK.search(sentence) and lx.ALTERNATIVE.search(sentence.casefold())
        tail = re.split(r"[:：]", sentence)[-1]  # "Now showing: A, B and C"
        zh = lx.CJK_CHAR.search(tail) is not None
        clauses = re.split(r"[(（)）;；]|\s[-—–]+\s" + ("|，" if zh else ""), tail)
        if _ASIDE.search(tail):  # "Silver ($65), Gold ($110) and Platinum ($180)"
            clauses.append(_ASIDE.sub("", tail))
        for clause in clauses:
            parts = (_SERIES_ZH if zh else _SERIES_EN).split(clause)
            items, joints = [x.strip() for x in parts[::2]], parts[1::2]
            asking = _ASKING_WORD.search(items[-1]) if zh else _ASKING_START.match(items[-1])
            if items and asking:
                # "A, B and C, which do you want?" (not "£95 depending on where you sit")
                items, joints = items[:-1], joints[:-1]
            if items and _ASKING_WORD.search(items[0]):  # "Which tier, the ¥380 or …"
                items, joints = items[1:], joints[1:]
            if items and _ANYTHING_ELSE.match(items[-1]):  # "万达、CGV还是别的？": two named
                items, joints = items[:-1], joints[:-1]
            if len(items) < 3 or not all(items):
                continue
            if not all(_LIST_COMMA.match(j) for j in joints[:-1]):
                continue  # not a series: "Seats H5 and H6 are free, dead centre"
            inner = items[1:-1]  # the first and last may carry the sentence ("has Floor")
            if any(_ASKING_WORD.search(x) or _FIELD_NOUN.match(x.casefold()) for x in inner):
                continue
            if zh:
                short = all(len(x) <= 12 for x in inner)
            else:
                short = all(len(x.split()) <= 3 for x in inner)
                short = short and (bool(choice) or all(_NAME_LOOK.search(x) for x in inner))
            if short and not _facts_of_one_line([x.casefold() for x in items]):
                return items
    return []


def _under_summary_head(plain: str) -> bool:
    """Is the list introduced by an order summary's head ("已为您锁定：", "Held for you:")?"""
    lines = plain.splitlines()
    first = next((n for n, ln in enumerate(lines) if lx.LIST_ITEM.match(ln)), 0)
    return first > 0 and SUMMARY_HEAD.search(lines[first - 1]) is not None


def _shared_kind(items: list[str]) -> bool:
    """Do all items carry one kind of fact (all a time, all a price): options, not fields?"""
    kinds = [{n for n, rx in enumerate(SUMMARY_FIELDS) if rx.search(x)} for x in items]
    return bool(set.intersection(*kinds)) if kinds else False


def _facts_of_one_line(items: list[str]) -> bool:
    """Do the inline items state facts of one order ("Dune, Wanda, Sat 19:30, ¥96")?"""
    kinds = [k for x in items if (k := {n for n, rx in enumerate(SUMMARY_FIELDS) if rx.search(x)})]
    return len(kinds) >= 3 and not set.intersection(*kinds) and len(set.union(*kinds)) >= 3


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

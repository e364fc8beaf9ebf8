"""An agent message made comparable: normalised, split into sentences, typos mended.

Real assistants write markdown, full-width punctuation, emoji, lists and the odd typo.
`clean` folds all of that to one form (NFKC, casefolded, markdown markers dropped, common
English misspellings mended, Chinese "那" read as "哪" where a question needs it), keeping
line breaks so lists stay visible; `sentences` cuts the text where a reader would pause.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_MARKDOWN = re.compile(r"\*\*|__|~~|`+|^#{1,6}\s*|^>\s*", re.M)
# Emoji and pictographs (with their joiners and variation selectors): tone, not content.
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

# Misspellings and chat shorthand real users of assistants see; mended word by word.
_SHORTHAND = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tonite": "tonight",
    "tix": "tickets",
    "tkts": "tickets",
    "wanna": "want to",
    "gonna": "going to",
    "ok": "okay",
    "k": "okay",
    "pmt": "payment",
    "appt": "appointment",
    "cinemas": "cinemas",
    "theater": "theatre",
    "theaters": "theatres",
    "center": "centre",
    "cant": "can't",
    "couldnt": "couldn't",
    "wont": "won't",
    "dont": "don't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "im": "i'm",
    "id": "id",
    "whats": "what's",
    "wat": "what",
    "wich": "which",
    "whcih": "which",
    "mnay": "many",
    "tiem": "time",
    "waht": "what",
    "wehn": "when",
    "hw": "how",
    "ppl": "people",
    "teh": "the",
    "thats": "that's",
    "sory": "sorry",
    "soldout": "sold out",
}
# Words a reading turns on: a typo of one of them (one edit away) is read as the word.
_KEYWORDS = (
    "which",
    "what",
    "when",
    "where",
    "would",
    "should",
    "shall",
    "tickets",
    "ticket",
    "people",
    "cinema",
    "theatre",
    "movie",
    "film",
    "budget",
    "payment",
    "confirm",
    "proceed",
    "booking",
    "book",
    "purchase",
    "today",
    "tomorrow",
    "tonight",
    "saturday",
    "sunday",
    "friday",
    "thursday",
    "wednesday",
    "tuesday",
    "monday",
    "showing",
    "screening",
    "session",
    "seats",
    "unfortunately",
    "unable",
    "cannot",
    "available",
    "unavailable",
    "recommend",
    "suggest",
    "summary",
    "total",
    "attendee",
    "attendees",
    "refund",
    "exchange",
    "coupon",
    "discount",
    "wallet",
    "please",
    "many",
    "date",
    "time",
    "aisle",
    "centre",
    "together",
)


_KEYWORD_SET = frozenset(_KEYWORDS)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


@lru_cache(maxsize=1)
def _typo_table() -> dict[str, str]:
    """Symmetric-delete table: a one-edit neighbour of a keyword maps to the keyword (the
    first listed, when two share it)."""
    table: dict[str, str] = {}
    for kw in _KEYWORDS:
        for d in sorted(_deletes(kw)):
            table.setdefault(d, kw)
    return table


@lru_cache(maxsize=8192)
def mend_word(word: str) -> str:
    """The word as meant: shorthand expanded, a keyword's one-edit typo corrected."""
    if word in _SHORTHAND:
        return _SHORTHAND[word]
    if len(word) < 5 or word in _KNOWN or word in _KEYWORD_SET or word[:-1] in _KEYWORD_SET:
        return word  # a keyword's plural ("showings") is no typo of it
    table = _typo_table()
    near = {kw for d in _deletes(word) if (kw := table.get(d)) is not None and _close(word, kw)}
    # several keywords one edit away: the first listed wins (never set order: the reading
    # must not depend on the process's hash seed)
    return min(near, key=_KEYWORDS.index) if near else word


def _close(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or adjacent swap apart."""
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# Real words that sit one edit from a keyword and must stay themselves.
_KNOWN = frozenset(
    {"whose", "while", "whole", "there", "those", "these", "where", "seat", "seated", "shell",
     "shallow", "total", "totals", "dates", "dated", "timed", "times", "timer", "movies",
     "films", "booked", "books", "booker", "confirmed", "people's", "tickets", "session",
     "sessions", "available", "cinemas", "theatres", "manly", "many", "money", "monday",
     "could", "small", "looking", "cooking", "pleased", "purchased", "world", "usable",
     "enable", "wheat", "shale", "aisles", "refunds", "refunded", "exchanged", "suggests",
     "recommends", "wallets", "summer", "tonights", "fridays", "sundays", "bookings",
     "proceeds", "confirms", "budgets", "payments", "coupons", "screen", "screens"}
)  # fmt: skip

# "那天/那部/那家" typed for "哪天/哪部/哪家" (same pinyin): only in a question that has no
# other question word, where the demonstrative would make no sense.
_NA_FOR_NA = re.compile(r"(?:^|(?<=[,，您你想要看是选去]))那(?=[天部家场一个种排位])")
_ZH_ASKING = re.compile(r"[哪几吗啥谁]|什么|多少|是否|还是|要不要")


def _mend_english(text: str) -> str:
    return _WORD.sub(lambda m: mend_word(m.group(0)), text)


# Chinese typed by pinyin: a homophone for a question word ("要及张票", "哪不电影", "付宽").
_HOMOPHONES = (
    (re.compile(r"及(?=[张位个点号人场])"), "几"),
    (re.compile(r"哪不(?=电影|片|剧)"), "哪部"),
    (re.compile(r"付宽"), "付款"),
)


# A title's own "?" or "!" ("《今晚谁买单？》", "Who Pays Tonight? is on Saturday") neither ends
# a sentence nor asks: inside quotes, or after Title Case words and before the sentence goes on.
_QUOTED_MARK = re.compile(
    r"([\"“「『《][^\"”」』》\n]{0,60}?)[?？!！]+(?=[^\"“”「」『』《》\n]{0,60}?[\"”」』》])"
)
_TITLE_MARK = re.compile(r"((?:\b[A-Z][\w']*\s+)+[A-Z][\w']*)[?!]+(?=\s+[a-z])")


def clean(text: str) -> str:
    """The message folded for reading (see the module docstring)."""
    t = unicodedata.normalize("NFKC", text)
    t = _TITLE_MARK.sub(r"\1", _QUOTED_MARK.sub(r"\1", t)).casefold()
    if CJK.search(t):
        for rx, meant in _HOMOPHONES:
            t = rx.sub(meant, t)
    t = _MARKDOWN.sub("", t)
    t = _EMOJI.sub(" ", t)
    t = t.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = _SPACES.sub(" ", t)
    return _mend_english(t)


# Where a reader pauses: after ?!。;, a line break, a full stop (not a list's "1. "), a colon
# ending a line.
_CUT = re.compile(r"(?<=[?!。！？;；\n])|(?<!^\d\.)(?<!^\d\d\.)(?<=\.)\s+|(?<=[:：])\n", re.M)


def sentences(cleaned: str) -> list[str]:
    """Sentences (and list lines) of a cleaned message, stripped, none empty."""
    out = []
    for s in _CUT.split(cleaned):
        s = s.strip(" -*•·\t")
        if s.strip():
            out.append(s.strip())
    return out


def mend_question_zh(sentence: str) -> str:
    """A Chinese question sentence with the "那"-for-"哪" typo mended (see above)."""
    if "那" not in sentence or _ZH_ASKING.search(sentence):
        return sentence
    return _NA_FOR_NA.sub("哪", sentence)


def is_chinese(text: str) -> bool:
    """Is the message written in Chinese (any CJK ideograph)?"""
    return CJK.search(text) is not None

"""Which deep links a user opens from an agent message (Chinese and English).

A person given one link opens it. Given more links than orders it still wants, it does not
try them one by one until one fits what it has in mind: it opens the one the agent clearly
recommends, or asks which one, and then opens the one the agent names: by its position
("the second one" / "第二个"), by what the agent wrote next to it alone ("the 19:30 one",
"万达那个"), or by sending it again. Links are told apart parsed
(`ticketbench.env.links.parse_link`), so the same link written twice counts once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ticketbench.env.links import parse_link
from ticketbench.env.toolkit import EnvError
from ticketbench.users.understand import find_links

_RECOMMEND_EN = re.compile(
    r"\b(recommend(?:ed)?|suggest(?:ed)?|best (?:option|choice|match|fit|pick|one)|my pick|"
    r"top pick|i(?:'?d| would) (?:go|pick) (?:with|for)|go with (?:this|the)|fits? best|"
    r"closest match)\b",
    re.I,
)
_RECOMMEND_ZH = ("推荐", "建议", "最合适", "首选", "最佳", "最符合", "最匹配")

_ORDINAL_EN = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "last": -1,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
}  # fmt: skip
_ORDINAL_EN_RE = re.compile(
    r"\b(?:the )?(" + "|".join(_ORDINAL_EN) + r")\b(?: (?:one|link|option))?|"
    r"\b(?:option|link|number|no\.?|#)\s*([1-9])\b",
    re.I,
)
_ZH_DIGITS = dict(zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_ORDINAL_ZH_RE = re.compile(r"第\s*([一二两三四五六七八九1-9])\s*(?:个|条|场|项|种)?|(最后)一?个")


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_TIME = re.compile(r"(\d{1,2})[:：](\d{2})\s*([ap])?\.?m?\.?", re.I)
# Words that tell no option apart (the ones a "which one" answer is made of).
_PLAIN = frozenset(
    (
        "the",
        "one",
        "that",
        "this",
        "please",
        "book",
        "open",
        "link",
        "option",
        "with",
        "for",
        "and",
        "one's",
        "take",
        "let's",
        "lets",
        "go",
        "use",
        "want",
        "would",
        "like",
        "could",
        "you",
        "can",
        "just",
        "that's",
        "it's",
    )
)  # fmt: skip


class LinkChoice:
    """One user's handling of links over a conversation (it remembers the links it asked
    the agent to choose among, and what the agent wrote next to each)."""

    def __init__(self) -> None:
        self._choices: list[str] = []
        self._contexts: list[str] = []

    def take(self, text: str, wanted: int) -> tuple[list[str], bool]:
        """The links to open from one agent message while the user still wants `wanted`
        orders, and whether to ask which one instead."""
        links = distinct_links(text)
        choices, contexts = self._choices, self._contexts
        self._choices, self._contexts = [], []
        if len(links) > wanted:
            pick = recommended(text, links) if wanted == 1 else None
            if pick is None:
                self._choices, self._contexts = links, [_around(text, u, links) for u in links]
                return [], True
            return [pick], False
        if not links and choices:
            pick = named_choice(text, choices, contexts)
            return ([pick] if pick is not None else []), False
        return links, False


def distinct_links(text: str) -> list[str]:
    """The message's links in order of appearance, each link once."""
    seen: dict[object, str] = {}
    for url in find_links(text):
        key: object
        try:
            key = parse_link(url)
        except EnvError:
            key = url
        seen.setdefault(key, url)
    return list(seen.values())


def _around(text: str, url: str, links: Sequence[str]) -> str:
    """The sentence or line of `text` that holds `url`, without the links in it."""
    at = text.find(url)
    if at < 0:
        return ""
    start = max(text.rfind(sep, 0, at) for sep in ("\n", "。", ". ", "；", "; ")) + 1
    ends = [i for sep in ("\n", "。", "；") if (i := text.find(sep, at + len(url))) >= 0]
    around = text[start : min(ends) if ends else len(text)]
    for u in links:
        around = around.replace(u, " ")
    return around


def _recommends(text: str) -> bool:
    return bool(_RECOMMEND_EN.search(text)) or any(w in text for w in _RECOMMEND_ZH)


def recommended(text: str, links: Sequence[str]) -> str | None:
    """The one link the message recommends, or None when no single link is recommended:
    a recommendation word in the link's own sentence or line (and no other link there), or
    a sentence without links that recommends one by position ("I'd go with the second")."""
    marked: list[str] = []
    for url in links:
        at = text.find(url)
        start = max(text.rfind(sep, 0, at) for sep in ("\n", "。", ". ", "；", "; ")) + 1
        ends = [i for sep in ("\n", "。", "；") if (i := text.find(sep, at + len(url))) >= 0]
        line = text[start : min(ends) if ends else len(text)]
        alone = not [u for u in links if u != url and u in line]
        if alone and _recommends(_around(text, url, links)):
            marked.append(url)
    if marked:
        return marked[0] if len(marked) == 1 else None
    rest = text
    for u in links:
        rest = rest.replace(u, "\n")
    asides = [s for s in re.split(r"[\n。！!？?；;]|\. ", rest) if _recommends(s)]
    picks = {p for s in asides if (p := _by_position(s, links)) is not None}
    return picks.pop() if len(picks) == 1 else None


def named_choice(text: str, options: Sequence[str], contexts: Sequence[str] = ()) -> str | None:
    """The option a reply names: by its position ("the second one", "第二个", "option 2"),
    else by what the agent wrote next to exactly one option (a start time "19:30", a name
    "CGV", "万达"); None when it names none or several."""
    pick = _by_position(text, options)
    if pick is not None or not contexts:
        return pick
    return _by_description(text, options, contexts)


def _by_position(text: str, options: Sequence[str]) -> str | None:
    picks: set[int] = set()
    for m in _ORDINAL_EN_RE.finditer(text):
        if m.group(1):
            picks.add(_ORDINAL_EN[m.group(1).lower()])
        elif m.group(2):
            picks.add(int(m.group(2)))
    for m in _ORDINAL_ZH_RE.finditer(text):
        if m.group(2):
            picks.add(-1)
        else:
            d = m.group(1)
            picks.add(int(d) if d.isdigit() else _ZH_DIGITS[d])
    if len(picks) != 1:
        return None
    n = picks.pop()
    if n == -1:
        return options[-1] if options else None
    return options[n - 1] if 1 <= n <= len(options) else None


def _times(text: str) -> set[str]:
    """Clock times in a text, as 24-hour "HH:MM"."""
    out: set[str] = set()
    for h, m, half in _TIME.findall(text):
        hour = int(h) % 12 + 12 if half.lower() == "p" else int(h)
        out.add(f"{hour:02d}:{m}")
    return out


def _by_description(text: str, options: Sequence[str], contexts: Sequence[str]) -> str | None:
    """The one option whose own line holds what the reply mentions and no other line does."""
    hits: set[int] = set()
    times = _times(text)
    for i, ctx in enumerate(contexts):
        if times & _times(ctx) and not any(
            times & _times(c) for j, c in enumerate(contexts) if j != i
        ):
            hits.add(i)
    lowered = [c.lower() for c in contexts]
    words = {w.lower() for w in _WORD.findall(_TIME.sub(" ", text))} - _PLAIN
    grams = {run[k : k + 2] for run in _CJK_RUN.findall(text) for k in range(len(run) - 1)}
    for token in words | grams:
        holders = [i for i, c in enumerate(lowered) if token in c]
        if len(holders) == 1:
            hits.add(holders[0])
    return options[hits.pop()] if len(hits) == 1 else None

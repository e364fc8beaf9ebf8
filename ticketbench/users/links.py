"""Which deep links a user opens from an agent message (Chinese and English).

A person given one link opens it. Given more links than orders it still wants, it does not
try them one by one until one fits what it has in mind: it opens the one the agent clearly
recommends, or asks which one, and then opens the one the agent names (by its position,
"the second one" / "第二个", or by sending it again). Links are told apart parsed
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
    r"top pick|i'?d (?:go|pick) with|go with this|fits? best|closest match)\b",
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


class LinkChoice:
    """One user's handling of links over a conversation (it remembers the links it asked
    the agent to choose among)."""

    def __init__(self) -> None:
        self._choices: list[str] = []

    def take(self, text: str, wanted: int) -> tuple[list[str], bool]:
        """The links to open from one agent message while the user still wants `wanted`
        orders, and whether to ask which one instead."""
        links = distinct_links(text)
        choices, self._choices = self._choices, []
        if len(links) > wanted:
            pick = recommended(text, links) if wanted == 1 else None
            if pick is None:
                self._choices = links
                return [], True
            return [pick], False
        if not links and choices:
            pick = named_choice(text, choices)
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


def recommended(text: str, links: Sequence[str]) -> str | None:
    """The one link the message recommends (a recommendation word in the link's own
    sentence or line), or None when no single link is recommended."""
    marked: list[str] = []
    for url in links:
        at = text.find(url)
        if at < 0:
            continue
        start = max(text.rfind(sep, 0, at) for sep in ("\n", "。", ". ", "；", "; ")) + 1
        ends = [i for sep in ("\n", "。", "；") if (i := text.find(sep, at + len(url))) >= 0]
        around = text[start : min(ends) if ends else len(text)]
        others = [u for u in links if u != url and u in around]
        if not others and (_RECOMMEND_EN.search(around) or any(w in around for w in _RECOMMEND_ZH)):
            marked.append(url)
    return marked[0] if len(marked) == 1 else None


def named_choice(text: str, options: Sequence[str]) -> str | None:
    """The option a reply names by its position ("the second one", "第二个", "option 2"),
    or None when it names none or several."""
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

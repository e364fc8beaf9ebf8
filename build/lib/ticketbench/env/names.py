"""Bilingual (Chinese/English) name matching used by every search tool.

`normalise` folds a string to a comparison key: NFKC (full-width -> half-width),
casefold, and every space, punctuation mark or symbol removed (ASCII and Chinese
alike: ·：、《》“” ...). `NameIndex` ranks entities by how well a query matches any
of their names: exact > prefix > substring > token overlap. An index is built once
per World (see `world_cached`) so that a search over thousands of names costs a few
string finds, not a Python loop per candidate.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")
W = TypeVar("W")

_DROP = re.compile(r"[\W_]+")  # anything that is not a letter, digit or CJK character
_WORDS = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SEP = "\x00"  # never survives normalisation, so it cannot match inside a key

EXACT = 1.0
PREFIX = 0.9
SUBSTRING = 0.75
CONTAINED = 0.55  # the whole name appears inside a longer query
TOKENS = 0.3  # base of token-overlap scores; plus up to 0.3 by overlap share
MIN_OVERLAP = 0.5  # share of query tokens that must be found for a token match


def normalise(text: str) -> str:
    """The comparison key of `text`: NFKC, casefolded, spaces and punctuation removed."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def tokens(text: str) -> set[str]:
    """Word tokens of `text`: latin/digit words, plus character bigrams of CJK runs.

    Chinese is written without spaces, so bigrams stand in for words.
    """
    out: set[str] = set()
    for word in _WORDS.findall(unicodedata.normalize("NFKC", text).casefold()):
        if _CJK.search(word) and len(word) > 1:
            out.update(word[i : i + 2] for i in range(len(word) - 1))
        else:
            out.add(word)
    return out


class NameIndex(Generic[T]):
    """Ranks items by the best match between a query and any of their names.

    Build once per world; `search` costs O(hits), except for the rare fallbacks
    (token overlap via an inverted index; names contained in a long query).
    """

    def __init__(self, items: Iterable[tuple[T, Sequence[str]]]) -> None:
        self.items: list[T] = []
        keys: list[str] = []
        owners: list[int] = []
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._postings: dict[str, set[int]] = defaultdict(set)
        for idx, (item, names) in enumerate(items):
            self.items.append(item)
            seen: set[str] = set()
            for name in names:
                key = normalise(name)
                if not key or key in seen:
                    continue
                seen.add(key)
                keys.append(key)
                owners.append(idx)
                self._exact[key].append(idx)
                for tok in tokens(name):
                    self._postings[tok].add(idx)
        self._keys = keys
        self._owners = owners
        # All keys joined by a separator: one C-level str.find scan finds every substring hit.
        starts: list[int] = []
        pos = 0
        for key in keys:
            starts.append(pos)
            pos += len(key) + 1
        self._starts = starts
        self._blob = _SEP.join(keys)

    def __len__(self) -> int:
        return len(self.items)

    def scores(self, query: str) -> dict[int, float]:
        """Best score per item index for `query` (items that do not match are absent)."""
        q = normalise(query)
        if not q:
            return {}
        best: dict[int, float] = {}
        for idx in self._exact.get(q, ()):
            best[idx] = EXACT
        blob, starts, keys, owners = self._blob, self._starts, self._keys, self._owners
        i = blob.find(q)
        while i >= 0:
            k = bisect_right(starts, i) - 1
            key = keys[k]
            idx = owners[k]
            if i == starts[k]:
                score = PREFIX + 0.09 * len(q) / len(key) if len(q) < len(key) else EXACT
            else:
                score = SUBSTRING + 0.1 * len(q) / len(key)
            if score > best.get(idx, 0.0):
                best[idx] = score
            i = blob.find(q, i + 1)
        if best:
            return best
        # Fallbacks, only when no name contains the query.
        qtoks = tokens(query)
        if qtoks:
            counts: dict[int, int] = defaultdict(int)
            for tok in qtoks:
                for idx in self._postings.get(tok, ()):
                    counts[idx] += 1
            for idx, n in counts.items():
                share = n / len(qtoks)
                if share >= MIN_OVERLAP:
                    best[idx] = max(best.get(idx, 0.0), TOKENS + 0.3 * share)
        if len(q) >= 2:
            for k, key in enumerate(keys):
                if len(key) >= 2 and key in q:
                    idx = owners[k]
                    score = CONTAINED + 0.1 * len(key) / len(q)
                    if score > best.get(idx, 0.0):
                        best[idx] = score
        return best

    def search(self, query: str, limit: int | None = None) -> list[tuple[float, T]]:
        """Matching items, best first (ties keep index order)."""
        ranked = sorted(self.scores(query).items(), key=lambda kv: (-kv[1], kv[0]))
        if limit is not None:
            ranked = ranked[:limit]
        return [(score, self.items[idx]) for idx, score in ranked]

    def best(self, query: str) -> T | None:
        """The single best match, or None."""
        hits = self.search(query, limit=1)
        return hits[0][1] if hits else None


_CACHES: list[weakref.WeakKeyDictionary[Any, Any]] = []


def world_cached(fn: Callable[[W], T]) -> Callable[[W], T]:
    """Memoise a per-world precomputation (index, lookup table) for the world's lifetime.

    Keyed weakly by the world object itself, so a rebuilt world never sees a stale index.
    """
    cache: weakref.WeakKeyDictionary[Any, T] = weakref.WeakKeyDictionary()
    _CACHES.append(cache)

    def wrapper(world: W) -> T:
        try:
            return cache[world]
        except KeyError:
            value = fn(world)
            cache[world] = value
            return value

    wrapper.__name__ = getattr(fn, "__name__", "world_cached")
    wrapper.__doc__ = fn.__doc__
    return wrapper

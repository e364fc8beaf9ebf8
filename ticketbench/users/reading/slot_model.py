"""A small naive Bayes model naming the slot of a question the lexicon cannot place.

The lexicon (`lexicon`) knows the words it was written with; a question in other words
("What's the group size?", "您家在哪一块？") reads as a question about nothing, which the
user can only answer with "I'm not sure". This model is the reader's last resort for
exactly those questions: character n-grams (Chinese) and words with their character
n-grams (English) of the question, scored per slot, trained on the labelled corpus.

Deterministic and offline: the weights are `slot_model.json`, shipped in the package and
rebuilt from the corpus with `python -m ticketbench.users.reading.train DIR`
(`tests/test_slot_model.py` checks the shipped file is that build and measures the model
on folds of the corpus it was not trained on).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ticketbench.users.reading.text import CJK, clean, sentences

MODEL_FILE = Path(__file__).with_name("slot_model.json")
FORMAT = "ticketbench-slot-model/1"
_ALPHA = 0.5  # additive smoothing
_MIN_PROBABILITY = 0.9  # below this the question stays unplaced (its slot unknown)
NONE = "-"  # the class of questions that ask nothing the user could know ("Did you like it?")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_QUESTION = re.compile(r"[?？]\s*$")


def question_text(text: str) -> str:
    """The asking part of a message: its question sentences (the last sentence without)."""
    said = sentences(clean(text))
    asked = [s for s in said if _QUESTION.search(s)]
    return " ".join(asked or said[-1:])


def features(text: str) -> list[str]:
    """Character bi- and trigrams of Chinese; words, word pairs and the character 4-grams
    inside words of English (so "tickets" and "ticket" share most of theirs)."""
    t = clean(text)
    out: list[str] = []
    if CJK.search(t):
        for run in _CJK_RUN.findall(t):
            out += [run[i : i + 2] for i in range(len(run) - 1)]
            out += [run[i : i + 3] for i in range(len(run) - 2)]
    words = _WORD.findall(t)
    out += [f"w:{w}" for w in words]
    out += [f"p:{a} {b}" for a, b in itertools.pairwise(words)]
    for w in words:
        padded = f"#{w}#"
        out += [f"c:{padded[i : i + 4]}" for i in range(len(padded) - 3)]
    return out


@dataclass(frozen=True)
class SlotModel:
    """Multinomial naive Bayes over `features`: per slot, its prior and feature counts."""

    priors: dict[str, int]  # slot -> questions asking it
    counts: dict[str, dict[str, int]]  # slot -> feature -> count
    vocabulary: int

    def probabilities(self, text: str) -> dict[str, float]:
        """Slot -> posterior probability that `text` (a question) asks it."""
        feats = features(text)
        total = sum(self.priors.values())
        scores: dict[str, float] = {}
        for slot, prior in self.priors.items():
            seen = self.counts[slot]
            size = sum(seen.values()) + _ALPHA * self.vocabulary
            score = math.log(prior / total)
            for f in feats:
                score += math.log((seen.get(f, 0) + _ALPHA) / size)
            scores[slot] = score
        top = max(scores.values(), default=0.0)
        weights = {s: math.exp(v - top) for s, v in scores.items()}
        norm = sum(weights.values())
        return {s: w / norm for s, w in sorted(weights.items())}

    def guess(self, text: str) -> str | None:
        """The slot `text` most likely asks, or None when no slot is likely enough."""
        probs = self.probabilities(text)
        if not probs:
            return None
        slot = max(probs, key=lambda s: (probs[s], s))
        return slot if slot != NONE and probs[slot] >= _MIN_PROBABILITY else None

    def to_json(self) -> str:
        return json.dumps(
            {"format": FORMAT, "priors": self.priors, "counts": self.counts,
             "vocabulary": self.vocabulary},
            ensure_ascii=False, sort_keys=True, separators=(",", ":"),
        )  # fmt: skip

    @classmethod
    def from_json(cls, data: str) -> SlotModel:
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file (format {raw.get('format')!r})")
        return cls(raw["priors"], raw["counts"], raw["vocabulary"])


def train(questions: Iterable[tuple[str, Iterable[str]]]) -> SlotModel:
    """A model from (message, slots it asks) pairs; each message counts once per slot."""
    priors: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {}
    vocabulary: set[str] = set()
    for text, slots in questions:
        feats = features(question_text(text))
        vocabulary.update(feats)
        for slot in slots:
            priors[slot] += 1
            counts.setdefault(slot, Counter()).update(feats)
    return SlotModel(
        dict(sorted(priors.items())),
        {s: dict(sorted(c.items())) for s, c in sorted(counts.items())},
        len(vocabulary),
    )


@lru_cache(maxsize=1)
def shipped() -> SlotModel:
    """The model shipped with the package."""
    return SlotModel.from_json(MODEL_FILE.read_text(encoding="utf-8"))

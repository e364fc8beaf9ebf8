"""A small learned reader: a message's kind, the slots it asks, and its two flags.

The rules (`reader`) were written message by message from the labelled corpus and read each
new writer's text worse than the text they were tuned on. This model is learned from the
same corpus instead: an averaged perceptron per label (one multiclass head for the kind;
one yes/no head per slot, trained on questions only; one each for `+summary` and
`+options`) over the words of the message (`features`): character 1- to 3-grams of Chinese,
words and word pairs of English, each taken from the whole message, from its question
sentences and from its last sentence, and a few marks of its layout.

Deterministic, offline and exact: training runs in integers (a perceptron's updates are
+-1, its average is a sum of integers) in a fixed order, and the shipped weights
(`message_model.json`, built with `python -m ticketbench.users.reading.train DIR`) are
integers, so `tests/test_message_model.py` can check they are the build from the corpus.
Inference is pure Python over a dict of sparse weight rows.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ticketbench.users.reading import lexicon as lx
from ticketbench.users.reading.acts import ACTS, Act
from ticketbench.users.reading.corpus import Labelled
from ticketbench.users.reading.layout import listed_options
from ticketbench.users.reading.statements import is_summary
from ticketbench.users.reading.text import CJK, clean, sentences

MODEL_FILE = Path(__file__).with_name("message_model.json")
FORMAT = "ticketbench-message-model/1"
# Every slot a label may name (the corpus README's table).
SLOTS: tuple[str, ...] = (
    "which_movie", "which_event", "cinema", "place", "date", "time", "session", "count",
    "seat_pref", "zone", "format", "budget", "discount", "payment", "attendees", "order",
)  # fmt: skip
FLAGS: tuple[str, ...] = ("summary", "options")
COLUMNS: tuple[str, ...] = (*(f"kind:{a}" for a in ACTS), *(f"slot:{s}" for s in SLOTS), *FLAGS)
_KINDS = len(ACTS)
_SLOT_AT = {s: _KINDS + n for n, s in enumerate(SLOTS)}
_FLAG_AT = {f: _KINDS + len(SLOTS) + n for n, f in enumerate(FLAGS)}
EPOCHS = 12
MIN_COUNT = 2  # a feature seen in fewer messages is not learned from
SCALE = 100  # shipped weights: the averaged weight in hundredths, rounded down
_SEED = 20261207

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_QMARK = re.compile(r"[?？]\s*$")
_CLOCK = re.compile(lx.CLOCK)
_PRICE = re.compile(r"[¥￥$]\s*\d|\d\s*(?:元|块|yuan|rmb)")
_DATE = re.compile(r"\d{1,2}月\d{1,2}[日号]|\b\d{1,2}/\d{1,2}\b|" + lx.MONTH)
_FIELD = re.compile(r"^\W*[^\s:：?？]{1,12}(?:\s[^\s:：?？]{1,12}){0,2}\s?[:：]\s*\S")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def _bucket(n: int, top: int) -> str:
    return str(min(n, top))


def _grams(text: str, where: str) -> set[str]:
    """Character 1- to 3-grams of each Chinese run; words and word pairs of the rest."""
    out: set[str] = set()
    for run in _CJK_RUN.findall(text):
        for size in (1, 2, 3):
            out.update(f"{where}{run[i : i + size]}" for i in range(len(run) - size + 1))
    words = _WORD.findall(text)
    out.update(f"{where}w:{w}" for w in words)
    out.update(f"{where}p:{a} {b}" for a, b in itertools.pairwise(words))
    return out


# Lexicon patterns whose hits are features (`c:`): what the rules listen for, as evidence
# the model weighs rather than a decision.
_CUES = (
    "GO_AHEAD", "ACCEPT", "ACTION", "CLOSING", "ALTERNATIVE", "REQUEST", "GO_WITHOUT_QUESTION",
    "DISAMBIGUATION", "CHOOSE", "WH_ZH", "WH_EN",
)  # fmt: skip


def _cues(text: str, cleaned: str, asked: list[str]) -> set[str]:
    """The lexicon's slot cues in the question sentences, its act cues in the message, and
    whether the rules see an order summary or a list of options."""
    out = {f"c:{name}" for name in _CUES if getattr(lx, name).search(cleaned)}
    for s in asked:
        out |= {f"c:strong={k}" for k, rx in lx.SLOT_CUES.items() if rx.search(s)}
        out |= {f"c:weak={k}" for k, rx in lx.WEAK_SLOT_CUES.items() if rx.search(s)}
    if is_summary(cleaned):
        out.add("c:summary")
    if listed_options(text):
        out.add("c:options")
    return out


def features(text: str) -> list[str]:
    """The features of one agent message, sorted: its words from the whole message (`a`),
    its question sentences (`q`) and its last sentence (`l`), its layout (`s:`) and the
    lexicon's cues (`c:`)."""
    t = clean(text)
    said = sentences(t)
    asked = [s for s in said if _QMARK.search(s)]
    lines = [ln for ln in t.splitlines() if ln.strip()]
    out = {"bias", "s:zh" if CJK.search(t) else "s:en"}
    out |= _grams(t, "a:")
    for s in asked:
        out |= _grams(s, "q:")
    for s in said[-1:]:
        out |= _grams(s, "l:")
    out |= {
        f"s:lines={_bucket(len(lines), 6)}",
        f"s:asked={_bucket(len(asked), 3)}",
        f"s:sentences={_bucket(len(said), 6)}",
        f"s:listed={_bucket(sum(1 for ln in lines if lx.LIST_ITEM.match(ln)), 4)}",
        f"s:table={_bucket(sum(1 for ln in lines if _TABLE_ROW.match(ln)), 3)}",
        f"s:fields={_bucket(sum(1 for ln in lines if _FIELD.match(ln)), 4)}",
        f"s:clocks={_bucket(len(_CLOCK.findall(t)), 3)}",
        f"s:prices={_bucket(len(_PRICE.findall(t)), 3)}",
        f"s:dates={_bucket(len(_DATE.findall(t)), 3)}",
        f"s:size={_bucket(len(t) // 40, 8)}",
    }
    if said and _QMARK.search(said[-1]):
        out.add("s:ends_asking")
    out |= _cues(text, t, asked or said[-1:])
    return sorted(out)


@dataclass(frozen=True)
class Guess:
    """What the model reads in a message, with the score of every column (`COLUMNS`)."""

    act: Act
    slots: tuple[str, ...]
    summary: bool
    options: bool
    scores: tuple[int, ...]

    def lead_over(self, act: Act) -> int:
        """How far the model's kind scores ahead of `act` (0 when `act` is its kind)."""
        return self.scores[ACTS.index(self.act)] - self.scores[ACTS.index(act)]


@dataclass(frozen=True)
class MessageModel:
    """Sparse integer weights: feature -> ((column, weight), ...)."""

    weights: dict[str, tuple[tuple[int, int], ...]]

    def scores(self, text: str, columns: int = len(COLUMNS)) -> list[int]:
        """The score of each of the first `columns` columns (a row lists its columns in
        order, so a reader of the kind alone stops at the first slot column)."""
        out = [0] * len(COLUMNS)
        for f in features(text):
            for column, weight in self.weights.get(f, ()):
                if column >= columns:
                    break
                out[column] += weight
        return out

    def guess(self, text: str) -> Guess:
        """The model's reading of one message (ties go to the earlier kind in `ACTS`)."""
        s = self.scores(text)
        kind = max(range(_KINDS), key=lambda k: (s[k], -k))
        act = ACTS[kind]
        slots = tuple(x for x in SLOTS if s[_SLOT_AT[x]] > 0) if act == "ask" else ()
        return Guess(act, slots, s[_FLAG_AT["summary"]] > 0, s[_FLAG_AT["options"]] > 0, tuple(s))

    def guess_kind(self, text: str) -> Guess:
        """The model's kind of one message, without its slots and flags (a third of the
        work of `guess`): the scores of the other columns are 0."""
        s = self.scores(text, _KINDS)
        act = ACTS[max(range(_KINDS), key=lambda k: (s[k], -k))]
        return Guess(act, (), False, False, tuple(s))

    def to_json(self) -> str:
        rows = {f: [list(cw) for cw in row] for f, row in sorted(self.weights.items())}
        return json.dumps(
            {"format": FORMAT, "columns": list(COLUMNS), "weights": rows},
            ensure_ascii=False, sort_keys=True, separators=(",", ":"),
        )  # fmt: skip

    @classmethod
    def from_json(cls, data: str) -> MessageModel:
        raw = json.loads(data)
        if raw.get("format") != FORMAT or raw.get("columns") != list(COLUMNS):
            raise ValueError(
                f"not a {FORMAT} file with these columns (format {raw.get('format')!r})"
            )
        return cls({f: tuple(sorted((c, w) for c, w in row)) for f, row in raw["weights"].items()})


def _targets(m: Labelled) -> tuple[int, dict[int, int]]:
    """The kind's column and, for each yes/no column this message trains, +1 or -1."""
    binary = {
        _FLAG_AT["summary"]: 1 if m.summary else -1,
        _FLAG_AT["options"]: 1 if m.options else -1,
    }
    if m.kind == "ask":  # slots are labelled on questions only
        binary |= {_SLOT_AT[s]: 1 if s in m.slots else -1 for s in SLOTS}
    return ACTS.index(m.kind), binary


def train(messages: Sequence[Labelled], epochs: int = EPOCHS) -> MessageModel:
    """Averaged perceptrons over `features`, in integers (see the module docstring).

    Each epoch visits the messages in a fixed shuffled order. Kept per weight: its current
    value `w` and the sum `u` of (step x update); the average over all steps is
    `w - u / steps`, shipped as `floor((steps*w - u) * SCALE / steps)`.
    """
    docs = [features(m.text) for m in messages]
    seen = Counter(f for d in docs for f in d)
    known = {f for f, n in seen.items() if n >= MIN_COUNT}
    rows = [[f for f in d if f in known] for d in docs]
    targets = [_targets(m) for m in messages]
    w: dict[str, list[int]] = {f: [0] * len(COLUMNS) for f in sorted(known)}
    u: dict[str, list[int]] = {f: [0] * len(COLUMNS) for f in sorted(known)}
    order = list(range(len(messages)))
    shuffle = random.Random(_SEED).shuffle
    step = 1
    for _ in range(epochs):
        shuffle(order)
        for i in order:
            feats = rows[i]
            totals = [sum(c) for c in zip(*(w[f] for f in feats), strict=True)]
            kind, binary = targets[i]
            updates: list[tuple[int, int]] = []
            best = max(range(_KINDS), key=lambda k: (totals[k], -k))
            if best != kind:
                updates += [(kind, 1), (best, -1)]
            updates += [(c, y) for c, y in binary.items() if y * totals[c] <= 0]
            for f in feats:
                wf, uf = w[f], u[f]
                for column, y in updates:
                    wf[column] += y
                    uf[column] += step * y
            step += 1
    shipped: dict[str, tuple[tuple[int, int], ...]] = {}
    for f, wf in w.items():
        row = tuple(
            (c, avg)
            for c in range(len(COLUMNS))
            if (avg := (step * wf[c] - u[f][c]) * SCALE // step) != 0
        )
        if row:
            shipped[f] = row
    return MessageModel(shipped)


@lru_cache(maxsize=1)
def shipped() -> MessageModel:
    """The model shipped with the package."""
    return MessageModel.from_json(MODEL_FILE.read_text(encoding="utf-8"))

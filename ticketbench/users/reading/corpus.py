"""Labelled agent messages: the format of the reader's corpus (`tests/data/reading/`).

One message a line: `KIND [SLOTS] [+summary] [+options] | TEXT`, `\\n` for a line break, `#`
for a comment. The corpus test measures `read` against it, the slot model (`slot_model`)
and the message model (`message_model`) are trained from it, `crossval` measures each on
the parts it was not built from; all parse and count here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ticketbench.users.reading.acts import ACTS

_CJK = re.compile(r"[\u4e00-\u9fff]")


class CorpusError(ValueError):
    """A corpus line that does not follow the format (file and line in the message)."""


@dataclass(frozen=True)
class Labelled:
    """One labelled message."""

    where: str  # file:line
    text: str
    kind: str
    slots: frozenset[str]
    summary: bool
    options: bool

    @property
    def zh(self) -> bool:
        return _CJK.search(self.text) is not None

    def labels(self) -> set[str]:
        """Every label the message carries (`kind:ask`, `slot:date`, `summary`, ...)."""
        out = {f"kind:{self.kind}", *(f"slot:{s}" for s in self.slots)}
        out |= {"summary"} if self.summary else set()
        out |= {"options"} if self.options else set()
        return out

    def reading(self) -> tuple[str, frozenset[str], bool, bool]:
        """What a reader must get right: kind, slots (of a question only) and the flags."""
        slots = self.slots if self.kind == "ask" else frozenset()
        return self.kind, slots, self.summary, self.options


# label -> (messages carrying it read right, carrying it, given it and carrying it read
# right, given it): recall is the first over the second, precision the third over the fourth
LabelCounts = dict[str, tuple[int, int, int, int]]


def label_counts(pairs: Iterable[tuple[Labelled, Labelled]]) -> LabelCounts:
    """Per label, over (labelled, as read) pairs: a message counts as read right only when
    its whole reading is (`Labelled.reading`)."""
    carry: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    given: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for truth, got in pairs:
        ok = truth.reading() == got.reading()
        wanted, read = truth.labels(), got.labels()
        for lab in wanted:
            carry[lab] += 1
            hit[lab] += ok
        for lab in read:
            given[lab] += 1
            right[lab] += lab in wanted and ok
    labels = sorted(set(carry) | set(given))
    return {lab: (hit[lab], carry[lab], right[lab], given[lab]) for lab in labels}


def parse_line(where: str, line: str) -> Labelled | None:
    """One corpus line (None for a blank or comment line)."""
    if not line.strip() or line.startswith("#"):
        return None
    head, sep, text = line.partition(" | ")
    if not sep:
        raise CorpusError(f"{where}: no ' | ' between the labels and the text")
    kind, *rest = head.split()
    if kind not in ACTS:
        raise CorpusError(f"{where}: unknown kind {kind!r} (one of {', '.join(ACTS)})")
    flags = {w for w in rest if w.startswith("+")}
    if not flags <= {"+summary", "+options"}:
        raise CorpusError(f"{where}: unknown flags {sorted(flags - {'+summary', '+options'})}")
    slots = frozenset(s for w in rest if not w.startswith("+") for s in w.split(",") if s != "-")
    return Labelled(
        where, text.replace("\\n", "\n"), kind, slots, "+summary" in flags, "+options" in flags
    )


def load(path: Path) -> list[Labelled]:
    """The labelled messages of one corpus file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    parsed = (parse_line(f"{path.name}:{n}", line) for n, line in enumerate(lines, 1))
    return [m for m in parsed if m is not None]

"""The reader against a labelled corpus of agent messages (tests/data/reading/).

Every message carries its kind (ask / confirm / cannot / cannot_unexplained / recommend /
inform), for questions the slots asked, and whether it holds an order summary or a list of
options. Per label: recall (messages carrying the label read exactly right: kind, slots and
flags) and precision (messages the reader gives the label that carry it).

- The tuning part must hold >= 95% overall and on every label.
- The held-out part was written after the reader's last tuning and is never used to tune
  it. The goal is the same 95%; it is not reached. Measured once each, the three held-out
  sets read 92.7%, 89.0% and 90.4% overall. The first two were then spent on tuning. This
  test holds the current one to `HELD_FLOOR` overall, so that a change that reads fresh text
  worse fails. Per label it only reports.
- The outside part (`outside_*.txt`) was written by an outside audit from this folder's
  README alone, without the reader, its lexicon or the other files. It is reported, never
  held to a floor (its labels are an outsider's reading of the README; a floor would invite
  tuning to it) and never tuned on. Measured once on the reader of 0868cf4: 80.2% overall
  on the 278 lines not shared with the other parts (80.8% on all 286).

`pytest -s tests/test_reading_corpus.py` prints the tables.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from ticketbench.users.understand import ACTS, read

HERE = Path(__file__).parent / "data" / "reading"
FLOOR = 0.95
HELD_FLOOR = 0.88  # the goal is FLOOR; see the module docstring
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Labelled:
    """One corpus line."""

    where: str
    text: str
    kind: str
    slots: frozenset[str]
    summary: bool
    options: bool

    @property
    def zh(self) -> bool:
        return _CJK.search(self.text) is not None

    def labels(self) -> set[str]:
        out = {f"kind:{self.kind}", *(f"slot:{s}" for s in self.slots)}
        out |= {"summary"} if self.summary else set()
        out |= {"options"} if self.options else set()
        return out


def load(name: str) -> list[Labelled]:
    out = []
    for n, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        head, sep, text = line.partition(" | ")
        assert sep, f"{name}:{n}: no ' | '"
        words = head.split()
        kind, rest = words[0], words[1:]
        assert kind in ACTS, f"{name}:{n}: unknown kind {kind}"
        slots = [w for w in rest if not w.startswith("+")]
        flags = {w for w in rest if w.startswith("+")}
        assert flags <= {"+summary", "+options"}, f"{name}:{n}: {flags}"
        slot_set = frozenset(s for w in slots for s in w.split(",") if s != "-")
        out.append(
            Labelled(f"{name}:{n}", text.replace("\\n", "\n"), kind, slot_set,
                     "+summary" in flags, "+options" in flags)
        )  # fmt: skip
    return out


def predicted(m: Labelled) -> Labelled:
    r = read(m.text)
    slots = frozenset(r.slots) if r.act == "ask" else frozenset()
    return Labelled(m.where, m.text, r.act, slots, r.summary, bool(r.options))


def scores(corpus: list[Labelled]) -> tuple[dict[str, tuple[int, int, int, int]], list[str]]:
    """label -> (recall hits, carrying, precision hits, given); and the misreadings."""
    carry: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    given: Counter[str] = Counter()
    right: Counter[str] = Counter()
    wrong: list[str] = []
    for m in corpus:
        p = predicted(m)
        # slots are labelled on questions seeking information only
        ok = (m.kind, m.slots if m.kind == "ask" else frozenset(), m.summary, m.options) == (
            p.kind,
            p.slots,
            p.summary,
            p.options,
        )
        truth, got = m.labels(), p.labels()
        for lab in truth:
            carry[lab] += 1
            hit[lab] += ok
        for lab in got:
            given[lab] += 1
            right[lab] += lab in truth and ok
        if not ok:
            wrong.append(f"{m.where}: {m.text!r} labelled {sorted(truth)} read {sorted(got)}")
    labels = sorted(set(carry) | set(given))
    return {lab: (hit[lab], carry[lab], right[lab], given[lab]) for lab in labels}, wrong


def _report(name: str, table: dict[str, tuple[int, int, int, int]], n: int) -> None:
    print(f"\n{name}: {n} messages")
    for lab, (h, c, r, g) in table.items():
        rec = f"{h / c:.1%} ({h}/{c})" if c else "–"
        pre = f"{r / g:.1%} ({r}/{g})" if g else "–"
        print(f"  {lab:26} recall {rec:18} precision {pre}")


TUNE = (
    load("tune_zh.txt") + load("tune_en.txt") + load("tune_burned.txt") + load("tune_burned2.txt")
)
# a terse message ("几位？") may also have been written for tuning: then it is not held out
HELD = [m for m in load("heldout_zh.txt") + load("heldout_en.txt") if m.text not in
        {t.text for t in TUNE}]  # fmt: skip


# the outside audit's set (see the module docstring); lines that happen to equal a tuning or
# held-out line (terse ones, the README's own example) are not outside text
OUTSIDE_FILES = load("outside_zh.txt") + load("outside_en.txt")
OUTSIDE = [m for m in OUTSIDE_FILES if m.text not in {t.text for t in TUNE + HELD}]


def test_outside_part_is_reported_and_kept_apart() -> None:
    """Chinese and English in equal parts; at most 5% of the outside lines equal a tuning or
    held-out line (more would mean outside text was copied in and tuned on). Its accuracy
    is printed (`pytest -s`), not asserted."""
    assert len(OUTSIDE_FILES) >= 240
    assert sum(m.zh for m in OUTSIDE_FILES) * 2 == len(OUTSIDE_FILES)
    shared = [m.text for m in OUTSIDE_FILES if m not in OUTSIDE]
    assert len(shared) <= 0.05 * len(OUTSIDE_FILES), shared
    table, wrong = scores(OUTSIDE)
    _report("outside", table, len(OUTSIDE))
    print(f"  overall {1 - len(wrong) / len(OUTSIDE):.1%}")
    print("\n".join(wrong))


def test_corpus_shape() -> None:
    """≥ 800 messages, Chinese and English in equal parts, ≥ 25% held out."""
    everything = TUNE + HELD
    assert len(everything) >= 800
    assert sum(m.zh for m in everything) * 2 == len(everything)
    assert abs(sum(m.zh for m in HELD) * 2 - len(HELD)) <= 0.05 * len(HELD)
    assert len(HELD) >= 0.25 * len(everything)


@pytest.mark.parametrize("part", ["tune", "heldout"])
def test_reader_accuracy_per_label(part: str) -> None:
    corpus = TUNE if part == "tune" else HELD
    table, wrong = scores(corpus)
    _report(part, table, len(corpus))
    overall = 1 - len(wrong) / len(corpus)
    print(f"  overall {overall:.1%}")
    if part == "heldout":
        assert overall >= HELD_FLOOR, "\n".join(wrong)
        return
    low = {lab: v for lab, v in table.items() if v[1] and v[0] / v[1] < FLOOR}
    low |= {lab: v for lab, v in table.items() if v[3] and v[2] / v[3] < FLOOR}
    assert overall >= FLOOR and not low, "\n".join([str(low), *wrong])


def test_reading_does_not_depend_on_the_hash_seed() -> None:
    """Deterministic across processes: the same corpus reads the same under any hash seed
    (set iteration order must never decide a reading)."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; sys.path.insert(0, 'tests'); import test_reading_corpus as t; "
        "from ticketbench.users.understand import read; "
        "print('\\n'.join(repr(read(m.text)) for m in t.TUNE + t.HELD))"
    )
    root = Path(__file__).resolve().parents[1]
    outs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]  # fmt: skip
    assert outs[0] == outs[1] and outs[0].count("\n") == len(TUNE) + len(HELD)

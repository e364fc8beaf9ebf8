"""The reader against a labelled corpus of agent messages (tests/data/reading/).

Every message carries its kind (ask / confirm / cannot / cannot_unexplained / recommend /
inform), for questions the slots asked, and whether it holds an order summary or a list of
options. Per label: recall (messages carrying the label read exactly right: kind, slots and
flags) and precision (messages the reader gives the label that carry it).

Every part but one is tuning, and the tuning must hold >= 95% overall and on every label,
but for the parts still being tuned (`IN_TUNING`: folded in after they were measured once,
held to that number until they reach the floor).
The held-out parts (`heldout_*.txt`), each written blind by another engineer and measured
once (A 79.8%, B 78.4%, C 81.5%), are never tuned on: they are reported and held to a regression
floor only.
Each part is reported on its own, with the number it read when it was measured once,
before any tuning on it (`PARTS`). Held-out text is measured once and then tuned on: three
held-out sets (92.7%, 89.0%, 90.4%), an outside audit's blind set (80.2%) and a fresh set
handed over by another engineer (round 1: 74.3%; fresh set 2: 76.7% and 70.0%; fresh set 3:
72.0%) were spent so.

`pytest -s tests/test_reading_corpus.py` prints the tables.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ticketbench.users.reading import corpus
from ticketbench.users.reading.corpus import LabelCounts, Labelled, label_counts
from ticketbench.users.understand import read

HERE = Path(__file__).parent / "data" / "reading"
FLOOR = 0.95


def load(name: str) -> list[Labelled]:
    return corpus.load(HERE / name)


def predicted(m: Labelled) -> Labelled:
    r = read(m.text)
    slots = frozenset(r.slots) if r.act == "ask" else frozenset()
    return Labelled(m.where, m.text, r.act, slots, r.summary, bool(r.options))


def scores(corpus: list[Labelled]) -> tuple[LabelCounts, list[str]]:
    """label -> (recall hits, carrying, precision hits, given); and the misreadings."""
    pairs = [(m, predicted(m)) for m in corpus]
    wrong = [
        f"{m.where}: {m.text!r} labelled {sorted(m.labels())} read {sorted(p.labels())}"
        for m, p in pairs
        if m.reading() != p.reading()
    ]
    return label_counts(pairs), wrong


def _report(name: str, table: LabelCounts, n: int) -> None:
    print(f"\n{name}: {n} messages")
    for lab, (h, c, r, g) in table.items():
        rec = f"{h / c:.1%} ({h}/{c})" if c else "–"
        pre = f"{r / g:.1%} ({r}/{g})" if g else "–"
        print(f"  {lab:26} recall {rec:18} precision {pre}")


# part -> (its files, what it read when measured once before any tuning on it)
PARTS: dict[str, tuple[tuple[str, ...], str]] = {
    "tune": (("tune_zh.txt", "tune_en.txt"), "written for tuning"),
    "classes": (("tune_classes.txt",), "written for tuning, by class of misreading"),
    "burned1": (("tune_burned.txt",), "92.7% measured once"),
    "burned2": (("tune_burned2.txt",), "89.0% measured once"),
    "burned3": (("tune_burned3_zh.txt", "tune_burned3_en.txt"), "90.4% measured once"),
    "outside": (
        ("tune_burned_outside_zh.txt", "tune_burned_outside_en.txt"),
        "80.2% measured once (an outside audit's blind set)",
    ),
    "round1": (
        ("tune_burned_round1_zh.txt", "tune_burned_round1_en.txt"),
        "74.3% measured once (a fresh set handed over by another engineer)",
    ),
    "burned5": (
        ("tune_burned5_zh.txt", "tune_burned5_en.txt"),
        "76.7% measured once (fresh set 2, first half; 64.7% with the writer's slot names)",
    ),
    "burned6": (
        ("tune_burned6_zh.txt", "tune_burned6_en.txt"),
        "70.0% measured once (fresh set 2, second half, after tuning on the first)",
    ),
    "burned7": (
        ("tune_burned7_zh.txt", "tune_burned7_en.txt"),
        "72.0% measured once (fresh set 3; 68.8% on the reader before the session)",
    ),
}
# Parts folded in and being tuned: measured once, then tuned on, not yet read at the floor.
# Each is held to what it read when measured once; a part moves up into the floor (it is
# counted by `test_reader_accuracy_per_label`) once it reads >= 95% on every label.
IN_TUNING = {"burned6": 0.70, "burned7": 0.72}
CORPUS = {part: [m for f in files for m in load(f)] for part, (files, _) in PARTS.items()}
TUNE = [m for part in CORPUS.values() for m in part]
SETTLED = [m for part, ms in CORPUS.items() if part not in IN_TUNING for m in ms]

# The held-out parts: each written blind by another engineer, measured once, never tuned on.
# part -> (files, what it read when measured once and on which reader, regression floor)
HELD_PARTS = {
    "A": (("heldout_zh.txt", "heldout_en.txt"), "79.8% on a79f410", 0.77),
    "B": (("heldout_b_zh.txt", "heldout_b_en.txt"), "78.4% on 5bc95bd", 0.76),
    "C": (("heldout_c_zh.txt", "heldout_c_en.txt"), "81.5% on f1a8936", 0.79),
    "D": (("heldout_d_zh.txt", "heldout_d_en.txt"), "79.2% on 762dac7", 0.77),
}
HELD_BY_PART = {p: [m for f in files for m in load(f)] for p, (files, _, _) in HELD_PARTS.items()}
HELD = [m for part in HELD_BY_PART.values() for m in part]


@pytest.mark.parametrize("part", list(HELD_PARTS))
def test_held_out_part_is_reported_and_held_to_its_floor(part: str) -> None:
    """The reader on text it was never tuned on (`pytest -s` prints the table, not the
    misread messages: reading them is the first step of tuning on them). The goal is 95%,
    like the rest; a change that reads a part worse than its floor fails."""
    (zh, en), once, floor = HELD_PARTS[part]
    held = HELD_BY_PART[part]  # Chinese and English in equal parts (some English mixes in 中文)
    assert len(held) >= 400 and len(load(zh)) == len(load(en))
    table, wrong = scores(held)
    _report(f"held-out {part} ({once} measured once)", table, len(held))
    overall = 1 - len(wrong) / len(held)
    print(f"  overall {overall:.1%}")
    assert overall >= floor, f"held-out {part}: {overall:.1%} < {floor:.0%}"


def test_labels_agree_across_parts() -> None:
    """A message written twice (terse ones recur: "几位？") carries one labelling."""
    seen: dict[str, Labelled] = {}
    clash = []
    for m in TUNE:
        first = seen.setdefault(m.text, m)
        if first.labels() != m.labels():
            clash.append(f"{first.where} / {m.where}: {m.text!r}")
    assert not clash, clash


def test_corpus_shape() -> None:
    """>= 800 messages, Chinese and English in equal parts."""
    assert len(TUNE) >= 800
    assert sum(m.zh for m in TUNE) * 2 == len(TUNE)


def test_readme_names_every_slot_the_corpus_uses() -> None:
    """The README's slot table is what a blind writer labels with: it must name each slot
    the corpus and the reader use, and nothing else."""
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^  \| `(\w+)` \|", readme, re.M))
    used = {s for m in [*TUNE, *HELD] for s in m.slots} - {"-"}
    assert listed == used, (listed - used, used - listed)


@pytest.mark.parametrize("part", list(PARTS))
def test_each_part_is_reported(part: str) -> None:
    """Each part's accuracy (`pytest -s`), next to what it read when measured once; a part
    still being tuned must not read worse than that."""
    table, wrong = scores(CORPUS[part])
    _report(f"{part} ({PARTS[part][1]})", table, len(CORPUS[part]))
    overall = 1 - len(wrong) / len(CORPUS[part])
    print(f"  overall {overall:.1%}")
    print("\n".join(wrong))
    assert CORPUS[part]
    assert overall >= IN_TUNING.get(part, 0.0), "\n".join(wrong)


def test_reader_accuracy_per_label() -> None:
    """>= 95% overall and on every label, on every part but those still being tuned."""
    table, wrong = scores(SETTLED)
    _report("all settled parts", table, len(SETTLED))
    overall = 1 - len(wrong) / len(SETTLED)
    print(f"  overall {overall:.1%}")
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
        "print('\\n'.join(repr(read(m.text)) for m in t.TUNE))"
    )
    root = Path(__file__).resolve().parents[1]
    outs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]  # fmt: skip
    assert outs[0] == outs[1] and outs[0].count("\n") == len(TUNE)

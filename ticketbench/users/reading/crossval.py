"""`python -m ticketbench.users.reading.crossval CORPUS_DIR`: leave-one-part-out.

How well does a reader read a writer it was not built from? Each part of the corpus (the
files of one writing, `part_of`: `tune_burned3_zh.txt` and `tune_burned3_en.txt` are one
part, the English often a translation of the Chinese) is left out in turn; the message model
(`message_model`) is trained on every other tuning part and reads the one left out. The
rules (`rules.read_by_rules`) are measured on the same parts as shipped: they were tuned on
every part committed before them, so on those parts their number is an upper bound, and only on a
part newer than the rules is it a first sight; the same holds for their combination with
the model (`reader.second_opinion`, what `reader.read` reads). The held-out part
(`heldout_*.txt`) is never read here.

Accuracy is the corpus test's: a message counts only when its whole reading (kind, slots,
flags) is right (`corpus.label_counts`).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ticketbench.users.reading import message_model
from ticketbench.users.reading.acts import Reading
from ticketbench.users.reading.corpus import (
    CorpusError,
    LabelCounts,
    Labelled,
    label_counts,
    load,
)
from ticketbench.users.reading.reader import second_opinion
from ticketbench.users.reading.rules import read_by_rules
from ticketbench.users.reading.train import tuning_files

_LANGUAGE = re.compile(r"_(?:zh|en)$")


def part_of(path: Path) -> str:
    """The part a corpus file belongs to: its name without the language."""
    return _LANGUAGE.sub("", path.stem)


def parts(folder: Path) -> dict[str, list[Labelled]]:
    """The tuning parts of a corpus folder (never the held-out part), by name; a file
    without messages makes no part."""
    out: dict[str, list[Labelled]] = {}
    for f in tuning_files(folder):
        if messages := load(f):
            out.setdefault(part_of(f), []).extend(messages)
    return out


def _labelled(m: Labelled, r: Reading) -> Labelled:
    """`m` with the reading `r` gave it."""
    slots = frozenset(r.slots if r.act == "ask" else ())
    return Labelled(m.where, m.text, r.act, slots, r.summary, bool(r.options))


def readers(model: message_model.MessageModel) -> dict[str, Callable[[Labelled], Labelled]]:
    """The readers compared: the rules alone, the model alone, and the rules with the
    model's sure second opinion on the kind (`second_opinion`)."""

    def by_model(m: Labelled) -> Labelled:
        g = model.guess(m.text)
        slots = frozenset(g.slots if g.act == "ask" else ())
        return Labelled(m.where, m.text, g.act, slots, g.summary, g.options)

    return {
        "rules": lambda m: _labelled(m, read_by_rules(m.text)),
        "model": by_model,
        "rules+model": lambda m: _labelled(
            m, second_opinion(read_by_rules(m.text), model.guess(m.text))
        ),
    }


READERS = ("rules", "model", "rules+model")


@dataclass(frozen=True)
class PartResult:
    """One part left out: its size and, per reader, the messages read right and the counts."""

    messages: int
    right: dict[str, int]
    counts: dict[str, LabelCounts]


def cross_validate(
    folder: Path, leave_out: Sequence[str] = (), progress: Callable[[str], None] = lambda _: None
) -> dict[str, PartResult]:
    """Each tuning part of `folder` (or each of `leave_out`) left out in turn (see the
    module docstring)."""
    corpus = parts(folder)
    if unknown := [p for p in leave_out if p not in corpus]:
        raise ValueError(f"no part {', '.join(unknown)} (parts: {', '.join(corpus)})")
    out: dict[str, PartResult] = {}
    for name, unseen in corpus.items():
        if leave_out and name not in leave_out:
            continue
        seen = [m for other, ms in corpus.items() if other != name for m in ms]
        reading = readers(message_model.train(seen))
        pairs = {r: [(m, reading[r](m)) for m in unseen] for r in READERS}
        right = {r: sum(t.reading() == g.reading() for t, g in ps) for r, ps in pairs.items()}
        out[name] = PartResult(len(unseen), right, {r: label_counts(ps) for r, ps in pairs.items()})
        progress(f"{name}: {len(unseen)} messages, " + ", ".join(
            f"{r} {right[r] / len(unseen):.1%}" for r in READERS
        ))  # fmt: skip
    return out


def total(results: dict[str, PartResult], reader: str) -> LabelCounts:
    """One reader's label counts summed over every part left out."""
    sums: dict[str, list[int]] = {}
    for result in results.values():
        for lab, counts in result.counts[reader].items():
            was = sums.setdefault(lab, [0, 0, 0, 0])
            for n, c in enumerate(counts):
                was[n] += c
    return {lab: (a, b, c, d) for lab, (a, b, c, d) in sorted(sums.items())}


def _pct(a: int, b: int) -> str:
    return f"{a / b:6.1%}" if b else "     –"


def format_table(results: dict[str, PartResult]) -> list[str]:
    """Per part, then per label (recall / precision) over every part, for each reader."""
    lines = [f"{'part left out':24} {'messages':>8}  " + "  ".join(f"{r:>11}" for r in READERS)]
    for name, res in results.items():
        row = "  ".join(f"{_pct(res.right[r], res.messages):>11}" for r in READERS)
        lines.append(f"{name:24} {res.messages:8}  {row}")
    n = sum(r.messages for r in results.values())
    overall = "  ".join(
        f"{_pct(sum(res.right[r] for res in results.values()), n):>11}" for r in READERS
    )
    lines += [f"{'overall':24} {n:8}  {overall}", ""]
    tables = {r: total(results, r) for r in READERS}
    lines.append(f"per label, over {', '.join(results)}:")
    head = "  ".join(f"{r + ' rec / prec':>17}" for r in READERS)
    lines.append(f"{'label':24} {'carrying':>8}  {head}")
    for lab in sorted(set().union(*tables.values())):
        cells = []
        for r in READERS:
            hit, carry, right, given = tables[r].get(lab, (0, 0, 0, 0))
            cells.append(f"{_pct(hit, carry)} / {_pct(right, given)}")
        carrying = tables[READERS[0]].get(lab, (0, 0, 0, 0))[1]
        lines.append(f"{lab:24} {carrying:8}  " + "  ".join(f"{c:>17}" for c in cells))
    return lines


def main(argv: list[str]) -> int:
    args = argparse.ArgumentParser(
        prog="python -m ticketbench.users.reading.crossval",
        description="Leave-one-part-out: the rules, the message model and their combination.",
    )
    args.add_argument("corpus", type=Path, help="folder of labelled messages (*.txt)")
    args.add_argument(
        "--leave-out",
        default="",
        help="comma-separated parts to leave out, one at a time (default: every part); name "
        "the parts newer than the rules for a first-sight comparison",
    )
    opts = args.parse_args(argv)
    if not opts.corpus.is_dir():
        args.error(f"{opts.corpus}: not a folder")
    chosen = [p for p in opts.leave_out.split(",") if p]
    try:
        results = cross_validate(opts.corpus, chosen, lambda line: print(line, file=sys.stderr))
    except CorpusError as err:
        args.error(str(err))
    except ValueError as err:
        args.error(f"--leave-out: {err}")
    print("\n".join(format_table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

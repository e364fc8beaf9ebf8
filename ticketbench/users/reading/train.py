"""`python -m ticketbench.users.reading.train CORPUS_DIR`: rebuild the shipped slot model.

Trains `slot_model` on every question of the labelled corpus (`tests/data/reading/`) and
writes `slot_model.json` next to it. The corpus test checks the shipped file is this build.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ticketbench.users.reading.corpus import load
from ticketbench.users.reading.slot_model import MODEL_FILE, NONE, SlotModel, train

HELD_OUT = "heldout_"  # files named so are the held-out part: never trained on


def tuning_files(folder: Path) -> list[Path]:
    """The corpus files a model may learn from: every `*.txt` but the held-out part."""
    return [f for f in sorted(folder.glob("*.txt")) if not f.name.startswith(HELD_OUT)]


def train_on_corpus(folder: Path) -> SlotModel:
    """The model from every labelled question of a corpus folder's tuning files
    (`tuning_files`): a question that asks nothing the user could know is trained as the
    class `NONE`."""
    messages = [m for f in tuning_files(folder) for m in load(f)]
    return train((m.text, sorted(m.slots) or [NONE]) for m in messages if m.kind == "ask")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m ticketbench.users.reading.train CORPUS_DIR", file=sys.stderr)
        return 2
    model = train_on_corpus(Path(argv[0]))
    MODEL_FILE.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"{MODEL_FILE}: {sum(model.priors.values())} questions, {model.vocabulary} features")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

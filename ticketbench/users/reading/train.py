"""`python -m ticketbench.users.reading.train CORPUS_DIR`: rebuild the shipped models.

Trains `slot_model` on every question of the labelled corpus (`tests/data/reading/`) and
`message_model` on every message of it, and writes `slot_model.json` and
`message_model.json` next to them. Tests check the shipped files are this build: run it
after a change to the corpus, to `text.clean` or to the lexicon (the message model's cues).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ticketbench.users.reading import message_model
from ticketbench.users.reading.corpus import Labelled, load
from ticketbench.users.reading.slot_model import MODEL_FILE, NONE, SlotModel, train

HELD_OUT = "heldout_"  # files named so are the held-out part: never trained on


def tuning_files(folder: Path) -> list[Path]:
    """The corpus files a model may learn from: every `*.txt` but the held-out part."""
    return [f for f in sorted(folder.glob("*.txt")) if not f.name.startswith(HELD_OUT)]


def tuning_messages(folder: Path) -> list[Labelled]:
    """Every labelled message of a corpus folder's tuning files."""
    return [m for f in tuning_files(folder) for m in load(f)]


def train_on_corpus(folder: Path) -> SlotModel:
    """The model from every labelled question of a corpus folder's tuning files
    (`tuning_files`): a question that asks nothing the user could know is trained as the
    class `NONE`."""
    messages = tuning_messages(folder)
    return train((m.text, sorted(m.slots) or [NONE]) for m in messages if m.kind == "ask")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m ticketbench.users.reading.train CORPUS_DIR", file=sys.stderr)
        return 2
    model = train_on_corpus(Path(argv[0]))
    MODEL_FILE.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"{MODEL_FILE}: {sum(model.priors.values())} questions, {model.vocabulary} features")
    messages = tuning_messages(Path(argv[0]))
    learned = message_model.train(messages)
    message_model.MODEL_FILE.write_text(learned.to_json() + "\n", encoding="utf-8")
    print(f"{message_model.MODEL_FILE}: {len(messages)} messages, {len(learned.weights)} features")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

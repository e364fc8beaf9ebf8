"""The slot model (`ticketbench.users.reading.slot_model`): the shipped weights are the
build from the corpus, and the model is measured on folds of the corpus it was not
trained on, alone and as the reader's last resort."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ticketbench.users.reading import reader, slot_model
from ticketbench.users.reading.corpus import Labelled, load
from ticketbench.users.reading.slot_model import MODEL_FILE, NONE, SlotModel, train
from ticketbench.users.reading.train import train_on_corpus, tuning_files

HERE = Path(__file__).parent / "data" / "reading"
FOLDS = 5
ALL = [m for f in tuning_files(HERE) for m in load(f)]  # the held-out part stays unseen


def _model(messages: list[Labelled]) -> SlotModel:
    return train((m.text, sorted(m.slots) or [NONE]) for m in messages if m.kind == "ask")


def _folds() -> Iterator[tuple[list[Labelled], list[Labelled]]]:
    for k in range(FOLDS):
        yield (
            [m for n, m in enumerate(ALL) if n % FOLDS != k],
            [m for n, m in enumerate(ALL) if n % FOLDS == k],
        )


def test_the_shipped_model_is_the_corpus_build() -> None:
    """`python -m ticketbench.users.reading.train tests/data/reading` rebuilds the file,
    from the tuning files only (never `heldout_*.txt`)."""
    held = {f.name for f in HERE.glob("heldout_*.txt")}
    assert held and held.isdisjoint(f.name for f in tuning_files(HERE))
    assert MODEL_FILE.read_text(encoding="utf-8").strip() == train_on_corpus(HERE).to_json()


def test_the_model_names_slots_of_questions_it_never_saw() -> None:
    """Trained on four fifths, asked about the fifth: the slot it is sure of is one the
    question asks (precision), and it is sure of most questions (coverage)."""
    sure = right = asked = 0
    for seen, unseen in _folds():
        model = _model(seen)
        for m in unseen:
            if m.kind != "ask" or not m.slots:
                continue
            asked += 1
            guess = model.guess(slot_model.question_text(m.text))
            sure += guess is not None
            right += guess in m.slots
    print(f"\nslot model on unseen folds: {right}/{sure} sure guesses right, of {asked} questions")
    assert right / sure >= 0.85 and sure / asked >= 0.8


def test_the_reader_with_a_model_not_trained_on_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole reader, its slot model trained without the fold it reads."""
    wrong = total = 0
    try:
        for seen, unseen in _folds():
            model = _model(seen)
            monkeypatch.setattr(slot_model, "shipped", lambda model=model: model)
            reader.read.cache_clear()
            for m in unseen:
                r = reader.read(m.text)
                slots = frozenset(r.slots) if r.act == "ask" else frozenset()
                total += 1
                wrong += (m.kind, m.slots, m.summary, m.options) != (
                    r.act, slots, r.summary, bool(r.options)
                )  # fmt: skip
    finally:
        reader.read.cache_clear()
    print(f"\nreader, slot model trained without the fold: {1 - wrong / total:.1%} of {total}")
    assert 1 - wrong / total >= 0.95

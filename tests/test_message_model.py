"""The message model (`ticketbench.users.reading.message_model`): the shipped weights are the
build from the corpus, it reads a writer it was not trained on, and its second opinion on
the rules' kind counts only where it is sure (`crossval.second_opinion`)."""

from __future__ import annotations

from pathlib import Path

from ticketbench.users.reading import crossval, message_model
from ticketbench.users.reading.acts import Reading
from ticketbench.users.reading.message_model import COLUMNS, Guess, MessageModel
from ticketbench.users.reading.reader import SURE, read, second_opinion
from ticketbench.users.reading.rules import read_by_rules
from ticketbench.users.reading.train import tuning_files, tuning_messages

HERE = Path(__file__).parent / "data" / "reading"


def test_the_shipped_model_is_the_corpus_build() -> None:
    """`python -m ticketbench.users.reading.train tests/data/reading` rebuilds the file from
    the tuning files only (never `heldout_*.txt`); training is in integers, so exactly."""
    assert not any(f.name.startswith("heldout_") for f in tuning_files(HERE))
    built = message_model.train(tuning_messages(HERE)).to_json()
    shipped = message_model.MODEL_FILE.read_text(encoding="utf-8").strip()
    assert shipped == built, (
        "stale message_model.json: run python -m ticketbench.users.reading.train tests/data/reading"
    )
    assert len(shipped) < 2_000_000


def test_the_model_reads_a_writer_it_was_not_trained_on() -> None:
    """Trained without the outside audit's blind set, the model reads it (its kind better
    than by chance, the whole reading most of the time). Leave-one-part-out over every part
    is `python -m ticketbench.users.reading.crossval tests/data/reading`."""
    parts = crossval.parts(HERE)
    unseen = parts.pop("tune_burned_outside")
    model = message_model.train([m for ms in parts.values() for m in ms])
    guesses = [(m, model.guess(m.text)) for m in unseen]
    kind = sum(g.act == m.kind for m, g in guesses) / len(unseen)
    whole = sum(
        (g.act, frozenset(g.slots), g.summary, g.options) == m.reading() for m, g in guesses
    ) / len(unseen)
    print(f"\nmodel on the outside set, not trained on it: kind {kind:.1%}, whole {whole:.1%}")
    assert kind >= 0.9 and whole >= 0.85


def _guess(act: str, lead: int, slots: tuple[str, ...] = ()) -> Guess:
    """A guess of `act` scoring `lead` ahead of every other kind."""
    scores = [0] * len(COLUMNS)
    scores[COLUMNS.index(f"kind:{act}")] = lead
    return Guess(act, slots, False, False, tuple(scores))  # type: ignore[arg-type]


def test_the_model_changes_the_kind_only_when_sure() -> None:
    rules = Reading("inform", (), summary=True)
    assert second_opinion(rules, _guess("confirm", SURE)) == rules  # not sure enough
    go = second_opinion(rules, _guess("confirm", SURE + 1, ("date",)))
    assert (go.act, go.slots, go.summary, go.question) == ("confirm", (), True, True)
    # the rules name the slots of a question they read; the model only its kind
    question = Reading("ask", ("time",), question=True)
    go = second_opinion(question, _guess("confirm", SURE + 1, ("count",)))
    assert (go.act, go.slots) == ("confirm", ("time",))
    assert second_opinion(question, _guess("ask", 10 * SURE, ("count",))) == question


def test_the_model_adds_what_the_rules_missed_and_takes_nothing_they_found() -> None:
    """A go-ahead the rules read stays one (the user checks it as a proposal); a question
    stays a question; the model never makes a statement a question (keyword stuffing) or a
    refusal (a misread refusal ends the conversation), but may find the reason of one."""
    for kept, other in [
        (Reading("confirm", (), question=True), "ask"),
        (Reading("ask", ("time",), question=True), "inform"),
        (Reading("inform"), "ask"),
        (Reading("inform"), "cannot"),
        (Reading("inform"), "cannot_unexplained"),
        (Reading("cannot"), "inform"),
        (Reading("recommend"), "inform"),
    ]:
        assert second_opinion(kept, _guess(other, 10 * SURE)) == kept, (kept.act, other)
    missed = [("inform", "confirm"), ("inform", "recommend"), ("cannot_unexplained", "cannot")]
    for before, after in missed:
        rules = Reading(before)  # type: ignore[arg-type]
        assert second_opinion(rules, _guess(after, SURE + 1)).act == after


def test_a_model_without_weights_leaves_the_rules_alone() -> None:
    """No evidence, no second opinion: every kind ties and the tie keeps the rules' kind."""
    empty = MessageModel({})
    for text in ("请问几位？", "Shall I book it?", "Sorry, that show is sold out."):
        rules = read_by_rules(text)
        assert second_opinion(rules, empty.guess(text)) == rules


def test_crossval_reads_each_part_left_out(tmp_path: Path) -> None:
    """`python -m ticketbench.users.reading.crossval` over a small corpus: one fold per part
    (a part's `_zh` and `_en` files together), never the held-out part; an unknown part is
    a one-line usage error."""
    import subprocess
    import sys

    lines = [ln for ln in (HERE / "tune_zh.txt").read_text(encoding="utf-8").splitlines()]
    body = [ln for ln in lines if ln and not ln.startswith("#")]
    (tmp_path / "tune_a_zh.txt").write_text("\n".join(body[:60]) + "\n", encoding="utf-8")
    (tmp_path / "tune_a_en.txt").write_text("ask count | How many tickets?\n", encoding="utf-8")
    (tmp_path / "tune_b.txt").write_text("\n".join(body[60:120]) + "\n", encoding="utf-8")
    (tmp_path / "heldout_zh.txt").write_text("inform | 不该被读到。\n", encoding="utf-8")
    assert sorted(crossval.parts(tmp_path)) == ["tune_a", "tune_b"]
    assert len(crossval.parts(tmp_path)["tune_a"]) == 61
    command = [sys.executable, "-m", "ticketbench.users.reading.crossval", str(tmp_path)]
    ok = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rows = {ln.split()[0]: ln.split()[1:] for ln in ok.splitlines() if ln.startswith("tune_")}
    assert rows.keys() == {"tune_a", "tune_b"} and rows["tune_a"][0] == "61"
    assert "kind:ask" in ok and "heldout" not in ok
    bad = subprocess.run([*command, "--leave-out", "tune_c"], capture_output=True, text=True)
    assert bad.returncode == 2 and "no part tune_c" in bad.stderr


def test_an_offer_to_apply_a_discount_stays_a_question() -> None:
    """ "Shall I apply your ¥50-off coupon?" asks which discount the user wants (the user
    checks it against its own), however sure the model is that it is a go-ahead."""
    for text in ("Shall I apply your ¥50 off coupon?", "要不要帮您用上这张满100减20的券？"):
        assert read_by_rules(text).slots == ("discount",)
        assert read(text) == read_by_rules(text)

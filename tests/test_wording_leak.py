"""The audit's wording check: an opening's surface must not predict that it cannot be done,
or why. Leaks are planted in the committed suite (a word, a phrase the parser reads, a
length) on the openings of one reason, and the check must name that reason; the same
change spread over openings without regard to feasibility must not be flagged."""

from __future__ import annotations

import random

from ticketbench.env.world import World
from ticketbench.suite.audit.wording import Leak, Opening, find_leaks, read_opening
from ticketbench.suite.dataset import load_suite
from ticketbench.suite.spec import Task

TEST: list[Task] = load_suite("test")


def _leaks(world: World, reason: str | None, zh: str, en: str, share: float = 0.0) -> list[Leak]:
    """The leaks of the test split with `zh` / `en` appended to every opening of `reason`
    (None: to a random `share` of all openings)."""
    rng = random.Random(7)
    tasks = [
        t.model_copy(update={"opening": t.opening + (zh if t.locale == "zh" else en)})
        if (t.expect.reason == reason if reason else rng.random() < share)
        else t
        for t in TEST
    ]
    return find_leaks(read_opening(world, t) for t in tasks)


def test_a_word_said_only_on_one_reason_is_caught(world: World) -> None:
    leaks = _leaks(world, "sales_closed", "，麻烦快点", ", please hurry")
    got = {(x.group, x.reason) for x in leaks if x.feature in ("word:快点", "word:hurry")}
    assert {("zh purchase:movie", "sales_closed"), ("en purchase:movie", "sales_closed")} <= got


def test_a_phrase_the_parser_reads_is_caught(world: World) -> None:
    leaks = _leaks(world, "id_limit", "，各1张", ", 1 ticket each")
    got = {(x.group, x.reason) for x in leaks if x.feature == "kind:each_count"}
    assert ("zh purchase:event", "id_limit") in got


def test_length_alone_is_a_feature(world: World) -> None:
    """An agent keyed on the opening's length: over-budget openings made much longer."""
    pad_zh = "，我跟你说这个真的很重要，因为我们已经计划了很久很久了，请一定认真帮我处理好"
    pad_en = (
        ", and I really mean it, we have been planning this for a very long time, so please "
        "take care of it properly"
    )
    leaks = _leaks(world, "over_budget", pad_zh, pad_en)
    assert any(x.feature.startswith("shape:longest") and x.reason == "over_budget" for x in leaks)


def test_a_word_said_regardless_of_feasibility_is_not_a_leak(world: World) -> None:
    leaks = _leaks(world, None, "，麻烦快点", ", please hurry", share=0.3)
    assert not [x for x in leaks if x.feature in ("word:快点", "word:hurry")]


def _synthetic(rule: str, n: int = 600) -> list[Leak]:
    """Openings of one group holding kinds `a` and `b` at random (half each), labelled
    `sold_out` by `rule`: "xor" (when both or neither), "a" (mostly when `a`)."""
    rng = random.Random(11)
    out = []
    for i in range(n):
        a, b = rng.random() < 0.5, rng.random() < 0.5
        kinds = {k for k, on in (("a", a), ("b", b)) if on}
        feats = {f"kind:{k}" for k in kinds} | ({"kind:a & kind:b"} if a and b else set())
        hit = a == b if rule == "xor" else rng.random() < (0.9 if a else 0.05)
        label = "sold_out" if hit else "feasible"
        out.append(Opening(f"t{i}", "zh purchase:movie", label, frozenset(feats), 20))
    return find_leaks(out)


def test_a_pair_that_says_more_than_its_parts_is_caught() -> None:
    """Neither kind alone tells anything; both together always mean sold out."""
    found = {x.feature for x in _synthetic("xor")}
    assert "kind:a & kind:b" in found
    assert not {"kind:a", "kind:b"} & found


def test_a_pair_that_only_narrows_a_leaking_kind_is_that_kind_s_leak() -> None:
    """`a` leaks; `a & b` is no surer than `a`, so only `a` is named (a pair judged against
    the whole group's rate would be flagged too, for `b`'s luck of the draw)."""
    found = {x.feature for x in _synthetic("a")}
    assert "kind:a" in found
    assert "kind:a & kind:b" not in found

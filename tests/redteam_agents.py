"""Red-team agents: the cheapest plugins an outsider could write to score without the work.

Written by the outside audit, independently of `ticketbench.agents.gaming`; each is a plain
plugin (`ticketbench run --agent redteam_agents:Name` with `PYTHONPATH=tests`). They read
only what a plugin can reach: the session, the tool results, the user's replies, and
whatever the process can import or open. None reads the task through the harness's own
`for_episode` except `HandedTask`, which asks for it to show whether the runner gives it.

Blind (know nothing of the task; candidates come from `ticketbench.agents.blind`):
- `StuffEverything`: every reason phrase, both languages, every amount, time, name and id
  the tools returned, a recommendation and a go-ahead question, in one message; no claim of
  being done (the claim is what a refusal+done rule catches);
- `EchoConfirm`: echoes the opening as a summary, asks for the go-ahead, then says done;
- `LuckyPair`: links (and names) only the two candidates whose label shares the most digits
  with the opening: "the right option plus one" fits inside a two-link budget;
  (`LuckyOne`: one link; `FirstPair`: the first two found, no number match;
  `FirstOne`: the first found alone);
- `SecondOne`, `ThirdOne`, `LastOne` (`NthOne`): one link to the candidate at a fixed place
  of the listing (the named cinema's showings first, then the city's; an event's sessions);
  `RefundSecond`, `RefundLast` (`RefundNth`): refund the paid order at a fixed place of
  `list_orders`; `SoldOutAlways`: look, then always "sold out" (one reason's worth);
- `ForgedPair`: the same two, as links it writes itself (no `booking_link`);
- `PaySpray`: holds every candidate and puts a payment sheet for each before the user at
  once, without a word in between; never cancels the rest;
- `BuyRefund`: buys candidates one by one and, when the user objects, refunds and tries the
  next (an oracle made of real purchases and refunds);
- `Interrogate`: asks about every slot, one question a turn, then searches with the opening
  plus all the answers and buys the first result;
- `YesNoProbe`: proposes the candidates one by one as yes/no questions and buys the first
  the user accepts (the user as an oracle of its hidden goal);
- `MenuPick`: lists every candidate numbered, asks which, buys the one the reply names;
- `ErrorRelay`: tries to buy the first candidate and, if the service refuses, relays the
  service's error as the refusal;
- `EscalateAll`: hands every request to a human.

Second audit (new classes; `/work/redteam-findings.md` has the details):
- `InfraDodge`: `FirstOne`, and any episode the user did not buy from is declared an outage
  (`InfraError`), which the runner kept out of every rate;
- `RetryLottery`: each runner retry is a fresh life: attempt k links candidate k (a file in
  /tmp counts attempts across the per-episode processes) and claims a rate limit on a miss
  (`RetryLotteryDodge`: also on the last life);
- `PickyDodge`: plays only the tasks where one candidate clearly matches the opening's
  numbers, and claims an outage on the rest *before* the user hears a word;
- `OrderDump`: reads every order of the user out in full (a lookup's fact is in there,
  whichever order it is about);
- `SuspectSpray`: opens with a question the reader cannot place, so every failure is
  flagged simulator-suspect;
- `AskAllLuckyOne`: one question about every slot, then `LuckyOne` over all the user said;
- `KeywordRefuse`: refuses everything with the reason the opening's wording suggests, after
  the looking the evidence rule wants;
- `Hedge`: that refusal and a recommended link in one message (`HedgeElsewhere`: the
  reason pinned on another candidate, named, than the one linked; `HedgeDone`: signed
  "I've booked it");
- `Triage`: `KeywordRefuse` where the wording names a reason, `LuckyOne` elsewhere;
- `OrderPeek`: `LuckyOne`, but an event request from a user who already holds an order is
  refused as over the per-ID limit (a channel in the task's setup, not its wording);
- `TwinMemory`: the twins of a pair share a note in /tmp (the runner-up after a miss);
- `StopEarly`: plays the suite's first episodes, then claims outages until the run stops;
- `DotSummary`: buy-first whose "order summary" before the payment sheet is "…";
- `SummaryDot`, `SummaryEcho`, `SummaryOther`, `SummaryAll` (privileged: they replay the
  oracle): the summary before each sheet is "…", the request read back, another showing's,
  or the right one among every candidate's start and total.

Not blind (what a plugin can read beyond the session):
- `SuiteOnDisk`: finds the suite's JSONL files inside the installed package (or
  `TICKETBENCH_DATA`), looks up the task by its opening, and replays its reference;
- `HandedTask`: defines `for_episode`, the hook the harness gives its own baselines;
- `MemorySnoop`: looks through the process's live objects (`gc`) and the session's private
  attributes for a task whose opening is the episode's, and replays its reference;
- `HeldOutSnoop`: reads the harness's command line in /proc, opens the held-out suite that
  `--suite DIR` names, and replays the reference (the plugin boundary does not confine
  file reads).

Measured on main f0b9fdc (suite 2.1.0, scripted user), success % dev (188) / test (910):
SuiteOnDisk 100 / 100 (every episode L4: the splits ship with their references);
LuckyPair 26.6 / 28.6, LuckyOne 26.1 / 28.6; FirstOne 10.1 / 8.7 and FirstPair 10.1 / 8.7
(L2: the user finishes in the app from one blind link to the first showing of the named
movie at the named cinema, or the event's first session); ErrorRelay 9.0 / 9.0;
BuyRefund 6.9 / 6.2; MenuPick 3.7 / 3.5; YesNoProbe 3.2 / 3.4; all others 0 (HandedTask
and MemorySnoop read 100 in process, before plugins were moved out of it).

Measured on suite 2.2.0 (no answer is what a blind agent tries first), dev / test:
FirstOne, FirstPair, BuyRefund, YesNoProbe 0 / 0; MenuPick 0.5 / 0; ErrorRelay 5.3 / 5.5
(refusals the service states by itself: a sales cut-off, an event not on sale yet);
LuckyOne 25.5 / 26.7, LuckyPair 26.1 / 26.7; StuffEverything, EchoConfirm, ForgedPair,
PaySpray, Interrogate, EscalateAll 0 / 0. SuiteOnDisk reads nothing under Landlock.

The positional probes (the listings engineer, suite 2.2.0, main ae20d3c), dev / test:
SecondOne 9.6 / 14.1, ThirdOne 17.0 / 10.9, LastOne 7.4 / 6.5 (answers cluster at the
front of short listings: a cinema plays a movie a few times a week; `tasks audit` reports
every such row); RefundSecond 2.1 / 1.1, RefundLast 0 / 1.8; SoldOutAlways 3.2 / 2.9 (each
reason holds ~3% of a split). On suite 2.3.0 (a closed showing or a not-yet-on-sale
session is never the first row): ErrorRelay 0.0 / 0.0; SecondOne 8.5 / 13.6, ThirdOne
14.9 / 11.3, LastOne 7.4 / 6.3, RefundSecond 2.1 / 1.1, RefundLast 0.0 / 1.8,
SoldOutAlways 2.7 / 2.7. On suite 2.5.0 (world v2: a hit plays several times a day at a
cinema, shows run for weeks; the generator spreads answers over the rows of each listing,
`suite/balance.py`): SecondOne 5.3 / 4.2,
ThirdOne 3.2 / 2.3, LastOne 1.1 / 1.2, FirstOne 0.0 / 0.0; LuckyOne 24.5 / 23.3, OrderPeek
26.6 / 26.2, Triage 19.7 / 17.8, KeywordRefuse 10.6 / 8.7, Hedge 2.1 / 0.8 (`python
benchmarks/redteam.py --suite dev --suite test --only SecondOne,ThirdOne,...`).

The second audit's agents, success % dev on main feddb08 (suite 2.2.0) / test on main
3c0a710 (suite 2.1.0); * success over scored episodes (infra errors apart; leaderboards rank
over every due episode): Triage 32.4 / 34.8 and KeywordRefuse 17.6 / 16.0 (open: the
wording of an infeasible request names its reason); Hedge 27.1 / 29.8 (41.5 / 42.2 before
321db4f, now its LuckyOne half); GoAheadOracle 25.5 / 28.6 (44.1 / 44.6 before d503c28);
AskAllLuckyOne 22.3 / 26.0; TwinMemory 25.5 (= LuckyOne: Landlock gives each episode its
own tmp); RetryLottery* 27.4 of 175 (39.9 before 4567e45 scored an outage claimed after the
user answered); PickyDodge* 38.2 of 55 / 49.8 of 229 (rank 11.2 / 12.5); InfraDodge* 0 of
175 / 9.4 of 836 (79.2 of 24 before 4567e45); OrderDump 1.1 / 1.3; DotSummary 0 / 3.5;
StopEarly 0 (37.5 of 16 on an incomplete run before Landlock; ranked over all due episodes
since 116b909); SuspectSpray 0 (its failures were all simulator-suspect before fd1a636);
HeldOutSnoop 0 on a held-out folder (99.8 before a1f0542).

Proposals that name how to pay (main db66aba, suite 2.2.0): `PayProbe` holds the
number-matched guess and proposes each of the user's payment methods in turn; `PayAsk`,
its honest twin, asks once "How would you like to pay?". Success % (excess handoffs) on
dev / test: PayProbe 8.5 (0.10) / 13.7 (0.07), PayAsk 8.5 (0.14) / 13.7 (0.12): the
shipped users say any method is fine, so there is nothing to learn. On the variants where
the user wants a method other than its first (`python tests/termskit.py --split dev|test
OUT`, 54 / 254 tasks; the oracle 100%): PayProbe 13.0 (0.69) / 17.7 (0.80), PayAsk 13.0
(0.02) / 20.1 (0.01). A wrong guess is a turned-down proposal (the second ends the
conversation), so probing buys nothing the question does not, at more handoffs. Their
summary then named the venue, start and total only, and the summary rule (203d0bf) failed
every sheet (0.0% dev); with the order's title, start, count, seats and total (`_summary`),
suite 2.3.0: PayProbe 10.6 (0.06) / 13.1 (0.06), PayAsk 10.6 (0.12) / 13.1 (0.11); on the
variants (54 / 256 tasks) PayProbe 11.1 (0.72) / 17.2 (0.79), PayAsk 11.1 (0.04) / 19.1
(0.01).

Third round (scoring engineer, suite 2.2.0, dev / test): OrderDump 1.1 / 1.3 -> 0 / 0 (a
fact told beside the same kind of fact about the user's other orders is not told:
`suite/rivals.py`); DotSummary 0 / 0 before and after (its buy-first never reaches a sheet
the user approves on 2.2.0), so the summary rule is measured with privileged probes that
replay the oracle with a stand-in summary (`--privileged`): `SummaryDot` ("…"),
`SummaryEcho` (the request read back), `SummaryOther` (another showing's start) 100 / 100
-> 24.5 / 24.0, the tasks with no payment (`scoring/summary.py`); `SummaryAll` (every
candidate's start and total appended) 32.4 dev, its payment wins all where it found no
other candidate. PickyDodge's headline success is now over every due episode: dev 38.2 of
55 scored -> 11.2 (`metrics.success_tally`; "Success of scored" 38.2 beside it).

Fourth round (scoring engineer, suite 2.3.0, dev / test): in a task that can be done, a
reason given must be a true fact the agent saw about an option it named and did not hand
over (`suite/false_refusals.py`): Hedge 26.6 / 28.9 -> 0.0 / 1.4 (left: infeasible tasks
whose link is not the refused option); `HedgeElsewhere`, its reason pinned by name on the
runner-up it does not link, 26.6 / 28.9 -> 0.0 / 1.4; LuckyOne 26.6 / 27.5, Triage 34.0 /
33.4, KeywordRefuse 16.5 / 15.3 unchanged. On suite 2.4.0 (main 4948b8c): Hedge 31.4 /
29.9 -> 1.1 / 1.3, HedgeElsewhere 31.4 -> 1.1 dev, HedgeDone 30.3 dev (= LuckyOne: "done"
fails every refusal), LuckyOne 30.3 / 28.6, Triage 20.7 / 20.2, KeywordRefuse 8.5 dev.

The wording leak, before (suite 2.2.0, main ae20d3c) and after suite 2.4.0 (infeasible
requests asked in their feasible kin's words), success % dev (188) / test (910), run as
`cd /tmp && PYTHONPATH=<worktree>/tests ticketbench run --agent redteam_agents:NAME
--suite dev` (and `--suite test`):

| agent | dev before | dev after | test before | test after |
|---|---|---|---|---|
| KeywordRefuse | 17.6 | 8.5 | 15.1 | 8.2 |
| Triage | 32.4 | 20.7 | 33.3 | 20.2 |
| LuckyOne | 25.5 | 30.3 | 26.7 | 28.6 |
| Hedge | 27.1 | 1.1 | - | - |

Triage is now below LuckyOne: where its words suggest a refusal, a link does better. What
KeywordRefuse keeps is no wording: an event it cannot place it refuses as not on sale yet,
which the service's own listing says of such events (`look-refuse`'s floor), and a reason
whose wish must be stated where it fails (a budget for over budget, an attendee for the
per-ID limit) is right on a share of them the wording check holds near the base rate.
Hedge was 31.4 / 29.9 on 2.4.0 before the false-refusal rule (91ff2dc), 1 point above
LuckyOne; with it, 1.1 on dev (its refusal half wins two infeasible tasks whose link is not
the refused option). LuckyOne gains since the reworded requests name their showing by its
start, whose digits it matches.

Channels besides the wording (suite 2.4.0): the named target's hall format, price level,
cinema, start hour and weekday, the event and its real-name rule, and the setup's seeded
orders, tallied per reason within each domain and locale. One predicts a reason: only
`inf_ev_id_limit` seeds an order before an event purchase, so "the user holds an order"
means the per-ID limit (15 of 15 a locale). `OrderPeek` exploits it: 32.4 / 31.4 against
LuckyOne's 30.3 / 28.6 (+2.1 / +2.9, exactly that template's share of each split), under
the 3-point bar set for a generator fix; decoy event orders before feasible event requests
(another session, or another attendee of the same one) would close it. The rest track the
service's own state (a closed showing is a premium hall's, whose listing says it is closed;
a not-yet-on-sale session belongs to one of the six extended runs, whose listing says so).
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import itertools
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ticketbench.agents.blind import (
    Candidate,
    Finds,
    booking_links,
    hold,
    is_zh,
    look_around,
    ticket_count,
)
from ticketbench.agents.oracle import OracleAgent
from ticketbench.protocol import InfraError, Session

_AMOUNT = re.compile(r"¥\s?\d+(?:\.\d+)?|\d+(?:\.\d+)?\s?(?:元|yuan)")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_NAME = re.compile(r'"(?:zh|en|name|cinema|title|venue)"\s*:\s*"([^"]{2,40})"')
_ID = re.compile(r"\b[A-Z]{1,3}\d{2,6}(?:-[A-Z]{1,3}\d{1,3})?\b")
_DIGITS = re.compile(r"\d+")

REASONS_EN = (
    "it is sold out and there are not enough seats together; online sales have closed; it is "
    "over your budget; tickets are not on sale yet; there is a per-ID purchase limit; the "
    "refund deadline has passed; this cinema does not allow refunds"
)
REASONS_ZH = (
    "已售罄，连座不够；线上售票已截止；超出预算；尚未开售；每个证件限购；已过退票截止时间；"
    "该影院不支持退票"
)


def _t(session: Session, zh: str, en: str) -> str:
    return zh if is_zh(session.opening) else en


def _approved(reply: str | None) -> bool:
    return reply is not None and ("approved" in reply or "确认支付" in reply)


class _Plugin:
    def describe(self) -> dict[str, str]:
        return {"kind": "redteam"}


# --- blind -----------------------------------------------------------------------------


class StuffEverything(_Plugin):
    """One message holding every reason, fact word and a go-ahead question."""

    async def run(self, session: Session) -> None:
        """Look around, then stuff it all into one message."""
        finds = await look_around(session)
        seen = finds.seen_text()
        words = [
            *dict.fromkeys(_AMOUNT.findall(seen)),
            *dict.fromkeys(_TIME.findall(seen)),
            *dict.fromkeys(_NAME.findall(seen)),
            *dict.fromkeys(_ID.findall(seen)),
        ][:400]
        first = finds.candidates[0].label if finds.candidates else ""
        text = (
            f"抱歉：{REASONS_ZH}。Sorry: {REASONS_EN}.\n{' '.join(words)}\n"
            f"我推荐 {first}。I recommend {first}. 要我帮您下单吗？Shall I go ahead?"
        )
        reply = await session.say(text)
        if reply is not None:
            await session.say(_t(session, "好的。", "Okay."))


class EchoConfirm(_Plugin):
    """Echoes the request as a summary, asks for the go-ahead, says it is done."""

    async def run(self, session: Session) -> None:
        """One search, echo as a confirmation, then claim success."""
        await session.call("search_movies", {"query": session.opening, "limit": 1})
        reply = await session.say(
            _t(session, f"订单摘要：{session.opening}。确认的话我现在下单，可以吗？",
               f"Order summary: {session.opening}. Shall I place it now?")
        )  # fmt: skip
        if reply is not None:
            await session.say(_t(session, "已为您办好，祝您愉快！", "All done, enjoy!"))


def _closest(opening: str, cands: Sequence[Candidate], n: int) -> list[Candidate]:
    """The `n` candidates whose labels share the most numbers with the opening (stable)."""
    wanted = set(_DIGITS.findall(opening))
    # "7点" / "7 pm" name an hour the label writes as 19:00: count both readings
    wanted |= {str(int(d) + 12) for d in wanted if d.isdigit() and 1 <= int(d) <= 11}
    score = [len(wanted & set(_DIGITS.findall(c.label))) for c in cands]
    order = sorted(range(len(cands)), key=lambda i: -score[i])
    return [cands[i] for i in order[:n]]


class LuckyPair(_Plugin):
    """Links and names two candidates: the right one plus one, when it guesses well."""

    links = 2
    guess = True  # rank by numbers shared with the opening; False: the first found

    async def run(self, session: Session) -> None:
        """Look around, link the two closest candidates, recommend the first."""
        finds = await look_around(session, orders=False)
        if self.guess:
            pair = _closest(session.opening, finds.candidates, self.links)
        else:
            pair = finds.candidates[: self.links]
        urls = await booking_links(session, pair)
        lines = [f"{c.label}: {u}" for c, u in zip(pair, urls, strict=False)]
        await session.say(
            _t(session, "推荐第一个，点链接在App里选座付款：\n", "I recommend the first; open a "
               "link to pick seats and pay in the app:\n") + "\n".join(lines)
        )  # fmt: skip


class LuckyOne(LuckyPair):
    """`LuckyPair` with one link: what the number match alone is worth."""

    links = 1


class FirstPair(LuckyPair):
    """`LuckyPair` without the number match: the first two candidates found."""

    guess = False


class FirstOne(FirstPair):
    """One link to the first candidate found: the lucky-guess rate without the spare link."""

    links = 1


class NthOne(_Plugin):
    """One link to the candidate at a fixed place of the listing (`at`, from 0; negative
    from the end): the named cinema's showings come first, then the city's, or the event's
    sessions as listed. A suite whose answers cluster at one place of short listings pays
    it for nothing."""

    at = 1

    async def run(self, session: Session) -> None:
        """Look around, link the candidate at `at` (the last one if the listing is shorter)."""
        finds = await look_around(session, orders=False)
        cands = finds.candidates
        if not cands:
            return
        pick = cands[self.at] if -len(cands) <= self.at < len(cands) else cands[-1]
        urls = await booking_links(session, [pick])
        if urls:
            await session.say(
                _t(session, f"推荐这个，点链接在App里选座付款：{urls[0]}",
                   f"I recommend this one; open it to pick seats and pay: {urls[0]}")
            )  # fmt: skip


class SecondOne(NthOne):
    """`NthOne` on the second candidate."""

    at = 1


class ThirdOne(NthOne):
    """`NthOne` on the third candidate."""

    at = 2


class LastOne(NthOne):
    """`NthOne` on the last candidate."""

    at = -1


class RefundNth(_Plugin):
    """Refunds the user's paid order at a fixed place of `list_orders` (oldest first; `at`
    from 0, negative from the end) and reads the service's answer out."""

    at = 1

    async def run(self, session: Session) -> None:
        """List the orders, refund the one at `at`, say what the service said."""
        finds = await look_around(session)
        paid = [oid for oid, status in finds.orders if status == "paid"]
        if not -len(paid) <= self.at < len(paid):
            return
        oid = paid[self.at]
        res = await session.call("refund_order", {"order_id": oid})
        await session.say(
            _t(session, f"已为您退票，订单 {oid}。{res.content}",
               f"Refunded order {oid}. {res.content}")
        )  # fmt: skip


class RefundSecond(RefundNth):
    """`RefundNth` on the second paid order."""

    at = 1


class RefundLast(RefundNth):
    """`RefundNth` on the last paid order."""

    at = -1


class SoldOutAlways(_Plugin):
    """Looks around, then always says it is sold out: what one reason is worth by itself."""

    async def run(self, session: Session) -> None:
        """Search, then one fixed refusal."""
        await look_around(session)
        await session.say(_t(session, "抱歉，已经售罄了。", "Sorry, it is sold out."))


class ForgedPair(_Plugin):
    """`LuckyPair` with links it writes itself."""

    async def run(self, session: Session) -> None:
        """Look around, forge links to the two closest candidates."""
        finds = await look_around(session, orders=False)
        pair = _closest(session.opening, finds.candidates, 2)
        count = ticket_count(session.opening)
        urls = [
            f"ticketbench://app/showtime/{c.id}"
            if c.kind == "showtime"
            else f"ticketbench://app/session/{c.id}?zone={c.zone_id}&qty={count}"
            for c in pair
        ]
        await session.say(
            _t(session, "推荐第一个：\n", "I recommend the first:\n") + "\n".join(urls)
        )


class PaySpray(_Plugin):
    """Payment sheets for every candidate at once; the user approves the right one."""

    tries = 8

    async def run(self, session: Session) -> None:
        """Hold up to `tries` candidates, request payment for each, one summary message."""
        finds = await look_around(session)
        if not finds.payment_methods:
            return
        count = ticket_count(session.opening)
        for cand in finds.candidates[: self.tries]:
            order = await hold(session, cand, count)
            if order is None:
                continue
            await session.call(
                "request_payment",
                {"order_id": order["order_id"], "payment_method_id": finds.payment_methods[0]},
            )
        await session.say(_t(session, "已为您下单并发起支付。", "Ordered; payment requested."))


class BuyRefund(_Plugin):
    """Buys, and on any objection refunds (or cancels) and buys the next candidate."""

    tries = 5

    async def run(self, session: Session) -> None:
        """Buy candidates one at a time until the user stops objecting."""
        finds = await look_around(session)
        if not finds.payment_methods:
            return
        count = ticket_count(session.opening)
        for cand in finds.candidates[: self.tries]:
            if session.done:
                return
            order = await hold(session, cand, count)
            if order is None:
                continue
            oid = str(order["order_id"])
            await session.say(
                _t(session, f"订单摘要：{cand.label}，{count}张，合计{order.get('total')}。"
                   "确认支付吗？", f"Summary: {cand.label}, {count} tickets, total "
                   f"{order.get('total')}. Pay now?")
            )  # fmt: skip
            await session.call(
                "request_payment", {"order_id": oid, "payment_method_id": finds.payment_methods[0]}
            )
            reply = await session.say(_t(session, "已购买，满意吗？", "Bought. All good?"))
            if reply is None or _satisfied(reply):
                return
            res = await session.call("refund_order", {"order_id": oid})
            if not res.ok:
                await session.call("cancel_order", {"order_id": oid})


def _satisfied(reply: str) -> bool:
    low = reply.casefold()
    return any(w in low for w in ("thank", "great", "谢谢", "好的", "没问题", "perfect", "yes"))


_QUESTIONS = (
    ("哪部电影或哪个演出？", "Which movie or show?"),
    ("哪家影院或场馆？", "Which cinema or venue?"),
    ("哪一天？", "Which day?"),
    ("几点？", "What time?"),
    ("几张票？", "How many tickets?"),
    ("座位有什么要求？", "Any seat preference?"),
    ("票档选哪个？", "Which price tier?"),
    ("预算多少？", "What's your budget?"),
    ("用会员卡或优惠券吗？", "Use a member card or coupon?"),
    ("观演人是谁？", "Who is attending?"),
    ("哪一笔订单？", "Which order?"),
    ("还有别的要求吗？", "Anything else I should know?"),
)


class Interrogate(_Plugin):
    """Asks about every slot, one a turn, then searches with all the answers and buys."""

    async def run(self, session: Session) -> None:
        """Ask, collect the answers, search with them, buy the first result."""
        answers: list[str] = []
        for zh, en in _QUESTIONS:
            reply = await session.say(_t(session, zh, en))
            if reply is None:
                return
            answers.append(reply)
        spoken = session.opening + " " + " ".join(answers)
        finds = await look_around(_Spoken(session, spoken))
        if not finds.candidates or not finds.payment_methods:
            return
        pick = _closest(spoken, finds.candidates, 1)[0]
        order = await hold(session, pick, ticket_count(spoken))
        if order is None:
            return
        await session.say(
            _t(session, f"订单摘要：{pick.label}，合计{order.get('total')}。确认支付吗？",
               f"Summary: {pick.label}, total {order.get('total')}. Shall I pay?")
        )  # fmt: skip
        await session.call(
            "request_payment",
            {"order_id": order["order_id"], "payment_method_id": finds.payment_methods[0]},
        )


@dataclass
class _Spoken:
    """A session whose opening is everything the user has said (for `look_around`)."""

    inner: Session
    opening: str

    @property
    def done(self) -> bool:
        return self.inner.done

    async def call(self, name: str, args: Mapping[str, Any] | str | None) -> Any:
        return await self.inner.call(name, args)


class YesNoProbe(_Plugin):
    """Proposes candidates one by one ("the 19:30 one, okay?") and buys the first accepted."""

    tries = 12

    async def run(self, session: Session) -> None:
        """Probe with yes/no proposals; buy what the user accepts."""
        finds = await look_around(session)
        if not finds.payment_methods:
            return
        for cand in finds.candidates[: self.tries]:
            reply = await session.say(
                _t(session, f"{cand.label} 这场可以吗？", f"Is {cand.label} okay for you?")
            )
            if reply is None:
                return
            if not _yes(reply):
                continue
            order = await hold(session, cand, ticket_count(session.opening))
            if order is None:
                continue
            await session.say(
                _t(session, f"订单摘要：{cand.label}，合计{order.get('total')}。确认支付吗？",
                   f"Summary: {cand.label}, total {order.get('total')}. Shall I pay?")
            )  # fmt: skip
            await session.call(
                "request_payment",
                {"order_id": order["order_id"], "payment_method_id": finds.payment_methods[0]},
            )
            return


def _yes(reply: str) -> bool:
    low = reply.casefold()
    no = any(w in low for w in ("no", "not", "不", "别"))
    return not no and any(w in low for w in ("yes", "ok", "sure", "fine", "可以", "好", "行", "是"))


class MenuPick(_Plugin):
    """Lists every candidate numbered and buys the one the user's reply points at."""

    async def run(self, session: Session) -> None:
        """List, ask which, buy the named one."""
        finds = await look_around(session)
        cands = finds.candidates[:30]
        if not cands or not finds.payment_methods:
            await session.say(_t(session, "抱歉，没有找到。", "Sorry, I found nothing."))
            return
        menu = "\n".join(f"{i}. {c.label}" for i, c in enumerate(cands, 1))
        reply = await session.say(
            _t(session, f"可选：\n{menu}\n您要哪一个？", f"Options:\n{menu}\nWhich one?")
        )
        if reply is None:
            return
        pick = _closest(reply, cands, 1)[0]
        order = await hold(session, pick, ticket_count(session.opening + " " + reply))
        if order is None:
            return
        await session.say(
            _t(session, f"订单摘要：{pick.label}，合计{order.get('total')}。确认支付吗？",
               f"Summary: {pick.label}, total {order.get('total')}. Shall I pay?")
        )  # fmt: skip
        await session.call(
            "request_payment",
            {"order_id": order["order_id"], "payment_method_id": finds.payment_methods[0]},
        )


class ErrorRelay(_Plugin):
    """Tries the first candidate; relays the service's refusal, else asks to pay."""

    async def run(self, session: Session) -> None:
        """Try to order; on an error, say the error; on success, summarise and pay."""
        finds = await look_around(session)
        count = ticket_count(session.opening)
        cand = finds.candidates[0] if finds.candidates else None
        if cand is None:
            await session.say(_t(session, "抱歉，办不了：没有找到。", "Sorry, I found nothing."))
            return
        args: dict[str, Any] = (
            {"showtime_id": cand.id, "seats": []}
            if cand.kind == "showtime"
            else {"session_id": cand.id, "zone_id": cand.zone_id, "quantity": count}
        )
        if cand.kind == "showtime":
            rec = await session.call(
                "recommend_seats", {"showtime_id": cand.id, "count": count, "preference": "centre"}
            )
            if not rec.ok:
                await session.say(_t(session, f"抱歉，办不了：{rec.content}",
                                     f"Sorry, I can't: {rec.content}"))  # fmt: skip
                return
            opts = rec.data.get("options") if isinstance(rec.data, Mapping) else None
            args["seats"] = list(opts[0]["seats"]) if opts else []
        res = await session.call("create_order", args)
        if not res.ok or not isinstance(res.data, Mapping):
            await session.say(_t(session, f"抱歉，办不了：{res.content}",
                                 f"Sorry, I can't: {res.content}"))  # fmt: skip
            return
        await session.say(
            _t(session, f"订单摘要：{res.content}。确认支付吗？", f"Summary: {res.content}. Pay?")
        )
        if finds.payment_methods:
            await session.call(
                "request_payment",
                {"order_id": res.data["order_id"], "payment_method_id": finds.payment_methods[0]},
            )


class EscalateAll(_Plugin):
    """Hands every request to a human."""

    async def run(self, session: Session) -> None:
        """Transfer at once and say so."""
        await session.call("transfer_to_human", {"reason": session.opening[:200]})
        await session.say(_t(session, "已为您转人工客服。", "I've passed you to a human agent."))


# --- not blind: what else a plugin can read ---------------------------------------------


@dataclass(frozen=True)
class _Step:
    kind: str
    tool: str = ""
    args: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""


def _steps(reference: Any) -> list[_Step]:
    raw = json.loads(reference) if isinstance(reference, str) else reference
    out = []
    for s in raw:
        get = s.get if isinstance(s, Mapping) else lambda k, d=None, s=s: getattr(s, k, d)
        out.append(_Step(str(get("kind")), str(get("tool") or ""), dict(get("args") or {}),
                         str(get("text") or "")))  # fmt: skip
    return out


async def _replay(session: Session, steps: Sequence[_Step]) -> None:
    """Play reference steps the way the harness's oracle does (summary before paying)."""
    from ticketbench.agents.oracle import OracleAgent

    await OracleAgent(steps).run(session)


def _suite_files() -> Iterator[Path]:
    roots = [Path(p) for p in (os.environ.get("TICKETBENCH_DATA"),) if p]
    spec = importlib.util.find_spec("ticketbench")
    if spec is not None and spec.submodule_search_locations:
        roots += [Path(p) for p in spec.submodule_search_locations]
    for root in roots:
        yield from root.rglob("*.jsonl")


_BY_OPENING: dict[str, list[_Step]] = {}


def _index() -> dict[str, list[_Step]]:
    if not _BY_OPENING:
        for path in _suite_files():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if isinstance(row, dict) and "opening" in row and "reference" in row:
                    _BY_OPENING[str(row["opening"])] = _steps(row["reference"])
    return _BY_OPENING


class SuiteOnDisk(_Plugin):
    """Looks the task up in the suite files shipped with the package and replays it."""

    async def run(self, session: Session) -> None:
        """Replay the reference of the task with this opening, if a file on disk has it."""
        steps = _index().get(session.opening)
        if steps is None:
            await session.say(_t(session, "抱歉。", "Sorry."))
            return
        await _replay(session, steps)


class HandedTask(_Plugin):
    """Asks the runner for the task with the baselines' own hook."""

    def __init__(self, steps: Sequence[_Step] = ()) -> None:
        self._steps = list(steps)

    def for_episode(self, task: Any, trial: int, seed: int) -> HandedTask:
        """The hook the runner calls on agents that have it."""
        return HandedTask(_steps(task.reference))

    async def run(self, session: Session) -> None:
        """Replay what the runner handed over (nothing out of process)."""
        await _replay(session, self._steps)


def _private_tasks(obj: object, depth: int = 0) -> Iterator[Any]:
    """Objects reachable through private attributes that look like a task."""
    if depth > 3:
        return
    if hasattr(obj, "reference") and hasattr(obj, "opening"):
        yield obj
    attrs = getattr(obj, "__dict__", None)
    slots = [s for c in type(obj).__mro__ for s in getattr(c, "__slots__", ())]
    values = list(attrs.values()) if isinstance(attrs, dict) else []
    values += [getattr(obj, s, None) for s in slots if isinstance(s, str)]
    for v in values:
        if v is not None and not isinstance(v, str | int | float | bytes):
            yield from _private_tasks(v, depth + 1)


def _has(obj: object, name: str) -> bool:
    """`hasattr` that survives the heap's odd objects (ctypes' loaders raise OSError)."""
    try:
        return hasattr(obj, name)
    except Exception:  # any object's __getattr__ may raise anything
        return False


class MemorySnoop(_Plugin):
    """Finds the episode's task among live objects and replays its reference."""

    async def run(self, session: Session) -> None:
        """Search the session's private attributes, then the whole heap."""
        found = next(
            (t for t in _private_tasks(session) if getattr(t, "opening", None) == session.opening),
            None,
        )
        if found is None:
            found = next(
                (
                    o
                    for o in gc.get_objects()
                    if _has(o, "reference") and _has(o, "opening") and o.opening == session.opening
                ),
                None,
            )
        if found is None:
            await session.say(_t(session, "抱歉。", "Sorry."))
            return
        await _replay(session, _steps(found.reference))


# --- new classes (second audit) ----------------------------------------------------------


_BOUGHT = ("bought", "finished it in the app", "买好了", "已经确认支付", "approved the payment")


def _bought(reply: str | None) -> bool:
    return reply is not None and any(w in reply for w in _BOUGHT)


class InfraDodge(FirstOne):
    """One blind link; any episode the user did not buy from it is declared an outage
    (`InfraError`), which the runner keeps out of every rate."""

    kind = "replay_missing"  # not retried, and never counted as an outage streak

    async def run(self, session: Session) -> None:
        """Link the first candidate; if the user did not buy, claim the infrastructure
        failed."""
        finds = await look_around(session, orders=False)
        urls = await booking_links(session, finds.candidates[:1])
        reply = None
        if urls:
            reply = await session.say(
                _t(session, f"点这个链接在App里选座付款：{urls[0]}",
                   f"Open this link to pick seats and pay in the app: {urls[0]}")
            )  # fmt: skip
        if not _bought(reply):
            raise InfraError(self.kind, "upstream model unavailable")


def _harness_args() -> list[str]:
    """The command lines of this process's ancestors (the harness's `--suite DIR` is in one)."""
    out: list[str] = []
    pid = os.getpid()
    for _ in range(6):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            pid = int(re.search(r"PPid:\s*(\d+)", status).group(1))  # type: ignore[union-attr]
            if pid <= 1:
                break
            out += Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except (OSError, ValueError, AttributeError):
            break
    return out


def _named_suite_files() -> Iterator[Path]:
    """Task files named on the harness's command line: a suite folder or a JSONL file."""
    args = _harness_args()
    for flag, value in itertools.pairwise(args):
        if flag == "--suite" or flag.startswith("--suite="):
            raw = value if flag == "--suite" else flag.split("=", 1)[1]
            path = Path(raw)
            if path.is_dir():
                yield from path.rglob("*.jsonl")
            elif path.is_file():
                yield path


class HeldOutSnoop(_Plugin):
    """Reads the harness's command line in /proc, opens the held-out suite it names
    (`--suite DIR`), looks the task up by its opening and replays the reference."""

    async def run(self, session: Session) -> None:
        """Replay the reference of the task with this opening from the named suite."""
        steps: list[_Step] | None = None
        for path in _named_suite_files():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except ValueError:
                    continue
                if isinstance(row, dict) and row.get("opening") == session.opening:
                    steps = _steps(row["reference"])
                    break
            if steps is not None:
                break
        if steps is None:
            await session.say(_t(session, "抱歉。", "Sorry."))
            return
        await _replay(session, steps)


class RetryLottery(_Plugin):
    """Each runner retry is a fresh life: attempt k links candidate k and, unless the user
    bought, claims a rate limit so the runner plays the episode again from scratch; a file
    in /tmp carries the attempt count across the per-episode processes. On the last life
    it fails honestly (`dodge`: it claims an outage there too, and is never scored)."""

    lives = 5  # the runner's default: 1 attempt + `max_retries` (4)
    dodge = False

    async def run(self, session: Session) -> None:
        """Link the candidate of this attempt; on a miss, raise a retryable InfraError."""
        key = hashlib.sha256(session.opening.encode()).hexdigest()[:16]
        mark = Path(tempfile.gettempdir()) / f"redteam-lottery-{os.getppid()}-{key}"
        attempt = int(mark.read_text()) if mark.exists() else 0
        mark.write_text(str(attempt + 1))
        finds = await look_around(session, orders=False)
        pick = _closest(session.opening, finds.candidates, len(finds.candidates))
        urls = await booking_links(session, pick[attempt : attempt + 1])
        reply = None
        if urls:
            reply = await session.say(
                _t(session, f"点这个链接在App里选座付款：{urls[0]}",
                   f"Open this link to pick seats and pay in the app: {urls[0]}")
            )  # fmt: skip
        last = attempt + 1 >= self.lives
        if not _bought(reply) and (self.dodge or not last):
            raise InfraError("replay_missing" if last else "rate_limit", "try again", 0.0)


class RetryLotteryDodge(RetryLottery):
    """`RetryLottery` that also claims an outage on its last life (never scored)."""

    dodge = True


class OrderDump(_Plugin):
    """Looks up every order of the user and reads each one out (codes, totals, fees): the
    fact a lookup task asks for is in there, whichever order it is about."""

    async def run(self, session: Session) -> None:
        """List the orders, fetch each, say them all."""
        res = await session.call("list_orders", {})
        lines = res.data.get("orders", []) if res.ok and isinstance(res.data, Mapping) else []
        ids = [str(line).split()[0] for line in lines if str(line).split()]
        details = []
        for oid in ids[:20]:
            got = await session.call("get_order", {"order_id": oid})
            if got.ok:
                details.append(got.content)
        await session.say(
            _t(session, "您账户里的订单如下：\n", "Here are the orders on your account:\n")
            + "\n".join(details)
        )


def _match_scores(opening: str, cands: Sequence[Candidate]) -> list[int]:
    wanted = set(_DIGITS.findall(opening))
    wanted |= {str(int(d) + 12) for d in wanted if d.isdigit() and 1 <= int(d) <= 11}
    return [len(wanted & set(_DIGITS.findall(c.label))) for c in cands]


class PickyDodge(_Plugin):
    """Plays only the tasks it expects to win: one link when a single candidate matches the
    opening's numbers best; any other task is declared an outage before the user hears a
    word (so the rule "no outage after the user answered" does not reach it)."""

    async def run(self, session: Session) -> None:
        """Link the one clear match, or claim the infrastructure failed."""
        finds = await look_around(session, orders=False)
        scores = _match_scores(session.opening, finds.candidates)
        best = max(scores, default=0)
        if best < 2 or scores.count(best) != 1:
            raise InfraError("replay_missing", "upstream model unavailable")
        pick = finds.candidates[scores.index(best)]
        (url,) = await booking_links(session, [pick]) or [""]
        await session.say(
            _t(session, f"最推荐这个，点链接在App里选座付款：{url}",
               f"I recommend this one; open it to pick seats and pay: {url}")
        )  # fmt: skip


class SuspectSpray(FirstOne):
    """`FirstOne` after a question the simulated user cannot place, naming words of what it
    holds ("the seat and the payment?"): every failure is flagged simulator-suspect, so the
    report says the simulator may own the agent's whole failure rate."""

    async def run(self, session: Session) -> None:
        """A muddled question, then one blind link."""
        await session.say(_t(session, "我这边看看哈？", "Let me look into that?"))
        if not session.done:
            await super().run(session)


class AskAllLuckyOne(_Plugin):
    """One question about every slot at once, then one link to the candidate that shares
    the most numbers with everything the user said (the opening and the answer)."""

    async def run(self, session: Session) -> None:
        """Ask everything, then `LuckyOne` over opening + answer."""
        reply = await session.say(
            _t(session, "下单前确认一下：哪天、几点、几张票、哪家影院或场馆、座位有什么要求？",
               "Before I book: which day, what time, how many tickets, which cinema or venue, "
               "and any seat or zone preference?")
        )  # fmt: skip
        if reply is None:
            return
        spoken = f"{session.opening} {reply}"
        finds = await look_around(_Spoken(session, spoken), orders=False)
        pick = _closest(spoken, finds.candidates, 1)
        urls = await booking_links(session, pick)
        if urls:
            await session.say(
                _t(session, f"最推荐这个，点链接在App里选座付款：{urls[0]}",
                   f"I recommend this one; open it to pick seats and pay: {urls[0]}")
            )  # fmt: skip


# The reason a refusal guesses from the opening's wording alone (first match wins).
_GUESS = (
    ("id_limit", re.compile(r"身份证|名字|名下|\bID\b|in \S+'s name|same (?:session|ID)", re.I)),
    ("refund", re.compile(r"退票|退款|\brefund", re.I)),
    (
        "over_budget",
        re.compile(
            r"不超过|以内|预算|budget|at most|under \d|total a|\d+ ?(?:yuan|元) "
            r"(?:total|max)",
            re.I,
        ),
    ),
    (
        "sales_closed",
        re.compile(
            r"马上|快开场|就要开|starting (?:soon|now|in)|about to start|"
            r"right now",
            re.I,
        ),
    ),
    (
        "not_enough_seats",
        re.compile(
            r"[3-6三四五六]张|[3-6] (?:seats|tickets)|"
            r"(?:three|four|five|six) (?:seats|tickets)",
            re.I,
        ),
    ),
)
_SAY_REASON = {
    "id_limit": (
        "抱歉，每个证件限购，这位观演人已经买过这一场了。",
        "Sorry, there is a per-ID purchase limit and that ID already has a ticket.",
    ),
    "refund_closed": (
        "抱歉，已过退票截止时间，退不了了。",
        "Sorry, the refund deadline has passed.",
    ),
    "no_refund": ("抱歉，该影院不支持退票。", "Sorry, this cinema does not allow refunds."),
    "over_budget": ("抱歉，超出您的预算了。", "Sorry, it is over your budget."),
    "sales_closed": ("抱歉，线上售票已截止。", "Sorry, online sales have closed."),
    "not_enough_seats": ("抱歉，连座不够了。", "Sorry, there are not enough seats together."),
    "not_on_sale": ("抱歉，还没开售。", "Sorry, tickets are not on sale yet."),
}


class KeywordRefuse(_Plugin):
    """Refuses every request with the reason its wording suggests ("不超过80元" -> over
    budget, "starting soon" -> sales closed, "4张" -> not enough seats, "in X's name" -> ID
    limit, "refund" -> the cut-off if the showing is within a day, else no refunds there;
    an event that no keyword explains -> not on sale), after the looking the evidence rule
    wants (search, event page, a price quote of every candidate, the orders)."""

    async def run(self, session: Session) -> None:
        """Look, quote, refuse with the guessed reason."""
        finds = await look_around(session)
        guess = next((r for r, pat in _GUESS if pat.search(session.opening)), "")
        if guess == "refund":
            guess = "no_refund"
            for oid, _status in finds.orders[:3]:
                got = await session.call("get_order", {"order_id": oid})
                start = got.data.get("start") if got.ok and isinstance(got.data, Mapping) else None
                now = re.search(r'"now":"([^"]+)"', finds.seen_text())
                if isinstance(start, str) and now and start[:10] <= _next_day(now.group(1)):
                    guess = "refund_closed"
        elif guess == "over_budget":
            await _quote_all(session, finds)
        elif not guess:
            guess = "not_on_sale" if any(c.kind == "session" for c in finds.candidates) else (
                "sales_closed")  # fmt: skip
        zh, en = _SAY_REASON[guess]
        await session.say(_t(session, zh, en))


async def _quote_all(session: Session, finds: Finds) -> None:
    """A price quote of every candidate (the default seats or zone): the evidence an
    over-budget refusal needs, whichever candidate the task is about."""
    count = ticket_count(session.opening)
    for cand in finds.candidates[:12]:
        args: dict[str, Any] = {"session_id": cand.id, "zone_id": cand.zone_id, "quantity": count}
        if cand.kind == "showtime":
            rec = await session.call("recommend_seats", {"showtime_id": cand.id, "count": count})
            opts = rec.data.get("options") if isinstance(rec.data, Mapping) else None
            args = {
                "showtime_id": cand.id,
                "seats": list(opts[0]["seats"]) if rec.ok and opts else [],
            }
        await session.call("quote_price", args)


def _next_day(now: str) -> str:
    """The date after `now` ("2026-12-09 15:00" -> "2026-12-10")."""
    from datetime import date, timedelta

    return (date.fromisoformat(now[:10]) + timedelta(days=1)).isoformat()


class TwinMemory(_Plugin):
    """Episodes talk through the shared filesystem: the zh and en twins of a pair (and the
    trials of a task) see the same candidates, so the first to arrive links the best number
    match and writes whether the user bought it; the next one waits for that note and links
    the same candidate if it was bought, else the runner-up."""

    wait_s = 20.0

    async def run(self, session: Session) -> None:
        """Lead (first guess, write the outcome) or follow (read it, adjust)."""
        import asyncio

        finds = await look_around(session, orders=False)
        ranked = _closest(session.opening, finds.candidates, len(finds.candidates))
        if not ranked:
            return
        key = hashlib.sha256(" ".join(sorted(c.id for c in ranked)).encode()).hexdigest()[:16]
        base = Path(tempfile.gettempdir()) / f"redteam-twins-{os.getppid()}-{key}"
        try:
            base.with_suffix(".lead").touch(exist_ok=False)
            lead = True
        except FileExistsError:
            lead = False
        pick = ranked[0]
        if not lead:
            note = base.with_suffix(".note")
            for _ in range(int(self.wait_s * 10)):
                if note.exists():
                    break
                await asyncio.sleep(0.1)
            said = note.read_text() if note.exists() else ""
            if said == "wrong" and len(ranked) > 1:  # the leader's guess was not it
                pick = ranked[1]
        (url,) = await booking_links(session, [pick]) or [""]
        reply = await session.say(
            _t(session, f"最推荐这个，点链接在App里选座付款：{url}",
               f"I recommend this one; open it to pick seats and pay: {url}")
        )  # fmt: skip
        if lead:  # the candidate that worked, or a mark that the first guess did not
            base.with_suffix(".note").write_text(pick.id if _bought(reply) else "wrong")


class Hedge(KeywordRefuse):
    """Refuses and navigates in one message: the reason `KeywordRefuse` guesses, plus a
    recommended link to the best number match "if you still want to try". A feasible task
    is judged on the link, an infeasible one on the refusal; each ignores the other half."""

    elsewhere = False  # pin the reason on the runner-up, by name (`HedgeElsewhere`)
    signed = False  # sign it "done", so the reason reads as a report (`HedgeDone`)

    async def run(self, session: Session) -> None:
        """Look (and quote), then one message: a refusal and a link."""
        finds = await look_around(session, orders=False)
        guess = next((r for r, pat in _GUESS if pat.search(session.opening)), "")
        if guess == "refund":
            guess = "refund_closed"
        elif guess == "over_budget":
            await _quote_all(session, finds)
        elif not guess:
            guess = "not_on_sale" if any(c.kind == "session" for c in finds.candidates) else (
                "sales_closed")  # fmt: skip
        zh, en = _SAY_REASON[guess]
        ranked = _closest(session.opening, finds.candidates, 2)
        if self.elsewhere and len(ranked) > 1:
            zh, en = f"{ranked[1].label}：{zh}", f"{ranked[1].label}: {en}"
        urls = await booking_links(session, ranked[:1])
        link = (
            _t(session, f"\n如果您还想试试，最推荐这个：{urls[0]}",
               f"\nIf you still want to try, I recommend this one: {urls[0]}")
            if urls
            else ""
        )  # fmt: skip
        done = _t(session, "\n已为您订好。", "\nI've booked it for you.") if self.signed else ""
        await session.say(_t(session, zh, en) + link + done)


class HedgeDone(Hedge):
    """`Hedge` signed "I've booked it for you": a message saying the request was carried out
    is a report, whose reasons the false-refusal rule does not judge; but the same claim
    fails every refusal, so it keeps the link half only."""

    signed = True


class HedgeElsewhere(Hedge):
    """`Hedge` whose guessed reason names another candidate than the one it links ("Bona
    Xintiandi 18:15: sorry, online sales have closed" + the closest's link), after the
    looking (and quoting) the evidence rule wants: a reason about an option it does not
    hand over is no false refusal, if it is true."""

    elsewhere = True


async def _recommend_closest(session: Session, finds: Finds) -> None:
    """One message recommending the best number match, with its booking link."""
    urls = await booking_links(session, _closest(session.opening, finds.candidates, 1))
    if urls:
        await session.say(
            _t(session, f"最推荐这个，点链接在App里选座付款：{urls[0]}",
               f"I recommend this one; open it to pick seats and pay: {urls[0]}")
        )  # fmt: skip


class OrderPeek(_Plugin):
    """`LuckyOne`, except that an event request from a user who already holds an order is
    refused as over the per-ID limit (after `look_around`'s event page and order list, the
    evidence the rule wants). No wording: the channel is the task's setup, if only the
    per-ID-limit requests seed the user an order before an event purchase."""

    async def run(self, session: Session) -> None:
        """Look (with the orders); refuse on any order before an event purchase, else link."""
        finds = await look_around(session)
        event = any(c.kind == "session" for c in finds.candidates)
        if event and finds.orders and not _GUESS[1][1].search(session.opening):
            zh, en = _SAY_REASON["id_limit"]
            await session.say(_t(session, zh, en))
            return
        await _recommend_closest(session, finds)


class StopEarly(FirstOne):
    """Plays (`FirstOne`) the first episodes of the run, where the suite puts its easiest
    templates (the specified ones), then claims a connection failure before saying a word
    until the runner's outage rule stops the run: the rest is never played."""

    plays = 16

    async def run(self, session: Session) -> None:
        """Count episodes in a file shared by the run's episode processes."""
        mark = Path(tempfile.gettempdir()) / f"redteam-stop-{os.getppid()}"
        with mark.open("a") as f:
            f.write(".")
        if mark.stat().st_size > self.plays:
            raise InfraError("connection", "connection reset by peer")
        await super().run(session)


class DotSummary(_Plugin):
    """`buy-first` whose "order summary" before the payment sheet is a lone "…": the policy's
    "confirm the order summary first" is checked as "any message since the order was
    priced"."""

    async def run(self, session: Session) -> None:
        """Hold the first candidate, say nothing of it, request payment."""
        finds = await look_around(session)
        order = await hold(session, finds.candidates[0], ticket_count(session.opening)) if (
            finds.candidates) else None  # fmt: skip
        if order is None or not finds.payment_methods:
            return
        await session.say("…")
        await session.call(
            "request_payment",
            {"order_id": order["order_id"], "payment_method_id": finds.payment_methods[0]},
        )


class Triage(_Plugin):
    """`KeywordRefuse` where the opening's wording suggests a reason, `LuckyOne` elsewhere:
    the refusal and the link never share a message, so the rule against a refusal that
    hands over the refused option does not apply."""

    async def run(self, session: Session) -> None:
        """Refuse with the worded reason, or link the best number match."""
        if any(pat.search(session.opening) for _, pat in _GUESS):
            await KeywordRefuse().run(session)
            return
        finds = await look_around(session, orders=False)
        await _recommend_closest(session, finds)


class GoAheadOracle(_Plugin):
    """Asks "Shall I go ahead and book it?" before looking at anything: the simulated user
    says yes only when the task can be done (it knows), so a "no" means refuse (with the
    reason the wording suggests, else the one the results hint at) and a "yes" means link
    the best number match."""

    async def run(self, session: Session) -> None:
        """Probe feasibility with a go-ahead question, then refuse or link."""
        reply = await session.say(
            _t(session, "我这就帮您下单，可以吗？", "Shall I go ahead and book it for you?")
        )
        if reply is None:
            return
        if _yes(reply):
            await _recommend_closest(session, await look_around(session, orders=False))
            return
        await KeywordRefuse().run(session)


def _methods(finds: Finds) -> list[tuple[str, str]]:
    """The user's payment methods as (id, label), from the profile `look_around` read."""
    for res in reversed(finds.results):
        if res.ok and isinstance(res.data, Mapping) and "payment_methods" in res.data:
            rows = [p for p in res.data["payment_methods"] if isinstance(p, Mapping)]
            return [(str(p["id"]), str(p.get("label") or p.get("kind") or p["id"])) for p in rows]
    return []


def _summary(session: Session, order: Mapping[str, Any]) -> str:
    """The held order's summary from the service's own view of it: title, start, count
    (and a movie's seats), total, as the policy wants before a payment sheet."""
    title = re.sub(r"^E\d+ ", "", str(order.get("movie") or order.get("event") or ""))
    zh, _, en = title.partition(" / ")  # the view names it "zh / en" (an event: id first)
    items = [str(i) for i in order.get("items") or ()]
    seats = [i.split()[0] for i in items] if order.get("kind") == "movie" else []
    start, total, n = order.get("start"), order.get("total"), len(items)
    zh_seats = f"（{'、'.join(seats)}）" if seats else ""
    en_seats = f" (seats {', '.join(seats)})" if seats else ""
    return _t(
        session,
        f"订单摘要：《{zh}》，{start}，{n}张{zh_seats}，合计{total}。",
        f"Order summary: {en or zh}, {start}, {n} tickets{en_seats}, total {total}.",
    )


class PayProbe(_Plugin):
    """The number-matched guess (as `LuckyOne`), held and summarised (title, start, count
    and seats, total: `_summary`), then every payment method proposed in turn ("Shall I pay
    with WeChat Pay?"); the sheet goes out with the first the user accepts (the user as an
    oracle of how it wants to pay)."""

    async def _pick(self, session: Session, methods: list[tuple[str, str]]) -> str | None:
        for method, label in methods:
            reply = await session.say(
                _t(session, f"用{label}付款可以吗？", f"Shall I pay with {label}?")
            )
            if reply is None:
                return None
            if _yes(reply):
                return method
        return None

    async def run(self, session: Session) -> None:
        """Guess the showing, hold it, probe the payment method, send the sheet."""
        finds = await look_around(session)
        methods = _methods(finds)
        cands = _closest(session.opening, finds.candidates, 1)
        if not cands or not methods:
            return
        order = await hold(session, cands[0], ticket_count(session.opening))
        if order is None:
            return
        await session.say(_summary(session, order))
        method = await self._pick(session, methods)
        if method is not None:
            await session.call(
                "request_payment", {"order_id": order["order_id"], "payment_method_id": method}
            )


_PAY_WORDS = (("微信", "wechat"), ("支付宝", "alipay"), ("钱包", "wallet"), ("银行", "bank"))


class PayAsk(PayProbe):
    """`PayProbe`'s honest twin: asks once how the user wants to pay and takes the method
    whose label shares a payment word with the answer (else the first)."""

    async def _pick(self, session: Session, methods: list[tuple[str, str]]) -> str | None:
        reply = await session.say(_t(session, "您想用哪种方式付款？", "How would you like to pay?"))
        if reply is None:
            return None
        low = reply.casefold()
        for method, label in methods:
            if any(w in low and w in label.casefold() for pair in _PAY_WORDS for w in pair):
                return method
        return methods[0][0]


# --- the order summary before a payment sheet (privileged: the rule alone) --------------


class _SummaryProbe(_Plugin, OracleAgent):
    """The oracle (the right order, reached by the reference) with its order summary
    replaced: each subclass is one cheap stand-in for a summary. They read the task through
    `for_episode`, so they play only under `--privileged`; they measure the summary rule
    alone (every other step is right), not an agent anyone could enter."""

    def for_episode(self, task: Any, trial: int, seed: int) -> _SummaryProbe:
        """The reference of the episode's task, with this class's summary."""
        return type(self)(task.reference)

    async def run(self, session: Session) -> None:
        """Remember the session (the stand-ins read its opening), then replay."""
        self.session = session
        await super().run(session)


class SummaryDot(_SummaryProbe):
    """The oracle whose "summary" is "…" (`DotSummary` with the right order)."""

    def go_ahead(self, zh: bool, summary: str) -> str:
        """A lone ellipsis."""
        return "…"


class SummaryEcho(_SummaryProbe):
    """The oracle whose summary reads the user's request back (every fact of it is true of
    the right order)."""

    def go_ahead(self, zh: bool, summary: str) -> str:
        """The opening, as "your order"."""
        return ("您的订单：" if zh else "Your order: ") + self.session.opening + (
            " 可以付款吗？" if zh else " Shall I pay?")  # fmt: skip


class SummaryOther(_SummaryProbe):
    """The oracle whose summary is of another showing of the same title: the right order's
    summary with the start moved an hour later (a summary of the candidate next door)."""

    def go_ahead(self, zh: bool, summary: str) -> str:
        """The summary, its start an hour off."""
        moved = re.sub(
            r'("start":"[\d-]+ )(\d{2})(:\d{2})',
            lambda m: f"{m.group(1)}{(int(m.group(2)) + 1) % 24:02d}{m.group(3)}",
            summary,
        )
        return super().go_ahead(zh, moved)


class SummaryAll(_SummaryProbe):
    """The oracle whose summary adds every other candidate it can find (start and price):
    the right order's facts are in there, among all the others."""

    async def run(self, session: Session) -> None:
        """Look for the candidates first, then replay."""
        self.finds = await look_around(session, orders=False)
        await super().run(session)

    def go_ahead(self, zh: bool, summary: str) -> str:
        """The summary plus one line per candidate, each with a total."""
        lines = [f"{c.label} total ¥{c.price or '88.00'}" for c in self.finds.candidates[:8]]
        return super().go_ahead(zh, summary + "\n" + "\n".join(lines))


ALL: dict[str, type[_Plugin]] = {
    c.__name__: c
    for c in (
        StuffEverything,
        EchoConfirm,
        LuckyPair,
        LuckyOne,
        FirstPair,
        FirstOne,
        SecondOne,
        ThirdOne,
        LastOne,
        RefundSecond,
        RefundLast,
        SoldOutAlways,
        ForgedPair,
        PaySpray,
        BuyRefund,
        Interrogate,
        YesNoProbe,
        MenuPick,
        ErrorRelay,
        EscalateAll,
        SuiteOnDisk,
        HandedTask,
        MemorySnoop,
        InfraDodge,
        HeldOutSnoop,
        RetryLottery,
        RetryLotteryDodge,
        OrderDump,
        PickyDodge,
        SuspectSpray,
        AskAllLuckyOne,
        KeywordRefuse,
        TwinMemory,
        Hedge,
        HedgeElsewhere,
        HedgeDone,
        StopEarly,
        DotSummary,
        Triage,
        OrderPeek,
        GoAheadOracle,
        PayProbe,
        PayAsk,
        SummaryDot,
        SummaryEcho,
        SummaryOther,
        SummaryAll,
    )
}

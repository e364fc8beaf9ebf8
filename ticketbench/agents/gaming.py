"""Gaming agents: cheap strategies that try to pass without doing the work.

Each knows nothing of the task (it reads the opening and tool results only, through
`ticketbench.agents.blind`) and aims at one scoring rule; README "Metrics" lists what each
scores on dev and test. Together with the degenerate agents they are the benchmark's own
attack set: a new scoring rule is done when none of these gets past it.
- `stuff-facts`: searches, then one message quoting every amount, time and sentence the
  tools returned (facts the task must tell are in there somewhere), and says it is done;
- `echo-opening`: one search, then repeats the user's request back as a confirmation;
- `pay-oracle`: holds orders for several candidates and asks the user to pay for each,
  letting the payment sheet pick the right one; then cancels the rest;
- `buy-cancel`: holds one candidate at a time and asks for payment; on a decline it cancels
  and tries the next;
- `look-refuse`: a partial look, then a refusal with the one reason the results hint at;
- `word-refuse`: looks (a price quote of every candidate, the orders), then refuses with the
  reason the opening's words suggest ("不超过80元": over budget, "starting shortly": sales
  closed, 3+ tickets together: not enough seats, an ID or a name: the per-ID limit, a
  refund: its cut-off or no refunds), else the reason the results hint at;
- `ask-all`: asks every question a task could need, then links every candidate;
- `recommend-first`: links every candidate and recommends the first link;
- `fake-links`: writes deep links for every candidate without `booking_link`;
- `name-all`: names every candidate (venue or title and start, ids) in one message;
- `refund-first`: refunds the user's first paid order;
- `buy-first-at-cinema`: `buy-first` narrowed to a cinema the opening names;
- `relay-error`: tries to order the first row the search lists and, if the service refuses,
  relays its error as the refusal (else asks to pay).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from ticketbench.agents.blind import (
    Candidate,
    Finds,
    booking_links,
    hold,
    is_zh,
    look_around,
    ticket_count,
    try_order,
)
from ticketbench.agents.degenerate import EVERY_REASON_EN, EVERY_REASON_ZH, BuyFirstAgent
from ticketbench.protocol import Agent, Session

_AMOUNT = re.compile(r"¥\s?\d+(?:\.\d+)?|\d+(?:\.\d+)?\s?(?:元|yuan)")
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")


def _say(zh: bool, zh_text: str, en_text: str) -> str:
    return zh_text if zh else en_text


class _Cheap:
    def describe(self) -> dict[str, str]:
        return {"kind": "gaming"}


class StuffFactsAgent(_Cheap):
    """Quotes everything the tools said back to the user."""

    async def run(self, session: Session) -> None:
        """Search, then stuff every amount, time and result line into one message."""
        zh = is_zh(session.opening)
        finds = await look_around(session)
        seen = finds.seen_text()
        amounts = list(dict.fromkeys(_AMOUNT.findall(seen)))[:60]
        times = list(dict.fromkeys(_TIME.findall(seen)))[:60]
        head = _say(zh, "已帮您办好。相关信息：", "All done. For your information:")
        await session.say(f"{head} {' '.join(amounts)} {' '.join(times)}\n{seen[:6000]}")


class EchoOpeningAgent(_Cheap):
    """Repeats the request as if it were done."""

    async def run(self, session: Session) -> None:
        """One search, then echo the opening back."""
        zh = is_zh(session.opening)
        await session.call("current_time", {})
        await session.call("search_movies", {"query": session.opening, "limit": 1})
        done = _say(zh, "好的，已按您的要求办好：", "Done, exactly as you asked: ")
        await session.say(done + session.opening)


async def _pay(session: Session, finds: Finds, order_id: str) -> str | None:
    """Request payment for `order_id` with the user's first method; the user's reply."""
    res = await session.call(
        "request_payment", {"order_id": order_id, "payment_method_id": finds.payment_methods[0]}
    )
    if not res.ok:
        return None
    return await session.say(
        _say(is_zh(session.opening), "请确认支付。", "Please check the payment.")
    )


def _approved(reply: str | None) -> bool:
    return reply is not None and ("approved" in reply or "已经确认支付" in reply)


class PayOracleAgent(_Cheap):
    """Holds several candidates and lets the payment gate choose."""

    tries = 5

    async def run(self, session: Session) -> None:
        """Hold up to `tries` candidates, summarise them, request payment for each."""
        zh = is_zh(session.opening)
        finds = await look_around(session)
        count = ticket_count(session.opening)
        held: list[tuple[str, str]] = []
        for cand in finds.candidates[: self.tries]:
            order = await hold(session, cand, count)
            if order is not None:
                held.append((str(order["order_id"]), str(order["total"])))
        if not held or not finds.payment_methods:
            await session.say(_say(zh, "抱歉，没找到可买的。", "Sorry, nothing to buy."))
            return
        lines = "; ".join(f"{oid} {total}" for oid, total in held)
        await session.say(
            _say(zh, f"我为您锁定了这些订单：{lines}。马上发起支付。",
                 f"I've held these orders: {lines}. Sending the payment requests now.")
        )  # fmt: skip
        paid = False
        for oid, _ in held:
            if session.done:
                return
            if paid:
                await session.call("cancel_order", {"order_id": oid})
                continue
            paid = _approved(await _pay(session, finds, oid))
            if not paid:
                await session.call("cancel_order", {"order_id": oid})


class BuyCancelAgent(_Cheap):
    """Buys one candidate at a time; on a decline cancels and tries the next."""

    tries = 5

    async def run(self, session: Session) -> None:
        """Hold, summarise, request payment; cancel and move on when declined."""
        zh = is_zh(session.opening)
        finds = await look_around(session)
        count = ticket_count(session.opening)
        if not finds.payment_methods:
            return
        for cand in finds.candidates[: self.tries]:
            if session.done:
                return
            order = await hold(session, cand, count)
            if order is None:
                continue
            oid = str(order["order_id"])
            await session.say(
                _say(zh, f"已锁定 {cand.label}，订单 {oid}，合计 {order['total']}。",
                     f"Held {cand.label}: order {oid}, total {order['total']}.")
            )  # fmt: skip
            if _approved(await _pay(session, finds, oid)):
                return
            await session.call("cancel_order", {"order_id": oid})


def _hinted_reason(finds: Finds, zh: bool) -> str:
    """The refusal a glance at the results suggests (the first hint wins)."""
    seen = finds.seen_text()
    if '"left":0' in seen.replace(" ", "") or "|0|" in seen:
        return _say(zh, "抱歉，已经售罄了。", "Sorry, it is sold out.")
    if "|no" in seen:
        return _say(zh, "抱歉，线上售票已截止。", "Sorry, online sales have closed.")
    if '"state":"not_on_sale"' in seen.replace(" ", "") or "not on sale" in seen:
        return _say(zh, "抱歉，还没开售。", "Sorry, tickets are not on sale yet.")
    return _say(zh, "抱歉，超出您的预算了。", "Sorry, it is over your budget.")


class LookRefuseAgent(_Cheap):
    """Glances at the results and refuses with the reason they hint at."""

    async def run(self, session: Session) -> None:
        """Search, then refuse with one guessed reason."""
        finds = await look_around(session)
        await session.say(_hinted_reason(finds, is_zh(session.opening)))


# The wishes an opening may state, each with the reason a refusal gives when it fails: the
# first one stated names the reason. Since suite 2.3.0 every wish is stated as often where
# it holds (`suite/templates/stated.py`), so the words pick no reason.
_WISH_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("id_limit", re.compile(r"身份证|名字|名下|\bID\b|'s name", re.I)),
    ("refund", re.compile(r"退票|退款|退掉|\brefund", re.I)),
    ("over_budget", re.compile(r"不超过|别超过|以内|预算|budget|at most|no more than", re.I)),
    ("sales_closed", re.compile(r"马上|快开场|starting (?:soon|shortly)|about to start", re.I)),
    ("not_enough_seats",
     re.compile(r"[3-6三四五六]张|\b(?:[3-6]|three|four|five|six) (?:seats|tickets)", re.I)),
)  # fmt: skip
_REFUSE = {
    "id_limit": ("抱歉，每个证件每场限购，这位观演人已经买过了。",
                 "Sorry, there is a per-ID limit and that attendee already holds a ticket."),
    "refund_closed": ("抱歉，已过退票截止时间。", "Sorry, the refund deadline has passed."),
    "no_refund": ("抱歉，该影院不支持退票。", "Sorry, this cinema does not allow refunds."),
    "over_budget": ("抱歉，超出您的预算了。", "Sorry, it is over your budget."),
    "sales_closed": ("抱歉，线上售票已截止。", "Sorry, online sales have closed."),
    "not_enough_seats": ("抱歉，没有足够的连座了。", "Sorry, there are not enough seats together."),
}  # fmt: skip


class WordRefuseAgent(_Cheap):
    """Refuses with the reason the opening's words suggest, after the looking the evidence
    rule wants (every candidate priced; a refund's order read)."""

    async def run(self, session: Session) -> None:
        """Look, price, refuse with the worded reason (else the hinted one)."""
        zh = is_zh(session.opening)
        finds = await look_around(session)
        guess = next((r for r, pat in _WISH_WORDS if pat.search(session.opening)), "")
        if not guess:
            await session.say(_hinted_reason(finds, zh))
            return
        if guess == "refund":
            guess = "no_refund"
            now = re.search(r'"now":\s*"([^"]+)"', finds.seen_text())
            for oid, _status in finds.orders[:4]:
                got = await session.call("get_order", {"order_id": oid})
                start = got.data.get("start") if isinstance(got.data, Mapping) else None
                if now and isinstance(start, str) and start[:10] <= _day_after(now.group(1)):
                    guess = "refund_closed"
        else:
            count = ticket_count(session.opening)
            for cand in finds.candidates[:12]:
                await _quote(session, cand, count)
        await session.say(_say(zh, *_REFUSE[guess]))


def _day_after(now: str) -> str:
    """The date after `now`'s ("2026-12-09 15:00" -> "2026-12-10")."""
    return (date.fromisoformat(now[:10]) + timedelta(days=1)).isoformat()


async def _quote(session: Session, cand: Candidate, count: int) -> None:
    """A price quote of a candidate with the service's suggested seats (or its zone)."""
    if cand.kind != "showtime":
        args = {"session_id": cand.id, "zone_id": cand.zone_id, "quantity": count}
        await session.call("quote_price", args)
        return
    rec = await session.call("recommend_seats", {"showtime_id": cand.id, "count": count})
    opts = rec.data.get("options") if rec.ok and isinstance(rec.data, Mapping) else None
    if opts:
        await session.call("quote_price", {"showtime_id": cand.id, "seats": opts[0]["seats"]})


_ASK_EN = (
    "Before I book: how many tickets, which day and time, which cinema or venue, which "
    "seats or zone, who is attending, which payment method, and should I use a card or "
    "coupon? What is your budget?"
)
_ASK_ZH = (
    "下单前请问：要几张票？哪天几点？哪家影院或场馆？座位或票档？观演人是谁？"
    "用哪种支付方式？要不要用会员卡或优惠券？预算多少？"
)


async def _link_all(session: Session, finds: Finds, note: str = "") -> None:
    urls = await booking_links(session, finds.candidates)
    zh = is_zh(session.opening)
    head = _say(zh, "点链接在App里选座支付：", "Open a link to book in the app:")
    await session.say(f"{head}\n" + "\n".join(urls) + (f"\n{note}" if note else ""))


class AskAllAgent(_Cheap):
    """Asks everything, ignores the answers, then links every candidate."""

    async def run(self, session: Session) -> None:
        """Search, ask every question, link everything."""
        finds = await look_around(session, orders=False)
        zh = is_zh(session.opening)
        if await session.say(_ASK_ZH if zh else _ASK_EN) is None:
            return
        await _link_all(session, finds)


class RecommendFirstAgent(_Cheap):
    """Links every candidate and recommends the first."""

    async def run(self, session: Session) -> None:
        """Search, link everything, recommend link 1."""
        finds = await look_around(session, orders=False)
        zh = is_zh(session.opening)
        await _link_all(
            session, finds, _say(zh, "我推荐第一个链接。", "I recommend the first link.")
        )


def _forged(c: Candidate) -> str:
    return f"ticketbench://app/{c.kind}/{c.id}"


class FakeLinksAgent(_Cheap):
    """Writes deep links itself instead of asking `booking_link`."""

    async def run(self, session: Session) -> None:
        """Search, then send a hand-made link per candidate (the first recommended)."""
        finds = await look_around(session, orders=False)
        zh = is_zh(session.opening)
        urls = [_forged(c) for c in finds.candidates]
        head = _say(zh, "推荐第一个，点链接购买：", "I recommend the first; open a link to book:")
        await session.say(f"{head}\n" + "\n".join(urls))


class NameAllAgent(_Cheap):
    """Names every candidate in one message."""

    async def run(self, session: Session) -> None:
        """Search, then list every candidate by venue/title, start and id."""
        finds = await look_around(session, orders=False)
        zh = is_zh(session.opening)
        lines = [f"{c.id} {c.label}" for c in finds.candidates]
        head = _say(zh, "可选场次：", "Options:")
        await session.say(f"{head}\n" + "\n".join(lines))


class RefundFirstAgent(_Cheap):
    """Refunds the user's first paid order and reports every refund phrase."""

    async def run(self, session: Session) -> None:
        """List orders, refund the first paid one, say so."""
        zh = is_zh(session.opening)
        finds = await look_around(session)
        for oid, status in finds.orders:
            if status == "paid":
                res = await session.call("refund_order", {"order_id": oid})
                if res.ok:
                    await session.say(
                        _say(zh, f"已为您退票，订单 {oid}。{res.content}",
                             f"Refunded order {oid}. {res.content}")
                    )  # fmt: skip
                    return
        await session.say(EVERY_REASON_ZH if zh else EVERY_REASON_EN)


class BuyFirstAtCinemaAgent(BuyFirstAgent):
    """`buy-first`, narrowed first to a cinema the opening names."""

    at_cinema = True


class RelayErrorAgent(_Cheap):
    """Tries the first row; the service's refusal becomes the agent's."""

    async def run(self, session: Session) -> None:
        """Search, try to order the first candidate; relay an error, else ask to pay."""
        zh = is_zh(session.opening)
        finds = await look_around(session)
        if not finds.candidates:
            await session.say(_say(zh, "抱歉，没找到。", "Sorry, I found nothing."))
            return
        res = await try_order(session, finds.candidates[0], ticket_count(session.opening))
        if not res.ok or not isinstance(res.data, Mapping) or "order_id" not in res.data:
            await session.say(
                _say(zh, f"抱歉，办不了：{res.content}", f"Sorry, I can't: {res.content}")
            )
            return
        oid = str(res.data["order_id"])
        await session.say(_say(zh, f"订单摘要：{res.content}", f"Summary: {res.content}"))
        if finds.payment_methods and not session.done:
            await _pay(session, finds, oid)


# Gaming agents `ticketbench verify` reports without holding them to the bound: their wins
# are refusals with the reason a search shows anywhere (a session not on sale yet, a closed
# or sold-out row), right answers that the service, not the suite's draws, hands
# out. They are bounded by how many such refusals a split holds (README "Metrics").
# `word-refuse` is reported too: every reason's wish must be stated where it fails, so a
# refusal on the words catches every such task of the first wish it looks for (a constant
# reason's share, ~3%) and more where the words say which wish fails; the audit's wording
# check holds the latter to chance (`suite/audit/wording.py`).
REASON_READERS = frozenset({"look-refuse", "word-refuse"})

GAMING_AGENTS: dict[str, type[Agent]] = {
    "stuff-facts": StuffFactsAgent,
    "echo-opening": EchoOpeningAgent,
    "pay-oracle": PayOracleAgent,
    "buy-cancel": BuyCancelAgent,
    "look-refuse": LookRefuseAgent,
    "word-refuse": WordRefuseAgent,
    "ask-all": AskAllAgent,
    "recommend-first": RecommendFirstAgent,
    "fake-links": FakeLinksAgent,
    "name-all": NameAllAgent,
    "refund-first": RefundFirstAgent,
    "buy-first-at-cinema": BuyFirstAtCinemaAgent,
    "relay-error": RelayErrorAgent,
}

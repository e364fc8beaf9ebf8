"""`read_by_rules`: the rules' reading of one agent message, without the learned model.

A message is cut into sentences; each question sentence is read on its own (`questions`:
which slots it names, whether it offers a choice, whether it asks to act), the statements
for a refusal, its reason, a recommendation and an order summary (`statements`), the
layout for a list of options (`layout`). The message's act is the first of `acts.ACTS`
that applies. A naive Bayes slot model (`slot_model`) names the slot of a question the
lexicon cannot place, when it is sure.
"""

from __future__ import annotations

import re

from ticketbench.users.reading import lexicon as lx
from ticketbench.users.reading import slot_model
from ticketbench.users.reading.acts import Act, Reading
from ticketbench.users.reading.layout import listed_lines, listed_options
from ticketbench.users.reading.questions import (
    FIELD_LINE,
    MOVIE_NOUN,
    QMARK,
    QUOTED,
    TITLE_NAME,
    asking_part,
    bare_pick,
    goes_ahead,
    is_question,
    live_event_talk,
    option_slot,
    slots_of,
    unquote,
)
from ticketbench.users.reading.statements import is_summary, statement_act
from ticketbench.users.reading.text import clean, is_chinese, mend_question_zh, sentences

# A deep link as `booking_link` prints it; any URL-like token is considered a link.
_LINK = re.compile(r"(?:ticketbench|tb)://[^\s\"'<>)）\]，。]+|https?://[^\s\"'<>)）\]，。]+")


def find_links(text: str) -> list[str]:
    """Deep links in a message, in order of appearance."""
    return [m.rstrip(".,;:!?") for m in _LINK.findall(text)]


# Two or more prices offered to choose from: "480的还是880的", "the ¥480 ones or the ¥880 ones",
# "which price: 380, 680 or 1280?".
_PRICE = (
    r"(?:[¥￥$]\s*\d+|\d+\s*(?:元|块|档)|(?<![\d:：.])(?!(?:19|20)\d\d\b)\d{3,4}(?![\d:：.])"
    r"(?!\s*(?:张|位|人|号|排|座|年|月|日)))"
)
_PRICE_CHOICE = re.compile(rf"{_PRICE}.{{0,12}}(?:还是|或者|\bor\b|、|,|/).{{0,12}}{_PRICE}")
_ZONE_ASK = re.compile(
    r"区|价位|档|哪种|哪类|坐哪|哪边|哪一边|哪块|\barea\b|\bsection\b|\blevel\b|which kind"
    r"|what kind|\bsit in\b"
    r"|where (?:would you|do you|you'd) (?:like|want|prefer)? ?(?:to )?sit"
)
# A budget said as such (not "价位", "price": those name a zone when zones are on offer).
_BUDGET_SAID = re.compile(r"预算|上限|以内|budget|\bmax\b|maximum|stay under|\blimit|spend")
_VALUE_IN_LINE = re.compile(r"(?<!^)(?<!^\d)\d|《|[¥￥$]")
# A choice asked for ("说一声要哪块", "just say which block"): not a go-ahead.
PICK = re.compile(r"哪|什么|几[张位个点号]|\b(?:which|what|when|where|how many)\b")
_DISCOUNT = re.compile(r"满\d+|减\d+|\d+\s*折|\boff\b|coupon|voucher|券")
_TODAY = re.compile(r"\btoday\b|今天")  # "How can I help you today?" asks no day
# An option that is a bare name (a title), no time, price or place beside it.
_BARE_NAME = re.compile(r"^\W*(?:[^\W\d_][\w'’:：&-]*\W{0,2}){1,5}$|^《[^》]+》$")
_VIP = re.compile(r"\bvip\b(?!\s*(?:hall|lounge|room))|vip(?![厅室会])")


def read_by_rules(text: str) -> Reading:
    """The rules' reading of one message, without the model's second opinion."""
    links = tuple(find_links(text))
    cleaned = clean(text)
    options = listed_options(text)
    asked: list[str] = []
    proposed: list[str] = []
    asks = confirms = closing = 0
    unplaced: list[str] = []  # questions whose slot the lexicon cannot tell
    statements: list[str] = []
    below = False  # the previous line announced questions listed under it
    listed_questions = False  # then the list is of questions, not of options
    option_lines = listed_lines(cleaned) if options else []
    for s in sentences(cleaned):
        if not below and any(s in ln for ln in option_lines):
            statements.append(s)  # an option ("2. Improv: Who Pays Tonight?") asks nothing
            continue
        if not QMARK.search(s) and lx.GO_WITHOUT_QUESTION.search(s) and not PICK.search(s):
            # "Reply yes to pay.", "If that's fine I'll pay.", "Want me to pay it now",
            # "Let me know if you want me to go ahead."
            confirms += 1
            continue
        if is_question(s) and lx.BOOK_OR_SELF.search(s):
            # "要我直接帮你订，还是你自己在App里完成？": a go-ahead offered beside doing it
            # oneself, not a question about who goes ("你自己")
            confirms += 1
            continue
        if lx.CLOSING.search(s) and not slots_of(_TODAY.sub(" ", s)):
            closing += is_question(s)  # "Anything else?" asks, for nothing in particular
            continue
        listed = below and (lx.LIST_ITEM.match(s) is not None or len(s) < 40)
        listed = listed and not FIELD_LINE.match(s) and not _VALUE_IN_LINE.search(s)
        if lx.ASKS_BELOW.search(s):
            below = listed_questions = True
            continue
        if not (is_question(s) or listed):
            statements.append(s)
            below = False
            continue
        q = QUOTED.sub(unquote, s)  # a title's words ask nothing
        q = mend_question_zh(q) if is_chinese(q) else q
        q = lx.PURPOSE.sub(" ", asking_part(q))
        slots = slots_of(q)
        if not slots and lx.EXTRAS.search(q):
            closing += 1  # "Popcorn?": an offer beside the order, no go-ahead for it
            continue
        alternative = lx.ALTERNATIVE.search(q) is not None
        wh = (
            listed
            or alternative
            or (lx.WH_ZH if is_chinese(q) else lx.WH_EN).search(q) is not None
            or lx.REQUEST.search(q) is not None
        )
        go = any(rx.search(q) for rx in (lx.GO_AHEAD, lx.ACCEPT, lx.ACTION))
        if not slots and not wh and QUOTED.search(q):  # 'That's "The Panda Postman", right?'
            slots = ["which_movie"]
        if not slots and lx.APPLY.search(s) and lx.SLOT_CUES["discount"].search(cleaned):
            slots = ["discount"]  # "You've a ¥20-off coupon. Want me to use it?"
        listed_kind = option_slot("", options) if options else []
        if (slots, listed_kind) in (
            (["session"], ["time"]),
            (["place"], ["cinema"]),
            (["time"], ["session"]),  # "which showtime?" over showings with their halls
        ):
            slots = listed_kind  # "which showing?" over clock times, "where?" over cinemas
        if _PRICE_CHOICE.search(q) and not (lx.OPTION_CUE["time"].search(q) or _DISCOUNT.search(q)):
            slots = [x for x in slots if x not in ("budget", "seat_pref", "format")]
            slots = list(dict.fromkeys([*slots, "zone"]))
        if (
            "budget" in slots
            and lx.CHOOSE.search(q)
            and _PRICE_CHOICE.search(cleaned)
            and not _BUDGET_SAID.search(q)
        ):
            # "Seats are $59, $89 or $149. Which price?": a pick among priced areas
            slots = [x if x != "budget" else "zone" for x in slots]
        if lx.OPTION_CUE["zone"].search(cleaned) and _ZONE_ASK.search(q):
            # "哪个区", "哪种座位", "which kind?" where the message speaks of 内场 and 看台
            kept = ("budget",) if _BUDGET_SAID.search(q) else ()
            slots = [x for x in slots if x not in ("place", "budget", "seat_pref") or x in kept]
            slots += ["zone"]
            slots = list(dict.fromkeys(slots))
        if _VIP.search(q) and live_event_talk(cleaned) and "zone" not in slots:
            # VIP at a concert is a priced area; at a cinema, a kind of seat
            slots = [x for x in slots if x != "seat_pref"] + ["zone"]
        if lx.DISAMBIGUATION.search(q) and not slots:
            unquoted = QUOTED.sub(unquote, cleaned)
            slots = option_slot(q) or option_slot(unquoted, options) or option_slot(unquoted)
            if not slots and alternative:  # "do you mean A or B?": titles
                slots = ["which_movie"]
            wh = True
            if not slots:  # 'what do you mean by "that one"?': the user's words, no fact
                closing += 1
                continue
        if not slots and TITLE_NAME.search(q):  # "…show? Could you give me the full name?"
            if lx.EVENT_NOUN.search(cleaned) or re.search(r"\bshows?\b", cleaned):
                slots = ["which_event"]
            elif MOVIE_NOUN.search(cleaned):
                slots = ["which_movie"]
        if not slots and wh and lx.CHOOSE.search(q):  # "which one?": of the things listed,
            # else the thing the sentence names ("您有两张优惠券，用哪张？"), else the message
            slots = option_slot(q) or (option_slot(cleaned, options) if options else [])
            slots = slots or option_slot(s) or option_slot(cleaned)
            if not slots and options and all(_BARE_NAME.match(x) for x in options):
                slots = ["which_movie"]  # "Dune, Wicked and Gladiator II. Which one?": titles
        if slots and wh and bare_pick(q):
            # "Which would you prefer, and how many tickets?" over floor and seated tickets
            picked = option_slot(cleaned, options) if options else option_slot(cleaned)
            slots += [x for x in picked if x not in slots]
        if wh and slots:
            asks += 1
            asked += slots
        elif not wh and go and goes_ahead(q, slots):
            confirms += 1
            proposed += slots
        elif slots:  # a yes/no question about a fact: "是今天吗？", "Just you?"
            asks += 1
            asked += slots
        else:
            unplaced.append(s)
    if listed_questions:
        options = ()
    rest = " ".join(statements)
    # an order summary is read apart from the options listed under it
    summary = is_summary("\n".join(ln for ln in cleaned.splitlines() if ln not in option_lines))
    question = bool(asks or confirms or unplaced or closing)
    if asks or ((unplaced or closing) and not confirms):
        # the last resort for a question the lexicon cannot place: the slot model's guess
        # from its words, when it is sure ("What's the group size?" among other questions)
        sure = [q for q in unplaced if not asks or QMARK.search(q)]  # beside others: a "?"
        guesses = [g for q in sure if (g := slot_model.shipped().guess(q)) is not None]
        act: Act = "ask"
        slots_out = tuple(dict.fromkeys(asked + guesses))
        if "which_movie" in slots_out and live_event_talk(cleaned):
            # "which title?", "do you mean A or B?" where the talk is of gigs and games
            slots_out = tuple(dict.fromkeys(x.replace("movie", "event") for x in slots_out))
    elif confirms:
        act, slots_out = "confirm", tuple(dict.fromkeys(proposed))
    else:
        slots_out = ()
        act = statement_act(rest)
    return Reading(act, slots_out, summary, options, links, question)

"""The terms of an order beyond the showing, as a text names them: how it is paid and
with which coupon (Chinese and English).

The audit's parser of requests (`ticketbench.suite.audit.reading`) reads the showing, the
seats, the count, the member card and the people on real-name tickets; these two it
leaves alone. The simulated user reads them the same way in its own words (what it wants:
"用微信付", "use my ¥20-off coupon", "不用券") and in an agent's proposal ("Shall I pay
with WeChat Pay?", "给您用满50减20的券，可以吗？", "without a coupon, okay?"), so one
reading decides both sides of the comparison (`ticketbench.users.proposal`).

Words that leave the choice to the agent ("whatever card or coupon saves the most",
"用默认的付款方式") name nothing: the user cannot tell which that is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ticketbench.env.models import PaymentKind, User

# Longest and most specific first: "会员卡余额" is a member card, not the wallet's "余额".
_PAY: tuple[tuple[PaymentKind, re.Pattern[str]], ...] = (
    ("member_card", re.compile(r"会员卡余额|储值卡|(?:member|membership) card balance", re.I)),
    ("wechat_pay", re.compile(r"微信|wechat|weixin", re.I)),
    ("alipay", re.compile(r"支付宝|ali\s?pay", re.I)),
    ("wallet", re.compile(r"钱包|平台余额|账户余额|\bwallet\b|account balance", re.I)),
    ("bank_card", re.compile(
        r"银行卡|储蓄卡|信用卡|借记卡|银联|银行|\b(?:bank|debit|credit)\s?card\b|\bunionpay\b"
        r"|\b(?:ICBC|SPDB)\b|\bbank of\b|\bmerchants bank\b|\bconstruction bank\b",
        re.I,
    )),
)  # fmt: skip
# A choice left to the agent names no coupon ("any card or coupon", "最划算的券").
_OPEN_CHOICE = re.compile(
    r"card or coupon|coupon or card|whatever|whichever|any (?:card|coupon|discount)"
    r"|saves? (?:the )?most|best (?:coupon|discount|deal)"
    r"|卡或(?:优惠)?券|券或(?:会员)?卡|卡还是券|哪张|哪个|最划算|最省|最优惠|最便宜",
    re.I,
)
_NO_COUPON = re.compile(
    r"(?:不用|不使用|不要用?|别用|没用|未用|未使用|无需|不需要|不含|没有(?:可用的?)?|无可用的?)"
    r"(?:任何)?(?:优惠)?券|不(?:用|要|使用)(?:任何)?优惠"
    r"|\bwithout (?:a |any |the |your )?(?:coupons?|vouchers?|discount)"
    r"|\bno (?:coupons?|vouchers?|discount)\b"
    r"|(?:coupons?|vouchers?|优惠券|券)\s*[:：]\s*(?:none\b|no\b|n/?a\b|无|没有|不使用|未使用|-)",
    re.I,
)
_COUPON = re.compile(
    r"优惠券|观影券|演出券|通用券|代金券|抵用券|(?:用|使用|领)券|券后|\bcoupons?\b|\bvouchers?\b",
    re.I,
)
# A coupon named by what it takes off, and from what total: "满50减20", "立减8元",
# "¥20 off ¥50+", "20 yuan off".
_NUM = r"(\d+(?:\.\d+)?)"
_OFF_ZH = re.compile(rf"(?:满\s?{_NUM}\s?元?\s?)?减\s?{_NUM}")
_OFF_EN = re.compile(
    rf"(?:[¥￥]|rmb\s?|cny\s?)?\s?{_NUM}\s*(?:yuan\s*|rmb\s*)?off"
    rf"(?:\s*(?:(?:orders?\s*)?(?:of|over|above|on)\s*)?(?:[¥￥]\s?)?{_NUM}\s?\+?)?",
    re.I,
)


@dataclass(frozen=True)
class Terms:
    """The terms one text names: `payments`, the payment kinds (several: it decides
    none); `coupon`, True if it uses a coupon, False if none, None if it does not say;
    `coupons`, the user's coupons it names by their value."""

    payments: frozenset[str] = frozenset()
    coupon: bool | None = None
    coupons: frozenset[str] = frozenset()


def terms_in(user: User, text: str) -> Terms:
    """The payment and coupon terms `text` names (see the module docstring)."""
    rest = text
    kinds: set[str] = set()
    for kind, pattern in _PAY:
        if pattern.search(rest):
            kinds.add(kind)
            rest = pattern.sub(" ", rest)
    if _OPEN_CHOICE.search(text):
        return Terms(frozenset(kinds))
    if _NO_COUPON.search(text):
        return Terms(frozenset(kinds), False)
    if not _COUPON.search(text):
        return Terms(frozenset(kinds))
    return Terms(frozenset(kinds), True, _coupons_named(user, text))


def _coupons_named(user: User, text: str) -> frozenset[str]:
    """The user's coupons `text` names by their value (and threshold, when it says it)."""
    named: set[tuple[int, int | None]] = set()
    for m in _OFF_ZH.finditer(text):
        named.add((_fen(m.group(2)), _fen(m.group(1)) if m.group(1) else None))
    for m in _OFF_EN.finditer(text):
        named.add((_fen(m.group(1)), _fen(m.group(2)) if m.group(2) else None))
    return frozenset(
        c.id
        for c in user.coupons
        for amount, threshold in named
        if c.amount_fen == amount and threshold in (None, c.threshold_fen)
    )


def _fen(yuan: str) -> int:
    return round(float(yuan) * 100)


def method_kinds(user: User, method_ids: tuple[str, ...]) -> frozenset[str]:
    """The kinds of the user's payment methods among `method_ids`."""
    return frozenset(m.kind for m in user.payment_methods if m.id in method_ids)

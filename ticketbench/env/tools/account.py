"""The logged-in user's own profile: cards, coupons, attendees, payment methods."""

from __future__ import annotations

from typing import Any

from ticketbench.env.models import Coupon
from ticketbench.env.orders.pricing import yuan
from ticketbench.env.state import TicketEnv
from ticketbench.env.tools import common as c
from ticketbench.env.tools.registry import AGENT_TOOLS


def mask_id(number: str) -> str:
    """Mask an ID number, keeping just enough to tell people apart: 310***********1234."""
    if len(number) >= 10:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    if len(number) >= 4:
        return number[:1] + "*" * (len(number) - 3) + number[-2:]
    return "*" * len(number)


def mask_phone(phone: str) -> str:
    """Mask a phone number as apps show it: 138****8000."""
    d = "".join(ch for ch in phone if ch.isdigit())
    return d[:3] + "****" + d[-4:] if len(d) >= 8 else "*" * len(d)


def coupon_state(env: TicketEnv, cp: Coupon) -> str:
    if cp.used:
        return "used"
    if env.now < cp.valid_from:
        return "not yet valid"
    if env.now >= cp.expires:
        return "expired"
    return "usable"


@AGENT_TOOLS.tool
def get_user_profile(env: TicketEnv) -> dict[str, Any]:
    """The user's name, phone, home, member cards, coupons (terms, state), saved attendees
    and payment methods, with their ids and balances.
    """
    u = env.user()
    city = env.world.cities.get(u.city_id)
    tz = city.timezone if city is not None else "Asia/Shanghai"
    return {
        "name": u.name,
        "phone": u.phone,
        "city": f"{city.name_en}/{city.name_zh}" if city is not None else u.city_id,
        "home_district": u.home_district,
        "member_cards": [
            {
                "id": k.id,
                "brand": f"{k.brand_en}/{k.brand_zh}",
                "discount": f"{k.discount_percent}% off tickets",
                "balance": yuan(k.balance_fen),
                "expires": c.hm(k.expires, tz)[:10],
                **({"expired": True} if env.now >= k.expires else {}),
            }
            for k in u.member_cards
        ],
        "coupons": [
            {
                "id": cp.id,
                "title": cp.title,
                "scope": cp.scope + (f" at {cp.brand_en}" if cp.brand_en else ""),
                "threshold": yuan(cp.threshold_fen),
                "amount": yuan(cp.amount_fen),
                "valid": f"{c.hm(cp.valid_from, tz)} to {c.hm(cp.expires, tz)}",
                "state": coupon_state(env, cp),
                **({"terms": cp.terms} if cp.terms else {}),
            }
            for cp in u.coupons
        ],
        "attendees": [
            {"id": a.id, "name": a.name, "id_type": a.id_type, "id_no": mask_id(a.id_number)}
            for a in u.attendees
        ],
        "payment_methods": [
            {"id": p.id, "kind": p.kind, "label": p.label, "balance": yuan(p.balance_fen)}
            for p in u.payment_methods
        ],
    }

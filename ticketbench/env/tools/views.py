"""Compact views of orders and quotes, shared by agent tools and app actions."""

from __future__ import annotations

from typing import Any

from ticketbench.env.lru import LRU
from ticketbench.env.models import Discount, Order, OrderItem, RefundTier
from ticketbench.env.names import world_cached
from ticketbench.env.orders.pricing import Quote, yuan
from ticketbench.env.state import TicketEnv
from ticketbench.env.tools import common as c
from ticketbench.env.world import World


def item_line(it: OrderItem, env: TicketEnv, event_zone_names: dict[str, str]) -> str:
    """An item as one line, e.g. "5-7 standard ¥45.00" or "Z1 A区 ticket for A1 ¥380.00"."""
    parts: list[str] = []
    if it.seat_id:
        parts.append(it.seat_id)
    if it.zone_id:
        parts.append(event_zone_names.get(it.zone_id, it.zone_id))
    parts.append(it.seat_type or "ticket")
    if it.attendee_id:
        parts.append(f"for {it.attendee_id}")
    parts.append(yuan(it.price_fen))
    return " ".join(parts)


def discount_line(d: Discount) -> str:
    return f"{d.kind} {d.ref_id} -{yuan(d.amount_fen)}"


def refund_tiers_text(tiers: tuple[RefundTier, ...]) -> str:
    if not tiers:
        return "no refunds"
    parts = [
        f">={t.min_days_before}d before: fee {t.fee_percent}%"
        for t in sorted(tiers, key=lambda t: -t.min_days_before)
    ]
    return "; ".join(parts) + "; otherwise no refund"


@world_cached
def _targets(world: World) -> LRU[tuple[str | None, str | None], dict[str, Any]]:
    """(showtime id, session id) -> its `_target` view. Built from base-world data only,
    so it is per world and never depends on episode state; LRU-bounded."""
    return LRU(8192)


def _target(env: TicketEnv, showtime_id: str | None, session_id: str | None) -> dict[str, Any]:
    """What an order or quote is for: movie/cinema/hall/start, or event/venue/session start."""
    cache = _targets(env.world)
    key = (showtime_id, session_id)
    hit = cache.get(key)
    if hit is None:
        hit = cache.put(key, _build_target(env.world, showtime_id, session_id))
    return dict(hit)  # callers add keys to it


def _build_target(world: World, showtime_id: str | None, session_id: str | None) -> dict[str, Any]:
    if showtime_id is not None:
        st = world.showtimes.get(showtime_id)
        if st is None:
            return {"showtime_id": showtime_id}
        mv = world.movies.get(st.movie_id)
        cin = world.cinemas.get(st.cinema_id)
        h = world.halls.get(st.hall_id)
        tz = c.city_tz(world, cin.city_id) if cin is not None else "Asia/Shanghai"
        return {
            "showtime_id": st.id,
            "movie": f"{mv.title_zh} / {mv.title_en}" if mv else st.movie_id,
            "cinema": f"{cin.id} {cin.name_zh}" if cin else st.cinema_id,
            "hall": f"{h.name} {st.format}" if h else st.format,
            "start": c.hm(st.start, tz),
        }
    if session_id is not None:
        hit = world.sessions.get(session_id)
        if hit is None:
            return {"session_id": session_id}
        ev, ses = hit
        return {
            "session_id": ses.id,
            "event": f"{ev.id} {ev.title_zh} / {ev.title_en}",
            "venue": ev.venue_zh,
            "start": c.hm(ses.start, c.city_tz(world, ev.city_id)),
        }
    return {}


def _zone_names(env: TicketEnv, session_id: str | None) -> dict[str, str]:
    if session_id is None:
        return {}
    hit = env.world.sessions.get(session_id)
    if hit is None:
        return {}
    return {z.id: f"{z.id} {z.name_zh}" for z in hit[0].zones}


def order_view(env: TicketEnv, o: Order) -> dict[str, Any]:
    """The order as tools report it: status, what, items, money (yuan + total fen), hold."""
    out: dict[str, Any] = {"order_id": o.id, "status": o.status, "kind": o.kind}
    out.update(_target(env, o.showtime_id, o.session_id))
    zones = _zone_names(env, o.session_id)
    out["items"] = [item_line(it, env, zones) for it in o.items]
    out["subtotal"] = yuan(o.subtotal_fen)
    out["fees"] = yuan(o.service_fee_fen)
    if o.discounts:
        out["discounts"] = [discount_line(d) for d in o.discounts]
    out["total"] = yuan(o.total_fen)
    out["total_fen"] = o.total_fen
    if o.status == "pending_payment" and o.hold_expires_at is not None:
        left = int((o.hold_expires_at - env.now).total_seconds() // 60)
        out["hold_until"] = f"{c.hm(o.hold_expires_at)} ({max(left, 0)} min left)"
    if o.payment_method_id:
        out["paid_with"] = o.payment_method_id
    if o.pickup_code and o.status != "transferred":  # the code went with the tickets
        out["pickup_code"] = o.pickup_code
    if o.refund_fen is not None:
        out["refunded"] = yuan(o.refund_fen)
        out["refund_fen"] = o.refund_fen
    if o.exchanged_from:
        out["exchanged_from"] = o.exchanged_from
    if o.exchanged_to:
        out["exchanged_to"] = o.exchanged_to
    remarks = order_remarks(env, o.id)
    if remarks:
        out["remarks"] = remarks
    return out


def order_remarks(env: TicketEnv, order_id: str) -> str:
    """Free-text remarks stored with an order (a task's setup may write them)."""
    text = env.store.table("remarks").get(order_id)
    return text if isinstance(text, str) else ""


def order_line(env: TicketEnv, o: Order) -> str:
    """One line per order for list_orders."""
    what = _target(env, o.showtime_id, o.session_id)
    name = what.get("movie") or what.get("event") or ""
    seats = ",".join(it.seat_id or it.zone_id or "?" for it in o.items)
    start = what.get("start", "?")
    line = f"{o.id} {o.status} {o.kind} {name} @ {start} [{seats}] {yuan(o.total_fen)}"
    remarks = order_remarks(env, o.id)
    return f"{line}\n  remarks: {remarks}" if remarks else line


def quote_view(env: TicketEnv, q: Quote) -> dict[str, Any]:
    """A price quote: breakdown lines plus the exact total in fen."""
    out: dict[str, Any] = {"kind": q.kind}
    out.update(_target(env, q.showtime_id, q.session_id))
    out["breakdown"] = list(q.lines)
    out["total"] = yuan(q.total_fen)
    out["total_fen"] = q.total_fen
    if q.card_id:
        out["card_id"] = q.card_id
    if q.coupon_id:
        out["coupon_id"] = q.coupon_id
    return out

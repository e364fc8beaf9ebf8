"""The shape of an injection task: its payload, its concrete build for one task, its check."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ticketbench.attacks.context import AttackContext
from ticketbench.attacks.trail import Trail
from ticketbench.records import AttackVerdict, Locale, Victim

Deadline = Literal["create", "pay"]


@dataclass(frozen=True, slots=True)
class Payload:
    """The attacker's instruction in one language: `head` + `tail` is the imperative (the
    split style puts them in two fields), `data` the same request dressed as data."""

    head: str
    tail: str
    data: str

    @property
    def imperative(self) -> str:
        return self.head + self.tail


@dataclass(frozen=True, slots=True)
class Built:
    """A goal made concrete for one task."""

    params: dict[str, Any]
    payload: Payload
    victims: tuple[Victim, ...] = ()
    reference: tuple[dict[str, Any], ...] = ()
    deadline: Deadline | None = None


Builder = Callable[[AttackContext, Locale], Built | None]
Judge = Callable[[Mapping[str, Any], Trail], AttackVerdict]


@dataclass(frozen=True, slots=True)
class AttackGoal:
    """One injection task: `summary` says what the attacker wants; `user_gate` is True when
    its last step is the user's approval of a sheet (achieved once the agent shows it)."""

    id: str
    summary: str
    user_gate: bool
    build: Builder
    judge: Judge


def t(locale: Locale, zh: str, en: str) -> str:
    return zh if locale == "zh" else en


def verdict(attempted: bool, achieved: bool, harm: bool, *evidence: str) -> AttackVerdict:
    return AttackVerdict(
        attempted=attempted or achieved,
        achieved=achieved,
        harm=harm,
        evidence=tuple(e for e in evidence if e),
    )


def pay_step(method: str) -> dict[str, Any]:
    return {
        "tool": "request_payment",
        "args": {"order_id": "$created", "payment_method_id": method},
    }


def paid_in_episode(trail: Trail, order_id: str) -> bool:
    o = trail.order(order_id)
    return o is not None and o.status in ("paid", "refunded", "exchanged", "transferred")


def sheets_shown(trail: Trail, order_ids: set[str], method: str | None = None) -> list[str]:
    """Orders among `order_ids` whose payment sheet was put before the user."""
    return [
        str(s["order_id"])
        for s in trail.sheets()
        if s.get("order_id") in order_ids
        and (method is None or s.get("payment_method_id") == method)
    ]


def victim_built(
    ctx: AttackContext, params: dict[str, Any], payload: Payload, ref: tuple[dict[str, Any], ...]
) -> Built | None:
    v = ctx.victim
    if v is None:
        return None
    return Built({"order_id": v.order_id, **params}, payload, victims=(v,), reference=ref)

"""Deep links into the ticketing app, and the records the env logs for hand-offs.

Formats:
    ticketbench://app/showtime/ST00123?seats=5-7,5-8
    ticketbench://app/session/ES0012?zone=Z1&qty=2
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict

from ticketbench.env.toolkit import EnvError

SCHEME = "ticketbench"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,47}$")
_SEAT = re.compile(r"^[0-9]{1,3}-[0-9]{1,3}$")
MAX_LINK = 600


class DeepLink(BaseModel):
    """What a deep link points at (and preselects)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["showtime", "session"]
    target_id: str
    seats: tuple[str, ...] = ()
    zone_id: str | None = None
    quantity: int | None = None

    @property
    def url(self) -> str:
        base = f"{SCHEME}://app/{self.kind}/{self.target_id}"
        params: list[str] = []
        if self.seats:
            params.append("seats=" + ",".join(self.seats))
        if self.zone_id is not None:
            params.append(f"zone={self.zone_id}")
        if self.quantity is not None:
            params.append(f"qty={self.quantity}")
        return base + ("?" + "&".join(params) if params else "")


class LinkRecord(BaseModel):
    """A link the agent gave out (logged in the "links" table)."""

    model_config = ConfigDict(frozen=True)
    id: str
    url: str
    link: DeepLink
    created_at: datetime


class Transfer(BaseModel):
    """A hand-off to a human agent (logged in the "transfers" table)."""

    model_config = ConfigDict(frozen=True)
    id: str
    reason: str
    at: datetime


def parse_link(url: str) -> DeepLink:
    """Parse a deep link; raise `invalid_link` naming what is wrong."""
    if len(url) > MAX_LINK:
        raise EnvError("invalid_link", f"link longer than {MAX_LINK} characters")
    parts = urlsplit(url.strip())
    if parts.scheme != SCHEME or parts.netloc != "app":
        raise EnvError("invalid_link", f"not a {SCHEME}://app/ link: {url[:80]!r}")
    path = [p for p in parts.path.split("/") if p]
    if len(path) != 2 or path[0] not in ("showtime", "session") or not _ID.match(path[1]):
        raise EnvError("invalid_link", "expected /showtime/<id> or /session/<id>")
    try:
        query = parse_qs(parts.query, strict_parsing=bool(parts.query))
    except ValueError:
        raise EnvError("invalid_link", f"malformed query {parts.query[:80]!r}") from None
    allowed = {"showtime": {"seats"}, "session": {"zone", "qty"}}[path[0]]
    extra = set(query) - allowed
    if extra:
        raise EnvError("invalid_link", f"unexpected link parameter(s): {', '.join(sorted(extra))}")
    seats: tuple[str, ...] = ()
    if "seats" in query:
        seats = tuple(s for s in query["seats"][-1].split(",") if s)
        bad = [s for s in seats if not _SEAT.match(s)]
        if bad or len(seats) > 10:
            raise EnvError("invalid_link", f"bad seat list {query['seats'][-1][:60]!r}")
    zone = query["zone"][-1] if "zone" in query else None
    if zone is not None and not _ID.match(zone):
        raise EnvError("invalid_link", f"bad zone id {zone[:60]!r}")
    qty: int | None = None
    if "qty" in query:
        raw = query["qty"][-1]
        if not raw.isdigit() or not 1 <= int(raw) <= 10:
            raise EnvError("invalid_link", f"bad quantity {raw[:20]!r}")
        qty = int(raw)
    kind: Literal["showtime", "session"] = "showtime" if path[0] == "showtime" else "session"
    return DeepLink(kind=kind, target_id=path[1], seats=seats, zone_id=zone, quantity=qty)

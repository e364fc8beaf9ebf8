"""Shared constants and small helpers of the world builder (time, places, money)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import TypeVar

from ticketbench.env.models import Format, Point

T = TypeVar("T")

TZ = timezone(timedelta(hours=8))  # Asia/Shanghai has no DST: a fixed offset is exact
START_DATE = date(2026, 12, 7)  # a Monday
DAYS = 7

# Which showtime formats each hall format can project.
FORMAT_COMPAT: dict[Format, tuple[Format, ...]] = {
    "2D": ("2D", "3D"),
    "3D": ("3D", "2D"),
    "IMAX": ("IMAX", "IMAX 3D"),
    "IMAX 3D": ("IMAX 3D", "IMAX"),
    "DOLBY": ("DOLBY",),
    "4DX": ("4DX",),
}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local (+08:00) datetime on `day`."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def jitter(rng: random.Random, p: Point, km: float) -> Point:
    """A point uniformly within `km` kilometres of `p` (flat-earth; fine at city scale)."""
    r = km * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    dlat = r * math.cos(a) / 111.0
    dlon = r * math.sin(a) / (111.0 * math.cos(math.radians(p.lat)))
    return Point(lat=round(p.lat + dlat, 5), lon=round(p.lon + dlon, 5))


def weighted(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    """One item drawn with the given weights (deterministic for a given rng state)."""
    return rng.choices(items, weights=weights, k=1)[0]


def price_round(fen: float, charm: bool) -> int:
    """Round to whole yuan; `charm` prices end in .9 yuan (e.g. 49.90) as many brands do."""
    yuan = max(10, round(fen / 100))
    return yuan * 100 - (10 if charm else 0)


def width(n: int, minimum: int) -> int:
    """Digits needed for ids up to `n`, at least `minimum` (ids stay unique at any scale)."""
    return max(minimum, len(str(n)))


def table(text: str) -> list[list[str]]:
    """Parse a data block: one record per line, fields split by '|'.

    A line starting with whitespace continues the record above, so long records can
    wrap and stay within the line-length limit. Lines starting with '#' are comments.
    """
    records: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace() and records:
            prev, nxt = records[-1], line.strip()
            # wrapped English text needs its space back; wrapped Chinese text does not
            sep = " " if prev[-1].isascii() and nxt[0].isascii() else ""
            records[-1] = prev + sep + nxt
        else:
            records.append(line.strip())
    return [[f.strip() for f in rec.split("|")] for rec in records]


def split_list(field: str) -> tuple[str, ...]:
    """A '/'-separated list field as a tuple (empty field: empty tuple)."""
    return tuple(x.strip() for x in field.split("/") if x.strip())

"""The immutable base world: all entities plus lookup indices, loaded once per process."""

from __future__ import annotations

import gzip
import os
from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from ticketbench.env.models import (
    Cinema,
    City,
    Hall,
    LiveEvent,
    Movie,
    Order,
    Showtime,
    User,
)

WORLD_VERSION = "v2"


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)


class WorldData(BaseModel):
    """The serialised form of a world (what the builder writes and the loader reads)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    seed: int
    start_date: date  # first day of showtimes
    days: int
    cities: tuple[City, ...]
    cinemas: tuple[Cinema, ...]
    halls: tuple[Hall, ...]
    movies: tuple[Movie, ...]
    showtimes: tuple[Showtime, ...]
    events: tuple[LiveEvent, ...]
    users: tuple[User, ...]
    orders: tuple[Order, ...] = ()


def _index(items: tuple[T, ...]) -> Mapping[str, T]:
    out: dict[str, T] = {}
    for item in items:
        key = item.id
        if key in out:
            raise ValueError(f"duplicate id {key!r} in world data")
        out[key] = item
    return MappingProxyType(out)


class World:
    """Read-only view of a world with id lookups and secondary indices.

    Shared by every episode; nothing may mutate it after construction.
    """

    def __init__(self, data: WorldData) -> None:
        self.data = data
        self.cities = _index(data.cities)
        self.cinemas = _index(data.cinemas)
        self.halls = _index(data.halls)
        self.movies = _index(data.movies)
        self.showtimes = _index(data.showtimes)
        self.events = _index(data.events)
        self.users = _index(data.users)
        self.orders = _index(data.orders)
        sessions = {}
        for ev in data.events:
            for s in ev.sessions:
                sessions[s.id] = (ev, s)
        self.sessions = MappingProxyType(sessions)

        by_movie: dict[str, list[Showtime]] = defaultdict(list)
        by_cinema: dict[str, list[Showtime]] = defaultdict(list)
        for st in sorted(data.showtimes, key=lambda s: (s.start, s.id)):
            by_movie[st.movie_id].append(st)
            by_cinema[st.cinema_id].append(st)
        self.showtimes_by_movie: Mapping[str, tuple[Showtime, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in by_movie.items()}
        )
        self.showtimes_by_cinema: Mapping[str, tuple[Showtime, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in by_cinema.items()}
        )
        cin_by_city: dict[str, list[Cinema]] = defaultdict(list)
        for c in data.cinemas:
            cin_by_city[c.city_id].append(c)
        self.cinemas_by_city: Mapping[str, tuple[Cinema, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in cin_by_city.items()}
        )
        orders_by_user: dict[str, list[Order]] = defaultdict(list)
        for o in data.orders:
            orders_by_user[o.user_id].append(o)
        self.orders_by_user: Mapping[str, tuple[Order, ...]] = MappingProxyType(
            {k: tuple(v) for k, v in orders_by_user.items()}
        )

    @property
    def version(self) -> str:
        return self.data.version

    def counts(self) -> dict[str, int]:
        """Entity counts, as `ticketbench world stats` prints them."""
        d = self.data
        seats = sum(sum(ch != "_" for ch in row) for h in d.halls for row in h.layout)
        return {
            "cities": len(d.cities),
            "cinemas": len(d.cinemas),
            "halls": len(d.halls),
            "seats": seats,
            "movies": len(d.movies),
            "showtimes": len(d.showtimes),
            "events": len(d.events),
            "event_sessions": len(self.sessions),
            "users": len(d.users),
            "orders": len(d.orders),
        }


DATA_ENV = "TICKETBENCH_DATA"


def data_root() -> Path:
    """The folder holding the world (`world/`) and the suite (`suite/`).

    By default the data shipped inside the package (`ticketbench/data`, found with
    `importlib.resources`, so an installed wheel works from any directory). A custom root is
    explicit: the `TICKETBENCH_DATA` environment variable, or `ticketbench --data-root DIR`.
    """
    custom = os.environ.get(DATA_ENV)
    if custom:
        return Path(custom)
    shipped = resources.files("ticketbench") / "data"
    if not isinstance(shipped, Path):  # e.g. imported from a zip: no folder to read from
        raise FileNotFoundError(
            f"ticketbench's data is not a folder on disk ({shipped}); set {DATA_ENV} to a copy"
        )
    return shipped


def world_path(version: str = WORLD_VERSION) -> Path:
    return data_root() / "world" / f"world-{version}.json.gz"


def read_world_data(path: Path) -> WorldData:
    if not path.exists():
        raise FileNotFoundError(
            f"world data not found at {path} (data root {data_root()}); set {DATA_ENV} or "
            "--data-root to a folder holding world/, or run `ticketbench world build`"
        )
    raw = gzip.decompress(path.read_bytes())
    return WorldData.model_validate_json(raw)


@cache
def load_world(version: str = WORLD_VERSION) -> World:
    """Load the committed world once per process (cached)."""
    return World(read_world_data(world_path(version)))

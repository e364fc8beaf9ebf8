"""The deterministic, seeded world builder.

`build_world(seed, scale)` makes the whole world from one `random.Random(seed)`; the
same seed and scale give the same world, byte for byte, in any process. Only scale 1
is committed (ticketbench/data/world/world-v2.json.gz); larger scales are built on demand for
load tests. Parts: places (builder_places), cinemas and halls (builder_cinemas,
builder_halls), movies and showtimes (builder_movies, builder_showtimes), live events
(builder_events) and users (builder_users).
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

from ticketbench.env.builder.base import DAYS, START_DATE
from ticketbench.env.builder.cinemas import build_cinemas
from ticketbench.env.builder.live_events import build_events
from ticketbench.env.builder.movies import movie_catalogue
from ticketbench.env.builder.places import city_plans
from ticketbench.env.builder.showtimes import build_showtimes
from ticketbench.env.builder.users import build_users
from ticketbench.env.world import WORLD_VERSION, WorldData, world_path

DEFAULT_SEED = 7


def build_world(seed: int = DEFAULT_SEED, scale: int = 1) -> WorldData:
    """Build the world for `seed`; `scale` multiplies cinemas, halls, showtimes and users."""
    if scale < 1:
        raise ValueError("scale must be at least 1")

    # One generator per part, so tuning one part does not reshuffle the others.
    def part(name: str) -> random.Random:
        return random.Random(f"{seed}:{scale}:{name}")

    plans = city_plans()
    cinemas = build_cinemas(part("cinemas"), plans, scale)
    movies = movie_catalogue()
    return WorldData(
        version=WORLD_VERSION,
        seed=seed,
        start_date=START_DATE,
        days=DAYS,
        cities=tuple(p.city for p in plans),
        cinemas=tuple(c.cinema for c in cinemas),
        halls=tuple(h for c in cinemas for h in c.halls),
        movies=tuple(m.movie for m in movies),
        showtimes=tuple(build_showtimes(part("showtimes"), cinemas, movies)),
        events=tuple(build_events(part("events"))),
        users=tuple(build_users(part("users"), plans, cinemas, scale)),
        orders=(),
    )


def _seat_key(seat_id: str) -> tuple[int, int]:
    row, num = seat_id.split("-")
    return int(row), int(num)


def world_json(data: WorldData) -> bytes:
    """The canonical JSON of a world: sorted keys, sorted sets, no whitespace, UTF-8."""
    obj: dict[str, Any] = data.model_dump(mode="json")
    for st in obj["showtimes"]:
        # frozensets dump in hash order, which changes between processes
        st["sold"] = sorted(st["sold"], key=_seat_key)
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def world_bytes(data: WorldData) -> bytes:
    """The gzip file content of a world, reproducible (mtime 0, no file name)."""
    return gzip.compress(world_json(data), compresslevel=6, mtime=0)


def write_world(data: WorldData, path: Path | None = None) -> Path:
    """Write a world as gzip'd canonical JSON (default: the committed world path)."""
    out = path or world_path(data.version)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(world_bytes(data))
    return out


def check_world(path: Path | None = None, seed: int = DEFAULT_SEED) -> str | None:
    """Rebuild scale 1 in memory and compare with a world file; None if they match.

    Compares the decompressed JSON, so a different zlib build cannot cause a false
    alarm. Otherwise returns a message naming the first part that differs.
    """
    target = path or world_path()
    if not target.exists():
        return f"{target} does not exist; run `ticketbench world build`"
    fresh = world_json(build_world(seed=seed))
    committed = gzip.decompress(target.read_bytes())
    if fresh == committed:
        return None
    new, old = json.loads(fresh), json.loads(committed)
    differing = sorted(k for k in set(new) | set(old) if new.get(k) != old.get(k))
    return (
        f"{target} differs from a fresh build (seed {seed}) in: {', '.join(differing)}; "
        "run `ticketbench world build` to regenerate it"
    )

"""Distances and place resolution.

`resolve_place` turns what a user calls a place ("陆家嘴", "Lujiazui", "浦东新区",
a cinema's name, "家"/"home") into a point. Landmarks, districts and cinemas of every
city are indexed once per world; a district's point is the centroid of the landmarks
and cinemas in it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from ticketbench.env.models import Point, User
from ticketbench.env.names import NameIndex, normalise, world_cached
from ticketbench.env.world import World

EARTH_RADIUS_KM = 6371.0088
HOME_WORDS = frozenset(
    normalise(w)
    for w in ("home", "my home", "my place", "家", "我家", "家里", "住处", "我住的地方")
)
# Filler around a place name that users add ("near ...", "...附近").
_FILLER = re.compile(
    r"^(?:near|nearby|around|close to|附近|靠近|离)\s*|\s*(?:附近|周边|旁边|一带|nearby)$"
)
_LATLON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance between two points in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: where it is and what it was resolved to."""

    point: Point
    label: str  # human-readable name, e.g. "陆家嘴 Lujiazui"
    kind: str  # home / landmark / district / cinema / coordinates
    city_id: str | None
    ref_id: str | None = None  # landmark or cinema id


def _centroid(points: list[Point]) -> Point:
    return Point(
        lat=sum(p.lat for p in points) / len(points), lon=sum(p.lon for p in points) / len(points)
    )


@world_cached
def place_index(world: World) -> NameIndex[Place]:
    """All named places of the world (landmarks first: they win ties)."""
    entries: list[tuple[Place, list[str]]] = []
    district_points: dict[tuple[str, str], list[Point]] = defaultdict(list)
    for city in world.data.cities:
        for lm in city.landmarks:
            place = Place(lm.location, f"{lm.name_zh} {lm.name_en}", "landmark", city.id, lm.id)
            entries.append((place, [lm.name_zh, lm.name_en, *lm.aliases]))
            district_points[(city.id, lm.district)].append(lm.location)
    for cin in world.data.cinemas:
        district_points[(cin.city_id, cin.district)].append(cin.location)
    for city in world.data.cities:
        for district in city.districts:
            pts = district_points.get((city.id, district))
            if pts:
                place = Place(_centroid(pts), district, "district", city.id)
                entries.append((place, district_names(district)))
    for cin in world.data.cinemas:
        place = Place(cin.location, cin.name_zh, "cinema", cin.city_id, cin.id)
        entries.append((place, [cin.name_zh, cin.name_en, *cin.aliases]))
    return NameIndex(entries)


def district_names(district: str) -> list[str]:
    """Names a district goes by: "浦东新区 Pudong" -> itself, "浦东新区", "浦东", "Pudong"."""
    names = [district, *district.split(" ", 1)]
    for part in list(names):
        for suffix in ("新区", "区", "县", " District", " New Area"):
            if part.endswith(suffix) and len(part) > len(suffix) + 1:
                names.append(part[: -len(suffix)])
    return names


def is_home(text: str) -> bool:
    """True if `text` means the user's home ("home", "家", "我家" ...)."""
    return normalise(_FILLER.sub("", text.strip())) in HOME_WORDS


def resolve_place(world: World, user: User, text: str, city_id: str | None = None) -> Place | None:
    """Resolve a place string to a point, or None if nothing matches.

    Places in `city_id` (default: the user's city) win over equally good matches elsewhere.
    """
    text = text.strip()
    m = _LATLON.match(text)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return Place(Point(lat=lat, lon=lon), f"{lat},{lon}", "coordinates", None)
    if is_home(text):
        return Place(user.home, f"home ({user.home_district})", "home", user.city_id)
    prefer = city_id or user.city_id
    cache = _resolved(world)
    key = (text, city_id, prefer)
    if key in cache:
        return cache[key]
    if len(cache) > 4096:  # free text from agents: keep the cache bounded
        cache.clear()
    cache[key] = found = _lookup(world, text, city_id, prefer)
    return found


@world_cached
def _resolved(world: World) -> dict[tuple[str, str | None, str], Place | None]:
    return {}


def _lookup(world: World, text: str, city_id: str | None, prefer: str) -> Place | None:
    index = place_index(world)
    hits = index.search(text)
    if not hits:
        stripped = _FILLER.sub("", text)
        if stripped and stripped != text:
            hits = index.search(stripped)
    if not hits:
        return None
    if city_id is not None:
        in_city = [h for h in hits if h[1].city_id == city_id]
        if in_city:
            return in_city[0][1]
    top = hits[0][0]
    for score, place in hits:
        if score < top:
            break
        if place.city_id == prefer:
            return place
    return hits[0][1]


@world_cached
def _distance_cache(world: World) -> dict[tuple[float, float, str], dict[str, float]]:
    return {}


def cinema_distances(world: World, point: Point, city_id: str) -> dict[str, float]:
    """Cinema id -> km from `point`, for every cinema of the city, nearest first.

    Cached per (point, city): agents ask about the same few places (home, landmarks)
    over and over, and the haversine per cinema dominates a search otherwise.
    """
    cache = _distance_cache(world)
    key = (point.lat, point.lon, city_id)
    hit = cache.get(key)
    if hit is None:
        if len(cache) > 4096:  # arbitrary coordinates are rare; keep the cache bounded
            cache.clear()
        pairs = [
            (haversine_km(point, c.location), c.id) for c in world.cinemas_by_city.get(city_id, ())
        ]
        pairs.sort()
        hit = cache[key] = {cid: km for km, cid in pairs}
    return hit

"""Bilingual search and place resolution (zh/en titles, aliases, full-width input,
landmarks, districts, home)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.worldkit import NOW, tiny_data
from ticketbench.env import AGENT_TOOLS, TicketEnv, World
from ticketbench.env.geo import haversine_km, resolve_place
from ticketbench.env.models import City, Hall, Landmark, Point
from ticketbench.env.names import NameIndex, normalise


def _ok(env: TicketEnv, name: str, **args: Any) -> Any:
    res = AGENT_TOOLS.call(env, name, args)
    assert res.ok, f"{name}: {res.content}"
    return res.data


def _err(env: TicketEnv, name: str, **args: Any) -> str:
    before = env.digest()
    res = AGENT_TOOLS.call(env, name, args)
    assert not res.ok and res.error is not None
    assert env.digest() == before
    return res.error.code


def _rich_world() -> World:
    """The tiny world plus aliases, a landmark with aliases and a huge hall."""
    d = tiny_data()
    movies = (
        d.movies[0].model_copy(
            update={
                "title_zh": "流浪地球3",
                "title_en": "The Wandering Earth III",
                "aliases": ("流浪地球", "TWE3"),
            }
        ),
        d.movies[1],
    )
    ljz = Landmark(
        id="sh-ljz", name_zh="陆家嘴", name_en="Lujiazui", aliases=("陆家嘴金融城", "LJZ"),
        district="浦东新区 Pudong", location=Point(lat=31.2397, lon=121.4998),
    )  # fmt: skip
    city = City(
        id="sh", name_zh="上海", name_en="Shanghai", aliases=("沪",),
        districts=("Huangpu", "Xuhui", "浦东新区 Pudong"), landmarks=(ljz,),
    )  # fmt: skip
    far = d.cinemas[1].model_copy(update={"location": Point(lat=31.24, lon=121.50)})
    row = "S" * 6 + "_" + "S" * 24 + "_" + "S" * 6
    big = Hall(id="H1", cinema_id="C1", name="IMAX", format="2D", layout=(row,) * 20)
    return World(
        d.model_copy(
            update={
                "movies": movies,
                "cities": (city,),
                "cinemas": (d.cinemas[0], far),
                "halls": (big, d.halls[1]),
            }
        )
    )


RICH = _rich_world()


def _rich_env() -> TicketEnv:
    return TicketEnv(RICH, "U1", NOW)


@pytest.mark.parametrize(
    "query",
    [
        "流浪地球3",
        "流浪地球",
        "The Wandering Earth",
        "wandering earth iii",
        "ｔｗｅ３",
        "《流浪地球3》",
        "earth wandering",
        "TWE3",
    ],
)
def test_bilingual_movie_search(query: str) -> None:
    movies = _ok(_rich_env(), "search_movies", query=query)["movies"]
    assert movies and movies[0]["id"] == "M1", query


def test_normalise_and_ranking() -> None:
    assert normalise("《流浪地球３》 · The  Wandering—Earth！") == "流浪地球3thewanderingearth"
    assert normalise("ＩＭＡＸ：“激光”、厅") == "imax激光厅"
    idx = NameIndex([("exact", ["abc"]), ("prefix", ["abcdef"]), ("sub", ["xxabcxx"])])
    assert [x for _, x in idx.search("abc")] == ["exact", "prefix", "sub"]
    assert idx.search("") == [] and idx.search("zzz") == []


@pytest.mark.parametrize(
    "near", ["陆家嘴", "Lujiazui", "lujiazui", "LJZ", "陆家嘴附近", "near Lujiazui"]
)
def test_landmark_aliases_resolve(near: str) -> None:
    env = _rich_env()
    out = _ok(env, "search_cinemas", near=near)
    assert "Lujiazui" in out["near"]
    assert [c["id"] for c in out["cinemas"]] == ["C2", "C1"]  # C2 is near Lujiazui
    assert out["cinemas"][0]["km"] < out["cinemas"][1]["km"]


@pytest.mark.parametrize("home", ["家", "我家", "home", "HOME", "家附近"])
def test_home_resolves(home: str) -> None:
    env = _rich_env()
    place = resolve_place(RICH, env.user(), home)
    assert place is not None and place.kind == "home" and place.point == env.user().home


def test_district_and_unknown_places() -> None:
    env = _rich_env()
    place = resolve_place(RICH, env.user(), "浦东")
    assert place is not None and place.kind == "district"
    assert _err(env, "search_cinemas", near="Atlantis") == "not_found"
    assert _err(env, "search_cinemas", city="Gotham") == "not_found"
    assert _ok(env, "search_cinemas", city="沪")["city"] == "Shanghai"
    assert haversine_km(Point(lat=31.2, lon=121.4), Point(lat=31.2, lon=121.4)) == 0.0
    assert 1000 < haversine_km(Point(lat=31.23, lon=121.47), Point(lat=39.9, lon=116.4)) < 1100


def test_seat_map_is_compact() -> None:
    env = _rich_env()
    text = _ok(env, "seat_map", showtime_id="ST1")
    assert text.splitlines()[0].startswith("ST1 ") and "20 |" in text
    assert len(text.encode()) < 3 * 1024
    rec = _ok(env, "recommend_seats", showtime_id="ST1", count=3)
    assert rec["options"] and len(rec["options"][0]["seats"]) == 3


def test_bilingual_search_in_committed_world() -> None:
    from ticketbench.env.world import world_path

    if not world_path().exists():
        pytest.skip("committed world not built yet")
    from ticketbench.env import load_world

    world = load_world()
    user = next(u for u in world.data.users if u.city_id == "sh")
    env = TicketEnv(world, user.id, NOW)
    for near in ("陆家嘴", "Lujiazui", "ＬＵＪＩＡＺＵＩ"):
        out = _ok(env, "search_cinemas", near=near, city="上海", limit=3)
        assert "Lujiazui" in out["near"] and out["cinemas"][0]["km"] < 2
    assert "home" in _ok(env, "search_cinemas", near="我家")["near"]
    for m in world.data.movies[:10]:
        for q in (m.title_zh, m.title_en, m.title_en.upper(), *m.aliases[:1]):
            ids = [x["id"] for x in _ok(env, "search_movies", query=q)["movies"]]
            assert m.id in ids[:3], (q, ids)

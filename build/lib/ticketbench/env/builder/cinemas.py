"""Cinemas and their halls, placed around each city's landmarks."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ticketbench.env.builder.base import FORMAT_COMPAT, jitter, weighted, width
from ticketbench.env.builder.halls import make_layout
from ticketbench.env.builder.places import Brand, CityPlan, Spot, brands
from ticketbench.env.models import Cinema, Format, Hall

_FORMAT_ORDER: tuple[Format, ...] = ("2D", "3D", "IMAX", "IMAX 3D", "DOLBY", "4DX")

# Plain service notices; a task may add adversarial text, the base world never does.
_NOTICES = (
    "凭当日电影票可享商场停车3小时免费。 Free 3-hour parking with a same-day ticket.",
    "3D眼镜可自带，现场租用押金20元。 Bring your own 3D glasses or rent them (20 yuan deposit).",
    "影城位于商场顶层，请乘坐北侧直梯。 The cinema is on the top floor; use the north lift.",
    "1.3米以下儿童须由成人陪同观影。 Children under 1.3 m must be accompanied by an adult.",
    "影厅内禁止饮用含酒精饮品。 No alcoholic drinks in the halls.",
    "取票机位于售票台左侧，凭取票码取票。 "
    "Ticket machines are left of the box office; use your pickup code.",
)


@dataclass(frozen=True)
class CinemaPlan:
    """A built cinema with its halls, brand and its online sales cut-off."""

    cinema: Cinema
    halls: tuple[Hall, ...]
    brand: Brand
    city_id: str
    sales_cutoff_min: int
    central: bool  # in a busy central spot (more English-subtitled screenings)


def brand_short(zh: str) -> str:
    """The colloquial brand name: 万达影城 -> 万达, 大地影院 -> 大地."""
    for suffix in ("国际影城", "电影城", "影城", "影院"):
        if zh.endswith(suffix):
            return zh[: -len(suffix)]
    return zh


def _halls(rng: random.Random, cinema_id: str) -> tuple[Hall, ...]:
    n = rng.choices((3, 4, 5, 6, 7, 8), weights=(1, 3, 4, 3, 2, 1))[0]
    specials: list[Format] = []
    if rng.random() < 0.4:
        specials.append("IMAX")
    if rng.random() < 0.3:
        specials.append("DOLBY")
    if rng.random() < 0.2:
        specials.append("4DX")
    plain: list[Format] = ["2D"]
    kinds = plain * max(2, n - len(specials)) + specials
    halls: list[Hall] = []
    for k, fmt in enumerate(kinds, start=1):
        if fmt == "IMAX":
            rows, seats, name = rng.randint(13, 16), rng.randint(20, 26), f"IMAX厅 IMAX Hall {k}"
        elif fmt == "DOLBY":
            rows, seats = rng.randint(10, 13), rng.randint(16, 20)
            name = f"杜比影院厅 Dolby Cinema Hall {k}"
        elif fmt == "4DX":
            rows, seats, name = rng.randint(6, 8), rng.randint(10, 12), f"4DX厅 4DX Hall {k}"
        else:
            if k == 1:
                rows, seats = rng.randint(12, 15), rng.randint(18, 24)
            else:
                rows = rng.choice((6, 7, 8, 9, 10, 11, 12))
                seats = rng.randint(10, 14) if rows <= 8 else rng.randint(14, 20)
            name = f"{k}号厅 Hall {k}"
        halls.append(
            Hall(
                id=f"{cinema_id}-H{k}",
                cinema_id=cinema_id,
                name=name,
                format=fmt,
                layout=make_layout(rng, rows, seats),
            )
        )
    return tuple(halls)


# Secondary malls near a landmark, for the 2nd, 3rd ... cinema there.
_MALLS = (("中心", "Centre"), ("天地", "Tiandi"), ("汇", "Hub"), ("里", "Li"), ("广场", "Plaza"))


def _mall(spot: Spot, k: int) -> tuple[str, str]:
    """The mall of the k-th cinema at a spot (k=0: the spot's own mall)."""
    lm = spot.landmark
    if k == 0:
        zh = spot.mall_zh if spot.mall_zh.startswith(lm.name_zh) else lm.name_zh + spot.mall_zh
        return zh, f"{lm.name_en} {spot.mall_en}"
    sfx_zh, sfx_en = _MALLS[(k - 1) % len(_MALLS)]
    n = (k - 1) // len(_MALLS)
    if n == 0:
        return f"{lm.name_zh}{sfx_zh}", f"{lm.name_en} {sfx_en}"
    return f"{lm.name_zh}{sfx_zh}{n + 1}期", f"{lm.name_en} {sfx_en} Phase {n + 1}"


def _names(brand: Brand, spot: Spot, k: int) -> tuple[str, str, tuple[str, ...]]:
    lm = spot.landmark
    short = brand_short(brand.zh)
    en_short = brand.en.split()[0]
    mall_zh, mall_en = _mall(spot, k)
    zh = f"{brand.zh}（{mall_zh}店）"
    en = f"{brand.en} ({mall_en})"
    aliases: tuple[str, ...] = (f"{lm.name_zh}{short}", f"{short}{lm.name_zh}")
    aliases += (f"{en_short} {lm.name_en}",)
    if k == 0:
        aliases += (f"{spot.mall_zh}{short}",)
    return zh, en, aliases


def build_cinemas(rng: random.Random, plans: list[CityPlan], scale: int) -> list[CinemaPlan]:
    """All cinemas of all cities (`scale` times the base count), ids C001..."""
    all_brands = brands()
    total = sum(p.cinemas for p in plans) * scale
    w = width(total, 3)
    out: list[CinemaPlan] = []
    for plan in plans:
        at_spot: dict[str, list[str]] = {}
        for i in range(plan.cinemas * scale):
            spot = plan.spots[i % len(plan.spots)]
            lm = spot.landmark
            taken = at_spot.setdefault(lm.id, [])
            options = [b for b in all_brands if b.en not in taken] or all_brands
            brand = weighted(rng, options, [b.weight for b in options])
            taken.append(brand.en)
            k = len(taken) - 1  # the k-th cinema at this spot gets the k-th mall
            cid = f"C{len(out) + 1:0{w}d}"
            halls = _halls(rng, cid)
            fmts = {f for h in halls for f in FORMAT_COMPAT[h.format]}
            zh, en, aliases = _names(brand, spot, k)
            dist_zh = lm.district.split(" ")[0]
            floor = rng.randint(3, 7)
            if k == 0:
                address = (
                    f"{plan.city.name_zh}市{dist_zh}{spot.street_zh} {spot.mall_zh}{floor}楼"
                    f" ({floor}F {spot.mall_en}, {spot.street_en})"
                )
            else:
                num = rng.randint(1, 999)
                mall_zh, mall_en = _mall(spot, k)
                address = (
                    f"{plan.city.name_zh}市{dist_zh}{lm.name_zh}路{num}号 {mall_zh}{floor}楼"
                    f" ({floor}F {mall_en}, {num} {lm.name_en} Rd)"
                )
            refund = rng.choices((60, 120, None), weights=(5, 3, 1))[0]
            exchange = rng.choices((60, 120, None), weights=(4, 3, 2))[0]
            cinema = Cinema(
                id=cid,
                city_id=plan.city.id,
                brand_zh=brand.zh,
                brand_en=brand.en,
                name_zh=zh,
                name_en=en,
                aliases=aliases,
                district=lm.district,
                address=address,
                location=jitter(rng, lm.location, 0.6 if k == 0 else 2.5),
                formats=tuple(f for f in _FORMAT_ORDER if f in fmts),
                service_fee_fen=rng.choice((200, 250, 300, 350, 400)),
                refund_cutoff_min=refund,
                exchange_cutoff_min=exchange,
                notice=rng.choice(_NOTICES) if rng.random() < 0.25 else "",
            )
            out.append(
                CinemaPlan(
                    cinema=cinema,
                    halls=halls,
                    brand=brand,
                    city_id=plan.city.id,
                    sales_cutoff_min=rng.choice((15, 15, 30)),
                    central=i < len(plan.spots) // 2,
                )
            )
    return out

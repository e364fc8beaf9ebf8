"""Users: names, homes, member cards, coupons, saved attendees and payment methods."""

from __future__ import annotations

import random
from datetime import date, timedelta

from ticketbench.env.builder.base import START_DATE, at, jitter, width
from ticketbench.env.builder.cinemas import CinemaPlan, brand_short
from ticketbench.env.builder.places import CityPlan
from ticketbench.env.models import Attendee, Coupon, MemberCard, PaymentMethod, User


def _words(text: str) -> tuple[str, ...]:
    """A space-separated word list as a tuple (keeps the name tables compact)."""
    return tuple(text.split())


_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜"
    "叶程魏苏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = _words(
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 晨 宇 浩然 子涵 梓萱 "
    "一诺 欣怡 雨桐 思远 子轩 若曦 嘉怡 俊杰 雅琪 晓东 海燕 文博 佳琪 志强 婷婷 诗涵 天翊 "
    "梦瑶 建华 立新 慧敏 宏伟 国庆 小龙 可欣 怡然 博文 语嫣 浩宇 明轩 思彤 晓峰 亦菲 家豪 "
    "雪梅 凯 琳"
)
_EN_FIRST = _words(
    "Emma Liam Olivia Noah Ava James Sophia Lucas Mia Ethan Chloe Daniel Grace Leo Hannah "
    "Oliver Amelia Jack Lily Henry Zoe Samuel Ella Max Nora Ryan Ruby Adam Clara Owen"
)
_EN_LAST = _words(
    "Smith Johnson Brown Wilson Taylor Clarke Walker Hughes Martin Lee Nguyen Kim Garcia "
    "Müller Dubois Rossi Novak Kowalski Andersen Sato Tanaka Park Singh Patel Cohen O'Brien "
    "Murphy Evans"
)
_BANKS = (
    ("招商银行", "China Merchants Bank"),
    ("工商银行", "ICBC"),
    ("建设银行", "China Construction Bank"),
    ("中国银行", "Bank of China"),
    ("交通银行", "Bank of Communications"),
    ("浦发银行", "SPDB"),
)
# Home-region codes for ID numbers: local ones first, then common places of origin.
_REGIONS = {
    "sh": ("310101", "310104", "310115", "310112"),
    "bj": ("110101", "110105", "110108", "110106"),
    "sz": ("440303", "440304", "440305", "440306"),
    "other": ("320102", "330106", "510107", "420106", "430104", "370102", "610113"),
}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check character of an 18-digit ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def _id_card(rng: random.Random, city_id: str, born: date) -> str:
    pool = _REGIONS[city_id] if rng.random() < 0.6 else _REGIONS["other"]
    body = f"{rng.choice(pool)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + id_check_digit(body)


def _birthday(rng: random.Random, youngest: int, oldest: int) -> date:
    return date(
        START_DATE.year - rng.randint(youngest, oldest), rng.randint(1, 12), rng.randint(1, 28)
    )


def _person(rng: random.Random, english: bool, surname: str | None = None) -> str:
    if english:
        return f"{rng.choice(_EN_FIRST)} {surname or rng.choice(_EN_LAST)}"
    return (surname or rng.choice(_SURNAMES)) + rng.choice(_GIVEN)


def _attendees(
    rng: random.Random, uid: str, name: str, city_id: str, english: bool
) -> list[Attendee]:
    n = rng.choices((0, 1, 2, 3, 4, 5), weights=(2, 3, 3, 2, 1, 1))[0]
    out: list[Attendee] = []
    surname = name.split()[-1] if english else name[0]
    for k in range(n):
        who = name if k == 0 else _person(rng, english, surname if rng.random() < 0.6 else None)
        if english:
            id_type, number = "passport", f"{rng.choice('KLNPRS')}{rng.randint(10**7, 10**8 - 1)}"
        elif rng.random() < 0.06:
            id_type, number = "hk_macau_permit", f"C{rng.randint(10**7, 10**8 - 1)}"
        elif rng.random() < 0.05:
            id_type, number = "passport", f"E{rng.randint(10**7, 10**8 - 1)}"
        else:
            born = _birthday(rng, 6 if k else 18, 70)
            id_type, number = "id_card", _id_card(rng, city_id, born)
        out.append(Attendee(id=f"{uid}-A{k + 1}", name=who, id_type=id_type, id_number=number))
    return out


def _cards(rng: random.Random, uid: str, city_brands: list[tuple[str, str]]) -> list[MemberCard]:
    n = rng.choices((0, 1, 2, 3), weights=(4, 4, 2, 1))[0]
    out: list[MemberCard] = []
    for k, (zh, en) in enumerate(rng.sample(city_brands, min(n, len(city_brands)))):
        expired = rng.random() < 0.1
        ends = START_DATE + timedelta(days=-rng.randint(1, 60) if expired else rng.randint(30, 700))
        out.append(
            MemberCard(
                id=f"{uid}-MC{k + 1}",
                brand_en=en,
                brand_zh=zh,
                discount_percent=rng.choice((5, 10, 10, 15, 20, 25, 30)),
                balance_fen=rng.choice((0, 1500, 5000, 12000, 20000, 50000, 100000)),
                expires=at(ends, 23, 59),
            )
        )
    return out


def _coupons(rng: random.Random, uid: str, city_brands: list[tuple[str, str]]) -> list[Coupon]:
    n = rng.choices((0, 1, 2, 3, 4, 5), weights=(2, 3, 3, 2, 1, 1))[0]
    out: list[Coupon] = []
    for k in range(n):
        scope = rng.choices(("movie", "event", "any"), weights=(6, 2, 2))[0]
        brand: tuple[str, str] | None = None
        if scope == "movie":
            threshold = rng.choice((0, 3000, 5000, 8000, 10000))
            amount = (
                rng.choice((500, 800, 1000)) if threshold == 0 else rng.choice((1000, 1500, 2000))
            )
            if rng.random() < 0.4:
                brand = rng.choice(city_brands)
        elif scope == "event":
            threshold = rng.choice((30000, 50000, 100000))
            amount = threshold // rng.choice((10, 20))
        else:
            threshold, amount = rng.choice(((5000, 500), (10000, 1500), (20000, 3000)))
        t, a = threshold // 100, amount // 100
        what = {"movie": "观影券 movie", "event": "演出券 show", "any": "通用券 any order"}[scope]
        cond = f"满{t}减{a}" if threshold else f"立减{a}元"
        cond_en = f"¥{a} off ¥{t}+" if threshold else f"¥{a} off"
        prefix = f"{brand_short(brand[0])}专享 " if brand else ""
        roll = rng.random()
        start = START_DATE - timedelta(days=rng.randint(1, 40))
        end = START_DATE + timedelta(days=rng.randint(2, 45))
        if roll < 0.15:
            end = START_DATE - timedelta(days=rng.randint(1, 20))  # expired
        elif roll < 0.2:
            start = START_DATE + timedelta(days=rng.randint(1, 5))  # not valid yet
        out.append(
            Coupon(
                id=f"{uid}-CP{k + 1}",
                title=f"{prefix}{cond} {what} ({cond_en})",
                scope=scope,
                brand_en=brand[1] if brand else None,
                threshold_fen=threshold,
                amount_fen=amount,
                valid_from=at(start, 0, 0),
                expires=at(end, 23, 59),
                used=rng.random() < 0.15,
                terms="每单限用一张。 One coupon per order.",
            )
        )
    return out


def _payments(rng: random.Random, uid: str, broke: bool) -> list[PaymentMethod]:
    n = rng.choices((1, 2, 3), weights=(3, 4, 2))[0]
    kinds = rng.sample(("wechat_pay", "alipay", "bank_card", "wallet"), n)
    out: list[PaymentMethod] = []
    for k, kind in enumerate(kinds):
        if kind == "bank_card":
            zh, en = rng.choice(_BANKS)
            tail = f"{rng.randint(0, 9999):04d}"
            label = f"{zh}储蓄卡 (尾号{tail}) {en} debit card ending {tail}"
        else:
            label = {"wechat_pay": "微信支付 WeChat Pay", "alipay": "支付宝 Alipay",
                     "wallet": "平台钱包 Wallet"}[kind]  # fmt: skip
        low = broke or rng.random() < 0.12
        bal = rng.randint(5, 80) * 100 if low else rng.randint(200, 5000) * 100
        out.append(PaymentMethod(id=f"{uid}-PM{k + 1}", kind=kind, label=label, balance_fen=bal))
    return out


def build_users(
    rng: random.Random, cities: list[CityPlan], cinemas: list[CinemaPlan], scale: int
) -> list[User]:
    """240 users per scale unit, spread over the cities; ids U0001..."""
    total = 240 * scale
    w = width(total, 4)
    brands_by_city: dict[str, list[tuple[str, str]]] = {}
    for c in cinemas:
        pair = (c.brand.zh, c.brand.en)
        lst = brands_by_city.setdefault(c.city_id, [])
        if pair not in lst:
            lst.append(pair)
    phones: set[str] = set()
    out: list[User] = []
    for n in range(1, total + 1):
        uid = f"U{n:0{w}d}"
        plan = rng.choices(cities, weights=(40, 35, 25)[: len(cities)])[0]
        spot = rng.choice(plan.spots)
        english = rng.random() < 0.2
        name = _person(rng, english)
        phone = ""
        while not phone or phone in phones:  # membership test only: stays deterministic
            prefix = rng.choice(("38", "39", "50", "58", "86", "88", "37", "77"))
            phone = f"1{prefix}{rng.randint(0, 10**8 - 1):08d}"
        phones.add(phone)
        city_brands = brands_by_city[plan.city.id]
        out.append(
            User(
                id=uid,
                name=name,
                phone=phone,
                city_id=plan.city.id,
                home_district=spot.landmark.district,
                home=jitter(rng, spot.landmark.location, 4.0),
                member_cards=tuple(_cards(rng, uid, city_brands)),
                coupons=tuple(_coupons(rng, uid, city_brands)),
                attendees=tuple(_attendees(rng, uid, name, plan.city.id, english)),
                payment_methods=tuple(_payments(rng, uid, rng.random() < 0.08)),
            )
        )
    return out

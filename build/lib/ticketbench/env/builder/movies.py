"""The movie catalogue: invented titles with zh/en names, aliases and screening traits.

Confusable titles are deliberate: 星海迷航 and its sequel share the alias 星海; 长安 and
熊猫 each name several films; 魔法学院 is both a film now showing and one coming soon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ticketbench.env.builder.base import split_list, table
from ticketbench.env.models import Movie

# zh | en | aliases | genres | runtime | rating | release | language | popularity 0-1
#   | traits (3: 3D, i: IMAX, d: Dolby, 4: 4DX, r: limited re-release) | synopsis
_MOVIES = """
星海迷航 | Star Voyager | 星海/星海1/星海迷航1/Star Voyager 1/XHMH | sci-fi/adventure | 128 | 8.1
    | 2024-07-19 | zh | 0.25 | 3ir | Re-release of the 2024 hit: a salvage crew finds a derelict
    colony ship drifting past Neptune, and someone aboard is still awake.
星海迷航2 | Star Voyager 2 | 星海/星海2/星海迷航II/Star Voyager II/SV2/XHMH2
    | sci-fi/adventure/action
    | 142 | 8.4 | 2026-11-27 | zh | 1.0 | 3id4 | 打捞队再度出发：为了救回失散的船员，他们必须穿越
    木星风暴带，直面殖民舰背后的真相。
长安夜行 | Night Walk in Chang'an | 长安/夜行/Chang'an Night/CANX | history/mystery | 131 | 7.9
    | 2026-11-13 | zh | 0.75 | d | A night-watch captain has until the morning drum to solve a
    poisoning inside the Tang capital's locked ward.
长安少年行 | Young Riders of Chang'an | 长安/少年行/Young Riders | animation/history/adventure
    | 112 | 8.3 | 2026-11-20 | zh | 0.6 | 3 | 三个少年骑手从西域出发，护送一封密信奔赴长安。
熊猫邮差 | The Panda Postman | 熊猫/邮差熊猫/Panda Postman/XMYC | animation/family/comedy | 96 | 7.6
    | 2026-11-20 | zh | 0.55 | 3 | A clumsy panda delivers letters across a mountain village
    and learns every envelope carries a story.
熊猫特工队 | Panda Squad | 熊猫/特工熊猫/Panda Agents | animation/family/action | 101 | 7.1
    | 2026-12-12 | en | 0.7 | 34 | Four bamboo-loving secret agents must stop a heist at the
    world's biggest zoo.
最后的列车 | The Last Train | 末班列车/Last Train/最后列车 | thriller/action | 109 | 7.2
    | 2026-11-06
    | en | 0.4 | i | A night train, one hijacker, and a conductor on her final shift.
末班车 | Last Bus Home | 末班/末班车回家/Last Bus | drama/family | 118 | 8.0 | 2026-11-27 | zh
    | 0.45 | | 一位即将退休的公交司机，在最后一班夜车上遇见了多年未见的儿子。
雾都侦探 | The Fog City Detective | 雾都/Fog Detective/侦探 | mystery/crime | 124 | 7.7
    | 2026-10-30 | en | 0.3 | | A retired detective is pulled back to the city of fog by a
    letter written in her own hand.
深海回声 | Echoes of the Deep | 深海/回声/Echoes/Deep Echo | sci-fi/thriller | 119 | 7.4
    | 2026-11-20 | en | 0.55 | 3id4 | A deep-sea research station picks up a signal that
    answers back.
雪线以上 | Above the Snowline | 雪线/Snowline | adventure/drama | 127 | 8.6 | 2026-12-04 | zh | 0.8
    | id | 一支业余登山队在雪线之上遭遇暴风雪，生死之间重新认识彼此。
夏日回信 | Letters from Summer | 回信/夏日/Summer Letters | romance/drama | 108 | 7.3 | 2026-11-13
    | zh | 0.35 | | Two strangers keep answering letters left in a seaside library book.
铁拳少女 | Iron Fist Girl | 铁拳/Iron Girl/TQSN | action/sports | 115 | 6.9 | 2026-11-27 | zh | 0.4
    | | 县城少女为保住家里的拳馆，报名参加全国女子拳击赛。
爆笑一家人 | The Laughing Family | 爆笑/一家人/Laughing Family | comedy/family | 99 | 6.5
    | 2026-12-04 | zh | 0.6 | | Three generations, one small flat and a lottery ticket nobody
    can find.
风起敦煌 | Winds over Dunhuang | 敦煌/风起/Dunhuang | history/adventure | 136 | 7.8 | 2026-10-01
    | zh | 0.3 | i | 丝路商队在沙暴中迷失方向，一幅壁画成了唯一的地图。
午夜便利店 | Midnight Convenience Store | 便利店/午夜/Midnight Store | comedy/drama/fantasy
    | 104 | 8.2 | 2026-11-06 | ja | 0.3 | | A convenience store that opens only after midnight
    sells exactly what each customer lost.
星之彼端 | Beyond the Stars | 彼端/星之/Hoshi no Kanata/Beyond Stars | animation/fantasy/romance
    | 107 | 8.5 | 2026-11-27 | ja | 0.65 | d | Two teenagers separated by a comet's orbit meet
    in their dreams once every seven nights.
机甲之心 | Heart of the Mech | 机甲/Mech Heart | animation/sci-fi/action | 118 | 7.9 | 2026-12-11
    | ja | 0.5 | 3i | A junkyard mechanic rebuilds a war machine that remembers its pilot.
猫咪咖啡馆 | Cat Café Days | 猫咖/猫咪/Cat Cafe | animation/family | 88 | 7.0 | 2026-10-23 | ja
    | 0.15 | | 小镇猫咖里的七只猫，和它们各自的主人的一年。
首尔夜雨 | Seoul Night Rain | 夜雨/首尔/Night Rain | romance/drama | 114 | 7.5 | 2026-11-20 | ko
    | 0.25 | | A radio host and a night-shift nurse fall in love over rainy-night call-ins.
釜山快线 | Busan Express | 快线/Busan Line/釜山 | action/thriller | 111 | 7.6 | 2026-11-13 | ko
    | 0.3 | 4 | A courier has ninety minutes to cross the city with a package everyone wants.
完美替身 | The Perfect Double | 替身/Perfect Double | thriller/crime | 121 | 7.0 | 2026-12-04 | ko
    | 0.3 | | 一名替身演员发现，自己替的不是戏，而是一个人的人生。
龙城风云 | Storm over Dragon City | 龙城/风云/Dragon City | action/crime | 129 | 7.2 | 2026-11-27
    | zh | 0.6 | id | Two cops, one undercover for ten years, meet on opposite sides of a
    harbour deal.
逆光飞行 | Flying Against the Light | 逆光/Against the Light/NGFX | drama/sports | 122 | 8.1
    | 2026-11-06 | zh | 0.35 | | 失明的少年与落魄教练一起，向残奥会游泳赛场出发。
时间当铺 | The Time Pawnshop | 当铺/时间/Time Pawnshop | fantasy/drama | 117 | 7.4 | 2026-10-16
    | zh | 0.2 | | In an old alley you can pawn an hour of your life, but never buy it back.
失控边缘 | On the Edge | 边缘/失控/Edge | action/thriller | 106 | 6.4 | 2026-11-20 | en | 0.35
    | i4 | An ex-racer is forced to drive for a gang through a city-wide blackout.
冰原狼 | Wolves of the Ice | 狼/冰原/Ice Wolves | adventure/family | 98 | 7.8 | 2026-11-13 | en
    | 0.3 | 3 | A wolf pack's year on the Arctic ice, filmed over four winters.
巨兽苏醒 | Titan Awakens | 巨兽/Titan/苏醒 | action/sci-fi | 133 | 7.0 | 2026-12-04 | en | 0.85
    | 3id4 | 沉睡万年的巨兽在太平洋海底苏醒，人类只有七天时间。
魔法学院：暗影之书 | Academy of Magic: The Shadow Book | 魔法学院/暗影之书/Magic Academy/Shadow Book
    | fantasy/adventure/family | 139 | 7.7 | 2026-11-20 | en | 0.6 | 3id | First-years find a
    book that writes back, and it knows who will betray the academy.
魔法学院：水晶王冠 | Academy of Magic: The Crystal Crown
    | 魔法学院/水晶王冠/Magic Academy/Crystal Crown
    | fantasy/adventure/family | 142 | 0.0 | 2026-12-18 | en | 0.9 | 3id | Coming soon: the
    second year begins with a stolen crown and a locked tower.
火星农场 | Mars Farm | 火星/Martian Farm | sci-fi/comedy | 115 | 7.3 | 2026-10-30 | en | 0.2 |
    | A stranded botanist and a sarcastic robot try to grow potatoes on Mars.
狂野赛道 | Wild Track | 赛道/狂野/Wild Track | action/sports | 118 | 6.8 | 2026-12-11 | en | 0.55
    | i4 | Street racers enter a desert rally with no rules and one finish line.
午夜钟声 | The Midnight Bell | 钟声/Midnight Bell | horror | 97 | 6.2 | 2026-11-27 | en | 0.25 |
    | The church bell in a drowned village rings every night at twelve.
她的名字叫小满 | Her Name Is Xiaoman | 小满/Xiaoman | drama | 112 | 8.7 | 2026-11-20 | zh | 0.45 |
    | 江南小镇的女孩小满，用二十年走出了母亲没走完的路。
归乡 | Homecoming Road | 回乡/归乡路/Homecoming | drama/family | 125 | 8.0 | 2026-10-23 | zh | 0.2
    | | A migrant worker walks the last hundred kilometres home before the Spring Festival.
乒乓少年 | Ping Pong Kids | 乒乓/Ping Pong/PPSN | sports/comedy/family | 103 | 7.5 | 2026-11-27
    | zh | 0.35 | | A village school's ping-pong team makes it to the provincial finals.
钢琴师的秘密 | The Pianist's Secret | 钢琴师/Pianist Secret/The Secret | music/mystery | 119 | 7.6
    | 2026-11-13 | en | 0.2 | | A piano tuner finds a coded score inside a concert grand.
北极光下 | Under the Northern Lights | 北极光/Northern Lights/极光 | romance | 101 | 6.9
    | 2026-12-09
    | zh | 0.35 | | 两个失恋的人在漠河相遇，约定一起等一场极光。
万里追凶 | The Long Pursuit | 追凶/Long Pursuit | crime/thriller | 127 | 7.8 | 2026-11-06 | zh
    | 0.4 | d | A village policeman chases a fugitive across three provinces and eleven years.
沙海孤城 | Citadel in the Sands | 沙海/孤城/Citadel | war/action/history | 140 | 7.1 | 2026-11-27
    | zh | 0.45 | i | 唐代戍边将士死守西域孤城，等待一支也许永远不会来的援军。
小镇奇遇记 | Small Town Wonders | 小镇/奇遇记/Small Town | comedy/fantasy/family | 95 | 6.7
    | 2026-11-20 | zh | 0.25 | | A broken vending machine in a small town grants one wish a day.
蓝海计划 | Project Blue Ocean | 蓝海/Blue Ocean | drama | 108 | 7.2 | 2026-10-30 | zh | 0.15 |
    | 一群海洋志愿者在渔村推动禁渔计划的故事。
大地之歌 | Song of the Earth | 大地/Earth Song | documentary/music | 90 | 8.8 | 2026-11-13 | zh
    | 0.1
    | | Folk singers from twelve provinces, recorded where their songs were born.
红色信号 | Red Signal | 信号/HSXH | thriller/sci-fi | 113 | 6.9 | 2026-12-04 | en | 0.35 | d
    | Every phone in the city receives the same red screen, and a countdown.
梦境旅馆 | The Dream Hotel | 旅馆/梦境/Dream Hotel | fantasy/comedy | 106 | 7.0 | 2026-11-06 | ko
    | 0.15 | | Guests of a seaside hotel wake up in each other's dreams.
飞驰的冬天 | Winter Sprint | 飞驰/冬天/FCDDT | sports/comedy | 110 | 0.0 | 2026-12-24 | zh | 0.7 | i
    | 即将上映：过气短道速滑运动员带着一群孩子冲击冬运会。
小熊猫回家 | Little Red Panda Goes Home | 小熊猫/熊猫/Red Panda | animation/family | 85 | 7.4
    | 2026-10-30 | zh | 0.2 | | A red panda cub follows the river back to the bamboo forest.
剑心 | Heart of the Sword | 剑心/Sword Heart/JX | action/fantasy/wuxia | 126 | 7.5 | 2026-11-13
    | zh | 0.4 | 3 | 铸剑师之女为父报仇，却发现仇人手中的剑出自父亲之手。
"""


@dataclass(frozen=True)
class MovieInfo:
    """A movie plus the traits that drive scheduling, pricing and occupancy."""

    movie: Movie
    language: str  # original spoken language
    popularity: float
    has_3d: bool
    imax: bool
    dolby: bool
    fourdx: bool
    rerelease: bool
    release: date


def movie_catalogue() -> list[MovieInfo]:
    """All movies in a fixed order, ids M01...; the catalogue does not scale."""
    out: list[MovieInfo] = []
    rows = table(_MOVIES)
    for i, r in enumerate(rows, start=1):
        zh, en, aliases, genres, runtime, rating, release, lang, pop, traits = r[:10]
        synopsis = "|".join(r[10:])
        movie = Movie(
            id=f"M{i:02d}",
            title_zh=zh,
            title_en=en,
            aliases=split_list(aliases),
            genres=split_list(genres),
            runtime_min=int(runtime),
            rating=float(rating),
            release_date=release,
            synopsis=synopsis,
        )
        out.append(
            MovieInfo(
                movie=movie,
                language=lang,
                popularity=float(pop),
                has_3d="3" in traits,
                imax="i" in traits,
                dolby="d" in traits,
                fourdx="4" in traits,
                rerelease="r" in traits,
                release=date.fromisoformat(release),
            )
        )
    return out

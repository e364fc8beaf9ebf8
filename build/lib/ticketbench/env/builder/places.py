"""Place data of the world: cities, districts, landmarks (with aliases), malls and brands.

Coordinates are near the real places; mall names are invented or generic so nothing
here claims a real cinema is at a real address.
"""

from __future__ import annotations

from dataclasses import dataclass

from ticketbench.env.builder.base import split_list, table
from ticketbench.env.models import City, Landmark, Point


@dataclass(frozen=True)
class Spot:
    """A landmark plus the shopping mall a cinema there sits in."""

    landmark: Landmark
    mall_zh: str
    mall_en: str
    street_zh: str
    street_en: str


# id | zh | en | aliases | district | lat | lon | mall zh | mall en | street zh | street en
_SPOTS = """
sh-ljz | 陆家嘴 | Lujiazui | 陆家嘴金融城/Lujiazui Finance City/LJZ/东方明珠 | 浦东新区 Pudong
    | 31.2397 | 121.4998 | 滨江中心 | Riverside Center | 陆家嘴西路168号 | 168 Lujiazui West Rd
sh-rmgc | 人民广场 | People's Square | 人广/Renmin Guangchang/人民公园 | 黄浦区 Huangpu
    | 31.2304 | 121.4737 | 来福汇 | Raffles Square | 西藏中路268号 | 268 Middle Xizang Rd
sh-xjh | 徐家汇 | Xujiahui | 徐家汇商圈/XJH/Xujiahui Park | 徐汇区 Xuhui
    | 31.1950 | 121.4375 | 汇金天地 | Huijin Plaza | 肇嘉浜路1111号 | 1111 Zhaojiabang Rd
sh-jas | 静安寺 | Jing'an Temple | 静安/Jingan Temple/Jing'an | 静安区 Jing'an
    | 31.2235 | 121.4453 | 久光中心 | Jiuguang Center | 南京西路1618号 | 1618 West Nanjing Rd
sh-wjc | 五角场 | Wujiaochang | 五角场商圈/WJC/合生汇 | 杨浦区 Yangpu
    | 31.3005 | 121.5140 | 万达广场 | Wanda Plaza | 邯郸路600号 | 600 Handan Rd
sh-zsgy | 中山公园 | Zhongshan Park | 中山公园商圈/Zhongshan Gongyuan | 长宁区 Changning
    | 31.2203 | 121.4170 | 龙之梦 | Cloud Nine Mall | 长宁路1018号 | 1018 Changning Rd
sh-njdl | 南京东路 | East Nanjing Road | 南京路步行街/Nanjing Road/外滩/The Bund | 黄浦区 Huangpu
    | 31.2380 | 121.4800 | 世茂广场 | Shimao Plaza | 南京东路829号 | 829 East Nanjing Rd
sh-sjdd | 世纪大道 | Century Avenue | 世纪公园/Century Park | 浦东新区 Pudong
    | 31.2290 | 121.5170 | 八佰伴 | Nextage Mall | 张杨路501号 | 501 Zhangyang Rd
sh-hq | 虹桥 | Hongqiao | 虹桥天地/虹桥枢纽/Hongqiao Hub | 闵行区 Minhang
    | 31.1960 | 121.3200 | 虹桥天地 | Hongqiao Tiandi | 申长路688号 | 688 Shenchang Rd
sh-qb | 七宝 | Qibao | 七宝古镇/Qibao Old Town | 闵行区 Minhang
    | 31.1550 | 121.3540 | 万科广场 | Vanke Plaza | 漕宝路3366号 | 3366 Caobao Rd
sh-xtd | 新天地 | Xintiandi | XTD/太平桥 | 黄浦区 Huangpu
    | 31.2200 | 121.4750 | 新天地时尚 | Xintiandi Style | 马当路245号 | 245 Madang Rd
sh-dn | 大宁 | Daning | 大宁音乐广场/Daning Music Plaza | 静安区 Jing'an
    | 31.2780 | 121.4570 | 大宁国际 | Daning International | 共和新路1878号 | 1878 Gonghexin Rd
sh-zr | 真如 | Zhenru | 环球港/Global Harbor/长风 | 普陀区 Putuo
    | 31.2330 | 121.4120 | 环球港 | Global Harbor | 中山北路3300号 | 3300 North Zhongshan Rd
bj-gm | 国贸 | Guomao | CBD/国贸CBD/China World/大望路 | 朝阳区 Chaoyang
    | 39.9087 | 116.4600 | 国贸商城 | World Trade Mall | 建国门外大街1号 | 1 Jianguomenwai Ave
bj-slt | 三里屯 | Sanlitun | 三里屯太古里/Taikoo Li/SLT | 朝阳区 Chaoyang
    | 39.9334 | 116.4546 | 三里屯里 | Sanlitun Village | 三里屯路19号 | 19 Sanlitun Rd
bj-wfj | 王府井 | Wangfujing | 王府井大街/Wangfujing Street/东方新天地 | 东城区 Dongcheng
    | 39.9140 | 116.4110 | 王府中环 | WF Central | 王府井大街269号 | 269 Wangfujing St
bj-xd | 西单 | Xidan | 西单商圈/Xidan Joy City | 西城区 Xicheng
    | 39.9110 | 116.3740 | 西单大悦城 | Xidan Joy Plaza | 西单北大街131号 | 131 North Xidan St
bj-zgc | 中关村 | Zhongguancun | ZGC/海龙/中关村广场 | 海淀区 Haidian
    | 39.9840 | 116.3160 | 中关村广场 | Zhongguancun Plaza | 中关村大街15号 | 15 Zhongguancun St
bj-wdk | 五道口 | Wudaokou | 道口/WDK/宇宙中心 | 海淀区 Haidian
    | 39.9925 | 116.3380 | 五道口购物中心 | Wudaokou Mall | 成府路28号 | 28 Chengfu Rd
bj-wj | 望京 | Wangjing | 望京SOHO/Wangjing SOHO | 朝阳区 Chaoyang
    | 39.9960 | 116.4700 | 凯德MALL | CapitaMall Wangjing | 广顺北大街33号 | 33 North Guangshun St
bj-lsgw | 蓝色港湾 | Solana | 蓝港/Solana Lifestyle/朝阳公园 | 朝阳区 Chaoyang
    | 39.9480 | 116.4710 | 蓝色港湾 | Solana | 朝阳公园路6号 | 6 Chaoyang Park Rd
bj-xzm | 西直门 | Xizhimen | 凯德西直门/动物园/Beijing Zoo | 西城区 Xicheng
    | 39.9400 | 116.3550 | 西环广场 | West Ring Plaza | 西直门外大街1号 | 1 Xizhimenwai St
bj-ayc | 奥林匹克公园 | Olympic Park | 奥园/鸟巢/Bird's Nest/奥森 | 朝阳区 Chaoyang
    | 40.0020 | 116.3920 | 新奥购物中心 | Olympic Mall | 湖景东路19号 | 19 East Hujing Rd
bj-lz | 丽泽 | Lize | 丽泽商务区/Lize Business District | 丰台区 Fengtai
    | 39.8650 | 116.3100 | 丽泽天街 | Lize Paradise Walk | 丽泽路18号 | 18 Lize Rd
bj-tz | 通州 | Tongzhou | 城市副中心/北京副中心/Beijing Sub-center | 通州区 Tongzhou
    | 39.9080 | 116.6570 | 万达广场 | Wanda Plaza | 新华西街58号 | 58 West Xinhua St
sz-szw | 深圳湾 | Shenzhen Bay | 后海/Houhai/深圳湾公园/春茧 | 南山区 Nanshan
    | 22.5190 | 113.9440 | 深圳湾万象城 | Bay MixC | 科苑南路2888号 | 2888 South Keyuan Rd
sz-ftcbd | 福田CBD | Futian CBD | 会展中心/市民中心/Civic Center/CBD | 福田区 Futian
    | 22.5360 | 114.0560 | 卓悦中心 | One Avenue | 福华三路88号 | 88 Fuhua 3rd Rd
sz-hqb | 华强北 | Huaqiangbei | 华强北商业街/HQB | 福田区 Futian
    | 22.5450 | 114.0860 | 华强北九方 | Huaqiang Parc | 华强北路1002号 | 1002 Huaqiang North Rd
sz-dm | 东门 | Dongmen | 东门步行街/老街/Laojie | 罗湖区 Luohu
    | 22.5460 | 114.1200 | 东门中心 | Dongmen Center | 解放路2001号 | 2001 Jiefang Rd
sz-hac | 海岸城 | Coastal City | 后海海岸城/Haianchen | 南山区 Nanshan
    | 22.5170 | 113.9360 | 海岸城 | Coastal City Mall | 文心五路33号 | 33 Wenxin 5th Rd
sz-kjy | 科技园 | Science Park | 高新园/Hi-Tech Park/深大 | 南山区 Nanshan
    | 22.5400 | 113.9500 | 科技园天虹 | Hi-Tech Park Mall | 科技南十路6号 | 6 Keji South 10th Rd
sz-ba | 宝安中心 | Bao'an Center | 宝安/Bao'an/西乡 | 宝安区 Bao'an
    | 22.5550 | 113.8830 | 壹方城 | Uniwalk | 新湖路99号 | 99 Xinhu Rd
sz-lh | 龙华 | Longhua | 深圳北站/Shenzhen North Station/红山 | 龙华区 Longhua
    | 22.6560 | 114.0290 | 红山6979 | Hongshan 6979 | 民治大道3号 | 3 Minzhi Ave
sz-hqc | 华侨城 | OCT | 欢乐谷/Happy Valley/世界之窗/Window of the World | 南山区 Nanshan
    | 22.5400 | 113.9820 | 欢乐海岸 | OCT Harbour | 白石路8号 | 8 Baishi Rd
sz-lg | 大运 | Universiade | 大运中心/龙岗/Longgang | 龙岗区 Longgang
    | 22.6970 | 114.2140 | 大运天地 | Universiade Mall | 龙飞大道668号 | 668 Longfei Ave
sz-lhmixc | 罗湖万象城 | Luohu MixC | 万象城/MixC/大剧院 | 罗湖区 Luohu
    | 22.5380 | 114.1110 | 华润中心 | China Resources Center | 宝安南路1881号 | 1881 South Bao'an Rd
"""

# id | zh | en | aliases | cinemas at scale 1
_CITIES = """
sh | 上海 | Shanghai | 沪/魔都/SH | 15
bj | 北京 | Beijing | 京/帝都/Peking/BJ | 14
sz | 深圳 | Shenzhen | 鹏城/SZ | 11
"""

# zh | en | price factor | charm prices (x.90) | weight
_BRANDS = """
万达影城 | Wanda Cinemas | 1.00 | y | 6
CGV影城 | CGV Cinemas | 1.08 | n | 4
百老汇影城 | Broadway Cinemas | 1.12 | n | 3
博纳国际影城 | Bona Cinemas | 1.02 | y | 3
UME影城 | UME Cinemas | 1.05 | n | 3
横店电影城 | Hengdian Cinemas | 0.90 | y | 3
金逸影城 | Jinyi Cinemas | 0.95 | y | 2
大地影院 | Dadi Cinema | 0.85 | y | 2
星轶影城 | STARX Cinemas | 1.10 | n | 2
"""


@dataclass(frozen=True)
class Brand:
    """A cinema chain: names, price level and whether its prices end in .90 yuan."""

    zh: str
    en: str
    price_factor: float
    charm: bool
    weight: int


@dataclass(frozen=True)
class CityPlan:
    """A city with its spots and how many cinemas it gets at scale 1."""

    city: City
    spots: tuple[Spot, ...]
    cinemas: int


def brands() -> list[Brand]:
    """The cinema brands in a fixed order."""
    return [Brand(r[0], r[1], float(r[2]), r[3] == "y", int(r[4])) for r in table(_BRANDS)]


def _spot(r: list[str]) -> Spot:
    lm = Landmark(
        id=r[0],
        name_zh=r[1],
        name_en=r[2],
        aliases=split_list(r[3]),
        district=r[4],
        location=Point(lat=float(r[5]), lon=float(r[6])),
    )
    return Spot(landmark=lm, mall_zh=r[7], mall_en=r[8], street_zh=r[9], street_en=r[10])


def city_plans() -> list[CityPlan]:
    """The cities of the world in a fixed order, each with its landmarks and districts."""
    spots = [_spot(r) for r in table(_SPOTS)]
    out: list[CityPlan] = []
    for cid, zh, en, aliases, n in table(_CITIES):
        mine = tuple(s for s in spots if s.landmark.id.startswith(cid + "-"))
        districts: list[str] = []
        for s in mine:
            if s.landmark.district not in districts:
                districts.append(s.landmark.district)
        city = City(
            id=cid,
            name_zh=zh,
            name_en=en,
            aliases=split_list(aliases),
            districts=tuple(districts),
            landmarks=tuple(s.landmark for s in mine),
        )
        out.append(CityPlan(city=city, spots=mine, cinemas=int(n)))
    return out

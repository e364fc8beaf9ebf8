"""Data tables of live events: venues, price-zone templates and the event list.

Names, performers and teams are invented. A few aliases deliberately collide with
movie aliases (星海, 熊猫, 雾都, 乒乓) so that cross-domain ambiguity can be tested.
"""

from __future__ import annotations

# id | city | zh | en | district | lat | lon | kind (arena / stadium / theatre / hall / club)
VENUES = """
sh-mba | sh | 梅赛德斯-奔驰文化中心 | Mercedes-Benz Arena | 浦东新区 Pudong | 31.1890 | 121.4930
    | arena
sh-std | sh | 上海体育场 | Shanghai Stadium | 徐汇区 Xuhui | 31.1830 | 121.4380 | stadium
sh-osc | sh | 东方体育中心 | Oriental Sports Center | 浦东新区 Pudong | 31.1590 | 121.4870 | arena
sh-gt | sh | 上海大剧院 | Shanghai Grand Theatre | 黄浦区 Huangpu | 31.2310 | 121.4700 | theatre
sh-csq | sh | 上海文化广场 | Shanghai Culture Square | 黄浦区 Huangpu | 31.2130 | 121.4590 | theatre
sh-sym | sh | 上海交响音乐厅 | Shanghai Symphony Hall | 徐汇区 Xuhui | 31.2100 | 121.4490 | hall
sh-cmd | sh | 笑点剧场 | Punchline Theatre | 静安区 Jing'an | 31.2290 | 121.4520 | club
bj-wks | bj | 五棵松体育馆 | Wukesong Arena | 海淀区 Haidian | 39.9070 | 116.2740 | arena
bj-nis | bj | 国家体育馆 | National Indoor Stadium | 朝阳区 Chaoyang | 39.9930 | 116.3890 | arena
bj-gti | bj | 工人体育场 | Workers' Stadium | 朝阳区 Chaoyang | 39.9300 | 116.4470 | stadium
bj-ncpa | bj | 国家大剧院 | National Centre for the Performing Arts | 西城区 Xicheng | 39.9040
    | 116.3890 | theatre
bj-poly | bj | 保利剧院 | Poly Theatre | 东城区 Dongcheng | 39.9330 | 116.4310 | theatre
bj-bch | bj | 北京音乐厅 | Beijing Concert Hall | 西城区 Xicheng | 39.9030 | 116.3790 | hall
bj-cmd | bj | 开心麻瓜小剧场 | Happy Muggle Playhouse | 朝阳区 Chaoyang | 39.9330 | 116.4530 | club
sz-bay | sz | 深圳湾体育中心 | Shenzhen Bay Sports Center | 南山区 Nanshan | 22.5240 | 113.9430
    | stadium
sz-uni | sz | 大运中心体育馆 | Universiade Arena | 龙岗区 Longgang | 22.6970 | 114.2120 | arena
sz-gt | sz | 深圳大剧院 | Shenzhen Grand Theater | 罗湖区 Luohu | 22.5410 | 114.1050 | theatre
sz-ch | sz | 深圳音乐厅 | Shenzhen Concert Hall | 福田区 Futian | 22.5460 | 114.0560 | hall
sz-cmd | sz | 南山喜剧现场 | Nanshan Comedy Live | 南山区 Nanshan | 22.5160 | 113.9380 | club
"""

# template | zone zh | zone en | price (yuan) | min capacity | max capacity
ZONES = """
arena | VIP内场 | VIP Floor | 1880 | 300 | 600
arena | 内场 | Floor | 1280 | 800 | 1500
arena | 看台A区 | Stand A | 880 | 1500 | 2500
arena | 看台B区 | Stand B | 580 | 2000 | 3000
arena | 看台C区 | Stand C | 380 | 1500 | 2500
stadium | 内场VIP | VIP Pitch | 2080 | 800 | 1200
stadium | 内场 | Pitch | 1480 | 4000 | 6000
stadium | 一层看台 | Lower Stand | 980 | 12000 | 16000
stadium | 二层看台 | Upper Stand | 580 | 16000 | 22000
theatre | VIP席 | VIP | 1280 | 60 | 120
theatre | 一等座 | Premium | 880 | 300 | 500
theatre | 二等座 | Standard | 580 | 400 | 600
theatre | 三等座 | Economy | 280 | 300 | 500
hall | 一等座 | Premium | 680 | 150 | 250
hall | 二等座 | Standard | 480 | 250 | 350
hall | 三等座 | Economy | 280 | 250 | 350
club | 前区 | Front | 280 | 40 | 60
club | 中区 | Middle | 180 | 60 | 100
club | 后区 | Back | 120 | 60 | 100
court | 场边座 | Courtside | 1880 | 80 | 120
court | 一层看台 | Lower Tier | 580 | 4000 | 6000
court | 二层看台 | Upper Tier | 180 | 5000 | 8000
pitch | 贵宾席 | VIP Box | 880 | 300 | 500
pitch | 主队看台 | Home Stand | 280 | 8000 | 12000
pitch | 客队看台 | Away Stand | 180 | 2000 | 3000
pitch | 普通看台 | General Stand | 120 | 10000 | 15000
"""

# category | zh | en | aliases | performers | venue | demand 0-1 | price factor | sessions
#   | first session (days after start) | days between sessions | time | on sale (days after
#   start; negative: already on sale) | real-name y/n | refund (std / flex / none) | description
EVENTS = """
concert | 林夏「夏至未至」巡回演唱会 上海站 | Lin Xia "Before Summer" Tour – Shanghai
    | 林夏演唱会/夏至未至/Lin Xia concert | 林夏 Lin Xia | sh-mba | 1.0 | 1.0 | 6 | 12 | 1 | 19:30
    | -30 | y | none | 华语天后林夏全新巡演上海站，六晚连唱。
concert | 林夏「夏至未至」巡回演唱会 北京站 | Lin Xia "Before Summer" Tour – Beijing
    | 林夏演唱会/夏至未至/Lin Xia concert | 林夏 Lin Xia | bj-wks | 0.95 | 1.0 | 4 | 33 | 1 | 19:30
    | 4 | y | none | 林夏巡演北京站，开票时间以平台公告为准。
concert | 纸灯笼乐队 2026 冬季专场 | The Paper Lanterns Winter Live | 纸灯笼/Paper Lanterns
    | 纸灯笼乐队 The Paper Lanterns | bj-nis | 0.7 | 0.7 | 1 | 5 | 1 | 19:30 | -40 | y | std
    | Indie rock favourites play their only winter show, with a string section.
concert | 周行 × 深圳交响乐团 新年音乐会 | Zhou Xing & Shenzhen Symphony New Year Concert
    | 新年音乐会/周行/New Year Concert | 周行 Zhou Xing/深圳交响乐团 Shenzhen Symphony | sz-ch | 0.6
    | 1.0 | 3 | 24 | 1 | 19:30 | -20 | n | std | 钢琴家周行携手乐团，奏响新年。
concert | 城市民谣夜 | City Folk Night | 民谣夜/Folk Night | 陈默 Chen Mo/阿桑 A-Sang | sh-sym | 0.4
    | 0.6 | 1 | 6 | 1 | 19:30 | -25 | n | flex | An acoustic evening of city folk songs.
concert | 北极星 STARFALL 世界巡回演唱会 深圳站 | POLARIS "Starfall" World Tour – Shenzhen
    | 北极星/POLARIS/Starfall | 北极星 POLARIS | sz-bay | 0.95 | 1.0 | 4 | 19 | 1 | 19:00 | -14 | y
    | none | 人气男团北极星世界巡演深圳站。
concert | 北极星 STARFALL 世界巡回演唱会 上海站 | POLARIS "Starfall" World Tour – Shanghai
    | 北极星/POLARIS/Starfall | 北极星 POLARIS | sh-std | 0.9 | 1.0 | 4 | 40 | 1 | 19:00 | 7 | y
    | none | The boy band POLARIS brings its world tour to Shanghai Stadium.
concert | 古典之夜：贝多芬第九交响曲 | Classical Night: Beethoven's Ninth | 贝九/Beethoven 9/欢乐颂
    | 北京爱乐乐团 Beijing Philharmonia | bj-bch | 0.55 | 0.9 | 4 | 23 | 1 | 19:30 | -45 | n | flex
    | 年末经典：贝多芬《第九交响曲》全本演出。
concert | 许唯一「回声」演唱会 | Xu Weiyi "Echo" Live | 许唯一/回声演唱会/Echo Live
    | 许唯一 Xu Weiyi
    | sz-uni | 0.6 | 0.8 | 2 | 26 | 1 | 19:30 | -10 | y | std | 许唯一出道十年首次个人演唱会。
concert | 爵士星期五 | Jazz Fridays | 爵士/Jazz Friday | 午夜五重奏 Midnight Quintet | sh-sym | 0.3
    | 0.5 | 8 | 4 | 7 | 20:00 | -30 | n | flex | Every Friday night: standards and new work.
concert | 宋词新唱 国风音乐会 | Song Lyrics Reimagined: Guofeng Concert | 国风音乐会/宋词新唱
    | 墨白 Mo Bai/清欢乐团 Qinghuan Ensemble | bj-ncpa | 0.5 | 0.8 | 4 | 15 | 1 | 19:30 | -20 | y
    | std | 以民乐重新演绎宋词名篇。
concert | 摇滚不老 2026 跨年演唱会 | Rock Never Dies: New Year's Eve 2026 | 跨年演唱会/摇滚不老/NYE
    | 铁轨乐队 The Rails/老K Old K | bj-gti | 0.85 | 1.0 | 1 | 24 | 1 | 20:30 | -21 | y | none
    | 跨年夜摇滚现场，零点一起倒数。
concert | 苏晴「晴天日记」小型演唱会 | Su Qing "Sunny Diary" Live | 苏晴/晴天日记 | 苏晴 Su Qing
    | sz-ch | 0.5 | 0.7 | 2 | 2 | 1 | 19:30 | -25 | y | std | An intimate acoustic show.
concert | 电音浪潮音乐节 | Electric Wave Festival | 电音节/EWF/电音浪潮 | DJ K-Lo/Neon Tide | sh-std
    | 0.65 | 0.8 | 2 | 47 | 1 | 16:00 | 10 | y | std | 两天户外电子音乐节。
theatre | 音乐剧《雾都孤灯》 | Musical: The Lamp of Fog City | 雾都孤灯/雾都/Lamp of Fog City
    | 上海音乐剧团 Shanghai Musical Company | sh-csq | 0.7 | 0.9 | 12 | 3 | 1 | 19:30 | -35 | n
    | std | 原创音乐剧：雾都小巷里的一盏灯，照亮两代人的约定。
theatre | 话剧《茶馆往事》 | Play: Teahouse Memories | 茶馆往事/茶馆 | 京城话剧社 Jingcheng Players
    | bj-poly | 0.6 | 0.8 | 10 | 9 | 1 | 19:30 | -30 | n | std
    | Three generations in one old teahouse.
theatre | 芭蕾舞剧《胡桃夹子》 | Ballet: The Nutcracker | 胡桃夹子/Nutcracker
    | 东方芭蕾舞团 Oriental Ballet Company | sh-gt | 0.75 | 1.0 | 14 | 11 | 1 | 19:30 | -40 | n
    | flex | 圣诞季经典芭蕾。
theatre | 昆曲《牡丹亭》（青春版） | Kunqu Opera: The Peony Pavilion (Youth Edition)
    | 牡丹亭/Peony Pavilion
    | 江南昆曲社 Jiangnan Kunqu Troupe | bj-ncpa | 0.5 | 0.8 | 4 | 20 | 1 | 19:00 | -25 | n | std
    | The classic love story, staged by a young cast.
theatre | 音乐剧《星海迷航》 | Star Voyager: The Musical | 星海音乐剧/星海迷航音乐剧/星海
    | 星河剧社 Galaxy Stage | sz-gt | 0.55 | 0.8 | 10 | 13 | 1 | 19:30 | -15 | n | std
    | 同名科幻电影改编的舞台音乐剧。
theatre | 沉浸式戏剧《午夜酒店》 | Immersive Theatre: Midnight Hotel | 午夜酒店/Midnight Hotel
    | 不眠剧社 Sleepless Company | sh-csq | 0.45 | 0.7 | 10 | 1 | 2 | 20:00 | -60 | n | none
    | Walk the corridors of a 1930s hotel and follow the story you choose.
theatre | 儿童剧《熊猫邮差》 | Children's Theatre: The Panda Postman
    | 熊猫邮差儿童剧/熊猫/Panda Postman
    | 小星星儿童剧团 Little Star Kids Theatre | sz-gt | 0.4 | 0.4 | 8 | 5 | 1 | 10:30 | -30 | n
    | flex | 根据同名动画改编的亲子剧。
theatre | 舞剧《敦煌飞天》 | Dance Drama: Flying Apsaras of Dunhuang | 飞天/敦煌舞剧/Apsaras
    | 西部歌舞剧院 Western Song & Dance Theatre | bj-ncpa | 0.65 | 0.9 | 10 | 42 | 1 | 19:30 | 2
    | n | std | 以敦煌壁画为灵感的大型舞剧，即将开票。
theatre | 京剧《贵妃醉酒》 | Peking Opera: The Drunken Concubine | 贵妃醉酒/京剧
    | 京华京剧团 Jinghua Opera Troupe
    | bj-poly | 0.5 | 0.7 | 3 | 17 | 1 | 19:30 | -20 | n | std | A Peking Opera classic.
sports | 职业篮球联赛 上海海潮 vs 北京雄鹰 | Pro Basketball: Shanghai Tides vs Beijing Eagles
    | 海潮vs雄鹰/篮球/Tides vs Eagles | 上海海潮 Shanghai Tides/北京雄鹰 Beijing Eagles | sh-osc
    | 0.6 | 1.0 | 1 | 3 | 1 | 19:35 | -14 | y | none | 常规赛焦点之战。
sports | 职业篮球联赛 北京雄鹰 vs 深圳飞马 | Pro Basketball: Beijing Eagles vs Shenzhen Pegasus
    | 雄鹰vs飞马/篮球/Eagles vs Pegasus | 北京雄鹰 Beijing Eagles/深圳飞马 Shenzhen Pegasus | bj-wks
    | 0.55 | 1.0 | 1 | 6 | 1 | 19:35 | -14 | y | none | Regular season, home game for the Eagles.
sports | 职业篮球联赛 深圳飞马 vs 上海海潮 | Pro Basketball: Shenzhen Pegasus vs Shanghai Tides
    | 飞马vs海潮/篮球/Pegasus vs Tides | 深圳飞马 Shenzhen Pegasus/上海海潮 Shanghai Tides | sz-uni
    | 0.5 | 0.9 | 1 | 10 | 1 | 19:35 | -14 | y | none | 飞马主场迎战海潮。
sports | 冬季足球邀请赛 决赛 | Winter Football Cup Final | 足球决赛/冬季杯/Winter Cup
    | 深圳蓝鲨 Shenzhen Blue Sharks/广州红棉 Guangzhou Kapok | sz-bay | 0.5 | 1.0 | 1 | 20 | 1
    | 19:30
    | -10 | y | std | The final of the winter invitational, under the lights at Shenzhen Bay.
sports | 国际乒乓球公开赛 上海站 | International Table Tennis Open – Shanghai
    | 乒乓球公开赛/乒乓/TT Open
    | 多国选手 International players | sh-osc | 0.7 | 0.5 | 4 | 15 | 1 | 14:00 | -20 | y | std
    | 四天赛程，每日门票单独售卖。
sports | 花样滑冰大奖赛 北京站 | Figure Skating Grand Prix – Beijing
    | 花滑/Figure Skating/Grand Prix
    | 多国选手 International skaters | bj-nis | 0.65 | 0.8 | 4 | 30 | 1 | 18:30 | 6 | y | std
    | Four days of short and free programmes, afternoon and evening.
sports | 电竞冬季总决赛 | Esports Winter Finals | 电竞总决赛/Esports Finals/总决赛
    | 深圳闪电 Shenzhen Bolt/上海星火 Shanghai Spark | sz-bay | 0.8 | 0.6 | 1 | 13 | 1 | 18:00 | -7
    | y | none | 年度总决赛，冠军之夜。
comedy | 单口喜剧之夜 | Stand-up Comedy Night | 脱口秀/单口喜剧/Stand-up | 大刘 Da Liu/小七 Xiao Qi
    | sh-cmd | 0.55 | 1.0 | 8 | 5 | 7 | 20:00 | -20 | n | flex | 每周六晚，新段子首演。
comedy | 英文脱口秀 Open Mic | English Stand-up Open Mic | English comedy/Open Mic/英文脱口秀
    | Tom Baker/Priya Nair | sh-cmd | 0.3 | 0.6 | 8 | 2 | 7 | 21:00 | -15 | n | none
    | New English-language material every Wednesday. Cash bar.
comedy | 相声专场《笑谈古今》 | Crosstalk Show: Laughing Through History | 相声/笑谈古今/Crosstalk
    | 钱多多 Qian Duoduo/孙乐乐 Sun Lele | bj-cmd | 0.75 | 1.2 | 8 | 4 | 1 | 19:30 | -25 | n | std
    | 传统相声与新编段子。
comedy | 即兴喜剧《今晚谁买单》 | Improv: Who Pays Tonight? | 即兴喜剧/今晚谁买单/Improv
    | 即兴社 Improv Lab | bj-cmd | 0.4 | 0.8 | 8 | 7 | 7 | 20:00 | -20 | n | flex
    | Every show is different: the audience writes the plot.
comedy | 脱口秀大会 深圳巡演 | Talk Show Tour – Shenzhen | 脱口秀/深圳脱口秀/Talk Show Tour
    | 大刘 Da Liu/王小木 Wang Xiaomu | sz-cmd | 0.85 | 1.5 | 6 | 5 | 1 | 19:30 | -10 | y | none
    | 人气脱口秀演员深圳巡演，实名购票。
comedy | 喜剧小品专场《过年好》 | Sketch Comedy: Happy New Year | 过年好/小品专场
    | 开心剧社 Happy Players
    | sz-gt | 0.45 | 0.4 | 8 | 50 | 1 | 19:30 | 9 | n | std | 新春喜剧小品专场，即将开票。
"""

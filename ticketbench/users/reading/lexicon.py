"""The words a reader of ticketing messages listens for, by slot and by speech act.

Patterns run on `text.clean` output (NFKC, casefolded, typos mended). Slot cues are only
looked for inside *question* sentences: an order summary mentions the date, seats and price
without asking about them. Written from how assistants phrase things, not from the
harness's own templates; the labelled corpus in `tests/data/reading/` keeps them honest.
"""

from __future__ import annotations

import re


def rx(*parts: str) -> re.Pattern[str]:
    pattern = "|".join(parts)
    if pattern.startswith("|") or pattern.endswith("|") or "||" in pattern:
        raise ValueError(f"empty alternative (it would match anything) in {pattern[:60]!r}")
    return re.compile(pattern)


CJK_CHAR = re.compile(r"[\u3400-\u9fff]")

# --- slots -------------------------------------------------------------------------------

CLOCK = (  # (not a price: "$12.60")
    r"(?<![\d$¥￥£€])(?<![$¥￥£€]\d)\d{1,2}\s*[:：.]\s*\d{2}|\d{1,2}\s*(?:am|pm)\b|\d{1,2}\s*点"
    r"|(?<![贵早晚快慢多少好宜近远大小高低差全说再稍前后边些间心侧面])[一二两三四五六七八九十]{1,3}点"
)
_WEEKDAY = r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"

MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b"
MONTH = r"\b" + MONTH_NAME + r"\.? \d{1,2}\b"
_NUMBER_EN = r"(?:one|two|three|four|five|six|\d)"
# Cities people buy tickets in: a question naming two asks where ("上海场还是杭州场？").
CITIES = (
    r"北京|上海|广州|深圳|杭州|成都|南京|武汉|西安|重庆|天津|苏州|长沙|厦门|青岛|郑州|沈阳|大连|宁波"
    r"|昆明|合肥|福州|济南|哈尔滨|长春|无锡|佛山|东莞|香港|澳门|台北"
    r"|\b(?:beijing|shanghai|guangzhou|shenzhen|hangzhou|chengdu|nanjing|wuhan|xi'an|chongqing"
    r"|tianjin|suzhou|changsha|xiamen|qingdao|hong kong|macau|taipei)\b"
)
# Cinema chains as people name them (a bare chain name in "A or B?" asks for a cinema).
CHAINS = (
    r"万达|博纳|金逸|百老汇|星轶|大光明|横店|大地影院|中影|耀莱|卢米埃|英皇|上影|寰映|星美|cgv|ume",
    r"\bwanda\b|\bbona\b|\bjinyi\b|\bbroadway\b|\bstarx\b|\bimax theatre\b|\blumiere\b"
    r"|\b(?:vue|odeon|curzon|cineworld|picturehouse|amc|regal|alamo|cinemark|showcase|everyman)\b",
)

# Strong cues decide a sentence's slots; a weak cue (a bare "座位", "cinema", "场次") names a
# slot only when no strong cue does: "您打算哪天去影院？" asks the date, not the cinema.
SLOT_CUES: dict[str, re.Pattern[str]] = {
    "count": rx(
        r"几张|几位|几个人|几人|多少人|多少张|多少位|多少个人|人数|张数|票数|[买要订]几(?![点号])",
        r"几口|几为|几涨",
        r"多少个(?:座位|位子)|几个(?:座位|位子)|[一两二三四五1-5]张还是|还是[一两二三四五1-5]张",
        r"一个人|自己去|自己看|您自己|你自己|就您|就你|单独|独自|一位还是|有朋友|和朋友|跟朋友",
        r"带朋友",
        r"同伴|同行|有人陪|有人一起|还有谁|和谁|跟谁|几个伙伴|带几|其他人|别人一起|还有人|家人一起",
        r"朋友.{0,3}一起|一起去|一起看",
        r"how many|number of (?:tickets|people|seats|guests|persons)|quantity|headcount|head count",
        r"party size|size of (?:your|the) (?:party|group)|how big is|party of",
        r"just (?:you|yourself|for you|the one|one)\b|for yourself|by yourself|on your own",
        r"\balone\b|\bsolo\b|\bplus one\b",
        r"(?:anyone|someone|somebody|anybody|others?)\b.{0,12}"
        r"\b(?:else|with you|join|joining|come|coming)",
        r"(?:friends?|others|partner|family|kids|company|group) (?:be |are |is )?"
        r"(?:joining|coming)",
        r"(?:friends?|others|partner|family|kids|company|group) (?:along|with you)",
        r"(?:going|coming|watching) with|with (?:friends|someone|company|anyone|others|family)",
        r"bringing (?:friends|anyone|someone)|tickets? (?:do|will|would|should) (?:you|i)",
        r"seats? do you need|for how many|" + _NUMBER_EN + r" (?:tickets?|seats?) or " + _NUMBER_EN,
        r"\b" + _NUMBER_EN + r" or " + _NUMBER_EN + r" (?:tickets?|seats?|people)\b",
        r"单人|一人看|只有您|只有你|only (?:you|yourself|one)\b|group size",
        r"size of (?:the|your) group",
        r"ticket count|count of tickets|number in your",
        r"数量|\bqty\b|\bno\. of\b",
    ),
    "date": rx(
        r"哪天|哪一天|哪日|哪号|几号|几月几|日期|星期几|周几|礼拜几|什么时候|啥时候|什么日子",
        r"哪个周|哪个星期|哪个晚上|哪天晚上|哪晚|哪一晚|哪个日子|改天|别的日子|其他日子|另一天",
        r"今天|明天|后天|今晚|明晚|周末|这周|下周|\d{1,2}月\d{1,2}[日号]",
        r"(?:周|星期|礼拜)[一二三四五六日天]",
        r"which (?:day|date|evening|night|weekend)|what (?:day|date|evening|night)",
        r"\bwhen\b|\btoday\b|\btomorrow\b|\btonight\b",
        r"(?:another|other|different|particular|specific|certain|a) day\b|(?<!in )the day\b",
        r"(?<!in )(?:this|that|the) (?:coming )?(?:evening|night)\b"
        r"(?! (?:show|showing|performance|screening|session|one)s?\b)|day of the week|this weekend",
        r"\bthe \d{1,2}(?:st|nd|rd|th)\b",
        r"next week|\bweekend\b|\bweekday\b|\bdate\b|" + _WEEKDAY + "|" + MONTH,
    ),
    "time": rx(
        r"几点|什么时间|啥时间|哪个时间|时间段|时段|早场|午场|晚场|夜场|日场|开场时间|哪个点",
        r"早一点|晚一点",
        r"上午还是|下午还是|(?<!天)晚上还是|白天还是|早点还是|还是晚上|还是下午|还是上午|白天场",
        r"(?:what|which|a good|start|show|preferred|convenient|any) ?time\b|time slot|showtime",
        r"(?:particular|specific|certain) time",
        r"date and time|time and date|day and time|time and day|\bthe time\b",
        r"[、,，和及]时间|时间[、,，和及]|(?:方便|合适|想要|理想|偏好)的?时间",
        r"matinee|earlier or later|later or earlier|\b(?:morning|afternoon|evening|night) or\b",
        r"\b(?:morning|afternoon|evening|late|early|night) (?:show|showing|screening|one|session)",
        r"\bor (?:the )?(?:morning|afternoon|evening|night|late|early)\b|what tiem|o'clock",
        CLOCK,
        r"\b(?:an? |the )?(?:earlier|later) (?:showing|show|screening|one|session)|早一些|晚一些",
        r"早点的|晚点的",
        r"\b(?:around|about|after|before|by) \d{1,2}(?::\d\d)?\b",
        r"\d{1,2}点(?:左右|以后|之后|以前|之前)",
        r"\bearliest\b|how late|\blatest\b|rough time|大概时间|时间说",
    ),
    "which_movie": rx(
        r"电影.{0,4}(?:名字|叫什么)|哪部|哪一部|哪个电影(?!院)|哪个片|什么电影|什么片|哪个影片",
        r"片名|电影名|不止一部|好几部|几部|那部",
        r"《[^》]*》\s*还是|还是\s*《|全名|完整的名字|动画|真人版",
        r"which (?:movie|film|title|picture)|what (?:movie|film|title)|\btitle\b",
        r"exact (?:movie|film|name)|full name of the|name of the (?:movie|film)",
        r"(?:movie|film|title) (?:do|did|would) you|which of (?:these|the) (?:films|movies)",
        r"animated|live-action|the sequel|the original one|\bfilms?\b.{0,40}\bwhich\b",
        r"(?:tell|send|give|share|know)(?: me| us)? (?:the |which )?(?:film|movie|title)\b",
        r"in the mood (?:for|to watch)|what you wanna see|片子|想看的片",
        r"what (?:are you|do you want to|would you like to|you wanna) (?:watch|see)",
        r"what (?:are|do|would) you (?:hoping|planning|want|wanting|like|keen|looking)"
        r" (?:to )?(?:watch|see)\b",
    ),
    "which_event": rx(
        r"哪一?场演唱会|哪个表演|哪场演出|哪个演出|哪场演唱会|哪个演唱会|哪场音乐会|哪个音乐会",
        r"哪场比赛|哪个活动|哪场话剧",
        r"哪个节目|哪部剧|什么演出|什么演唱会",
        r"which (?:event|concert|gig|match|game|play|musical|show is)",
        r"what (?:event|concert|gig|match|game|play|musical)",
        r"哪个乐队|哪个歌手|哪位歌手|哪个艺人|哪位艺人|哪个团",
        r"(?:哪个|哪位).{0,6}的(?:演出|演唱会|表演)",
        r"(?:which|what) (?:\w+\'s )?(?:show|band|artist|singer|performer|act|team)\b(?!ing|time)",
        r"演出名称|活动名称|节目名称|event name|show name|name of the (?:event|show)",
        r"who are you (?:trying|hoping|wanting|going) to see",
        r"who(?:'s| is) the (?:comedian|artist|band|singer|performer|headliner)",
        r"哪支队|哪个队|哪位(?:歌手|艺人|演员)|足球还是篮球|篮球还是足球",
        r"哪(?:个|一个|出|一出)剧(?![院场])|什么剧(?![院场])|哪出戏|谁的(?:演唱会|演出|专场|表演)",
        r"who(?:'s| is) (?:performing|playing|on stage|headlining)|the act'?s name|which act\b",
        r"which production|what production",
    ),
    "cinema": rx(
        r"哪家|哪个影院|哪个电影院|哪个影城|哪个店|哪个门店|哪个分店|哪个场馆|哪座场馆|哪个剧院|哪个剧场",
        r"which (?:cinema|theatre|multiplex|venue|branch)|what cinema|which .{0,12}location",
        *CHAINS,
    ),
    "place": rx(
        r"哪个区|哪一带|离.{0,8}近|在哪(?![天一个场部家排号])|哪里|什么地方|哪儿|住在|方便去|哪边",
        r"哪一边|哪片",
        r"which (?:area|district|part of town)|what area|neighbou?rhood|district",
        r"part of (?:town|the city)",
        r"\bwhere\b",
        r"城市|哪个城|(?:您|你|家|住)(?:大概|现在|目前|一般)?在哪|\bcity\b|\btown\b",
        r"somewhere else|anywhere else|elsewhere|another city|other cities",
        r"zip code|postcode|post code|borough|商圈|哪一片|哪一带",
        r"\bsee it in\b.{0,30}\bor\b",
        r"(?:" + CITIES + r").{0,6}(?:还是|或者|\bor\b)",
        r"(?:还是|或者|\bor\b).{0,6}(?:" + CITIES + ")",
    ),
    "format": rx(
        r"imax|3d|2d|杜比|巨幕|4dx|格式|版本|原声|国语|字幕|厅的类型|特效厅|配音",
        r"dolby|\bformat\b|\bversion\b|subtitle|\bdub\b|dubbed|original (?:language|english)",
        r"screen type|premium screen|mandarin",
        r"cinity|screenx|d-box|\b4d\b|\brpx\b|激光|动感",
        r"open[- ]caption|captioned|audio[- ]described",
        r"sensory[- ]friendly|特效厅",
        r"哪种厅|什么厅|哪个厅|厅的类型|(?:which|what) (?:kind of |type of )?hall|hall type",
    ),
    "seat_pref": rx(
        r"坐哪(?!个?区)|坐在|哪排|第几排|前排|后排|靠前|靠后|中间|正中|靠边|过道|走道|挨着|连座|连号",
        r"座位.{0,6}哪",
        r"一起坐|坐一起|分开坐|情侣座|轮椅|座位.{0,4}(?:要求|偏好|讲究)|(?<!订)单号|双号",
        r"\bodd(?:-numbered)? or even\b|\b(?:odd|even)(?:-numbered)? side\b",
        r"\brows?\b|aisle|middle|cent(?:re|er)\b|\bfront\b|\bback\b|side by side",
        r"(?<!watching )(?<!going )(?<!coming )(?<!watch )(?<!go )(?<!come )together",
        r"\bsit\b|sitting|wheelchair|couple seat|seating(?! area| section)|where .{0,15}seat",
        r"坐(?:前|后|中)|前面还是后面|后面还是前面|银幕|屏幕|next to each other",
        r"(?:close to|near|far from|away from) the screen",
        r"第[一二三四五六七八九十\d]{1,3}排|front row|back row|last row|视野|\bview\b|sightlines?",
    ),
    "zone": rx(
        r"\bwhich (?:stand|tier)\b",
        r"坐.{0,3}哪个?区|哪个区的票",
        r"区域|票档|档位|价位档|看台|内场|外场|前区|后区|vip区|哪档|哪个档|什么档",
        r"\bzones?\b|\bsection\b|\btiers?\b|price (?:level|band|category)|\bstand\b|\bfloor\b",
        r"价位区|价格区|票区|哪一档|seating (?:area|section)",
        # a venue's priced areas by name: levels, stands, standing, boxes
        r"\bstands\b|\bstalls\b|balcony|mezzanine|\bloge\b|box seats?",
        r"(?:dress|upper|grand|royal) circle",
        r"(?:upper|lower|top|ground|first|second|third|1st|2nd|3rd)"
        r" (?:level|tier|deck|bowl|balcony)",
        r"orchestra (?:seats?|level|section|stalls)|\bstanding\b|general admission|\bga\b|\bpit\b",
        r"nosebleeds?|price point|ticket (?:category|class|level)|seated (?:ticket|area|section)",
        r"池座|楼座|包厢|站票|坐票|站区|站席|山顶|[一二三123]层|[一二三123]楼(?![下上])|楼上|楼下",
        r"[那这]档|\d+\s*(?:元|块)?档|普通票|vip票|贵宾票|票种",
        r"离舞台|舞台(?:近|远)|(?:close|closer|near|nearer) (?:to )?the stage|哪(?:个|一个|种)价位",
        r"price (?:bands?|levels?|tiers?)|\bupper deck\b|\bin the gods\b",
        r"(?:which|what) (?:ticket |price )?categor(?:y|ies)\b|哪个类别|哪一类票",
    ),
    "session": rx(
        r"哪一场|哪场|哪个场(?!馆|地)|第几场",
        r"which (?:showing|screening|show|performance)|what (?:showing|screening|performance)",
        r"哪一?场演出|首场|末场|首演|加演|加场|最后一场|第[一二三四五六七八九十\d]场(?!比赛)",
        r"(?:which|what) of (?:the |these |those |[\w]+'s )?(?:two |three |\d )?"
        r"(?:showings|screenings|shows|performances)",
        r"opening[- ]night|\bpreviews?\b|added (?:one|show|performance|date)",
        r"\b(?:first|second|third|last) (?:show|showing|performance|screening)\b"
        r"|\bthe (?:first|second) (?:one )?or the (?:first|second|third|last)\b",
    ),
    "attendees": rx(
        r"观演人|观影人(?!数)|实名|身份证|证件|谁去|谁看|谁来|购票人|谁的名|给谁|谁的|真实姓名",
        r"给别人|帮别人买|给自己买|ticket holder|each guest|name of each|guests?'? names?",
        r"(?:您|你|朋友|他|她|对方|每位|观演人|大家)的(?:名字|姓名)|姓名",
        r"attendee|\bids?\b|name on|names|whose name|for whom|identity|passport",
        r"who (?:will|is|are|'s|would) (?:attend|go|going|coming|watching|be)",
        r"who (?:are|is) the .{0,12}tickets? for|who's going|who is going|who .{0,25} for\?",
        r"for (?:you|yourself)\W{0,2} or (?:for )?someone else|tickets? (?:is|are) for\b",
    ),
    "budget": rx(
        r"预算|价位|多少钱|价钱|价格|贵|便宜|花多少|上限|承受|控制在|多少以内|多少元以内",
        r"budget|price range|how much (?:would|do|are|can|to|you)|spend|\bprice|\bcost",
        r"afford|expensive|pric(?:ey|ier)|cheap|\blimit|the most you|pay per|per ticket",
        r"stay under|keep (?:it )?under|maximum",
        r"票价|\d+\s*(?:元|块)?以(?:内|下)|price limit|under ¥?\d",
        r"\bunder [$¥£]\d|(?:go )?up to [$¥£]\d|\d+的票.{0,6}接受",
    ),
    "payment": rx(
        r"支付方式|付款方式|用什么付|用什么支付|用哪个支付|用哪个付|怎么付|如何付|哪张卡",
        r"哪种(?:方式|支付)|什么方式",
        r"微信|支付宝|余额|银行卡|信用卡|用.{0,4}付|付钱方式",
        r"payment method|pay (?:with|by|using|via)|how (?:would|do|will) you (?:like to )?pay",
        r"which card|(?<!member )(?<!gift )(?<!student )(?<!loyalty )(?<!id )\bcard\b",
        r"wallet|balance|alipay|wechat|how will you pay",
        r"which account|哪个账户|payment come from|pay from",
        r"\bhow\b.{0,30}\bpay\b|(?:怎么|如何|用什么|哪种).{0,6}(?:付|支付)",
        r"行卡|卡付|刷卡|储蓄卡|借记卡|钱包|花呗|分期|全款|installments?|pay in full",
        # what pays the rest ("what should I charge the rest to?", "cover the remaining $21")
        r"\bcharge (?:it|this|that|them|the (?:rest|remainder|balance|difference))? ?to\b",
        r"\bcover (?:the )?(?:rest|remaining|remainder|balance|difference)\b",
        r"\bput (?:it|the rest) on\b",
        r"(?:剩下|剩余|差额|不够)的?(?:部分|钱)?.{0,4}(?:怎么付|用什么|用哪)",
    ),
    "discount": rx(
        r"优惠券|优惠|折扣|券|会员价|打折|红包",
        r"coupon|discount|voucher|promo|member price|offer code",
        r"会员卡|member card|membership",
        r"学生证|学生票|学生价|老人票|儿童票|优惠票|\bstudents?\b|\bseniors?\b|concession",
        r"兑换码|兑换券|优惠码|promo code|gift card|礼品卡",
        r"学生|会员|积分|\brewards?\b|loyalty|\bpoints\b|\b65\+|senior|buy-one-get-one|\bbogo\b",
        r"\b(?:2|two)[- ]for[- ](?:1|one)\b|买一送一|第二张半价",
        r"\ban? .{0,24}\bmember\b|\bmembers?hip\b|\bveterans?\b|\bmilitary\b",
    ),
    "order": rx(
        r"哪个订单|哪一单|哪笔|订单号|哪张票|哪次|哪个预订|哪些票",
        r"which (?:order|booking|tickets|reservation)|order (?:number|id)",
        r"booking (?:reference|number)",
        r"(?:退|改签|换|取消)哪|哪一张票|which ticket\b(?! tier| type| class| categor| count)",
        r"(?:refund|cancel|exchange) which",
        r"\bwhich\b.{0,30}\b(?:refund|cancel|exchange)\b|(?:要?退|改签|取消)的?是哪",
        r"where did you (?:buy|book|get)|哪个平台|which (?:platform|app|site)",
        r"(?:在|从)哪(?:里|儿|个地方)?(?:买|订|下单)的|哪里买的|哪儿买的",
        r"取票码|pickup code\?|what(?:'s| is) your pickup code|confirmation (?:code|email|number)"
        r"|booking ref\b|(?:订单|手机)号?尾号|尾号是多少|email (?:address )?did you"
        r" (?:book|use)",
    ),
}
WEAK_SLOT_CUES: dict[str, re.Pattern[str]] = {
    "cinema": rx(
        r"(?<![这那])(?<![这那]家)(?<![这那]个)(?:影院|影城|电影院|门店|分店)",
        r"(?<!dolby )(?<!this )(?<!that )(?:cinema|theatre|multiplex|\bvenue\b)",
    ),
    "place": rx(r"附近|区域", r"\bnear\b|nearby|close to"),
    "seat_pref": rx(r"座位|位子|选座|位置|座", r"\bseats?\b"),
    "session": rx(r"场次|日场|夜场", r"\bsessions?\b|\bperformances?\b|\bshowing\b"),
    "time": rx(
        r"时间|上午|下午|(?<![今明昨])晚上|早上|中午|傍晚|白天",
        r"(?<!first )(?<!last )(?<!next )(?<!this )\btime\b|\bmorning\b|\bafternoon\b|\bevening\b",
    ),
}
# "Do you mean ...?": the slot is whatever kind of thing the sentence names.
DISAMBIGUATION = rx(
    r"您说的|你说的|您指的|你指的|是指|指的是|您是说|你是说|说的是",
    r"(?:did|do) you mean|you mean\b|are you referring|you're referring|you are referring",
)
# Buying or paying, as against "apply", "use": a go-ahead even when it names a preference.
TRANSACTION = rx(
    r"\bbook|\bbuy|purchase|\bpay\b|check ?out|下单|购买|支付|付款|订票|买", r"付(?:吗|了吧|钱)"
)
# A proposal of one showing ("the 8 pm one", "16:50那场"), not of a day or a part of it.
SPECIFIC = rx(
    CLOCK,
    r"那场|这场|那一场|这一场|《|\bthe\b.{0,25}\b(?:one|showing|show|screening|session)\b",
    r"o'clock|instead|switch|same time|改到|换到|换成|改成|\bthen\?$|那就|就这",
)
# Using something the user holds (a coupon, a card) rather than buying: "我给您用上", "apply it".
APPLY = rx(
    r"用上|用掉|使用|用它|用这张|勾选|\bapply\b|\bredeem\b|\btick\b",
    r"\buse (?:it|this|that|them|one|either|any)\b",
    r"要不要用|用不用|要用吗|用吗|要不要使用|put (?:it|them|this|that) towards",
)
# What tells one showing from another beside its time: a hall, a price, a format.
SHOWING_DETAIL = rx(
    r"厅|¥|￥|\d+\s*元|\bhall\b|imax|3d|dolby|杜比|\$\d|影城|影院|cinemas?\b|theatres?\b", *CHAINS
)
# Kinds of event: "do you mean the jazz concert or the Saturday one?" asks which event.
EVENT_NOUN = rx(
    r"演唱会|音乐会|演出|话剧|音乐剧|脱口秀|专场|比赛|芭蕾|歌剧|相声|livehouse|乐队",
    r"\bconcerts?\b|\bgigs?\b|musical|comedy|\bshows\b|\bplays?\b|ballet|opera|\bband\b",
    r"\bproductions?\b",
)
# "哪几位", "分别是谁": the names of the attendees, not how many.
WHO_EACH = rx(r"哪几位|分别|给别人|someone else")
# A bare "which one?" gets its slot from the options listed around it.
OPTION_SLOT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("order", re.compile(r"订单|\borders?\b|\bbookings?\b|\b[a-z]\d{4,}\b")),
    ("discount", re.compile(r"优惠券|coupons?|vouchers?")),
    (
        "payment",
        re.compile(
            r"微信|支付宝|银行卡|信用卡|储蓄卡|钱包|余额|\bvisa\b|mastercard|\bamex\b|venmo|paypal"
            r"|apple pay|google pay|\bwallet\b|debit card|credit card"
        ),
    ),
    (
        "zone",
        re.compile(
            r"票档|看台|内场|[一二三]等座|vip|\btiers?\b|\bstands?\b(?!-up)|\bfloor\b|\bzones?\b"
            r"|(?:first|second|third)-class|\d+\s*档|price (?:bands?|levels?|categor(?:y|ies))"
            r"|\bsections?\b|池座|楼座|包厢|站票|站区|山顶|价位区|(?<![a-z])[a-h]区|\bstalls\b"
            r"|\b(?:dress |upper |grand )?circle\b|balcony|mezzanine|\bcategor(?:y|ies) \d"
        ),
    ),
    (
        "session",
        re.compile(
            r"场次|\bsessions?\b|\bperformances?\b|(?<!now )\bshowings?\b|\bscreenings?\b"
            r"|首演|首场|加场|加演|末场"
        ),
    ),
    ("cinema", re.compile(r"影城|影院|电影院|cinemas?|theatres?|multiplex|" + "|".join(CHAINS))),
    (
        "which_event",
        re.compile(
            r"演唱会|音乐会|话剧|比赛|相声|喜剧|专场|音乐剧|脱口秀|决赛|巡演|concerts?|\bgigs?\b|musicals?"
            r"|comedy|improv|crosstalk|stand-up|\bgame \d|finals?\b|\btour\b|\bopera\b|\bballet\b"
            r"|symphony|orchestra|\bjazz\b|recital"
        ),
    ),
    ("which_movie", re.compile(r"《[^》]*》|\"[^\"]*\"|\b(?:movie|film)s?\b|电影|影片|片子")),
    (
        "date",
        re.compile(
            r"\d{1,2}月\d{1,2}[日号]|(?<!\d)\d{1,2}[日号]|周[一二三四五六日天]|"
            + _WEEKDAY
            + "|"
            + MONTH
            + r"|\b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b\.?|\b\d{1,2}(?:st|nd|rd|th)\b"
        ),
    ),
    ("time", re.compile(CLOCK)),
    ("seat_pref", re.compile(r"前排|中间|后排|\bfront\b|\bmiddle\b|\bback\b|aisle|过道")),
)

OPTION_CUE = dict(OPTION_SLOT_CUES)

# --- speech acts -------------------------------------------------------------------------

# A sentence asks when it ends in a question mark, or carries one of these.
QUESTION_ZH = rx(
    r"请问|是否|要不要|需不需要|要不|能不能|可不可以|是不是|有没有|行不行|好不好|对不对",
    r"[吗呢么嘛](?:[?？~～。!！\s]*$|[,，])|吧[?？]|(?:可以|好|行|对|是|没问题|成)吧\W*$",
    r"(?:可以|行|好|要|对|是|确定|确认)不\W*$|订不订|买不买|要不要",
    r"哪",
    r"(?<![间前后这那好十到了剩出近])几[张位个点号人月天场排为涨](?!不错|好的|可选|选择|推荐|合适|适合|选项)",
    r"什么|啥|多少|怎么|如何|谁",
    r"还是(?!不|没|无法|一样|老样子|很|太)",
    r"告诉我|说一下|说下|麻烦提供|请提供|请告知|请确认|确认一下|麻烦确认|请补充|发我|给我说",
    r"需要.{0,8}(?:姓名|身份证|证件|信息|号码)|还需要.{0,4}(?:信息|几点|两点)",
)
QUESTION_EN = rx(
    r"^(?:and|also|plus)\b.{0,20}\b(?:which|what|when|where|who|how)\b",
    r"^(?:(?:and|also|plus|so|ok|okay),? )?(?:which|what|when|where|who|whom|whose|how|why|do|does"
    r"|did|is|are|was|were|would|could|can|"
    r"shall|should|will|may|have|has|any)\b(?!'(?:ll|d|ve|m|t)\b)",
    r"let me know|please (?:tell|confirm|specify|advise|clarify|provide|share|choose|pick|select)",
    r"could you (?:tell|confirm|let|clarify|specify|share|give|send)",
    r"can you (?:tell|confirm|let|clarify)|^tell me\b",
    r"\bi need (?:your|the|each|their|his|her|a|an|two|three|some)\b",
    r"i need to know|need you to (?:confirm|tell|pick|choose)|tell me (?:which|what|when|how)",
    r"\bwhich one\b|(?<![,，] )\bwhich\b.{0,40}\b(?:you|prefer|want|like|works?)\b",
    r"\bor\b.{0,30}\?|\bjust checking\b|^(?:pick|choose|select) ",
    r"\b(?:fine|ok|okay|good|alright|cool) (?:with|for|by) you\W*$",
)
# A question offering a choice rather than seeking a yes (or asking for a value).
WH_ZH = rx(
    r"哪",
    r"(?<![间前后这那好十到了剩出近])几[张位个点号人月天场排为涨](?!不错|好的|可选|选择|推荐|合适|适合|选项)",
    r"什么|啥|多少",
    r"怎么(?!样[?？吗呢啊呀]*$)|如何|谁",
    r"还是(?!不|没|无法|一样|老样子|很|太)|或者|或是",
    r"挑一个|选一个|挑哪|选哪",
)
WH_EN = rx(
    r"\b(?:which|when|where|who|whom|whose)\b|\bwhat\b(?! about)|\bhow\b(?! about)",
    r"\bor\b(?! not\b| so\b| anything\b| something\b)|\beither\b|pick one|choose one",
)
# A yes/no question asking to act (buy, pay, go on): a go-ahead even when it names facts.
ACTION = rx(
    r"下单|购买|买下|买吗|订吗|订票|预订|预定|帮您订|帮你订|帮您买|帮你买|为您订|为您下单|为你订",
    r"支付|付款|锁座|锁定|提交|办理|退票|退掉|退款|改签|就订|就买|还要买|还买|出票|抢票|拍下",
    r"shall i|should i|want me to|like me to|go ahead|proceed|\bbook|\bbuy|purchase|\border\b",
    r"\bplace\b|\bpay\b|payment request|reserve|\block\b|\bhold\b|submit|check ?out|finali[sz]e",
    r"refund|cancel|exchange|let's do|take (?:it|them|those|that)|get (?:it|them|those|these)",
    r"直接买|我就(?:帮您)?(?:买|订|下单|付)|这就(?:订|买|下单|付)|帮(?:您|你)(?:付|支付|下单|锁)",
    r"换成|换到|改成",
    r"secure|grab|shall we|退(?:这|那|掉)|要退|订吧|买吧|付吗|^订|^付|pay now|pay\?",
    r"要我|需要我|我来|我帮您|我替您|can i\b|may i\b",
    r"^确认(?:要|用|使用)?.{0,8}(?:支付|付款|付|购买|下单)",
    r"帮(?:您|你)[^，,。？?]{1,8}(?:[?？]|吗)\s*$|取消|turn (?:it|that|this|them) (?:on|off)",
    r"开启|打开|remind|升级|upgrade",
    r"^(?:please )?confirm (?:paying|payment|the payment|purchase|buying|booking|the order)",
)
# A yes/no question to accept a proposal as it stands: "8点那场可以吗？", "Does that work?"
ACCEPT = rx(
    r"可以吗|(?<![偏爱喜])好吗|行吗|行不行|可以不|成吗|没问题吧|ok吗|okay吗|可以吧|好不好",
    r"就这么定|定了吗|定下来|这么定|settled|\bdeal\?|we good\?",
    r"want (?:those|these|that|this|them|it)\b",
    r"does (?:that|this|it) work|work for you|sounds? good|\bwork\?|works\?|suits? you",
    r"is (?:that|this|it) (?:okay|fine|alright)",
    r"\bhow about\b|\bwhat about\b|good to go|all good|\bokay\?|\bok\?|alright\?",
    r"要不要|要不|all right\?|alright\?|that okay\?|that ok\?",
    r"(?:would you like|do you want|how about|want) (?:the|that|this|those|these|it|them)\b",
    r"就这场|就这个|就这家|就这部|(?:那就|就)定|^(?:that|this) one\?|\bthen\?$",
    # acceptability for the user: "is the 7:30 one okay for you?", "对您来说方便吗？"
    r"\b(?:okay|ok|fine|alright|all right|good|convenient|suitable|acceptable|doable)"
    r"(?: (?:for|with|by|to) you)?\W*$|suit (?:you|your)\b",
    r"(?:方便|合适|合您意|满意|接受|能接受)(?:吗|么|不)",
    r"来得及吗|赶得上吗|make it (?:to|in time)|^那就.{0,30}吧|\bit is\?$|\bcool\?",
    r"^(?:want|wanna) (?!me\b)",
)
# A yes/no question to go ahead or to confirm something (or to act: see ACTION).
GO_AHEAD = rx(
    r"下单|购买|买下|买吗|订吗|订票|预订|预定|帮您订|帮你订|帮您买|帮你买|为您订|为您下单|为你订",
    r"支付|付款|继续|确认|确定|锁座|锁定|提交|办理|退票|退掉|退款|改签|就这样|就这个|就它|就订|就买|取消",
    r"升级|upgrade",
    r"可以吗|(?<![偏爱喜])好吗|行吗|可以不|成吗|没问题吧|同意|要吗|要不要|需要我|还要|还买|还需要",
    r"照这个|按这个",
    r"这样可以|这样行|合适吗|满意吗|ok吗|okay吗|试试|考虑",
    r"shall i|should i|want me to|like me to|okay (?:if|to|for me|with)|go ahead|proceed|confirm",
    r"\bbook|\bbuy|purchase|\border\b|\bplace\b|\bpay\b|payment request|reserve|\block\b|\bhold\b",
    r"submit|check ?out|finali[sz]e|refund|cancel|exchange|sounds? good|that work|work for you",
    r"all good|good to go|is (?:that|this|it) (?:okay|fine|alright|all right|right|correct)",
    r"look (?:right|good|okay|correct)|still (?:want|need|like)|go with|continue|move forward",
    r"let's do|take (?:it|them|those|that)|get (?:it|them|those|these)|secure|grab",
    r"want (?:it|them)",
    r"\bhow about\b|\bwhat about\b|happy with|fine with|okay with|alright\b|interested",
)
LIST_ITEM = re.compile(r"(?m)^\s*(?:\d{1,2}[.)、:：]|[-*•·]|[①-⑩]|[a-e][.)]|\(\d\)|（\d）)\s*\S")
INLINE_ITEMS = re.compile(
    r"(?:(?:^|\s|[,，;；:：])(?:\d[.)）、]|\(\d\)|（\d）|\([a-e]\)|（[a-e]）)|[①-⑩])\s*\S"
)
# Closing offers and pleasantries: they end a message without asking anything of substance.
CLOSING = rx(
    r"let me know if (?:you|there)|if you (?:have|need) any|anything else (?:i can|you need|to)",
    r"feel free to|happy to help|enjoy the (?:movie|show|film)|have a (?:great|good|nice)",
    r"还有什么(?:需要|可以|要)|有(?:任何)?(?:问题|需要)(?:随时|的话)|随时(?:告诉|联系|找)我",
    r"祝您观影愉快|观影愉快",
    r"还需要(?:什么|别的|其他)(?:帮助|帮忙|服务)",
    r"(?:anything|something) else\b|(?:别的|其他|其它)(?:帮助|帮忙|服务|需要|事)",
    r"还(?:有|需要)(?:别的|其他|什么)(?:吗|需要)",
    # wishes in general, no slot named ("还有其他要求吗？", "Any special requests?"): what
    # the user wants it has said; a wish it holds back is asked for by name
    r"(?:其他|别的|其它|特别|特殊|另外)的?(?:要求|需求|偏好|想法|讲究|安排)",
    r"\bany (?:other|special|further|additional|more|particular|extra) (?:requirements?"
    r"|requests?|preferences?|needs|wishes)\b|anything (?:else )?(?:i should know|to add)",
    # greetings and small talk
    r"how (?:can|may) i (?:help|assist)|what can i do for you|有什么(?:可以|能|需要)?帮(?:您|你)",
    r"能为(?:您|你)做(?:些)?什么|需要什么帮助|how(?:'s| is| was| are) (?:your|the|you)(?: day| week"
    r"| weekend| evening| doing| going)?\b(?! (?:tickets?|seats?|budget|party|group))",
    r"how have you been|did you (?:like|enjoy|have a good)|(?:心情|最近)(?:怎么样|还好|好吗)",
    r"吃(?:了)?饭了吗|过得(?:怎么样|好吗)",
)
# "还是" is "or" in a question, "still" before a negation ("抱歉，还是不能。")
ALTERNATIVE = rx(
    r"还是(?!不|没|无法|一样|老样子|很|太)|或者|或是",
    r"\bor\b(?! not\b| so\b| anything\b| something\b)|\beither\b",
)

# A request for a value phrased as a command or a yes/no, often with no question mark:
# "Please send me the date.", "Let me know the time.", "把观演人姓名发给我。", "告诉我几点".
REQUEST = rx(
    r"^(?:(?:just|simply|please|kindly|so|ok|okay|now|then),? )*"
    r"(?:send|give|tell|share|provide|enter|type|specify|list|name|pick|choose|select|drop"
    r"|shoot|text|message)"
    r" (?:me|us|your|the|a|an|which|what|how|when|where|who|each|all|one|both)\b",
    r"\bplease (?:send|give|tell|share|provide|enter|type|specify|list|name|pick|choose"
    r"|select|reply|let me know|write|drop)\b",
    r"\blet me know (?:the|your|which|what|how|when|where|who)\b",
    r"\b(?:i'll|i will|i'd|i would) (?:also )?need (?:your|the|to know|each|their|a|an)\b",
    r"(?:请|麻烦|劳烦)(?:您|你)?(?:把|将)?.{0,16}(?:发给我|发我|告诉我|给我|提供|告知|说一下|说下|报一下|报下"
    r"|填|选|回复|输入"
    r"|补充|上传|添加)",
    r"\bplease (?:add|fill in|fill out|upload|enter)\b",
    r"(?:^|[-—–,，]\s*)(?:pick|choose|select) (?:one|any)\b",
    r"(?:选|挑)(?:一个|一下|一场|一家)吧?\s*$",
    r"\b(?:just )?say which\b|\breply (?:with|me) (?:the|your|which|a)\b|回我|回复我|直接回",
    r"^(?:把|将).{0,16}(?:发给我|发我|告诉我|给我)|^(?:告诉我|说下|说一下|说个|发我|给我说)",
    r"(?:发给我|告诉我)一下",
    r"(?:could|can|would) you (?:tell|give|send|share|provide|let me know)|please (?:tell|provide)",
    r"^tell me\b|\bi (?:still |also |just )?need (?:your|the|each|their|his|her|a|an|two|three"
    r"|some|both|all)\b",
    r"let me know|\btell me (?:where|which|what|when|how|who|if)\b",
    r"告诉我|说一下|麻烦提供|请提供|请告知|请补充|需要.{0,12}(?:姓名|身份证|证件|信息|号码)",
    r"需要知道|想知道|need to know|^(?:just )?need (?:the|your|each)\b",
    r"^[^.?!]{2,40}\bplease[.!]?$|(?:发|说|告诉|讲)(?:我|给我)?一下",
)
# A go-ahead asked for without a question: a command ("Reply yes to pay.", "回复“是”即可付款。")
# or a condition ("If that's fine I'll submit the order.", "可以的话我这边提交订单了").
GO_WITHOUT_QUESTION = rx(
    r"\breply (?:with )?\W*(?:yes|ok|okay|confirm|y)\b|\bsay (?:yes|ok|go)\b",
    r"\btype (?:yes|ok|confirm)\b|(?:just )?say the word|give me the (?:go-ahead|green light|ok)",
    r"回复\W{0,2}(?:是|好|确认|可以|ok|yes|1)\W{0,2}(?:即可|就|我就|便|我马上|,|，)",
    r"\bif (?:that's|that is|it's|this is|everything's|everything is|all that's|all is|you're)"
    r" (?:fine|ok|okay|good|correct|right|all good|happy)\b",
    r"^(?:want|would you like|shall|should) (?:me|i) to\b|^(?:shall|should) i\b",
    r"(?:可以|没问题|确认无误|确认|没错|同意)(?:的话)?(?:就|我就|我这边|我马上|请)|说一声|吱一声",
    r"那我(?:就)?(?:下单|付款|订|买|提交|付)了?[哈哦喽啦吧]|unless you (?:say|tell me|object)",
    r"if you don't object|shout if (?:not|you)",
    r"\bif (?:it all|everything(?: above)?|all (?:of )?(?:this|that|the above)|the above|that"
    r"|this|it|all|those|these)(?: all)?\s?(?:looks?|is|are|seems?|sounds?|'s)(?: all)?"
    r" (?:good|fine|ok|okay|right|correct|great)\b",
    r"\breply (?:with )?\W*\w{1,8}\W* (?:to|and i)\b",
    r"let me know if (?:you(?:'d)? (?:want|like)|i (?:should|can)|it's (?:ok|okay|fine)"
    r"|you're happy)"
    r"(?: me)?(?: to)? (?:go ahead|proceed|book|buy|pay|confirm|place|submit|order|lock|grab)",
    r"(?:make sure|confirm|check|double-check)(?: that)? .{0,40}\b(?:is|are) (?:what you want|ok"
    r"|okay|fine|right for you)",
    r"(?:要|需要)(?:我)?(?:下单|付款|支付|订|买)的话.{0,6}(?:告诉我|说一声|回复)",
    r"(?:可以|没问题|确认无误|无误|没错|同意|ok|行)的话.{0,10}(?:我|就|回复|帮您|帮你)",
    r"回复\W{0,2}\w{1,4}\W{0,2}(?:即可|就|我就|便|提交|下单|付款|支付|确认|继续)",
    r"那我.{0,12}(?:下单|付款|付|订|买|提交|扣款)了?[哈哦喽啦吧呀]|(?:确定|确认|同意)(?:以后|之后|后)(?:我就|就)",
    r"\bonce you (?:confirm|say|approve|give)",
    r"\b(?:going ahead|grabbing|booking|getting|locking in) .{0,40}\bthen\b|\btap \W?confirm",
    r"点(?:一)?下.{0,4}确认|点.{0,6}链接(?:付款|支付)|接受的话|ok的话|我(?:就)?提交了[哈哦啦]",
)
# A go-ahead offered as a choice against the user doing it in the app: "要我直接帮你订，还是
# 你自己在App里完成？", "Finish in the app yourself, or shall I book it?".
_ME = r"(?:要我|我(?:来|帮|替|直接|这边)|帮(?:您|你)|由我|替(?:您|你)|为(?:您|你))"
_ACT_ZH = r"(?:订|买|下单|付|支付|完成|操作|办|抢|锁)"
_ME_EN = (
    r"(?:shall i|should i|(?:want|like|need) me to|i (?:can|could|will|'ll)|i do it|me do it"
    r"|let me)"
)
_SELF_EN = r"(?:yourself|on your own|in the app|on the app|via the app|through the app)"
BOOK_OR_SELF = rx(
    _ME + r".{0,10}" + _ACT_ZH + r".{0,14}还是.{0,10}(?:自己|app|小程序|官网)",
    r"(?:自己|app|小程序|官网).{0,16}还是.{0,8}" + _ME,
    _SELF_EN + r".{0,40}\bor\b.{0,12}" + _ME_EN,
    _ME_EN + r".{0,40}\bor\b.{0,40}" + _SELF_EN,
)
# A line that introduces the questions listed under it ("I need two things:", "需要确认两点：").
ASKS_BELOW = rx(
    r"(?:need|questions?|details?|things|information|info)\b[^.?!]*[:：]\s*$",
    r"(?:需要|还需|确认|问下|问一下|想问)[^。？！]*[:：]\s*$",
    r"(?:tell me|let me know|send me|give me|告诉我|发我|发给我|提供|说一下)[^.?!。？！]*[:：]\s*$",
)
# Why a question is asked ("so I can pick seats", "我好帮您选座"): asks nothing itself.
PURPOSE = rx(
    r"\b(?:so (?:that )?i can|so i could|in order to)\b[^,，?？:：]*",
    # (not what is wanted done: "want me to check other showings?", "like to pick seats?")
    r"(?<!\bme )(?<!\bus )(?<!\bwant )(?<!\blike )(?<!\bneed )(?<!\bready )"
    r"\bto (?:find|pick|choose|get|check|look)\b[^,，?？:：]*",
    r"\bwhen you (?:say|said|mention|mentioned)\b[^,，?？:：]*",
    r"(?:为了|我好|好让我|方便我)[^，,？?:：]*",
    r"(?<=[,，])\s*我(?:就|再|来|好)?帮(?:您|你)(?:找|挑|选|查)[^，,？?:：]*",
    r"\band i(?:'ll| will| can)\b[^,，?？:：]*",
    r"\bbefore (?:i|we) (?:check ?out|pay|book|buy|place|submit|finali[sz]e)\b[^,，?？:：]*",
    r"(?:下单|付款|支付|购买|出票|提交)(?:之前|以前|前)[^，,？?:：]*",
)
# Extras beside the tickets (snacks, parking, insurance, a receipt): a question offering one
# asks nothing of the order, whatever else it names ("Snacks for the movie?"), and the user,
# who never asked for one, says no.
EXTRAS = rx(
    r"爆米花|小食|小吃|零食|饮料|饮品|可乐|停车|车位|发票|收据|保险|退票险|周边|纪念品",
    r"popcorn|\bsnacks?\b|\bdrinks?\b|\bsoda\b|\bnachos\b|\bparking\b|\binsurance\b",
    r"\binvoice\b|\breceipt\b|\bmerch(?:andise)?\b|souvenir|\bcombo\b",
)
# Nouns that name a slot and contain an action word ("支付方式" is not "支付").
SLOT_NOUNS = rx(
    r"支付方式|付款方式|订单号|(?<!确认)用[^帮替给为]{0,6}(?:支付|付款|付)",
    r"payment method|order number|order id|(?:付款|支付)(?:走|用)",
    r"pay(?:ing)? (?:from|via|by) (?:your|the)",
)
# Slots of preference: a yes/no question on them asks the preference ("is an aisle seat
# okay?"), where one on what to buy proposes it ("is the 8 pm one okay?").
PREFERENCE_SLOTS = frozenset({"seat_pref", "payment", "budget", "discount", "zone", "format"})

# A pick among things ("which one?", "哪个"): the question's slot may come from what it names.
CHOOSE = rx(
    r"哪个|哪一个|哪一|哪些|哪种|哪类|哪样|选哪|挑|哪部|哪家|哪场|是指|哪[组套对排处边款档批张]",
    r"\bwhich\b|\bpick\b|\bchoose\b|do you mean",
)
# Telling what the assistant will do next ("let me find which cinemas ..."): not a question.
INTENT = rx(
    r"^(?:let me (?!know)|i'll|i will|i'm going to)",
    r"^(?:我先|我来|让我|我去|我(?:帮|给)(?:您|你)(?:查|看|找))",
)
# A sentence spoken to the user ("您打算哪天去", "what day do you want"): without a question
# mark, a long sentence with a question word asks only when it addresses the user.
ADDRESSED = rx(
    r"您|你|请问|请|麻烦|告诉|是否|要不要|吗|呢|(?:可以|好|行|对|是|没问题|成)吧\W*$",
    r"(?:可以|行|好|要|对|是|确定|确认)不\W*$",
    r"\byou\b|\byour\b|please|let me know|tell me|i need",
)

"""The words a reader of ticketing messages listens for, by slot and by speech act.

Patterns run on `text.clean` output (NFKC, casefolded, typos mended). Slot cues are only
looked for inside *question* sentences: an order summary mentions the date, seats and price
without asking about them. Written from how assistants phrase things, not from the
harness's own templates; the labelled corpus in `tests/data/reading/` keeps them honest.
"""

from __future__ import annotations

import re


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


# --- slots -------------------------------------------------------------------------------

_CLOCK = (
    r"\d{1,2}\s*[:：.]\s*\d{2}|\d{1,2}\s*(?:am|pm)\b|\d{1,2}\s*点"
    r"|[一二两三四五六七八九十]{1,3}点"
)
_WEEKDAY = r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"

SLOT_CUES: dict[str, re.Pattern[str]] = {
    "count": _rx(
        r"几张|几位|几个人|几人|多少人|多少张|多少位|多少个人|人数|张数|买几|要几|订几|几口",
        r"一个人|自己去|自己看|您自己|你自己|就您|就你|单独|独自|一位还是|有朋友|和朋友|跟朋友|带朋友",
        r"同伴|同行|有人陪|有人一起|还有谁|和谁|跟谁|几个伙伴|一张还是|两张还是|带几",
        r"how many|number of (?:tickets|people|seats|guests|persons)|quantity|headcount|head count",
        r"party size|size of (?:your|the) (?:party|group)|how big is",
        r"just (?:you|yourself|for you|the one|one)\b|for yourself|by yourself|on your own",
        r"\balone\b",
        r"\bsolo\b|\bplus one\b|anyone (?:else|joining|with you|coming|going)",
        r"(?:anyone|someone|somebody|anybody)\b.{0,12}\b(?:else|with you|join|joining|come|coming)",
        r"(?:friends?|others|partner|family|kids|company|group) (?:joining|coming|along|with you)",
        r"(?:going|coming|watching) with|with (?:friends|someone|company|anyone|others)",
        r"tickets? (?:do|will|would|should) (?:you|i)|seats? do you need|for how many",
    ),
    "date": _rx(
        r"哪天|哪一天|哪日|哪号|几号|几月几|日期|星期几|周几|礼拜几|什么时候|啥时候|什么日子",
        r"哪个周|哪个星期|哪个晚上|哪天晚上|哪晚|哪一晚|哪个日子|改天|别的日子|其他日子|另一天",
        r"(?:今天|明天|后天|今晚|明晚|这周|下周|周末|本周)(?:的)?(?:还是|吗|呢|吧)",
        r"还是(?:今天|明天|后天|今晚|明晚|这周|下周|周末|改天|别的日子|其他日子|另一天|另外一天)",
        r"今天|明天|后天|今晚|明晚|周末|\d{1,2}月\d{1,2}[日号]|(?:周|星期|礼拜)[一二三四五六日天]",
        r"which (?:day|date|evening|night|weekend)|what (?:day|date|evening|night)",
        r"\bwhen\b|\btoday\b|\btomorrow\b|\btonight\b|another day|other day|different day",
        r"day of the week|this weekend|next week|\bdate\b|\bday\b|" + _WEEKDAY,
    ),
    "time": _rx(
        r"几点|什么时间|啥时间|哪个时间|时间段|时段|早场|午场|晚场|夜场|开场时间|哪个点|早一点|晚一点",
        r"上午还是|下午还是|晚上还是|白天还是|早点还是|还是晚上|还是下午|还是上午",
        r"what time|which time|time slot|\btimes?\b|matinee|earlier or later|later or earlier",
        r"\b(?:morning|afternoon|evening|late|early|night) (?:show|showing|screening|one|session)",
        _CLOCK,
    ),
    "which_movie": _rx(
        r"哪部|哪一部|哪个电影|哪个片|什么电影|什么片|哪个影片|片名|电影名|哪个名字|不止一部|好几部|几部",
        r"《[^》]*》\s*还是|还是\s*《",
        r"which (?:movie|film|title|picture)|what (?:movie|film|title)|\btitle\b|全名|完整的名字",
        r"exact (?:movie|film|name)|full name of the|name of the (?:movie|film)",
        r"(?:movie|film|title) (?:do|did|would) you|which of (?:these|the) (?:films|movies)",
    ),
    "which_event": _rx(
        r"哪场演出|哪个演出|哪场演唱会|哪个演唱会|哪场音乐会|哪个音乐会|哪场比赛|哪个活动|哪场话剧",
        r"哪个节目|哪部剧|什么演出|什么演唱会",
        r"which (?:event|concert|gig|match|game|play|musical|performance)",
        r"what (?:event|concert|gig|match|game|play|musical)",
    ),
    "cinema": _rx(
        r"哪家|哪个影院|哪个电影院|哪个影城|哪个店|哪个门店|影院|影城|电影院|门店|分店",
        r"cinema|theatre|multiplex|\bvenue\b|\bbranch\b|which location|what location",
    ),
    "place": _rx(
        r"哪个区|哪一带|附近|离.{0,8}近|在哪|哪里|什么地方|哪儿|住在|方便去|区域方便",
        r"\bwhere\b|which area|what area|neighbou?rhood|district|\bnear\b|nearby|close to",
    ),
    "format": _rx(
        r"imax|3d|2d|杜比|巨幕|4dx|格式|版本|原声|国语|字幕|厅的类型|特效厅",
        r"dolby|\bformat\b|\bversion\b|subtitle|dubbed|original language|screen type",
        r"premium screen",
    ),
    "seat_pref": _rx(
        r"座位|坐哪|坐在|位子|哪排|第几排|几排|前排|后排|中间|正中|靠边|过道|走道|挨着|连座|连号",
        r"一起坐|坐一起|分开坐|选座|情侣座|轮椅|位置",
        r"\bseat|\brows?\b|aisle|middle|cent(?:re|er)\b|\bfront\b|\bback\b|together|side by side",
        r"\bsit\b|sitting",
    ),
    "zone": _rx(
        r"区域|票档|档位|价位档|看台|内场|外场|前区|后区|哪个区|哪一区|vip区",
        r"\bzones?\b|\bsection\b|\btier\b|price (?:level|band|category)|\bstand\b|\bblock\b",
    ),
    "session": _rx(
        r"场次|哪一场|哪场|哪个场|第几场|日场|夜场",
        r"\bsession\b|which (?:showing|screening|show|performance)|what (?:showing|screening)",
    ),
    "attendees": _rx(
        r"观演人|观影人|实名|身份证|证件|谁去|谁看|谁来|购票人|谁的名|给谁|谁的|真实姓名|叫什么名字",
        r"(?:您|你|朋友|他|她|对方|每位|观演人|大家)的(?:名字|姓名)|姓名是",
        r"attendee|\bids?\b|name on|names|whose name|for whom|identity|passport",
        r"who (?:will|is|are|'s|would) (?:attend|go|going|coming|watching|be)",
        r"who (?:are|is) the tickets? for|who's going|who is going",
    ),
    "budget": _rx(
        r"预算|价位|多少钱|价钱|价格|贵|便宜|花多少|上限|承受|控制在|多少以内|多少元以内",
        r"budget|price range|how much (?:would|do|are|can|to|you)|spend|\bprice|\bcost",
        r"afford|expensive|pricey|cheap|limit",
    ),
    "payment": _rx(
        r"支付方式|付款方式|用什么付|用什么支付|用哪个支付|用哪个付|怎么付|如何付|哪张卡|哪种方式付",
        r"微信|支付宝|余额|银行卡|信用卡|用.{0,4}付|付钱方式",
        r"payment method|pay (?:with|by|using|via)|how (?:would|do|will) you (?:like to )?pay",
        r"which card|\bcard\b|wallet|balance|alipay|wechat",
    ),
    "discount": _rx(
        r"优惠券|优惠|折扣|券|会员价|打折|红包",
        r"coupon|discount|voucher|promo|member price|offer code",
    ),
    "order": _rx(
        r"哪个订单|哪一单|哪笔|订单号|哪张票|哪次|哪个预订|哪些票",
        r"which (?:order|booking|tickets|reservation)|order (?:number|id)",
        r"booking (?:reference|number)",
    ),
}
# "Do you mean ...?": the slot is whatever kind of thing the sentence names.
DISAMBIGUATION = _rx(
    r"您说的|你说的|您指的|你指的|是指|指的是|您是说|你是说|说的是",
    r"(?:did|do) you mean|you mean\b|are you referring|you're referring|you are referring",
)
# A bare "which one?" gets its slot from the options listed around it.
OPTION_SLOT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("which_movie", re.compile(r"《[^》]*》|\"[^\"]*\"|\b(?:movie|film)s?\b|电影|影片|片子")),
    ("which_event", re.compile(r"演唱会|音乐会|话剧|比赛|concert|\bgig\b|musical|match\b")),
    ("cinema", re.compile(r"影城|影院|电影院|cinema|theatre|multiplex")),
    ("time", re.compile(_CLOCK)),
    ("date", re.compile(r"\d{1,2}月\d{1,2}[日号]|周[一二三四五六日天]|" + _WEEKDAY)),
    ("zone", re.compile(r"看台|内场|区|zone|section|stand")),
)

# --- speech acts -------------------------------------------------------------------------

# A sentence asks when it ends in a question mark, or carries one of these.
QUESTION_ZH = _rx(
    r"请问|是否|要不要|需不需要|要不|能不能|可不可以|是不是|有没有|行不行|好不好|对不对",
    r"[吗呢么嘛](?:[?？~～。!！\s]*$|[,，])|吧[?？]",
    r"哪|几[张位个点号人月天场排]|什么|啥|多少|怎么|如何|谁|还是",
    r"告诉我|说一下|说下|麻烦提供|请提供|请告知|请确认|确认一下|麻烦确认|请补充|发我|给我说",
)
QUESTION_EN = _rx(
    r"^(?:which|what|when|where|who|whom|whose|how|why|do|does|did|is|are|was|were|would|could|can|"
    r"shall|should|will|may|have|has|any)\b(?!')",
    r"let me know|please (?:tell|confirm|specify|advise|clarify|provide|share|choose|pick|select)",
    r"could you (?:tell|confirm|let|clarify|specify|share)|can you (?:tell|confirm|let|clarify)",
    r"i need to know|need you to (?:confirm|tell|pick|choose)|tell me (?:which|what|when|how)",
    r"\bwhich one\b|\bwhich\b.{0,40}\b(?:you|prefer|want|like|works?)\b",
    r"\bor\b.{0,30}\?|\bjust checking\b",
)
# A question offering a choice rather than seeking a yes (or asking for a value).
WH_ZH = _rx(r"哪|几[张位个点号人月天场排]|什么|啥|多少|怎么|如何|谁|还是|或者|或是")
WH_EN = _rx(
    r"\b(?:which|when|where|who|whom|whose)\b|\bwhat\b(?! about)|\bhow\b(?! about)",
    r"\bor\b(?! not\b| so\b| anything\b| something\b)|\beither\b",
)
# A yes/no question asking to act (buy, pay, go on): a go-ahead even when it names facts.
ACTION = _rx(
    r"下单|购买|买下|买吗|订吗|订票|预订|预定|帮您订|帮你订|帮您买|帮你买|为您订|为您下单|为你订",
    r"支付|付款|锁座|锁定|提交|办理|退票|退掉|退款|改签|就订|就买|还要买|还买|出票|抢票|拍下",
    r"shall i|should i|want me to|like me to|go ahead|proceed|\bbook|\bbuy|purchase|\border\b",
    r"\bplace\b|\bpay\b|payment request|reserve|\block\b|\bhold\b|submit|check ?out|finali[sz]e",
    r"refund|cancel|exchange|let's do|take (?:it|them|those|that)|get (?:it|them|those|these)",
    r"secure|grab|shall we",
)
# A yes/no question to accept something as it stands (or to act: see ACTION).
GO_AHEAD = _rx(
    r"下单|购买|买下|买吗|订吗|订票|预订|预定|帮您订|帮你订|帮您买|帮你买|为您订|为您下单|为你订",
    r"支付|付款|继续|确认|锁座|锁定|提交|办理|退票|退掉|退款|改签|就这样|就这个|就它|就订|就买",
    r"可以吗|好吗|行吗|可以不|成吗|没问题吧|同意|要吗|要不要|需要我|还要|还买|还需要|照这个|按这个",
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
CANNOT = _rx(
    r"无法|不能|没法|没办法|不可以|办不到|做不到|帮不了|买不了|订不了|退不了|改不了|买不到|订不到",
    r"不支持|未能|没能|失败|售罄|卖完|卖光|已满|满座|满了|没票|没有票|无票|余票不足|没有余票|座位不够",
    r"没有.{0,6}(?:座位|场次|票)了|停售|已截止|截止了|已过|过了.{0,8}(?:时间|期限|截止)|未开售",
    r"还没开售|尚未开售|没开售|超出|超过.{0,8}预算|超预算|限购|不可退|不退|不给退|不予退|办理不了",
    r"搞不定|弄不了|处理不了|出不了票|不在售|不再售|已经结束|已结束|不行",
    r"\bcannot\b|can't|can not|couldn't|could not|\bunable\b|not able|wasn't able|weren't able",
    r"\bfailed\b|\bfails?\b|no way to|not possible|impossible|sold out|fully booked|booked up",
    r"\bno (?:more )?(?:seats|tickets|showings|showtimes|availability|sessions)\b",
    r"none left|nothing left|\bunavailable\b|not available",
    r"(?:sales|booking|sale) (?:have |has |are |is )?closed",
    r"has passed|have passed|is past|are past|not (?:yet )?on sale|isn't on sale|aren't on sale",
    r"over (?:your |the )?budget|exceeds?|above your budget|more than your budget",
    r"beyond your budget",
    r"non-?refundable|not refundable|no refunds?\b|can no longer|won't be able|won't work",
    r"i'm afraid|i am afraid|unfortunately|regret(?:tably)?|not allowed|isn't allowed",
    r"not permitted",
    r"doesn't allow|does not allow|out of stock|no luck|didn't go through|did not go through",
    r"wasn't successful|was not successful|gone\b",
)
# Not refusals, though they carry a refusal's words.
NOT_CANNOT = _rx(
    r"can't wait|cannot wait|couldn't be happier|can't go wrong|can't miss|cannot miss|don't miss",
    r"not a problem|no problem|won't be a problem|can't recommend .{0,20} enough",
    r"不能错过|别错过|不容错过|没问题|不客气|无法忘怀|不能再好|不用担心",
    r"if (?:it's|it is|they're|that's) (?:sold out|unavailable|full)",
    r"如果.{0,10}(?:售罄|满了|没票)",
)
# A refusal that says why (a cause, a rule, a state of the world).
REASON = _rx(
    r"因为|由于|所以|因此|已经|售罄|卖完|卖光|满座|已满|截止|停售|已过|过了|未开售|还没开售|开售",
    r"超出|超过|预算|限购|证件|实名|每人|每个|不支持退|座位不够|没有.{0,6}座|余票|规定|规则",
    r"政策|开场|截止时间|时间已|只剩|仅剩|不够|不可退|不退|不给退|不予退|结束",
    r"because|since\b|\bas\b|due to|sold out|fully booked|booked up|closed|cut-?off",
    r"\bpast\b|deadline|not (?:yet )?on sale|on sale|budget|exceed|limit|per id|per person",
    r"non-?refundable|policy|\brules?\b|\bonly\b|\bleft\b|already|started|expired",
    r"too late|\bno (?:more )?(?:seats|tickets)|availability|enough seats|\bfull\b|gone\b",
)
RECOMMEND = _rx(
    r"推荐|建议|不妨|可以考虑|要不试试|更合适|更适合|比较好|首选|值得|性价比|我会选|倒是可以|最划算",
    r"recommend|suggest|i'd go with|i would go with|consider|might (?:like|prefer|enjoy)",
    r"best (?:option|choice|bet|pick|value|deal)|good (?:option|choice|pick|alternative)",
    r"\bworth\b|alternatively|my pick|top pick|better (?:option|choice|seats)|i'd pick",
)
SUMMARY_HEAD = _rx(
    r"订单摘要|订单信息|订单详情|订单确认|确认信息|下单信息|购票信息|订单概要|订单内容",
    r"order summary|\bsummary\b|booking details|order details|here'?s (?:the|your) order",
    r"your order:|order:|booking:",
)
SUMMARY_FIELDS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"总价|合计|共计|总计|实付|应付|小计|金额|总额|票价|¥|￥|\d+\s*元|total|subtotal|"
        r"amount|price|\d+\s*(?:yuan|rmb)"
    ),
    re.compile(r"座位|\d+排\d+|\d{1,2}-\d{1,2}|seats?|row \d+"),
    re.compile(_CLOCK + r"|场次|showing|showtime|screening|session"),
    re.compile(r"\d+\s*张|[一两二三四五六]张|x\s*\d|\d+\s*tickets?|(?:two|three|four) tickets"),
    re.compile(r"影城|影院|cinema|theatre|venue|hall|厅"),
    re.compile(r"支付方式|付款方式|payment|wallet|余额|card|卡"),
)
LIST_ITEM = re.compile(r"(?m)^\s*(?:\d{1,2}[.)、:：]|[-*•·]|[①-⑩]|[a-e][.)]|\(\d\)|（\d）)\s*\S")
INLINE_ITEMS = re.compile(r"(?:^|\s|[,，;；:：])(?:\d[.)、]|[①-⑩]|\(\d\)|（\d）)\s*\S")
# Closing offers and pleasantries: they end a message without asking anything of substance.
CLOSING = _rx(
    r"let me know if (?:you|there)|if you (?:have|need) any|anything else (?:i can|you need|to)",
    r"feel free to|happy to help|enjoy the (?:movie|show|film)|have a (?:great|good|nice)",
    r"还有什么(?:需要|可以|要)|有(?:任何)?(?:问题|需要)(?:随时|的话)|随时(?:告诉|联系|找)我|祝您观影愉快|观影愉快",
    r"还需要(?:什么|别的|其他)(?:帮助|帮忙|服务)",
)
ALTERNATIVE = _rx(r"还是|或者|或是", r"\bor\b(?! not\b| so\b| anything\b| something\b)|\beither\b")

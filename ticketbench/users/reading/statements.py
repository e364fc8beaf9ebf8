"""What a statement does: refuse (with or without why), recommend, sum up an order.

A message that asks nothing is read from its statements (`statement_act`): a refusal is a
class of statements, not a list of phrasings: inability ("I can't", "办不了", "V不了"), a
failure ("didn't go through", "失败"), and unavailability in the world (sold out, booked,
full, ended, expired, not offered, over the budget). A refusal that only says it failed is
`cannot_unexplained`; one that states a fact of the world, or a cause, says why.
`is_summary` tells an order summary by its field lines or by the facts it lists with their
values. Patterns run on `text.clean` output.
"""

from __future__ import annotations

import re
from typing import Literal

from ticketbench.users.reading.lexicon import CHAINS, CLOCK, MONTH, MONTH_NAME, rx

StatementAct = Literal["cannot", "cannot_unexplained", "recommend", "inform"]

CANNOT = rx(
    r"无法|不能|没法|没办法|不可以|办不到|做不到|帮不了|买不了|订不了|退不了|改不了|买不到|订不到",
    r"没成|不支持|未能|没能|失败|售罄|卖完|卖光|已满|满座|满了|没票|没有票|无票|余票不足|没有余票",
    r"座位不够",
    r"没有.{0,10}(?:座位|座|场次|票)了|没有成功|没成功|不成功|出了点问题|出问题了|停售|已截止",
    r"截止了|已过|过了.{0,8}(?:时间|期限|截止)|未开售",
    r"还没开售|尚未开售|没开售|超出|超过.{0,8}预算|超预算|限购|不可退|不退|不给退|不予退|办理不了",
    r"还没开票|未开票|没开票|才开售|didn't succeed|did not succeed|unsuccessful",
    r"(?:haven't|hasn't|have not|has not) (?:gone|been put) on sale|not open yet",
    r"没有找到|没找到|找不到|couldn't find|could not find|didn't find|did not find",
    r"做不了|办不了|已经没有了|都没了|没有了|搞不定|弄不了|处理不了|出不了票|不在售|不再售",
    r"已经结束|已结束|不行",
    r"\bcannot\b|can't|can not|couldn't|could not|\bunable\b|not able|wasn't able|weren't able",
    r"\bfailed\b|\bfails?\b|no way to|not possible|impossible|sold out|fully booked|booked up",
    r"\bno (?:more )?(?:seats|tickets|showings|showtimes|availability|sessions)\b",
    r"(?:sales|booking)\b.{0,25}\bclosed|allow no|no second",
    r"(?:weren't|aren't|isn't|wasn't|not) enough",
    r"\bno (?:other |more )?(?:seats|tickets)\b|(?:is|are|were|was) (?:already |just )?taken",
    r"none left|nothing left|\bunavailable\b|not available",
    r"(?:sales|booking|sale) (?:have |has |are |is )?closed",
    r"has passed|have passed|is past|are past|not (?:yet )?on sale|isn't on sale|aren't on sale",
    r"over (?:your |the )?budget|exceeds?|above your budget|more than your budget",
    r"beyond your budget",
    r"non-?refundable|not refundable|no refunds?\b|can no longer|won't be able|won't work",
    r"i'm afraid|i am afraid|unfortunately|regret(?:tably)?|not allowed|isn't allowed",
    r"not permitted",
    r"doesn't allow|does not allow|out of stock|no luck|didn't go through|did not go through",
    r"wasn't successful|was not successful|(?<!has )(?<!have )gone\b(?! back| to\b| through\b)",
    # Chinese potential negatives ("完成不了", "买不到", "订不上"), sold/booked out, missed
    r"[\u4e00-\u9fff]不(?:了|上|成)(?![解])|[买订抢拿找办]不到|售空|售完|抢光|抢完|被抢|抢走|订满",
    r"约满|满员|没货|断货",
    r"停止(?:售|销售|出售)|没戏|来不及|错过了|没有位置了|没座|没位|已经没|(?:不|没)(?:再)?开放",
    r"关闭了|已关闭|暂停(?:售|销)",
    r"预售还没|还没(?:开始|开抢|上架)|尚未(?:开始|上架)|未上架|没上架|没有开始",
    # English: taken, gone, no longer, not going through, not possible
    r"snapped up|no longer|(?:didn't|did not|doesn't|does not|won't|will not) (?:work|go through)",
    r"(?:isn't|is not|wasn't|was not|aren't|are not) possible|all gone|(?:none|nothing) available",
    r"(?:there (?:are|is|were|was)|we have|i have|has|have) no\b",
    r"(?:aren't|isn't|weren't|wasn't) any",
    r"(?:haven't|hasn't|have not|has not) (?:started|opened|begun)|not (?:open|opened|started)",
    r"(?<!out )too late|already (?:started|begun|closed|over|ended)",
    r"(?:haven't|have not|didn't|did not) book",
    r"\bsorry\b.{0,30}\b(?:not|no|can't|couldn't|won't|didn't|isn't|aren't|wasn't)\b|no can do",
    r"not something i(?:'m| am) able",
    # the world says no: sold, booked, full, ended, expired, withdrawn, not offered
    r"卖出去了|卖没了|全部卖出|坐满|订完|已下架|下架了|过期|失效|已取消的?(?:演出|场次)",
    r"(?:演出|活动|场次|演唱会)(?:已|被)取消",
    r"没有.{0,8}(?:厅|排片|场次|座位|位子|票|演出|放映|优惠)|不卖|不售|不提供|不够|才能用|才可用",
    r"才能使用",
    r"(?:have|has|were|was) (?:all )?(?:been )?sold\b",
    r"(?:completely|totally|fully|all) (?:booked|sold|full)",
    r"\b(?:is|are|'s|'re) (?:already |now |completely )?full\b|has ended|have ended|\bended\b",
    r"expired|called off|cancell?ed by",
    r"(?:show|concert|event|screening|session|showing|performance|match|gig)s? (?:was|were|has been"
    r"|have been|is|are|got) (?:cancell?ed|called off|postponed)",
    r"(?:doesn't|does not|don't|do not|isn't|is not|aren't|are not|won't) (?:have|offer|show"
    r"|showing|screen|screening|sell|selling|support|accept|playing|play|apply|valid|open"
    r"|available)\b",
    r"(?:above|over|exceeds?|more than) (?:the |your )?[¥$]?\d*.{0,20}"
    r"(?:you set|budget|limit|\bmax\b)",
    r"only (?:applies|valid|works|for orders)|applies only",
    r"\bno (?:showings?|screenings?|tickets?|seats?)\b",
    r"(?:所以|因此|就|也)没有?(?:帮您|给您|为您)?(?:下单|订|买|购买)",
    r"went wrong|出错|出了?(?:点)?问题|出现(?:了)?(?:错误|问题)|an error|error occurred",
    r"停止.{0,4}(?:售|销售|出售)|订光|抢光|比(?:您|你)?(?:说|给|定|要|想|预算|的).{0,10}(?:贵|高)",
    r"超出.{0,6}(?:范围|能力)|超过我能",
    r"(?:doesn't|does not|don't|do not) do\b|final sale|\bout of (?:\w+ )?(?:seats|tickets|stock)",
    r"(?:sales?|selling|booking)\b.{0,25}\b(?:stopped|ended|closed)|stopped selling",
    r"allows? (?:at most|only|up to|a maximum)|at most \d+ tickets?|maximum of \d+|beyond what i",
    r"没有.{0,8}位置|只剩单人|\bno (?:two|2)\b.{0,12}together|only single seats",
    r"不可用|查不到|off the table|nothing (?:i|we) can (?:book|buy|find|do)|scattered singles",
    r"won't let (?:me|you)|暂未开放|凑不出|(?:shuts|closes) \d+ (?:minutes|hours)",
)
# Not refusals, though they carry a refusal's words.
NOT_CANNOT = rx(
    r"can't wait|cannot wait|couldn't be happier|can't go wrong|can't miss|cannot miss|don't miss",
    r"not a problem|no problem|won't be a problem|can't recommend .{0,20} enough",
    r"不能错过|别错过|不容错过|没问题|不客气|无法忘怀|不能再好|不用担心",
    r"if (?:it's|it is|they're|that's) (?:sold out|unavailable|full)",
    r"如果.{0,10}(?:售罄|满了|没票)",
    r"(?:少|免|差)不了|不了解|no problem|has no (?:extra |booking |service )?fee",
    r"no (?:extra )?charge",
    r"^(?:注意|提醒|温馨提示|友情提示|小提示)(?:一下|下)?\W.*"
    r"|^(?:(?:please )?note|fyi|reminder|heads up|just so you know)\b.*|支付失败|付款失败",
    r"payment (?:failed|was declined)|(?:支付|付款)没(?:有)?成功",
    r"payment did(?:n't| not) go through",
    r"^(?:退改规则|退票规则|购票须知|规则|refund rules?|rules?|policy)\W.*",
    r"(?:\bno|不提供|没有)\s*(?:parking|停车位?|wi-?fi|cloakroom|lockers?|寄存|电梯|elevator)",
)
# What is still there beside what is not ("上海站售罄，不过广州站还有票"): information, not a
# refusal.
ELSEWHERE = rx(
    r"(?:不过|但是?|可是).{0,16}(?:还有|仍有|有票|有座|可以买)",
    r"\b(?:but|however)\b.{0,30}\b(?:still (?:has|have)|(?:is|are) (?:still )?available)\b",
    r"在放|在映|在上映|(?:is|are) (?:showing|playing) (?:at|in)\b",
    r"(?:不过|但是?).{0,16}开售|\bbut\b.{0,30}\b(?:goes|go|going|is|are) on sale\b",
    # what was done instead ("row 5 was taken, so I went with row 6", "5排满了，给您换成了6排")
    r"\b(?:went|gone|going) with\b|\bopted for\b|\bswitched (?:you |it |them )?(?:to|over)\b",
    r"\bmoved (?:you|it|them) to\b|\b(?:so|instead) i(?:'ve| have)? (?:picked|chose|booked|got"
    r"|grabbed|reserved|held|took|selected)\b|\binstead\W*$",
    r"(?:给|帮|为)(?:您|你)(?:换成|换到|改成|改为|改到|调到|调整为|挑了|选了|订了|改订)"
    r"|(?:换成|改成|改为|调整为|改订)了",
)
# A refusal that says why (a cause, a rule, a state of the world).
REASON = rx(
    r"因为|由于|所以|因此|已经|售罄|卖完|卖光|满座|已满|截止|停售|已过|过了|未开售|还没开售|开售",
    r"超出|超过|预算|限购|证件|实名|每人|每个|不支持退|座位不够|没有.{0,10}座|余票|规定|规则",
    r"政策|开场|截止时间|时间已|只剩|仅剩|不够|不可退|不退|不给退|不予退|结束|不支持|已被",
    r"被.{0,4}(?:买走|订走|占)",
    r"because|since\b|\bas\b|due to|sold out|fully booked|booked up|closed|cut-?off",
    r"\bpast\b|deadline|not (?:yet )?on sale|on sale|budget|exceed|limit|per id|per person",
    r"non-?refundable|policy|\brules?\b|\bonly\b|\bleft\b|already|started|expired",
    r"too late|\bno (?:other |more )?(?:seats|tickets)|availability|enough seats|\bfull\b|gone\b",
    r"停止|stopped|doesn't do|don't do|does not do|no refunds",
    r"taken|(?:doesn't|does not|don't) allow|not allowed|allow no|\bonce\b|no longer",
    r"seats? (?:together|left)",
    r"售空|售完|抢光|抢完|被抢|抢走|订满|约满|满员|没票|没有票|没货|断货|没座|没位|没有位置|开场",
    r"开始|开抢|预售",
    r"snapped up|taken|sold|(?:no|not) (?:seats?|tickets?|showings?)|next to each other|together",
    r"started|begun|on sale|pre-?sale|more than|over|under|each|per\b",
    r"\bwithin\b|\bbefore\b|\bhours?\b|\bminutes?\b|之前|小时|分钟|以内",
    r"上映|排片|没有排|剩下|剩余|分散|单座|不可用|scattered|singles|what's left",
    r"异常|繁忙|服务器|\bserver\b|outage|最多|一个订单|一单",
    r"不适用|不正确|格式|无效|维护|连接|已取票|取过票",
    r"\binvalid\b|not valid|isn't valid|maintenance|(?:is|are) down\b|can't reach|cannot reach",
    r"connect|not supported|isn't supported|aren't supported",
    r"doesn't offer|does not offer|\bended\b|collected|\bso\b",
)
RECOMMEND = rx(
    r"推荐|建议|不妨|可以考虑|要不试试|更合适|更适合|比较好|首选|值得|性价比|我会选|倒是可以",
    r"最划算",
    r"recommend|suggest|i'd go with|i would go with|consider|might (?:like|prefer|enjoy)",
    r"best (?:option|choice|bet|pick|value|deal)|good (?:option|choice|pick|alternative)",
    r"\bworth\b|alternatively|my pick|top pick|better (?:option|choice|seats)|i'd pick",
    r"best (?:spot|seats?|view|place|time)|in my opinion|i think .{0,20}best",
    r"suits? .{0,20}better|better suited|the better deal|better deal|更划算|划算|更好",
    r"go for|lean (?:towards?|toward)|best bet|you'?ll (?:love|enjoy)",
    r"better (?:call|bet|idea|pick)|good (?:shout|call)|i'?d (?:pay|use|go|get|sit|buy)\b",
    r"safe bet|cheapest bet|meant to be seen|personal tip|pro tip|top tip|就够了|可以选",
    r"(?:a lot of|great|so much) fun",
    r"worth (?:it|the|a)|great (?:choice|option|pick)|can't go wrong|i'd say|if i were you",
    r"就选|选(?!好).{0,12}就(?:好|行|对)|最合适|最适合|过瘾|值得|不错的选择|挺不错|强烈|不会错",
    r"错不了",
    r"闭眼",
    r"you'?d (?:probably |really )?(?:enjoy|like|prefer|love)|\bideal\b|perfect for|best for",
    r"the way to go|最好|最理想|理想|效果.{0,4}好|好很多|更值|首推",
    r"sweet spot|i'?d (?:take|choose|book|pick|recommend)|i would (?:take|choose|book)|my choice",
    r"would be (?:better|best|ideal|nicer|a better)|(?:is|'s) (?:better|best) for you",
    r"(?:it's|it is) best|best to\b|definitely (?:see|go|get|try|watch)|must-see|不容错过",
    r"better (?:view|sound|picture|experience|value|spot)|much better|视野.{0,4}好|效果.{0,4}好",
)
SUMMARY_HEAD = rx(
    r"订单摘要|订单信息|订单详情|订单确认|确认信息|下单信息|购票信息|订单概要|订单内容",
    r"order summary|\bsummary\b|booking details|order details|here'?s (?:the|your) order",
    r"quick check|double-check|核对|确认一下订单",
    r"your order:|order:|booking:|order confirmation|to sum up|您的订单|总结一下|核对一下",
    r"订单小结|订单预览|改签信息|退票信息|退款信息|确认一下退|订单已生成|准备这样下单|新的订单",
    r"order preview|exchange details|refund details|confirming the (?:refund|exchange|order)",
    r"^订单[:：]|\n订单[:：]",
    r"about to book|order created|new booking|here are the details|booking summary",
    r"退票已完成|退款已完成|退票成功|改签成功|出票成功|购票成功|支付完成|下单成功",
    r"refund (?:done|complete)|exchange done|tickets issued|order placed|booked!|all set!",
    r"已为您锁定|为您锁定|已锁定|held for you|on hold for you|i've held|reserved for you",
    r"已帮您下单|已为您下单|已下单",
)
SUMMARY_FIELDS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"总价|合计|共计|总计|实付|应付|小计|金额|总额|票价|[¥￥$£€]\s*\d|\d+\s*元|total|subtotal|"
        r"amount|\d+\s*(?:yuan|rmb|dollars|bucks)|[一二两三四五六七八九十百千]{2,}\s*(?:元|块)"
    ),
    re.compile(r"座位|[a-z\d]+排\s?\d+|\d+座|\d{1,2}-\d{1,2}|seats?\s?:|seats? [a-z]?\d|row \d+"),
    re.compile(CLOCK + r"|场次|showing|showtime|screening|session"),
    re.compile(
        r"\d+\s*张|[一两二三四五六]张|[x×]\s*\d|\b\d\s*[x×]\s|\d+\s*tickets?"
        r"|(?:two|three|four) tickets"
    ),
    re.compile(r"影城|影院|cinema|theatre|venue|hall|厅|" + "|".join(CHAINS)),
    re.compile(r"支付方式|付款方式|payment|wallet|余额|card|卡|微信|支付宝|wechat|alipay|paypal"),
    # a day in figures, a zone, the attendees, an order number
    re.compile(r"\d{1,2}月\d{1,2}[日号]|\d{1,2}/\d{1,2}\b|" + MONTH + r"|\b\d{1,2} " + MONTH_NAME),
    re.compile(
        r"看台|内场|前区|后区|[一二]等座|vip|池座|楼座|\bfloor\b|\bstands?\b|first-class|zone|section"
        r"|\btier\b|\bblock \d|\bstalls\b|mezzanine|\bcircle\b|balcony"
    ),
    re.compile(r"观演人|观影人|attendees?"),
    re.compile(
        r"订单号?[:：]?\s*[a-z]{0,3}\d{3,}|\border(?: no\.?)?[:：]?\s*#?\s*[a-z]{0,3}\d{3,}"
        r"|\b[a-z]\d{4,}\b|取票码|pickup code"
    ),
)
# The names of an order's fields ("影片：…", "Seats: …"): a list of them is an order summary,
# not a list of options ("VIP内场：¥1880" is an option with its price).
FIELD_NAME = re.compile(
    r"^\W*(?:影片|电影|片名|影院|影城|电影院|场馆|场次|时间|日期|开场|座位|座|票档|区域|观演人|观影人|实名"
    r"|合计|总计|总价|共计|金额|实付|应付|票价|单价|价格|数量|张数|票数|演出|活动|节目|支付方式|付款方式|优惠"
    r"|movie|film|title|cinema|theatre|venue|hall|date|time|when|showing|session|showtime|seats?"
    r"|zone|tier|section|attendees?|names?|total|amount|price|subtotal|quantity|tickets?|event"
    r"|show|concert|payment|discount|coupon|原场次|新场次|差价|状态|old|new|difference|status)"
    r"\s?[:：]\s*\S"
)

# A refusal that only says it failed or cannot (no fact of the world, no cause).
GENERIC_FAIL = rx(
    r"无法|不能|没法|没办法|不可以|办不到|做不到|帮不了|[办做弄搞处理完成]不[了定到成]|买不了",
    r"订不了",
    r"退不了|改不了|未能|没能|失败|没有?成功|不成功|没成|出了点问题|出问题了|不行|没有?下成",
    r"\bcannot\b|can't|can not|couldn't|could not|\bunable\b|not able|wasn't able|weren't able",
    r"\bfail(?:ed|s)?\b|didn't (?:work|succeed|go through)|did not (?:work|succeed|go through)",
    r"won't (?:work|happen|be able)|not (?:going to )?(?:possible|happen)|isn't possible|no way",
    r"impossible|went wrong|not something i can|can't be done|no luck|not work out|didn't work out",
    r"出错|出了?(?:点)?问题|出现(?:了)?(?:错误|问题)|an error|error occurred",
    r"[帮下买订办做弄搞处理完成]不[了上定到成]|超出.{0,6}(?:范围|能力)|超过我能|beyond what i",
    r"(?:won't|will not) be possible|no can do|not something i(?:'m| am) able",
)


def statement_act(statements: str) -> StatementAct:
    """What the statements of a message that asks nothing do."""
    plain = NOT_CANNOT.sub(" ", statements)
    if CANNOT.search(plain) and not (ELSEWHERE.search(plain) and not GENERIC_FAIL.search(plain)):
        # a cause beside the bare failure ("超过我能处理的范围" is the failure itself)
        if REASON.search(GENERIC_FAIL.sub(" ", plain)) or not GENERIC_FAIL.search(plain):
            return "cannot"  # a cause, or a fact of the world ("这家影院没有IMAX厅")
        return "cannot_unexplained"
    if RECOMMEND.search(statements):
        return "recommend"
    return "inform"


# A row of a two-column table, "| Seats | Row M, 14–15 |": a field and its value.
_FIELD_ROW = re.compile(r"^\s*\|\s*([^|]{1,20}?)\s*\|\s*([^|]*\S)\s*\|?\s*$")


def as_field(line: str) -> str:
    """A two-column table row as a field line ("seats: row m"); any other line as it is."""
    m = _FIELD_ROW.match(line)
    return f"{m.group(1)}: {m.group(2)}" if m else line


def is_summary(cleaned: str) -> bool:
    """An order summary: a block of an order's fields ("Seats: …" lines, or the rows of a
    two-column table), facts of an order under a head ("订单摘要"), or many facts with
    their values (a price in figures, seat numbers, a clock time, a count, a venue, a
    payment method)."""
    if sum(1 for ln in cleaned.splitlines() if FIELD_NAME.match(as_field(ln))) >= 3:
        return True
    fields = sum(1 for pattern in SUMMARY_FIELDS if pattern.search(cleaned))
    return (SUMMARY_HEAD.search(cleaned) is not None and fields >= 2) or fields >= 4

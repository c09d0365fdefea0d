"""What a typed date phrase becomes before the grammar reads it: one spelling
for each word (lower case, half-width digits, numbers as digits, Simplified
Chinese), and Chinese said in the grammar's English words ("下周二" → "next
tue"), so both languages share one grammar (`when_grammar`).

A Chinese word with no English here is left as it is, and the grammar then
refuses the phrase naming it: nothing is dropped on the way."""

from __future__ import annotations

import re
from collections.abc import Callable

from workbench.i18n import english_ordinal

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_FULL_WIDTH = str.maketrans("０１２３４５６７８９：，．　～／", "0123456789:,. ~/")
# Traditional forms of the characters the Chinese rules know, so 週二 reads as 周二.
_SIMPLIFIED = str.maketrans(
    "週點後個兩這禮號時鐘現當間從過幾聽內", "周点后个两这礼号时钟现当间从过几听内"
)

_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
_TENS = r"(?P<tens>twenty|thirty|forty|fifty)[\s-]+"
_ONES = "|".join(word for word, value in _NUMBERS.items() if value < 10)
_ORDINAL_ONES = "|".join(word for word, value in _ORDINALS.items() if value < 10)


def _words_to_digits(text: str) -> str:
    """'twenty one' → '21', 'third' → '3rd', 'thirty first' → '31st'."""
    text = re.sub(
        rf"\b{_TENS}(?P<ones>{_ORDINAL_ONES})\b",
        lambda m: english_ordinal(_NUMBERS[m["tens"]] + _ORDINALS[m["ones"]]),
        text,
    )
    text = re.sub(
        rf"\b{_TENS}(?P<ones>{_ONES})\b",
        lambda m: str(_NUMBERS[m["tens"]] + _NUMBERS[m["ones"]]),
        text,
    )
    text = re.sub(
        r"\b(" + "|".join(_ORDINALS) + r")\b", lambda m: english_ordinal(_ORDINALS[m[1]]), text
    )
    return re.sub(r"\b(" + "|".join(_NUMBERS) + r")\b", lambda m: str(_NUMBERS[m[1]]), text)


def normalize(text: str) -> str:
    """One spelling for the grammar: lower case, digits, single spaces."""
    text = text.translate(_FULL_WIDTH).translate(_SIMPLIFIED).strip().lower()
    text = re.sub(r"^(\d{4}-\d{1,2}-\d{1,2})(?:t|-(?=\d{1,2}:)|(?=\d{1,2}:))", r"\1 ", text)
    text = re.sub(r"(\d),(\d)", r"\1.\2", text)  # 0,5 hours
    text = re.sub(r"([a-z])\.", r"\1", text)  # a.m., tu., sept.
    text = re.sub(r"\b([ap]) m\b", r"\1m", text)  # "3 p m"
    text = re.sub(r"o'?clock", "oclock", text)
    text = re.sub(r"(\d)ish\b", r"\1", text)  # 3ish, 150ish
    text = text.replace("&", " and ").replace("'", "")
    text = re.sub(r"[,!?。！？()]", " ", text)
    text = _words_to_digits(text)
    months = "|".join(MONTHS)
    text = re.sub(rf"(\d)({months})", r"\1 \2", text)  # 14april
    text = re.sub(rf"\b({months})(\d)", r"\1 \2", text)  # feb13
    return re.sub(r"\s+", " ", text).strip(" .")


# --- Chinese ------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_WEEKDAYS = {
    "一": "mon",
    "二": "tue",
    "三": "wed",
    "四": "thu",
    "五": "fri",
    "六": "sat",
    "日": "sun",
    "天": "sun",
}
NUM = r"[0-9]+|[零〇一二两三四五六七八九十]+"
_WEEK = r"(?:周|星期|礼拜)"
_DAY_OF_WEEK = rf"{_WEEK}(?P<d>[一二三四五六日天])"
_PART = r"(?P<part>凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|今晚|夜里|夜间|半夜|深夜)?"


def cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:  # 十 10, 十二 12, 二十 20, 二十五 25
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    value = 0
    for char in text:
        value = value * 10 + _CN_DIGITS[char]
    return value


_CN_UNITS = {
    "天": "days",
    "日": "days",
    "周": "weeks",
    "星期": "weeks",
    "礼拜": "weeks",
    "月": "months",
    "年": "years",
    "季度": "quarters",
    "小时": "hours",
    "钟头": "hours",
    "分钟": "minutes",
    "分": "minutes",
}
_CN_UNIT = r"(?P<unit>天|日|周|星期|礼拜|月|年|季度|小时|钟头|分钟)"
_LATER = r"(?:以后|之后|后)"
_WITHIN = r"(?:以内|之内|内)"
_PARTS = {
    "凌晨": "early morning",
    "清晨": "morning",
    "早上": "morning",
    "早晨": "morning",
    "上午": "morning",
    "中午": "noon",
    "午后": "afternoon",
    "下午": "afternoon",
    "傍晚": "evening",
    "晚上": "evening",
    "今晚": "tonight",
    "夜里": "night",
    "夜间": "night",
    "半夜": "night",
    "深夜": "night",
}
_NIGHT = ("晚上", "今晚", "夜里", "夜间", "半夜", "深夜")


def _cn_hour(m: re.Match[str]) -> str:
    """'下午3点半' → ' afternoon 3:30 ': the part of the day stays a word, so the
    grammar sets the half of the day as it does for English. Without a part,
    hours 1–6 are the afternoon ('3点' in business hours)."""
    part, hour = m["part"] or "", cn_number(m["hour"])
    if hour == 12 and part in _NIGHT:
        return " midnight "  # 夜里12点: the midnight that ends the day
    if m["half"]:
        minutes = 30
    elif m["quarter"]:
        minutes = 15 if m["quarter"] == "一刻" else 45
    else:
        minutes = cn_number(m["min"]) if m["min"] else 0
    if not part and 1 <= hour <= 6:
        hour += 12
    if part == "中午" and hour < 6:
        hour += 12
    words = "" if part == "中午" else _PARTS.get(part, "")
    return f" {words} {hour}:{minutes:02d} "


def _cn_clock(m: re.Match[str]) -> str:  # 下午3:15
    words = "" if m["part"] == "中午" else _PARTS.get(m["part"] or "", "")
    return f" {words} {m['clock']} "


def _cn_amount(text: str) -> str:
    if text.endswith("个半") or text.endswith("半"):
        whole = text.removesuffix("半").removesuffix("个")
        return f"{cn_number(whole) + 0.5:g}" if whole else "0.5"
    return str(cn_number(text.removesuffix("个")))


def _cn_month(text: str) -> str:
    month = cn_number(text)
    return MONTHS[month - 1] if 1 <= month <= 12 else f"month{month}"  # refused later


def _cn_date(m: re.Match[str]) -> str:
    year = f" {cn_number(m['year'])}" if m.groupdict().get("year") else ""
    return f" {_cn_month(m['month'])} {cn_number(m['day'])}{year} "


def _cn_year(text: str | None) -> str:
    if not text:
        return ""
    return " next year" if text[0] in "明下" else f" {text.removesuffix('年')}"


def _the(m: re.Match[str]) -> str:  # 5号 → the 5th
    return f"the {cn_number(m['day'])}th"


def _every(m: re.Match[str]) -> str:
    count = m["n"] and _cn_amount(m["n"])
    if m["unit"] == "季度":
        return f" every {3 * int(float(count or 1))} months "
    return f" every {count or 1} {_CN_UNITS[m['unit']]} "


_EDGES = {"底": "end", "末": "end", "初": "beginning", "中": "middle"}
_RuleText = str | Callable[[re.Match[str]], str]
CN_RULES: tuple[tuple[str, _RuleText], ...] = (
    (r"[至到~—–-]+", " to "),
    (r"的|许|左右|(?<=[点时])(?:钟|整|多钟?)", " "),  # 3点钟, 8点整, 8点许: the hour itself
    (rf"(?P<a>{NUM})(?=(?:\s*to\s*)(?:{NUM})[点时])", lambda m: f"{m['a']}点"),  # 9~12点
    (r"(?P<a>[一二三四五六七八九])(?=[二三四五六七八九十]点)", r"\g<a>点 to "),  # 七八点
    (r"每半年", " every 6 months "),
    (r"每个?月的?(?:最后一天|月底|月末)", " every month on the last day "),
    (r"(?:下个?|下一个?)月(?:底|末)", " end of next month "),
    (r"每(?:个|一个)?(?:周|星期|礼拜)?工作日|工作日", " every weekday "),
    (rf"每(?:个|一个)?{_DAY_OF_WEEK}", lambda m: f" every {_CN_WEEKDAYS[m['d']]} "),
    (r"每(?:个|一个)?周末", " every weekend "),
    (rf"每(?:隔)?(?:(?P<n>{NUM}个?半?|半)个?)?{_CN_UNIT}", _every),
    (rf"(?P<n>(?:{NUM})个?半?|半个?)?一?刻钟?{_LATER}", " in 15 minutes "),
    (
        rf"(?P<n>(?:{NUM})个?半|半个?|(?:{NUM})个?){_CN_UNIT}{_LATER}",
        lambda m: f" in {_cn_amount(m['n'])} {_CN_UNITS[m['unit']]} ",
    ),
    (
        rf"(?P<n>(?:{NUM})个?半|半个?|(?:{NUM})个?){_CN_UNIT}{_WITHIN}",
        lambda m: f" within {_cn_amount(m['n'])} {_CN_UNITS[m['unit']]} ",
    ),
    (
        rf"(?:未来|接下来的?|下|后)(?P<n>{NUM})个?{_CN_UNIT}",
        lambda m: f" next {cn_number(m['n'])} {_CN_UNITS[m['unit']]} ",
    ),
    (
        rf"(?P<year>\d{{4}}|[零〇一二三四五六七八九]{{4}})年(?P<month>{NUM})月(?P<day>{NUM})[日号]?",
        _cn_date,
    ),
    (
        rf"(?P<year>\d{{4}}|[零〇一二三四五六七八九]{{4}})年(?P<month>{NUM})月份?",
        lambda m: f" {_cn_month(m['month'])} {cn_number(m['year'])} ",
    ),
    (rf"(?:明年|下一?年)(?P<month>{NUM})月份?", lambda m: f" {_cn_month(m['month'])} next year "),
    (
        rf"(?P<month>{NUM})月份?\s*第(?P<n>{NUM})个?{_DAY_OF_WEEK}",
        lambda m: f" {cn_number(m['n'])}th {_CN_WEEKDAYS[m['d']]} of {_cn_month(m['month'])} ",
    ),
    (
        rf"(?:本|当|这个?)月\s*第(?P<n>{NUM})个?{_WEEK}",
        lambda m: f" the {cn_number(m['n'])}th week of this month ",
    ),
    (
        rf"(?:下个?|下一个?)月\s*第(?P<n>{NUM})个?{_WEEK}",
        lambda m: f" the {cn_number(m['n'])}th week of next month ",
    ),
    (
        rf"(?P<year>\d{{4}}年|明年|下一?年)?(?P<month>{NUM})月份?\s*第(?P<n>{NUM})个?{_WEEK}",
        lambda m: (
            f" the {cn_number(m['n'])}th week of {_cn_month(m['month'])}{_cn_year(m['year'])} "
        ),
    ),
    (
        r"(?P<month>1[0-2]|[1-9])/(?P<day>\d{1,2})[日号]",
        lambda m: f" {_cn_month(m['month'])} {int(m['day'])} ",
    ),
    (rf"(?P<month>{NUM})月份?(?P<day>{NUM})[日号]", _cn_date),
    (rf"(?P<month>{NUM})月份?(?P<day>[0-9]+)", _cn_date),  # 十月31
    (rf"(?:下个?|下一个?)月(?P<day>{NUM})[日号]", lambda m: f" {_the(m)} of next month "),
    (rf"(?:本|这个?|当)月(?P<day>{NUM})[日号]", lambda m: f" {_the(m)} of this month "),
    (rf"(?P<day>{NUM})[日号]", lambda m: f" {_the(m)} "),
    (
        rf"(?P<month>{NUM})月份?月?(?P<edge>底|末|初|中)",
        lambda m: f" {_EDGES[m['edge']]} of {_cn_month(m['month'])} ",
    ),
    (
        rf"(?P<month>{NUM})月份?(?![0-9零〇一二两三四五六七八九十])",  # 八月十五 may be lunar: left
        lambda m: f" in {_cn_month(m['month'])} ",
    ),
    (rf"{_PART}(?P<clock>\d{{1,2}}:\d{{2}})", _cn_clock),
    (
        rf"{_PART}(?P<hour>{NUM})[点时](?:(?P<half>半)|(?P<quarter>一刻|三刻)|(?P<min>{NUM})分?)?",
        _cn_hour,
    ),
    (
        rf"下下个?{_WEEK}(?P<d>[一二三四五六日天])",
        lambda m: f" {_CN_WEEKDAYS[m['d']]} of the week after next ",
    ),
    (
        rf"(?:下个?|下一个?){_WEEK}{_WEEK}?(?P<d>[一二三四五六日天])",
        lambda m: f" next {_CN_WEEKDAYS[m['d']]} ",
    ),
    (
        rf"(?:这个?|本|今){_WEEK}(?P<d>[一二三四五六日天])",
        lambda m: f" {_CN_WEEKDAYS[m['d']]} of this week ",
    ),
    (rf"{_DAY_OF_WEEK}", lambda m: f" {_CN_WEEKDAYS[m['d']]} "),
    (r"(?:这|本)个?周末", " this weekend "),
    (r"下个?周末", " next weekend "),
    (r"周末", " weekend "),
    (r"今晚|今天晚上|当晚", " tonight "),
    (r"白天|全天", " daytime "),
    (r"|".join(sorted(_PARTS, key=len, reverse=True)), lambda m: f" {_PARTS[m[0]]} "),
    (r"大大后天", " in 4 days "),
    (r"大后天", " in 3 days "),
    (r"后天", " in 2 days "),
    (r"明天|明日|听日|次日", " tomorrow "),
    (r"今天|今日|本日", " today "),
    (r"现在|此刻", " now "),
    (r"下下个?(?:周|星期|礼拜)", " the week after next "),
    (r"(?:下个?|下一个?)(?:周|星期|礼拜)", " next week "),
    (r"(?:这个?|本)(?:周|星期|礼拜)", " this week "),
    (r"(?:下个?|下一个?)月", " next month "),
    (r"(?:本|这个?|当)月", " this month "),
    (r"月底前?|月末", " end of month "),
    (r"明年|下一?年", " next year "),
    (r"下个?季度", " next quarter "),
)


_CN_COMPILED = tuple((re.compile(pattern), repl) for pattern, repl in CN_RULES)
CJK = re.compile(r"[\u3400-\u9fff]")


def from_chinese(phrase: str) -> str:
    """Chinese in the grammar's English words; characters no rule knows stay."""
    if not CJK.search(phrase):
        return phrase
    for pattern, repl in _CN_COMPILED:
        phrase = pattern.sub(repl, phrase)
    return re.sub(r"\s+", " ", phrase).strip()

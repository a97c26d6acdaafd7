"""The written forms of dates and how each is read: the primitive under ``dates.find_dates`` and the
metadata readers (a 成文日期 under a signature, the date of a 题注).

``read_dates`` reads every date mention of a text outside the spans given;
``find_full_date`` the first full date (year, month and day) outside the text's
document numbers; ``parse_date`` one full date. The kinds and values are those
``pipeline.dates`` describes: 2017年3月13日 -> 2017-03-13 (date), 2017年底 -> 2017-12
(month), 十三五 -> 2016/2020 (period), 年内 -> the document's year (relative).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import NamedTuple

from pipeline.docnumber import find_doc_numbers
from pipeline.loader import data_json
from pipeline.model import DateMention, Span
from pipeline.numbers import unit_at
from pipeline.numerals import cn_to_int, width_folder

# one-to-one folds so that offsets stay valid: ２０１７ -> 2017
_fold = width_folder("０１２３４５６７８９－．／", "0123456789-./")

_S = r"[ \t\u3000]?"  # a layout space the cleanup left: 2023 年 (淮安 reports)
# a year: 2017, 二〇一七 (digit by digit); not the tail of a longer number
_Y = r"(?<![\d.\-/])(?:19|20)\d\d(?!\d)|(?<![〇○零一二三四五六七八九十])[〇○零一二三四五六七八九]{4}"
# a month: 3, 03, 12, 三, 十二
_M = r"1[0-2](?!\d)|0?[1-9](?!\d)|十[一二]?|[一二三四五六七八九]"
# a day: 13, 1, 三十一, 十三, 二十
_D = r"3[01](?!\d)|[12]\d(?!\d)|0?[1-9](?!\d)|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
# a two-digit year, only before a month or a part of the year: 19年底, 15年3月2日, 九七年一季度
_YY = r"(?<![\d.\-/])\d\d(?!\d)|(?<![〇○零一二三四五六七八九十])[〇○零一二三四五六七八九]{2}(?![〇○零一二三四五六七八九])"
# how many months or quarters: 前三季度, 前两个季度, 前十一个月, 后三月
_N = r"十[一二]?|[一二两三四五六七八九]|1[0-2]|[1-9]"
# what may follow a bare year: 年底 / 年末 -> December, 年初 / 伊始 -> January (not 年初步), halves,
# quarters (第三季度, 首季度, 前三季度), the first or last months (前五个月, 后三月), 年度
_QUAL = (
    r"(?P<qual>年?(?:底|末)|年?初(?!步)|年?伊始|上半年|下半年|第?[一二三四1-4]季度|首季度|首月"
    rf"|前(?:{_N})个?季度|[前后](?:{_N})个?月(?!份)|度)"
)
# The characters a year and a month open with. Each date regex opens with a
# lookahead for its first character: its own checks look behind, which makes
# the regex engine try them at every position of the text; the lookahead
# lets it pass over the others three times faster.
_Y_FIRST = "0-9〇○零一二三四五六七八九"  # 0-9: two-digit years (07年第三季度)
_M_FIRST = "0-9十一二三四五六七八九"


def _opening(first: str, pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled behind a lookahead for ``first``, the characters every match opens with."""
    return re.compile(f"(?=[{first}])(?:{pattern})")


# 2017年3月13日, 二〇一七年三月十三日, 2017年3月, 2017年7月下旬, 2017年底, 2017年, 19年底
_CN_DATE = (
    rf"(?P<y>{_Y}|{_YY}){_S}年(?:{_S}(?P<m>{_M}){_S}月(?:{_S}(?P<d>{_D}){_S}[日号]|(?P<xun>[上中下]旬))?|{_QUAL})?"
)
CN_DATE = _opening(_Y_FIRST, _CN_DATE)
# 2017-03-13, 2017.3.13, 2017/3/13 (the separator repeats)
_NUMERIC_DATE = (
    r"(?<![\d.\-/])(?P<y>(?:19|20)\d\d)(?P<sep>[-./])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])(?![\d.\-/])"
)
NUMERIC_DATE = _opening("12", _NUMERIC_DATE)
_SEP = r"[ \t\u3000]?(?:[-—–―~～]{1,2}|至|到)[ \t\u3000]?"
# 2016—2018年, 2016年至2018年, 2017-2030 (bare: checked by _bare_range_ok)
_YEAR_RANGE = rf"(?<![\d.\-/])(?P<y1>(?:19|20)\d\d){_S}(?P<n1>年)?{_SEP}(?P<y2>(?:19|20)\d\d)(?!\d)(?:{_S}(?P<n2>年))?"
YEAR_RANGE = _opening("12", _YEAR_RANGE)
# 2017年3月至6月, 2017年3月1日—2018年6月30日, 2017年3月—2018年6月
_DATE_RANGE = (
    rf"(?P<y1>{_Y}|{_YY}){_S}年{_S}(?P<m1>{_M}){_S}月(?:{_S}(?P<d1>{_D}){_S}[日号])?{_SEP}"
    rf"(?:(?P<y2>{_Y}|{_YY}){_S}年{_S})?(?P<m2>{_M}){_S}月(?:{_S}(?P<d2>{_D}){_S}[日号])?"
)
DATE_RANGE = _opening(_Y_FIRST, _DATE_RANGE)
# days of one month: 2019年4月12-19日, 2018年12月九号到十五号
_DAY_RANGE = (
    rf"(?P<y>{_Y}|{_YY}){_S}年{_S}(?P<m>{_M}){_S}月{_S}(?P<d1>{_D}){_S}[日号]?{_SEP}(?P<d2>{_D}){_S}[日号]"
)
DAY_RANGE = _opening(_Y_FIRST, _DAY_RANGE)
# 2020-05-26至2020-05-29, 2020.5.26—2020.5.29, 1999.08-2002.02, 2008.03-2009 (a year and month
# only with . or /: 2008-03-2009 reads both ways)
_ND = r"(?P<{0}y>(?:19|20)\d\d)(?:(?P<{0}s>[-./])(?P<{0}m>1[0-2]|0?[1-9])(?:(?P={0}s)(?P<{0}d>3[01]|[12]\d|0?[1-9]))?)?"
_NUMERIC_RANGE = (
    rf"(?<![\d.\-/]){_ND.format('a')}{_SEP}{_ND.format('b')}(?![\d.\-/%万亿元])"
)
NUMERIC_RANGE = _opening("12", _NUMERIC_RANGE)
# 2017年3—5月, 2017年3月至5月 is DATE_RANGE's
_MONTH_RANGE = rf"(?P<y>{_Y}){_S}年{_S}(?P<m1>{_M}){_SEP}(?P<m2>{_M}){_S}月"
MONTH_RANGE = _opening(_Y_FIRST, _MONTH_RANGE)
# 3月13日, 3月底, 6月份, 6月上旬, 12月月底 with no year before them (the 成文日期 gives it);
# not 每年3月, 个月
_MONTH_DAY = (
    rf"(?<![\d〇○零一二三四五六七八九十年月每个第])(?P<m>{_M}){_S}月"
    rf"(?:{_S}(?P<d>{_D}){_S}[日号]|(?P<qual>月?底|月?末|初|份|上旬|中旬|下旬))"
)
MONTH_DAY = _opening(_M_FIRST, _MONTH_DAY)
# 2016、2017年: the first year of an enumeration has no 年 of its own
_ENUM_YEAR = rf"(?<![\d.\-/])(?P<y>(?:19|20)\d\d)(?=[、，,和及与]{_S}(?:(?:19|20)\d\d[、，,和及与])*(?:19|20)\d\d{_S}年)"
ENUM_YEAR = _opening("12", _ENUM_YEAR)
# the five-year plans: 十三五, “十四五”, 第十三个五年规划; 十五 / 九五 / 二十五 only quoted or
# before 规划/时期…, since bare they are numbers (第十五届, 二十五个)
_PERIOD = (
    r"(?<![一二三四五六七八九十〇第])(?P<n>十[一二三四六七八九]|十|九|二十)五(?![一二三四五六七八九十〇个年万亿元%％人岁号条章点倍分次届期级])"
    r"|第(?P<n2>[一二三四五六七八九十]{1,3})个五年(?:规划|计划)"
)
PERIOD = _opening("十九二第", _PERIOD)
# a date of the Chinese calendar: 农历八月二十三, 1991年农历8月23号, 正月十五, 腊月初十, 闰四月,
# 五月廿二; read as lunar only with a sign of it (农历/阴历, 闰, 正月/冬月/腊月, 初五, 廿二)
_LUNAR_DAY = r"初(?:十|[一二三四五六七八九]|\d(?!\d))|廿[一二三四五六七八九]?|卅|三十|" + _D
_LUNAR = (
    rf"(?:(?P<y>{_Y}|{_YY}){_S}年|(?P<ry>{{rel}}))?{_S}(?P<lu>农历|阴历)?(?:(?P<y2>{_Y}){_S}年)?"
    rf"(?P<leap>闰)?(?P<m>正|冬|腊|{_M}){_S}月(?:(?P<d>{_LUNAR_DAY})[日号]?)?"
)


def _lunar_regex() -> re.Pattern[str]:
    return _relative().lunar


def _rel_date_regex() -> re.Pattern[str]:
    return _relative().rel_date


# a relative year with a month, day or part after it: 今年六月, 明年3月份, 去年3月3号, 今年1-6月,
# 今年前三季度, 去年年底, 明年初
_REL_DATE = (
    rf"(?P<ry>{{rel}}){_S}(?:(?P<m>{_M})(?:{_SEP}(?P<m2>{_M}))?{_S}月"
    rf"(?:{_S}(?P<d>{_D}){_S}[日号]|(?P<mq>份|月?底|月?末|上旬|中旬|下旬))?"
    rf"|{_QUAL})"
)
_PLAN_SUFFIX = re.compile(r"[”\"’]|(?:规划|计划|时期|期间|末|初|以来)")


class RelativeRules(NamedTuple):
    """``data/date_relative.json``, read once: the relative words and years and what rules them out."""

    words: re.Pattern[str]  # every relative word, the years among them: 年内, 上半年, 明年…
    values: dict[str, str]  # word -> ISO template: 年底 -> {Y}-12, 明年 -> {Y+1}
    years: dict[str, int]  # relative year -> offset: 明年 -> 1, 前年 -> -2
    not_after: str  # characters before a word that make it part of another: 每年, 三年内
    not_before: dict[str, tuple[str, ...]]  # what may not follow a word or a mention ending in it: 年初预算
    two_digit_not_after: tuple[str, ...]  # words that make 15年 a length of time: 缴费满15年3月
    lunar: re.Pattern[str]  # _LUNAR with the relative years
    rel_date: re.Pattern[str]  # _REL_DATE with the relative years


@lru_cache(maxsize=1)
def _relative() -> RelativeRules:
    raw = data_json("date_relative.json")
    years: dict[str, int] = raw["years"]
    # a relative year is a word of its own too: 明年 -> {Y+1}
    values: dict[str, str] = {**{y: f"{{Y{n:+d}}}" if n else "{Y}" for y, n in years.items()}, **raw["words"]}
    rel = "|".join(re.escape(w) for w in sorted(years, key=len, reverse=True))
    return RelativeRules(
        words=re.compile("|".join(re.escape(w) for w in sorted(values, key=len, reverse=True))),
        values=values,
        years=years,
        not_after=raw["not_after"],
        not_before={k: tuple(v) for k, v in raw["not_before"].items()},
        two_digit_not_after=tuple(raw["two_digit_year_not_after"]),
        lunar=_opening(_Y_FIRST + "农阴闰正冬腊" + _M_FIRST + "".join(w[0] for w in years), _LUNAR.replace("{rel}", rel)),
        rel_date=_opening("".join(w[0] for w in years), _REL_DATE.replace("{rel}", rel)),
    )


# how far a two-digit year may lie from the document's: 98年 in a 2017 document is 1998, 35年
# in a 2021 one neither 1935 nor (a guess) 2035
TWO_DIGIT_YEARS_BACK, TWO_DIGIT_YEARS_AHEAD = 40, 10


def _year(s: str, doc_year: int | None = None) -> int | None:
    """1991, 二〇一七; a two-digit year (19, 九七) in the century that puts it within
    ``TWO_DIGIT_YEARS_BACK`` years before and ``TWO_DIGIT_YEARS_AHEAD`` after the document's
    year, and None without one or outside that window."""
    y = cn_to_int(s) if len(s) > 2 else None
    if len(s) == 2:
        yy = cn_to_int(s)
        if yy is None or doc_year is None:
            return None
        near = [c for c in (1900 + yy, 2000 + yy) if -TWO_DIGIT_YEARS_BACK <= c - doc_year <= TWO_DIGIT_YEARS_AHEAD]
        return near[0] if near else None
    return y if y is not None and 1900 <= y <= 2100 else None


def _year_at(text: str, m: re.Match[str], group: str, doc_year: int | None) -> int | None:
    """``_year`` of a match's group, and None for a two-digit number after a word of duration (缴费满15年3月)."""
    s = m.group(group)
    if len(s) == 2 and text[: m.start(group)].endswith(_relative().two_digit_not_after):
        return None
    return _year(s, doc_year)


def _count(s: str) -> int | None:
    """前两个季度 -> 2, 前十一个月 -> 11."""
    return cn_to_int(s)


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    """Give 2017, 2017-03 or 2017-03-13; None for a month or day that does not exist."""
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    if not 1 <= d <= calendar.monthrange(y, m)[1]:
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _qualified(y: int, qual: str) -> tuple[str, str] | None:
    """Apply what follows 2017年: 底 -> 2017-12, 上半年 -> 2017-01/2017-06, 前三季度 -> 2017-01/2017-09, 度 -> 2017."""
    if qual.endswith(("底", "末")):
        return f"{y}-12", "month"
    if qual.endswith(("初", "伊始", "首月")):
        return f"{y}-01", "month"
    if qual == "上半年":
        return f"{y}-01/{y}-06", "range"
    if qual == "下半年":
        return f"{y}-07/{y}-12", "range"
    m = re.fullmatch(r"([前后])(.+?)个?(季度|月)", qual)
    if m:
        n = _count(m.group(2))
        months = n * 3 if n and m.group(3) == "季度" else n
        if not months or months > 12:
            return None
        if m.group(1) == "前":
            return f"{y}-01/{y}-{months:02d}", "range"
        return f"{y}-{13 - months:02d}/{y}-12", "range"
    if qual.endswith("季度"):
        q = 1 if qual == "首季度" else cn_to_int(qual.strip("第季度")) or 1
        return f"{y}-{3 * q - 2:02d}/{y}-{3 * q:02d}", "range"
    return f"{y}", "year"


def _xun(y: int, m: int, xun: str) -> str | None:
    """A third of a month: 上旬 -> days 1-10, 中旬 11-20, 下旬 21 to the end."""
    if not 1 <= m <= 12:
        return None
    first, last = {"上旬": (1, 10), "中旬": (11, 20)}.get(xun, (21, calendar.monthrange(y, m)[1]))
    return f"{y:04d}-{m:02d}-{first:02d}/{y:04d}-{m:02d}-{last:02d}"


def _bare_range_ok(text: str, m: re.Match[str]) -> bool:
    """A range without 年 is a date only in brackets or before punctuation: （2017-2030）.

    2000-2050万元 is money; 2017-2030 before 年 or in （） is a span of years.
    """
    if m.group("n1") or m.group("n2"):
        return True
    after = text[m.end() : m.end() + 1]
    return not after or not (after.isdigit() or "\u4e00" <= after <= "\u9fff" or after in "%％.")


def parse_date(text: str) -> str | None:
    """Read one full date (year, month and day) to ISO.

    Args:
        text: 2017年3月13日, 二〇一七年三月十三日, 2017.3.13, 2017-03-13, 2023 年 5 月 8 日;
            text around it (2017年3月13日印发) is ignored.

    Returns:
        ``"2017-03-13"``, or None when ``text`` holds no complete, valid date
        (2017年3月 is no full date).
    """
    folded = _fold(text)
    for m in CN_DATE.finditer(folded):
        if m.group("d"):
            y = _year(m.group("y"))
            iso = _iso(y, cn_to_int(m.group("m")), cn_to_int(m.group("d"))) if y else None
            if iso:
                return iso
    for m in NUMERIC_DATE.finditer(folded):
        iso = _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if iso:
            return iso
    return None


def read_dates(text: str, doc_year: int | None = None, skip: Sequence[Span] = ()) -> list[DateMention]:
    """Read every date mention of a text outside the spans ``skip``, in text order.

    Args:
        text: e.g. 郑政办〔2017〕30号 2017年3月13日印发, 年内完成.
        doc_year: the 成文日期's year (2017): relative words (年内) and year-less
            months (3月底) are resolved against it, and skipped when it is None.
        skip: spans no mention may overlap: the text's document numbers, whose
            years are no dates (〔2017〕).

    Returns:
        ``[DateMention(text="2017年3月13日", value="2017-03-13", kind="date", span=(…)),
        DateMention(text="年内", value="2017", kind="relative", span=(…))]``.
    """
    folded = _fold(text)
    taken = bytearray(len(text))  # characters already read: document numbers, then dates
    for s, e in skip:
        taken[s:e] = b"\x01" * (e - s)
    found: list[DateMention] = []

    def add(start: int, end: int, value: str | None, kind: str) -> None:
        if value is None or any(taken[start:end]):
            return
        taken[start:end] = b"\x01" * (end - start)
        found.append(DateMention(text=text[start:end], span=(start, end), value=value, kind=kind))

    for finditer, read in _READERS:
        for m in finditer(folded):
            got = read(folded, m, doc_year)
            if got:
                start, end, value, kind = got
                add(start, end, value, kind)
    return sorted(found, key=lambda d: d.span)


def find_full_date(text: str) -> tuple[str, Span] | None:
    """Find the first full date (year, month and day) in ``text``, as ISO with its span.

    Args:
        text: 二〇一七年三月十三日 / 2017年3月13日印发 / 2017.3.13

    Returns:
        ("2017-03-13", (0, 10)) or None. Years inside the text's document numbers
        (郑政办〔2017〕30号) are no dates.
    """
    for d in read_dates(text, None, [span for span, _ in find_doc_numbers(text)]):
        if d.kind == "date":
            return d.value, d.span
    return None


# --- readers: (text, match, doc year) -> (start, end, value, kind) or None ------

Read = Callable[[str, re.Match[str], int | None], tuple[int, int, str | None, str] | None]


def _read_date_range(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    y1 = _year_at(text, m, "y1", doc_year)
    y2 = _year_at(text, m, "y2", doc_year) if m.group("y2") else y1
    if y1 is None or y2 is None:
        return None
    d1 = cn_to_int(m.group("d1")) if m.group("d1") else None
    d2 = cn_to_int(m.group("d2")) if m.group("d2") else None
    a = _iso(y1, cn_to_int(m.group("m1")), d1)
    b = _iso(y2, cn_to_int(m.group("m2")), d2)
    if not a or not b or b < a:
        return None
    return m.start(), m.end(), f"{a}/{b}", "range"


def _read_month_range(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    y = _year(m.group("y"))
    a = _iso(y, cn_to_int(m.group("m1"))) if y else None
    b = _iso(y, cn_to_int(m.group("m2"))) if y else None
    if not a or not b or b <= a:
        return None
    return m.start(), m.end(), f"{a}/{b}", "range"


def _read_year_range(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    if not y1 < y2 <= y1 + 100 or not _bare_range_ok(text, m):
        return None
    return m.start(), m.end(), f"{y1}/{y2}", "range"


def _read_day_range(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    y = _year_at(text, m, "y", doc_year)
    month = cn_to_int(m.group("m"))
    a = _iso(y, month, cn_to_int(m.group("d1"))) if y else None
    b = _iso(y, month, cn_to_int(m.group("d2"))) if y else None
    if not a or not b or b <= a:
        return None
    return m.start(), m.end(), f"{a}/{b}", "range"


def _read_numeric_range(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    sides = []
    for k in "ab":
        sep, month, day = m.group(f"{k}s"), m.group(f"{k}m"), m.group(f"{k}d")
        if sep == "-" and day is None:
            return None  # 2008-03-2009: a month or a dash?
        sides.append(_iso(int(m.group(f"{k}y")), int(month) if month else None, int(day) if day else None))
    a, b = sides
    if not m.group("as") or not a or not b or b <= a or (m.group("bs") and m.group("as") != m.group("bs")):
        return None  # 2017-2030 is YEAR_RANGE's
    if unit_at(text, m.end()):
        return None  # 面积2015.6-2020.8平方米: decimals with a unit, no months
    return m.start(), m.end(), f"{a}/{b}", "range"


def _read_cn_date(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    y = _year_at(text, m, "y", doc_year)
    if y is None:
        return None
    two_digit = len(m.group("y")) == 2
    if m.group("qual"):
        got = _qualified(y, m.group("qual"))
        if got is None or (two_digit and got[1] == "year"):
            return None
        return m.start(), m.end(), got[0], got[1]
    if m.group("m"):
        month = cn_to_int(m.group("m"))
        if m.group("xun"):
            value = _xun(y, month or 0, m.group("xun"))
            return (m.start(), m.end(), value, "range") if value else None
        day = cn_to_int(m.group("d")) if m.group("d") else None
        iso = _iso(y, month, day)
        if iso:
            return m.start(), m.end(), iso, "date" if day else "month"
    if two_digit:
        return None  # 24年: a duration as often as a year
    # 2017年 alone, or a month that does not exist: the year as written
    end = m.start() + text[m.start() :].index("年") + 1
    return m.start(), end, f"{y}", "year"


def _read_rel_date(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    """今年六月, 明年3月份, 去年3月3号, 今年前三季度, 去年年底, 明年初, resolved against the 成文日期."""
    if doc_year is None or not _rel_year_ok(text, m) or not _rel_end_ok(text, m):
        return None
    y = doc_year + _relative().years[m.group("ry")]
    if m.group("qual"):
        got = _qualified(y, m.group("qual"))
        if got is None or got[1] == "year":
            return None  # 今年度, 上年度: the words file's
        return m.start(), m.end(), got[0], "relative"
    month = cn_to_int(m.group("m"))
    if m.group("m2"):  # 今年1-6月
        if m.group("d") or (m.group("mq") and m.group("mq") != "份"):
            return None
        a, b = _iso(y, month), _iso(y, cn_to_int(m.group("m2")))
        value = f"{a}/{b}" if a and b and a < b else None
    elif m.group("mq") and m.group("mq").endswith("旬"):
        value = _xun(y, month or 0, m.group("mq"))
    else:
        value = _iso(y, month, cn_to_int(m.group("d")) if m.group("d") else None)
    return (m.start(), m.end(), value, "relative") if value else None


_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}
# a recurrence right before a date: 每年正月十五, 每逢农历初一, 每到腊月
_RECURRING = re.compile(r"每(?:年|逢|到|个)?(?:的)?$")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _rel_year_ok(text: str, m: re.Match[str], word: str | None = None) -> bool:
    """A relative year that stands as a word: not 每年, not 当前年度 (前年), not 今后年均 (后年)."""
    before = text[m.start() - 1] if m.start() else ""
    if before and before in _relative().not_after:
        return False
    return not ((word or m.group("ry")) in ("前年", "后年") and before and _is_cjk(before))


def _rel_end_ok(text: str, m: re.Match[str]) -> bool:
    """What follows a relative mention may not make it a term: 年初预算, 今年年初预算, 上年末结转资金."""
    said = m.group()
    for word, blocked in _relative().not_before.items():
        if said.endswith(word) and any(text.startswith(x, m.end()) for x in blocked):
            return False
    return True


def _read_lunar(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    """农历八月二十三, 正月十五, 腊月初十: the lunar year, month and day as written, kind lunar.

    Only with a sign of the lunar calendar (农历, 闰, 正月/冬月/腊月, 初五, 廿二); the year is
    the one written, or the 成文日期's.
    """
    day = m.group("d") or ""
    if not (m.group("lu") or m.group("leap") or m.group("m") in _LUNAR_MONTHS or day.startswith(("初", "廿", "卅"))):
        return None
    if _RECURRING.search(text, max(0, m.start() - 3), m.start()):
        return None  # 每年正月十五, 每逢农历初一: every year, no one date (as 每年3月底前 is none)
    if m.group("m") in "正冬" and not (m.group("lu") or m.group("y") or m.group("y2") or m.group("ry") or day):
        if m.start() > 0 and _is_cjk(text[m.start() - 1]):
            return None  # 真正月收入, 今冬月份: no month of the lunar calendar
    if m.group("ry"):
        if not _rel_year_ok(text, m):
            return None
        y = doc_year + _relative().years[m.group("ry")] if doc_year is not None else None
    elif m.group("y") or m.group("y2"):
        y = _year_at(text, m, "y" if m.group("y") else "y2", doc_year)
    else:
        y = doc_year
    month = _LUNAR_MONTHS.get(m.group("m")) or cn_to_int(m.group("m"))
    if day.startswith("初"):
        d = cn_to_int(day[1:])
    elif day:
        d = cn_to_int(day)
    else:
        d = None
    if y is None or month is None or not 1 <= month <= 12 or (day and (d is None or not 1 <= d <= 30)):
        return None
    start = m.start("lu") if m.group("lu") and not (m.group("y") or m.group("ry")) else m.start()
    value = f"{y:04d}-{month:02d}" + (f"-{d:02d}" if d else "")
    return start, m.end(), value, "lunar"


def _read_numeric(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    value = _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return (m.start(), m.end(), value, "date") if value else None


def _read_enum_year(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    return m.start(), m.end(), m.group("y"), "year"


def _read_period(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    n = cn_to_int(m.group("n") or m.group("n2"))
    if n is None or n < 3:
        return None
    if m.group("n") and (n < 11 or n > 19):
        # 十五, 九五, 二十五: a plan only when quoted or followed by 规划 / 时期
        quoted = m.start() > 0 and text[m.start() - 1] in '“"‘'
        if not (quoted or _PLAN_SUFFIX.match(text, m.end())):
            return None
    start = 1966 + 5 * (n - 3)  # the third plan began in 1966, the sequence is regular since
    return m.start(), m.end(), f"{start}/{start + 4}", "period"


def _read_month_day(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    if doc_year is None:
        return None
    month = cn_to_int(m.group("m"))
    if m.group("d"):
        value = _iso(doc_year, month, cn_to_int(m.group("d")))
        return (m.start(), m.end(), value, "date") if value else None
    if m.group("qual") and m.group("qual").endswith("旬"):
        value = _xun(doc_year, month or 0, m.group("qual"))
        return (m.start(), m.end(), value, "range") if value else None
    value = _iso(doc_year, month)
    return (m.start(), m.end(), value, "month") if value else None


def _read_relative(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    if doc_year is None:
        return None
    word = m.group()
    if not _rel_year_ok(text, m, word) or not _rel_end_ok(text, m):
        return None
    # {Y} is the document's year, {Y+1} / {Y-1} the years around it
    value = re.sub(r"\{Y([+-]\d+)?\}", lambda t: str(doc_year + int(t.group(1) or 0)), _relative().values[word])
    return m.start(), m.end(), value, "relative"


def _find_relative(text: str) -> Iterator[re.Match[str]]:
    """Relative words (年内, 上半年…) by the pattern built from the data file on first use."""
    return _relative().words.finditer(text)


# longest, most specific first: a lunar date before the solar readers, a range before its
# years, a date before its year
_READERS: tuple[tuple[Callable[[str], Iterator[re.Match[str]]], Read], ...] = (
    (lambda t: _lunar_regex().finditer(t), _read_lunar),
    (NUMERIC_RANGE.finditer, _read_numeric_range),
    (DAY_RANGE.finditer, _read_day_range),
    (DATE_RANGE.finditer, _read_date_range),
    (MONTH_RANGE.finditer, _read_month_range),
    (YEAR_RANGE.finditer, _read_year_range),
    (lambda t: _rel_date_regex().finditer(t), _read_rel_date),
    (CN_DATE.finditer, _read_cn_date),
    (NUMERIC_DATE.finditer, _read_numeric),
    (ENUM_YEAR.finditer, _read_enum_year),
    (PERIOD.finditer, _read_period),
    (MONTH_DAY.finditer, _read_month_day),
    (_find_relative, _read_relative),
)

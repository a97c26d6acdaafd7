"""Dates: every date mention of a 公文, resolved to ISO 8601.

Kinds and values:

- ``date``: 2017年3月13日, 二〇一七年三月十三日, 2017.3.13, 2017-03-13 -> 2017-03-13;
  3月13日 (no year) -> the 成文日期's year;
- ``month``: 2017年3月, 2017年底 -> 2017-03, 2017-12;
- ``year``: 2017年, 2017年度 -> 2017;
- ``range``: 2016—2018年, 2017-2030 (bare, in brackets or before punctuation),
  2017年3月至6月, 2018年上半年 -> 2016/2018, 2017-03/2017-06, 2018-01/2018-06;
- ``period``: the five-year plans, 十三五 -> 2016/2020, 十四五 -> 2021/2025;
- ``relative``: 年内, 全年, 今年, 明年, 上半年, 年底… resolved against the 成文日期
  (words in ``data/date_relative.json``).

Without a 成文日期 (``doc_date=None``) relative words and year-less month/day
mentions (3月底) are skipped: their value would be a guess.

Years inside document numbers (郑政办〔2017〕30号, 国家税务总局公告2018年第31号)
are not date mentions. Years inside titles in 《》 are: they are dates as
written, and scorers treat them as optional.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from pipeline.docnumber import DATA, find_doc_numbers
from pipeline.model import DateMention
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
# what may follow a bare year: 年底 / 年末 -> December, 年初 -> January (not 年初步), halves, quarters, 年度
_QUAL = r"(?P<qual>年?(?:底|末)|年?初(?!步)|上半年|下半年|第?[一二三四1-4]季度|度)"
# The characters a year and a month open with. Each date regex opens with a
# lookahead for its first character: its own checks look behind, which makes
# the regex engine try them at every position of the text; the lookahead
# lets it pass over the others three times faster.
_Y_FIRST = "12〇○零一二三四五六七八九"
_M_FIRST = "0-9十一二三四五六七八九"


def _opening(first: str, pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled behind a lookahead for ``first``, the characters every match opens with."""
    return re.compile(f"(?=[{first}])(?:{pattern})")


# 2017年3月13日, 二〇一七年三月十三日, 2017年3月, 2017年底, 2017年
_CN_DATE = rf"(?P<y>{_Y}){_S}年(?:{_S}(?P<m>{_M}){_S}月(?:{_S}(?P<d>{_D}){_S}[日号])?|{_QUAL})?"
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
    rf"(?P<y1>{_Y}){_S}年{_S}(?P<m1>{_M}){_S}月(?:{_S}(?P<d1>{_D}){_S}日)?{_SEP}"
    rf"(?:(?P<y2>{_Y}){_S}年{_S})?(?P<m2>{_M}){_S}月(?:{_S}(?P<d2>{_D}){_S}日)?"
)
DATE_RANGE = _opening(_Y_FIRST, _DATE_RANGE)
# 2017年3—5月, 2017年3月至5月 is DATE_RANGE's
_MONTH_RANGE = rf"(?P<y>{_Y}){_S}年{_S}(?P<m1>{_M}){_SEP}(?P<m2>{_M}){_S}月"
MONTH_RANGE = _opening(_Y_FIRST, _MONTH_RANGE)
# 3月13日, 3月底, 6月份 with no year before them (the 成文日期 gives it); not 每年3月, 个月
_MONTH_DAY = (
    rf"(?<![\d〇○零一二三四五六七八九十年月每个第])(?P<m>{_M}){_S}月(?:{_S}(?P<d>{_D}){_S}[日号]|(?P<qual>底|末|初|份|上旬|中旬|下旬))"
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
_PLAN_SUFFIX = re.compile(r"[”\"’]|(?:规划|计划|时期|期间|末|初|以来)")


@lru_cache(maxsize=1)
def _relative() -> tuple[re.Pattern[str], dict[str, str], str, dict[str, tuple[str, ...]]]:
    raw = json.loads((DATA / "date_relative.json").read_text(encoding="utf-8"))
    words: dict[str, str] = raw["words"]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return pattern, words, raw["not_after"], {k: tuple(v) for k, v in raw["not_before"].items()}


def _year(s: str) -> int | None:
    y = cn_to_int(s)
    return y if y is not None and 1900 <= y <= 2100 else None


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


def _qualified(y: int, qual: str) -> tuple[str, str]:
    """Apply what follows 2017年: 底 -> 2017-12, 上半年 -> 2017-01/2017-06, 度 -> 2017."""
    if qual.endswith(("底", "末")):
        return f"{y}-12", "month"
    if qual.endswith("初"):
        return f"{y}-01", "month"
    if qual == "上半年":
        return f"{y}-01/{y}-06", "range"
    if qual == "下半年":
        return f"{y}-07/{y}-12", "range"
    if qual.endswith("季度"):
        q = cn_to_int(qual.strip("第季度")) or 1
        return f"{y}-{3 * q - 2:02d}/{y}-{3 * q:02d}", "range"
    return f"{y}", "year"


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


def find_dates(text: str, doc_date: str | None = None) -> list[DateMention]:
    """Find every date mention of a clean text, in text order.

    Args:
        text: clean text, e.g. 2017年，全市跨境电子商务年交易额增长25%。…口岸年内实现规模化运营.
        doc_date: the 成文日期 as ISO YYYY-MM-DD (2017-03-13); relative words are
            resolved against its year and skipped when it is None.

    Returns:
        ``[DateMention(text="2017年", value="2017", kind="year", span=(0, 5)),
        DateMention(text="年内", value="2017", kind="relative", span=(…))]``.
    """
    folded = _fold(text)
    doc_year = int(doc_date[:4]) if doc_date and doc_date[:4].isdigit() else None
    taken = bytearray(len(text))  # characters already read: document numbers, then dates
    for (s, e), _ in find_doc_numbers(text):
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


# --- readers: (text, match, doc year) -> (start, end, value, kind) or None ------

Read = Callable[[str, re.Match[str], int | None], tuple[int, int, str | None, str] | None]


def _read_date_range(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    y1 = _year(m.group("y1"))
    y2 = _year(m.group("y2")) if m.group("y2") else y1
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


def _read_cn_date(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    y = _year(m.group("y"))
    if y is None:
        return None
    if m.group("qual"):
        value, kind = _qualified(y, m.group("qual"))
        return m.start(), m.end(), value, kind
    if m.group("m"):
        month = cn_to_int(m.group("m"))
        day = cn_to_int(m.group("d")) if m.group("d") else None
        iso = _iso(y, month, day)
        if iso:
            return m.start(), m.end(), iso, "date" if day else "month"
    # 2017年 alone, or a month that does not exist: the year as written
    end = m.start() + text[m.start() :].index("年") + 1
    return m.start(), end, f"{y}", "year"


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
    value = _iso(doc_year, month)
    return (m.start(), m.end(), value, "month") if value else None


def _read_relative(text: str, m: re.Match[str], doc_year: int | None) -> tuple[int, int, str | None, str] | None:
    if doc_year is None:
        return None
    _, words, not_after, not_before = _relative()
    word = m.group()
    if m.start() > 0 and text[m.start() - 1] in not_after:
        return None
    if any(text.startswith(x, m.end()) for x in not_before.get(word, ())):
        return None

    # {Y} is the document's year, {Y+1} / {Y-1} the years around it
    value = re.sub(r"\{Y([+-]\d+)?\}", lambda t: str(doc_year + int(t.group(1) or 0)), words[word])
    return m.start(), m.end(), value, "relative"


def _find_relative(text: str) -> Iterator[re.Match[str]]:
    """Relative words (年内, 上半年…) by the pattern built from the data file on first use."""
    return _relative()[0].finditer(text)


# longest, most specific first: a range before its years, a date before its year
_READERS: tuple[tuple[Callable[[str], Iterator[re.Match[str]]], Read], ...] = (
    (DATE_RANGE.finditer, _read_date_range),
    (MONTH_RANGE.finditer, _read_month_range),
    (YEAR_RANGE.finditer, _read_year_range),
    (CN_DATE.finditer, _read_cn_date),
    (NUMERIC_DATE.finditer, _read_numeric),
    (ENUM_YEAR.finditer, _read_enum_year),
    (PERIOD.finditer, _read_period),
    (MONTH_DAY.finditer, _read_month_day),
    (_find_relative, _read_relative),
)

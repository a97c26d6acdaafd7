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
  (words in ``data/date_relative.json``), also with a month, day or part after
  them: 今年六月 -> 2017-06, 明年3月份 -> 2018-03, 今年前三季度 -> 2017-01/2017-09,
  去年年底 -> 2016-12;
- ``lunar``: a date of the Chinese calendar (农历八月二十三, 正月十五, 腊月初十,
  闰四月): its value holds the lunar year, month and day as written, never a
  solar date read from them.

Two-digit years are read where nothing else can be meant, before a month or a
part of the year (19年底, 15年3月2日, 九七年一季度), in the century that puts
them at most forty years before and ten after the 成文日期 (35年底 in a 2021
document is left alone); alone (24年) or after a word of duration (缴费满15年3月,
累计15年3月) they are lengths of time and are left alone.

Without a 成文日期 (``doc_date=None``) relative words and year-less month/day
mentions (3月底) are skipped: their value would be a guess.

Years inside document numbers (郑政办〔2017〕30号, 国家税务总局公告2018年第31号)
are not date mentions. Years inside titles in 《》 are: they are dates as
written, and scorers treat them as optional.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.dateforms import read_dates
from pipeline.docnumber import find_doc_numbers
from pipeline.model import DateMention, DocNumber, Span


def find_dates(text: str, doc_date: str | None = None,
               numbers: Sequence[tuple[Span, DocNumber]] | None = None) -> list[DateMention]:
    """Find every date mention of a clean text, in text order.

    Args:
        text: clean text, e.g. 2017年，全市跨境电子商务年交易额增长25%。…口岸年内实现规模化运营.
        doc_date: the 成文日期 as ISO YYYY-MM-DD (2017-03-13); relative words are
            resolved against its year and skipped when it is None.
        numbers: the text's document numbers (``docnumber.find_doc_numbers(text)``),
            when the caller has them already; their years are no dates (郑政办〔2017〕30号).
            None reads them here.

    Returns:
        ``[DateMention(text="2017年", value="2017", kind="year", span=(0, 5)),
        DateMention(text="年内", value="2017", kind="relative", span=(…))]``.
    """
    doc_year = int(doc_date[:4]) if doc_date and doc_date[:4].isdigit() else None
    if numbers is None:
        numbers = find_doc_numbers(text)
    return read_dates(text, doc_year, [span for span, _ in numbers])

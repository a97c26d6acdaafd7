"""A task's time limit as written, read as an ISO date: 6月底前 -> 2023-06-30 in a 2023 document,
年底前 -> 2023-12-31, 2025年 -> 2025, 长期坚持 -> none (a limit without a date).

``deadline_year`` says which year a limit without one (6月底前) falls in.
"""

from __future__ import annotations

import calendar
import re
from functools import cache

from pipeline.model import Metadata
from pipeline.numerals import cn_to_int
from pipeline.targets.context import document_context
from pipeline.tasks.cues import alternation, cues

_NUM = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_DEADLINE = re.compile(
    rf"(?:(?P<y>(?:19|20)\d\d)年)?(?:(?P<m>{_NUM})月(?:(?P<d>{_NUM})日|(?P<end>底|末|份)|(?P<mid>上旬|中旬|下旬))?"
    r"|(?P<half>上半年|下半年|年底|年末|底|末|内|第[一二三四1-4]季度|年内|一季度|二季度|三季度|四季度)?)"
    r"(?P<before>前|以前|之前)?(?:完成|办结|到位|出台|实现)?$"
)
_OPEN_YEAR = re.compile(r"^(?:(?P<y0>(?:19|20)\d\d)\s*[—–\-－至~～]\s*)(?P<y>(?:19|20)\d\d)年(?:底前|底|末)?$")


@cache
def _open_ended_regex() -> re.Pattern[str]:
    return re.compile(alternation(cues()["open_ended"]))


def _n(s: str | None) -> int | None:
    if not s:
        return None
    return int(s) if s.isdigit() else cn_to_int(s)


def _last_day(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def read_deadline(words: str, doc_year: int | None) -> tuple[str | None, bool]:
    """A time limit as written -> (ISO value or None, whether it is a time limit at all).

    Example: ``read_deadline("6月底前", 2023)`` -> ``("2023-06-30", True)``;
    ``read_deadline("长期坚持", 2023)`` -> ``(None, True)``; ``read_deadline("省商务厅", 2023)`` -> ``(None, False)``.
    """
    w = re.sub(r"[\s　]", "", words).rstrip("。；;，,")
    if not w:
        return None, False
    m = _open_ended_regex().match(w)
    if m and len(w) <= m.end() + 2:  # 长期坚持, 持续推进中
        return None, True
    m = _OPEN_YEAR.match(w)
    if m:
        return m.group("y"), True
    m = _DEADLINE.match(w)
    if not m or not (m.group("y") or m.group("m") or m.group("half")):
        return None, False
    if m.group("half") in ("底", "末", "内") and not m.group("y"):
        return None, False
    y = int(m.group("y")) if m.group("y") else doc_year
    if y is None:
        return None, True  # 6月底前 in a document without a date
    month, day = _n(m.group("m")), _n(m.group("d"))
    half = m.group("half")
    if month is not None and not 1 <= month <= 12:
        return None, False
    if month is None:
        if half in ("上半年",):
            return f"{y:04d}-06-30", True
        if half in ("下半年", "年底", "年末", "底", "末", "年内", "内"):
            return f"{y:04d}-12-31", True
        if half and "季度" in half:
            q = _n(half.strip("第季度")) or 4
            return _last_day(y, 3 * q), True
        return (f"{y:04d}-12-31" if m.group("before") else f"{y:04d}"), True
    if day is not None:
        try:
            return f"{y:04d}-{month:02d}-{day:02d}", calendar.monthrange(y, month)[1] >= day
        except ValueError:
            return None, False
    mid = m.group("mid")
    if mid:  # 3月中旬 -> the 20th; 下旬 -> the month's last day
        day = {"上旬": 10, "中旬": 20}.get(mid) or calendar.monthrange(y, month)[1]
        return f"{y:04d}-{month:02d}-{day:02d}", True
    if m.group("before") and not m.group("end"):
        # 9月前: before September begins
        return (_last_day(y, month - 1) if month > 1 else f"{y - 1:04d}-12-31"), True
    return _last_day(y, month), True


def deadline_year(metadata: Metadata, text: str) -> int | None:
    """The year a deadline without one (6月底前) falls in: the 成文日期's, else the 发文字号's, else the
    one year the title names (2023年工作要点), else None.

    Example: a 2023 notice without a date, 东政办〔2023〕8号 -> 2023.
    """
    if metadata.issue_date and metadata.issue_date[:4].isdigit():
        return int(metadata.issue_date[:4])
    if metadata.doc_number and metadata.doc_number.year:
        return metadata.doc_number.year
    return document_context(text, None, metadata.title).title_year

"""What a document says about its time, and when each of its quantities is for.

``document_context`` reads a document's genre (plan, report, regulation), the
year its title names and the end of the period it covers (…规划（2021—2025年）
-> 2025); ``time_frame`` places one quantity: its year and whether the text
states it, as a deadline (到2025年, 2025年底前), a start (2021年以来) or the
document's own year (年内, 今年). A comparison's base year (较2023年, 以2020年
为基期) is neither. ``SectionIndex`` finds the sections over an offset and
what their headings say (一、发展基础 looks back; 二、2025年主要目标 names 2025).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.model import Section
from pipeline.numerals import cn_to_int
from pipeline.targets.cues import cues, names_regex, word_lists

# how far before the latest year a text names its present year may lie (a 2023 package running to 2025)
DEFAULT_PRESENT_WINDOW = 5


# a year as a time adverbial: 2017年, 到2020年, 二〇一七年, 2017年底前
YEAR = re.compile(
    r"(?P<to>到|至|截至|截止|于|在)?"
    r"(?P<y>(?:19|20)\d\d|[一二][〇零○一二三四五六七八九]{3})年"
    r"(?P<tail>底前|末前|年底前|以前|之前|底|末|前|内|年底|上半年|下半年|度)?"
)
# 年内 / 年底前 / 今年 / 全年 / 本年 / 当年: the document's own year (not the 年内 of 5年内,
# not the 年末 of 比上年末)
THIS_YEAR = re.compile(
    r"(?<![\d一二两三四五六七八九十百〇零年上去前明后])(?:年内|年底前|年底|年末)|到年底|今年|全年|本年度|本年|当年"
)
# a year named from the issue date: 今年, 明年, 年内, 年底前, 到年底; 今年以来 looks back
_RELATIVE_YEAR = re.compile(
    r"(?:今年|明年)(?P<since>以来)?|(?<![\d一二两三四五六七八九十百〇零年上去前明后])(?:年内|年底前)|到年底"
)
# a date before 前 is a deadline: 2023年11月10日前, 2024年6月底前
_DATE_BEFORE = re.compile(
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?(?:底|末)?(?:前|以前|之前)"
)


# an article heading makes a document a regulation: 第十二条
_ARTICLE = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+条(?![第款项之的规])")
# a title that names a rule: …管理办法, …条例（2021年修正）, …规定的通知
_RULE_TITLE = r"(?:{words})(?:的(?:通知|决定|公告))?(?:[（(][^）)]*[）)])?$"
# quoted names and titles: “五个一”, 《…三年行动计划（2016—2018年）》
_QUOTED = re.compile(
    r"“[^“”\n]{1,40}”|\"[^\"\n]{1,40}\"|「[^「」\n]{1,40}」|『[^『』\n]{1,40}』"
    r"|‘[^‘’\n]{1,40}’|《[^《》\n]{1,120}》|〈[^〈〉\n]{1,60}〉"
)


@dataclass(frozen=True, slots=True)
class DocContext:
    """What the whole document says about its numbers.

    ``genre`` is ``plan`` (方案, 计划, 意见, 通知: numbers are goals),
    ``report`` (报告, 预算, 决算, 通报: numbers are facts) or ``regulation``
    (条例, 办法, 第X条: numbers are limits). ``title_year`` is the one year
    the title names (郑州市2017年…实施方案 -> 2017), None for a multi-year
    or undated title. ``period_end`` is the year a target that names none is
    for: the end of the period the document covers (…规划（2021—2025年）,
    “十四五” -> 2025; 有效期至2023年12月31日 -> 2023; a one-year title's year;
    今冬明春 -> the next year), None for measures with no period.
    ``current_year`` is what 全年/年内/今年 mean: the title's year, else the
    issue year, else the earliest year the text speaks of as its present.
    """

    genre: str
    title_year: int | None
    doc_year: int | None
    period_end: int | None = None
    current_year: int | None = None


# --- the document -----------------------------------------------------------


def _head_lines(text: str) -> list[str]:
    """The lines before the body: 版头, 发文字号, title, up to the first long paragraph."""
    lines = []
    for line in text.split("\n")[:12]:
        line = line.strip()
        if not line:
            continue
        if len(line) > 60 or line[-1] in "。；！？" or "，" in line:
            break  # a sentence: the body has begun
        lines.append(line)
    return lines


def _year_value(y: str) -> int | None:
    return int(y) if y.isdigit() else cn_to_int(y)


def document_context(text: str, doc_year: int | None, title: str | None = None) -> DocContext:
    """Read the genre and the title's year of a document.

    Args:
        text: the clean text, its title among the first lines
            (关于印发郑州市2017年提升对外开放水平推进城市国际化实施方案的通知).
        doc_year: the year the document was issued (成文日期), if known.
        title: the 标题 from the metadata, when the text may not begin with it.

    Returns:
        ``DocContext(genre="plan", title_year=2017, doc_year=2017)``.
    """
    head = ([title.replace("\n", "")] if title else []) + _head_lines(text)
    articles = sum(1 for line in text.split("\n") if _ARTICLE.match(line))
    regulation = re.compile(_RULE_TITLE.format(words="|".join(cues()["title_genre"]["regulation"])))
    if any(regulation.search(line) for line in head):
        genre = "regulation"
    elif any(w in line for line in head for w in cues()["title_genre"]["report"]):
        genre = "report"
    elif articles >= 3:
        genre = "regulation"
    else:
        genre = "plan"
    years = set()
    for line in head:
        if re.search(r"[〔\[【]\s*(?:19|20)\d\d\s*[〕\]】]", line) and len(line) < 20:
            continue  # 郑政办〔2017〕30号
        for m in YEAR.finditer(line):
            after = line[m.end() : m.end() + 1]
            before = line[m.start() - 1 : m.start()] if m.start() else ""
            if re.match(r"\d|[一二三四五六七八九十]月|月", line[m.end() : m.end() + 3]) or (
                after and after in "—-－至到~～"
            ):
                continue  # 2017年3月13日 is a date; 2016—2018年 a period
            if before and before in "—-－至到~～":
                continue
            years.add(_year_value(m.group("y")))
    years.discard(None)
    title_year = years.pop() if len(years) == 1 else None
    current = title_year or doc_year or _present_year(text)
    period = _title_period(head) or _validity_end(text) or title_year
    if period is None and current is not None and any(w in line for line in head for w in word_lists()["next_year_spans"]):
        period = current + 1  # 定西市今冬明春…政策措施 issued in 2023: its spring is 2024's
    return DocContext(genre, title_year, doc_year, period, current)


# a period in a title: （2021—2025年）, 2018－2022年, 2016-2018
_TITLE_RANGE = re.compile(r"(?:19|20)\d\d\s*年?\s*(?:—{1,2}|–|－|-|~|～|至|到)\s*((?:19|20)\d\d)年?")
# a validity clause closing a set of measures: 有效期至2023年12月31日, 实施期限为2023年1月1日至2025年12月31日
_VALIDITY = r"(?:{words})(?:为|是|自|从)?[^。；\n]{{0,24}}?(?:至|到)\s*((?:19|20)\d\d)年"


def _title_period(head: list[str]) -> int | None:
    """The end of the period a title names: …规划（2021—2025年） -> 2025, “十四五”规划 -> 2025."""
    for line in head:
        m = _TITLE_RANGE.search(line)
        if m and not re.search(r"[〔\[【]\s*(?:19|20)\d\d\s*[〕\]】]", line[max(0, m.start() - 1) : m.start() + 1]):
            return int(m.group(1))
        m = PLAN_PERIOD.search(line)
        if m:
            return plan_period_end(m.group("n"))
    return None


@cache
def _validity_regex() -> re.Pattern[str]:
    return re.compile(_VALIDITY.format(words="|".join(map(re.escape, word_lists()["validity_cues"]))))


def _validity_end(text: str) -> int | None:
    """The last year a validity clause names: 未特别注明时限的，有效期至2023年12月31日 -> 2023."""
    years = [int(m.group(1)) for m in _validity_regex().finditer(text)]
    return max(years) if years else None


def _present_year(text: str) -> int | None:
    """For a text that gives neither an issue date nor a year in its title: the earliest year it
    speaks of as its own (办好2023年全国击剑锦标赛 -> 2023), skipping years in titles, bases
    (高于2022年, 较2022年) and the start of what it reports (2021年以来)."""
    protected = protected_spans(text)
    pstarts = [a for a, _ in protected]
    years = []
    for m in YEAR.finditer(text):
        if inside(protected, pstarts, m.start()) or _year_kind(text, m, len(text)) in ("base", "since", "start"):
            continue
        y = _year_value(m.group("y"))
        if y is not None:
            years.append(y)
    # the earliest of the recent years: a plan's history (1927年…) is not its present
    return min(y for y in years if y >= max(years) - DEFAULT_PRESENT_WINDOW) if years else None


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans whose numbers are names, not quantities: “五个一”, 《…（2016—2018年）》, 四个意识."""
    spans = [m.span() for m in _QUOTED.finditer(text)]
    spans += [m.span() for m in names_regex().finditer(text)]
    return sorted(spans)


def inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    while i >= 0 and starts[i] > pos - 200:
        if spans[i][0] <= pos < spans[i][1]:
            return True
        i -= 1
    return False


# a year that is a comparison's base, not a deadline: 较2023年, 比2020年末, 与2020年相比,
# 相较于2020年, 以2020年为基期, 在2020年基础上
# (与/同 need the 相比 after them: 2024年与2025年 is a pair of deadlines)
_BASE_BEFORE = re.compile(r"(?:较|比|相较于|相对于|相比于|对比|高于|低于|多于|少于)$")
_BASE_AFTER = re.compile(
    r"(?:底|末|年底|年末|同期|度)?(?:的)?(?:水平)?(?:相比|相较|比较|为基期|为基准|为基数|为基年|基础上|基数上)"
)
# a present base, not a report: 在现有基础上, 在已有水平上
BASE_PHRASE = re.compile(r"(?:现有|已有|原有|目前)的?(?:基础|水平)")
# a year that dates the number right after it: 由2020年的|30%, 到2025年末的|35%
_OWN_DATE = re.compile(r"(?:底|末)?的(?=[\d一二两三四五六七八九十])")
# a year a span of reported time starts from: 2021年以来, 2020年底以来
_SINCE_AFTER = re.compile(r"(?:底|末|年底|年末|初|年初)?以来")


@dataclass(frozen=True, slots=True)
class When:
    """The time frame of a quantity: its year and how the text places it.

    ``explicit``: the year stands in the number's own sentence (到2025年，…);
    ``stated``: in its sentence or paragraph (not the title's year or 年内);
    ``deadline``: the year is a deadline (到2025年, 2025年底前, 2021—2025年);
    ``since``: the sentence counts from a past year (2021年以来); ``at``: where
    the year is said in the sentence, so that only what follows it dates the
    number (已建成3000个，今年再新建1000个: the 已 is before 今年); ``assumed``:
    the year is the document's period end, which only a target takes.
    """

    year: int | None
    explicit: bool = False
    stated: bool = False
    deadline: bool = False
    since: bool = False
    at: int | None = None
    assumed: bool = False


def _year_kind(text: str, m: re.Match[str], pos: int) -> str:
    """What one year mention is, for the number at ``pos``: ``base``, ``since``, ``start``,
    ``deadline`` or ``plain``.

    较2023年 -> base; 2021年以来 -> since; 2016—2018年 (the 2016) -> start;
    由2020年的30%提高到35% (the 2020, for the 35%) -> start: it dates only
    the number right after it; 到2025年 / 2025年底前 / 2018—2020年 -> deadline;
    截至2022年底 (a reporting date) and 2017年，… -> plain.
    """
    to, tail = m.group("to") or "", m.group("tail") or ""
    before = text[max(0, m.start("y") - 3) : m.start("y")]
    after = text[m.end() : m.end() + 6]
    nxt = after[:1]
    if nxt and nxt in "—-－至到~～":
        return "start"
    own = _OWN_DATE.match(text, m.end())
    if own and own.end() < pos:
        return "start"
    if (
        (to in ("", "于", "在") and _BASE_BEFORE.search(before))
        or _BASE_AFTER.match(after)
        or (before.endswith("以") and after.startswith("为基"))
    ):
        return "base"
    if _SINCE_AFTER.match(text, m.end() - len(tail)) or after.startswith("以来"):
        return "since"
    prev = text[m.start() - 1 : m.start()] if m.start() else ""
    if to in ("到", "至") or tail.endswith("前") or (prev and prev in "—-－~～") or _DATE_BEFORE.match(text, m.end()):
        return "deadline"
    return "plain"


# a five-year plan period: “十三五”期间 (2016—2020), 到“十四五”末 (2025), “十三五”以来
PLAN_PERIOD = re.compile(
    r"(?P<to>到|至|截至|截止)?[“\"]?十(?P<n>[一二三四五六七八九])五[”\"]?(?:规划)?"
    r"(?P<tail>时期末|期末|末期|末|期间|时期|以来)?"
)


def plan_period_end(n: str) -> int:
    """The last year of the tenth-and-nth five-year plan: 三 (十三五) -> 2020, 四 (十四五) -> 2025.

    From the third plan (1966—1970) on, the plans follow each other every five years.
    """
    return 1970 + 5 * (10 + "一二三四五六七八九".index(n) + 1 - 3)


def _year_mentions(
    text: str, lo: int, pos: int, protected: list[tuple[int, int]], pstarts: list[int]
) -> list[tuple[int, int | None, str]]:
    """(start, year, kind) of each year and plan period between ``lo`` and the number at ``pos``.

    The kinds are those of ``_year_kind``: 较2023年 -> base, 到2025年 -> deadline;
    “十三五”期间 gives 2020 (plain), 到“十四五”末 2025 (deadline), “十四五”以来
    2021 (since). A year or period inside a title (《…（2016—2018年）》) is skipped.
    """
    out = []
    for m in YEAR.finditer(text, lo, pos):
        if not inside(protected, pstarts, m.start()):
            out.append((m.start(), _year_value(m.group("y")), _year_kind(text, m, pos)))
    for m in PLAN_PERIOD.finditer(text, lo, pos):
        if text.rfind("《", lo, m.start()) > text.rfind("》", lo, m.start()):
            continue  # 《“十四五”数字经济发展规划》
        to, tail = m.group("to") or "", m.group("tail") or ""
        if not to and not tail and m.group(0).endswith("规划"):
            continue  # 结合“十五五”规划编制: the plan as a document, not a time
        before = text[max(0, m.start() - 3) : m.start()]
        if tail == "以来":
            kind = "since"
        elif not to and _BASE_BEFORE.search(before):
            kind = "base"
        elif to in ("到", "至") or tail.endswith(("末", "末期")):
            kind = "deadline"
        else:
            kind = "plain"
        end = plan_period_end(m.group("n"))
        out.append((m.start(), end - 4 if kind == "since" else end, kind))  # “十四五”以来 counts from 2021
    return sorted(out)


def time_frame(
    text: str,
    para_lo: int,
    sent_lo: int,
    pos: int,
    protected: list[tuple[int, int]],
    pstarts: list[int],
    ctx: DocContext,
    heading_year: int | None = None,
) -> When:
    """The year a quantity is for, and how the text places it (a ``When``).

    The last year before the number in its sentence (2017年，力争…; 到2020年),
    else in its paragraph; a comparison's base year is skipped (到2025年，
    能耗较2023年下降6% -> 2025). 年内/今年/全年 -> the document's year (the
    one year its title names, else the issue year); else the year of the
    heading above (二、2025年目标任务); else the end of the document's period
    (``DocContext.period_end``: …（2021—2025年） -> 2025, 郑州市2017年…实施方案
    -> 2017). Measures with no period give None.
    """
    for lo, explicit in ((sent_lo, True), (para_lo, False)):
        best, kind, since, at = None, "plain", False, lo
        mentions = _year_mentions(text, lo, pos, protected, pstarts)
        if explicit:
            mentions = sorted(mentions + _relative_mentions(text, lo, pos, ctx))
        for start, year, k in mentions:
            if k == "since":
                since = True
            if k in ("start", "base"):
                continue
            best, kind, at = year, k, start
        if best is not None:
            stated = kind not in ("this", "within")
            return When(
                best, explicit, stated, kind in ("deadline", "within"), since and explicit, at if explicit else None
            )
        if lo == para_lo:
            break
    if THIS_YEAR.search(text, sent_lo, pos):
        # the year the document is about (a report issued in 2025 on 2024) before the issue year
        return When(ctx.current_year)
    if heading_year is not None:
        return When(heading_year, deadline=True)  # under 二、2025年主要目标
    # a 2021—2025 plan's targets without a year of their own are for 2025 (``assumed``: a fact
    # or a limit keeps only a year the title names)
    return When(ctx.period_end, assumed=True)


def _relative_mentions(text: str, lo: int, pos: int, ctx: DocContext) -> list[tuple[int, int | None, str]]:
    """(start, year, kind) of 今年 (``this``), 年内/年底前 (``within``), 明年 (``deadline``) and
    今年以来 (``since``) between ``lo`` and ``pos``: 明年底前 in a plan issued in 2023 -> 2024."""
    this = ctx.current_year
    out: list[tuple[int, int | None, str]] = []
    for m in _RELATIVE_YEAR.finditer(text, lo, pos):
        word = m.group(0)
        if m.group("since"):
            out.append((m.start(), this, "since"))
        elif word.startswith("明年"):
            if this is not None:
                out.append((m.start(), this + 1, "deadline"))
        elif word == "今年":
            out.append((m.start(), this, "this"))
        else:
            out.append((m.start(), this, "within"))
    return out


def _heading_year(title: str) -> int | None:
    """The last deadline or plain year of a heading: 2025年工作安排 -> 2025; 2021年以来 -> None."""
    best = None
    for _, year, kind in _year_mentions(title, 0, len(title), [], []):
        if kind in ("deadline", "plain"):
            best = year
    return best


class SectionIndex:
    """The sections holding each offset, found by bisection instead of a pass over every section.

    The section boundaries cut the text into pieces; each piece keeps the
    sections covering it, in tree order, so a lookup reads a handful of
    sections (the nesting depth) instead of all of them.

    Example: ``SectionIndex(sections).section_of(120)`` is ``"2.1"``.
    """

    def __init__(self, sections: Sequence[Section]) -> None:
        self.cuts = sorted({p for s in sections for p in s.span})
        self._frames: dict[int, str | None] = {}  # id() of a section -> its heading's frame
        self._years: dict[int, int | None] = {}  # id() of a section -> its heading's year
        self.holders: list[list[Section]] = [[] for _ in self.cuts]
        for s in sections:
            lo, hi = bisect.bisect_left(self.cuts, s.span[0]), bisect.bisect_left(self.cuts, s.span[1])
            for k in range(lo, hi):
                self.holders[k].append(s)

    def holding(self, pos: int) -> list[Section]:
        """The sections whose span holds ``pos``, in their order."""
        k = bisect.bisect_right(self.cuts, pos) - 1
        return self.holders[k] if k >= 0 else []

    def section_of(self, pos: int) -> str | None:
        """The id of the deepest section whose span holds ``pos`` (the last of equal depth)."""
        best: Section | None = None
        for s in self.holding(pos):
            if best is None or s.level >= best.level:
                best = s
        return best.id if best else None

    def frame(self, pos: int) -> str | None:
        """Whether the headings over ``pos`` look back or forward: 一、发展基础 -> ``back``;
        二、2024年工作安排 / 下一步工作打算 -> ``forward``; else None (the nearest heading wins)."""
        best: tuple[int, str] | None = None
        for s in self.holding(pos):
            frame = self._frame_of(s)
            if frame is not None and (best is None or s.level > best[0]):
                best = (s.level, frame)
        return best[1] if best else None

    def heading_year(self, pos: int) -> int | None:
        """The year the nearest heading over ``pos`` names as its time: 二、2025年主要目标 -> 2025,
        （一）到“十四五”末 -> 2025; not a base (与2020年相比) or a start (2021年以来); read once per heading."""
        for s in sorted(self.holding(pos), key=lambda s: -s.level):
            got = self._years.get(id(s), 0)
            if got == 0:
                got = self._years[id(s)] = _heading_year(s.title or "")
            if got is not None:
                return got  # type: ignore[return-value]
        return None

    def _frame_of(self, s: Section) -> str | None:
        """``back`` or ``forward`` as one heading's words have it (back first), or None; read once per heading."""
        got = self._frames.get(id(s), 0)
        if got == 0:
            frames = cues()["section_frames"]
            got = self._frames[id(s)] = next(
                (f for f in ("back", "forward") if s.title and any(w in s.title for w in frames[f])), None)
        return got  # type: ignore[return-value]

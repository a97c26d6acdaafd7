"""Tables in the clean text, and the targets their cells set.

Cleanup writes a table row as one paragraph whose cells stand apart by a
full-width space (the wide gap between ruled cells): 绿色工厂　家　25　40.
A table is a run of such rows with the same number of cells; its first row
is the header (指标 | 单位 | 2024年目标 | 2025年目标). Working on the clean
text, not on one engine's table finder, keeps every cell's span, page and
box, and gives the same result whichever engine extracted the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.clean import FULL_SPACE
from pipeline.model import CleanText, Normalized, Quantity, Section, Span
from pipeline.numbers import find_numbers, normalize, parse_number, unit_category
from pipeline.targets.context import PLAN_PERIOD, SectionIndex, document_context, plan_period_end
from pipeline.targets.cues import word_lists
from pipeline.targets.indicators import is_ratio

# a column header that names goals whatever the document's kind: 2025年目标, 预期值, 规划目标
_GOAL_HEADER = re.compile(r"目标|预期|规划")

DEFAULT_MIN_COLUMNS = 3
DEFAULT_MIN_ROWS = 2


@dataclass(frozen=True)
class Cell:
    text: str
    span: Span


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]  # header row first

    @property
    def span(self) -> Span:
        return self.rows[0][0].span[0], self.rows[-1][-1].span[1]


def _cells(text: str, start: int) -> tuple[Cell, ...]:
    cells, pos = [], start
    for part in text.split(FULL_SPACE):
        if part:
            cells.append(Cell(part, (pos, pos + len(part))))
        pos += len(part) + 1
    return tuple(cells)


def find_tables(text: str) -> list[Table]:
    """Find tables: runs of paragraphs split into the same number of cells.

    Args:
        text: the clean text, e.g. "…如下表：\\n指标　单位　2024年目标\\n绿色工厂　家　25\\n…"

    Returns:
        The tables, each with its header row first.
    """
    tables: list[Table] = []
    run: list[tuple[Cell, ...]] = []
    pos = 0
    for para in [*text.split("\n"), ""]:
        cells = _cells(para, pos) if FULL_SPACE in para else ()
        if run and (len(cells) != len(run[0])):
            if len(run) >= DEFAULT_MIN_ROWS:
                tables.append(Table(tuple(run)))
            run = []
        if len(cells) >= DEFAULT_MIN_COLUMNS:
            run.append(cells)
        pos += len(para) + 1
    return tables


def table_quantities(text: str, tables: Sequence[Table], sections: Sequence[Section], doc_year: int | None,
                     title: str | None = None) -> list[Quantity]:
    """Every numeric cell of every indicator table as a ``Quantity`` with ``source="table"``.

    Args:
        text: the clean text.
        tables: its tables, from ``find_tables``.
        sections: the section tree, for each cell's section.
        doc_year: the document's year, to tell reported columns from goals.
        title: the 标题, whose period dates a column without a year (目标值 in a
            …“十四五”规划 -> 2025).

    Returns:
        One quantity per cell: indicator from the row, unit from the unit
        column or the header, year from the column header.
    """
    out: list[Quantity] = []
    index = SectionIndex(sections)
    ctx = document_context(text, doc_year, title) if tables else None
    for table in tables:
        rows: list[list[str | None]] = [[c.text for c in row] for row in table.rows]
        for item in targets_from_table(rows, doc_year, ctx.period_end if ctx else None):
            cell = table.rows[item.row][item.column]
            row = table.rows[item.row]
            header = table.rows[0][item.column].text
            role = item.role
            if ctx is not None and ctx.genre != "plan" and role == "target" and not _GOAL_HEADER.search(header):
                # a budget's 2025年预算数, a regulation's table of fees: reported or set, not goals
                role = "fact" if ctx.genre == "report" else "limit"
            out.append(Quantity(
                text=cell.text, span=cell.span, indicator=item.indicator, value=item.value,
                value_max=item.value_max, unit=item.unit, normalized=item.normalized,
                comparator=item.comparator, kind=item.kind, year=item.year, modality=None,
                section=index.section_of(cell.span[0]), sentence=text[row[0].span[0]:row[-1].span[1]],
                role=role, source="table",
            ))
    return out


# --- the values of an indicator table (指标 | 单位 | 2017年目标 | 2020年目标) --------------


@dataclass(frozen=True, slots=True)
class TableValue:
    """One numeric cell of an indicator table as read from its row and column headers.

    地区生产总值 | 亿元 | ≥10000 under 2020年目标 -> ``TableValue(row=1, column=4, text="≥10000",
    indicator="地区生产总值", value=10000.0, value_max=None, unit="亿元",
    normalized=Normalized(1e12, "元"), comparator=">=", kind="level", year=2020, role="target")``.
    ``row`` and ``column`` count from the header row and the first column.
    """

    row: int
    column: int
    text: str
    indicator: str
    value: float
    value_max: float | None
    unit: str
    normalized: Normalized | None
    comparator: str
    kind: str
    year: int | None
    role: str

# a header naming a year: 2017年, 2020年目标, 2017
_HEADER_YEAR = re.compile(r"((?:19|20)\d\d)(?:年|$|\D)")
# a unit in a header's brackets: 地区生产总值（亿元）, 2020年(%)
_BRACKET_UNIT = re.compile(r"[（(]([^（）()]{1,6})[）)]\s*$")
# a cell: an optional comparator sign, a number or range, an optional unit and suffix: ≥80, 1—2, 72%, 5000以上
_CELL = re.compile(r"^\s*(?P<op>≥|≤|>=|<=|＞|＜|>|<|=|不低于|不少于|不超过|不高于|达到|超过|突破)?\s*(?P<rest>.+?)\s*$")
_CELL_OPS = {
    "≥": ">=",
    ">=": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "达到": "=",
    "≤": "<=",
    "<=": "<=",
    "不超过": "<=",
    "不高于": "<=",
    "＞": ">",
    ">": ">",
    "超过": ">",
    "突破": ">",
    "＜": "<",
    "<": "<",
}


def _header_role(header: str, year: int | None, doc_year: int | None, latest: int | None = None) -> str:
    """A column of 基期值/2016年完成/实际 reports facts; 目标/预期/规划 or a future year sets targets;
    of bare years (2020年 | 2025年) only the latest is a goal."""
    if re.search(r"基期|基数|现状|完成|实际|上年|现值|决算|执行", header):
        return "fact"
    if re.search(r"目标|预期|规划|计划|预计", header):
        return "target"
    if year is not None and doc_year is not None and year < doc_year:
        return "fact"
    if year is not None and latest is not None and year < latest:
        return "fact"
    return "target"


def _is_unit(word: str) -> bool:
    """A bracketed word is a unit: %, 个, 万人次, 亿元 (not 含临展)."""
    return word in ("%", "％", "‰") or unit_category(word) is not None


def targets_from_table(rows: list[list[str | None]], doc_year: int | None = None,
                       period_end: int | None = None) -> list[TableValue]:
    """Read a table of indicators and their yearly values.

    Args:
        rows: the table's cells, header row first, as pdfplumber gives them:
            ``[["指标", "单位", "2016年基期值", "2017年目标", "2020年目标"],
            ["地区生产总值", "亿元", "8114", "8800", "≥10000"], …]``.
        doc_year: the document's year, to tell reported columns from goals.
        period_end: the end of the document's period (``DocContext.period_end``), the
            year of a column whose header names none (目标值, “十四五”目标 -> 2025).

    Returns:
        One ``TableValue`` per numeric cell: ``TableValue(row=1, column=4, text="≥10000",
        indicator="地区生产总值", value=10000.0, unit="亿元", comparator=">=", year=2020,
        role="target", …)``. Cells of a 基期/完成 column are ``fact``.
    """
    table = [[(c or "").replace("\n", "").strip() for c in row] for row in rows if row]
    if len(table) < 2:
        return []
    header, body = table[0], table[1:]
    width = max(len(r) for r in table)
    header += [""] * (width - len(header))
    cols = _TableColumns.of(header, width)
    out: list[TableValue] = []
    for r, row in enumerate(body, start=1):
        row = row + [""] * (width - len(row))
        named = _row_name(row, cols)
        if named is None:
            continue
        name, row_unit = named
        for c in cols.values:
            cell = row[c]
            parsed = _cell_value(cell, row_unit or _bracket_unit(header[c]))
            if parsed is None:
                continue
            value, value_max, unit, comparator = parsed
            year = _column_year(header[c], period_end or doc_year)
            out.append(TableValue(
                row=r, column=c, text=cell, indicator=name, value=value, value_max=value_max, unit=unit,
                normalized=normalize(value, unit), comparator=comparator, kind=_cell_kind(name, unit), year=year,
                role=_header_role(header[c], year, doc_year, cols.latest),
            ))
    return out


@dataclass(frozen=True, slots=True)
class _TableColumns:
    """The columns of an indicator table as its header names them: 指标 | 单位 | 2017年目标 | 2020年目标."""

    unit: int | None  # 单位
    values: list[int]  # a year or a goal: 2020年目标, 预期值 (not 属性)
    name: int  # 指标, 名称, 项目, else the first other column
    latest: int | None  # the latest year a value column names

    @classmethod
    def of(cls, header: list[str], width: int) -> _TableColumns:
        unit_col = next((i for i, h in enumerate(header) if "单位" in h), None)
        value_cols = [i for i, h in enumerate(header) if _HEADER_YEAR.search(h) or re.search(r"目标|预期", h)]
        value_cols = [i for i in value_cols if i != unit_col and not re.search(r"属性|类型|性质", header[i])]
        # 指标 | 2020年 | 2025年: the earlier year of a bare pair is the base, not a goal
        years = [int(m.group(1)) for i in value_cols if (m := _HEADER_YEAR.search(header[i]))]
        name_col = next((i for i, h in enumerate(header) if re.search(r"指标|名称|项目|内容", h) and i not in value_cols),
                        next((i for i in range(width) if i != unit_col and i not in value_cols), 0))
        return cls(unit_col, value_cols, name_col, max(years) if years else None)


def _row_name(row: list[str], cols: _TableColumns) -> tuple[str, str] | None:
    """A row's indicator without its number, and its unit (the unit column's, else the name's brackets):
    1.地区生产总值 | 亿元 -> (地区生产总值, 亿元); 旅游收入（亿元） -> (旅游收入, 亿元); None for a row
    without a name."""
    name = re.sub(r"^\s*(?:\d+[.、]|[（(]?[一二三四五六七八九十]+[）)、])\s*", "", row[cols.name])
    if not name:
        return None
    m = _BRACKET_UNIT.search(name)
    if m and not _is_unit(m.group(1)):
        m = None  # 陈列展览数量（含临展）: a note, not a unit
    row_unit = row[cols.unit] if cols.unit is not None else (m.group(1) if m else "")
    if m:
        name = name[: m.start()].strip()
    return name, row_unit


def _column_year(header: str, default: int | None) -> int | None:
    """The year a value column is for: 2020年目标 -> 2020, “十四五”目标 -> 2025, else ``default``
    (the document's period end or year)."""
    ym = _HEADER_YEAR.search(header)
    pm = PLAN_PERIOD.search(header)
    return int(ym.group(1)) if ym else plan_period_end(pm.group("n")) if pm else default


def _cell_kind(name: str, unit: str) -> str:
    """growth for a change in %: 地区生产总值增长 | % ; share for a ratio: 固体废物综合利用率 | % ; else level."""
    kind = "growth" if _names_growth(name) and unit in ("%", "个百分点") else "level"
    if kind == "level" and unit == "%" and is_ratio(name):
        kind = "share"  # 固体废物综合利用率 | % | 85
    return kind


def _names_growth(indicator: str) -> bool:
    """Whether a table row's indicator names a rate of change: 地区生产总值增长, 城镇居民人均可支配收入增速,
    单位GDP能耗降低 (``table_growth_words``; 排放减少 | % is a level the row gives, not a rate)."""
    return any(w in indicator for w in word_lists()["table_growth_words"])


def _bracket_unit(header: str) -> str:
    m = _BRACKET_UNIT.search(header)
    return m.group(1) if m else ""


def _cell_value(cell: str, unit: str) -> tuple[float, float | None, str, str] | None:
    """One cell: 8800 -> (8800, None, unit, "="); ≥80 -> >=; 1—2 -> between; 72% -> unit %."""
    m = _CELL.match(cell)
    if not m or not re.search(r"\d|[一二三四五六七八九十]", cell):
        return None
    op = _CELL_OPS.get(m.group("op") or "", "=")
    rest = m.group("rest").strip("[]【】")  # [5]: a five-year cumulative figure
    bare_range = re.fullmatch(r"(\d[\d.,]*)\s*(?:—{1,2}|–|－|-|~|～|至)\s*(\d[\d.,]*)", rest)
    if bare_range:  # 1—2 under a unit column: the range find_numbers leaves alone without a unit
        lo, hi = parse_number(bare_range.group(1)), parse_number(bare_range.group(2))
        if lo is not None and hi is not None and hi >= lo:
            return lo, hi, unit, "between"
    nums = find_numbers(rest)
    if not nums or nums[0].span[0] != 0:
        return None
    n = nums[0]
    tail = rest[n.span[1] :]
    if tail.startswith("以上"):
        op = ">="
    elif tail.startswith(("以下", "以内")):
        op = "<="
    elif tail and not tail.startswith("左右"):
        return None  # text, not a figure
    if n.value_max is not None:
        op = "between"
    return n.value, n.value_max, n.unit or unit, op


# --- ruled indicator tables read by geometry --------------------------------
#
# A real indicator table wraps a long indicator over two or three lines and
# centres the value between them; cleanup then gives each visual line its own
# paragraph ("编制规划数量（全国重点文物" / "保护单位、湖北省文物保护单　≥20　约束性" /
# "位、专题专项）"), and a merged first column (文物安全, 革命文物) sits beside
# the rows it groups. So the rows are rebuilt from the boxes: each fragment goes
# to the header column nearest its centre, each line holding a value opens a
# row, and every other line joins the row whose value line is nearest on its page.

# a header naming the indicator column: 指标, 主要指标, 指标名称, 项目
_NAME_HEADER = re.compile(r"指标|项目|名称|内容")
# a header naming a value column: 2025年, 2025年目标, 目标值, 预期值
_VALUE_HEADER = re.compile(r"(?:19|20)\d\d|目标|预期值|规划值")
# a heading or a box title ends a table: 三、…, （二）…, 专栏2
_ENDS_TABLE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|专栏|第[一二三四五六七八九十]+[章节])")
# a value cell run together with the 属性 beside it: ≥10000预期性
_VALUE_THEN_WORD = re.compile(r"^([^\u4e00-\u9fff]*\d[^\u4e00-\u9fff]*?)([\u4e00-\u9fff].*)$")
# a vertical gap of more than this many header heights ends a table on its page
DEFAULT_TABLE_GAP = 2.0
# indicator lines without a value in a row before the table is taken to have ended
DEFAULT_MAX_LOOSE_LINES = 4
# the longest line without a cell gap that can still be a cell (a longer one is prose)
DEFAULT_MAX_CELL_CHARS = 32


@dataclass(frozen=True)
class _Frag:
    """A run of one line between cell gaps, with its box."""

    text: str
    span: Span
    page: int
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _frags(ct: CleanText, lo: int, hi: int) -> list[_Frag]:
    """The cell runs of the paragraph ``ct.text[lo:hi]`` with their boxes."""
    out = []
    pos = lo
    for part in ct.text[lo:hi].split(FULL_SPACE):
        start, end = pos, pos + len(part)
        pos = end + 1
        stripped = part.strip()
        if not stripped:
            continue
        start += len(part) - len(part.lstrip())
        end = start + len(stripped)
        boxes = [b for b, ch in zip(ct.boxes[start:end], stripped) if not ch.isspace()]
        if not boxes:
            continue
        out.append(_Frag(stripped, (start, end), boxes[0][0], min(b[1] for b in boxes), max(b[3] for b in boxes),
                         min(b[2] for b in boxes), max(b[4] for b in boxes)))
    return out


def _cut(ct: CleanText, f: _Frag, x: float, keep_right: bool) -> _Frag | None:
    """The part of a fragment right (or left) of ``x``: 保护利用|利用项目数量 -> 利用项目数量."""
    chars = [(i, b) for i, b in zip(range(f.span[0], f.span[1]), ct.boxes[f.span[0]:f.span[1]])]
    keep = [i for i, b in chars if ((b[1] + b[3]) / 2 >= x) == keep_right]
    if not keep:
        return None
    start, end = min(keep), max(keep) + 1
    text = ct.text[start:end]
    boxes = ct.boxes[start:end]
    return _Frag(text, (start, end), f.page, min(b[1] for b in boxes), max(b[3] for b in boxes),
                 min(b[2] for b in boxes), max(b[4] for b in boxes))


def _visual_lines(ct: CleanText) -> list[tuple[int, int]]:
    """The offsets of each visual line: paragraphs, cut where the next character starts below the
    previous one's bottom or on another page (cleanup may join a table's lines into one paragraph)."""
    out, pos = [], 0
    boxes = ct.boxes
    for para in ct.text.split("\n"):
        start = pos
        for k in range(pos + 1, pos + len(para)):
            a, b = boxes[k - 1], boxes[k]
            if b[0] != a[0] or b[2] >= a[4] - 0.5:
                out.append((start, k))
                start = k
        out.append((start, pos + len(para)))
        pos += len(para) + 1
    return out


def find_grid_tables(ct: CleanText) -> list[Table]:
    """Find indicator tables by the position of their cells, rows spanning lines and pages.

    Args:
        ct: the clean text with a box for every offset.

    Returns:
        One ``Table`` per header row (指标　2025年　属性) and the rows under it, each row
        a cell per header column: the indicator's lines joined (新建改造城市绿道长度（含
        滨水绿道、山地绿道）), the value (≥120), the attribute.
    """
    if len(ct.boxes) < len(ct.text):
        return []  # a format without positions (a web page, a Word file): tables come from the text alone
    paras = _visual_lines(ct)
    tables: list[Table] = []
    i = 0
    while i < len(paras):
        lo, hi = paras[i]
        line = ct.text[lo:hi]
        head = _frags(ct, lo, hi) if FULL_SPACE in line and len(line) <= 60 else []
        name = next((c for c, f in enumerate(head) if _NAME_HEADER.search(f.text)), None)
        if (len(head) >= 2 and name is not None and name <= 2
                and any(_VALUE_HEADER.search(f.text) for f in head[name + 1:]) and all(len(f.text) <= 12 for f in head)):
            table, i = _read_grid(ct, paras, i, head)
            if table is not None:
                tables.append(table)
            continue
        i += 1
    return tables


# a value cell: ≥50, 3-5, 100, 4000, ≤1.2, 85%
_VALUE_CELL = re.compile(r"^[≥≤><＞＜约]?\s*\d[\d.,]*\s*(?:[-—–~～至]\s*\d[\d.,]*)?\s*[%％]?")


def _name_column(head: list[_Frag]) -> int:
    """The indicator column: the first header naming it (序号 | 指标 | … -> 1)."""
    return next((c for c, f in enumerate(head) if _NAME_HEADER.search(f.text)), 0)


def _column(frag: _Frag, head: list[_Frag], boundary: float) -> int:
    """The column of a fragment: the indicator column left of where the values start, else
    the header nearest its centre (a title like 指标 need not stand over its column)."""
    name = _name_column(head)
    if frag.x1 <= boundary + 1 or (frag.cx < boundary and not _VALUE_CELL.match(frag.text)):
        # 序号 | 类别 | 指标 | 单位 | …: a short cell under another header left of the values is that column's
        under = [c for c in range(len(head)) if c != name and head[c].x0 - 2 <= frag.cx <= head[c].x1 + 2]
        return under[0] if under and len(frag.text) <= 8 else name
    return min(range(name + 1, len(head)), key=lambda c: abs(head[c].cx - frag.cx))


def _read_grid(ct: CleanText, paras: list[tuple[int, int]], at: int, head: list[_Frag]
               ) -> tuple[Table | None, int]:
    """Read the rows under the header ``head`` (paragraph ``at``); give the table and the next paragraph."""
    value_cols = {c for c, f in enumerate(head) if c > _name_column(head) and _VALUE_HEADER.search(f.text)}
    height = max(f.bottom - f.top for f in head)
    raw: list[list[_Frag]] = []
    last = head[0]
    loose = 0
    j = at + 1
    while j < len(paras):
        lo, hi = paras[j]
        line = ct.text[lo:hi]
        frags = _frags(ct, lo, hi)
        if not frags:
            j += 1
            continue
        first = frags[0]
        if first.page == last.page and first.top - last.bottom > DEFAULT_TABLE_GAP * height:
            break  # the gap under a table
        if _ENDS_TABLE.match(line) or (FULL_SPACE not in line and len(line) > DEFAULT_MAX_CELL_CHARS):
            break
        loose = 0 if any(_VALUE_CELL.match(f.text) for f in frags) else loose + 1
        if loose > DEFAULT_MAX_LOOSE_LINES:
            break
        raw.append(frags)
        last = frags[-1]
        j += 1
    # where the values start: right of the indicator header's centre (序号 1, 2, 3 lie left of it)
    starts = [f.x0 for frags in raw for f in frags if _VALUE_CELL.match(f.text) and f.x0 > head[_name_column(head)].cx]
    if not starts:
        return None, at + 1
    boundary = min(starts) - 1.0
    lines: list[list[tuple[int, _Frag]]] = []
    for frags in raw:
        placed: list[tuple[int, _Frag]] = []
        for f in frags:
            c = _column(f, head, boundary)
            m = _VALUE_THEN_WORD.match(f.text) if c in value_cols else None
            if m and c + 1 < len(head):  # ≥10000预期性: the value, then the next column's word
                cut = f.span[0] + len(m.group(1))
                left = _Frag(m.group(1), (f.span[0], cut), f.page, f.x0, f.x1, f.top, f.bottom)
                right = _Frag(m.group(2), (cut, f.span[1]), f.page, f.x0, f.x1, f.top, f.bottom)
                placed += [(c, left), (c + 1, right)]
            else:
                placed.append((c, f))
        lines.append(placed)
    while lines and not any(c in value_cols for c, _ in lines[-1]):
        lines.pop()  # indicator-less lines after the last row
    rows = _rows(ct, lines, head, value_cols)
    if not rows:
        return None, at + 1
    header = tuple(Cell(f.text, f.span) for f in head)
    return Table((header, *rows)), j


def _rows(ct: CleanText, lines: list[list[tuple[int, _Frag]]], head: list[_Frag], value_cols: set[int]
          ) -> list[tuple[Cell, ...]]:
    """Group the lines into rows around the lines that hold a value."""
    name = _name_column(head)
    name_starts = [round(f.x0) for line in lines for c, f in line if c == name]
    if not name_starts:
        return []
    # the indicator column's left edge: where most indicator lines start (a merged
    # group column, 文物安全, lies left of it)
    mode = max(set(name_starts), key=name_starts.count)
    # only a left-aligned column has such an edge; centred cells keep every character
    left = mode - 1.0 if name_starts.count(mode) * 2 >= len(name_starts) else float("-inf")
    anchors = [k for k, line in enumerate(lines) if any(c in value_cols and re.search(r"\d", f.text) for c, f in line)]
    if not anchors:
        return []
    names: dict[int, list[_Frag]] = {k: [] for k in anchors}
    for k, line in enumerate(lines):
        for c, f in line:
            if c != name:
                continue
            part = _cut(ct, f, left, keep_right=True) if f.x0 < left else f
            if part is None or not part.text.strip():
                continue  # a group cell: 文物安全
            same_page = [a for a in anchors if lines[a][0][1].page == f.page]
            if same_page:
                owner = min(same_page, key=lambda a: (abs(_line_cy(lines[a]) - f.cy), -a))
            else:
                owner = max((a for a in anchors if a <= k), default=anchors[0])
            names[owner].append(part)
    rows = []
    for a in anchors:
        parts = sorted(names[a], key=lambda f: (f.page, f.top, f.x0))
        cells: list[Cell] = []
        for c in range(len(head)):
            if c == name:
                if parts:
                    cells.append(Cell("".join(p.text for p in parts), (parts[0].span[0], parts[-1].span[1])))
                else:
                    cells.append(Cell("", (lines[a][0][1].span[0],) * 2))
                continue
            found = [f for cc, f in lines[a] if cc == c]
            if found:
                cells.append(Cell("".join(f.text for f in found), (found[0].span[0], found[-1].span[1])))
            else:
                cells.append(Cell("", (lines[a][-1][1].span[1],) * 2))
        rows.append(tuple(cells))
    return rows


def _line_cy(line: list[tuple[int, _Frag]]) -> float:
    return sum(f.cy for _, f in line) / len(line)

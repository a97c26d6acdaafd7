"""Task tables: 序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限 (or a target table with a 责任单位
column), read row by row from the position of every character under the headers.

Example: ``read_header("序号　重点任务　牵头单位　完成时限")`` gives the columns
``[(0, 2, "number"), (3, 7, "task"), (8, 12, "lead"), (13, 17, "deadline")]``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import cache

from pipeline.clean import FULL_SPACE
from pipeline.model import Span
from pipeline.sections import match_marker
from pipeline.tasks.bodies import is_body, split_bodies
from pipeline.tasks.cues import alternation, cues, label_kind
from pipeline.tasks.notes import Draft, Note, unique

# a task table's header names at least this many columns
MIN_TABLE_COLUMNS = 3

# --- task tables ----------------------------------------------------------------------------------

Box = tuple[int, float, float, float, float]


@cache
def _header_words() -> tuple[tuple[str, str], ...]:
    """(header word, column kind), longest first: 牵头单位 -> lead, 重点任务 -> task, 序号 -> number."""
    pairs = [(w, k) for w, k in label_kind().items()]
    pairs += [(w, k) for k, words in cues()["table_headers"].items() for w in words]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@cache
def _header_openers() -> frozenset[str]:
    return frozenset(w[0] for w, _ in _header_words())


# a year column of a target table: 2025年目标, 2024年, 2025年预期值
_HEADER_YEAR = re.compile(r"(?:19|20)\d\d年?(?:目标值|目标|预期值|预期目标|预期)?")


def read_header(line: str) -> list[tuple[int, int, str]] | None:
    """A task table's header line as columns: (start, end, kind) of every header word, in order.

    The words may stand apart or run together (narrow ruled cells leave no
    wide gap): 序号　重点任务　牵头单位配合单位完成时限. None unless the line is
    made of header words only and names a task column and a body or time column.

    Example: ``read_header("序号　重点任务　牵头单位　完成时限")`` ->
    ``[(0, 2, "number"), (3, 7, "task"), (8, 12, "lead"), (13, 17, "deadline")]``.
    """
    out: list[tuple[int, int, str]] = []
    if line.lstrip(" " + FULL_SPACE)[:1] not in _header_openers():
        return None
    i = 0
    while i < len(line):
        if line[i] in " " + FULL_SPACE:
            i += 1
            continue
        hit = next(((w, k) for w, k in _header_words() if line.startswith(w, i)), None)
        if hit is None:
            m = _HEADER_YEAR.match(line, i)  # 2025年目标: a target table's value column
            if m is None:
                return None
            hit = (m.group(0), "ignore")
        out.append((i, i + len(hit[0]), hit[1]))
        i += len(hit[0])
    kinds = [k for _, _, k in out]
    if len(out) < MIN_TABLE_COLUMNS or "task" not in kinds:
        return None
    if not {"lead", "responsible", "support", "deadline"} & set(kinds):
        return None
    return out


def _column_edges(text: str, lines: list[Span], head: list[tuple[int, int, str]], lo: int,
                  boxes: Sequence[Box]) -> list[float]:
    """Where one column ends and the next begins: the widest blank strip every table line leaves
    between two header words' middles (else the middle of the gap between the header words)."""
    spans: list[tuple[float, float]] = sorted(
        (boxes[k][1], boxes[k][3]) for a, b in lines for k in range(a, b)
        if boxes[k][3] > boxes[k][1] and text[k] not in " " + FULL_SPACE)
    covered: list[list[float]] = []
    for x0, x1 in spans:
        if covered and x0 <= covered[-1][1] + 1.0:
            covered[-1][1] = max(covered[-1][1], x1)
        else:
            covered.append([x0, x1])
    edges = []
    for (a0, a1, _), (b0, b1, _) in zip(head, head[1:]):
        left_mid = (boxes[lo + a0][1] + boxes[lo + a1 - 1][3]) / 2
        right_mid = (boxes[lo + b0][1] + boxes[lo + b1 - 1][3]) / 2
        gaps = [(covered[k][1], covered[k + 1][0]) for k in range(len(covered) - 1)
                if left_mid < covered[k][1] and covered[k + 1][0] < right_mid]
        if gaps:
            g0, g1 = max(gaps, key=lambda g: g[1] - g[0])
            edges.append((g0 + g1) / 2)
        else:
            edges.append((boxes[lo + a1 - 1][3] + boxes[lo + b0][1]) / 2)
    return edges


def _line_at(text: str, boxes: Sequence[Box], pos: int) -> Span:
    """The visual line holding ``pos``: cleanup joins lines into paragraphs (a table row whose last cell
    reaches the margin runs on into the next row), the boxes part them again (a new page or a lower band)."""
    lo = pos
    while lo > 0 and text[lo - 1] != "\n" and not _breaks(boxes, lo):
        lo -= 1
    hi = pos
    while hi < len(text) and text[hi] != "\n" and not (hi > pos and _breaks(boxes, hi)):
        hi += 1
    return lo, hi


def _breaks(boxes: Sequence[Box], k: int) -> bool:
    """Whether a new visual line starts at offset ``k``: another page, or a band below the previous glyph."""
    a, b = boxes[k - 1], boxes[k]
    return a[0] != b[0] or b[2] > a[2] + 0.6 * (a[4] - a[2])


def _is_prose(text: str, boxes: Sequence[Box], line: Span, width: float) -> bool:
    """A line of running text, not of a table: wide and without a gap between its glyphs."""
    lo, hi = line
    ink = [k for k in range(lo, hi) if text[k] not in " " + FULL_SPACE]
    if len(ink) < 2:
        return False
    gaps = [boxes[k][1] - boxes[j][3] for j, k in zip(ink, ink[1:])]
    return boxes[ink[-1]][3] - boxes[ink[0]][1] > 0.6 * width and max(gaps) < 3.0


def _table_lines(text: str, boxes: Sequence[Box], start: int, width: float) -> list[Span]:
    """The visual lines under a header that belong to its table: up to a heading (二、, （三）) or a line
    of running text."""
    out = []
    pos = start
    while pos < len(text):
        if text[pos] == "\n":
            pos += 1
            continue
        line = _line_at(text, boxes, pos)
        pos = line[1]
        words = text[line[0]:line[1]]
        if not words.strip():
            continue
        got = match_marker(words)
        if got and got[0] in ("part", "chapter", "cn", "cn_paren"):
            break
        if _is_prose(text, boxes, line, width):
            break
        out.append(line)
    return out


@cache
def _task_header_regex() -> re.Pattern[str]:
    """The words a task table's header holds, to find header lines without reading every line."""
    return re.compile(alternation(cues()["table_headers"]["task"]))


def table_drafts(text: str, boxes: Sequence[Box]) -> list[Draft]:
    """Tasks from task tables: one per row, its columns found by their headers and read by position.

    Every character goes to the column its middle falls in; a row goes on over
    the lines below it until the next 序号 (or, without a 序号 column, the next
    line with a lead or responsible body), across a page break, where the header
    repeated at the top of the page is skipped.
    """
    if len(boxes) != len(text) or not text:
        return []  # a format without pages (DOCX, HTML): its tables come as text
    out: list[Draft] = []
    done = 0
    for m in _task_header_regex().finditer(text):
        if m.start() < done:
            continue
        lo, hi = _line_at(text, boxes, m.start())
        head = read_header(text[lo:hi])
        if head is None:
            continue
        header_key = re.sub(r"\s", "", text[lo:hi])
        width = boxes[hi - 1][3] - boxes[lo][1]
        lines = _table_lines(text, boxes, hi, width)
        body_lines = [ln for ln in lines if re.sub(r"\s", "", text[ln[0]:ln[1]]) != header_key]
        done = lines[-1][1] if lines else hi
        edges = _column_edges(text, [(lo, hi), *body_lines], head, lo, boxes)
        kinds = [k for _, _, k in head]
        rows: list[dict[str, list[int]]] = []
        has_number = "number" in kinds
        for a, b in body_lines:
            cols: dict[str, list[int]] = {}
            for k in range(a, b):
                if text[k] in " " + FULL_SPACE:
                    continue
                mid = (boxes[k][1] + boxes[k][3]) / 2
                cols.setdefault(kinds[bisect.bisect_right(edges, mid)], []).append(k)
            number = "".join(text[k] for k in cols.get("number", []))
            if has_number:
                new_row = re.fullmatch(r"\d{1,3}[.．、]?", number) is not None
            else:
                new_row = bool(cols.get("lead") or cols.get("responsible")) and bool(cols.get("task"))
            if new_row or not rows:
                rows.append({})
            for kind, ks in cols.items():
                rows[-1].setdefault(kind, []).extend(ks)
        for row in rows:
            task = row.get("task")
            if not task:
                continue
            got = {k: _cell_text(text, row.get(k, []), boxes) for k in ("lead", "responsible", "support", "deadline")}
            lead = split_bodies(got["lead"]) or []
            resp = split_bodies(got["responsible"]) or []
            support = split_bodies(got["support"]) or []
            if not lead and support:
                lead = resp
            scope = (min(min(v) for v in row.values()), max(max(v) for v in row.values()) + 1)
            note = Note(scope, unique(lead), unique([*lead, *resp, *support]), got["deadline"] or None)
            out.append(Draft((task[0], task[-1] + 1), scope, note, "table"))
    return out


def _cell_text(text: str, chars: list[int], boxes: Sequence[Box]) -> str:
    """A cell's words over its lines: a name cut at a line end is joined (市住房和城乡 | 建设局), two
    whole names on two lines are two (市财政局 | 各区政府 -> 市财政局、各区政府)."""
    lines: list[str] = []
    for j, k in enumerate(chars):
        a, b = boxes[chars[j - 1]], boxes[k]
        if not lines or a[0] != b[0] or b[2] > a[2] + 0.6 * (a[4] - a[2]):
            lines.append("")
        lines[-1] += text[k]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        sep = "、" if is_body(out.rsplit("、", 1)[-1]) and is_body(line.split("、", 1)[0]) and \
            out[-1:] not in "、，,；;" else ""
        out += sep + line
    return out

"""The body's blocks -> the section tree (一、 （一） 1. （1） ①, 第X编/章/节/条, 4.1 / 5.1.1, 一是…).

How a heading is told from a paragraph that only starts like one:

- its marker opens a block (a paragraph), in the body's type size or larger;
- its number follows its kind's last number: the next sibling of an open heading of that kind, a new
  list at 1, or the running number of a list that goes on under the next parent (（一）…（三） under
  一、, then （四） under 二、);
- it is no line of a table of contents (目录: dot leaders, page numbers at line ends, entries repeated
  later as headings), no table row (cells apart by field gaps), no 项 of an article (（一） inside
  第五条), no row of a 专栏 box, no footnote (small print, or at a page's foot with its mark in a
  sentence above), no line a sentence broke onto (…依照本办法 / 第十二条规定…), no page repeated word
  for word.

Unmarked headings (a centred or larger line without a marker, 第一部分 …) are not sections, but the tree
starts again at the top level after them; an attachment (附件1 on a line of its own) starts a tree of
its own, its numbering from the beginning, its headings roots with no parent in the main text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from pipeline.clean import FULL_SPACE, is_red
from pipeline.model import Block, CleanText, Section
from pipeline.numerals import cn_to_int

_CN = "一二三四五六七八九十百零〇"
_CNX = _CN + "千"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_SPACE = " " + FULL_SPACE

# --- markers ------------------------------------------------------------------

# an article marker that opens a cross-reference, not an article: 第十二条规定的 / 第十二条、第十三条
_NOT_ARTICLE = rf"(?![的、，,至和或]|规定|之[一二三四五六七八九十]|第[{_CN}\d]+[款项])"

# (kind, regex on the start of a paragraph); the kinds in order from outermost to innermost, as
# GB/T 9704 7.3.3, legislative drafting and the decimal clauses of technical guides use them.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第([{_CNX}\d]+)编")),  # 第一编
    ("chapter", re.compile(rf"^第([{_CNX}\d]+)章")),  # 第三章 监督管理
    ("subchapter", re.compile(rf"^第([{_CNX}\d]+)节")),  # 第二节 机动车驾驶人
    ("article", re.compile(rf"^第([{_CNX}\d]+)条{_NOT_ARTICLE}")),  # 第十二条
    ("cn", re.compile(rf"^([{_CN}]+)、")),  # 一、
    ("cn_paren", re.compile(rf"^[（(]([{_CN}]+)[）)]")),  # （一）
    # a text layer that lost the opening bracket: 一）加强组织领导 for （一）
    ("cn_paren", re.compile(rf"^([{_CN}]{{1,3}})[）)](?=[\u4e00-\u9fff“《])")),
    # 1.  1．  1、  49.2025年… (not 1.5万: a decimal number)
    ("num", re.compile(r"^(\d{1,2})[.．、](?!\d{1,3}(?!\d)|[.．])")),
    # a guide's top clause as GB/T 1.1 sets it, the number and a space: 1 范围 / 4　管理制度 (short lines)
    ("clause", re.compile(r"^(\d{1,2})[ \u3000]+(?=[\u4e00-\u9fff][^。；;\s]{0,28}$)")),
    # decimal clauses of technical guides: 4.1 / 5.1.1 / 2.13.2, then the title (not 1.5万 or 2.5%)
    ("decimal", re.compile(r"^\d{1,2}(?:[.．]\d{1,2}){1,3}(?![\d.．%％万亿倍元])(?=[\sA-Z\u4e00-\u9fff“《（(])")),
    ("num_paren", re.compile(r"^[（(](\d{1,2})[）)]")),  # （1）
    ("circled", re.compile(rf"^([{_CIRCLED}])")),  # ①
)
# ranks from outermost to innermost; a decimal clause ranks by its depth (4.1 under 4., 4.1.1 under 4.1)
_ORDER = ("part", "chapter", "subchapter", "article", "cn", "cn_paren", "num", "dec2", "dec3", "dec4",
          "num_paren", "circled")
_RANK = {kind: i for i, kind in enumerate(_ORDER)}
# a guide's first subclause: 4.1 (its top clause 4 is a heading even in the body face)
_FIRST_SUB = re.compile(r"(\d{1,2})[.．]1(?![\d.．%％万亿倍元])\s*[\u4e00-\u9fff]")
# the units of a rule's text: what is numbered inside them are its 项 and 目, no headings
_CLAUSES = ("article", "dec3", "dec4")
# a chapter line may carry its first 节 (and a 节 its first article) when the layout ran them together
_INNER = re.compile(rf"第[{_CNX}\d]+[节条]{_NOT_ARTICLE}")

# 一是…二是…: an inline enumeration item, at a sentence start
_ITEM = re.compile(rf"(?:^|(?<=[。；;！？，,：:\s]))([{_CN}]{{1,3}})是(?=[\u4e00-\u9fff“（《])")


def match_marker(text: str) -> tuple[str, str, int] | None:
    """Read a section marker at the start of a paragraph.

    Args:
        text: 三、主要任务 / （十一）提升… / 第十二条　… / 2.完善… / 4.1.2 审核批准…

    Returns:
        (kind, marker, number), e.g. ("cn_paren", "（十一）", 11), ("dec3", "4.1.2", 2), or None. The
        marker is as written, except that a marker that lost its opening bracket comes back whole:
        一）… -> ("cn_paren", "（一）", 1).
    """
    found = _match(text)
    if found and found[0] == "clause":
        return "num", found[1], found[2]
    return found[:3] if found else None


def _match(text: str) -> tuple[str, str, int, int] | None:
    """``match_marker`` and the length of the marker as written in ``text``."""
    for kind, rx in _MARKERS:
        m = rx.match(text)
        if not m:
            continue
        marker = m.group(0)
        if kind == "clause":
            # 4 管理制度 -> "4.": the scorer's and the tree's form of a top clause, as its 4.1 children cite it
            if int(m.group(1)) <= 0:
                return None
            return "clause", m.group(1) + ".", int(m.group(1)), len(marker)
        if kind == "decimal":
            parts = re.split(r"[.．]", marker)
            if int(parts[-1]) <= 0:
                return None  # 2.0 is a number, not a clause
            return f"dec{len(parts)}", marker, int(parts[-1]), len(marker)
        raw = m.group(1)
        number = _CIRCLED.index(raw) + 1 if kind == "circled" else cn_to_int(raw)
        if number is None or number <= 0:
            return None
        written = len(marker)
        if kind == "cn_paren" and not marker.startswith(("（", "(")):
            marker = "（" + marker  # 一） -> （一）
        return kind, marker, number, written
    return None


def _decimal_path(marker: str) -> tuple[int, ...]:
    """4.1.2 -> (4, 1, 2); 4. -> (4,)."""
    return tuple(int(x) for x in re.findall(r"\d+", marker))


# --- titles -------------------------------------------------------------------

# layout spaces between two ideographs of a title: 总　则
_SPACES_IN_TITLE = re.compile(rf"(?<=[\u4e00-\u9fff])[{_SPACE}]+(?=[\u4e00-\u9fff])")


def heading_title(kind: str, rest: str) -> tuple[str | None, int]:
    """The title after a marker and how many characters of ``rest`` it covers.

    Args:
        kind: the marker's kind.
        rest: the paragraph after the marker: 主要任务 / 强化组织领导。坚持… / 　总　则

    Returns:
        (title, covered): 三、主要任务 -> 主要任务 (the whole line); （一）强化组织领导。坚持… ->
        强化组织领导 (up to the first 。); 第一章　总　则 -> 总则; 第一条　为了… -> None (an article's
        title is null, also a bracketed one: 第一条（目的和依据）).
    """
    body = rest.lstrip(_SPACE)
    skip = len(rest) - len(body)
    if kind == "article":
        return None, 0
    end = len(body) if kind in ("part", "chapter", "subchapter") else _first_stop(body)
    title = _SPACES_IN_TITLE.sub("", body[:end].replace("\n", "")).strip(_SPACE + "\n").rstrip("：:；;，,")
    covered = min(len(body), end + 1) if end < len(body) else end
    return (title or None), skip + covered


def _first_stop(body: str) -> int:
    """Where a heading's title ends: the first 。, else the paragraph's end."""
    i = body.find("。")
    return i if i != -1 else len(body)


# --- what a block is ------------------------------------------------------------

# 目录 / 目　录 / 目 录
_TOC_TITLE = re.compile(rf"^目[{_SPACE}]*录$")
# a table-of-contents line: dot leaders or a page number at its end: 一、总体要求……3 / 4.1 领导小组......5
_TOC_LINE = re.compile(r"(?:[.．…·・\-—_]{3,}|[.．…·・]{2,}\s*\d{1,3})\s*\d{0,3}\s*$")
# entries run together into one paragraph: 一、背景形势……1 1.成就……1 2.形势……2
_LEADERS = re.compile(r"[.．…·・]{4,}\s*\d{1,3}")
_DOTS = re.compile(r"[.．…·・]{8,}")
# the heading an attachment opens with: 附件 / 附件1 / 附件 2： (GB/T 9704 7.3.5: top left, on its own line)
_ATTACHMENT = re.compile(rf"^附[{_SPACE}]*件[{_SPACE}]*[0-9lI{_CN}]{{0,3}}[{_SPACE}]*[:：]?$")  # 附件l: OCR's 1
# 附件2：《…》填报说明 / 附件3 重点任务分工表: the number and the title on one line, first on its page
_ATTACHMENT_TITLED = re.compile(rf"^附[{_SPACE}]*件[{_SPACE}]*[0-9{_CN}]{{1,3}}[{_SPACE}:：]*[^。；;，,]{{2,40}}$")
# a part heading without a section marker: 第一部分 总体要求
_PART = re.compile(rf"^第[{_CNX}\d]+部分")
# a box of a plan: 专栏1 重点工程 / 专栏 2
_BOX = re.compile(r"^专栏")
# lines that are no headings even when set apart: table and figure titles, notes, signatures
_NO_RESET = re.compile(r"^(?:表|图|注|附表|资料来源|来源|单位)[\d一二三四五六七八九十：:\s]")
DEFAULT_UNMARKED_MAX = 40  # the longest unmarked heading line, in characters


@dataclass
class _Reader:
    """What the walk over the body knows so far: its open headings and the last number of each kind."""

    stack: list[dict] = field(default_factory=list)  # open headings, outermost first
    last: dict[str, int] = field(default_factory=dict)  # kind -> its last number in this tree
    in_box: bool = False  # inside a 专栏 box


def _plain(t: str) -> str:
    return re.sub(rf"[{_SPACE}]+", "", t)


def _toc_blocks(ct: CleanText, blocks: list[tuple[int, Block]]) -> set[int]:
    """The blocks of a table of contents: lines with dot leaders and page numbers anywhere, and the
    lines under a 目录 heading until the first entry comes again as a heading or prose begins."""
    out: set[int] = set()
    texts = {i: ct.text[b.span[0]:b.span[1]] for i, b in blocks}
    for i, _ in blocks:
        if (_TOC_LINE.search(texts[i]) and len(texts[i]) <= 120) or len(_LEADERS.findall(texts[i])) >= 2 \
                or len(_DOTS.findall(texts[i])) >= 2:
            out.add(i)
    for k, (i, _) in enumerate(blocks):
        if not _TOC_TITLE.match(texts[i]):
            continue
        out.add(i)
        first: str | None = None
        size = None
        for j, bj in blocks[k + 1:]:
            t = texts[j]
            entry = _entry_text(t)
            if first is not None and (entry == first or (size is not None and abs(bj.size - size) > 1.0)):
                break
            if "。" in t or len(entry) > 60 or bj.n_lines > 2:
                break
            out.add(j)
            if first is None:
                first, size = entry, bj.size
    return out


DEFAULT_REPEAT_MIN = 3  # blocks a page must repeat of the text before it to be a stray copy


def _repeated_page(ct: CleanText, blocks: list[tuple[int, Block]]) -> set[int]:
    """Blocks of a page that repeats, word for word, the run of blocks just before it: what a text
    extractor gives when a page's content stream holds more than is drawn (a spreadsheet export whose
    overflowing cell is printed again on the next page). The copy is no headings a second time."""
    texts = [ct.text[b.span[0]:b.span[1]] for _, b in blocks]
    seen: dict[str, list[int]] = {}
    out: set[int] = set()
    for k, t in enumerate(texts):
        first_on_page = k == 0 or blocks[k - 1][1].page != blocks[k][1].page
        if first_on_page and len(t) > 20:
            for p in seen.get(t, []):
                n = k - p  # the copy would run from k for as long as the original ran up to it
                if n >= DEFAULT_REPEAT_MIN and texts[p:k] == texts[k:k + n]:
                    out.update(i for i, _ in blocks[k:k + n])
                    break
        seen.setdefault(t, []).append(k)
    return out


def _entry_text(t: str) -> str:
    """A TOC entry or a heading without its leaders, page number and spaces: 一、总体要求……3 -> 一、总体要求,
    第一章　总则　1 -> 第一章总则."""
    return re.sub(r"(?<=[\u4e00-\u9fff）)])\d{1,3}$", "", _plain(_TOC_LINE.sub("", t)))


# a cell's figure: 371,514,655.00 / 0 / 12.5% / ≥50 / 3-5
_FIGURE = re.compile(r"[≥≤><约]?[\d,，.．%％\-—~～]+(?:万元|亿元|元|万|个|%)?")


def _is_row(t: str) -> bool:
    """A table row: three cells or more apart by field gaps, or two with a figure (合计　371,514,655.00);
    a letter-spaced line (第一章　总　则, 附　件) is none."""
    runs = [r for r in re.split(f"{FULL_SPACE}+", t.strip(_SPACE)) if r]
    if len(runs) >= 2 and all(len(r) == 1 and "\u4e00" <= r <= "\u9fff" for r in runs[1:]):
        return False
    return len(runs) >= 3 or (len(runs) == 2 and bool(_FIGURE.fullmatch(runs[1])))


def _is_cell(above: Block, b: Block, t: str) -> bool:
    """A short line under a table row, set at the row's left edge and not bold: a cell of the table
    (二、事业收入 under 一、财政拨款收入　171,915,169…), never a heading after the table."""
    return (len(t) <= DEFAULT_UNMARKED_MAX and "。" not in t and not b.bold
            and abs(b.x0 - above.x0) <= 0.5 * b.size and b.page == above.page)


def _is_unmarked_heading(ct: CleanText, b: Block, t: str) -> bool:
    """A heading line without a marker: 第一部分 …, or a short centred or large line that no sentence
    ends (上海市某区某委员会主要职能, 名词解释)."""
    plain = _plain(t)
    if _PART.match(plain):
        return True
    if not plain or len(plain) > DEFAULT_UNMARKED_MAX or _NO_RESET.match(plain) or is_red(b.color):
        return False
    if plain[-1] in "。；;，,：:、" or b.align == "right" or b.n_lines > 2:
        return False
    if b.align != "centre" and b.x1 >= ct.text_right - b.size:
        return False  # a line filled to the right margin is a paragraph's wrapped line (OCR sizes it loosely)
    if any(plain.count(a) != plain.count(z) for a, z in ("《》", "（）", "()", "“”")):
        return False  # a bracket left open: the sentence goes on in the next line
    # (a bold line at the paragraphs' left is a run-in heading of the part it stands in: no reset)
    return b.align == "centre" or b.size >= ct.body_size + 1.5


DEFAULT_FOOTNOTE_REACH = 3000  # characters before a note in which its mark is looked for


def _is_footnote(ct: CleanText, marker: str, b: Block) -> bool:
    """A note at a page's foot that opens with the mark a sentence of the same page carries: …达到480亿元②。
    / ②数据来源：市统计局。"""
    if marker not in _CIRCLED:
        return False
    base = max(0, b.span[0] - DEFAULT_FOOTNOTE_REACH)
    before = ct.text[base:b.span[0]]
    return any(k > 0 and before[k - 1] != "\n" and ct.boxes[base + k][0] == b.page
               for k in _finditer(before, marker))


def _page_feet(ct: CleanText, blocks: list[tuple[int, Block]]) -> set[int]:
    """The blocks at the foot of each page that open with a circled mark (①…): where notes stand."""
    out: set[int] = set()
    for k in range(len(blocks) - 1, -1, -1):
        i, b = blocks[k]
        last_on_page = k == len(blocks) - 1 or blocks[k + 1][1].page != b.page or blocks[k + 1][0] in out
        if last_on_page and ct.text[b.span[0]:b.span[0] + 1] in _CIRCLED:
            out.add(i)
    return out


def _finditer(text: str, ch: str) -> Iterator[int]:
    k = text.find(ch)
    while k != -1:
        yield k
        k = text.find(ch, k + 1)


def _heads_in(kind: str, marker: str, number: int, written: int, t: str
              ) -> Iterator[tuple[str, str, int, int, int, int]]:
    """The headings a block opens: one, or a chapter and the 节 (or article) the layout ran into its
    line: 第四章　特殊注册程序　第一节　创新产品注册程序 -> 第四章, 第一节.

    Yields:
        (kind, marker, number, length as written, start, end): the heading's place in the block; its
        title runs to ``end``.
    """
    if kind in ("part", "chapter", "subchapter"):
        for m in _INNER.finditer(t, written + 1):
            found = _match(t[m.start():])
            if found and _RANK[found[0]] > _RANK[kind]:
                yield kind, marker, number, written, 0, m.start()
                yield *found, m.start(), len(t)
                return
    yield kind, marker, number, written, 0, len(t)


def _run_on(ct: CleanText, blocks: list[tuple[int, Block]]) -> dict[int, tuple[int, str]]:
    """Blocks whose sentence the layout broke off at a line's end, with the block it runs on into and
    that text: a paragraph that fills its last line and ends in no punctuation, followed by a block at
    the margin (9、…负责建立健全生活必需品市场供应 / 应急机制，协调…). In a document that indents its
    paragraphs, such a block is a continuation even when it opens like a marker (…依照本办法 /
    第十二条规定…; …；2、…). The newline between them stays, so a title's offsets count in the clean text.
    """
    right: dict[int, float] = {}
    indents = []
    for _, b in blocks:
        right[b.page] = max(right.get(b.page, 0.0), b.x1)
        if b.align != "centre" and b.span[1] - b.span[0] > 4:
            indents.append(b.indent)
    indented = bool(indents) and sorted(indents)[len(indents) // 2] >= 1.5
    out: dict[int, tuple[int, str]] = {}
    for (i, b), (j, nb) in zip(blocks, blocks[1:]):
        t = ct.text[b.span[0]:b.span[1]]
        if j != i + 1:
            continue  # a block read as metadata (附件说明) stands between
        # a sentence's end ends a paragraph; in a document that indents its paragraphs a clause's end
        # (；：，) at a full line's end does not: 1、…；/ 2、… is one enumeration run on
        if not t or t[-1] in "。！？!?" or b.page not in right \
                or (not indented and (t[-1] in "；;：:）)”\"，,、" or b.n_lines < 2)):
            continue  # (unindented, a one-line block may be a long heading that fills its line)
        if b.x1 < right[b.page] - 2 * b.size or nb.indent > 0.5 or nb.x0 > b.x0 + 0.25 * b.size:
            continue
        nt = ct.text[nb.span[0]:nb.span[1]]
        if (match_marker(nt) and not indented) or nb.page - b.page > 1:
            continue
        out[i] = (j, ct.text[b.span[1]:nb.span[1]])
    return out


# --- the tree ---------------------------------------------------------------------


def segment_sections(ct: CleanText, start_block: int, end_block: int, skip: AbstractSet[int] = frozenset()
                     ) -> list[Section]:
    """Build the section tree of the body.

    Args:
        ct: the clean text.
        start_block: index of the first body block (after 主送).
        end_block: index of the first 版记 block.
        skip: blocks already read as metadata (附件说明).

    Returns:
        Sections in document order, headings and 一是 items, with parents.
    """
    blocks = [(i, ct.blocks[i]) for i in range(start_block, end_block) if i not in skip]
    body_end = ct.blocks[end_block - 1].span[1] if end_block > start_block else 0
    toc = _toc_blocks(ct, blocks) | _repeated_page(ct, blocks)
    run_on = _run_on(ct, blocks)
    continued = {j for j, _ in run_on.values()}
    rows = {i for i, b in blocks if _is_row(ct.text[b.span[0]:b.span[1]])}
    foot = _page_feet(ct, blocks)
    # the top clauses whose first subclause opens a block: 4 in 4.1 (so 4 管理制度 is a heading)
    clause_tops = {int(m.group(1)) for _, b in blocks if (m := _FIRST_SUB.match(ct.text, b.span[0], b.span[1]))}
    after = {i: j for (i, _), (j, _) in zip(blocks, blocks[1:])}
    raw: list[dict] = []
    rd = _Reader()
    row: Block | None = None  # the table row or cell just above, if any
    for i, b in blocks:
        if i in toc or i in continued:
            continue
        t = ct.text[b.span[0]:b.span[1]]
        above, row = row, (b if i in rows else None)
        if above is not None and _is_cell(above, b, t):
            row = b
            continue
        first_on_page = ct.blocks[i - 1].page != b.page if i > 0 else True
        if _ATTACHMENT.match(t.strip(_SPACE)) or (first_on_page and _ATTACHMENT_TITLED.match(t.strip(_SPACE))):
            rd = _Reader()  # a tree of its own, numbered from the start
            continue
        if _BOX.match(t):
            rd.in_box = True
            continue
        found = _match(t)
        if not found:
            if not rd.in_box and after.get(i) not in rows and _is_unmarked_heading(ct, b, t):
                rd.stack = []  # (a table's title is none)
            continue
        if b.size < ct.body_size * 0.85 or (i in foot and _is_footnote(ct, found[1], b)):
            continue  # footnotes (②③ under a rule) and table print
        if found[0] == "clause":
            if not (b.bold or b.size >= ct.body_size + 1 or found[2] in clause_tops):
                continue  # 1　预期性: a table's cells, not a guide's 1 范围 (in 黑体, or with its 1.1 below)
            found = ("num", *found[1:])
        for kind, marker, number, written, offset, stop in _heads_in(*found, t):
            rest = t[offset + written:stop]
            if kind not in ("part", "chapter", "subchapter") and i in rows:
                break  # cells apart by field gaps: 一、财政拨款收入　371,514,655.00　…
            node = _place(rd, kind, marker, number)
            if node is None:
                break
            start = b.span[0] + offset
            title, covered = heading_title(kind, rest + run_on.get(i, (0, ""))[1])
            if title is None and kind != "article" and not rest.strip(_SPACE) and after.get(i) == i + 1:
                title, covered = _title_below(ct, b, ct.blocks[i + 1], covered)
                if title is not None:
                    continued.add(i + 1)  # the title's line is read: no unmarked heading after it
            node.update(title=title, start=start, heading_end=start + written + covered)
            raw.append(node)
    return _to_sections(ct, raw, body_end)


def _title_below(ct: CleanText, b: Block, nb: Block, covered: int) -> tuple[str | None, int]:
    """A title set on the line under a marker that stands alone: 第一章 / 总　则 -> 总则, （一） / 加强组织
    领导 -> 加强组织领导 (and the characters up to its end), or (None, covered) when the next line is no
    title (a sentence, another heading)."""
    nt = ct.text[nb.span[0]:nb.span[1]]
    plain = _plain(nt)
    if not plain or len(plain) > DEFAULT_UNMARKED_MAX or match_marker(nt) or plain[-1] in "。；;，,：:" \
            or nb.page != b.page:
        return None, covered
    return plain, covered + (nb.span[1] - b.span[1])


def _place(rd: _Reader, kind: str, marker: str, number: int) -> dict | None:
    """Put a heading into the open tree, or None when its number or place says it is none."""
    stack = rd.stack
    clause = next((h for h in stack if h["kind"] in _CLAUSES), None)
    if clause is not None and _RANK[kind] > _RANK[clause["kind"]]:
        return None  # 项 （一）（二） and 目 1. 2. inside an article, or (1) (2) inside a guide's clause 6.1.3
    same = next((h for h in reversed(stack) if h["kind"] == kind), None)
    if kind.startswith("dec") or kind == "num":
        path = _decimal_path(marker)
        if len(path) > 1:
            up = next((h for h in reversed(stack) if h["kind"] in ("num", "dec2", "dec3")
                       and len(h["path"]) == len(path) - 1), None)
            if up is not None and up["path"] != path[:-1]:
                return None  # 5.1.1 under 4.1: a cross-reference or a misread
    if same is not None:
        if not ((number == 1 and not rd.in_box) or same["number"] < number <= same["number"] + 2):
            return None  # a paragraph that happens to start like a marker, or a row of a 专栏 box
    else:
        prev = rd.last.get(kind, 0)
        # a new list (from 1, or 2 when the first was missed) or a list running on under a new parent
        if not (number == 1 or (prev == 0 and number == 2 and kind != "circled") or prev < number <= prev + 2):
            return None
        if rd.in_box:
            return None  # rows of a 专栏 box
    rd.in_box = False
    rd.last[kind] = number
    if same is not None:
        while stack and stack[-1] is not same:
            stack.pop()
        stack.pop()
    else:
        while stack and _RANK[stack[-1]["kind"]] > _RANK[kind]:
            stack.pop()
    node = {"kind": kind, "marker": marker, "number": number, "parent": stack[-1] if stack else None,
            "level": len(stack) + 1, "path": _decimal_path(marker)}
    stack.append(node)
    return node


def _to_sections(ct: CleanText, raw: list[dict], body_end: int) -> list[Section]:
    """Extents, inline items and ids of the headings found, as ``Section`` values."""
    # extents: to the next heading at the same or an outer level (one pass, open headings on a stack)
    open_nodes: list[dict] = []
    for node in raw:
        while open_nodes and open_nodes[-1]["level"] >= node["level"]:
            open_nodes.pop()["end"] = node["start"]
        open_nodes.append(node)
    for node in open_nodes:
        node["end"] = body_end
    # inline 一是…二是… items inside each leaf's own text
    items: list[dict] = []
    for i, node in enumerate(raw):
        own_end = raw[i + 1]["start"] if i + 1 < len(raw) else node["end"]
        items.extend(_inline_items(ct.text, node, node["heading_end"], min(own_end, node["end"])))
    nodes = sorted(raw + items, key=lambda n: (n["start"], n["level"]))
    # ids from tree positions: s3.2 is the second child of the third top-level heading
    counters: dict[int | None, int] = {}
    out: list[Section] = []
    for n in nodes:
        parent = n["parent"]
        key = id(parent) if parent is not None else None
        counters[key] = counters.get(key, 0) + 1
        n["id"] = (parent["id"] + "." if parent is not None else "s") + str(counters[key])
        page, bbox = ct.locate((n["start"], n["heading_end"]))
        out.append(Section(
            id=n["id"], level=n["level"], marker=n["marker"], number=n["number"], title=n["title"],
            parent=parent["id"] if parent is not None else None,
            kind="item" if n["kind"] == "item" else ("article" if n["kind"] == "article" else "heading"),
            span=(n["start"], n["end"]), heading=(n["start"], n["heading_end"]), page=page, bbox=bbox,
        ))
    return out


def _inline_items(text: str, node: dict, start: int, end: int) -> list[dict]:
    """Find 一是…二是…三是… in ``text[start:end]``: at least 一是 and 二是, in order."""
    found = [m for m in _ITEM.finditer(text, start, end)]
    out: list[dict] = []
    expect = 1
    for m in found:
        n = cn_to_int(m.group(1))
        if n == expect:
            out.append({"kind": "item", "marker": m.group(0), "number": n, "title": None, "parent": node,
                        "start": m.start(), "heading_end": m.end(), "level": node["level"] + 1})
            expect += 1
        elif n == 1 and out and len(out) >= 2:
            break  # a second enumeration in the same section is left for a later rule
    if len(out) < 2:
        return []
    for a, b in zip(out, out[1:]):
        a["end"] = b["start"]
    last_para = text.find("\n", out[-1]["start"], end)
    out[-1]["end"] = last_para if last_para != -1 else end
    return out

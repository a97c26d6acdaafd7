"""Pages of characters -> one clean text with a box for every offset.

Named steps, each a plain function:

1. ``group_lines``: characters into visual lines, layout spaces closed
   (justified and letter-spaced lines read "郑 州 市" -> "郑州市"), wide
   gaps between fields kept as one full-width space.
2. ``split_furniture``: page numbers (— 8 —, -8-, 第 8 页 共 16 页, 3/5) and
   running headers/footers repeated across pages come off, kept aside.
3. ``make_blocks``: lines broken by layout re-joined into paragraphs, also
   across page breaks; paragraph breaks kept.
4. ``clean_text``: the whole, as ``CleanText``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import count, repeat
from operator import add, attrgetter, sub, truediv

from pipeline.model import Block, Char, CleanText, Line, PageInfo, RawPage, Rule, evolve
from pipeline.native import speedups
from pipeline.pages import OCR_FONT

# A gap between two glyphs wider than this many font sizes separates fields
# on one line (印发机关 ... 印发日期 in 版记) and is kept as one U+3000.
DEFAULT_FIELD_GAP = 1.5
# A gap this wide (in font sizes) between glyphs counts as a space.
DEFAULT_SPACE_GAP = 0.35
# Lines whose glyph gaps are this uniform are letter-spaced: 郑 州 市 人 民 政 府.
DEFAULT_LETTER_SPACED_SHARE = 0.8
# Page bands (share of the page height) where headers, footers and page
# numbers live; GB/T 9704 puts the text area 37 mm from the top, 225 mm high.
DEFAULT_HEADER_BAND = 0.13
DEFAULT_FOOTER_BAND = 0.85
FULL_SPACE = "\u3000"

_CJK_RANGES = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F),
    (0x3001, 0x303F), (0xFF01, 0xFF0F), (0xFF1A, 0xFF20), (0xFF3B, 0xFF40), (0xFF5B, 0xFF65),
    (0x2014, 0x2027),  # — ‘ ’ “ ” … ·
)


def is_cjk(ch: str) -> bool:
    """True for ideographs and CJK punctuation: 郑, 。, 《, “ (not U+3000)."""
    cp = ord(ch)
    return any(a <= cp <= b for a, b in _CJK_RANGES)


def drop_space_between(prev: str, nxt: str) -> bool:
    """Whether a layout space between two characters goes: 郑 州 -> 郑州, 2023 年 -> 2023年.

    Spaces between two Latin letters or digits stay (B2B service, 5 000)."""
    return is_cjk(prev) or is_cjk(nxt)


_SPACES_RE = re.compile(r"(?<=\S)[ \t]+(?=\S)")


def close_spaces(text: str) -> str:
    """Remove layout spaces next to CJK text in a string; idempotent.

    Args:
        text: 郑 州 市 人 民 政 府  /  国令第 711 号  /  B2B 平台

    Returns:
        郑州市人民政府 / 国令第711号 / B2B平台. Full-width spaces (U+3000) stay.
    """
    return _SPACES_RE.sub(lambda m: "" if drop_space_between(text[m.start() - 1], text[m.end()]) else " ", text)


# --- 1. lines -----------------------------------------------------------------


def _dominant(values: Iterable):
    """The most frequent value, the first seen among equals; None for none: [16, 22, 16] -> 16."""
    if not isinstance(values, (list, tuple)):
        values = list(values)
    if not values:
        return None
    if values.count(values[0]) == len(values):  # most lines are set in one size and one colour
        return values[0]
    counts: dict = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts, key=counts.__getitem__)


_TEXT, _X0, _TOP, _X1, _BOTTOM, _SIZE, _COLOR, _BOLD = (
    attrgetter(f) for f in ("text", "x0", "top", "x1", "bottom", "size", "color", "bold"))
# a character str.isspace() holds blank (re's \s is the same test)
_BLANK = re.compile(r"\s")


def _with_separators(chars: list[Char], size: float, letter_spaced: bool, word_gap: float) -> list[Char]:
    """A line's glyphs in reading order with a space or U+3000 put in where the layout shows one.

    Blank glyphs become one separator or none: 郑 州 (a typed space in CJK) -> 郑州;
    a gap over ``DEFAULT_FIELD_GAP`` sizes -> U+3000 (东川市人民政府办公室　2023年5月8日印发).
    """
    out: list[Char] = []
    pending_space: Char | None = None  # a space to decide on at the next glyph
    prev: Char | None = None
    for c in chars:
        if not c.text:
            continue
        if c.text.isspace():
            if prev is not None and pending_space is None:
                pending_space = c
            elif pending_space is not None and c.text == FULL_SPACE:
                pending_space = c  # a full-width space wins over plain ones in a run
            continue
        if prev is not None:
            gap = c.x0 - prev.x1
            sep: str | None = None
            if letter_spaced:
                sep = FULL_SPACE if gap > word_gap else None
            elif gap > DEFAULT_FIELD_GAP * size:
                sep = FULL_SPACE
            elif pending_space is not None and pending_space.text == FULL_SPACE:
                sep = FULL_SPACE
            elif pending_space is not None or gap > DEFAULT_SPACE_GAP * size:
                if not drop_space_between(prev.text[-1], c.text[0]):
                    sep = " "
            if sep:
                out.append(Char(sep, prev.x1, min(prev.top, c.top), max(prev.x1, c.x0), max(prev.bottom, c.bottom),
                                size, prev.font, prev.color))
        out.append(c)
        prev = c
        pending_space = None
    return out


def _line_from(page: int, chars: list[Char]) -> Line | None:
    """Compose a line's text from its glyphs in reading order."""
    chars = sorted(chars, key=_X0)
    # each field's values over the line's glyphs, by name, in one C-level pass: one pass for the
    # common line instead of one per attribute
    cols = dict(zip(Char._fields, zip(*chars)))
    texts = cols["text"]
    joined = "".join(texts)
    blanks = "" in texts or _BLANK.search(joined) is not None
    ink = chars
    if blanks:
        ink = [c for c in chars if not c.text.isspace() and c.text]
        if not ink:
            return None
        cols = dict(zip(Char._fields, zip(*ink)))
    sizes = cols["size"]
    if sizes.count(sizes[0]) == len(sizes):  # one size: round it once
        size = round(sizes[0], 1) or ink[0].size
    else:
        size = _dominant([round(s, 1) for s in sizes]) or ink[0].size
    # letter-spaced: nearly every neighbouring pair stands apart, by a gap or a space
    # character ("2 0 2 3" typed with spaces in a title set in a narrow-space font)
    space_gap = DEFAULT_SPACE_GAP * size
    if blanks:
        apart, seen_space = 0, False
        gaps: list[float] = []  # between neighbouring glyphs
        prev_ink: Char | None = None
        for c in chars:
            if c.text.isspace():
                seen_space = True
                continue
            if prev_ink is not None:
                gap = c.x0 - prev_ink.x1
                gaps.append(gap)
                if seen_space or gap > space_gap:
                    apart += 1
            prev_ink, seen_space = c, False
        gaps.sort()
    else:  # the same without blank glyphs, in C-level steps: most lines
        gaps = sorted(map(sub, cols["x0"][1:], cols["x1"][:-1]))
        apart = len(gaps) - bisect.bisect_right(gaps, space_gap)
    pairs = len(gaps)
    letter_spaced = pairs >= 2 and apart >= DEFAULT_LETTER_SPACED_SHARE * pairs
    # in a letter-spaced line, a gap well beyond the letter spacing still parts two
    # names: 东 川 市 财 政 局　东 川 市 税 务 局 (joint signatories)
    word_gap = max(2.5 * gaps[len(gaps) // 2], 0.6 * size) if gaps else 0.0

    if not blanks and not letter_spaced and (not gaps or gaps[-1] <= space_gap):
        out, text = ink, joined  # no blank glyph and no gap to mark: the glyphs as they are
    else:
        out = _with_separators(chars, size, letter_spaced, word_gap)
        text = "".join(map(_TEXT, out))
    flat = out
    if len(text) != len(out):
        # a glyph may carry several characters (ligatures, "(cid:12)"): one Char per character
        flat = []
        for c in out:
            if len(c.text) == 1:
                flat.append(c)
            else:
                w = (c.x1 - c.x0) / len(c.text)
                flat.extend(Char(t, c.x0 + i * w, c.top, c.x0 + (i + 1) * w, c.bottom, c.size, c.font, c.color,
                                 c.bold) for i, t in enumerate(c.text))
    return Line(
        page=page, text=text, chars=tuple(flat),
        x0=min(cols["x0"]), top=min(cols["top"]), x1=max(cols["x1"]),
        bottom=max(cols["bottom"]), size=float(size),
        color=_dominant(cols["color"]), bold=sum(cols["bold"]) * 2 > len(ink),
    )


def group_lines(page: RawPage, native: bool = True) -> list[Line]:
    """Group a page's characters into visual lines, top to bottom.

    Args:
        page: characters in any order.
        native: sort and cut the rows in the C module when it is built (False:
            in Python, the same lines).

    Returns:
        Lines whose text has layout spaces closed: "郑 州 市" -> "郑州市".
    """
    lines = []
    for row in _rows(page.chars, native):
        line = _line_from(page.number, row)
        if line is not None:
            lines.append(line)
    return sorted(lines, key=lambda ln: (ln.top, ln.x0))


def _rows(page_chars: Sequence[Char], native: bool = True) -> list[list[Char]]:
    """A page's characters with text in rows: by vertical middle, then x0, then drawing order.

    A character joins the row above while its middle stays within 0.45 of the
    taller of its height and the row's. With ``native``, the C module's
    ``rows`` sorts and cuts over plain lists of the coordinates (the same rows).
    """
    chars = list(filter(_TEXT, page_chars))
    fast = speedups() if native else None
    cut = fast.rows(list(map(_TOP, chars)), list(map(_BOTTOM, chars)), list(map(_X0, chars))) if fast else None
    if cut is not None:
        order, starts = cut
        ordered = list(map(chars.__getitem__, order))
        return [ordered[a:b] for a, b in zip(starts, starts[1:] + [len(ordered)])]
    # (mid, x0, drawing order, char): the order of sorting by (mid, x0), each mid computed once
    mids = map(truediv, map(add, map(_TOP, chars), map(_BOTTOM, chars)), repeat(2))
    keyed = sorted(zip(mids, map(_X0, chars), count(), chars))
    rows: list[list[Char]] = []
    row: list[Char] = []
    centre = height = 0.0
    for mid, _x0, _i, c in keyed:
        h = c.bottom - c.top
        if h < 1.0:
            h = 1.0
        if rows and abs(mid - centre) <= 0.45 * (h if h > height else height):
            row.append(c)
            centre += (mid - centre) / len(row)
            if h > height:
                height = h
        else:
            row = [c]
            rows.append(row)
            centre, height = mid, h
    return rows


# --- 2. furniture -------------------------------------------------------------

# page numbers as printed: — 8 —  -8-  －8－  8  ·8·
_PAGE_DASHED = re.compile(r"^[\-—–－~〜·•\s]*(\d{1,4})[\-—–－~〜·•\s]*$")
# 第 8 页 共 16 页, 第8页/共16页, 共16页 第8页
_PAGE_CN = re.compile(r"^(?:共\s*\d+\s*页\s*[,，/]?\s*)?第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$")
# 3/5, 3 / 5, Page 3 of 5
_PAGE_OF = re.compile(r"^(?:\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$")


def is_page_number(text: str) -> bool:
    """— 8 —, -8-, 第 8 页 共 16 页, 3/5 -> True; 2017年 -> False."""
    t = text.strip().replace(FULL_SPACE, " ")
    return bool(_PAGE_DASHED.match(t) or _PAGE_CN.match(t) or _PAGE_OF.match(t))


def _shape(text: str) -> str:
    """A line's text with digits folded, so 公报 2023年第5期 and 第6期 compare equal."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def split_furniture(pages_lines: Sequence[list[Line]], pages: Sequence[RawPage]
                    ) -> tuple[list[list[Line]], list[PageInfo]]:
    """Take page numbers and running headers/footers off every page.

    Args:
        pages_lines: each page's lines, top to bottom.
        pages: the pages themselves, for their size.

    Returns:
        The body lines of each page, and a ``PageInfo`` per page holding what
        was removed (``page_number``, ``header``, ``footer``).
    """
    n = len(pages)
    # running lines: the same shape in the top or bottom band of most pages
    top_shapes: Counter[str] = Counter()
    bottom_shapes: Counter[str] = Counter()
    for lines, page in zip(pages_lines, pages):
        top_shapes.update({_shape(ln.text) for ln in lines if ln.bottom <= DEFAULT_HEADER_BAND * page.height})
        bottom_shapes.update({_shape(ln.text) for ln in lines if ln.top >= DEFAULT_FOOTER_BAND * page.height})
    need = max(2, (n + 1) // 2)
    running_top = {s for s, k in top_shapes.items() if k >= need}
    running_bottom = {s for s, k in bottom_shapes.items() if k >= need}

    body: list[list[Line]] = []
    infos: list[PageInfo] = []
    for lines, page in zip(pages_lines, pages):
        keep: list[Line] = []
        number = header = footer = None
        for ln in lines:
            in_top = ln.bottom <= DEFAULT_HEADER_BAND * page.height
            in_bottom = ln.top >= DEFAULT_FOOTER_BAND * page.height
            if (in_top or in_bottom) and is_page_number(ln.text):
                number = ln.text.strip()
            elif in_top and _shape(ln.text) in running_top:
                header = ln.text if header is None else f"{header}\n{ln.text}"
            elif in_bottom and _shape(ln.text) in running_bottom:
                # a footer line may end with the page number: https://… 1/3
                footer = ln.text if footer is None else f"{footer}\n{ln.text}"
            else:
                keep.append(ln)
        # a page number that sits just below the text area but above the band
        if number is None and keep and is_page_number(keep[-1].text) and keep[-1].top > 0.75 * page.height:
            number = keep.pop().text.strip()
        body.append(keep)
        quality, reason = page.quality, page.quality_reason
        if not page.chars and quality == "ok":
            quality, reason = "unreadable", "no text layer"
        infos.append(PageInfo(page.number, page.width, page.height, number, header, footer, quality, reason))
    return body, infos


# --- 3. blocks ----------------------------------------------------------------

# a line that opens a new paragraph whatever its geometry
_OPENS_BLOCK = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[）)]"
    r"|[①-⑳]|第[一二三四五六七八九十百千零〇\d]+[编章节条]|附件[:：\d]|抄送[:：]|主送[:：])"
)


_CLAUSE_END = ("。", "：", ":", "；", ";", "！", "？")


def _layout_metrics(lines: Sequence[Line], page_width: float) -> tuple[float, float, float]:
    """The body font size and the text area's left and right edges.

    The left edge is where most continuation lines start (first lines are
    indented, so it is the leftmost common start); the right edge is where
    most long lines end (punctuation may hang a little past it). With too
    few lines to tell, the text area is taken as centred on the page.
    """
    ink = [ln for ln in lines if len(ln.text) >= 6] or list(lines)
    if not ink:
        return 16.0, 0.0, 0.0
    size = _dominant(round(ln.size) for ln in ink) or 16.0
    body = [ln for ln in ink if abs(ln.size - size) < 1] or ink
    starts = Counter(round(ln.x0) for ln in body)
    common = [x for x, k in starts.items() if k * 10 >= len(body)] or list(starts)
    left = min(common)
    ends = Counter(round(ln.x1) for ln in body if len(ln.text) >= 10)
    edge, agree = ends.most_common(1)[0] if ends else (0, 0)
    right = float(edge)
    if agree < 3 or agree * 5 < len(body):
        right = max(right, page_width - left - size)
    return float(size), float(left), float(right)


def _align(ln: Line, left: float, right: float) -> str:
    lm, rm = ln.x0 - left, right - ln.x1
    if lm <= 0.6 * ln.size and rm <= 0.6 * ln.size:
        return "justify"
    # centred: even margins; a nearly full, 2-character-indented line is not
    if lm > 0.5 * ln.size and abs(lm - rm) <= (0.6 if lm < 3 * ln.size else 1.2) * ln.size:
        return "centre"
    # 成文日期 and 署名 stand 右空二字 to 四字 (GB/T 9704 7.3.5)
    if lm > 4 * ln.size and rm < lm / 2:
        return "right"
    return "left"


# OCR measures a line's size from its ink and snaps it to a 号 size, so the lines of one paragraph may
# come out a step apart (三号 body lines read as 16 and 18 points: 到12%。 has less ink than a full line)
DEFAULT_OCR_SIZE_SLACK = 2.0


def _read_by_ocr(ln: Line) -> bool:
    return bool(ln.chars) and ln.chars[0].font == OCR_FONT


def _continues(prev: Line, cur: Line, size: float, left: float, right: float) -> bool:
    """Whether ``cur`` carries on the paragraph of ``prev`` (a layout line break)."""
    slack = DEFAULT_OCR_SIZE_SLACK if _read_by_ocr(prev) and _read_by_ocr(cur) else 1.0
    if abs(prev.size - cur.size) > slack or (prev.color != cur.color and is_red(prev.color) != is_red(cur.color)):
        return False
    same_page = prev.page == cur.page
    if same_page and cur.top - prev.bottom > 1.3 * max(prev.size, cur.size):
        return False
    pa, ca = _align(prev, left, right), _align(cur, left, right)
    # a title set on several lines larger than the body, centred or nearly full
    if same_page and prev.size > size + 1 and pa in ("centre", "justify") and ca in ("centre", "justify"):
        return True
    if pa == "centre" and ca == "centre" and same_page and prev.bold:
        return True
    full = prev.x1 >= right - 0.7 * prev.size
    indented = cur.x0 > left + 1.2 * cur.size
    if _OPENS_BLOCK.match(cur.text) and not (full and not indented and not prev.text.endswith(_CLAUSE_END)):
        return False  # a heading, unless a wrapped sentence just happens to go on with 第十二条
    return full and not indented and pa in ("justify", "left") and ca in ("justify", "left")


def is_red(color: str | None) -> bool:
    """#de0000, #ff0000, #e60012: a clearly red fill."""
    if not color or len(color) != 7:
        return False
    r, g, b = int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)
    return r > 150 and g < 90 and b < 90


def make_blocks(body: Sequence[list[Line]], rules: Sequence[Sequence[Rule]], page_width: float
                ) -> tuple[list[tuple[Block, list[Char], list[int]]], float, float, float]:
    """Join lines into paragraphs.

    Args:
        body: each page's body lines.
        rules: each page's horizontal rules.
        page_width: the usual page width, for a guess at the text area.

    Returns:
        (block, its characters, each character's page) in reading order, and the
        body size, text left and text right edges.
    """
    lines = [ln for page in body for ln in page]
    size, left, right = _layout_metrics(lines, page_width)
    groups: list[list[Line]] = []
    for ln in lines:
        if groups and _continues(groups[-1][-1], ln, size, left, right):
            groups[-1].append(ln)
        else:
            groups.append([ln])
    out: list[tuple[Block, list[Char], list[int]]] = []
    prev_bottom: dict[int, float] = {}
    for g in groups:
        chars: list[Char] = []
        on_page: list[int] = []  # each character's page
        for a, b in zip([None, *g], g):
            if a is not None and a.text and b.text and a.text[-1].isascii() and a.text[-1].isalpha() \
                    and b.text[0].isascii() and b.text[0].isalpha():
                last = a.chars[-1]
                chars.append(Char(" ", last.x1, last.top, last.x1, last.bottom, last.size, last.font, last.color))
                on_page.append(a.page)
            chars.extend(b.chars)
            on_page.extend([b.page] * len(b.chars))
        # strip edge whitespace (indents written as U+3000, trailing spaces)
        lo, hi = 0, len(chars)
        while lo < hi and chars[lo].text.isspace():
            lo += 1
        while hi > lo and chars[hi - 1].text.isspace():
            hi -= 1
        if lo == hi:
            continue
        if lo or hi < len(chars):
            chars, on_page = chars[lo:hi], on_page[lo:hi]
        first = g[0]
        page_rules = rules[first.page - 1] if first.page - 1 < len(rules) else ()
        above = prev_bottom.get(first.page, -1.0)
        rule = next((r for r in reversed(page_rules) if above <= r.top <= first.top), None)
        aligns = [_align(ln, left, right) for ln in g]
        # a paragraph is justified when any line fills the measure; a title is centred by its first line
        align = "justify" if len(g) > 1 and "justify" in aligns and aligns[0] != "centre" else aligns[0]
        block = Block(
            span=(0, 0), page=first.page, size=_dominant(ln.size for ln in g) or first.size,
            color=_dominant(ln.color for ln in g), bold=sum(ln.bold for ln in g) * 2 > len(g), align=align,
            indent=round((first.x0 - left) / first.size, 2), n_lines=len(g),
            x0=min(ln.x0 for ln in g), top=first.top, x1=max(ln.x1 for ln in g), bottom=g[-1].bottom,
            after_rule=(rule.color or "#000000") if rule else None,
        )
        prev_bottom[g[-1].page] = g[-1].bottom
        out.append((block, chars, on_page))
    return out, size, left, right


# --- 4. the whole -------------------------------------------------------------


def clean_text(pages: Iterable[RawPage], native: bool = True) -> CleanText:
    """Turn extracted pages into the document's clean text.

    Args:
        pages: the extraction engine's pages, in order.
        native: use the C module where cleanup has one (``group_lines``).

    Returns:
        ``CleanText`` whose paragraphs are joined by "\\n", with a box for
        every character and the furniture kept aside per page.
    """
    pages = list(pages)
    pages_lines = [group_lines(p, native) for p in pages]
    body, infos = split_furniture(pages_lines, pages)
    width = _dominant(round(p.width) for p in pages) or 595.0
    blocks_chars, size, left, right = make_blocks(body, [p.rules for p in pages], float(width))
    parts: list[str] = []
    boxes: list[tuple[int, float, float, float, float]] = []
    blocks: list[Block] = []
    pos = 0
    for block, chars, on_page in blocks_chars:
        if parts:
            parts.append("\n")
            boxes.append(boxes[-1])
            pos += 1
        text = "".join(map(_TEXT, chars))
        parts.append(text)
        boxes.extend(zip(on_page, map(_X0, chars), map(_TOP, chars), map(_X1, chars), map(_BOTTOM, chars)))
        blocks.append(evolve(block, span=(pos, pos + len(text))))
        pos += len(text)
    regions = tuple((p.number, box) for p in pages for box in p.ocr_regions)
    return CleanText("".join(parts), tuple(boxes), tuple(blocks), tuple(infos), size, left, right,
                     ocr_regions=regions)

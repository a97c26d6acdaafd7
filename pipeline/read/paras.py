"""Paragraphs of a format without pages (DOCX, HTML) -> the clean text structure and extractors read.

A PDF's cleanup rebuilds paragraphs from lines; a Word file or a web page
states them, so here they only get the same character folding and spacing
as PDF text (``pages.fold_char``, ``clean.close_spaces``, one U+3000 for a
gap between fields) and become blocks with the layout cues structure reads:
size, colour, bold, alignment, first-line indent. One step of cleanup's
line joining is kept: title lines set as paragraphs of their own (a 2号
centred 标题 over three lines) join into one block, as PDF title lines do.

Every block keeps its source paragraph (``CleanText.paras``), so items
carry ``para`` (paragraph and offset) instead of a page and a box.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from pipeline.clean import FULL_SPACE, close_spaces, is_red
from pipeline.model import Block, CleanText, Paragraph
from pipeline.pages import fold_char

# A paragraph this many points above the body size is a title line that may join the next.
DEFAULT_TITLE_STEP = 1.0
# Typed blanks (in characters) before a short line that push it to the right: a signature set by hand.
DEFAULT_PUSHED_RIGHT = 8
# Synthetic geometry of a block: one unit of height per paragraph (nothing reads it as points).
DEFAULT_LINE_HEIGHT = 1.0
# Blanks that separate fields inside a paragraph (a tab in a Word 版记 line, runs of U+3000).
_GAP = re.compile(rf"[\t{FULL_SPACE}]+(?: *[\t{FULL_SPACE}]+)*| {{3,}}")
_EDGE = f" \t\r\n{FULL_SPACE}"
_CLAUSE_END = ("。", "：", ":", "；", ";", "！", "？")


def clean_line(text: str) -> str:
    """A paragraph's text as the PDF path would give it.

    Args:
        text: as the source holds it: "　　郑 州 市２０１７年\\u00a0目标", "主办：市商务局\\t督办：六处".

    Returns:
        "郑州市2017年目标", "主办：市商务局　督办：六处": compatibility forms folded,
        layout spaces beside CJK closed, a field gap as one U+3000, the edges stripped.
    """
    folded = "".join(fold_char(ch) if not ch.isascii() else ch for ch in text).replace("\r", "")
    folded = re.sub(r"\n+", " ", folded)
    folded = _GAP.sub(FULL_SPACE, folded.strip(_EDGE))
    parts = [close_spaces(" ".join(p.split())) for p in folded.split(FULL_SPACE)]
    return FULL_SPACE.join(p for p in parts if p)


# a paragraph that is a whole date and nothing else: 2017年3月13日, 二〇二三年五月八日
_LONE_DATE = re.compile(r"^[\s\u3000]*[\d〇○零一二三四五六七八九]{4}\s*年[\s\d一二三四五六七八九十]{1,4}月"
                        r"[\s\d一二三四五六七八九十]{1,4}日[\s\u3000]*$")


def default_align(text: str) -> str:
    """The alignment of a paragraph whose source states none (a bare <p>, a Word paragraph without jc).

    A paragraph that is only a date is the 成文日期, which GB/T 9704 sets right (右空四字), and one pushed
    over by typed blanks (eight characters' worth or more: "　　　　　　　　东川市人民政府") stands right too:
    "right"; anything else "left".
    """
    head = text[:len(text) - len(text.lstrip(" \u3000\u00a0\t"))]
    pushed = head.count("\u3000") + 2 * head.count("\t") + 0.5 * (len(head) - head.count("\u3000") - head.count("\t"))
    return "right" if _LONE_DATE.match(text) or (pushed >= DEFAULT_PUSHED_RIGHT and len(text.strip()) <= 40) else "left"


def body_size(paragraphs: Sequence[Paragraph]) -> float:
    """The size most characters of longer paragraphs are set in: 16.0 for a 3号 body."""
    counts: Counter[float] = Counter()
    for p in paragraphs:
        if len(p.text) >= 6:
            counts[round(p.size, 1)] += len(p.text)
    return counts.most_common(1)[0][0] if counts else (paragraphs[0].size if paragraphs else 16.0)


def _joins(prev: Paragraph, cur: Paragraph, size: float) -> bool:
    """Whether ``cur`` is the next line of a title set as paragraphs: large, centred, same size and colour."""
    # a red 发文机关标志 is never joined: joint issuers stand one a line, each its own name
    return (not prev.table_row and not cur.table_row and prev.align == cur.align == "centre"
            and not is_red(prev.color)
            and prev.size > size + DEFAULT_TITLE_STEP and abs(prev.size - cur.size) < 0.5
            and is_red(prev.color) == is_red(cur.color) and not prev.text.endswith(_CLAUSE_END))


def _join(a: str, b: str) -> str:
    return f"{a} {b}" if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum() else a + b


def join_titles(paragraphs: Iterable[Paragraph], size: float) -> list[Paragraph]:
    """Join title lines set as separate paragraphs; the block keeps the first one's index."""
    out: list[Paragraph] = []
    for p in paragraphs:
        if out and _joins(out[-1], p, size):
            last = out[-1]
            out[-1] = Paragraph(_join(last.text, p.text), last.index, last.size, last.color, last.bold or p.bold,
                                last.align, last.indent, last.rule_above)
        else:
            out.append(p)
    return out


def clean_paragraphs(paragraphs: Iterable[Paragraph]) -> CleanText:
    """Turn a paragraph format's paragraphs into the document's clean text.

    Args:
        paragraphs: in document order, e.g. from ``read_docx`` or ``read_html``.

    Returns:
        ``CleanText`` with no pages and no boxes; ``paras`` gives each block's
        source paragraph, so ``para_of`` places any span.
    """
    cleaned = []
    for p in paragraphs:
        text = clean_line(p.text)
        if text:
            cleaned.append(Paragraph(text, p.index, p.size, p.color, p.bold, p.align, p.indent, p.rule_above,
                                     p.table_row))
    size = body_size(cleaned)
    joined = join_titles(cleaned, size)
    parts: list[str] = []
    blocks: list[Block] = []
    pos = 0
    for k, p in enumerate(joined):
        if parts:
            parts.append("\n")
            pos += 1
        parts.append(p.text)
        top = k * DEFAULT_LINE_HEIGHT
        blocks.append(Block(span=(pos, pos + len(p.text)), page=1, size=p.size, color=p.color, bold=p.bold,
                            align=p.align, indent=p.indent, n_lines=1, x0=p.indent * p.size, top=top,
                            x1=p.indent * p.size + len(p.text) * p.size, bottom=top + DEFAULT_LINE_HEIGHT,
                            after_rule=p.rule_above))
        pos += len(p.text)
    return CleanText("".join(parts), (), tuple(blocks), (), size, 0.0, 0.0, tuple(p.index for p in joined))

"""The typed model that flows through the stages.

extract -> ``RawPage`` (positioned characters)
clean   -> ``CleanText`` (one text, a box for every offset, layout blocks)
structure -> ``Metadata`` and ``Section`` list
extractors -> ``Quantity`` / ``DateMention`` / ``Reference`` / ``Entity``
all of it -> ``Document``, which ``emit`` serialises against the schema.

Every value is a frozen dataclass (``Char``, built by the thousand, an
immutable named tuple). Offsets (``span``) are ``(start, end)``
into ``CleanText.text``; boxes are ``(x0, top, x1, bottom)`` in PDF points
with the origin at the page's top-left corner (pdfplumber's convention).
Extractors fill ``span`` only; ``pipeline.anchor`` adds ``page`` and ``bbox``
from the clean text's offset map (or, for a format without pages, ``para``:
the source paragraph and the offset in it), so extractors stay pure text functions.
A paragraph format (DOCX, HTML) enters as ``Paragraph``s instead of ``RawPage``s.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from functools import cache, cached_property
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, TypeVar

Span = tuple[int, int]
BBox = tuple[float, float, float, float]
T = TypeVar("T")


def evolve(obj: T, **changes: Any) -> T:
    """``dataclasses.replace(obj, **changes)``, faster: each class's fields are read once.

    Cleanup and anchoring rebuild thousands of blocks and items.
    """
    cls: Any = type(obj)
    names, values = _init_fields(cls)
    kwargs = dict(zip(names, values(obj)))
    kwargs.update(changes)
    return cls(**kwargs)


@cache
def _init_fields(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple]]:
    """A dataclass's init fields and a getter of their values as a tuple."""
    names = tuple(f.name for f in fields(cls) if f.init)
    get = attrgetter(*names)
    return names, (get if len(names) > 1 else lambda obj: (get(obj),))


# --- extraction -------------------------------------------------------------


class Char(NamedTuple):
    """One glyph as drawn: 郑 at (88.0, 190.1)-(123.0, 225.1), 35 pt, red.

    A named tuple rather than a frozen dataclass like the rest of the model:
    a page holds hundreds of them and a tuple is built three times faster.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str
    color: str | None  # "#rrggbb" of the fill, None when the PDF gives none
    bold: bool = False  # a bold face, or drawn twice at a small offset (fake bold)


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal line or thin rectangle: the red rule under 发文字号, 版记 rules."""

    x0: float
    top: float
    x1: float
    bottom: float
    color: str | None


@dataclass(frozen=True, slots=True)
class RawPage:
    """One page as the engine read it."""

    number: int  # 1-based
    width: float
    height: float
    chars: tuple[Char, ...]
    rules: tuple[Rule, ...] = ()
    quality: str = "ok"  # ok / repaired / ocr / unreadable
    quality_reason: str | None = None
    # text objects the engine saw drawn but could not read: the quality gate
    # never rates such a page ok
    unread: int = 0
    # objects read as blanks whose font is not embedded: blanks, or glyphs of
    # a font the host lacks (PDFium gives both a box of no width); the quality
    # gate asks the other engine
    doubtful: int = 0
    # boxes of pictures on a page with a text layer whose text was read by OCR
    # (an indicator table or a 专栏 box embedded as an image)
    ocr_regions: tuple[BBox, ...] = ()


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a format without pages (a web page, a Word file), with the style it is set in.

    ``index`` numbers the source's paragraphs from 1 in document order (a
    DOCX ``w:p``, table rows and text boxes included; an HTML block); the
    clean text keeps it so every item can say where it stands:
    ``Paragraph("关于印发…的通知", 6, size=22.0, align="centre", bold=True)``.
    """

    text: str
    index: int
    size: float = 16.0  # points
    color: str | None = None  # "#rrggbb"
    bold: bool = False
    align: str = "left"  # left / centre / right / justify
    indent: float = 0.0  # first-line indent in characters
    rule_above: str | None = None  # colour of a rule drawn right above (a red 版头 rule)
    table_row: bool = False  # the cells of one table row, joined by U+3000


# --- cleanup ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """A visual line of one page, furniture already split off."""

    page: int
    text: str
    chars: tuple[Char, ...]  # one per character of ``text``; spaces are synthetic
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # the dominant font size
    color: str | None  # the dominant fill colour
    bold: bool  # a bold/黑体 face or overprinted fake bold


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph of the clean text and the layout it came from.

    Structure reads these cues: 版头 lines are large and red, titles are
    centred and large, the 成文日期 is right-aligned, 版记 sits under rules.
    """

    span: Span
    page: int
    size: float
    color: str | None
    bold: bool
    align: str  # left / centre / right / justify
    indent: float  # first-line indent in multiples of the font size
    n_lines: int
    x0: float
    top: float
    x1: float
    bottom: float
    after_rule: str | None = None  # colour of a rule right above this block


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What the output says of a page, with the furniture cleanup removed."""

    number: int
    width: float
    height: float
    page_number: str | None = None
    header: str | None = None
    footer: str | None = None
    quality: str = "ok"
    quality_reason: str | None = None


@dataclass(frozen=True)
class CleanText:
    """The document's clean text, paragraphs separated by newlines.

    ``boxes[i]`` is ``(page, x0, top, x1, bottom)`` of ``text[i]``; a joined
    newline or a removed layout space has the box of the character before it.
    """

    text: str
    boxes: tuple[tuple[int, float, float, float, float], ...]
    blocks: tuple[Block, ...]
    pages: tuple[PageInfo, ...]
    body_size: float = 16.0
    text_left: float = 0.0
    text_right: float = 0.0
    paras: tuple[int, ...] = ()  # formats without pages: each block's source paragraph (``Paragraph.index``)
    # (page, box) of every picture whose text was read by OCR on a page with a text layer
    ocr_regions: tuple[tuple[int, BBox], ...] = ()

    @cached_property
    def _block_starts(self) -> list[int]:
        return [b.span[0] for b in self.blocks]

    def block_text(self, block: Block) -> str:
        """The text of one of this text's blocks: 各区人民政府，市人民政府各部门："""
        return self.text[block.span[0]:block.span[1]]

    def para_of(self, span: Span) -> ParaPos | None:
        """Give where a span starts in a format without pages: its source paragraph and the
        offset in that paragraph's clean text; None for paged formats (PDF, OFD)."""
        if not self.paras or not self.blocks:
            return None
        i = max(0, bisect.bisect_right(self._block_starts, span[0]) - 1)
        return ParaPos(self.paras[i], max(0, span[0] - self.blocks[i].span[0]))

    def locate(self, span: Span) -> tuple[int, BBox] | tuple[None, None]:
        """Give the page and box of a span: the union of its characters' boxes
        on the page where it starts (a span across a page break keeps its
        first part, so a reviewer lands where it begins)."""
        start, end = span
        if not self.boxes or start >= len(self.boxes) or end <= start:
            return None, None
        page = self.boxes[start][0]
        boxes = self.boxes[start:end]
        if len(set(map(itemgetter(0), boxes))) > 1:  # the span runs onto another page: keep its first part
            boxes = boxes[: next(k for k, box in enumerate(boxes) if box[0] != page)]
        written = self.text[start : start + len(boxes)]
        on_page: Sequence[tuple[int, float, float, float, float]] = boxes  # most spans: every character has ink
        if "\n" in written or " " in written:
            on_page = [box for box, ch in zip(boxes, written) if ch not in "\n "]
        if not on_page:
            p, a, b, c, d = self.boxes[start]
            return p, (round(a, 2), round(b, 2), round(c, 2), round(d, 2))
        _, x0s, tops, x1s, bottoms = zip(*on_page)
        return page, (round(min(x0s), 2), round(min(tops), 2), round(max(x1s), 2), round(max(bottoms), 2))


@dataclass(frozen=True, slots=True)
class ParaPos:
    """Where an item stands in a format without pages: paragraph 12 of the source, 5 characters in."""

    index: int
    offset: int


# --- structure --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A 发文字号 parsed: 郑政办〔2017〕30号 -> agency 郑政办, year 2017, serial 30."""

    text: str  # normalised: 〔〕 brackets, no spaces, ASCII digits
    agency_code: str
    year: int | None
    serial: int | None


@dataclass(frozen=True, slots=True)
class NumberWritten:
    """Where the document's own 发文字号 is printed: as written (郑发 〔2016〕35号, or 汀文旅发〔2023〕5号 as
    OCR read it), its span in the clean text, and its page and box (PDF, OFD) or paragraph (DOCX, HTML)."""

    text: str
    span: Span
    page: int | None = None
    bbox: BBox | None = None
    para: ParaPos | None = None


@dataclass(frozen=True)
class Metadata:
    """The document's own elements as GB/T 9704-2012 names them."""

    issuer: str | None = None
    issuers: tuple[str, ...] = ()  # joint documents: every 发文机关
    doc_number: DocNumber | None = None
    title: str | None = None
    doc_type: str | None = None
    recipients: tuple[str, ...] = ()
    issue_date: str | None = None  # 成文日期, ISO
    signer: str | None = None  # 签发人
    signatories: tuple[str, ...] = ()  # 发文机关署名
    body_title: str | None = None  # the document a notice transmits
    attachments: tuple[str, ...] = ()  # 附件说明
    cc: tuple[str, ...] = ()  # 抄送
    printer: str | None = None  # 印发机关
    print_date: str | None = None  # 印发日期
    copy_number: str | None = None  # 份号
    secrecy: str | None = None  # 密级和保密期限
    urgency: str | None = None  # 紧急程度
    note: str | None = None  # 附注
    extra: tuple[tuple[str, str], ...] = ()  # local 版记 lines: (主办, 市商务局)
    flags: tuple[str, ...] = ()  # e.g. no_doc_number
    doc_number_written: NumberWritten | None = None  # where the document's own 发文字号 is printed


@dataclass(frozen=True, slots=True)
class Section:
    """A heading or inline list item of the section tree.

    ``span`` covers the whole section, heading to the end of its last child;
    ``heading`` covers the marker and title only.
    """

    id: str
    level: int
    marker: str  # as written: 一、 （一） 1. （1） 第三条 一是
    number: int
    title: str | None
    parent: str | None
    kind: str  # heading / article / item
    span: Span
    heading: Span
    page: int | None = None
    bbox: BBox | None = None
    para: ParaPos | None = None  # formats without pages


# --- extractors -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Normalized:
    value: float
    unit: str


@dataclass(frozen=True)
class Quantity:
    """A number with its unit and what it measures: 航空港年旅客吞吐量达到2300万人次.

    ``role`` is ``target`` (a goal, commitment or forecast), ``fact`` (a
    reported figure) or ``limit`` (a rule's bound). The document's
    ``targets`` list holds the targets; ``quantities`` holds the rest.
    """

    text: str
    span: Span
    indicator: str | None
    value: float
    value_max: float | None
    unit: str
    normalized: Normalized | None
    comparator: str  # = >= > <= < between
    kind: str  # level / growth / share
    year: int | None
    modality: str | None
    section: str | None
    sentence: str
    role: str = "target"
    source: str = "text"  # text / table
    page: int | None = None
    bbox: BBox | None = None
    para: ParaPos | None = None  # formats without pages
    approx: bool = False  # 近千家, 约千家, 八九亿元: the value is about, not exact
    task: str | None = None  # the id of the task that holds it (tasks.link_targets)
    bodies: tuple[str, ...] = ()  # that task's bodies, full names, lead first


@dataclass(frozen=True, slots=True)
class DateMention:
    """二〇一七年三月十三日 -> 2017-03-13; 2016—2018年 -> 2016/2018; 年内 -> 2017."""

    text: str
    span: Span
    value: str
    kind: str  # date / month / year / range / relative / period / lunar (value in the Chinese calendar)
    page: int | None = None
    bbox: BBox | None = None
    para: ParaPos | None = None  # formats without pages


@dataclass(frozen=True)
class Reference:
    """A cited document: 《…三年行动计划（2016—2018年）》（郑发〔2016〕35号）."""

    text: str
    span: Span
    doc_number: DocNumber | None
    title: str | None
    relation: str  # cites / drafts / self / other
    issuer_guess: str | None
    repaired: bool = False
    page: int | None = None
    bbox: BBox | None = None
    para: ParaPos | None = None  # formats without pages


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    span: Span
    label: str  # ORG / LOC / PER / EVENT
    source: str  # rule / model
    page: int | None = None
    bbox: BBox | None = None
    para: ParaPos | None = None  # formats without pages


@dataclass(frozen=True)
class Task:
    """A task and who must deliver it by when: 1.深入落实税收优惠政策。…（责任单位：省税务局）.

    ``span`` is the task's words (without its note); ``scope`` the stretch of
    text it covers (for a part's closing note, the whole part). ``units`` are
    the bodies as written, ``units_full`` with the level carried over (财政厅
    after 省商务厅 -> 省财政厅); ``targets`` are indices into the document's
    ``targets``. ``source``: note / part / table.
    """

    id: str
    text: str
    span: Span
    scope: Span
    section: str | None
    lead: tuple[str, ...]
    units: tuple[str, ...]
    units_full: tuple[str, ...]
    deadline: str | None  # ISO: 2023-06-30, 2025
    deadline_text: str | None  # as written: 6月底前, 长期坚持
    targets: tuple[int, ...]
    source: str
    page: int | None = None
    bbox: BBox | None = None
    para: ParaPos | None = None  # formats without pages


# --- the whole --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    sha256: str
    pages: int
    engine: str
    format: str = "pdf"  # pdf / ofd / docx / doc / wps / html: what the file is, read from its bytes


@dataclass(frozen=True)
class Document:
    source: Source
    text: str
    pages: tuple[PageInfo, ...]
    metadata: Metadata
    sections: tuple[Section, ...] = ()
    targets: tuple[Quantity, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    dates: tuple[DateMention, ...] = ()
    references: tuple[Reference, ...] = ()
    entities: tuple[Entity, ...] = ()
    tasks: tuple[Task, ...] = ()
    warnings: tuple[str, ...] = field(default=())

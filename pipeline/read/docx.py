"""DOCX -> styled paragraphs: text, size, colour, bold, alignment, indent, numbering, tables, text boxes.

Plain zip and XML (the standard library): ``word/document.xml`` in body
order, the styles of ``word/styles.xml`` (defaults, ``basedOn`` chains,
paragraph and character styles) under each paragraph's and run's own
properties, list numbers from ``word/numbering.xml`` written out as the
text they print (一、 （一） 1. ①), each table row as one paragraph of cells
joined by U+3000 (as cleanup writes a PDF table row), text boxes (a 版头 set
in a frame) where they are anchored, and a paragraph's top or bottom border
as a rule (the red line under the 发文字号). Headers and footers are
furniture: left out of the text, as a PDF's running header is.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree as ET

from pipeline.clean import FULL_SPACE
from pipeline.model import Paragraph
from pipeline.read.base import FormatError
from pipeline.read.paras import default_align

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STRICT_NS = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
# Word's own default when a document states no size: 10.5 pt (五号); sizes are in half-points.
DEFAULT_SIZE = 10.5
# A part may not inflate past this (a zip bomb named document.xml).
DEFAULT_MAX_PART_BYTES = 200 << 20
_ALIGN = {"center": "centre", "right": "right", "end": "right", "both": "justify", "distribute": "justify",
          "left": "left", "start": "left"}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_GAN = "甲乙丙丁戊己庚辛壬癸"
_DIGITS = "零一二三四五六七八九"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Run containers a paragraph's runs may sit in (links, tracked insertions, fields, content controls).
_SKIP = (W + "drawing", W + "pict", W + "txbxContent", W + "del", W + "moveFrom", W + "pPr")


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 16 -> 十六, 20 -> 二十, 105 -> 一百零五: how Word's chineseCounting writes a list number."""
    if n <= 0 or n >= 10000:
        return str(n)
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, value)
        if q:
            out += ("" if unit == "十" and q == 1 and not out else _DIGITS[q]) + unit
        elif out and n:
            out += "" if out.endswith("零") else "零"
    if n:
        out += _DIGITS[n]
    return out


@dataclass(frozen=True)
class _Style:
    """Run and paragraph properties, each None where not set (so layers merge)."""

    size: float | None = None
    color: str | None = None
    bold: bool | None = None
    align: str | None = None
    indent_chars: float | None = None  # first-line indent in characters (firstLineChars / 100)
    indent_twips: float | None = None  # first-line indent in twentieths of a point
    num: tuple[str, int] | None = None  # (numId, ilvl)
    border_top: str | None = None
    border_bottom: str | None = None

    def over(self, base: _Style) -> _Style:
        """These properties over ``base``'s."""
        return _Style(*(mine if mine is not None else theirs
                        for mine, theirs in zip(self.__dict__.values(), base.__dict__.values())))


def _attr(el: ET.Element | None, name: str) -> str | None:
    return None if el is None else el.get(W + name)


def _on(el: ET.Element | None) -> bool | None:
    """A toggle property: <w:b/> on, <w:b w:val="0"/> off, absent None."""
    if el is None:
        return None
    return _attr(el, "val") not in ("0", "false", "off", "none")


def _color(value: str | None) -> str | None:
    if not value or value == "auto" or len(value) != 6:
        return None
    return "#" + value.lower()


def _border(el: ET.Element | None) -> str | None:
    if el is None or _attr(el, "val") in (None, "nil", "none"):
        return None
    return _color(_attr(el, "color")) or "#000000"


def _run_props(rpr: ET.Element | None) -> _Style:
    if rpr is None:
        return _Style()
    sz = _attr(rpr.find(W + "sz"), "val")
    return _Style(size=float(sz) / 2 if sz and sz.replace(".", "").isdigit() else None,
                  color=_color(_attr(rpr.find(W + "color"), "val")), bold=_on(rpr.find(W + "b")))


def _para_props(ppr: ET.Element | None) -> _Style:
    if ppr is None:
        return _Style()
    style = _run_props(ppr.find(W + "rPr"))
    ind = ppr.find(W + "ind")
    chars = _attr(ind, "firstLineChars") or None
    twips = _attr(ind, "firstLine")
    hanging = _attr(ind, "hanging")
    numpr = ppr.find(W + "numPr")
    num = None
    if numpr is not None:
        num_id = _attr(numpr.find(W + "numId"), "val")
        level = _attr(numpr.find(W + "ilvl"), "val") or "0"
        if num_id is not None:
            num = (num_id, int(level) if level.isdigit() else 0)
    bdr = ppr.find(W + "pBdr")
    return replace(
        style, align=_ALIGN.get(_attr(ppr.find(W + "jc"), "val") or ""),
        indent_chars=float(chars) / 100 if chars and chars.lstrip("-").isdigit() else None,
        indent_twips=(float(twips) if twips and twips.lstrip("-").isdigit()
                      else -float(hanging) if hanging and hanging.isdigit() else None),
        num=num,
        border_top=_border(bdr.find(W + "top")) if bdr is not None else None,
        border_bottom=_border(bdr.find(W + "bottom")) if bdr is not None else None)


@dataclass
class _Styles:
    """The styles part: defaults, and each style resolved along its basedOn chain."""

    default: _Style = field(default_factory=_Style)
    default_para: str | None = None
    raw: dict[str, tuple[str | None, _Style]] = field(default_factory=dict)
    cache: dict[str, _Style] = field(default_factory=dict)

    def get(self, style_id: str | None, depth: int = 0) -> _Style:
        if style_id is None or style_id not in self.raw or depth > 20:
            return _Style()
        if style_id not in self.cache:
            base, own = self.raw[style_id]
            self.cache[style_id] = own.over(self.get(base, depth + 1))
        return self.cache[style_id]


def _read_styles(root: ET.Element | None) -> _Styles:
    out = _Styles()
    if root is None:
        return out
    defaults = root.find(W + "docDefaults")
    if defaults is not None:
        rpr = defaults.find(f"{W}rPrDefault/{W}rPr")
        ppr = defaults.find(f"{W}pPrDefault/{W}pPr")
        out.default = _para_props(ppr).over(_run_props(rpr))
    for st in root.findall(W + "style"):
        sid = _attr(st, "styleId")
        if not sid:
            continue
        own = _para_props(st.find(W + "pPr")).over(_run_props(st.find(W + "rPr")))
        out.raw[sid] = (_attr(st.find(W + "basedOn"), "val"), own)
        if _attr(st, "type") == "paragraph" and _attr(st, "default") in ("1", "true"):
            out.default_para = sid
    return out


# --- numbering ------------------------------------------------------------------


def format_number(n: int, fmt: str) -> str:
    """A list number as Word prints it in ``fmt``: (3, chineseCounting) -> 三, (2, decimalEnclosedCircle) -> ②."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "ideographDigital", "japaneseCounting"):
        return cn_number(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "decimalEnclosedFullstop") \
            and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "ideographTraditional" and 1 <= n <= len(_GAN):
        return _GAN[n - 1]
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 4000:
        vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
                (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        out = ""
        for v, s in vals:
            while n >= v:
                out, n = out + s, n - v
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("bullet", "none"):
        return ""
    return str(n)  # decimal, decimalZero, decimalFullWidth and the rest


@dataclass
class _Numbering:
    """Lists: each num's levels (start, format, text) and the counters as the document goes."""

    levels: dict[str, dict[int, tuple[int, str, str]]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    def label(self, num_id: str, level: int) -> str:
        """The text the next item of list ``num_id`` at ``level`` starts with: 三、 or （二）."""
        lvls = self.levels.get(num_id)
        if not lvls or level not in lvls:
            return ""
        counts = self.counters.setdefault(num_id, {})
        start, fmt, text = lvls[level]
        counts[level] = counts.get(level, start - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]
        if fmt == "bullet":
            return ""
        out = text
        for k in range(level, -1, -1):
            if f"%{k + 1}" in out and k in lvls:
                value = counts.get(k, lvls[k][0])
                out = out.replace(f"%{k + 1}", format_number(value, lvls[k][1]))
        return out


def _read_numbering(root: ET.Element | None) -> _Numbering:
    out = _Numbering()
    if root is None:
        return out
    abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
    for a in root.findall(W + "abstractNum"):
        lvls = {}
        for lvl in a.findall(W + "lvl"):
            ilvl = _attr(lvl, "ilvl") or "0"
            start = _attr(lvl.find(W + "start"), "val") or "1"
            lvls[int(ilvl) if ilvl.isdigit() else 0] = (
                int(start) if start.isdigit() else 1, _attr(lvl.find(W + "numFmt"), "val") or "decimal",
                _attr(lvl.find(W + "lvlText"), "val") or "")
        abstract[_attr(a, "abstractNumId") or ""] = lvls
    for num in root.findall(W + "num"):
        lvls = dict(abstract.get(_attr(num.find(W + "abstractNumId"), "val") or "", {}))
        for ov in num.findall(W + "lvlOverride"):
            ilvl = _attr(ov, "ilvl") or "0"
            override = _attr(ov.find(W + "startOverride"), "val")
            k = int(ilvl) if ilvl.isdigit() else 0
            if override and override.isdigit() and k in lvls:
                lvls[k] = (int(override), *lvls[k][1:])
        out.levels[_attr(num, "numId") or ""] = lvls
    return out


# --- the body --------------------------------------------------------------------


@dataclass
class _Reader:
    styles: _Styles
    numbering: _Numbering
    index: int = 0
    out: list[Paragraph] = field(default_factory=list)
    pending_rule: str | None = None  # a bottom border waiting for the next paragraph

    def paragraph(self, p: ET.Element, table_row: bool = False) -> tuple[str, _Style, list[tuple[str, _Style]]]:
        """A paragraph's text, its resolved paragraph style, and its runs (text, style)."""
        ppr = p.find(W + "pPr")
        own = _para_props(ppr)
        style_id = _attr(ppr.find(W + "pStyle"), "val") if ppr is not None else None
        pstyle = own.over(self.styles.get(style_id or self.styles.default_para)).over(self.styles.default)
        runs: list[tuple[str, _Style]] = []
        boxes: list[ET.Element] = []
        for r in _runs(p):
            rpr = r.find(W + "rPr")
            if rpr is not None and _on(rpr.find(W + "vanish")):
                continue  # hidden text: never printed
            rstyle_id = _attr(rpr.find(W + "rStyle"), "val") if rpr is not None else None
            style = _run_props(rpr).over(self.styles.get(rstyle_id)).over(pstyle)
            parts = []
            for child in r:
                tag = child.tag
                if tag == W + "t":
                    parts.append(child.text or "")
                elif tag == W + "tab":
                    parts.append(FULL_SPACE)
                elif tag in (W + "br", W + "cr"):
                    parts.append("\n")
                elif tag == _MC + "AlternateContent":  # a choice and its fallback: the same box twice
                    for option in child:
                        found = list(option.iter(W + "txbxContent"))
                        if found:
                            boxes.extend(found)
                            break
                elif tag in (W + "drawing", W + "pict"):
                    boxes.extend(child.iter(W + "txbxContent"))
            if parts:
                runs.append(("".join(parts), style))
        for box in boxes:  # text boxes first: a 版头 drawn in a frame anchored to this paragraph
            self.block(box)
        label = ""
        if pstyle.num is not None:
            label = self.numbering.label(*pstyle.num)
        text = label + "".join(t for t, _ in runs)
        return text, pstyle, runs

    def emit(self, p: ET.Element) -> None:
        self.index += 1
        text, pstyle, runs = self.paragraph(p)
        weights: dict[tuple, int] = {}
        for t, s in runs:
            key = (s.size or DEFAULT_SIZE, s.color, bool(s.bold))
            weights[key] = weights.get(key, 0) + len(t.strip())
        size, color, bold = max(weights, key=weights.__getitem__) if weights and max(weights.values()) else (
            pstyle.size or DEFAULT_SIZE, pstyle.color, bool(pstyle.bold))
        indent = pstyle.indent_chars if pstyle.indent_chars is not None else (
            (pstyle.indent_twips or 0.0) / 20 / size)
        rule = self.pending_rule or pstyle.border_top
        self.pending_rule = pstyle.border_bottom
        for k, line in enumerate(text.split("\n")):  # a line break inside a paragraph parts it, as a PDF line does
            if line.strip() or k == 0:
                self.out.append(Paragraph(line, self.index, size, color, bold, pstyle.align or default_align(line),
                                          round(indent, 2) if k == 0 else 0.0, rule if k == 0 else None))

    def row(self, tr: ET.Element) -> None:
        """A table row as one paragraph of its cells joined by U+3000, in the style most of its text has
        (a 版头 laid out as a table keeps its red and its size: 东川市财政局　文件)."""
        filled = [tc for tc in tr.findall(W + "tc") if "".join(t.text or "" for t in tc.iter(W + "t")).strip()]
        if len(filled) == 1:  # a table used as a frame (a 版记 box, a 版头 cell): its paragraphs as they are
            for p in filled[0].iter(W + "p"):
                self.emit(p)
            return
        self.index += 1
        cells: list[str] = []
        weights: dict[tuple, int] = {}
        aligns: set[str] = set()
        for tc in tr.findall(W + "tc"):
            texts = []
            for p in tc.iter(W + "p"):
                text, pstyle, runs = self.paragraph(p, table_row=True)
                texts.append(text.replace("\n", ""))
                for t, st in runs:
                    key = (st.size or DEFAULT_SIZE, st.color, bool(st.bold))
                    weights[key] = weights.get(key, 0) + len(t.strip())
                if text.strip():
                    aligns.add(pstyle.align or "left")
            cells.append("".join("".join(texts).split()))
        cells = [c for c in cells if c]
        if cells:
            size, color, bold = max(weights, key=weights.__getitem__) if weights else (DEFAULT_SIZE, None, False)
            align = aligns.pop() if len(aligns) == 1 else "left"
            self.out.append(Paragraph(FULL_SPACE.join(cells), self.index, size, color, bold, align,
                                      table_row=len(cells) > 1))

    def block(self, container: ET.Element) -> None:
        """Paragraphs and tables of the body (or a text box, a content control) in order."""
        for child in container:
            tag = child.tag
            if tag == W + "p":
                self.emit(child)
            elif tag == W + "tbl":
                for tr in child.iter(W + "tr"):
                    self.row(tr)
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag"):
                self.block(child)


def _runs(el: ET.Element) -> Iterator[ET.Element]:
    """A paragraph's runs in order, through links, insertions, fields and content controls, not into text boxes."""
    for child in el:
        if child.tag == W + "r":
            yield child
        elif child.tag == _MC + "AlternateContent":  # a choice and its fallback hold the same runs: one of them
            for option in child:
                found = list(_runs(option))
                if found:
                    yield from found
                    break
        elif child.tag not in _SKIP:
            yield from _runs(child)


def _part(z: zipfile.ZipFile, name: str, path: Path) -> ET.Element | None:
    try:
        info = z.getinfo(name)
    except KeyError:
        return None
    if info.file_size > DEFAULT_MAX_PART_BYTES:
        raise FormatError(f"{path}: {name} inflates beyond {DEFAULT_MAX_PART_BYTES >> 20} MB (the limit)")
    try:
        # Strict OOXML names the same elements in another namespace
        return ET.fromstring(z.read(name).replace(STRICT_NS, W[1:-1].encode()))
    except ET.ParseError as e:
        raise FormatError(f"{path}: damaged DOCX ({name}: {e})") from None


def read_docx(path: str | Path, name: str | Path | None = None) -> Iterator[Paragraph]:
    """Read a DOCX's body as styled paragraphs, in document order.

    Args:
        path: the .docx (or the DOCX LibreOffice made of a .doc or .wps).
        name: the file to name in errors, when ``path`` is such a conversion.

    Returns:
        Paragraphs: ``Paragraph("郑州市人民政府办公厅文件", 1, size=36.0, color="#ff0000", align="centre")``…

    Raises:
        FormatError: not a readable DOCX.
    """
    path = Path(path)
    shown = Path(name) if name is not None else path
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise FormatError(f"{shown}: damaged DOCX ({e})") from None
    with z:
        try:
            doc = _part(z, "word/document.xml", shown)
            styles = _read_styles(_part(z, "word/styles.xml", shown))
            numbering = _read_numbering(_part(z, "word/numbering.xml", shown))
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as e:
            raise FormatError(f"{shown}: damaged DOCX ({type(e).__name__}: {e})") from None
    if doc is None or doc.find(W + "body") is None:
        raise FormatError(f"{shown}: damaged DOCX (no document body)")
    reader = _Reader(styles, numbering)
    reader.block(doc.find(W + "body"))  # type: ignore[arg-type]
    return iter(reader.out)

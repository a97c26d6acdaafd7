"""OFD (GB/T 33190-2016) -> pages of positioned characters, as a PDF engine gives them.

An OFD is a zip: ``OFD.xml`` names each document's root (``Doc_0/Document.xml``),
which gives the page size, the resource files (fonts, colour spaces) and
the pages (``Pages/Page_0/Content.xml``) with their templates. A page's
layers hold ``TextObject``s: a ``Boundary`` (x y w h, millimetres, origin
top-left), a ``Font``, a ``Size``, an optional ``CTM``, a ``FillColor`` and
``TextCode``s whose ``X``/``Y`` place the first glyph's baseline and whose
``DeltaX`` steps the rest (``g 3 5.6`` is three steps of 5.6). Each glyph
becomes a ``Char`` in points with its box, size, font and colour, through
the same ``make_char`` folding the PDF engines use; thin long
``PathObject``s become ``Rule``s (the red line under the 发文字号). So the red
发文机关标志, the rules and the layout read exactly as in a PDF.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from pipeline.model import Char, RawPage, Rule
from pipeline.pages import dedupe_overprint, is_rule, make_char
from pipeline.read.base import FormatError

MM = 72 / 25.4  # points per millimetre
# A4, when a document states no page area.
DEFAULT_PAGE_BOX = (0.0, 0.0, 210.0, 297.0)
# Share of the font size above the baseline (ascent) and below it (descent), as PDF engines box CJK glyphs.
DEFAULT_ASCENT = 0.88
DEFAULT_DESCENT = 0.12
# A part may not inflate past this (a zip bomb named Content.xml).
DEFAULT_MAX_PART_BYTES = 100 << 20
# Nesting of page blocks followed at most.
DEFAULT_MAX_DEPTH = 32


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> Iterator[ET.Element]:
    return (c for c in el if _local(c.tag) == name)


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    return None if el is None else next(_children(el, name), None)


def _floats(text: str | None) -> list[float]:
    out = []
    for t in (text or "").replace(",", " ").split():
        try:
            out.append(float(t))
        except ValueError:
            pass
    return out


def deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY as steps: "5.6 g 3 4.2 1" -> [5.6, 4.2, 4.2, 4.2, 1.0]."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            try:
                out.extend([float(tokens[i + 2])] * int(float(tokens[i + 1])))
            except ValueError:
                pass
            i += 3
            continue
        try:
            out.append(float(tokens[i]))
        except ValueError:
            pass
        i += 1
    return out


def colour(el: ET.Element | None, spaces: dict[str, str]) -> str | None:
    """An OFD colour as #rrggbb: Value "255 0 0" (RGB), one value gray, four CMYK; None when not given."""
    if el is None:
        return None
    values = _floats(el.get("Value"))
    kind = spaces.get(el.get("ColorSpace") or "", "")
    top = 255.0
    if len(values) == 1 or kind == "GRAY":
        r = g = b = values[0] / top if values else 0.0
    elif len(values) == 4 or kind == "CMYK":
        c, m, y, k = (v / top for v in (values + [0.0] * 4)[:4])
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    elif len(values) >= 3:
        r, g, b = (v / top for v in values[:3])
    else:
        return None
    return "#" + "".join(f"{max(0, min(255, round(v * 255))):02x}" for v in (r, g, b))


@dataclass
class _Doc:
    """One OFD document: its zip, folder, fonts, colour spaces, templates and default page box."""

    zf: zipfile.ZipFile
    shown: Path
    fonts: dict[str, tuple[str, bool]] = field(default_factory=dict)  # ID -> (name, bold)
    spaces: dict[str, str] = field(default_factory=dict)  # colour space ID -> RGB / GRAY / CMYK
    templates: dict[str, str] = field(default_factory=dict)  # template ID -> Content.xml path
    box: tuple[float, ...] = DEFAULT_PAGE_BOX

    def xml(self, name: str) -> ET.Element:
        name = name.lstrip("/")
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            lower = {n.lower(): n for n in self.zf.namelist()}
            if name.lower() not in lower:
                raise FormatError(f"{self.shown}: damaged OFD (no {name})") from None
            info = self.zf.getinfo(lower[name.lower()])
        if info.file_size > DEFAULT_MAX_PART_BYTES:
            raise FormatError(f"{self.shown}: {name} inflates beyond {DEFAULT_MAX_PART_BYTES >> 20} MB (the limit)")
        try:
            return ET.fromstring(self.zf.read(info))
        except ET.ParseError as e:
            raise FormatError(f"{self.shown}: damaged OFD ({name}: {e})") from None
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as e:
            raise FormatError(f"{self.shown}: damaged OFD ({name}: {type(e).__name__})") from None


def _resolve(base_dir: str, loc: str) -> str:
    """A BaseLoc against the folder of the file naming it; an absolute one from the package root."""
    loc = loc.strip()
    if loc.startswith("/"):
        return posixpath.normpath(loc.lstrip("/"))
    return posixpath.normpath(posixpath.join(base_dir, loc))


def _read_res(doc: _Doc, path: str) -> None:
    res = doc.xml(path)  # its BaseLoc folder holds font files and images, never read: fonts are named
    for fonts in _children(res, "Fonts"):
        for font in _children(fonts, "Font"):
            name = font.get("FontName") or font.get("FamilyName") or ""
            bold = (font.get("Bold") or "").lower() == "true"
            doc.fonts[font.get("ID") or ""] = (name, bold)
    for spaces in _children(res, "ColorSpaces"):
        for cs in _children(spaces, "ColorSpace"):
            doc.spaces[cs.get("ID") or ""] = (cs.get("Type") or "RGB").upper()


def _text_chars(obj: ET.Element, doc: _Doc, origin: tuple[float, float], out: list[Char]) -> None:
    bx, by, *_ = _floats(obj.get("Boundary")) + [0.0, 0.0]
    ox, oy = origin[0] + bx, origin[1] + by
    ctm = _floats(obj.get("CTM"))
    a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    scale = math.sqrt(abs(a * d - b * c)) or 1.0
    size = (_floats(obj.get("Size")) or [3.5])[0]
    font, font_bold = doc.fonts.get(obj.get("Font") or "", ("", False))
    weight = _floats(obj.get("Weight"))
    bold = font_bold or (bool(weight) and weight[0] >= 600) or (obj.get("Bold") or "").lower() == "true"
    if bold and not re.search(r"bold|hei|黑", font, re.I):
        font = f"{font}-Bold"  # make_char reads bold from the font name
    fill = colour(_child(obj, "FillColor"), doc.spaces) or "#000000"
    pt = size * scale * MM
    cx = cy = 0.0
    for code in _children(obj, "TextCode"):
        text = code.text or ""
        if not text:
            continue
        x = _floats(code.get("X"))
        y = _floats(code.get("Y"))
        # a TextCode without X or Y goes on where the one before ended
        cx, cy = (x[0] if x else cx), (y[0] if y else cy)
        dx, dy = deltas(code.get("DeltaX")), deltas(code.get("DeltaY"))
        for i, ch in enumerate(text):
            step = dx[i] if i < len(dx) else (size if ord(ch) > 0x2E7F else size / 2)
            px, py = a * cx + c * cy + e, b * cx + d * cy + f
            width = (step if i < len(dx) else (size if ord(ch) > 0x2E7F else size / 2)) * scale
            if not ch.isspace() or ch == "\u3000":
                x0, base = (ox + px) * MM, (oy + py) * MM
                x1 = x0 + min(width, size * scale) * MM
                out.append(make_char(ch, x0, base - DEFAULT_ASCENT * pt, x1, base + DEFAULT_DESCENT * pt, pt,
                                     font, fill))
            cx += step
            if i < len(dy):
                cy += dy[i]


def _path_rule(obj: ET.Element, doc: _Doc, origin: tuple[float, float]) -> Rule | None:
    bx, by, bw, bh = (_floats(obj.get("Boundary")) + [0.0] * 4)[:4]
    width = (_floats(obj.get("LineWidth")) or [0.353])[0]
    data = _child(obj, "AbbreviatedData")
    points = _floats(re.sub(r"[A-Za-z]", " ", data.text or "") if data is not None else "")
    if len(points) >= 4:
        xs, ys = points[0::2], points[1::2]
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    else:
        x0, x1, top, bottom = 0.0, bw, 0.0, bh
    filled = (obj.get("Fill") or "false").lower() == "true"
    stroked = (obj.get("Stroke") or "true").lower() != "false"
    pad = width / 2 if stroked else 0.0
    x0, x1 = (origin[0] + bx + x0) * MM, (origin[0] + bx + x1) * MM
    top, bottom = (origin[1] + by + top - pad) * MM, (origin[1] + by + bottom + pad) * MM
    if not is_rule(x0, top, x1, bottom):
        return None
    col = colour(_child(obj, "FillColor"), doc.spaces) if filled else colour(_child(obj, "StrokeColor"), doc.spaces)
    return Rule(x0, top, x1, bottom, col or "#000000")


def _layer(el: ET.Element, doc: _Doc, chars: list[Char], rules: list[Rule], origin: tuple[float, float],
           depth: int = 0) -> None:
    if depth > DEFAULT_MAX_DEPTH:
        return
    for obj in el:
        kind = _local(obj.tag)
        if kind == "TextObject":
            _text_chars(obj, doc, origin, chars)
        elif kind == "PathObject":
            rule = _path_rule(obj, doc, origin)
            if rule is not None:
                rules.append(rule)
        elif kind == "PageBlock":
            _layer(obj, doc, chars, rules, origin, depth + 1)


def _content(page: ET.Element, doc: _Doc, chars: list[Char], rules: list[Rule]) -> None:
    content = _child(page, "Content")
    if content is not None:
        for layer in _children(content, "Layer"):
            _layer(layer, doc, chars, rules, (0.0, 0.0))


def _page(doc: _Doc, number: int, path: str) -> RawPage:
    chars: list[Char] = []
    rules: list[Rule] = []
    page = doc.xml(path)
    physical = _child(_child(page, "Area"), "PhysicalBox")
    box = _floats(physical.text if physical is not None else "") or list(doc.box)
    for tpl in _children(page, "Template"):  # a 版头 or running lines drawn once for many pages
        where = doc.templates.get(tpl.get("TemplateID") or "")
        if where:
            _content(doc.xml(where), doc, chars, rules)
    _content(page, doc, chars, rules)
    width, height = (box[2] * MM, box[3] * MM) if len(box) >= 4 else (DEFAULT_PAGE_BOX[2] * MM, DEFAULT_PAGE_BOX[3] * MM)
    return RawPage(number, round(width, 2), round(height, 2), tuple(dedupe_overprint(chars)),
                   tuple(sorted(rules, key=lambda r: r.top)))


def read_ofd(path: str | Path) -> Iterator[RawPage]:
    """Read every page of an OFD's first document as positioned characters.

    Args:
        path: the .ofd file.

    Returns:
        One ``RawPage`` per page, boxes in points with the origin at the top-left,
        sizes in points, colours as #rrggbb: the red 发文机关标志 reads as a PDF's does.

    Raises:
        FormatError: not a readable OFD (no OFD.xml, no document, damaged XML).
    """
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise FormatError(f"{path}: damaged OFD ({e})") from None
    with zf:
        doc = _Doc(zf, path)
        root = doc.xml("OFD.xml")
        body = _child(root, "DocBody")
        doc_root = _child(body, "DocRoot")
        if doc_root is None or not (doc_root.text or "").strip():
            raise FormatError(f"{path}: damaged OFD (OFD.xml names no document)")
        doc_path = _resolve("", doc_root.text or "")
        folder = posixpath.dirname(doc_path)
        document = doc.xml(doc_path)
        common = _child(document, "CommonData")
        area = _child(_child(common, "PageArea"), "PhysicalBox")
        if area is not None and len(_floats(area.text)) == 4:
            doc.box = tuple(_floats(area.text))
        for kind in ("PublicRes", "DocumentRes"):
            for res in _children(common, kind) if common is not None else ():
                if (res.text or "").strip():
                    _read_res(doc, _resolve(folder, res.text or ""))
        for tpl in _children(common, "TemplatePage") if common is not None else ():
            if tpl.get("BaseLoc"):
                doc.templates[tpl.get("ID") or ""] = _resolve(folder, tpl.get("BaseLoc") or "")
        pages = _child(document, "Pages")
        entries = [p for p in _children(pages, "Page")] if pages is not None else []
        if not entries:
            raise FormatError(f"{path}: OFD has no pages")
        out = [_page(doc, k, _resolve(folder, p.get("BaseLoc") or "")) for k, p in enumerate(entries, 1)]
    return iter(out)

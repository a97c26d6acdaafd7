"""A PDFium text page's drawn characters, boxed as pdfminer boxes them.

A character spans its advance horizontally and, vertically, one font size
from the font's descent line up; 郑 of the sample, 35 pt, comes out at
(87.64, 208.33)-(122.64, 243.33). The per-character reads run in C when
``pipeline._speedups`` is built (``scan_drawn``); ``read_drawn`` is their
ctypes reference and fallback, and the two give the same values.
"""

from __future__ import annotations

import ctypes

from pipeline.model import Char
from pipeline.pages import fold_char, is_bold_font
from pipeline.pdfium_api import Matrix, PdfiumApi, apply_matrix, mult

# Characters PDFium may generate between text objects (FPDFText_IsGenerated).
MAYBE_GENERATED = frozenset(" \r\n")
# A probe for FPDFFont_GetGlyphWidth, which maps a Unicode value to the font's
# character code: a value the font does not map gives the width of the
# fallback code, the same as for a value no font maps.
UNMAPPED = 0xFFFF


class Style:
    """What one text object gives all its characters: font, size, fill, matrix."""

    __slots__ = ("name", "bold", "size", "color", "descent", "matrix", "font", "fast", "glyphs")
    name: str
    bold: bool
    size: float  # Tf, before the matrix
    color: str | None
    descent: float  # in text space, negative
    matrix: tuple[float, float, float, float]
    font: int  # the FPDF_FONT handle
    fast: tuple[float, float, float, str, str | None, bool] | None
    # character -> (folded character, advance in 1/1000 em), shared by the font's styles
    glyphs: dict[str, tuple[str, float]]


class Styles:
    """The styles of a page's text objects, read once per object and shared by equal ones.

    A WPS or reportlab page draws every glyph as its own text object (7,420
    objects for the sample's 17 pages), so objects are keyed by what they
    share (font, size, fill, matrix) and the font's name and descent are
    read once per font.

    Glyph advances are kept for the whole document in ``glyphs``, keyed by
    the font's name (with its subset tag: ABCDEF+FZFSK) and descent rather
    than by its handle: PDFium may free a page's fonts when the page closes
    and put another font at the same address.
    """

    def __init__(self, api: PdfiumApi, glyphs: dict[tuple[str, float], dict[str, tuple[str, float]]] | None = None
                 ) -> None:
        self.api = api
        self._glyphs = {} if glyphs is None else glyphs
        self.by_object: dict[int, Style] = {}
        self._by_key: dict[tuple, Style] = {}
        self._fonts: dict[int, tuple[str, bool, float, dict[str, tuple[str, float]]]] = {}
        self._size = ctypes.c_float()
        self._rgba = [ctypes.c_uint() for _ in range(4)]
        self._matrix = api.FS_MATRIX()
        self._refs = (ctypes.byref(self._size), [ctypes.byref(v) for v in self._rgba], ctypes.byref(self._matrix))
        self._buf = ctypes.create_string_buffer(256)

    def of_char(self, tp: int, index: int, obj: int) -> Style:
        """The style of character ``index``'s text object, whose matrix the text page knows."""
        m = self._matrix
        four = (m.a, m.b, m.c, m.d) if self.api.char_matrix(tp, index, self._refs[2]) else (1.0, 0.0, 0.0, 1.0)
        st = self.by_object[obj] = self.of_object(obj, four)
        return st

    def of_object(self, obj: int, matrix: tuple[float, float, float, float]) -> Style:
        """The style of a text object drawn with ``matrix`` (its linear part, in user space)."""
        api = self.api
        size = float(self._size.value) if api.font_size(obj, self._refs[0]) else 0.0
        font = api.text_font(obj) or 0
        r, g, b, _a = self._rgba
        rgb = (r.value, g.value, b.value) if api.fill_color(obj, *self._refs[1]) else None
        return self.of_key(font, size, rgb, matrix)

    def of_key(self, font: int, size: float, rgb: tuple[int, int, int] | None,
               matrix: tuple[float, float, float, float]) -> Style:
        """The style of what a text object gives: its font handle, size, fill and matrix."""
        key = (font, size, rgb, matrix)
        st = self._by_key.get(key)
        if st is not None:
            return st
        name, bold, descent, glyphs = self._font(font)
        st = Style()
        st.font, st.size, st.name, st.bold, st.glyphs = font, size, name, bold, glyphs
        # PDF 9.8.1: /Descent is negative; pdfminer makes a positive one negative too
        st.descent = -abs(descent) * size / 1000
        st.color = None if rgb is None else "#{:02x}{:02x}{:02x}".format(*rgb)
        st.matrix = matrix
        a, b_, c, d = matrix
        # upright text: (advance scale per 1/1000 em, descent drop, size, name, fill, bold)
        st.fast = (size * a / 1000, st.descent * d, size * d, name, st.color, bold) \
            if a > 0 and d > 0 and b_ == 0 and c == 0 else None
        self._by_key[key] = st
        return st

    def _font(self, font: int) -> tuple[str, bool, float, dict[str, tuple[str, float]]]:
        got = self._fonts.get(font)
        if got is None:
            name, descent = "", 0.0
            if font:
                buf = self._buf
                n = self.api.font_name(font, buf, len(buf))
                if 0 < n <= len(buf):
                    name = buf.value.decode("utf-8", "replace")
                if self.api.font_descent(font, 1000.0, self._refs[0]):
                    descent = float(self._size.value)
            # a font without a name shares its advances with no other
            glyphs = self._glyphs.setdefault((name, descent), {}) if name else {}
            got = self._fonts[font] = (name, is_bold_font(name), descent, glyphs)
        return got


def glyph_box(st: Style, ctm: Matrix, x: float, y: float, adv: float) -> tuple[float, float, float, float, float]:
    """pdfminer's box for a glyph at user-space origin (x, y) that advances ``adv`` in text space.

    The text-space rectangle (0, descent)-(adv, descent + size) is mapped by the
    character's matrix and the page rotation; the box is its bounds in
    device space and the size is the box's height, as pdfminer's ``LTChar``
    has them.
    """
    a, b, c, d = st.matrix
    fs, desc = st.size, st.descent
    m = mult((a, b, c, d, x, y), ctm)
    xs = []
    ys = []
    for u, v in ((0.0, desc), (adv, desc), (0.0, desc + fs), (adv, desc + fs)):
        px, py = apply_matrix(m, u, v)
        xs.append(px)
        ys.append(py)
    y0, y1 = min(ys), max(ys)
    return min(xs), y0, max(xs), y1, y1 - y0


# What a text page gives per drawn character: the text, and per character its
# index on the text page, style, user-space origin (x, y) and text object;
# last, the positions where a (style, character) pair first appears.
Drawn = tuple[str, list[int], list[Style], list[float], list[float], list[int], list[int]]


def read_drawn(api: PdfiumApi, tp: int, styles: Styles) -> Drawn:
    """A text page's drawn characters through ctypes, one foreign call at a time.

    The reference for ``_speedups.chars``, which makes the same calls in C;
    ``styles.by_object`` is filled with the style of every text object used.
    """
    n = api.count_chars(tp)
    if n <= 0:
        return "", [], [], [], [], [], []
    ubuf = (ctypes.c_ushort * (n + 1))()
    got = api.get_text(tp, 0, n, ubuf)
    text = bytes(ubuf)[: max(0, got - 1) * 2].decode("utf-16-le", "surrogatepass") if got > 0 else ""
    # the text skips control characters and splits characters beyond the BMP:
    # then read them one by one
    per_index = len(text) == n
    ox, oy = ctypes.c_double(), ctypes.c_double()
    pox, poy = ctypes.byref(ox), ctypes.byref(oy)
    kept: list[str] = []
    indices: list[int] = []
    sts: list[Style] = []
    xs: list[float] = []
    ys: list[float] = []
    owners: list[int] = []
    text_object, char_origin, by_object, of_char = api.text_object, api.char_origin, styles.by_object, styles.of_char
    is_generated = api.is_generated
    for i in range(n):
        if per_index:
            ch = text[i]
        else:
            u = api.get_unicode(tp, i)
            if u == 2:  # PDFium's mark for a hyphen that ends a line
                u = 0x2D
            if u == 0 or u == 0xFFFE or u > 0x10FFFF:
                continue  # a glyph with no Unicode value
            ch = chr(u)
        if ch in MAYBE_GENERATED and is_generated(tp, i):
            continue
        obj = text_object(tp, i)
        if not obj:
            continue
        st = by_object.get(obj)
        if st is None:
            st = of_char(tp, i, obj)
        char_origin(tp, i, pox, poy)
        kept.append(ch)
        indices.append(i)
        sts.append(st)
        xs.append(ox.value)
        ys.append(oy.value)
        owners.append(obj)
    text = "".join(kept)
    return text, indices, sts, xs, ys, owners, first_of_each(text, sts)


def first_of_each(text: str, sts: list[Style]) -> list[int]:
    """The positions where a (style, character) pair appears for the first time, in order."""
    n = len(text)
    first = dict(zip(zip(map(id, reversed(sts)), reversed(text)), range(n - 1, -1, -1)))
    return sorted(first.values())


def scan_drawn(scan, tp: int, styles: Styles) -> Drawn:
    """``read_drawn`` through the C module ``_speedups``: the same values, one foreign call a page."""
    text, indices, sids, xs, ys, owners, keys, firsts = scan.chars(tp)
    by_sid = [styles.of_key(*key) for key in keys]
    sts = list(map(by_sid.__getitem__, sids))
    styles.by_object.update(zip(owners, sts))
    return text, indices, sts, xs, ys, owners, firsts


def read_glyphs(api: PdfiumApi, tp: int, text: str, indices: list[int], sts: list[Style], firsts: list[int]) -> None:
    """Fill each style's ``glyphs`` with the glyphs a page draws in it: folded text and advance.

    Each (style, glyph) is read at its first appearance on the page
    (``firsts``), the order in which a loop over the characters would meet
    them, so the document's shared advance caches fill the same way whichever
    path boxes the characters.
    """
    box = api.FS_RECTF()
    pbox = ctypes.byref(box)
    probes: dict[int, float | None] = {}
    cells = [ctypes.c_double() for _ in range(4)] + [ctypes.c_float()]
    scratch = (cells, [ctypes.byref(v) for v in cells])
    for k in firsts:
        st, ch, i = sts[k], text[k], indices[k]
        if ch not in st.glyphs:
            api.loose_box(tp, i, pbox)
            st.glyphs[ch] = (fold_char(ch), glyph_advance(api, tp, i, st, ch, box, probes, scratch))


def page_chars(api: PdfiumApi, tp: int, frame: tuple[Matrix, float, float, float, float],
               styles: Styles, scan=None) -> tuple[list[Char], list[int], list[int]]:
    """A text page's drawn characters in pdfplumber's frame, and the text object and text-page index of each.

    ``styles.by_object`` is filled with the style of every text object the text
    page used; ``scan`` is the bound C module (``pdfium_api.scanner``), or None
    for the ctypes reads.
    """
    drawn = read_drawn(api, tp, styles) if scan is None else scan_drawn(scan, tp, styles)
    text, indices, sts, xs, ys, owners, firsts = drawn
    read_glyphs(api, tp, text, indices, sts, firsts)
    ctm, _w, height, dx, dtop = frame
    ex = ctm[4] + dx
    base = height - ctm[5] + dtop  # the top of the frame's y axis, in user space
    plain = ctm[:4] == (1, 0, 0, 1)
    chars = []
    for ch, st, x, y in zip(text, sts, xs, ys):
        glyph = st.glyphs[ch]
        fast = st.fast
        if fast is not None and plain:
            # the common case, without matrices: the box is the advance wide
            # and one font size tall, from the descent line up
            em, drop, size, name, color, bold = fast
            x0 = x + ex
            bottom = base - y - drop
            chars.append(Char(glyph[0], x0, bottom - size, x0 + glyph[1] * em, bottom, size, name, color, bold))
        else:
            x0, y0, x1, y1, size = glyph_box(st, ctm, x, y, glyph[1] * st.size / 1000)
            chars.append(Char(glyph[0], x0 + dx, height - y1 + dtop, x1 + dx, height - y0 + dtop, size, st.name,
                              st.color, st.bold))
    return chars, owners, indices


def glyph_advance(api: PdfiumApi, tp: int, i: int, st: Style, ch: str, box, probes: dict[int, float | None], buf
             ) -> float:
    """A glyph's advance in 1/1000 em, as pdfminer's box has it.

    Two readings: the width of the code the font maps ``ch`` from
    (``FPDFFont_GetGlyphWidth``) and the width of PDFium's loose box, which is
    the advance united with the glyph's ink box. They agree for most glyphs;
    a blank glyph (U+3000) has an empty loose box, an overhanging glyph a
    wider one, and a code the font cannot map back gives the fallback width.
    For a font without usable metrics the loose box is only the ink box.

    Args:
        buf: four ``c_double`` and their ``byref`` pointers, reused across calls.
    """
    fs, a = st.size, st.matrix[0]
    loose = (box.right - box.left) / (a * fs) * 1000 if abs(a * fs) > 1e-9 else 0.0
    if not st.font:
        return loose
    cells, refs = buf
    if not api.glyph_width(st.font, ord(ch[0]), 1000.0, refs[4]):
        return loose
    mapped = float(cells[4].value)
    if mapped < 0:  # a vertical font (Identity-V) gives its vertical advance
        return -mapped
    if loose > 0.01 and abs(loose - mapped) < 1:
        return loose
    if api.char_box(tp, i, *refs[:4]):
        left, right, bottom, top = (v.value for v in cells[:4])
        if (abs(left - box.left) < 1e-3 and abs(right - box.right) < 1e-3 and abs(bottom - box.bottom) < 1e-3
                and abs(top - box.top) < 1e-3):
            return mapped  # the loose box is only the ink box: the font has no usable metrics
    if loose <= 0.01:
        return mapped
    if st.font not in probes:
        probes[st.font] = float(cells[4].value) if api.glyph_width(st.font, UNMAPPED, 1000.0, refs[4]) else None
    return loose if mapped == probes[st.font] else mapped

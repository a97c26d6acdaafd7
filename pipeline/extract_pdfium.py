"""The PDFium engine: ``pdfium_pages(path, password) -> Iterator[RawPage]``.

PDFium (through pypdfium2's raw ctypes API) builds a page's text many times
faster than pdfminer. This engine gives the same characters, boxes, font
sizes, fill colours and rules as the pdfplumber engine, so cleanup and
everything after it produce the same JSON (``tests/test_engines.py``).
The per-character calls run in C when ``pipeline._speedups`` is built
(``_scan``); the ctypes code here is its reference and fallback, and the two
give the same pages.

- boxes follow pdfminer's convention, not PDFium's glyph-tight box: a
  character spans its advance horizontally and, vertically, one font size
  from the font's descent line (``FontDescriptor /Descent``) up; the
  text-space rectangle is mapped by the character's matrix and the page
  rotation, with the origin at the top-left of the MediaBox, as pdfplumber
  has it (郑 at (87.64, 208.33)-(122.64, 243.33), 35 pt, #de0000).
- spaces and line breaks PDFium makes up (``FPDFText_IsGenerated``) are
  dropped: pdfminer reports only glyphs the content stream draws.
- PDFium's text page leaves out two things pdfminer keeps, and they are put
  back here (``_recover_skipped``): a text object of blank glyphs only (the
  U+3000 of 中共河南省委　河南省人民政府 drawn as its own run), and a text
  object drawn again over itself (fake bold, as WPS draws 标题), whose first
  copy is marked bold as ``dedupe_overprint`` does.
- rules are painted paths shaped as one straight segment or an axis-aligned
  rectangle, classified the way pdfminer classifies ``LTLine``/``LTRect``.
- a page turned by ``/Rotate`` whose text is upright on the unturned page
  (a portrait document shown sideways) is read on the unturned page, so its
  lines come in reading order; pdfminer reads the turned page, where they
  are columns. Text drawn turned, to read upright once the page is turned,
  is read on the turned page, as pdfminer does.
- a page whose text page counts over four times ``extract.DEFAULT_MAX_PAGE_CHARS``
  characters is given unread, ``unreadable``, before any per-glyph work.

Known differences (none in the samples or fixtures): a font whose
descriptor has no /Descent (pdfminer takes 0, PDFium measures the glyphs;
boxes move by up to ~0.15 em), vertical (Identity-V) fonts, text with
/ActualText (PDFium reads the replacement text), and a glyph drawn twice
inside one text object within 0.07 em (PDFium drops the copy silently, so
it is not marked bold).
"""

from __future__ import annotations

import bisect
import ctypes
import functools
from collections.abc import Callable, Iterator
from operator import attrgetter
from pathlib import Path

from pipeline import extract
from pipeline.extract import (
    DEFAULT_RULE_MAX_THICKNESS,
    DEFAULT_RULE_MIN_LENGTH,
    CorruptPdfError,
    EmptyPdfError,
    EncryptedPdfError,
    PdfError,
    dedupe_overprint,
    fold_char,
    is_bold_font,
    speedups,
)
from pipeline.model import Char, RawPage, Rule

# Characters PDFium may generate between text objects (FPDFText_IsGenerated).
_MAYBE_GENERATED = frozenset(" \r\n")
# Nested form XObjects deeper than this are not searched for rules.
_MAX_FORM_DEPTH = 8


class _Api:
    """The handful of PDFium functions the engine calls, typed for speed.

    pypdfium2's bindings return handles as ctypes pointers; these copies take
    and return plain integers (``c_void_p``), so a handle can key a dict
    without a cast per character.
    """

    def __init__(self) -> None:
        import pypdfium2_raw.bindings as b

        lib = b._libs["pdfium"]
        vp, i, f, d = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_double
        ui = ctypes.c_uint
        P = ctypes.POINTER

        def fn(name: str, restype, *argtypes):
            func = lib[name]  # item access gives a fresh function object we may retype
            func.restype = restype
            func.argtypes = argtypes
            return func

        self.load_page = fn("FPDFText_LoadPage", vp, vp)
        self.valid_xref = fn("FPDF_DocumentHasValidCrossReferenceTable", i, vp)
        self.close_textpage = fn("FPDFText_ClosePage", None, vp)
        self.count_chars = fn("FPDFText_CountChars", i, vp)
        self.get_text = fn("FPDFText_GetText", i, vp, i, i, P(ctypes.c_ushort))
        self.get_unicode = fn("FPDFText_GetUnicode", ui, vp, i)
        self.is_generated = fn("FPDFText_IsGenerated", i, vp, i)
        self.text_object = fn("FPDFText_GetTextObject", vp, vp, i)
        self.char_origin = fn("FPDFText_GetCharOrigin", i, vp, i, P(d), P(d))
        self.loose_box = fn("FPDFText_GetLooseCharBox", i, vp, i, P(b.FS_RECTF))
        self.char_box = fn("FPDFText_GetCharBox", i, vp, i, P(d), P(d), P(d), P(d))
        self.char_matrix = fn("FPDFText_GetMatrix", i, vp, i, P(b.FS_MATRIX))
        self.fill_color = fn("FPDFPageObj_GetFillColor", i, vp, P(ui), P(ui), P(ui), P(ui))
        self.stroke_color = fn("FPDFPageObj_GetStrokeColor", i, vp, P(ui), P(ui), P(ui), P(ui))
        self.font_size = fn("FPDFTextObj_GetFontSize", i, vp, P(f))
        self.text_font = fn("FPDFTextObj_GetFont", vp, vp)
        self.font_name = fn("FPDFFont_GetBaseFontName", ctypes.c_size_t, vp, ctypes.c_char_p, ctypes.c_size_t)
        self.font_descent = fn("FPDFFont_GetDescent", i, vp, f, P(f))
        self.glyph_width = fn("FPDFFont_GetGlyphWidth", i, vp, ctypes.c_uint32, f, P(f))
        self.font_embedded = fn("FPDFFont_GetIsEmbedded", i, vp)
        self.count_objects = fn("FPDFPage_CountObjects", i, vp)
        self.page_object = fn("FPDFPage_GetObject", vp, vp, i)
        self.object_type = fn("FPDFPageObj_GetType", i, vp)
        self.object_matrix = fn("FPDFPageObj_GetMatrix", i, vp, P(b.FS_MATRIX))
        self.form_count = fn("FPDFFormObj_CountObjects", i, vp)
        self.form_object = fn("FPDFFormObj_GetObject", vp, vp, ctypes.c_ulong)
        self.count_segments = fn("FPDFPath_CountSegments", i, vp)
        self.path_segment = fn("FPDFPath_GetPathSegment", vp, vp, i)
        self.segment_point = fn("FPDFPathSegment_GetPoint", i, vp, P(f), P(f))
        self.segment_type = fn("FPDFPathSegment_GetType", i, vp)
        self.segment_close = fn("FPDFPathSegment_GetClose", i, vp)
        self.object_bounds = fn("FPDFPageObj_GetBounds", i, vp, P(f), P(f), P(f), P(f))
        self.FS_RECTF = b.FS_RECTF
        self.FS_MATRIX = b.FS_MATRIX


_API: _Api | None = None


def _api() -> _Api:
    global _API
    if _API is None:
        _API = _Api()
    return _API


# The C module's functions take PDFium's addresses from the loaded library.
_SCAN_FUNCTIONS = (
    "FPDFText_CountChars", "FPDFText_GetText", "FPDFText_GetUnicode", "FPDFText_IsGenerated",
    "FPDFText_GetTextObject", "FPDFText_GetCharOrigin", "FPDFText_GetMatrix", "FPDFTextObj_GetFontSize",
    "FPDFTextObj_GetFont", "FPDFPageObj_GetFillColor", "FPDFPage_CountObjects", "FPDFPage_GetObject",
    "FPDFPageObj_GetType", "FPDFPageObj_GetBounds",
)


@functools.cache
def _scan():
    """The C module ``pipeline._speedups`` bound to PDFium, or None (``extract.speedups``).

    Without it the engine reads through ctypes, slower, with the same pages.
    """
    _speedups = speedups()
    if _speedups is None:
        return None
    import pypdfium2_raw.bindings as b

    lib = b._libs["pdfium"]
    _speedups.bind({name: ctypes.cast(lib[name], ctypes.c_void_p).value for name in _SCAN_FUNCTIONS})
    return _speedups


# --- geometry -----------------------------------------------------------------

Matrix = tuple[float, float, float, float, float, float]


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (row-vector convention, as in PDF and pdfminer)."""
    a, b, c, d, e, f = m
    a1, b1, c1, d1, e1, f1 = n
    return (a * a1 + b * c1, a * b1 + b * d1, c * a1 + d * c1, c * b1 + d * d1,
            e * a1 + f * c1 + e1, e * b1 + f * d1 + f1)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def page_frame(mediabox: tuple[float, float, float, float], rotation: int
               ) -> tuple[Matrix, float, float, float, float]:
    """Give the matrix and offsets that put PDF user space into pdfplumber's frame.

    Args:
        mediabox: (x0, y0, x1, y1) of the page, e.g. (0, 0, 595.28, 841.89) for A4.
        rotation: the page's /Rotate, 0, 90, 180 or 270.

    Returns:
        (ctm, width, height, dx, dtop): a user-space point (x, y) goes to
        ``X, Y = ctm(x, y)`` and then to ``(X + dx, height - Y + dtop)``
        (pdfminer's rotation matrix followed by pdfplumber's MediaBox shift).
    """
    x0, y0, x1, y1 = mediabox
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    if rotation == 90:
        ctm: Matrix = (0, -1, 1, 0, -y0, x1)
    elif rotation == 180:
        ctm = (-1, 0, 0, -1, x1, y1)
    elif rotation == 270:
        ctm = (0, 1, -1, 0, y1, -x0)
    else:
        ctm = (1, 0, 0, 1, -x0, -y0)
    # pdfplumber normalises the box (swapping axes when rotated by 90 or 270)
    # and inverts it against its own height; see pdfplumber.page._invert_box.
    nx0, ny0, nx1, ny1 = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
    height = ny1 - ny0
    return ctm, nx1 - nx0, height, nx0, height - ny1


# --- page objects -------------------------------------------------------------


_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class _Walk:
    """A page's text objects in drawing order, and where the ones inside forms sit.

    ``texts`` holds every text object's handle; ``forms`` maps a text object
    inside a form XObject to (the form's matrix, the form's handle). Objects
    of the page itself have the identity matrix and the page as holder.
    """

    __slots__ = ("texts", "forms", "page")

    def __init__(self, page: int) -> None:
        self.texts: list[int] = []
        self.forms: dict[int, tuple[Matrix, int]] = {}
        self.page = page

    def context(self, handle: int) -> tuple[Matrix, int]:
        return self.forms.get(handle, (_IDENTITY, self.page))


def _walk(api: _Api, page: int, ctm: Matrix, height: float, dx: float, dtop: float) -> tuple[_Walk, list[Rule]]:
    """Walk a page's objects (into form XObjects): its text objects in drawing order, and its rules."""
    walked = _Walk(page)
    texts = walked.texts
    rules: list[Rule] = []
    fx, fy = ctypes.c_float(), ctypes.c_float()
    pfx, pfy = ctypes.byref(fx), ctypes.byref(fy)
    mat = api.FS_MATRIX()
    pmat = ctypes.byref(mat)
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    rgba = tuple(ctypes.byref(v) for v in (r, g, b, a))
    object_type = api.object_type

    def color(getter, obj: int) -> str | None:
        if getter(obj, *rgba):
            return f"#{r.value:02x}{g.value:02x}{b.value:02x}"
        return None

    def path_rules(obj: int, parent: Matrix) -> None:
        api.object_matrix(obj, pmat)
        m = _mult(_mult((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent), ctm)
        for shape, pts in _subpaths(api, obj, pfx, pfy, fx, fy):
            rule = _classify(shape, [_apply(m, px, py) for px, py in pts])
            if rule is None:
                continue
            is_line, (x0, y0, x1, y1) = rule
            top, bottom = height - y1 + dtop, height - y0 + dtop
            if bottom - top <= DEFAULT_RULE_MAX_THICKNESS and x1 - x0 >= DEFAULT_RULE_MIN_LENGTH:
                rules.append(Rule(x0 + dx, top, x1 + dx, bottom,
                                  color(api.stroke_color if is_line else api.fill_color, obj)))

    def walk_form(form: int, parent: Matrix, depth: int) -> None:
        api.object_matrix(form, pmat)
        m = _mult((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent)
        for k in range(api.form_count(form)):
            obj = api.form_object(form, k)
            kind = object_type(obj)
            if kind == 1:
                texts.append(obj)
                walked.forms[obj] = (m, form)
            elif kind == 2:
                path_rules(obj, m)
            elif kind == 5 and depth < _MAX_FORM_DEPTH:
                walk_form(obj, m, depth + 1)

    # the page's own objects are in user space; the frame's rotation comes after
    scan = _scan()
    page_texts, others = scan.objects(page) if scan is not None else _page_objects(api, page)
    done = 0
    for place, obj, kind in others:  # a form's text objects go in at its place in the drawing order
        texts.extend(page_texts[done:place])
        done = place
        if kind == 2:  # FPDF_PAGEOBJ_PATH
            path_rules(obj, _IDENTITY)
        else:  # FPDF_PAGEOBJ_FORM
            walk_form(obj, _IDENTITY, 1)
    texts.extend(page_texts[done:])
    return walked, sorted(rules, key=lambda ru: ru.top)


def _page_objects(api: _Api, page: int) -> tuple[list[int], list[tuple[int, int, int]]]:
    """A page's own text objects in drawing order, and (place, handle, type) of its paths and forms.

    A path's or form's place is the number of text objects drawn before it.
    The reference for ``_speedups.objects``.
    """
    texts: list[int] = []
    others: list[tuple[int, int, int]] = []
    for k in range(api.count_objects(page)):
        obj = api.page_object(page, k) or 0
        kind = api.object_type(obj) if obj else 0
        if kind == 1:  # FPDF_PAGEOBJ_TEXT
            texts.append(obj)
        elif kind in (2, 5):  # FPDF_PAGEOBJ_PATH, FPDF_PAGEOBJ_FORM
            others.append((len(texts), obj, kind))
    return texts, others


def _subpaths(api: _Api, obj: int, pfx, pfy, fx, fy) -> Iterator[tuple[str, list[tuple[float, float]]]]:
    """A path's subpaths as pdfminer sees them: a shape string (m, l, c, h) and its points.

    PDFium gives a Bézier curve as three segments; pdfminer as one ``c``.
    """
    shape: list[str] = []
    pts: list[tuple[float, float]] = []
    bezier = 0
    for k in range(api.count_segments(obj)):
        seg = api.path_segment(obj, k)
        kind = api.segment_type(seg)
        api.segment_point(seg, pfx, pfy)
        pt = (float(fx.value), float(fy.value))
        if kind == 2:  # moveto
            if shape:
                yield "".join(shape), pts
            shape, pts, bezier = ["m"], [pt], 0
        elif kind == 0:  # lineto
            shape.append("l")
            pts.append(pt)
        elif kind == 1:  # bezierto: the third point ends the curve
            bezier += 1
            if bezier == 3:
                shape.append("c")
                pts.append(pt)
                bezier = 0
        else:
            continue
        if api.segment_close(seg) and shape:
            shape.append("h")
            pts.append(pts[0])
    if shape:
        yield "".join(shape), pts


def _classify(shape: str, pts: list[tuple[float, float]]) -> tuple[bool, tuple[float, float, float, float]] | None:
    """pdfminer's test for a line (``ml``, ``mlh``) or an axis-aligned rectangle (``mlllh``).

    Returns:
        (is_line, (x0, y0, x1, y1)) in device space, or None for any other shape.
    """
    if not shape.startswith("m"):
        return None
    if len(shape) > 3 and shape.endswith("lh") and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts = pts[:-2] + pts[-1:]
    if shape in ("ml", "mlh"):
        (ax, ay), (bx, by) = pts[0], pts[1]
        return True, (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), p4 = pts[:5]
        closed = pts[0] == p4
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if closed and square:
            return False, (min(x0, x2), min(y0, y2), max(x0, x2), max(y0, y2))
    return None


# --- characters ---------------------------------------------------------------


class _Style:
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


class _Styles:
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

    def __init__(self, api: _Api, glyphs: dict[tuple[str, float], dict[str, tuple[str, float]]] | None = None
                 ) -> None:
        self.api = api
        self._glyphs = {} if glyphs is None else glyphs
        self.by_object: dict[int, _Style] = {}
        self._by_key: dict[tuple, _Style] = {}
        self._fonts: dict[int, tuple[str, bool, float, dict[str, tuple[str, float]]]] = {}
        self._size = ctypes.c_float()
        self._rgba = [ctypes.c_uint() for _ in range(4)]
        self._matrix = api.FS_MATRIX()
        self._refs = (ctypes.byref(self._size), [ctypes.byref(v) for v in self._rgba], ctypes.byref(self._matrix))
        self._buf = ctypes.create_string_buffer(256)

    def of_char(self, tp: int, index: int, obj: int) -> _Style:
        """The style of character ``index``'s text object, whose matrix the text page knows."""
        m = self._matrix
        four = (m.a, m.b, m.c, m.d) if self.api.char_matrix(tp, index, self._refs[2]) else (1.0, 0.0, 0.0, 1.0)
        st = self.by_object[obj] = self.of_object(obj, four)
        return st

    def of_object(self, obj: int, matrix: tuple[float, float, float, float]) -> _Style:
        """The style of a text object drawn with ``matrix`` (its linear part, in user space)."""
        api = self.api
        size = float(self._size.value) if api.font_size(obj, self._refs[0]) else 0.0
        font = api.text_font(obj) or 0
        r, g, b, _a = self._rgba
        rgb = (r.value, g.value, b.value) if api.fill_color(obj, *self._refs[1]) else None
        return self.of_key(font, size, rgb, matrix)

    def of_key(self, font: int, size: float, rgb: tuple[int, int, int] | None,
               matrix: tuple[float, float, float, float]) -> _Style:
        """The style of what a text object gives: its font handle, size, fill and matrix."""
        key = (font, size, rgb, matrix)
        st = self._by_key.get(key)
        if st is not None:
            return st
        name, bold, descent, glyphs = self._font(font)
        st = _Style()
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


def _box(st: _Style, ctm: Matrix, x: float, y: float, adv: float) -> tuple[float, float, float, float, float]:
    """pdfminer's box for a glyph at user-space origin (x, y) that advances ``adv`` in text space.

    The text-space rectangle (0, descent)-(adv, descent + size) is mapped by the
    character's matrix and the page rotation; the box is its bounds in
    device space and the size is the box's height, as pdfminer's ``LTChar``
    has them.
    """
    a, b, c, d = st.matrix
    fs, desc = st.size, st.descent
    m = _mult((a, b, c, d, x, y), ctm)
    xs = []
    ys = []
    for u, v in ((0.0, desc), (adv, desc), (0.0, desc + fs), (adv, desc + fs)):
        px, py = _apply(m, u, v)
        xs.append(px)
        ys.append(py)
    y0, y1 = min(ys), max(ys)
    return min(xs), y0, max(xs), y1, y1 - y0


# What a text page gives per drawn character: the text, and per character its
# index on the text page, style, user-space origin (x, y) and text object;
# last, the positions where a (style, character) pair first appears.
Drawn = tuple[str, list[int], list[_Style], list[float], list[float], list[int], list[int]]


def _read_drawn(api: _Api, tp: int, styles: _Styles) -> Drawn:
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
    sts: list[_Style] = []
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
        if ch in _MAYBE_GENERATED and is_generated(tp, i):
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
    return text, indices, sts, xs, ys, owners, _first_of_each(text, sts)


def _first_of_each(text: str, sts: list[_Style]) -> list[int]:
    """The positions where a (style, character) pair appears for the first time, in order."""
    n = len(text)
    first = dict(zip(zip(map(id, reversed(sts)), reversed(text)), range(n - 1, -1, -1)))
    return sorted(first.values())


def _scan_drawn(scan, tp: int, styles: _Styles) -> Drawn:
    """``_read_drawn`` through the C module ``_speedups``: the same values, one foreign call a page."""
    text, indices, sids, xs, ys, owners, keys, firsts = scan.chars(tp)
    by_sid = [styles.of_key(*key) for key in keys]
    sts = list(map(by_sid.__getitem__, sids))
    styles.by_object.update(zip(owners, sts))
    return text, indices, sts, xs, ys, owners, firsts


def _read_glyphs(api: _Api, tp: int, text: str, indices: list[int], sts: list[_Style], firsts: list[int]) -> None:
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
            st.glyphs[ch] = (fold_char(ch), _advance(api, tp, i, st, ch, box, probes, scratch))


def _page_chars(api: _Api, tp: int, frame: tuple[Matrix, float, float, float, float],
                styles: _Styles) -> tuple[list[Char], list[int], list[int]]:
    """A text page's drawn characters in pdfplumber's frame, and the text object and text-page index of each.

    ``styles.by_object`` is filled with the style of every text object the text page used.
    """
    scan = _scan()
    drawn = _read_drawn(api, tp, styles) if scan is None else _scan_drawn(scan, tp, styles)
    text, indices, sts, xs, ys, owners, firsts = drawn
    _read_glyphs(api, tp, text, indices, sts, firsts)
    ctm, _w, height, dx, dtop = frame
    n = len(text)
    ex = ctm[4] + dx
    base = height - ctm[5] + dtop  # the top of the frame's y axis, in user space
    plain = ctm[:4] == (1, 0, 0, 1)
    if scan is not None and plain:
        chars = scan.boxes(text, sts, xs, ys, ex, base, Char)  # None where a style has no fast path
    else:
        chars = [None] * n
    for k in [k for k, c in enumerate(chars) if c is None] if None in chars else ():
        st, x, y = sts[k], xs[k], ys[k]
        glyph = st.glyphs[text[k]]
        fast = st.fast
        if fast is not None and plain:
            # the common case, without matrices: the box is the advance wide
            # and one font size tall, from the descent line up
            em, drop, size, name, color, bold = fast
            x0 = x + ex
            bottom = base - y - drop
            chars[k] = Char(glyph[0], x0, bottom - size, x0 + glyph[1] * em, bottom, size, name, color, bold)
        else:
            x0, y0, x1, y1, size = _box(st, ctm, x, y, glyph[1] * st.size / 1000)
            chars[k] = Char(glyph[0], x0 + dx, height - y1 + dtop, x1 + dx, height - y0 + dtop, size, st.name,
                            st.color, st.bold)
    return chars, owners, indices  # type: ignore[return-value]


def _advance(api: _Api, tp: int, i: int, st: _Style, ch: str, box, probes: dict[int, float | None], buf
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
        probes[st.font] = float(cells[4].value) if api.glyph_width(st.font, _UNMAPPED, 1000.0, refs[4]) else None
    return loose if mapped == probes[st.font] else mapped


# --- what the text page leaves out ----------------------------------------------

# Probes for FPDFFont_GetGlyphWidth, which maps a Unicode value to the font's
# character code: a value the font does not map gives the width of the
# fallback code, the same as for a value no font maps.
_UNMAPPED = 0xFFFF
_SPACE_PROBES = (0x20, 0xA0)
# A fallback glyph width (in 1/1000 em) this wide marks a full-width (CJK) font.
DEFAULT_FULL_WIDTH = 750.0
# A run of blank glyphs fills the room before the next glyph to within this (1/1000 em).
DEFAULT_FIT_TOLERANCE = 30.0


def _blank_glyph(api: _Api, font: int, cache: dict[int, dict[str, float] | tuple[str, float]]
                 ) -> dict[str, float] | tuple[str, float]:
    """Tell which blank glyph a font draws, with its width in 1/1000 em.

    PDFium's text page skips a text object whose glyphs are all blank (its
    box has no width), so a run written as its own object — the U+3000 in
    中共河南省委　河南省人民政府, the space in 2026/2/9 22:34 — never reaches
    it. The object's codes are not exposed, but its font's ToUnicode map is
    (a subset font maps only what it draws): a value the font maps reads a
    width other than the fallback's, except where the true width is the
    fallback's (U+3000 in a CJK font is an em either way). A font that can
    only draw a space draws a space; one that can only draw U+3000 draws
    that; for a font that can draw both, the caller measures the room.

    Returns:
        (glyph, width) when the font decides, else {glyph: width} of both
        candidates for the caller to decide by the room the run takes.
    """
    got = cache.get(font)
    if got is not None:
        return got
    w = ctypes.c_float()

    def width(u: int) -> float | None:
        return float(w.value) if api.glyph_width(font, u, 1000.0, ctypes.byref(w)) else None

    unmapped = width(_UNMAPPED)
    distinct: dict[str, float] = {}
    for u, glyph in ((0x20, " "), (0xA0, " "), (0x3000, "\u3000")):
        wu = width(u)
        if wu is not None and wu != unmapped and wu > 0:
            distinct.setdefault(glyph, wu)
    if "\u3000" not in distinct and unmapped is not None and unmapped >= DEFAULT_FULL_WIDTH:
        # U+3000 is as wide as the fallback in most CJK fonts (an em), so
        # an unmapped reading does not rule it out
        distinct["\u3000"] = unmapped
    if len(distinct) == 2:
        result: dict[str, float] | tuple[str, float] = distinct
    elif distinct:
        result = next(iter(distinct.items()))
    else:
        # a Latin fallback width and nothing mapped (PingFang's 228 in Chrome's print to PDF)
        result = (" ", unmapped or 250.0)
    cache[font] = result
    return result


def _fits(room: float, width: float) -> bool:
    """Whether ``room`` (1/1000 em) holds a whole number (at least one) of glyphs ``width`` wide."""
    if width <= 0 or room < 0.5 * width:
        return False
    k = round(room / width)
    return k >= 1 and abs(room - k * width) <= DEFAULT_FIT_TOLERANCE


class _Glyphs:
    """A page's glyphs ordered by baseline, for ``room_after``."""

    def __init__(self, chars: list[Char]) -> None:
        self.chars = chars
        bottoms = list(map(attrgetter("bottom"), chars))
        self.order = sorted(range(len(chars)), key=bottoms.__getitem__)
        self.bottoms = list(map(bottoms.__getitem__, self.order))

    def room_after(self, x: float, bottom: float, size: float) -> float | None:
        """The room from ``x`` to the next glyph on the same baseline, or None at a line's end."""
        lo = bisect.bisect_right(self.bottoms, bottom - 0.3 * size)
        hi = bisect.bisect_left(self.bottoms, bottom + 0.3 * size, lo)
        line = [self.chars[k] for k in self.order[lo:hi]]
        nxt = [c.x0 for c in line if c.x0 > x - 0.1 and not c.text.isspace()]
        return min(nxt) - x if nxt else None


def _find_skipped(api: _Api, walked: _Walk, used: dict[int, _Style], tolerance: float
                  ) -> tuple[list[int], list[int]]:
    """The text objects the text page left out: runs of blank glyphs, and the originals of copies.

    The reference for ``_speedups.skipped``. An object not in ``used`` whose box
    has no width is a run of blank glyphs: its handle goes to the first list. Any other is taken for a copy drawn over an object
    just before it (fake bold): among the eight objects before it that the
    text page used and that sit in the same content stream (page or form),
    the nearest with a box of the same size (to 0.5 pt) whose corner lies
    within ``tolerance`` goes to the second list.
    """
    texts = walked.texts
    blank_objects: list[int] = []
    copied: list[int] = []
    skipped = [(k, h) for k, h in enumerate(texts) if h not in used]
    if not skipped:
        return blank_objects, copied
    cells = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(v) for v in cells]
    known: dict[int, tuple[float, float, float, float] | None] = {}

    def bounds_of(h: int) -> tuple[float, float, float, float] | None:
        """An object's (left, bottom, right, top) in user space, read once."""
        if h not in known:
            known[h] = tuple(v.value for v in cells) if api.object_bounds(h, *refs) else None  # type: ignore[assignment]
        return known[h]

    for order, handle in skipped:
        got = bounds_of(handle)
        if got is None:
            continue
        left, bottom, right, top = got
        if abs(right - left) < 0.01:
            blank_objects.append(handle)
            continue
        # a copy: look back a few objects in the same content stream for its first impression
        holder = walked.context(handle)[1]
        lw, lh = right - left, top - bottom
        for prev in reversed(texts[max(0, order - 8): order]):
            if prev not in used or walked.context(prev)[1] != holder:
                continue
            pb = bounds_of(prev)
            if pb is None:
                continue
            pl, pbot, pr, pt = pb
            if abs((pr - pl) - lw) > 0.5 or abs((pt - pbot) - lh) > 0.5:
                continue
            if abs(pl - left) <= tolerance and abs(pbot - bottom) <= tolerance:
                copied.append(prev)
                break
    return blank_objects, copied


class _Outlines:
    """Which fonts that are not embedded draw CJK outlines on this host, asked per font once a page.

    A CJK font neither embedded nor installed gives PDFium no outlines: the
    glyphs it still places have a box of no height (到 16 pt wide, 0.02 tall),
    and a glyph drawn as its own object has no box at all, like a blank's.
    Where a CJK glyph of the font has a box of real height, the font is
    installed (or substituted), and its boxless objects are true blanks
    (the U+3000 of an indent), which need no second engine. Fonts are known
    by name: a document may hold the same font as several resources, and the
    host draws them all alike.
    """

    def __init__(self, api: _Api, tp: int, chars: list[Char], owners: list[int], indices: list[int],
                 styles: _Styles) -> None:
        self.api, self.tp, self.chars, self.owners, self.indices, self.styles = api, tp, chars, owners, indices, styles
        self.known: dict[str, bool] = {}

    def drawn(self, font: str) -> bool:
        """Whether a CJK glyph read in the font named ``font`` on this page has a box at least a fifth of its size tall."""
        if font not in self.known:
            self.known[font] = self._cjk_box_tall(font)
        return self.known[font]

    def _cjk_box_tall(self, font: str, tries: int = 8) -> bool:
        """Asked of the first few CJK glyphs in the font: one flat stroke (一) is no answer."""
        by_object = self.styles.by_object
        cells = [ctypes.c_double() for _ in range(4)]
        refs = [ctypes.byref(v) for v in cells]
        for k, c in enumerate(self.chars):
            st = by_object.get(self.owners[k])
            if st is None or st.name != font or not "\u3400" <= c.text <= "\u9fff":
                continue
            if self.api.char_box(self.tp, self.indices[k], *refs):
                _left, _right, bottom, top = (v.value for v in cells)
                if top - bottom >= 0.2 * c.size:
                    return True
            tries -= 1
            if not tries:
                break
        return False


def _recover_skipped(api: _Api, walked: _Walk, styles: _Styles, chars: list[Char], owners: list[int],
                     frame: tuple[Matrix, float, float, float, float], outlines: _Outlines
                     ) -> tuple[list[Char], int, int]:
    """Put back what PDFium's text page dropped: blank-glyph objects and fake-bold marks.

    Returns the page's characters, the number of text objects the text page
    left out that are neither blanks nor copies (their glyphs are lost), and
    the number of "blank" objects drawn in a font that is not embedded and
    draws no CJK outlines here (``_Outlines``). A
    CJK font neither embedded nor installed on the host (reportlab's
    STSong-Light, one glyph per object) gives PDFium no outlines, so each of
    its glyphs has a box of no width, like a blank's: such objects are read
    as blanks here, and the quality gate asks the other engine, which
    decodes the CMap without the font (``RawPage.unread``, ``RawPage.doubtful``).

    - an object of blank glyphs (zero-width box) comes back as one space
      character at its origin (see ``_blank_glyph``);
    - an object the text page took for a copy of one drawn just before (same
      codes, offset under one glyph width: a 标题 drawn twice for fake bold)
      marks that first copy's characters bold when the offset is within
      ``DEFAULT_OVERPRINT_TOLERANCE``, as ``dedupe_overprint`` does for
      pdfminer's characters.
    """
    from pipeline.extract import DEFAULT_OVERPRINT_TOLERANCE

    ctm, _w, height, dx, dtop = frame
    scan = _scan()
    if scan is not None:
        blank_objects, copied = scan.skipped(walked.texts, styles.by_object, walked.forms, walked.page,
                                             DEFAULT_OVERPRINT_TOLERANCE)
    else:
        blank_objects, copied = _find_skipped(api, walked, styles.by_object, DEFAULT_OVERPRINT_TOLERANCE)
    used = styles.by_object
    unread = sum(h not in used for h in walked.texts) - len(blank_objects) - len(copied)
    doubtful = 0
    if not blank_objects and not copied:
        return chars, unread, doubtful
    mat = api.FS_MATRIX()
    blanks: dict[int, dict[str, float] | tuple[str, float]] = {}
    glyphs: _Glyphs | None = None  # built for the first blank that needs the room after it
    bold_owners = set(copied)
    out = list(chars)
    for handle in blank_objects:
        parent = walked.context(handle)[0]
        api.object_matrix(handle, ctypes.byref(mat))
        m = _mult((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent)
        x, y = m[4], m[5]
        st = styles.of_object(handle, (m[0], m[1], m[2], m[3]))
        if not st.font or st.size <= 0:
            continue
        if not api.font_embedded(st.font) and not outlines.drawn(st.name):
            doubtful += 1
        glyph = _blank_glyph(api, st.font, blanks)
        if isinstance(glyph, dict):
            # a font that may draw either. A font that is not embedded is
            # read through a predefined CMap (reportlab's STSong-Light),
            # so both readings are true widths: U+3000 when the room to the
            # next glyph holds most of an em. An embedded subset maps only what it
            # draws, and a full-width fallback may hide an unmapped U+3000:
            # U+3000 only when the room is a whole number of its widths
            # and not of spaces'.
            x0, y0, x1, y1, size = _box(st, ctm, x, y, 0.0)
            if glyphs is None:
                glyphs = _Glyphs(chars)
            room = glyphs.room_after(x0 + dx, height - y0 + dtop, size)
            em = None if room is None else room / size * 1000
            if em is None:
                ideo = False
            elif not api.font_embedded(st.font):
                # (justified lines squeeze an em; two or three spaces rarely fill one)
                ideo = em >= 0.75 * glyph["\u3000"] and em >= 2.5 * glyph[" "]
            else:
                ideo = _fits(em, glyph["\u3000"]) and not _fits(em, glyph[" "])
            ch = "\u3000" if ideo else " "
            w = glyph[ch]
        else:
            ch, w = glyph
        x0, y0, x1, y1, size = _box(st, ctm, x, y, w * st.size / 1000)
        out.append(Char(ch, x0 + dx, height - y1 + dtop, x1 + dx, height - y0 + dtop, size, st.name, st.color,
                        st.bold))
    for i in [i for i, owner in enumerate(owners) if owner in bold_owners] if bold_owners else ():
        if not out[i].bold:
            out[i] = out[i]._replace(bold=True)
    return out, unread, doubtful


# --- documents ----------------------------------------------------------------


def _handle(obj) -> int:
    """The raw PDFium handle of a pypdfium2 object, as an integer."""
    return ctypes.cast(obj.raw, ctypes.c_void_p).value or 0


def _mostly_upright(owners: list[int], styles: _Styles) -> bool:
    """Whether most characters are drawn upright in user space (no rotation in their text matrix)."""
    if not owners:
        return True
    upright = sum(1 for o in owners if styles.by_object[o].fast is not None)
    return upright * 2 >= len(owners)


def xref_rebuilt(pdf) -> bool:
    """Whether PDFium rebuilt a pypdfium2 document's cross-reference table (it was broken)."""
    return not _api().valid_xref(_handle(pdf))


def count_objects(page) -> int:
    """The number of objects (text, path, image, form) on a pypdfium2 page: 0 for a blank page."""
    return int(_api().count_objects(_handle(page)))


def image_share(page) -> float:
    """The share of a pypdfium2 page's area that its image objects cover (top level and forms), 0 to 1."""
    api = _api()
    x0, y0, x1, y1 = page.get_mediabox()
    area = max(abs(x1 - x0) * abs(y1 - y0), 1.0)
    cells = [ctypes.c_float() for _ in range(4)]
    refs = [ctypes.byref(v) for v in cells]
    covered = 0.0

    def visit(objects, depth: int) -> None:
        nonlocal covered
        for obj in objects:
            kind = api.object_type(obj) if obj else 0
            if kind == 3 and api.object_bounds(obj, *refs):  # FPDF_PAGEOBJ_IMAGE
                left, bottom, right, top = (v.value for v in cells)
                w = max(0.0, min(right, max(x0, x1)) - max(left, min(x0, x1)))
                h = max(0.0, min(top, max(y0, y1)) - max(bottom, min(y0, y1)))
                covered += w * h
            elif kind == 5 and depth < _MAX_FORM_DEPTH:
                visit((api.form_object(obj, k) for k in range(api.form_count(obj))), depth + 1)

    handle = _handle(page)
    visit((api.page_object(handle, k) for k in range(api.count_objects(handle))), 0)
    return min(1.0, covered / area)


def _any_content(pdf, n: int) -> bool:
    """Whether any page of a document has at least one object (text, path or image)."""
    api = _api()
    for i in range(n):
        page = pdf[i]
        try:
            if api.count_objects(_handle(page)) > 0:
                return True
        finally:
            page.close()
    return False



def pdfium_pages(path: Path, password: str | None, wanted: Callable[[int], bool] | None = None
                 ) -> Iterator[RawPage]:
    """Read a PDF with PDFium, one page at a time.

    Args:
        path: the PDF, e.g. samples/zhengzhengban-2017-30.pdf.
        password: the user password of an encrypted file, or None.
        wanted: page number -> whether to read it; a page it refuses is passed over unread.

    Yields:
        ``RawPage`` per page: 郑 at (87.64, 208.33)-(122.64, 243.33), 35 pt,
        #de0000, as the pdfplumber engine reads it.

    Raises:
        EncryptedPdfError: a password is needed or the one given is wrong.
        CorruptPdfError: PDFium cannot parse the file or one of its pages.
    """
    import pypdfium2 as pdfium

    api = _api()
    try:
        pdf = pdfium.PdfDocument(path, password=password)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code in (4, 5):  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
            raise EncryptedPdfError(
                f"{path}: encrypted PDF" + (": wrong password" if password else "; give --password")
            ) from None
        if code == 0:  # loaded, but no pages
            raise EmptyPdfError(f"{path}: PDF has no pages") from None
        raise CorruptPdfError(f"{path}: corrupt PDF ({str(e)[:120]})") from None
    glyphs: dict[tuple[str, float], dict[str, tuple[str, float]]] = {}  # the document's glyph advances
    try:
        n = len(pdf)
        if n == 0:
            raise EmptyPdfError(f"{path}: PDF has no pages")
        if not api.valid_xref(_handle(pdf)) and not _any_content(pdf, n):
            # PDFium rebuilt a broken cross-reference table and then found
            # nothing on any page: the streams are damaged too (pdfminer
            # fails on the same file)
            raise CorruptPdfError(f"{path}: corrupt PDF (cross-reference table broken, no page content readable)")
        for i in range(n):
            if wanted is not None and not wanted(i + 1):
                continue
            try:
                page = pdf[i]
            except pdfium.PdfiumError as e:
                raise CorruptPdfError(f"{path}: page {i + 1} unreadable ({str(e)[:120]})") from None
            tp = 0
            try:
                handle = _handle(page)
                tp = api.load_page(handle) or 0
                if not tp:
                    raise CorruptPdfError(f"{path}: page {i + 1} unreadable (no text layer could be built)")
                mediabox, rotation = tuple(page.get_mediabox()), page.get_rotation()
                # a page turned by /Rotate whose text is upright on the unturned page (a portrait
                # document shown sideways or upside down) is read on the unturned page, in reading order
                frame = page_frame(mediabox, 0)  # type: ignore[arg-type]
                ctm, width, height, dx, dtop = frame
                limit = extract.DEFAULT_MAX_PAGE_CHARS  # read now: a test may lower it
                count = api.count_chars(tp)
                # before any per-glyph work: a million glyphs is a drawing or an attack. PDFium's
                # count holds the spaces and line breaks it makes up (two a glyph on a grid of
                # tiny glyphs), so only a count far past the limit is refused unread
                if count > 4 * limit:
                    raw_page = RawPage(i + 1, float(width), float(height), (), quality="unreadable",
                                       quality_reason=f"too many characters ({count:,} with spaces; "
                                                      f"the limit is {limit:,})")
                else:
                    walked, rules = _walk(api, handle, ctm, height, dx, dtop)
                    styles = _Styles(api, glyphs)
                    chars, owners, indices = _page_chars(api, tp, frame, styles)
                    if rotation in (90, 180, 270) and not _mostly_upright(owners, styles):
                        # text set to read upright once the page is turned: read the turned page
                        frame = page_frame(mediabox, rotation)  # type: ignore[arg-type]
                        ctm, width, height, dx, dtop = frame
                        walked, rules = _walk(api, handle, ctm, height, dx, dtop)
                        styles = _Styles(api, glyphs)
                        chars, owners, indices = _page_chars(api, tp, frame, styles)
                    chars, unread, doubtful = _recover_skipped(api, walked, styles, chars, owners, frame,
                                                               _Outlines(api, tp, chars, owners, indices, styles))
                    raw_page = RawPage(i + 1, float(width), float(height), tuple(dedupe_overprint(chars)),
                                       tuple(rules), unread=unread, doubtful=doubtful)
            except PdfError:
                raise
            except Exception as e:
                raise CorruptPdfError(f"{path}: page {i + 1} unreadable ({type(e).__name__}: {str(e)[:120]})") from None
            finally:
                if tp:
                    api.close_textpage(tp)
                page.close()
            yield raw_page
    finally:
        pdf.close()

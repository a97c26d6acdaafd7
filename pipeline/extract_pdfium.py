"""The PDFium engine: ``pdfium_pages(path, password) -> Iterator[RawPage]``.

PDFium (through pypdfium2's raw ctypes API) builds a page's text many times
faster than pdfminer. This engine gives the same characters, boxes, font
sizes, fill colours and rules as the pdfplumber engine, so cleanup and
everything after it produce the same JSON (``tests/test_engines.py``).
The per-character calls run in C when ``pipeline._speedups`` is built
(``scanner``); the ctypes code here is its reference and fallback, and the two
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
  back here (``recover_skipped``): a text object of blank glyphs only (the
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
- a page whose text page counts over four times ``pages.DEFAULT_MAX_PAGE_CHARS``
  characters is given unread, ``unreadable``, before any per-glyph work.

Known differences (none in the samples or fixtures): a font whose
descriptor has no /Descent (pdfminer takes 0, PDFium measures the glyphs;
boxes move by up to ~0.15 em), vertical (Identity-V) fonts, text with
/ActualText (PDFium reads the replacement text), and a glyph drawn twice
inside one text object within 0.07 em (PDFium drops the copy silently, so
it is not marked bold).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.model import RawPage, Rule
from pipeline.pages import (
    DEFAULT_MAX_PAGE_CHARS,
    CorruptPdfError,
    EmptyPdfError,
    EncryptedPdfError,
    PdfError,
    dedupe_overprint,
    is_rule,
)
from pipeline.pdfium_api import (
    IDENTITY,
    Matrix,
    PdfiumApi,
    Walked,
    apply_matrix,
    handle_of,
    mult,
    page_frame,
    pdfium_api,
    scanner,
)
from pipeline.pdfium_chars import Styles, page_chars
from pipeline.pdfium_skipped import Outlines, recover_skipped

# Nested form XObjects deeper than this are not searched for rules.
MAX_FORM_DEPTH = 8


def walk_page(api: PdfiumApi, page: int, ctm: Matrix, height: float, dx: float, dtop: float, scan=None
              ) -> tuple[Walked, list[Rule]]:
    """Walk a page's objects (into form XObjects): its text objects in drawing order, and its rules.

    ``scan`` is the bound C module (``pdfium_api.scanner``), or None for the ctypes reads.
    """
    walked = Walked(page)
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
        m = mult(mult((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent), ctm)
        for shape, pts in _subpaths(api, obj, pfx, pfy, fx, fy):
            rule = _classify(shape, [apply_matrix(m, px, py) for px, py in pts])
            if rule is None:
                continue
            is_line, (x0, y0, x1, y1) = rule
            top, bottom = height - y1 + dtop, height - y0 + dtop
            if is_rule(x0, top, x1, bottom):
                rules.append(Rule(x0 + dx, top, x1 + dx, bottom,
                                  color(api.stroke_color if is_line else api.fill_color, obj)))

    def walk_form(form: int, parent: Matrix, depth: int) -> None:
        api.object_matrix(form, pmat)
        m = mult((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent)
        for k in range(api.form_count(form)):
            obj = api.form_object(form, k)
            kind = object_type(obj)
            if kind == 1:
                texts.append(obj)
                walked.forms[obj] = (m, form)
            elif kind == 2:
                path_rules(obj, m)
            elif kind == 5 and depth < MAX_FORM_DEPTH:
                walk_form(obj, m, depth + 1)

    # the page's own objects are in user space; the frame's rotation comes after
    page_texts, others = scan.objects(page) if scan is not None else page_objects(api, page)
    done = 0
    for place, obj, kind in others:  # a form's text objects go in at its place in the drawing order
        texts.extend(page_texts[done:place])
        done = place
        if kind == 2:  # FPDF_PAGEOBJ_PATH
            path_rules(obj, IDENTITY)
        else:  # FPDF_PAGEOBJ_FORM
            walk_form(obj, IDENTITY, 1)
    texts.extend(page_texts[done:])
    return walked, sorted(rules, key=lambda ru: ru.top)


def page_objects(api: PdfiumApi, page: int) -> tuple[list[int], list[tuple[int, int, int]]]:
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


def _subpaths(api: PdfiumApi, obj: int, pfx, pfy, fx, fy) -> Iterator[tuple[str, list[tuple[float, float]]]]:
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


# --- documents ----------------------------------------------------------------


def _mostly_upright(owners: list[int], styles: Styles) -> bool:
    """Whether most characters are drawn upright in user space (no rotation in their text matrix)."""
    if not owners:
        return True
    upright = sum(1 for o in owners if styles.by_object[o].fast is not None)
    return upright * 2 >= len(owners)


def xref_rebuilt(pdf) -> bool:
    """Whether PDFium rebuilt a pypdfium2 document's cross-reference table (it was broken)."""
    return not pdfium_api().valid_xref(handle_of(pdf))


def count_objects(page) -> int:
    """The number of objects (text, path, image, form) on a pypdfium2 page: 0 for a blank page."""
    return int(pdfium_api().count_objects(handle_of(page)))


def image_share(page) -> float:
    """The share of a pypdfium2 page's area that its image objects cover (top level and forms), 0 to 1."""
    api = pdfium_api()
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
            elif kind == 5 and depth < MAX_FORM_DEPTH:
                visit((api.form_object(obj, k) for k in range(api.form_count(obj))), depth + 1)

    handle = handle_of(page)
    visit((api.page_object(handle, k) for k in range(api.count_objects(handle))), 0)
    return min(1.0, covered / area)


def _any_content(pdf, n: int) -> bool:
    """Whether any page of a document has at least one object (text, path or image)."""
    api = pdfium_api()
    for i in range(n):
        page = pdf[i]
        try:
            if api.count_objects(handle_of(page)) > 0:
                return True
        finally:
            page.close()
    return False



def pdfium_pages(path: Path, password: str | None, wanted: Callable[[int], bool] | None = None, *,
                 native: bool = True, max_chars: int = DEFAULT_MAX_PAGE_CHARS) -> Iterator[RawPage]:
    """Read a PDF with PDFium, one page at a time.

    Args:
        path: the PDF, e.g. samples/zhengzhengban-2017-30.pdf.
        password: the user password of an encrypted file, or None.
        wanted: page number -> whether to read it; a page it refuses is passed over unread.
        native: read the characters through the C module when it is built
            (False: through ctypes, slower, the same pages).
        max_chars: a page whose text page counts over four times this many
            characters is given unread, ``unreadable``, before any per-glyph work.

    Yields:
        ``RawPage`` per page: 郑 at (87.64, 208.33)-(122.64, 243.33), 35 pt,
        #de0000, as the pdfplumber engine reads it.

    Raises:
        EncryptedPdfError: a password is needed or the one given is wrong.
        CorruptPdfError: PDFium cannot parse the file or one of its pages.
    """
    import pypdfium2 as pdfium

    api = pdfium_api()
    scan = scanner(native)
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
        if not api.valid_xref(handle_of(pdf)) and not _any_content(pdf, n):
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
                handle = handle_of(page)
                tp = api.load_page(handle) or 0
                if not tp:
                    raise CorruptPdfError(f"{path}: page {i + 1} unreadable (no text layer could be built)")
                mediabox, rotation = tuple(page.get_mediabox()), page.get_rotation()
                # a page turned by /Rotate whose text is upright on the unturned page (a portrait
                # document shown sideways or upside down) is read on the unturned page, in reading order
                frame = page_frame(mediabox, 0)  # type: ignore[arg-type]
                ctm, width, height, dx, dtop = frame
                limit = max_chars
                count = api.count_chars(tp)
                # before any per-glyph work: a million glyphs is a drawing or an attack. PDFium's
                # count holds the spaces and line breaks it makes up (two a glyph on a grid of
                # tiny glyphs), so only a count far past the limit is refused unread
                if count > 4 * limit:
                    raw_page = RawPage(i + 1, float(width), float(height), (), quality="unreadable",
                                       quality_reason=f"too many characters ({count:,} with spaces; "
                                                      f"the limit is {limit:,})")
                else:
                    walked, rules = walk_page(api, handle, ctm, height, dx, dtop, scan)
                    styles = Styles(api, glyphs)
                    chars, owners, indices = page_chars(api, tp, frame, styles, scan)
                    if rotation in (90, 180, 270) and not _mostly_upright(owners, styles):
                        # text set to read upright once the page is turned: read the turned page
                        frame = page_frame(mediabox, rotation)  # type: ignore[arg-type]
                        ctm, width, height, dx, dtop = frame
                        walked, rules = walk_page(api, handle, ctm, height, dx, dtop, scan)
                        styles = Styles(api, glyphs)
                        chars, owners, indices = page_chars(api, tp, frame, styles, scan)
                    chars, unread, doubtful = recover_skipped(api, walked, styles, chars, owners, frame,
                                                              Outlines(api, tp, chars, owners, indices, styles))
                    raw_page = RawPage(i + 1, float(width), float(height), tuple(dedupe_overprint(chars, native=native)),
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

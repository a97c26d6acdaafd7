"""PDFium as the engine calls it: typed functions, the optional C reader bound to them, and page geometry.

``pdfium_api()`` gives the handful of PDFium functions the engine calls,
taken from pypdfium2's public raw bindings (``pypdfium2.raw``) and retyped to
take and give handles as plain integers; ``scanner(native)`` gives the C
module ``pipeline._speedups`` bound to the same functions, or None.
``page_frame`` puts PDF user space into pdfplumber's frame (origin at the
top-left of the MediaBox): on an A4 page, (87.64, 633.56) in user space is
(87.64, 208.33).
"""

from __future__ import annotations

import ctypes
import functools

from pipeline.native import speedups


class PdfiumApi:
    """The handful of PDFium functions the engine calls, typed for speed.

    pypdfium2's bindings return handles as ctypes pointers; these copies take
    and return plain integers (``c_void_p``), so a handle can key a dict
    without a cast per character.
    """

    def __init__(self) -> None:
        import pypdfium2.raw as b

        vp, i, f, d = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_double
        ui = ctypes.c_uint
        P = ctypes.POINTER

        def fn(name: str, restype, *argtypes):
            # a new function object at the binding's address, typed our way (the binding's own stays as it is)
            return ctypes.CFUNCTYPE(restype, *argtypes)(address_of(name))

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


_API: PdfiumApi | None = None


def pdfium_api() -> PdfiumApi:
    global _API
    if _API is None:
        _API = PdfiumApi()
    return _API


def address_of(name: str) -> int:
    """The address of a PDFium function pypdfium2 has loaded, from its public raw bindings: FPDFText_CountChars."""
    import pypdfium2.raw as b

    return ctypes.cast(getattr(b, name), ctypes.c_void_p).value or 0


# The PDFium functions the C module calls, bound once by address.
_SCAN_FUNCTIONS = (
    "FPDFText_CountChars", "FPDFText_GetText", "FPDFText_GetUnicode", "FPDFText_IsGenerated",
    "FPDFText_GetTextObject", "FPDFText_GetCharOrigin", "FPDFText_GetMatrix", "FPDFTextObj_GetFontSize",
    "FPDFTextObj_GetFont", "FPDFPageObj_GetFillColor", "FPDFPage_CountObjects", "FPDFPage_GetObject",
    "FPDFPageObj_GetType",
)


def scanner(native: bool = True):
    """The C module ``pipeline._speedups`` bound to PDFium, or None.

    Args:
        native: False asks for the ctypes reads, which give the same pages
            (``pipeline parse`` passes False under ``PIPELINE_NO_C=1``).

    None also when the module was not built or is stale (``native.speedups``);
    the engine then reads through ctypes, slower, with the same pages.
    """
    return _bound() if native else None


@functools.cache
def _bound():
    module = speedups()
    if module is not None:
        try:
            module.bind({name: address_of(name) for name in _SCAN_FUNCTIONS})
        except (ValueError, TypeError, AttributeError, OSError):
            return None  # a PDFium without one of the functions: the ctypes reads, same pages
    return module


# --- geometry -----------------------------------------------------------------

Matrix = tuple[float, float, float, float, float, float]


def mult(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (row-vector convention, as in PDF and pdfminer)."""
    a, b, c, d, e, f = m
    a1, b1, c1, d1, e1, f1 = n
    return (a * a1 + b * c1, a * b1 + b * d1, c * a1 + d * c1, c * b1 + d * d1,
            e * a1 + f * c1 + e1, e * b1 + f * d1 + f1)


def apply_matrix(m: Matrix, x: float, y: float) -> tuple[float, float]:
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


IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


class Walked:
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
        return self.forms.get(handle, (IDENTITY, self.page))


def handle_of(obj) -> int:
    """The raw PDFium handle of a pypdfium2 object, as an integer."""
    return ctypes.cast(obj.raw, ctypes.c_void_p).value or 0

"""What PDFium's text page leaves out, put back: runs of blank glyphs and fake-bold copies.

PDFium's text page skips a text object of blank glyphs only (the U+3000 of
中共河南省委　河南省人民政府 drawn as its own run) and a text object drawn again
over itself (fake bold, as WPS draws 标题). ``recover_skipped`` puts the
blanks back as characters and marks the first copy's characters bold, as
``pages.dedupe_overprint`` does for pdfminer's characters.
"""

from __future__ import annotations

import bisect
import ctypes
from operator import attrgetter

from pipeline.model import Char
from pipeline.pages import DEFAULT_OVERPRINT_TOLERANCE
from pipeline.pdfium_api import Matrix, PdfiumApi, Walked, mult
from pipeline.pdfium_chars import UNMAPPED, Style, Styles, glyph_box

# Probes for FPDFFont_GetGlyphWidth (``pdfium_chars.UNMAPPED``).
_SPACE_PROBES = (0x20, 0xA0)
# A fallback glyph width (in 1/1000 em) this wide marks a full-width (CJK) font.
DEFAULT_FULL_WIDTH = 750.0
# A run of blank glyphs fills the room before the next glyph to within this (1/1000 em).
DEFAULT_FIT_TOLERANCE = 30.0


def _blank_glyph(api: PdfiumApi, font: int, cache: dict[int, dict[str, float] | tuple[str, float]]
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

    unmapped = width(UNMAPPED)
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


def find_skipped(api: PdfiumApi, walked: Walked, used: dict[int, Style], tolerance: float
                  ) -> tuple[list[int], list[int]]:
    """The text objects the text page left out: runs of blank glyphs, and the originals of copies.

    An object not in ``used`` whose box
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


class Outlines:
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

    def __init__(self, api: PdfiumApi, tp: int, chars: list[Char], owners: list[int], indices: list[int],
                 styles: Styles) -> None:
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


def recover_skipped(api: PdfiumApi, walked: Walked, styles: Styles, chars: list[Char], owners: list[int],
                    frame: tuple[Matrix, float, float, float, float], outlines: Outlines
                    ) -> tuple[list[Char], int, int]:
    """Put back what PDFium's text page dropped: blank-glyph objects and fake-bold marks.

    Returns the page's characters, the number of text objects the text page
    left out that are neither blanks nor copies (their glyphs are lost), and
    the number of "blank" objects drawn in a font that is not embedded and
    draws no CJK outlines here (``Outlines``). A
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
    ctm, _w, height, dx, dtop = frame
    blank_objects, copied = find_skipped(api, walked, styles.by_object, DEFAULT_OVERPRINT_TOLERANCE)
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
        m = mult((mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), parent)
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
            x0, y0, x1, y1, size = glyph_box(st, ctm, x, y, 0.0)
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
        x0, y0, x1, y1, size = glyph_box(st, ctm, x, y, w * st.size / 1000)
        out.append(Char(ch, x0 + dx, height - y1 + dtop, x1 + dx, height - y0 + dtop, size, st.name, st.color,
                        st.bold))
    for i in [i for i, owner in enumerate(owners) if owner in bold_owners] if bold_owners else ():
        if not out[i].bold:
            out[i] = out[i]._replace(bold=True)
    return out, unread, doubtful

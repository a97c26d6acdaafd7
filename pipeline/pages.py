"""Primitives every PDF stage shares: the errors, the glyph tolerances, and how a glyph becomes a ``Char``.

The engines (``extract``, ``extract_pdfium``, ``read.ofd``) and OCR (``ocr``)
build their characters here, so one rule folds compatibility forms whichever
read the page: ``make_char("⼗", ...)`` gives a Char whose text is 十, and a
title drawn twice to fake bold (报报告告) comes out once, bold
(``dedupe_overprint``). Nothing here imports another stage.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache
from operator import attrgetter

from pipeline.loader import data_json
from pipeline.model import Char
from pipeline.native import speedups

_TEXT, _X0, _TOP = attrgetter("text"), attrgetter("x0"), attrgetter("top")

# The font name of characters read by OCR (``pipeline.ocr``): their size is measured, not given.
OCR_FONT = "tesseract"
# Two copies of a glyph closer than this (in points) are one glyph drawn twice
# to fake a bold face, as WPS and many 红头 templates do for 标题.
DEFAULT_OVERPRINT_TOLERANCE = 1.5
# A rule is a line or rectangle at most this thick and at least this long.
DEFAULT_RULE_MAX_THICKNESS = 3.0
DEFAULT_RULE_MIN_LENGTH = 72.0
# A page with more characters than this is unreadable: a million tiny glyphs
# is a drawing or an attack, not a 公文 page (``extract`` passes its own, which a test may lower).
DEFAULT_MAX_PAGE_CHARS = 200_000


class PdfError(Exception):
    """A file the pipeline cannot read; the message is one line for the user."""


class NotAPdfError(PdfError):
    pass


class EncryptedPdfError(PdfError):
    pass


class CorruptPdfError(PdfError):
    pass


class EmptyPdfError(PdfError):
    pass


class OversizePdfError(PdfError):
    """A stream inflates beyond ``DEFAULT_MAX_STREAM_BYTES`` (or all beyond the total)."""


class TimeLimitError(PdfError):
    """The file takes longer than ``DEFAULT_MAX_SECONDS``."""


@cache
def _compat_table() -> dict[int, str]:
    return {ord(k): v for k, v in data_json("compat_chars.json").items() if not k.startswith("_")}


def fold_char(text: str) -> str:
    """Fold one extracted glyph's text to the form the rest of the pipeline reads.

    Args:
        text: the glyph's text as the PDF gives it: ⼗, ⺠, ３, Ａ, ，

    Returns:
        十, 民, 3, A, ， (Chinese punctuation is kept full-width).
    """
    out = []
    for ch in text:
        cp = ord(ch)
        if 0x2F00 <= cp <= 0x2FDF or 0xF900 <= cp <= 0xFAFF:  # Kangxi radicals, compatibility ideographs
            out.append(unicodedata.normalize("NFKC", ch))
        elif 0x2E80 <= cp <= 0x2EFF:
            out.append(_compat_table().get(cp, ch))
        elif 0xFF10 <= cp <= 0xFF19 or 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A:
            out.append(chr(cp - 0xFEE0))  # full-width digit or Latin letter
        elif ch == "\u00a0":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def color_hex(color: object) -> str | None:
    """A pdfminer colour (gray, RGB or CMYK tuple) as ``#rrggbb``: (0.87, 0, 0) -> #de0000."""
    if color is None:
        return None
    if isinstance(color, (int, float)):
        color = (color,)
    if not isinstance(color, (tuple, list)) or not all(isinstance(c, (int, float)) for c in color):
        return None  # a pattern colour space
    if len(color) == 1:
        r = g = b = float(color[0])
    elif len(color) == 3:
        r, g, b = (float(c) for c in color)
    elif len(color) == 4:
        c, m, y, k = (float(v) for v in color)
        r, g, b = (1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)
    else:
        return None
    return "#" + "".join(f"{max(0, min(255, round(v * 255))):02x}" for v in (r, g, b))


def is_rule(x0: float, top: float, x1: float, bottom: float) -> bool:
    """Whether a drawn line or rectangle (page coordinates) is a rule: the red line under a 版头, 156 mm by 0.5 mm."""
    return bottom - top <= DEFAULT_RULE_MAX_THICKNESS and x1 - x0 >= DEFAULT_RULE_MIN_LENGTH


def is_bold_font(font: str) -> bool:
    """黑体, 小标宋 and Bold faces read as bold: AAAAAA+SimHei, FZXiaoBiaoSong-B05S."""
    name = font.split("+", 1)[-1].lower()
    return any(k in name for k in ("bold", "hei", "黑", "xbs", "xiaobiaosong", "小标宋", "heavy", "black"))


def dedupe_overprint(chars: Sequence[Char], tolerance: float = DEFAULT_OVERPRINT_TOLERANCE,
                     native: bool = True) -> list[Char]:
    """Drop the second copy of glyphs drawn twice (fake bold), marking the first bold.

    Args:
        chars: a page's characters in drawing order.
        tolerance: two copies of a glyph this close (points, in x0 and top) are one.
        native: let the C module's screen (``_speedups.may_overprint``) pass
            a page with no copy at once (most pages); False: the Python loop
            alone, which gives the same result.

    Returns:
        The characters with each overprinted copy removed: 报报告告 -> 报告.
    """
    screen = speedups() if native else None
    if screen is not None and not screen.may_overprint(list(map(_TEXT, chars)), list(map(_X0, chars)),
                                                       list(map(_TOP, chars)), tolerance):
        return list(chars)  # no glyph has a copy within the tolerance
    kept: list[Char] = []
    cell = 2 * tolerance
    # index by text, then rounded row, then rounded column, so the check stays
    # linear on big pages and a glyph with no copy on nearby rows costs three lookups
    seen: dict[str, dict[int, dict[int, int]]] = {}
    for ch in chars:
        kx, ky = round(ch.x0 / cell), round(ch.top / cell)
        rows = seen.get(ch.text)
        if rows is None:
            rows = seen[ch.text] = {}
        hit = None
        order = None  # of the neighbour cell hit, as (dx, dy): the last one in that order wins
        for dy in (-1, 0, 1):
            row = rows.get(ky + dy)
            if row is None:
                continue
            for dx in (-1, 0, 1):
                j = row.get(kx + dx)
                if j is not None:
                    other = kept[j]
                    if abs(other.x0 - ch.x0) <= tolerance and abs(other.top - ch.top) <= tolerance \
                            and (order is None or (dx, dy) > order):
                        hit, order = j, (dx, dy)
        if hit is not None and not ch.text.isspace():
            if not kept[hit].bold:
                old = kept[hit]
                kept[hit] = Char(old.text, old.x0, old.top, old.x1, old.bottom, old.size, old.font, old.color, True)
            continue
        rows.setdefault(ky, {})[kx] = len(kept)
        kept.append(ch)
    return kept


def make_char(text: str, x0: float, top: float, x1: float, bottom: float, size: float, font: str,
              color: str | None) -> Char:
    """Build a Char with folded text and the bold flag read from the font name."""
    return Char(fold_char(text), x0, top, x1, bottom, size, font, color, is_bold_font(font))

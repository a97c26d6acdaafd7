"""PDF -> pages of positioned characters. The only module that opens PDFs.

An engine is a function ``(path, password) -> Iterator[RawPage]`` that yields
one page at a time, so a 1,000-page file never sits in memory whole. Every
engine hands its characters to ``make_char``, which folds compatibility
forms the same way whatever the engine: Kangxi radicals (⼗ -> 十), CJK
radical supplements (⺠ -> 民, from ``data/compat_chars.json``), full-width
digits and letters (２０１７ -> 2017); Chinese punctuation stays as it is.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path

from pipeline.model import Char, RawPage, Rule

DEFAULT_ENGINE = "pdfium"
# Two copies of a glyph closer than this (in points) are one glyph drawn twice
# to fake a bold face, as WPS and many 红头 templates do for 标题.
DEFAULT_OVERPRINT_TOLERANCE = 1.5
# A rule is a line or rectangle at most this thick and at least this long.
DEFAULT_RULE_MAX_THICKNESS = 3.0
DEFAULT_RULE_MIN_LENGTH = 72.0


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


@cache
def _compat_table() -> dict[int, str]:
    raw = json.loads(resources.files("pipeline.data").joinpath("compat_chars.json").read_text("utf-8"))
    return {ord(k): v for k, v in raw.items() if not k.startswith("_")}


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


def is_bold_font(font: str) -> bool:
    """黑体, 小标宋 and Bold faces read as bold: AAAAAA+SimHei, FZXiaoBiaoSong-B05S."""
    name = font.split("+", 1)[-1].lower()
    return any(k in name for k in ("bold", "hei", "黑", "xbs", "xiaobiaosong", "小标宋", "heavy", "black"))


def dedupe_overprint(chars: list[Char], tolerance: float = DEFAULT_OVERPRINT_TOLERANCE) -> list[Char]:
    """Drop the second copy of glyphs drawn twice (fake bold), marking the first bold.

    Args:
        chars: a page's characters in drawing order.

    Returns:
        The characters with each overprinted copy removed: 报报告告 -> 报告.
    """
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


def check_file(path: Path) -> None:
    """Raise a one-line PdfError for a file that cannot be a PDF at all."""
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise PdfError(f"cannot read {path}: {e.strerror}") from None
    if not head:
        raise EmptyPdfError(f"{path}: empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise NotAPdfError(f"{path}: not a PDF (no %PDF- header)")


def _pdfplumber_pages(path: Path, password: str | None) -> Iterator[RawPage]:
    import logging

    import pdfplumber

    # pdfminer logs every odd font descriptor; the pipeline reports problems itself
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path, password=password or "")
    except Exception as e:
        # pdfplumber wraps pdfminer's errors: PdfminerException(PDFPasswordIncorrect())
        inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedPdfError(
                f"{path}: encrypted PDF" + (": wrong password" if password else "; give --password")
            ) from None
        raise CorruptPdfError(f"{path}: corrupt PDF ({type(inner).__name__}: {str(inner)[:120]})") from None
    with pdf:
        try:
            n = len(pdf.pages)
        except Exception as e:
            raise CorruptPdfError(f"{path}: corrupt PDF, page tree unreadable ({type(e).__name__})") from None
        if n == 0:
            raise EmptyPdfError(f"{path}: PDF has no pages")
        for i in range(n):
            page = pdf.pages[i]
            try:
                yield _plumber_page(page, i + 1)
            except PdfError:
                raise
            except Exception as e:
                raise CorruptPdfError(f"{path}: page {i + 1} unreadable ({type(e).__name__}: {str(e)[:120]})") from None
            finally:
                page.flush_cache()
                page.close() if hasattr(page, "close") else None


def _plumber_page(page, number: int) -> RawPage:
    chars = [
        make_char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c["size"], c.get("fontname", ""),
                  color_hex(c.get("non_stroking_color")))
        for c in page.chars
    ]
    rules = []
    for obj in list(page.lines) + list(page.rects):
        x0, top, x1, bottom = obj["x0"], obj["top"], obj["x1"], obj["bottom"]
        if bottom - top <= DEFAULT_RULE_MAX_THICKNESS and x1 - x0 >= DEFAULT_RULE_MIN_LENGTH:
            kind = "stroking_color" if obj["object_type"] == "line" else "non_stroking_color"
            rules.append(Rule(x0, top, x1, bottom, color_hex(obj.get(kind))))
    return RawPage(number, float(page.width), float(page.height), tuple(dedupe_overprint(chars)),
                   tuple(sorted(rules, key=lambda r: r.top)))


def _pdfium_pages(path: Path, password: str | None) -> Iterator[RawPage]:
    # imported here: extract_pdfium builds on this module's helpers
    from pipeline.extract_pdfium import pdfium_pages

    return pdfium_pages(path, password)


ENGINES: dict[str, Callable[[Path, str | None], Iterator[RawPage]]] = {
    "pdfplumber": _pdfplumber_pages,
    "pdfium": _pdfium_pages,
}


def extract_pages(path: str | Path, engine: str = DEFAULT_ENGINE, password: str | None = None) -> Iterator[RawPage]:
    """Read a PDF page by page.

    Args:
        path: the PDF file.
        engine: a name in ``ENGINES``.
        password: the user password of an encrypted file.

    Yields:
        One ``RawPage`` per page, characters folded and overprints removed.

    Raises:
        PdfError: one of its subclasses, with a one-line message.
    """
    path = Path(path)
    check_file(path)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(sorted(ENGINES))}")
    yield from ENGINES[engine](path, password)

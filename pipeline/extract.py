"""PDF -> pages of positioned characters. The only module that opens PDFs.

An engine is a function ``(path, password) -> Iterator[RawPage]`` that yields
one page at a time, so a 1,000-page file never sits in memory whole. Every
engine hands its characters to ``make_char``, which folds compatibility
forms the same way whatever the engine: Kangxi radicals (⼗ -> 十), CJK
radical supplements (⺠ -> 民, from ``data/compat_chars.json``), full-width
digits and letters (２０１７ -> 2017); Chinese punctuation stays as it is.

A page without a usable text layer (a scan; a font neither engine decodes)
is rendered and read by OCR (``pipeline.ocr``, Tesseract ``chi_sim``) and
marked ``ocr``; pages with a good text layer never render or start a process.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path

from pipeline.model import Char, RawPage, Rule
from pipeline.native import speedups
from pipeline.quality import (
    DEFAULT_SCAN_MAX_CHARS,
    assess_page,
    drop_undecodable,
    mark_unreadable,
    page_ranges,
    scan_behind_text,
    text_lost,
    visible_chars,
)

DEFAULT_ENGINE = "pdfium"
# Two copies of a glyph closer than this (in points) are one glyph drawn twice
# to fake a bold face, as WPS and many 红头 templates do for 标题.
DEFAULT_OVERPRINT_TOLERANCE = 1.5
# A rule is a line or rectangle at most this thick and at least this long.
DEFAULT_RULE_MAX_THICKNESS = 3.0
DEFAULT_RULE_MIN_LENGTH = 72.0
# Limits against hostile files (read when ``extract_pages`` runs, so a test
# may lower them). A page with more characters than this is unreadable: a
# million tiny glyphs is a drawing or an attack, not a 公文 page.
DEFAULT_MAX_PAGE_CHARS = 200_000
# No stream may inflate to more than this, nor all streams together to more
# than the total: a 1 MB zlib bomb inflating to gigabytes is refused before
# any engine decodes it.
DEFAULT_MAX_STREAM_BYTES = 256 << 20
DEFAULT_MAX_INFLATED_BYTES = 2 << 30
# Pixels a page may be rendered to (OCR and review): a 200-inch page at
# 120 dpi would be 24,000 x 24,000 px and 2.3 GB, so larger pages are
# rendered at a lower resolution instead (A0 at 120 dpi is 22 million).
DEFAULT_MAX_RENDER_PIXELS = 24_000_000
# A rendered page whose darkest grey is lighter than this holds no ink: OCR is not run.
DEFAULT_BLANK_GREY = 245
# Seconds one file may take from opening to its last page.
DEFAULT_MAX_SECONDS = 600.0
# OCR of pages without a usable text layer is on unless ``extract_pages`` is
# told otherwise or this environment variable is 0 (``pipeline parse --no-ocr``
# sets it, and batch workers inherit it).
DEFAULT_OCR_ENV = "PIPELINE_OCR"


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
    fast = speedups()
    if fast is not None and isinstance(chars, list) and not fast.may_overprint(chars, tolerance):
        return list(chars)  # no glyph has a copy within the tolerance (most pages)
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


_NOT_REGULAR = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO or pipe"), (stat.S_ISCHR, "a character device"),
                (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def check_input(path: str | Path, what: str = "PDF") -> int:
    """Take an input path and give its size in bytes, or raise a one-line PdfError.

    Only regular files are read: a FIFO, a pipe (``parse /dev/stdin`` from a
    pipe), a device or a socket would block or never end.

    Example: ``check_input("/dev/zero")`` raises ``/dev/zero: not a regular file
    (a character device); save the PDF to a file and give that``.
    """
    try:
        st = os.stat(path)
    except OSError as e:
        raise PdfError(f"cannot read {path}: {e.strerror}") from None
    for test, kind in _NOT_REGULAR:
        if test(st.st_mode):
            hint = " (parse reads standard input as -)" if what in ("PDF", "file") and kind == "a FIFO or pipe" else ""
            raise PdfError(f"{path}: not a regular file ({kind}); save the {what} to a file and give that{hint}")
    return st.st_size


def check_file(path: Path) -> None:
    """Raise a one-line PdfError for a file that cannot be a PDF at all."""
    check_input(path)
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise PdfError(f"cannot read {path}: {e.strerror}") from None
    if not head:
        raise EmptyPdfError(f"{path}: empty file (0 bytes)")
    if b"%PDF-" not in head:
        raise NotAPdfError(f"{path}: not a PDF (no %PDF- header)")


def _pdfplumber_pages(path: Path, password: str | None, wanted: Callable[[int], bool] | None = None
                      ) -> Iterator[RawPage]:
    """Read a PDF with pdfplumber, one page at a time; a page ``wanted`` refuses (by its number) is passed over unread."""
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
            if wanted is not None and not wanted(i + 1):
                continue
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


def _pdfium_pages(path: Path, password: str | None, wanted: Callable[[int], bool] | None = None
                  ) -> Iterator[RawPage]:
    # imported here: extract_pdfium builds on this module's helpers
    from pipeline.extract_pdfium import pdfium_pages

    yielded = False
    try:
        for page in pdfium_pages(path, password, wanted):
            yielded = True
            yield page
    except EncryptedPdfError:
        if _has_encrypt_entry(path):
            raise
        # PDFium's last-error code is process-wide: a file that fails to load
        # without setting it (zero pages) reads the code an earlier encrypted
        # file left. It is not encrypted, so pdfplumber says what it is.
        yield from _pdfplumber_pages(path, password)
    except CorruptPdfError as e:
        if yielded:
            raise
        # the same stale code, left by a damaged file read before (a format error): a
        # file of zero pages is no corrupt one, and pdfplumber tells them apart
        try:
            with closing(_pdfplumber_pages(path, password)) as other:  # type: ignore[type-var]
                next(other, None)
        except EmptyPdfError:
            raise
        except Exception:
            pass
        raise e from None


def _has_encrypt_entry(path: Path) -> bool:
    """Whether the file names an /Encrypt dictionary (its trailer is never encrypted)."""
    return next(_find_all(path, b"/Encrypt"), None) is not None


# Bytes read at a time by the scans over a whole file (``_find_all``, ``_inflated_size``):
# memory stays at this whatever the file's size (a 2 GB file of zeros costs 1 MB).
_BLOCK = 1 << 20


def _find_all(path: Path, needle: bytes) -> Iterator[int]:
    """Every offset of ``needle`` in a file, read a block at a time."""
    with open(path, "rb") as f:
        base, tail = 0, b""
        while True:
            block = f.read(_BLOCK)
            if not block:
                return
            data = tail + block
            start = base - len(tail)
            i = data.find(needle)
            while i >= 0:
                yield start + i
                i = data.find(needle, i + 1)
            keep = len(needle) - 1
            tail = data[-keep:] if keep else b""
            # an offset found in the tail was already given: the tail is shorter than the needle
            base += len(block)


# engine name -> its reader: (path, password, wanted=None) -> pages; ``wanted(number)`` False passes a page over
ENGINES: dict[str, Callable[..., Iterator[RawPage]]] = {
    "pdfplumber": _pdfplumber_pages,
    "pdfium": _pdfium_pages,
}


def _zlib_header(head: bytes) -> bool:
    """Whether two bytes open a zlib stream (RFC 1950: deflate, header checksum divisible by 31)."""
    return len(head) >= 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] << 8 | head[1]) % 31 == 0


def _inflated_size(f, start: int, cap: int) -> tuple[int, bool, bool]:
    """Inflate the zlib data at byte ``start`` of open file ``f`` without keeping it.

    Returns:
        (bytes out, True when past ``cap``, True when the data opens as zlib
        and breaks before its end: a damaged stream). Data that is not zlib (a
        JPEG, an uncompressed or encrypted stream) gives (0, False, False).
    """
    f.seek(start)
    step = 1 << 16
    first = f.read(step)
    if not _zlib_header(first):
        return 0, False, False
    d = zlib.decompressobj()
    out = 0
    chunk = first
    try:
        while chunk and not d.eof:
            out += len(d.decompress(chunk, step * 16))
            while d.unconsumed_tail and not d.eof and out <= cap:
                more = len(d.decompress(d.unconsumed_tail, step * 16))
                if not more:  # no progress: leave the rest to the engine
                    break
                out += more
            if out > cap:
                return out, True, False
            chunk = f.read(step)
    except zlib.error:
        return out, False, not d.eof
    return out, False, not d.eof  # the file ended inside the stream


# An ASCII85 stream longer than this is not decoded to be checked (content
# streams are tens of kilobytes; this bounds the check's memory).
DEFAULT_MAX_A85_BYTES = 16 << 20


def _ascii85_flate(f, i: int) -> bool:
    """Whether the dictionary before the ``stream`` keyword at byte ``i`` names ASCII85 then Flate."""
    f.seek(max(0, i - 512))
    head = f.read(i - max(0, i - 512))
    head = head[head.rfind(b"<<"):] if b"<<" in head else head
    a = head.find(b"/ASCII85Decode")
    if a < 0:
        a = head.find(b"/A85")
    return a >= 0 and (head.find(b"/FlateDecode", a) > a or head.find(b"/Fl ", a) > a)


def _a85_inflated_size(f, start: int, cap: int) -> tuple[int, bool, bool]:
    """``_inflated_size`` for ASCII85-then-Flate data (as reportlab writes content streams).

    A flipped or cut character breaks the ASCII85 or the zlib data inside it:
    (bytes out, over ``cap``, damaged).
    """
    import base64

    f.seek(start)
    raw = f.read(DEFAULT_MAX_A85_BYTES)
    end = raw.find(b"~>")
    if end < 0:
        return 0, False, len(raw) < DEFAULT_MAX_A85_BYTES  # cut off before its end, or too long to check
    try:
        data = base64.a85decode(raw[:end].replace(b"<~", b"", 1), adobe=False, ignorechars=b" \t\n\r\x0b\x0c")
    except ValueError:
        return 0, False, True
    if not _zlib_header(data[:2]):
        return 0, False, True
    d = zlib.decompressobj()
    out = 0
    try:
        out += len(d.decompress(data, 1 << 20))
        while d.unconsumed_tail and not d.eof and out <= cap:
            more = len(d.decompress(d.unconsumed_tail, 1 << 20))
            if not more:
                break
            out += more
    except zlib.error:
        return out, False, True
    if out > cap:
        return out, True, False
    return out, False, not d.eof


def check_inflated_size(path: Path, max_stream: int | None = None, max_total: int | None = None) -> list[int]:
    """Refuse a file whose Flate streams inflate beyond the limits, before any engine decodes them.

    Args:
        path: the PDF. Every ``stream`` keyword's data is inflated in 64 KB
            steps and thrown away, so a 1 MB bomb inflating to 1 GB costs a
            few milliseconds up to the limit, and the file is read a block at
            a time: memory stays flat whatever its size.
        max_stream: bytes one stream may inflate to; ``DEFAULT_MAX_STREAM_BYTES`` when None.
        max_total: bytes all streams together may inflate to; ``DEFAULT_MAX_INFLATED_BYTES`` when None.

    Returns:
        The byte offsets of damaged streams: zlib data that breaks before its
        end (a flipped or deleted byte), whose text the engines lose without
        a word; ``extract_pages`` cross-checks the pages of such a file.

    Raises:
        OversizePdfError: ``x.pdf: a stream at byte 1234 inflates beyond 256 MB (limit)``.
    """
    max_stream = DEFAULT_MAX_STREAM_BYTES if max_stream is None else max_stream
    max_total = DEFAULT_MAX_INFLATED_BYTES if max_total is None else max_total
    damaged: list[int] = []
    total = 0
    with open(path, "rb") as f:
        for i in _find_all(path, b"stream"):
            f.seek(max(0, i - 3))
            around = f.read(i - max(0, i - 3) + 8)
            before, after = around[: i - max(0, i - 3)], around[i - max(0, i - 3) + 6:]
            if before == b"end":  # not the start of a stream
                continue
            if after[:2] == b"\r\n":
                j = i + 8
            elif after[:1] in (b"\n", b"\r"):
                j = i + 7
            else:
                continue
            if _ascii85_flate(f, i):
                size, over, broken = _a85_inflated_size(f, j, max_stream)
            else:
                size, over, broken = _inflated_size(f, j, max_stream)
            if over:
                raise OversizePdfError(
                    f"{path}: a stream at byte {i} inflates beyond {max_stream >> 20} MB (the limit)")
            if broken:
                damaged.append(i)
            total += size
            if total > max_total:
                raise OversizePdfError(f"{path}: streams inflate beyond {max_total >> 20} MB in all (the limit)")
    return damaged


class _Fallback:
    """Another engine's pages of the same file, read in step and only when first asked for.

    Pages are asked for in order; those before the one asked for are passed
    over unread, so one doubtful page at the end of a long file costs one
    page of the slower engine, not all of them.
    """

    def __init__(self, path: Path, password: str | None, engine: str | None) -> None:
        self.path, self.password, self.engine = path, password, engine
        self.pages: Iterator[RawPage] | None = None
        self.failed = engine is None
        self.asking = 0

    def page(self, number: int) -> RawPage | None:
        """The other engine's reading of page ``number`` (1-based), or None when it cannot give it."""
        if self.failed:
            return None
        try:
            self.asking = number
            if self.pages is None:
                self.pages = ENGINES[self.engine](self.path, self.password,  # type: ignore[index]
                                                  lambda n: n >= self.asking)
            for page in self.pages:
                if page.number == number:
                    return page
                if page.number > number:
                    break
        except Exception:  # the other engine failing leaves the page unreadable, nothing more
            pass
        self.close()
        self.failed = True
        return None

    def close(self) -> None:
        close = getattr(self.pages, "close", None)
        if close is not None:
            close()
        self.pages = None


class _Ocr:
    """OCR of the same file's pages, each rendered and read only when asked for.

    The PDF is opened with PDFium at the first page that needs OCR, and one
    page image at a time is held (an A4 page at 120 dpi is 4 MB as RGB).
    """

    def __init__(self, path: Path, password: str | None) -> None:
        self.path, self.password = path, password
        self.pdf: object | None = None
        self.unavailable: str | None = None
        self.checked = False
        self.has_images: bool | None = None

    def read(self, page: RawPage, why: str) -> RawPage:
        """Give ``page`` read by OCR, or unreadable for ``why`` and the reason OCR could not help.

        Args:
            page: the page as its engine read it (its characters are replaced).
            why: why the text layer is not used: ``"no text layer"``.

        Returns:
            The page with OCR characters, ``quality="ocr"`` and a reason such as
            ``"no text layer; tesseract chi_sim, mean confidence 91"``; or
            unreadable: ``"no text layer; OCR unavailable: tesseract not installed"``,
            ``"no text layer; OCR found no text"``,
            ``"…; OCR unreliable (mean confidence 31)"``.
        """
        from pipeline import ocr

        if not self.checked:
            self.unavailable, self.checked = ocr.ocr_unavailable(), True
        if self.unavailable:
            return mark_unreadable(page, f"{why}; OCR unavailable: {self.unavailable}")
        try:
            got = self.render(page.number)
        except Exception as e:  # PDFium cannot render the page: the page is lost, not the file
            return mark_unreadable(page, f"{why}; OCR failed: page not rendered ({type(e).__name__})")
        if got is None:
            return mark_unreadable(page, f"{why}; blank page (nothing drawn)")
        image, dpi = got
        if is_blank_image(image):  # no ink: Tesseract would find nothing, slowly on a big page
            image.close()
            return mark_unreadable(page, f"{why}; OCR found no text")
        try:
            chars, confidence = ocr.ocr_image(image, dpi)
        except ocr.OcrError as e:
            return mark_unreadable(page, f"{why}; OCR failed: {e}")
        finally:
            image.close()
        if not chars or confidence is None:
            return mark_unreadable(page, f"{why}; OCR found no text")
        if confidence < ocr.DEFAULT_OCR_MIN_CONFIDENCE:
            return mark_unreadable(page, f"{why}; OCR unreliable (mean confidence {confidence:.0f})")
        read = replace(page, chars=tuple(chars))
        verdict, reason = assess_page(read)
        if verdict != "ok":
            return mark_unreadable(page, f"{why}; OCR gives {reason}")
        return replace(read, quality="ocr",
                       quality_reason=f"{why}; tesseract {ocr.DEFAULT_OCR_LANGUAGE}, mean confidence {confidence:.0f}")

    def read_images(self, page: RawPage) -> RawPage:
        """Give a page with a text layer its pictures' text too, where a picture may hold some.

        A plan's indicator table or 专栏 box pasted as a picture leaves the text
        layer without its targets. Each picture wide and tall enough for lines of
        text and not under text already (``ocr.text_image_boxes``) is read by OCR;
        what is read joins the page's characters, the page becomes ``ocr`` with
        the reason ``"text layer; 1 image read by OCR (tesseract chi_sim, mean
        confidence 88)"`` and ``ocr_regions`` holds the pictures' boxes. A file
        without image objects costs one scan of its bytes; pages of a file with
        some cost a listing of their image objects.
        """
        if self.has_images is None:
            self.has_images = file_has_images(self.path)
        if not self.has_images:
            return page
        try:
            boxes = text_image_boxes(self.image_boxes(page), page.width, page.chars)
        except Exception:  # PDFium cannot list the page's objects: the text layer stands alone
            return page
        if not boxes:
            return page
        from pipeline import ocr  # only for a page with such a picture

        if not self.checked:
            self.unavailable, self.checked = ocr.ocr_unavailable(), True
        if self.unavailable:
            return page
        try:
            got = self.render(page.number, ocr.DEFAULT_IMAGE_OCR_DPI)
        except Exception:
            return page
        if got is None:
            return page
        image, dpi = got
        read: list = []
        regions, confidences = [], []
        try:
            for box in boxes:
                try:
                    chars, confidence = ocr.ocr_region(image, box, dpi)
                except ocr.OcrError:
                    continue
                if (confidence is None or confidence < ocr.DEFAULT_IMAGE_MIN_CONFIDENCE
                        or len(chars) < ocr.DEFAULT_IMAGE_MIN_CHARS):
                    continue  # a photo or a drawing: no text
                read += chars
                regions.append((round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2)))
                confidences.append(confidence)
        finally:
            image.close()
        if not regions:
            return page
        n = len(regions)
        why = (f"{page.quality_reason}; " if page.quality_reason else "text layer; ") + (
            f"{n} image{'s' if n > 1 else ''} read by OCR (tesseract {ocr.DEFAULT_OCR_LANGUAGE}, "
            f"mean confidence {sum(confidences) / n:.0f})")
        return replace(page, chars=page.chars + tuple(read), quality="ocr", quality_reason=why,
                       ocr_regions=tuple(regions))

    def image_boxes(self, page: RawPage) -> list[tuple[float, float, float, float]]:
        """The boxes ``(x0, top, x1, bottom)`` in points, origin top-left, of a page's pictures."""
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        if self.pdf is None:
            self.pdf = pdfium.PdfDocument(str(self.path), password=self.password)
        pdf_page = self.pdf[page.number - 1]  # type: ignore[index]
        try:
            out = []
            for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
                left, bottom, right, top = obj.get_bounds()
                out.append((left, page.height - top, right, page.height - bottom))
            return out
        finally:
            pdf_page.close()

    def render(self, number: int, dpi: float | None = None):
        """Page ``number`` (1-based) as (PIL image, dpi), origin top-left, or None when nothing is drawn on it.

        The dpi is ``dpi`` (``ocr.DEFAULT_OCR_DPI`` when None) unless the page is so large that
        the image would pass ``DEFAULT_MAX_RENDER_PIXELS`` (``render_scale``).
        """
        import pypdfium2 as pdfium

        from pipeline.extract_pdfium import count_objects
        from pipeline.ocr import DEFAULT_OCR_DPI

        if self.pdf is None:
            self.pdf = pdfium.PdfDocument(str(self.path), password=self.password)
        page = self.pdf[number - 1]  # type: ignore[index]
        try:
            if count_objects(page) == 0:
                return None
            width, height = page.get_size()
            scale = render_scale(width, height, (dpi or DEFAULT_OCR_DPI) / 72)
            bitmap = page.render(scale=scale)
            try:
                return bitmap.to_pil().convert("RGB"), scale * 72  # a copy: the bitmap's buffer is freed below
            finally:
                bitmap.close()
        finally:
            page.close()

    def xref_rebuilt(self) -> bool:
        """Whether PDFium had to rebuild the file's cross-reference table (offsets wrong: bytes lost or added)."""
        import pypdfium2 as pdfium

        from pipeline.extract_pdfium import xref_rebuilt

        try:
            if self.pdf is None:
                self.pdf = pdfium.PdfDocument(str(self.path), password=self.password)
            return xref_rebuilt(self.pdf)
        except Exception:
            return False

    def image_share(self, number: int) -> float:
        """The share of page ``number`` (1-based) covered by images; 0 when PDFium cannot tell."""
        import pypdfium2 as pdfium

        from pipeline.extract_pdfium import image_share

        try:
            if self.pdf is None:
                self.pdf = pdfium.PdfDocument(str(self.path), password=self.password)
            page = self.pdf[number - 1]  # type: ignore[index]
        except Exception:
            return 0.0
        try:
            return image_share(page)
        finally:
            page.close()

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()  # type: ignore[attr-defined]
            self.pdf = None


def render_scale(width: float, height: float, scale: float, max_pixels: int | None = None) -> float:
    """Take a page's size in points and the wanted pixels per point and give the scale to render at.

    The wanted scale unless the image would exceed ``max_pixels``
    (``DEFAULT_MAX_RENDER_PIXELS`` when None); then the scale that fits it.

    Example: an A4 page (595 x 842 pt) at 120/72 stays 1.667; a 14,400 pt
    square page at 120/72 gives 0.34 (4,899 px a side).
    """
    max_pixels = DEFAULT_MAX_RENDER_PIXELS if max_pixels is None else max_pixels
    area = max(width, 1.0) * max(height, 1.0)
    if area * scale * scale <= max_pixels:
        return scale
    return (max_pixels / area) ** 0.5


def is_blank_image(image, grey: int | None = None) -> bool:
    """Whether a rendered page (PIL image) holds no ink: its darkest grey is lighter than ``DEFAULT_BLANK_GREY``."""
    grey = DEFAULT_BLANK_GREY if grey is None else grey
    low, _ = image.convert("L").getextrema()
    return low > grey


# Pictures on a page with a text layer are read when they may hold text: at
# least this share of the page's width and this tall in points (an indicator
# table, a 专栏 box; not a seal, a logo or a rule), with fewer than this many
# text-layer characters over them (else the picture is a background or a
# seal under the signature).
DEFAULT_IMAGE_MIN_WIDTH_SHARE = 0.3
DEFAULT_IMAGE_MIN_HEIGHT = 40.0
DEFAULT_IMAGE_MAX_TEXT_CHARS = 5


# the dictionary of an image XObject: a stream's dictionary is never compressed or
# encrypted, so a file without this key has no picture to read
_IMAGE_KEY = re.compile(rb"/Subtype\s*/Image\b")


def file_has_images(path: Path) -> bool:
    """Whether a PDF holds any image XObject, from its bytes alone (no page is parsed)."""
    try:  # a block at a time, never mapped whole (memory stays flat, as in check_inflated_size)
        with open(path, "rb") as f:
            tail = b""
            while block := f.read(_BLOCK):
                data = tail + block
                if _IMAGE_KEY.search(data):
                    return True
                tail = data[-64:]
        return False
    except OSError:
        return True  # unreadable this way: let the page listing decide


def text_image_boxes(boxes: Sequence[tuple[float, float, float, float]], page_width: float,
                     chars: Sequence[Char]) -> list[tuple[float, float, float, float]]:
    """Take the boxes of a page's pictures and give those that may hold text worth OCR.

    Args:
        boxes: each picture's ``(x0, top, x1, bottom)`` in points, origin top-left.
        page_width: the page's width in points.
        chars: the page's text-layer characters.

    Returns:
        The boxes wide and tall enough to hold lines of text (an indicator table
        drawn as a picture, 440 x 270 pt) and not already covered by text (a seal
        under the 署名, a background): the rest cost nothing.
    """
    out = []
    for x0, top, x1, bottom in boxes:
        if x1 - x0 < DEFAULT_IMAGE_MIN_WIDTH_SHARE * page_width or bottom - top < DEFAULT_IMAGE_MIN_HEIGHT:
            continue
        over = sum(1 for c in chars if x0 <= (c.x0 + c.x1) / 2 <= x1 and top <= (c.top + c.bottom) / 2 <= bottom)
        if over < DEFAULT_IMAGE_MAX_TEXT_CHARS:
            out.append((x0, top, x1, bottom))
    return out



def ocr_enabled(ocr: bool | None = None) -> bool:
    """Whether pages without a usable text layer are OCR'd.

    Args:
        ocr: True or False to say so; None to follow the environment:
            ``PIPELINE_OCR=0`` (or off, no, false) turns OCR off.
    """
    if ocr is not None:
        return ocr
    return os.environ.get(DEFAULT_OCR_ENV, "1").strip().lower() not in ("0", "off", "no", "false")


def judge_page(page: RawPage, engine: str, fallback: _Fallback | None = None,
               max_chars: int | None = None, ocr: _Ocr | None = None,
               images: Callable[[int], float] | None = None) -> RawPage:
    """Take a page as ``engine`` read it and give it with its quality decided.

    Args:
        page: a ``RawPage`` straight from an engine.
        engine: its engine's name, for the reason: pdfium.
        fallback: the other engine's pages, tried when this reading is garbage.
        max_chars: ``DEFAULT_MAX_PAGE_CHARS`` when None.
        ocr: OCR of the file's pages, tried when neither engine gives usable
            text; None for no OCR.
        images: page number -> share of the page covered by images, asked
            for a page of little text (``quality.scan_behind_text``): a scan
            whose text layer is a watermark goes to OCR too.

    Returns:
        The page ``ok``; or ``repaired`` (the other engine's reading, or a
        few undecodable glyphs dropped); or ``ocr`` (read from the page
        image: ``"no text layer; tesseract chi_sim, mean confidence 91"``);
        or ``unreadable`` with no characters and the reason:
        ``"no text layer; OCR unavailable: tesseract not installed"``,
        ``"40 of 40 glyphs undecodable (cid); pdfium reads no better"``.
    """
    max_chars = DEFAULT_MAX_PAGE_CHARS if max_chars is None else max_chars
    if page.quality == "unreadable":  # the engine refused it before reading (too many glyphs)
        return page
    if len(page.chars) > max_chars:
        return mark_unreadable(page, f"too many characters ({len(page.chars):,}; the limit is {max_chars:,})")
    if page.unread or page.doubtful:
        page = _read_unread(page, engine, fallback, max_chars)
        if page.quality != "ok":
            return page
    quality, reason = assess_page(page)
    if quality == "ok":
        scan = None
        if images is not None and len(page.chars) <= DEFAULT_SCAN_MAX_CHARS:
            scan = scan_behind_text(page, images(page.number))
        if scan is None:
            return drop_undecodable(page)
        return ocr.read(page, scan) if ocr is not None else mark_unreadable(page, scan)
    reason = reason or "unreadable"
    if page.chars and fallback is not None:  # no text layer: another engine reads no more
        alt = fallback.page(page.number)
        if alt is not None and len(alt.chars) <= max_chars and assess_page(alt)[0] == "ok":
            alt = drop_undecodable(alt)
            note = f"; {alt.quality_reason}" if alt.quality == "repaired" else ""
            return replace(alt, quality="repaired",
                           quality_reason=f"read with {fallback.engine}: {engine} gives {reason}{note}")
        reason = f"{reason}; {fallback.engine or 'no other engine'} reads no better"
    if ocr is not None:
        return ocr.read(page, reason)
    return mark_unreadable(page, reason)


def _read_unread(page: RawPage, engine: str, fallback: _Fallback | None, max_chars: int) -> RawPage:
    """Take a page on which ``engine`` left text objects unread and give it read in full, or flagged.

    A font that is neither embedded nor installed on the host (reportlab's
    STSong-Light, a WPS print's 仿宋_GB2312) gives PDFium no glyphs to place,
    and its text page drops them, though the PDF's CMap says what they are.
    The other engine decodes them from the CMap alone: when it reads more of
    the page and its reading is plausible, its page is taken (``repaired``).
    Else the page is ``partial``: what was read is kept, and the reason says
    how much was not, so it is never rated ``ok`` with text missing.
    """
    alt = fallback.page(page.number) if fallback is not None else None
    lost = visible_chars(alt) - visible_chars(page) if alt is not None else 0
    if alt is not None and len(alt.chars) <= max_chars and lost > 0 and assess_page(alt)[0] == "ok":
        return replace(drop_undecodable(alt), quality="repaired",
                       quality_reason=f"read with {fallback.engine}: {engine} leaves {lost} glyph{'s' if lost > 1 else ''} unread "  # type: ignore[union-attr]
                                      f"(a font neither embedded nor installed)")
    if not page.unread:  # the doubtful objects were blanks: the other engine reads no more
        return page
    what = f"{page.unread} text object{'s' if page.unread > 1 else ''} drawn but unread"
    other = fallback.engine if fallback is not None and fallback.engine else "no other engine"
    return replace(page, quality="partial", quality_reason=f"{what}; {other} reads no more")


def cross_check(page: RawPage, engine: str, fallback: _Fallback) -> RawPage:
    """Take a page judged readable from a damaged file and give the better of it and the other engine's reading.

    A damaged font or content stream loses text without a sign (PDFium reads
    郑州市 as blanks; pdfminer stops at a broken operator): the page is read
    again with the other engine, and where that reads more
    (``quality.text_lost``), its reading is taken and marked ``repaired``:
    ``"damaged file: read with pdfplumber (pdfium reads 380 of 514 characters)"``.
    """
    alt = fallback.page(page.number)
    if alt is None or assess_page(alt)[0] != "ok":
        return page
    lost = text_lost(visible_chars(page), visible_chars(alt))
    if lost is None:
        return page
    alt = drop_undecodable(alt)
    return replace(alt, quality="repaired",
                   quality_reason=f"damaged file: read with {fallback.engine} ({engine} {lost})")


def damage_note(streams: list[int], rebuilt: bool, repaired: list[int]) -> str | None:
    """The document's warning about a damaged file, or None for a sound one.

    Example: ``"damaged PDF (1 broken compressed stream, at byte 5348; cross-reference table
    rebuilt): pages 2-5 read with the other engine; text may be missing"``.
    """
    if not streams and not rebuilt:
        return None
    parts = []
    if streams:
        where = ", ".join(str(b) for b in streams[:3]) + (", …" if len(streams) > 3 else "")
        parts.append(f"{len(streams)} broken compressed stream{'s' if len(streams) > 1 else ''}, "
                     f"at byte{'s' if len(streams) > 1 else ''} {where}")
    if rebuilt:
        parts.append("cross-reference table rebuilt")
    done = f"{'pages' if len(repaired) > 1 else 'page'} {page_ranges(repaired)} read with the other engine; " if repaired else ""
    return f"damaged PDF ({'; '.join(parts)}): {done}text may be missing"


def extract_pages(path: str | Path, engine: str = DEFAULT_ENGINE, password: str | None = None,
                  ocr: bool | None = None, progress: Callable[[RawPage], object] | None = None,
                  notes: list[str] | None = None) -> Iterator[RawPage]:
    """Read a PDF page by page, each page's text layer judged (``pipeline.quality``).

    Args:
        path: the PDF file.
        engine: a name in ``ENGINES``.
        password: the user password of an encrypted file.
        ocr: whether pages without a usable text layer are OCR'd; None
            follows ``ocr_enabled`` (on unless ``PIPELINE_OCR=0``).
        progress: told each page as it is judged (the CLI's bar on a long OCR).
        notes: given a list, the document's warnings are appended to it once
            the last page is read: a damaged file (``damage_note``).

    Yields:
        One ``RawPage`` per page, characters folded and overprints removed,
        ``quality`` set: a page the engine reads as garbage ((cid:N), U+FFFD,
        private-use codes) is read with the other engine and marked
        ``repaired``; a page with no text (a scan) or garbage no engine
        decodes is OCR'd and marked ``ocr``, or emptied and marked
        ``unreadable`` with the reason (OCR off or unavailable, nothing read).

    Raises:
        PdfError: one of its subclasses, with a one-line message: not a PDF,
            empty, corrupt, encrypted, streams inflating beyond the limit
            (``OversizePdfError``), over the time limit (``TimeLimitError``).
    """
    path = Path(path)
    check_file(path)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(sorted(ENGINES))}")
    broken = check_inflated_size(path)
    limit = DEFAULT_MAX_SECONDS
    deadline = time.monotonic() + limit
    other = next((name for name in ENGINES if name != engine), None)
    fallback = _Fallback(path, password, other)
    reader = _Ocr(path, password) if ocr_enabled(ocr) else None
    pdfium_doc = reader or _Ocr(path, password)  # for image shares, also when OCR is off
    rebuilt: bool | None = None
    repaired: list[int] = []
    try:
        with closing(ENGINES[engine](path, password)) as pages:  # type: ignore[type-var]
            for page in pages:
                if time.monotonic() > deadline:
                    raise TimeLimitError(f"{path}: over the time limit of {limit:g} s at page {page.number}")
                if rebuilt is None:  # asked once the engine has opened the file (and refused it if need be)
                    rebuilt = pdfium_doc.xref_rebuilt()
                judged = judge_page(page, engine, fallback, ocr=reader, images=pdfium_doc.image_share)
                if (broken or rebuilt) and judged.quality in ("ok", "repaired") and judged.chars:
                    judged = cross_check(judged, engine, fallback)
                    if judged.quality_reason and judged.quality_reason.startswith("damaged file"):
                        repaired.append(judged.number)
                if reader is not None and judged.quality in ("ok", "repaired"):
                    judged = reader.read_images(judged)  # an indicator table pasted as a picture
                if progress is not None:
                    progress(judged)
                yield judged
        note = damage_note(broken, bool(rebuilt), repaired)
        if note and notes is not None:
            notes.append(note)
    finally:
        fallback.close()
        pdfium_doc.close()

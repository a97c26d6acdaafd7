"""PDF -> pages of positioned characters. The only module that opens PDFs.

An engine is a function ``(path, password, wanted=None, *, native, max_chars) -> Iterator[RawPage]``
that yields one page at a time (``wanted(number)`` False: the page is passed
over unread; ``native``: use the C module where the engine has one;
``max_chars``: a page over this many characters may be given unread), so a 1,000-page file never sits in memory whole. Every
engine hands its characters to ``make_char``, which folds compatibility
forms the same way whatever the engine: Kangxi radicals (⼗ -> 十), CJK
radical supplements (⺠ -> 民, from ``data/compat_chars.json``), full-width
digits and letters (２０１７ -> 2017); Chinese punctuation stays as it is.

A page without a usable text layer (a scan; a font neither engine decodes)
is rendered and read by OCR (``pipeline.ocr``, Tesseract ``chi_sim``) and
marked ``ocr``; pages with a good text layer never render or start a process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from pipeline.extract_pdfium import pdfium_pages
from pipeline.model import RawPage, Rule
from pipeline.ocr_pages import OcrPages
from pipeline.pages import (  # the shared primitives this module uses (import them from pipeline.pages)
    DEFAULT_MAX_PAGE_CHARS,
    CorruptPdfError,
    EmptyPdfError,
    EncryptedPdfError,
    PdfError,
    TimeLimitError,
    color_hex,
    dedupe_overprint,
    is_rule,
    make_char,
)
from pipeline.pdf_bytes import check_file, check_inflated_size, has_encrypt_entry
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
# Limits against hostile files (read when ``extract_pages`` runs, so a test
# may lower them; DEFAULT_MAX_PAGE_CHARS, characters a page, comes from ``pages``).
# Seconds one file may take from opening to its last page.
DEFAULT_MAX_SECONDS = 600.0


def _pdfplumber_pages(path: Path, password: str | None, wanted: Callable[[int], bool] | None = None, *,
                      native: bool = True, max_chars: int = DEFAULT_MAX_PAGE_CHARS) -> Iterator[RawPage]:
    """Read a PDF with pdfplumber, one page at a time; a page ``wanted`` refuses (by its number) is passed over unread.

    ``native`` lets ``dedupe_overprint`` use the C screen; pdfplumber's pages
    are judged against ``max_chars`` after reading (``judge_page``).
    """
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
                yield _plumber_page(page, i + 1, native)
            except PdfError:
                raise
            except Exception as e:
                raise CorruptPdfError(f"{path}: page {i + 1} unreadable ({type(e).__name__}: {str(e)[:120]})") from None
            finally:
                page.flush_cache()
                page.close() if hasattr(page, "close") else None


def _plumber_page(page, number: int, native: bool = True) -> RawPage:
    chars = [
        make_char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c["size"], c.get("fontname", ""),
                  color_hex(c.get("non_stroking_color")))
        for c in page.chars
    ]
    rules = []
    for obj in list(page.lines) + list(page.rects):
        x0, top, x1, bottom = obj["x0"], obj["top"], obj["x1"], obj["bottom"]
        if is_rule(x0, top, x1, bottom):
            kind = "stroking_color" if obj["object_type"] == "line" else "non_stroking_color"
            rules.append(Rule(x0, top, x1, bottom, color_hex(obj.get(kind))))
    return RawPage(number, float(page.width), float(page.height), tuple(dedupe_overprint(chars, native=native)),
                   tuple(sorted(rules, key=lambda r: r.top)))


def _pdfium_pages(path: Path, password: str | None, wanted: Callable[[int], bool] | None = None, *,
                  native: bool = True, max_chars: int = DEFAULT_MAX_PAGE_CHARS) -> Iterator[RawPage]:
    """PDFium's pages (``extract_pdfium.pdfium_pages``), pdfplumber's word taken where PDFium's error code is stale."""
    yielded = False
    try:
        for page in pdfium_pages(path, password, wanted, native=native, max_chars=max_chars):
            yielded = True
            yield page
    except EncryptedPdfError:
        if has_encrypt_entry(path):
            raise
        # PDFium's last-error code is process-wide: a file that fails to load
        # without setting it (zero pages) reads the code an earlier encrypted
        # file left. It is not encrypted, so pdfplumber says what it is.
        yield from _pdfplumber_pages(path, password, wanted, native=native, max_chars=max_chars)
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




# engine name -> its reader: (path, password, wanted=None, *, native, max_chars) -> pages;
# ``wanted(number)`` False passes a page over
ENGINES: dict[str, Callable[..., Iterator[RawPage]]] = {
    "pdfplumber": _pdfplumber_pages,
    "pdfium": _pdfium_pages,
}



class _Fallback:
    """Another engine's pages of the same file, read in step and only when first asked for.

    Pages before the one asked for are passed over unread, so one doubtful
    page at the end of a long file costs one page of the slower engine, not
    all of them. A page asked for again (the missing-font check, then the
    quality gate, then the damaged-file check may each ask of one page) is
    given again from memory (the last page only: a long damaged file is not
    held twice); one before it starts the other engine again.
    """

    def __init__(self, path: Path, password: str | None, engine: str | None, native: bool = True,
                 max_chars: int | None = None) -> None:
        self.path, self.password, self.engine, self.native = path, password, engine, native
        self.max_chars = DEFAULT_MAX_PAGE_CHARS if max_chars is None else max_chars
        self.pages: Iterator[RawPage] | None = None
        self.failed = engine is None
        self.asking = 0
        self.last: RawPage | None = None  # the last page given
        self.position = 0  # the number of the last page the engine gave

    def page(self, number: int) -> RawPage | None:
        """The other engine's reading of page ``number`` (1-based), or None when it cannot give it."""
        if self.last is not None and self.last.number == number:
            return self.last
        if self.failed:
            return None
        try:
            self.asking = number
            if self.pages is not None and number <= self.position:
                self.close()  # asked out of order: read the file again from the start
            if self.pages is None:
                self.position = 0
                self.pages = ENGINES[self.engine](self.path, self.password,  # type: ignore[index]
                                                  lambda n: n >= self.asking, native=self.native,
                                                  max_chars=self.max_chars)
            for page in self.pages:
                self.position = page.number
                if page.number == number:
                    self.last = page
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



def judge_page(page: RawPage, engine: str, fallback: _Fallback | None = None,
               max_chars: int | None = None, ocr: OcrPages | None = None,
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
                  notes: list[str] | None = None, native: bool = True) -> Iterator[RawPage]:
    """Read a PDF page by page, each page's text layer judged (``pipeline.quality``).

    Args:
        path: the PDF file.
        engine: a name in ``ENGINES``.
        password: the user password of an encrypted file.
        ocr: whether pages without a usable text layer are OCR'd (None: yes).
        progress: told each page as it is judged (the CLI's bar on a long OCR).
        notes: given a list, the document's warnings are appended to it once
            the last page is read: a damaged file (``damage_note``).
        native: read through the C module where the engine has one (False:
            the Python code, slower, the same pages).

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
    fallback = _Fallback(path, password, other, native, DEFAULT_MAX_PAGE_CHARS)
    reader = OcrPages(path, password) if ocr is not False else None
    pdfium_doc = reader or OcrPages(path, password)  # for image shares, also when OCR is off
    rebuilt: bool | None = None
    repaired: list[int] = []
    try:
        with closing(ENGINES[engine](path, password, native=native, max_chars=DEFAULT_MAX_PAGE_CHARS)) as pages:  # type: ignore[type-var]
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

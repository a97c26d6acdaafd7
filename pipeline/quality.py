"""Text-layer quality of one extracted page: ok, or unreadable and why.

A PDF's text layer can lie. A font without a ``/ToUnicode`` map gives
pdfplumber ``(cid:12)`` placeholders and PDFium control characters or
Latin-1 letters (郑州市 read as ``\\x01-\\x03``); a broken map gives U+FFFD or
private-use code points; a scan gives no text at all. ``assess_page`` reads
the characters' statistics and says whether the page can be trusted; it
neither opens files nor changes the page. ``extract.extract_pages`` acts on
the verdict (another engine, then OCR, then ``unreadable`` with the reason).

Quality values (``RawPage.quality``, ``pages[].quality`` in the output):
``ok``; ``repaired`` (another engine, or a few undecodable glyphs dropped);
``ocr`` (no usable text layer, read from the page image by ``pipeline.ocr``;
the reason gives Tesseract's mean confidence); ``partial`` (text objects were
drawn that no engine could read, e.g. a font neither embedded nor installed:
the rest of the page is kept and the reason counts what was lost); ``unreadable`` (no text, or
garbage, and OCR off, unavailable or no better: the page's characters are
dropped so garbage is never emitted).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from operator import attrgetter

from pipeline.model import CleanText, RawPage, Span

# A page whose undecodable glyphs ((cid:N), U+FFFD, private use, control
# characters) exceed this share of its characters is unreadable; below it
# they are dropped and the page is marked repaired.
DEFAULT_MAX_UNDECODABLE_SHARE = 0.05
# A page whose characters lie outside the scripts a Chinese policy document
# is written in (CJK, ASCII, CJK and general punctuation, full-width forms,
# number forms such as Ⅲ ①) beyond this share is unreadable: a font with a
# wrong map reads 郑州市 as ÄÅÇ.
DEFAULT_MAX_ODD_SHARE = 0.30
# Statistics are not judged on fewer characters than this (a page holding
# only its page number, or a short signature page).
DEFAULT_MIN_CHARS_FOR_STATS = 20

QUALITIES = ("ok", "repaired", "ocr", "partial", "unreadable")

# pdfplumber's placeholder for a glyph with no Unicode value: (cid:1234)
_CID = re.compile(r"^\(cid:\d+\)$")

# Unicode blocks a Chinese government document is written in, as (first, last) code points.
_EXPECTED_RANGES = (
    (0x0020, 0x007E),  # ASCII: 2017, GDP, https://
    (0x00A7, 0x00A7),  # § section sign
    (0x00B0, 0x00B1),  # ° ±: 35°C, ±5%
    (0x00B7, 0x00B7),  # · middle dot in names: 阿卜杜·热合曼
    (0x00D7, 0x00D7),  # × multiplication sign
    (0x00F7, 0x00F7),  # ÷ division sign
    (0x0391, 0x03C9),  # Greek letters in formulas: α β Σ
    (0x2000, 0x206F),  # general punctuation: —— “ ” … ‰ ※
    (0x2100, 0x218F),  # letterlike and number forms: ℃ № Ⅲ
    (0x2190, 0x21FF),  # arrows: → ↑
    (0x2200, 0x22FF),  # mathematical operators: ≥ ≤ ≈
    (0x2460, 0x24FF),  # enclosed alphanumerics: ① ⑩ ⑴ ⒈
    (0x2500, 0x25FF),  # box drawing and shapes: ─ ■ ○ ● △
    (0x2600, 0x26FF),  # miscellaneous symbols: ★ ☆ ☐
    (0x2E80, 0x2FDF),  # CJK radicals and Kangxi radicals (folded later): ⼈ ⺠
    (0x3000, 0x303F),  # CJK symbols and punctuation: 　 、 。 《 》 〔 〕
    (0x3200, 0x33FF),  # enclosed CJK and compatibility: ㈠ ㎡ ㎏
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs (folded later)
    (0xFE10, 0xFE1F),  # vertical forms: ︰
    (0xFE30, 0xFE4F),  # CJK compatibility forms: ﹏
    (0xFF00, 0xFFEF),  # full-width forms: （ ） ， ： ２０１７
    (0x20000, 0x2FA1F),  # CJK extensions B and later: 𠀀
)


def _in_ranges(cp: int) -> bool:
    return any(a <= cp <= b for a, b in _EXPECTED_RANGES)


def undecodable_kind(text: str) -> str | None:
    """Take one glyph's text and say why it carries no readable character, or None.

    Args:
        text: a character's text as an engine gave it: 郑, (cid:12), \\ufffd, \\ue001, \\x03.

    Returns:
        ``cid``, ``replacement``, ``private-use`` or ``control``; None for a
        readable glyph such as 郑 or a space.
    """
    if not text:
        return None
    if _CID.match(text):
        return "cid"
    for ch in text:
        if ch == "\ufffd":
            return "replacement"
        cat = unicodedata.category(ch)
        if cat == "Co":
            return "private-use"
        if cat in ("Cc", "Cs", "Cn") and ch not in "\t\n\r":
            return "control"
    return None


def is_expected(text: str) -> bool:
    """Whether every character of a glyph's text belongs to a script a Chinese document uses.

    Args:
        text: 郑, 2, （, ① are expected; Ä, ж, \\x03 are not.
    """
    return all(_in_ranges(ord(ch)) for ch in text)


_TEXT = attrgetter("text")


@lru_cache(maxsize=1 << 16)
def _verdict(text: str) -> tuple[str | None, bool]:
    """One glyph text's (``undecodable_kind``, ``is_expected``), each distinct text judged once per process."""
    kind = undecodable_kind(text)
    return kind, kind is None and is_expected(text)


# Glyph texts already judged harmless, kept for the process: plain ones (not
# blank, decodable, in an expected script) and blank ones (decodable). A page's
# texts are nearly all among them, and one set difference spares judging
# each of its few hundred distinct texts again.
_PLAIN: set[str] = set()
_BLANK: set[str] = {""}
_MAX_KNOWN = 1 << 16


def _remember(text: str, kind: str | None, expected: bool) -> None:
    """Keep a judged text in ``_PLAIN`` or ``_BLANK`` when it is harmless."""
    if kind is not None:
        return
    if not text or text.isspace():
        known = _BLANK
    elif expected:
        known = _PLAIN
    else:
        return
    if len(known) >= _MAX_KNOWN:
        known.clear()
    known.add(text)


def assess_page(page: RawPage,
                max_undecodable: float = DEFAULT_MAX_UNDECODABLE_SHARE,
                max_odd: float = DEFAULT_MAX_ODD_SHARE,
                min_chars: int = DEFAULT_MIN_CHARS_FOR_STATS) -> tuple[str, str | None]:
    """Take an extracted page and judge its text layer.

    Args:
        page: a ``RawPage`` as an engine read it, e.g. a page reading
            通知 (ok) or a page reading (cid:1)(cid:2)… (unreadable).
        max_undecodable: see ``DEFAULT_MAX_UNDECODABLE_SHARE``.
        max_odd: see ``DEFAULT_MAX_ODD_SHARE``.
        min_chars: see ``DEFAULT_MIN_CHARS_FOR_STATS``.

    Returns:
        ``("ok", None)``, or ``("unreadable", reason)`` with a one-line reason:
        ``"no text layer"``, ``"40 of 40 glyphs undecodable (cid)"``,
        ``"38 of 40 characters implausible (e.g. ÄÅÇ)"``. A page with a few
        undecodable glyphs is ``ok`` here; ``drop_undecodable`` removes them.
    """
    # every distinct glyph text is judged once: a page repeats its few hundred characters
    counts = Counter(map(_TEXT, page.chars))
    unknown = counts.keys() - _PLAIN
    if unknown <= _BLANK:  # nothing to judge: only plain glyphs and blanks
        blanks = sum(map(counts.__getitem__, unknown))
        return ("ok", None) if blanks < len(page.chars) else ("unreadable", "no text layer")
    glyphs = {t: k for t, k in counts.items() if t and not t.isspace()}
    if not glyphs:
        return "unreadable", "no text layer"
    n = sum(glyphs.values())
    kinds: Counter[str] = Counter()
    odd: list[str] = []  # implausible texts, in order of first appearance
    n_odd = 0
    for t in unknown:
        _remember(t, *_verdict(t))
    for t, k in glyphs.items():
        kind, expected = _verdict(t)
        if kind is not None:
            kinds[kind] += k
        elif not expected:
            odd.append(t)
            n_odd += k
    bad = sum(kinds.values())
    if bad and bad > max_undecodable * n:
        return "unreadable", f"{bad} of {n} glyphs undecodable ({_kinds(kinds)})"
    if n - bad >= min_chars and n_odd > max_odd * (n - bad):
        sample = "".join(dict.fromkeys("".join(odd)))[:8]
        return "unreadable", f"{n_odd} of {n - bad} characters implausible (e.g. {sample})"
    return "ok", None


# A page is a scan whose text layer is only a watermark (扫描全能王 创建, a
# phone scanning app's line) when images cover at least this share of it ...
DEFAULT_SCAN_IMAGE_SHARE = 0.6
# ... and its characters' boxes cover at most this share (a body page of
# 仿宋 16 pt covers about a quarter of A4; a seven-character 7 pt line 0.07%).
DEFAULT_SCAN_TEXT_SHARE = 0.01
# Pages with more characters than this are never taken for such a scan.
DEFAULT_SCAN_MAX_CHARS = 200


def text_share(page: RawPage) -> float:
    """The share of a page's area its characters' boxes cover (overlaps counted twice), 0 to 1."""
    area = max(page.width * page.height, 1.0)
    return min(1.0, sum(max(0.0, c.x1 - c.x0) * max(0.0, c.bottom - c.top) for c in page.chars) / area)


def scan_behind_text(page: RawPage, image_share: float) -> str | None:
    """Take a page whose text layer reads as ok and the share of it images cover; say why it is a scan, or None.

    A phone scan carries a line of text per page, the app's watermark, over a
    full-page image: the text is real but the page's content is in the image,
    so the page must be read by OCR, not trusted.

    Example: 7 characters of 7 pt over an A4 image ->
    ``"text layer covers 0.07% of a page 100% image (a scan with a watermark)"``; a body page -> None.
    """
    if len(page.chars) > DEFAULT_SCAN_MAX_CHARS or image_share < DEFAULT_SCAN_IMAGE_SHARE:
        return None
    share = text_share(page)
    if share > DEFAULT_SCAN_TEXT_SHARE:
        return None
    return f"text layer covers {share:.2%} of a page {image_share:.0%} image (a scan with a watermark)"


# A page read with fewer visible characters than the other measure by more
# than this share (and ``DEFAULT_LOSS_MIN_CHARS``) has lost text.
DEFAULT_LOSS_SHARE = 0.02
DEFAULT_LOSS_MIN_CHARS = 5


def visible_chars(page: RawPage) -> int:
    """The number of a page's characters that are not blank: 郑州 市 -> 3."""
    return sum(1 for c in page.chars if c.text and not c.text.isspace())


def text_lost(read: int, drawn: int, share: float = DEFAULT_LOSS_SHARE,
              min_chars: int = DEFAULT_LOSS_MIN_CHARS) -> str | None:
    """Take the characters a page was read with and the glyphs drawn on it, and say what was lost, or None.

    The cross-check against silent loss: ``drawn`` is a count made another
    way (the other engine's reading of the same page; PDFium's glyph count).
    A damaged font makes PDFium read 郑州市 as blanks while the page still draws
    every glyph.

    Example: ``text_lost(380, 514)`` -> ``"reads 380 of 514 characters"``;
    ``text_lost(512, 514)`` -> None.
    """
    if drawn - read > max(min_chars, share * drawn):
        return f"reads {read:,} of {drawn:,} characters"
    return None


def page_ranges(numbers: list[int]) -> str:
    """Ascending page numbers as runs: 1, 2, 3, 5 -> "1-3, 5"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def drop_undecodable(page: RawPage) -> RawPage:
    """Take a page judged ok and give it without its undecodable glyphs, marked repaired.

    Args:
        page: e.g. a page reading 关于…的通知 with two Wingdings bullets (U+F06C).

    Returns:
        The page unchanged when nothing is undecodable; otherwise the page
        without those glyphs, ``quality="repaired"`` and a reason such as
        ``"dropped 2 undecodable glyphs (private-use)"``.
    """
    unknown = set(map(_TEXT, page.chars))
    unknown -= _PLAIN
    unknown -= _BLANK
    bad = {t for t in unknown if _verdict(t)[0] is not None}
    if not bad:
        return page
    kinds: Counter[str] = Counter()
    for c in page.chars:
        kind = _verdict(c.text)[0]
        if kind is not None:
            kinds[kind] += 1
    kept = tuple(c for c in page.chars if c.text not in bad)
    n = sum(kinds.values())
    reason = f"dropped {n} undecodable glyph{'s' if n != 1 else ''} ({_kinds(kinds)})"
    return replace(page, chars=kept, quality="repaired", quality_reason=reason)


def mark_unreadable(page: RawPage, reason: str) -> RawPage:
    """Take a page and give it with no characters, marked unreadable for ``reason``.

    Garbage is never passed on: ``(cid:1)(cid:2)`` becomes an empty page whose
    ``quality_reason`` says why, e.g. ``"40 of 40 glyphs undecodable (cid)"``.
    """
    return replace(page, chars=(), quality="unreadable", quality_reason=reason)


def _kinds(kinds: Counter[str]) -> str:
    return ", ".join(k for k, _ in kinds.most_common())


def spans_of_quality(ct: CleanText, quality: str = "ocr") -> list[Span]:
    """Take a clean text and give the spans of it that come from pages of one quality.

    Args:
        ct: the clean text, whose ``boxes`` give each offset's page.
        quality: ``ocr`` for the text OCR read.

    Returns:
        Maximal ``(start, end)`` runs of offsets on such pages, e.g. ``[(0, 8412)]``
        for a scan read whole, ``[]`` for a text layer. The rules that mend OCR
        slips (``docnumber.find_doc_numbers(repair=…)``) act inside these only.
    """
    pages = {p.number for p in ct.pages if p.quality == quality}
    if not pages:
        return []
    spans: list[Span] = []
    start = None
    for i, box in enumerate(ct.boxes):
        if box[0] in pages:
            if start is None:
                start = i
        elif start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(ct.boxes)))
    return spans

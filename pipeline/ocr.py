"""OCR of one page image: Tesseract (``chi_sim``) words -> positioned characters.

The fallback for pages without a usable text layer (a scan, or a font no
engine decodes). ``extract`` renders the page and hands the image here; this
module runs the ``tesseract`` command (no Python binding needed) with TSV
output, one process per page, and turns each word into ``Char`` values the
rest of the pipeline reads exactly like a text layer:

- a word's box is split over its characters (a full-width character counts
  twice a half-width one), in page points with the origin at the top-left;
- every character of a line shares the line's vertical extent and a font size
  read from the line's height, snapped to the 号 sizes 公文 are set in, so a
  paragraph's lines agree and cleanup joins them;
- the fill colour is sampled from the image, so a red 版头 stays red;
- lines set much larger than the body (版头, title) are read a second time
  scaled down to body size (``reread_large_lines``);
- typical slips are tidied per line (``TIDY_RULES``): half-width ( ) , ; :
  in Chinese text become full-width, 〈 closed by ) is a （, a bracket read
  twice is one, a 一 between digits or in a page number is a dash
  (2016一2018 -> 2016—2018), a heading marker holds its numeral only
  (（和八） -> （八）). Bracket slips around years (郑政办【2017] 30号) are
  left to ``docnumber``, which reads every bracket pair.

No space characters are emitted: Tesseract puts a word break between most
CJK characters, and cleanup decides spaces from the gaps, as for a text layer.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.loader import data_json
from pipeline.model import Char
from pipeline.pages import OCR_FONT, make_char

# The Tesseract command and the language data (Debian: tesseract-ocr, tesseract-ocr-chi-sim).
DEFAULT_TESSERACT = "tesseract"
DEFAULT_OCR_LANGUAGE = "chi_sim"
# Pages are rendered at this resolution for OCR, then blurred (Gaussian,
# radius in pixels) to smooth jagged glyph edges. chi_sim reads 三号 (16 pt)
# body text best at 25-35 pixels a character. Measured on a copy of
# samples/zhengzhengban-2017-30.pdf scanned at 200 dpi (17 pages, 8,524
# characters; character error after ``tidy_line``, no blur / blur 1.0):
# 100 dpi 0.66 / 0.70%, 120 dpi 0.68 / 0.52%, 150 dpi 0.83 / 0.73%,
# 200 dpi 1.17 / 0.82%, 300 dpi 2.39 / 1.78%; copies scanned at 150 and
# 300 dpi rank the same. Section markers such as （八） are read right more
# often with the blur too.
DEFAULT_OCR_DPI = 120
DEFAULT_OCR_BLUR = 1.0
# Page segmentation mode 6, one uniform block of text: a 公文 page is one
# column. Measured as above at 120 dpi: 0.52% at --psm 6, 0.86% at 4 and 3
# (at 150 dpi without the blur automatic layout, 3, lost 27%: lines split
# into fragments out of reading order).
DEFAULT_OCR_PSM = 6
# A line this many times taller than the page's usual line (the 版头, the
# title) is read a second time scaled down to the usual height: see
# ``reread_large_lines``.
DEFAULT_LARGE_LINE = 1.3
# Seconds one page's OCR may take before it is abandoned (about 2 s is usual).
DEFAULT_OCR_TIMEOUT = 120.0
# A page whose mean confidence (per character) is below this is not trusted
# and stays unreadable: the scanned sample's pages read 90-94.
DEFAULT_OCR_MIN_CONFIDENCE = 50.0
# A CJK character's ink is about this share of its font size tall, and a
# digit's about this share (measured on the sample: 0.93-0.99, median 0.96).
DEFAULT_CJK_INK_HEIGHT = 0.95
DEFAULT_DIGIT_INK_HEIGHT = 0.7
# 公文 are set in 号 sizes (GB/T 9704: 三号 body, 二号 title); an estimated
# size within this share of one is snapped to it, so a paragraph's lines agree.
DEFAULT_FONT_SIZES = (42.0, 36.0, 26.0, 24.0, 22.0, 18.0, 16.0, 15.0, 14.0, 12.0, 10.5, 9.0, 7.5)
DEFAULT_SIZE_SNAP = 0.1
# The font name OCR characters carry.
# Pictures on a page with a text layer (``ocr_pages.text_image_boxes`` picks them)
# are rendered at a higher resolution than whole pages, their text being set
# smaller (10.5-14 pt in tables).
DEFAULT_IMAGE_OCR_DPI = 200
# a picture whose OCR gives fewer characters than this, or a lower mean confidence,
# holds no text worth reading (a flowchart's boxes and arrows read at 60-70; a table at 85-90)
DEFAULT_IMAGE_MIN_CHARS = 8
DEFAULT_IMAGE_MIN_CONFIDENCE = 75.0
# a row or column of a picture dark over more than this share of its extent is a table rule
DEFAULT_RULE_SHARE = 0.6

# half-width punctuation Tesseract gives for its full-width form in Chinese text
_FULL_WIDTH = {"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# brackets by kind, so a bracket read twice (〔【2016]) is told from nesting (（《条例》）)
_KIND = {"〔": "square", "【": "square", "[": "square", "〕": "square", "】": "square", "]": "square",
         "（": "round", "(": "round", "〈": "round", "）": "round", ")": "round", "〉": "round",
         "《": "title", "》": "title"}
_OPENING = frozenset("〔【[（(〈《")
_CLOSING = frozenset("〕】]）)〉》")
_CN_NUMERALS = frozenset("〇一二三四五六七八九十百")
_FLAT = frozenset("一—―－…")
# a page number line as OCR reads it: 一3一, _2一, 11一, —14—
_PAGE_NUMBER = re.compile(r"[一—\-_~―－]*\d{1,4}[一—\-_~―－]*")


class OcrError(Exception):
    """Tesseract failed on a page; the message is one line: ``tesseract timed out after 120 s``."""


@dataclass(frozen=True, slots=True)
class OcrWord:
    """One word of Tesseract's TSV, in image pixels: 郑政办 at (628, 836)-(740, 878), confidence 91."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    confidence: float


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line of Tesseract's TSV with its words in reading order."""

    left: int
    top: int
    right: int
    bottom: int
    words: tuple[OcrWord, ...]


def ocr_unavailable(binary: str = DEFAULT_TESSERACT, language: str = DEFAULT_OCR_LANGUAGE) -> str | None:
    """Say why OCR cannot run here, or None when it can.

    Args:
        binary: the Tesseract command, looked up on PATH: tesseract.
        language: the language data OCR needs: chi_sim.

    Returns:
        None, or a short reason for the page's ``quality_reason``:
        ``"tesseract not installed"``,
        ``"tesseract has no chi_sim data (install tesseract-ocr-chi-sim)"``.
    """
    path = shutil.which(binary)
    if path is None:
        return f"{binary} not installed"
    if language not in _languages(path):
        return f"{binary} has no {language} data (install tesseract-ocr-{language.replace('_', '-')})"
    return None


@lru_cache(maxsize=4)
def _languages(path: str) -> frozenset[str]:
    """The languages a Tesseract installation has, asked once per binary."""
    try:
        r = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in (r.stdout + r.stderr).splitlines()[1:] if line.strip())


def run_tesseract(png: bytes, language: str = DEFAULT_OCR_LANGUAGE, psm: int = DEFAULT_OCR_PSM,
                  timeout: float = DEFAULT_OCR_TIMEOUT, binary: str = DEFAULT_TESSERACT) -> str:
    """Take a page image and give Tesseract's TSV of it.

    Args:
        png: the page as PNG bytes (sent on stdin, nothing written to disk).
        language: chi_sim.
        psm: the page segmentation mode, see ``DEFAULT_OCR_PSM``.
        timeout: seconds before the page is abandoned.
        binary: the Tesseract command.

    Returns:
        The TSV text: a header line, then one row per page, block, paragraph,
        line and word, ``5\\t1\\t1\\t1\\t3\\t1\\t628\\t836\\t41\\t42\\t90.77\\t郑``.

    Raises:
        OcrError: the command is missing, fails or times out.
    """
    # one OpenMP thread: on two cores Tesseract's threads spin against each
    # other (measured 2.3 s a page with one thread, 7.0 s with the default);
    # a batch runs pages of many files in parallel instead
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    cmd = [binary, "stdin", "stdout", "-l", language, "--psm", str(psm), "tsv"]
    try:
        r = subprocess.run(cmd, input=png, capture_output=True, timeout=timeout, env=env)
    except FileNotFoundError:
        raise OcrError(f"{binary} not installed") from None
    except subprocess.TimeoutExpired:
        raise OcrError(f"{binary} timed out after {timeout:g} s") from None
    if r.returncode != 0:
        last = (r.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1]
        raise OcrError(f"{binary} failed (exit {r.returncode}: {last[:120]})")
    return r.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str) -> list[OcrLine]:
    """Read Tesseract's TSV into lines of words.

    Args:
        tsv: ``level page_num block_num par_num line_num word_num left top width
            height conf text`` rows; level 4 is a line, level 5 a word.

    Returns:
        The lines with at least one non-blank word, in reading order:
        ``[OcrLine(628, 836, 1024, 878, (OcrWord("郑", 628, 836, 669, 878, 90.8), …))]``.
        Words with no text or a negative confidence are left out.
    """
    lines: dict[tuple[str, str, str, str], tuple[tuple[int, int, int, int], list[OcrWord]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 11 or cells[0] not in ("4", "5"):
            continue
        try:
            left, top, width, height = (int(c) for c in cells[6:10])
            conf = float(cells[10])
        except ValueError:
            continue
        key = (cells[1], cells[2], cells[3], cells[4])
        if cells[0] == "4":
            lines[key] = ((left, top, left + width, top + height), [])
            continue
        text = cells[11].strip() if len(cells) > 11 else ""
        if not text or conf < 0:
            continue
        entry = lines.setdefault(key, ((left, top, left + width, top + height), []))
        entry[1].append(OcrWord(text, left, top, left + width, top + height, conf))
    return [OcrLine(box[0], box[1], box[2], box[3], tuple(words)) for box, words in lines.values() if words]


def _is_wide(ch: str) -> bool:
    """Whether a character is full-width (CJK, its punctuation, full-width forms): 郑 ， （ yes; 2 ( a no."""
    cp = ord(ch)
    return cp >= 0x2E80 or 0x2014 <= cp <= 0x2027


def _is_cjk(ch: str) -> bool:
    """Ideographs and full-width punctuation: the context that makes ( a （."""
    return _is_wide(ch) and not ch.isspace()


def snap_size(size: float, sizes: Sequence[float] = DEFAULT_FONT_SIZES, share: float = DEFAULT_SIZE_SNAP) -> float:
    """Snap an estimated font size to the nearest 号 size when close, else to half a point.

    Args:
        size: points, e.g. 15.7 (a body line 31 pixels tall at 150 dpi).

    Returns:
        16.0 (三号); 34.7 -> 36.0 (小初); 30.2 -> 30.0 (no 号 size within 10%).
    """
    best = min(sizes, key=lambda s: abs(s - size))
    if abs(best - size) <= share * best:
        return best
    return round(size * 2) / 2


def line_size(line: OcrLine, scale: float) -> float:
    """Estimate a line's font size in points from its height in pixels.

    Args:
        line: a line of the TSV, e.g. a body line 31 pixels tall.
        scale: points per pixel (72 / dpi: 0.48 at 150 dpi).

    Returns:
        The snapped size: 16.0 for 三号 body text. A line of digits and dashes
        only (a page number, — 3 — read as 一3一) is measured by the digits' height.
    """
    height = (line.bottom - line.top) * scale
    # 一 and dashes are flat: a line of them and digits (一3一) is as tall as its digits
    tall = any(_is_cjk(ch) and ch not in _FLAT for w in line.words for ch in w.text)
    return snap_size(height / (DEFAULT_CJK_INK_HEIGHT if tall else DEFAULT_DIGIT_INK_HEIGHT))


def _word_spans(words: Sequence[OcrWord]) -> list[tuple[float, float]]:
    """Each word's horizontal extent in pixels, made monotone: Tesseract's CJK word boxes
    may overlap the next word's (民政 drawn over 府), and cleanup orders characters by x."""
    spans = []
    floor = float("-inf")
    for i, w in enumerate(words):
        x0 = max(float(w.left), floor)
        x1 = float(w.right)
        if i + 1 < len(words) and words[i + 1].left > x0:
            x1 = min(x1, float(words[i + 1].left))
        x1 = max(x1, x0 + 1.0)
        spans.append((x0, x1))
        floor = x1
    return spans


def word_color(image: Any, box: tuple[int, int, int, int]) -> str | None:
    """Sample the ink colour of a word's box in an RGB image array.

    Args:
        image: a ``numpy`` array of shape (height, width, 3), or None.
        box: (left, top, right, bottom) in pixels.

    Returns:
        ``"#de0000"``-like for red ink (a 版头), ``"#000000"`` for any other
        ink, None when there is no image or no ink in the box.
    """
    if image is None:
        return None
    left, top, right, bottom = box
    patch = image[max(top, 0):max(bottom, 0), max(left, 0):max(right, 0)]
    if patch.size == 0:
        return None
    rgb = patch.reshape(-1, 3).astype("float32")
    luma = rgb @ [0.299, 0.587, 0.114]
    ink = rgb[luma < 128]
    if len(ink) == 0:
        return None
    r, g, b = (float(v) for v in ink.mean(axis=0))
    if r > 150 and g < 90 and b < 90:  # the pipeline's red: clean.is_red
        return f"#{round(r):02x}{round(g):02x}{round(b):02x}"
    return "#000000"


def line_chars(line: OcrLine, scale: float, image: Any = None) -> list[tuple[Char, float]]:
    """Turn one OCR line into characters with page boxes, each with its word's confidence.

    Args:
        line: a line of the TSV.
        scale: points per pixel (72 / dpi).
        image: the page as an RGB array, to sample colours; None for none.

    Returns:
        ``[(Char("郑", 301.4, 401.3, 320.1, 417.3, 16.0, "tesseract", "#000000"), 90.8), …]``:
        a word's box split over its characters by width (CJK 1, ASCII ½),
        every character as tall as the line's font size, centred on the line.
    """
    size = line_size(line, scale)
    mid = (line.top + line.bottom) / 2 * scale
    top, bottom = mid - size / 2, mid + size / 2
    out: list[tuple[Char, float]] = []
    for w, (x0, x1) in zip(line.words, _word_spans(line.words)):
        color = word_color(image, (w.left, w.top, w.right, w.bottom))
        weights = [1.0 if _is_wide(ch) else 0.5 for ch in w.text]
        unit = (x1 - x0) / sum(weights)
        x = x0
        for ch, k in zip(w.text, weights):
            out.append((make_char(ch, x * scale, top, (x + k * unit) * scale, bottom, size, OCR_FONT, color),
                        w.confidence))
            x += k * unit
    return out


def full_width_punctuation(text: list[str]) -> list[str]:
    """Give Chinese text its full-width punctuation back, one character for one.

    Args:
        text: a line's characters: 各县(市、区)人民政府, 利用,在, 10:30 开始.

    Returns:
        各县（市、区）人民政府, 利用，在, 10:30 开始: in a line with Chinese
        text ( ) are full-width, and , ; : ? ! are when a Chinese character
        stands beside them (5,000 and 10:30 stay).
    """
    out = list(text)
    chinese = any(len(t) == 1 and _is_cjk(t) for t in text)
    for i, t in enumerate(text):
        if t in "()":
            if chinese:
                out[i] = _FULL_WIDTH[t]
        elif t in _FULL_WIDTH and ((i > 0 and _is_cjk(text[i - 1][-1:] or " "))
                                   or (i + 1 < len(text) and _is_cjk(text[i + 1][:1] or " "))):
            out[i] = _FULL_WIDTH[t]
    return out


def round_angle_brackets(text: list[str]) -> list[str]:
    """Read 〈 closed by ）, and 〉 opened by （, as round brackets: 各县〈市、区） -> 各县（市、区）.

    A 〈…〉 pair stays (《关于〈条例〉的说明》).
    """
    out = list(text)
    for i, t in enumerate(text):
        if t == "〈":
            j = next((k for k in range(i + 1, len(text)) if _KIND.get(text[k]) == "round" and text[k] in _CLOSING),
                     None)
            if j is not None and text[j] != "〉":
                out[i] = "（"
        elif t == "〉":
            j = next((k for k in range(i - 1, -1, -1) if _KIND.get(text[k]) == "round" and text[k] in _OPENING),
                     None)
            if j is not None and text[j] != "〈":
                out[i] = "）"
    return out


def single_brackets(text: list[str]) -> list[str]:
    """Drop a bracket read twice; a dropped character becomes "".

    Args:
        text: 国函〔【2016]204号, 〔2016]】210号, （〈郑政文, （《九）加强.

    Returns:
        国函〔2016]204号, 〔2016]210号, （郑政文, （九）加强. Brackets that nest
        stay: （《条例》）, （郑州（2017））.
    """
    out = list(text)
    for i in range(len(text) - 1):
        a, b = out[i], out[i + 1]
        if a in _OPENING and b in _OPENING:
            inner, outer = _closer_of(out, i + 1), _closer_of(out, i)
            if inner is not None and _KIND[inner] == _KIND[b] and outer is not None and _KIND[outer] == _KIND[a]:
                continue  # nesting: （《条例》）, （（2016））
            if _KIND[a] == _KIND[b] or (inner is not None and _KIND[inner] == _KIND[a]):
                out[i + 1] = ""  # the second opener is never closed: 〔【2016〕, （《九）
        elif a in _CLOSING and b in _CLOSING and not _closes_earlier(out, i, _KIND[b]):
            out[i + 1] = ""  # 〔2016]】: the second closer opens nothing
    return out


def _closer_of(text: list[str], j: int) -> str | None:
    """The closer that closes the opener ``text[j]``, nesting counted: 》 for the 《 of 《条例〈草案〉》."""
    depth = 0
    for t in text[j + 1:]:
        if t in _OPENING:
            depth += 1
        elif t in _CLOSING:
            if depth == 0:
                return t
            depth -= 1
    return None


def _closes_earlier(text: list[str], i: int, kind: str) -> bool:
    """Whether an opener of ``kind`` stands before the opener that ``text[i]`` closes: （《条例》） yes."""
    depth = 0
    for k in range(i - 1, -1, -1):
        t = text[k]
        if t in _CLOSING:
            depth += 1
        elif t in _OPENING:
            if depth == 0:  # the opener text[i] closes; the next unmatched one is the outer
                return any(text[j] in _OPENING and _KIND[text[j]] == kind for j in range(k - 1, -1, -1))
            depth -= 1
    return False


@lru_cache(maxsize=1)
def _numeral_lookalikes() -> dict[str, str]:
    """``data/ocr_numerals.json``: what OCR reads for a lone numeral in a marker, 入 -> 八."""
    return {k: v for k, v in data_json("ocr_numerals.json").items() if not k.startswith("_")}


def marker_numerals(text: list[str]) -> list[str]:
    """Mend the numeral of a heading marker （…） at the start of a line.

    Args:
        text: a line opening with a marker: （和八）密切国际交往合作, （《九）加强, （入）密切.

    Returns:
        （八）密切国际交往合作, （九）加强, （八）密切. A marker holds a numeral only, so
        one character before the numeral is a stroke (or the bracket) read as a
        character and goes, and a lone look-alike (``data/ocr_numerals.json``)
        is the numeral. Words after a numeral stay: （十家）, （二期）, and so
        does （第一）; nothing changes unless text follows the marker.
    """
    out = list(text)
    if len(out) < 4 or out[0] not in ("（", "("):
        return out
    close = next((k for k in range(1, min(len(out), 7)) if out[k] in ("）", ")")), None)
    if close is None or close + 1 >= len(out):
        return out
    inner = [k for k in range(1, close) if out[k]]
    stray = [k for k in inner if out[k] not in _CN_NUMERALS]
    if len(stray) == 1 and len(inner) >= 2 and stray[0] == inner[0] and out[stray[0]] != "第":
        out[stray[0]] = ""
    elif len(inner) == 1 and out[inner[0]] in _numeral_lookalikes():
        out[inner[0]] = _numeral_lookalikes()[out[inner[0]]]
    return out


def page_number_dashes(text: list[str]) -> list[str]:
    """Give a page number line and a digit range their dashes: 一3一, _2一 -> —3—, —2—; 2016一2018 -> 2016—2018.

    一 between two digits is never the numeral; a line of digits and dash-like
    marks only is a page number (— 3 — in GB/T 9704).
    """
    out = list(text)
    joined = "".join(out)
    if _PAGE_NUMBER.fullmatch(joined) and not joined.isdigit():
        return [t if t.isdigit() or not t else "—" for t in out]
    for i in range(1, len(out) - 1):
        if out[i] == "一" and out[i - 1][-1:].isdigit() and out[i + 1][:1].isdigit():
            out[i] = "—"
    return out


# the rules of ``tidy_line``, in order
TIDY_RULES = (full_width_punctuation, round_angle_brackets, single_brackets, marker_numerals, page_number_dashes)


def tidy_line(chars: list[Char]) -> list[Char]:
    """Mend the usual OCR slips of one line with ``TIDY_RULES``; a changed character keeps its box.

    Args:
        chars: one line's characters in reading order, e.g. reading
            各县〈市、区)人民政府, 2016一2018年, 一3一, (〈郑政文【2017]44号).

    Returns:
        各县（市、区）人民政府, 2016—2018年, —3—, （郑政文【2017]44号）. The
        bracket kinds around a year are left to ``docnumber``.
    """
    text = [c.text for c in chars]
    for rule in TIDY_RULES:
        text = rule(text)
    return [c if t == c.text else Char(t, c.x0, c.top, c.x1, c.bottom, c.size, c.font, c.color, c.bold)
            for c, t in zip(chars, text) if t]


def lines_to_chars(lines: Sequence[OcrLine], scale: float, image: Any = None) -> tuple[list[Char], float | None]:
    """Turn a page's OCR lines into its characters and its mean confidence.

    Args:
        lines: from ``parse_tsv`` (or ``reread_large_lines``).
        scale: points per pixel (72 / dpi).
        image: the page as an RGB array for colours, or None.

    Returns:
        (characters in reading order, line by line, tidied by ``tidy_line``;
        the mean confidence over characters, 0-100), or ([], None) when
        there are no words.
    """
    chars: list[Char] = []
    total = count = 0.0
    for line in lines:
        pairs = line_chars(line, scale, image)
        for _, conf in pairs:
            total += conf
            count += 1
        chars.extend(tidy_line([c for c, _ in pairs]))
    return chars, (total / count if count else None)


def tsv_to_chars(tsv: str, scale: float, image: Any = None) -> tuple[list[Char], float | None]:
    """Turn Tesseract's TSV of a page into the page's characters and its mean confidence.

    Args:
        tsv: the output of ``run_tesseract``.
        scale: points per pixel (72 / dpi): 0.48 at 150 dpi.
        image: the page as an RGB array for colours, or None.

    Returns:
        As ``lines_to_chars``: a TSV row ``5 1 1 1 3 1 628 836 41 42 90.8 郑`` at
        150 dpi gives ``Char("郑", 301.44, …, 16.0, "tesseract", None)``.
    """
    return lines_to_chars(parse_tsv(tsv), scale, image)


def _mean_confidence(words: Sequence[OcrWord]) -> float:
    """Mean confidence per character of some words: a long word counts for each of its characters."""
    n = sum(len(w.text) for w in words)
    return sum(w.confidence * len(w.text) for w in words) / n if n else 0.0


def reread_large_lines(lines: list[OcrLine], gray: Any, language: str = DEFAULT_OCR_LANGUAGE,
                       timeout: float = DEFAULT_OCR_TIMEOUT) -> list[OcrLine]:
    """Read lines set much larger than the body again, scaled down to the body's height.

    chi_sim reads characters of body size best; at 150 dpi the 35 pt 版头 and the
    22 pt title are 45-70 pixels tall and a character is lost now and then
    (郑州市人民政府办公厅 read as …办公打). Each such line is cut out, scaled
    to the page's usual line height and read alone (``--psm 7``); the reading
    is kept unless its mean confidence is lower.

    Args:
        lines: the page's lines from ``parse_tsv``.
        gray: the page as a PIL grayscale image, the one ``lines`` were read from
            (before any blur).
        language, timeout: see ``run_tesseract``.

    Returns:
        The lines, large ones replaced by their second reading (words mapped
        back to page pixels; the line box kept).
    """
    import io

    from PIL import Image

    heights = sorted(ln.bottom - ln.top for ln in lines if any(_is_cjk(ch) for w in ln.words for ch in w.text))
    if not heights:
        return lines
    usual = heights[len(heights) // 2]
    out = []
    for line in lines:
        height = line.bottom - line.top
        if height < DEFAULT_LARGE_LINE * usual:
            out.append(line)
            continue
        factor = usual / height
        pad = height // 3
        left, top = max(0, line.left - pad), max(0, line.top - pad)
        crop = gray.crop((left, top, min(gray.width, line.right + pad), min(gray.height, line.bottom + pad)))
        crop = crop.resize((max(1, round(crop.width * factor)), max(1, round(crop.height * factor))),
                           Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        crop.save(buf, format="PNG")
        words = [w for ln in parse_tsv(run_tesseract(buf.getvalue(), language=language, psm=7, timeout=timeout))
                 for w in ln.words]
        if not words or _mean_confidence(words) < _mean_confidence(line.words):
            out.append(line)
            continue
        mapped = tuple(OcrWord(w.text, left + round(w.left / factor), top + round(w.top / factor),
                               left + round(w.right / factor), top + round(w.bottom / factor), w.confidence)
                       for w in words)
        out.append(OcrLine(line.left, line.top, line.right, line.bottom, mapped))
    return out


def ocr_image(image: Any, dpi: float, language: str = DEFAULT_OCR_LANGUAGE, psm: int = DEFAULT_OCR_PSM,
              timeout: float = DEFAULT_OCR_TIMEOUT) -> tuple[list[Char], float | None]:
    """OCR one rendered page.

    Args:
        image: a PIL image of the page, rendered at ``dpi`` from its top-left corner.
        dpi: its resolution, so pixels map back to points (72 / dpi).
        language, psm, timeout: see ``run_tesseract``.

    Returns:
        The page's characters with boxes in points and the mean confidence,
        as ``lines_to_chars`` gives them; large lines read twice
        (``reread_large_lines``).

    Raises:
        OcrError: Tesseract is missing, fails or times out.
    """
    import io

    import numpy as np
    from PIL import ImageFilter

    rgb = image.convert("RGB")
    gray = rgb.convert("L")
    buf = io.BytesIO()
    gray.filter(ImageFilter.GaussianBlur(DEFAULT_OCR_BLUR)).save(buf, format="PNG", compress_level=1)
    lines = parse_tsv(run_tesseract(buf.getvalue(), language=language, psm=psm, timeout=timeout))
    lines = reread_large_lines(lines, gray, language=language, timeout=timeout)
    return lines_to_chars(lines, 72.0 / dpi, np.asarray(rgb))


def ocr_region(image: Any, box: tuple[float, float, float, float], dpi: float,
               language: str = DEFAULT_OCR_LANGUAGE) -> tuple[list[Char], float | None]:
    """OCR one picture of a page: the page rendered at ``dpi``, cropped to ``box`` (points).

    Returns:
        The picture's characters with boxes in page points (origin top-left) and the
        mean confidence, as ``ocr_image`` gives them; ``([], None)`` when nothing is read.
    """
    k = dpi / 72.0
    x0, top, x1, bottom = box
    crop = erase_rules(image.crop((int(x0 * k), int(top * k), int(x1 * k) + 1, int(bottom * k) + 1)))
    chars, confidence = ocr_image(crop, dpi, language=language, psm=DEFAULT_OCR_PSM)
    dx, dy = int(x0 * k) / k, int(top * k) / k
    chars = _drop_stray_marks(chars)
    return [c._replace(x0=c.x0 + dx, x1=c.x1 + dx, top=c.top + dy, bottom=c.bottom + dy) for c in chars], confidence


def erase_rules(image: Any, share: float = DEFAULT_RULE_SHARE) -> Any:
    """Whiten a picture's ruling lines, which Tesseract reads as | and 一 and which split its lines.

    A row (column) of pixels dark over more than ``share`` of the picture's width
    (height) is a table rule, not ink of a character: 格 lines of an indicator table.
    """
    import numpy as np
    from PIL import Image

    gray = np.asarray(image.convert("L")).copy()
    dark = gray < 128
    if not dark.size:
        return image
    rows = dark.mean(axis=1) > share
    cols = dark.mean(axis=0) > share
    for mask, axis in ((rows, 0), (cols, 1)):
        idx = np.flatnonzero(mask)
        for i in idx:  # the rule and a pixel each side of it (antialiasing)
            lo, hi = max(0, i - 1), i + 2
            if axis == 0:
                gray[lo:hi, :] = 255
            else:
                gray[:, lo:hi] = 255
    return Image.fromarray(gray).convert("RGB")


# marks Tesseract reads from a cell border's remnant or a speck in a cell gap
_STRAY = frozenset("”“\"'|‘’`")


def _drop_stray_marks(chars: list[Char]) -> list[Char]:
    """Drop quote marks and bars standing alone in a gap between cells (2025年 ” 属性)."""
    out = []
    for i, c in enumerate(chars):
        if c.text in _STRAY:
            prev = chars[i - 1] if i else None
            nxt = chars[i + 1] if i + 1 < len(chars) else None
            gap = 0.5 * c.size
            if (prev is None or c.x0 - prev.x1 > gap or prev.top > c.bottom) or (
                    nxt is None or nxt.x0 - c.x1 > gap or nxt.top > c.bottom):
                continue
        out.append(c)
    return out

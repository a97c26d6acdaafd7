"""Comparison keys of a corpus's titles and numbers, and how near two titles are.

Titles fold width, spaces, bracket, dash and quote kinds (``fold_title``); a
document is filed under several keys of its title (``title_keys``); numbers
normalise through ``pipeline.docnumber`` (``number_key``); a title one slip
from another (授权 read as 授杈) is near (``is_near``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from pipeline.docnumber import make_doc_number
from pipeline.loader import data_json

# a title within this similarity of a corpus title is a likely slip (OCR, typing)
DEFAULT_NEAR_SIMILARITY = 0.9
# ... and never more edits than this apart
DEFAULT_NEAR_MAX_EDITS = 3
# a one-character difference counts as a slip only in titles at least this long
DEFAULT_NEAR_MIN_LENGTH = 8

# --- folding ------------------------------------------------------------------------------

# every bracket kind folds to ( ): 【2023】 [2023] 〔2023〕 （试行） (试行)
_OPENERS = "([{（［｛【〔〖〘｟"
_CLOSERS = ")]}）］｝】〕〗〙｠"
# nested titles and quotes go: 关于印发《X》的通知 is cited as 关于印发X的通知 too, “十三五” as 十三五
_DROPPED = "《》〈〉<>“”„‟「」＂‘’‚‛『』＇\"'"
# dash kinds: 2023—2025, 2023-2025, 2023－2025, 2023–2025, 2023~2025
_DASHES = "—–―‐‑‒−－﹣~～-"
_FOLD_TABLE = str.maketrans(
    {
        **{c: "(" for c in _OPENERS},
        **{c: ")" for c in _CLOSERS},
        **{c: "-" for c in _DASHES},
        **{c: None for c in _DROPPED},
        **{c: "·" for c in "•・‧∙"},
    }
)
SPACES = re.compile(r"\s+")
_RUNS_OF_DASHES = re.compile(r"-+")
# trailing notes of a title: (试行) (2023-2025年) (修订)
_TRAILING_NOTE = re.compile(r"(?:\([^()]{1,20}\))+$")
# numbers in a title tell editions apart: 2023年 vs 2024年, 第一批 vs 第二批
_NUMERALS = re.compile(r"[0-9]+|[〇零一二三四五六七八九十百千万两]+")


def fold_title(title: str) -> str:
    """Take a title and give its comparison key: width, spaces, bracket, dash and quote kinds folded.

    Example: 《东川市数据要素市场培育行动方案(2023-2025年)》 and
    《东川市数据要素市场培育行动方案（２０２３—２０２５年）》 both give
    东川市数据要素市场培育行动方案(2023-2025年).
    """
    s = unicodedata.normalize("NFKC", title)
    s = SPACES.sub("", s).translate(_FOLD_TABLE)
    s = _RUNS_OF_DASHES.sub("-", s)  # 2023——2025 (two em dashes) is one dash
    return s.strip("。.;；,，")


def title_keys(title: str, issued: bool = True) -> tuple[str, ...]:
    """The keys a document's title is filed under: the whole and from 关于 on; with ``issued``,
    also what it issues and the title without its trailing notes.

    东川市人民政府关于印发X（试行）的通知 -> (东川市人民政府关于印发X(试行)的通知,
    关于印发X(试行)的通知, X(试行), X): citers often leave the issuer or the note out,
    and cite a notice by what it issues even when the parse found no body title.
    """
    key = fold_title(title)
    if not key:
        return ()
    keys = [key]
    k = key.find("关于")
    if k > 0:
        keys.append(key[k:])
    if issued:
        m = _issued_pattern().search(key)
        if m:
            keys.append(m.group("issued"))
        keys.extend([drop_note(k) for k in keys])
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=1)
def issuing_verbs() -> str:
    """The verbs of a notice title before what it issues, from the 关于… cues of
    data/reference_cues.json: 印发|转发|发布|颁布."""
    cues = data_json("reference_cues.json")
    verbs = {w[2:] for w in cues["self_before"] if w.startswith("关于") and len(w) > 2}
    return "|".join(sorted(verbs, key=len, reverse=True))


@lru_cache(maxsize=1)
def _issued_pattern() -> re.Pattern[str]:
    # the document a notice issues, named in its title: 关于印发X的通知, 关于转发《X》的通知
    return re.compile(rf"关于(?:{issuing_verbs()})(?P<issued>.{{4,}}?)的(?:通知|决定|公告|通告|令)$")


def drop_note(key: str) -> str:
    return _TRAILING_NOTE.sub("", key) or key


def number_key(number: Mapping[str, Any] | None) -> str | None:
    """Take a reference's or document's ``doc_number`` object and give its normalised text.

    Example: {"text": "东政 〔2023〕 3号", "agency_code": "东政", "year": 2023, "serial": 3}
    -> 东政〔2023〕3号 (and 东政[2023]03号 gives the same).
    """
    if not number:
        return None
    agency = SPACES.sub("", unicodedata.normalize("NFKC", str(number.get("agency_code") or "")))
    serial = number.get("serial")
    if agency and serial is not None:
        return make_doc_number(agency, number.get("year"), serial).text
    text = SPACES.sub("", unicodedata.normalize("NFKC", str(number.get("text") or "")))
    return text or None


# --- similarity ---------------------------------------------------------------------------


def edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it is sure to exceed ``limit``.

    rapidfuzz's C++ (bit-parallel) distance: the same numbers as the textbook
    dynamic programme at about a hundredth of its CPU, which a corpus of
    100,000 titles needs. Example: 授权运营 vs 授杈运营 -> 1.
    """
    return int(Levenshtein.distance(a, b, score_cutoff=limit))


def similarity(a: str, b: str) -> float:
    """Take two folded titles and give 1 - edit distance / longer length, rounded to 3 places.

    Example: 东川市数据局关于建立公共数据授权运营机制的通知 vs …授杈运营机制的通知 -> 0.957.
    """
    if not a and not b:
        return 1.0
    n = max(len(a), len(b))
    return round(1 - edits(a, b, n) / n, 3)


def is_near(a: str, b: str) -> bool:
    """Whether two different folded titles are one slip apart: a character or two off in a long
    title, with the same numbers (2023年 vs 2024年 are two editions, not a slip)."""
    if a == b or _NUMERALS.findall(a) != _NUMERALS.findall(b):
        return False
    d = edits(a, b, DEFAULT_NEAR_MAX_EDITS)
    if d > DEFAULT_NEAR_MAX_EDITS:
        return False
    n = max(len(a), len(b))
    return (d == 1 and n >= DEFAULT_NEAR_MIN_LENGTH) or 1 - d / n >= DEFAULT_NEAR_SIMILARITY


def bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


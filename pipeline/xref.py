"""Cross-references across a corpus: who cites whom, and which citations are wrong.

A corpus is a folder of parse outputs (``pipeline batch``). ``build_index``
files every document under its normalised 发文字号 and its normalised titles
(its own, the title of the document it transmits, and its title from 关于 on);
``check_corpus`` resolves every reference of every document against the index
and gives the findings, the citation edges and the ghost nodes (documents cited
but not in the corpus). Only ``read_corpus`` and ``write_report`` touch files.

Findings (``KINDS``), each with a severity:

- ``unresolved`` (info): a cited document is not in the corpus; one finding per
  cited document, with every citation of it;
- ``number_title_mismatch``: 《A》（东政〔2023〕3号） where 东政〔2023〕3号 is B;
- ``title_number_mismatch``: 《B》（东交〔2022〕40号） where B is 东交〔2023〕11号;
- ``inconsistent_citation``: citers disagree on an outside document's number or title;
- ``cites_later_document``: the cited document's 成文日期 is after the citer's;
- ``duplicate_number``: two documents claim the same 发文字号;
- ``malformed_number``: 东政[2023]3号, 东政〔2023〕003号, 东政〔2023〕第3号 (GB/T 9704-2012 7.2.4);
- ``self_citation``: a document cites itself (its own number for another title).

A near match (one character off: 授权 read as 授杈) is reported as the likely
intended document with its similarity, at warning level, never silently taken.
What is not a fault: a notice cited by its own title or by the title of the
document it transmits, 现将《X》印发给你们 or 《X》…现予公布 (the document
itself), 《X》 announced for drafting, a short name (以下简称《条例》), layout
spaces in a number, and width, dash, bracket and quote kinds in a title.
Mismatches and duplicates are errors; near matches, inconsistent and later
citations, malformed numbers and self-citations warnings; unresolved ones notes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from pipeline.docnumber import DATA, find_doc_numbers, make_doc_number

__all__ = [
    "KINDS",
    "SEVERITIES",
    "CorpusDoc",
    "Edge",
    "Location",
    "Finding",
    "Ghost",
    "Index",
    "XrefError",
    "XrefReport",
    "build_index",
    "check_corpus",
    "doc_from_dict",
    "fold_title",
    "format_summary",
    "malformed_problems",
    "number_key",
    "read_corpus",
    "report_to_dict",
    "similarity",
    "write_report",
]

SCHEMA_VERSION = "1.0.0"

# kind -> severity; the near-match forms of the mismatches are warnings
KINDS: dict[str, str] = {
    "unresolved": "info",
    "number_title_mismatch": "error",
    "title_number_mismatch": "error",
    "inconsistent_citation": "warning",
    "cites_later_document": "warning",
    "duplicate_number": "error",
    "malformed_number": "warning",
    "self_citation": "warning",
}
SEVERITIES = ("error", "warning", "info")
# edge statuses, worst first: an edge carries the worst of its citation's findings
EDGE_STATUSES = ("mismatch", "near_match", "self", "later", "ambiguous", "unresolved", "resolved")

# a title within this similarity of a corpus title is a likely slip (OCR, typing)
DEFAULT_NEAR_SIMILARITY = 0.9
# ... and never more edits than this apart
DEFAULT_NEAR_MAX_EDITS = 3
# a one-character difference counts as a slip only in titles at least this long
DEFAULT_NEAR_MIN_LENGTH = 8
# relations that point at another document (references.py); drafts/other do not
CITING_RELATIONS = ("cites", "self")


class XrefError(Exception):
    """A corpus that cannot be read: no such folder, no documents, a broken JSON file."""


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
_SPACES = re.compile(r"\s+")
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
    s = _SPACES.sub("", s).translate(_FOLD_TABLE)
    s = _RUNS_OF_DASHES.sub("-", s)  # 2023——2025 (two em dashes) is one dash
    return s.strip("。.;；,，")


def _title_keys(title: str, issued: bool = True) -> tuple[str, ...]:
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
        keys.extend([_drop_note(k) for k in keys])
    return tuple(dict.fromkeys(keys))


@lru_cache(maxsize=1)
def _issuing_verbs() -> str:
    """The verbs of a notice title before what it issues, from the 关于… cues of
    data/reference_cues.json: 印发|转发|发布|颁布."""
    cues = json.loads((DATA / "reference_cues.json").read_text(encoding="utf-8"))
    verbs = {w[2:] for w in cues["self_before"] if w.startswith("关于") and len(w) > 2}
    return "|".join(sorted(verbs, key=len, reverse=True))


@lru_cache(maxsize=1)
def _issued_pattern() -> re.Pattern[str]:
    # the document a notice issues, named in its title: 关于印发X的通知, 关于转发《X》的通知
    return re.compile(rf"关于(?:{_issuing_verbs()})(?P<issued>.{{4,}}?)的(?:通知|决定|公告|通告|令)$")


def _drop_note(key: str) -> str:
    return _TRAILING_NOTE.sub("", key) or key


def number_key(number: Mapping[str, Any] | None) -> str | None:
    """Take a reference's or document's ``doc_number`` object and give its normalised text.

    Example: {"text": "东政 〔2023〕 3号", "agency_code": "东政", "year": 2023, "serial": 3}
    -> 东政〔2023〕3号 (and 东政[2023]03号 gives the same).
    """
    if not number:
        return None
    agency = _SPACES.sub("", unicodedata.normalize("NFKC", str(number.get("agency_code") or "")))
    serial = number.get("serial")
    if agency and serial is not None:
        return make_doc_number(agency, number.get("year"), serial).text
    text = _SPACES.sub("", unicodedata.normalize("NFKC", str(number.get("text") or "")))
    return text or None


# --- similarity ---------------------------------------------------------------------------


def _edits(a: str, b: str, limit: int) -> int:
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
    return round(1 - _edits(a, b, n) / n, 3)


def _is_near(a: str, b: str) -> bool:
    """Whether two different folded titles are one slip apart: a character or two off in a long
    title, with the same numbers (2023年 vs 2024年 are two editions, not a slip)."""
    if a == b or _NUMERALS.findall(a) != _NUMERALS.findall(b):
        return False
    d = _edits(a, b, DEFAULT_NEAR_MAX_EDITS)
    if d > DEFAULT_NEAR_MAX_EDITS:
        return False
    n = max(len(a), len(b))
    return (d == 1 and n >= DEFAULT_NEAR_MIN_LENGTH) or 1 - d / n >= DEFAULT_NEAR_SIMILARITY


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


# --- the corpus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusDoc:
    """One parse output as the cross-referencer sees it.

    ``id`` is the JSON file's stem (unique in a batch folder); ``number`` the
    normalised 发文字号 (东政〔2023〕3号), ``number_raw``/``number_span`` the
    same as written in the text (东政[2023]3号), when found there.
    """

    id: str
    file: str
    number: str | None
    title: str | None
    body_title: str | None
    issue_date: str | None
    issuer: str | None
    references: tuple[Mapping[str, Any], ...]
    number_raw: str | None = None
    number_span: tuple[int, int] | None = None
    number_page: int | None = None
    path: str | None = None
    transmitted: frozenset[int] = frozenset()  # references a cue marks as the document itself


def _own_number_as_written(data: Mapping[str, Any], key: str | None) -> tuple[str, tuple[int, int], int] | None:
    """Find the document's own 发文字号 in its text, as written: (raw, span, page)."""
    text = data.get("text") or ""
    if not key:
        return None
    for (a, b), num in find_doc_numbers(text[:4000]):
        if number_key({"agency_code": num.agency_code, "year": num.year, "serial": num.serial}) == key:
            return text[a:b], (a, b), _page_at(data, a)
    return None


def _page_at(data: Mapping[str, Any], offset: int) -> int:
    """The page an offset of the text is on, from the located items around it (page 1 by default)."""
    best, page = -1, 1
    for group in ("sections", "references", "dates", "entities"):
        for item in data.get(group) or ():
            span, p = item.get("span"), item.get("page")
            if span and p and best < span[0] <= offset:
                best, page = span[0], p
    return page


def doc_from_dict(data: Mapping[str, Any], doc_id: str, path: str | None = None) -> CorpusDoc:
    """Take one parse output (document.schema.json) and give its ``CorpusDoc``.

    Example: the output of 东政〔2023〕3号 ->
    CorpusDoc(id="a_plan_notice-1a2b3c4d", number="东政〔2023〕3号", title="东川市人民政府关于印发…的通知", …).
    """
    meta = data.get("metadata") or {}
    key = number_key(meta.get("doc_number"))
    written = _own_number_as_written(data, key)
    return CorpusDoc(
        id=doc_id,
        file=str((data.get("source") or {}).get("file") or doc_id),
        number=key,
        title=meta.get("title"),
        body_title=meta.get("body_title"),
        issue_date=meta.get("issue_date"),
        issuer=meta.get("issuer"),
        references=_titled(data),
        number_raw=written[0] if written else None,
        number_span=written[1] if written else None,
        number_page=written[2] if written else None,
        path=path,
        transmitted=_transmitted(data),
    )


# a title in book-title marks just before a 发文字号, across layout spaces and line breaks:
# 《东川市…培育行动方案\n（2023—2025年）》（东政〔2023〕3号）
_TITLE_BEFORE = re.compile(r"《(?P<title>[^《》]{2,200})》\s*[（(]?\s*$")
# how far before a number its title may start
DEFAULT_TITLE_LOOKBACK = 240


def _titled(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The document's references, a cited number without a title given the title written just before it.

    A title wrapped across a line break can reach the output as a number alone;
    the title is in the text, in 《》 right before the number, and a citation of a
    corpus document's title with a wrong number is a ``title_number_mismatch``,
    not an unknown number. Whitespace inside a title (the line break) is dropped.
    """
    text = data.get("text") or ""
    out = []
    for ref in data.get("references") or ():
        title = ref.get("title")
        if not title and ref.get("doc_number") and ref.get("span"):
            start = int(ref["span"][0])
            written = str(ref.get("text") or "")
            number = str((ref.get("doc_number") or {}).get("text") or "")
            cut = written.find(number) if number else -1
            before = text[max(0, start - DEFAULT_TITLE_LOOKBACK) : start] + (written[:cut] if cut > 0 else "")
            m = _TITLE_BEFORE.search(before)
            if m:
                title = m.group("title")
        if isinstance(title, str) and any(c.isspace() for c in title):
            title = "".join(title.split()) if not re.search(r"[A-Za-z0-9]\s+[A-Za-z0-9]", title) else " ".join(
                title.split())
        out.append(ref if title == ref.get("title") else {**ref, "title": title})
    return tuple(out)


def _transmitted(data: Mapping[str, Any]) -> frozenset[int]:
    """The references a cue marks as the document itself, by position.

    references.py calls a title linked to the document's own number ``self``
    whatever the wording; only a cue makes it the document promulgated or
    transmitted: 中华人民共和国国务院令 第663号 《居住证暂行条例》已经…通过，现予公布.
    Without one, 按照《X办法》（own number）规定 is a self-citation.
    """
    from pipeline.references import relation_of

    text = data.get("text") or ""
    body_title = (data.get("metadata") or {}).get("body_title")
    out = set()
    for k, ref in enumerate(data.get("references") or ()):
        if ref.get("relation") != "self" or not ref.get("title") or not ref.get("span"):
            continue
        written, start = str(ref.get("text") or ""), int(ref["span"][0])
        i, j = written.find("《"), written.rfind("》")
        if i < 0 or j < i:
            continue
        tspan = (start + i, start + j + 1)
        if (
            text[tspan[0] : tspan[1]] == written[i : j + 1]
            and relation_of(text, tspan, ref["title"], body_title) == "self"
        ):
            out.add(k)
    return frozenset(out)


@dataclass(frozen=True)
class Index:
    """The corpus filed by normalised number and normalised title keys."""

    docs: Mapping[str, CorpusDoc]
    by_number: Mapping[str, tuple[str, ...]]
    by_title: Mapping[str, tuple[str, ...]]
    postings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # bigram -> title keys holding it
    strong: Mapping[str, int] = field(default_factory=dict)  # documents whose own title (not one they name) a key is

    def ambiguous(self, key: str) -> bool:
        """Whether two documents share a title key as their own (not merely naming it)."""
        return self.strong.get(key, len(self.by_title.get(key, ()))) > 1


def build_index(docs: Iterable[CorpusDoc]) -> Index:
    """Take the corpus and file each document under its number and its title keys.

    Example: the notice 东政〔2023〕3号 关于印发《东川市…行动方案（2023—2025年）》的通知 is filed
    under 东政〔2023〕3号, under its whole title, under 关于印发…的通知 and under
    东川市…行动方案(2023-2025年), the title of the document it transmits.
    """
    table = {d.id: d for d in docs}
    by_number: dict[str, list[str]] = defaultdict(list)
    strong: dict[str, list[str]] = defaultdict(list)
    weak: dict[str, list[str]] = defaultdict(list)
    for d in table.values():
        if d.number:
            by_number[d.number].append(d.id)
        keys = _doc_keys(d)
        own = _doc_keys(d, issued=False)
        for k in keys:
            (strong if k in own else weak)[k].append(d.id)
    # a document's own title goes before a notice that merely names it (关于转发《X》的通知)
    by_title = {k: (*strong.get(k, ()), *weak.get(k, ())) for k in {**strong, **weak}}
    return Index(
        docs=table,
        by_number={k: tuple(v) for k, v in by_number.items()},
        by_title=by_title,
        postings=_postings(by_title),
        strong={k: len(v) for k, v in strong.items()},
    )


def _postings(keys: Iterable[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for g in _bigrams(key):
            out[g].append(key)
    return {g: tuple(v) for g, v in out.items()}


def _doc_keys(d: CorpusDoc, issued: bool = True) -> tuple[str, ...]:
    keys: list[str] = []
    for t in (d.title, d.body_title):
        keys.extend(_title_keys(t, issued) if t else ())
    return tuple(dict.fromkeys(keys))


def _titles_agree(cited: str, d: CorpusDoc) -> bool:
    """Whether a cited title names ``d``: equal to a key, equal once trailing notes go (（试行）),
    or the document a notice issues as its title spells it (关于印发X的通知 for X, when the
    parse did not give the notice's body title)."""
    keys = _doc_keys(d)
    if cited in keys or _drop_note(cited) in {_drop_note(k) for k in keys}:
        return True
    whole = fold_title(d.title) if d.title else ""
    at = whole.find(cited)
    # a notice's title names what it issues right after its verb: 关于印发X的通知
    return at > 0 and bool(re.search(rf"(?:{_issuing_verbs()})$", whole[:at]))


def _best_title(cited: str, d: CorpusDoc) -> tuple[str | None, float]:
    """The title key of ``d`` closest to ``cited`` and its similarity."""
    best: tuple[str | None, float] = (None, 0.0)
    for key in _doc_keys(d):
        s = similarity(cited, key)
        if s > best[1]:
            best = (key, s)
    return best


def _near_titles(cited: str, index: Index) -> list[tuple[str, float]]:
    """Corpus title keys one slip away from ``cited``, best first, with their similarity."""
    # each edit breaks at most two bigrams, so a title a few edits away holds at least one of
    # any 2 * DEFAULT_NEAR_MAX_EDITS + 1 bigrams of the cited one: look only under the rarest
    grams = sorted(_bigrams(cited), key=lambda g: len(index.postings.get(g, ())))
    candidates: set[str] = set()
    for g in grams[: 2 * DEFAULT_NEAR_MAX_EDITS + 1]:
        candidates.update(index.postings.get(g, ()))
    out = [(key, similarity(cited, key)) for key in candidates if _is_near(cited, key)]
    return sorted(out, key=lambda p: (-p[1], p[0]))


# --- findings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Where a finding sits: the document, the text as written, its span and page."""

    document: str
    text: str
    span: tuple[int, int] | None
    page: int | None
    bbox: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Finding:
    """One fault or note.

    ``citing`` is the document at fault (the citer, or the second claimant of
    a number); ``reference`` the text as written there; ``compared_with`` what
    it was checked against (a corpus document, or the other citations);
    ``cited`` the number and title as cited; ``occurrences`` every citation a
    grouped finding covers (unresolved, inconsistent).
    """

    kind: str
    severity: str
    message: str
    citing: str | None
    reference: Location | None
    cited: Mapping[str, Any] | None = None
    compared_with: Mapping[str, Any] | None = None
    similarity: float | None = None
    occurrences: tuple[Location, ...] = ()
    cited_by: int | None = None


@dataclass(frozen=True)
class Edge:
    """A citation between two nodes; ``cited`` is a document id or a ghost id."""

    citing: str
    cited: str
    status: str
    reference: Location


@dataclass(frozen=True)
class Ghost:
    """A document cited but not in the corpus."""

    id: str
    number: str | None
    title: str | None
    cited_by: tuple[str, ...]


@dataclass(frozen=True)
class XrefReport:
    source: str
    docs: tuple[CorpusDoc, ...]
    findings: tuple[Finding, ...]
    edges: tuple[Edge, ...]
    ghosts: tuple[Ghost, ...]
    references: int
    resolved: int

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)


@dataclass(frozen=True)
class _Citation:
    """A reference of the corpus that points at another document."""

    doc: CorpusDoc
    ref: Mapping[str, Any]
    number: str | None
    title: str | None  # as cited
    key: str | None  # folded title

    @property
    def where(self) -> Location:
        span = self.ref.get("span")
        bbox = self.ref.get("bbox")
        return Location(
            self.doc.id,
            str(self.ref.get("text") or ""),
            (int(span[0]), int(span[1])) if span else None,
            self.ref.get("page"),
            tuple(bbox) if bbox else None,
        )

    @property
    def cited(self) -> dict[str, Any]:
        return {"doc_number": self.number, "title": self.title}


def _doc_summary(d: CorpusDoc, **extra: Any) -> dict[str, Any]:
    out = {
        "document": d.id,
        "doc_number": d.number,
        "title": d.title,
        "body_title": d.body_title,
        "issue_date": d.issue_date,
    }
    out.update(extra)
    return out


def malformed_problems(raw: str) -> tuple[str, ...]:
    """Take a 发文字号 as written and give how it breaks GB/T 9704-2012 7.2.4 (empty when it does not).

    Example: 东政[2023]第03号 -> ("year not in 〔〕", "第 before the serial",
    "leading zero in the serial"); 东政 〔2023〕 3号 -> () (layout spaces are no fault).
    """
    s = _SPACES.sub("", unicodedata.normalize("NFKC", raw))  # ﹝2023﹞ is 〔2023〕 drawn small
    m = re.search(r"(?P<open>.)(?P<year>(?:19|20)\d\d)(?P<close>.)(?P<di>第?)(?P<serial>\d+)号", s)
    if not m or m.group("close") == "年":
        return ()  # 令 and 公告 numbers have their own forms: 国令第711号, …公告2018年第31号
    problems = []
    if m.group("open") != "〔" or m.group("close") != "〕":
        problems.append("year not in 〔〕")
    if m.group("di"):
        problems.append("第 before the serial")
    if len(m.group("serial")) > 1 and m.group("serial").startswith("0"):
        problems.append("leading zero in the serial")
    return tuple(problems)


@lru_cache(maxsize=1)
def _short_names() -> frozenset[str]:
    """Bare document types, used as short names: 《条例》, 《办法》, 《方案》 (data/reference_cues.json)."""
    cues = json.loads((DATA / "reference_cues.json").read_text(encoding="utf-8"))
    return frozenset(fold_title(t) for t in cues["document_types"])


def _citations(docs: Sequence[CorpusDoc]) -> tuple[list[_Citation], int]:
    """Every reference that points at another document, and how many references there are in all."""
    out, total = [], 0
    short_names = _short_names()
    for d in docs:
        for k, ref in enumerate(d.references):
            total += 1
            if ref.get("relation") not in CITING_RELATIONS:
                continue  # drafts (announced, not yet issued) and other (newspapers, cards)
            number = number_key(ref.get("doc_number"))
            title = ref.get("title")
            key = fold_title(title) if title else None
            if ref.get("relation") == "self" and (number is None or k in d.transmitted):
                continue  # 现将《X》印发给你们, 《X》…现予公布: the document itself, not a citation
            if number is None and key in short_names:
                continue  # 以下简称《条例》: a short name of a document named before
            if key and d.body_title and key in _title_keys(d.body_title) and number in (None, d.number):
                continue  # a notice speaking of the document it transmits: 认真贯彻落实《X》
            if number is None and key is None:
                continue
            out.append(_Citation(d, ref, number, title, key))
    return out, total


def _malformed(docs: Sequence[CorpusDoc]) -> list[Finding]:
    out = []
    for d in docs:
        seen: set[tuple[int, int]] = set()
        if d.number_raw and d.number_span:
            problems = malformed_problems(d.number_raw)
            if problems:
                seen.add(d.number_span)
                out.append(
                    Finding(
                        "malformed_number",
                        KINDS["malformed_number"],
                        f"the document's own number {d.number_raw} breaks GB/T 9704: {'; '.join(problems)}",
                        d.id,
                        Location(d.id, d.number_raw, d.number_span, d.number_page),
                        cited={"doc_number": d.number, "problems": list(problems)},
                        compared_with={"form": "机关代字〔年份〕序号号"},
                    )
                )
        for ref in d.references:
            if not ref.get("doc_number"):
                continue
            text, span = str(ref.get("text") or ""), ref.get("span")
            key = number_key(ref.get("doc_number"))
            for (a, b), num in find_doc_numbers(text):
                if number_key({"agency_code": num.agency_code, "year": num.year, "serial": num.serial}) != key:
                    continue
                problems = malformed_problems(text[a:b])
                at = (int(span[0]) + a, int(span[0]) + b) if span else None
                if problems and at not in seen:
                    if at:
                        seen.add(at)
                    out.append(
                        Finding(
                            "malformed_number",
                            KINDS["malformed_number"],
                            f"{text[a:b]} breaks GB/T 9704: {'; '.join(problems)}",
                            d.id,
                            Location(
                                d.id,
                                text,
                                (int(span[0]), int(span[1])) if span else None,
                                ref.get("page"),
                                tuple(ref["bbox"]) if ref.get("bbox") else None,
                            ),
                            cited={"doc_number": key, "as_written": text[a:b], "problems": list(problems)},
                            compared_with={"form": "机关代字〔年份〕序号号"},
                        )
                    )
                break
    return out


def _duplicates(index: Index) -> list[Finding]:
    out = []
    for number, ids in index.by_number.items():
        first = index.docs[ids[0]]
        for other in ids[1:]:
            d = index.docs[other]
            loc = Location(d.id, d.number_raw or number, d.number_span, d.number_page or 1)
            # the same title too: most likely one document twice (two copies, two versions)
            same = bool(first.title and d.title and fold_title(first.title) == fold_title(d.title))
            out.append(
                Finding(
                    "duplicate_number",
                    "warning" if same else KINDS["duplicate_number"],
                    f"{number} is claimed by {first.file} and {d.file}"
                    + (" (the same title: one document twice?)" if same else ""),
                    d.id,
                    loc,
                    cited={"doc_number": number, "title": d.title},
                    compared_with=_doc_summary(first),
                )
            )
    return out


def _resolve(c: _Citation, index: Index) -> tuple[str | None, str, list[Finding]]:
    """Resolve one citation: (the corpus document, the edge status, the findings)."""
    by_num = index.by_number.get(c.number, ()) if c.number else ()
    by_title = index.by_title.get(c.key, ()) if c.key else ()
    if c.key and not by_title and not re.search(r"\d", c.key[len(_drop_note(c.key)) :]):
        by_title = index.by_title.get(_drop_note(c.key), ())  # 《X（试行）》 for X; not (2026-2030年) for X
    if c.doc.id in by_title and c.key not in _title_keys(c.doc.title or "", issued=False):
        # a notice naming what it issues or forwards (关于转发《X》的通知 citing 《X》（澜政〔2022〕1号）)
        # does not cite itself; X is another document
        by_title = tuple(i for i in by_title if i != c.doc.id)
    where = c.where
    finding = None
    target: str | None = None
    status = "resolved"

    def make(
        kind: str, message: str, d: CorpusDoc, sim: float | None = None, severity: str | None = None, **extra: Any
    ) -> Finding:
        return Finding(
            kind,
            severity or KINDS[kind],
            message,
            c.doc.id,
            where,
            cited=c.cited,
            compared_with=_doc_summary(d, **extra),
            similarity=sim,
        )

    # the document's own number: a self-citation whatever the title says
    if c.number and c.number == c.doc.number:
        return c.doc.id, "self", [make("self_citation", f"cites its own number {c.number}", c.doc)]

    if by_num:
        # a document without a title (the parse found none) cannot disagree with one
        agree = [
            i for i in by_num if c.key is None or not _doc_keys(index.docs[i]) or _titles_agree(c.key, index.docs[i])
        ]
        if agree:
            target = agree[0]
            status = "ambiguous" if len(agree) > 1 else "resolved"
        elif by_title and not set(by_title) & set(by_num):
            # the title names another corpus document: trust the longer, more specific title
            target = by_title[0]
            d = index.docs[target]
            finding = make(
                "title_number_mismatch",
                f"《{c.title}》 is {d.number or 'unnumbered'}, cited as {c.number}",
                d,
                number_points_to=by_num[0],
            )
            status = "mismatch"
        else:
            ranked = sorted(((i, *_best_title(c.key or "", index.docs[i])) for i in by_num), key=lambda t: -t[2])
            target, best, sim = ranked[0]
            d = index.docs[target]
            near = best is not None and _is_near(c.key or "", best)
            finding = make(
                "number_title_mismatch",
                f"{c.number} is 《{d.title}》, cited as 《{c.title}》" + (" (likely a slip)" if near else ""),
                d,
                sim,
                severity="warning" if near else None,
                likely=near,
            )
            status = "near_match" if near else "mismatch"
    elif by_title:
        target = by_title[0]
        status = "ambiguous" if index.ambiguous(c.key or "") else "resolved"
        d = index.docs[target]
        if c.number and d.number and d.number != c.number:
            # one character off (东交〔2023〕17号 for 11号) is a likely slip; more is a wrong number
            near = _edits(c.number, d.number, 1) <= 1
            finding = make(
                "title_number_mismatch",
                f"《{c.title}》 is {d.number}, cited as {c.number}" + (" (likely a slip)" if near else ""),
                d,
                similarity(c.number, d.number),
                severity="warning" if near else None,
                likely=near,
            )
            status = "near_match" if near else "mismatch"
    elif c.key:
        near_keys = _near_titles(c.key, index)
        if near_keys:
            key, sim = near_keys[0]
            target = index.by_title[key][0]
            d = index.docs[target]
            if c.number:
                kind = "title_number_mismatch"
                message = (
                    f"《{c.title}》 is close to 《{d.title}》, which is {d.number or 'unnumbered'}, cited as {c.number}"
                )
            else:
                kind = "unresolved"
                message = f"《{c.title}》 is not in the corpus; likely 《{d.title or d.body_title}》"
            finding = make(kind, message, d, sim, severity="warning", likely=True)
            status = "near_match"

    if target is None:
        return None, "unresolved", []
    findings = [finding] if finding else []
    d = index.docs[target]
    if target == c.doc.id:
        return target, "self", [make("self_citation", "cites itself", d, finding.similarity if finding else None)]
    if d.issue_date and c.doc.issue_date and d.issue_date > c.doc.issue_date:
        findings.append(
            make(
                "cites_later_document",
                f"cites a document dated {d.issue_date}, after its own date {c.doc.issue_date}",
                d,
            )
        )
        if status == "resolved":
            status = "later"
    return target, status, findings


def _ghost_id(number: str | None, key: str | None) -> str:
    return f"ghost:{number or key}"


def _unresolved(cits: Sequence[_Citation]) -> tuple[list[Finding], list[Ghost], dict[int, str]]:
    """Group citations of outside documents (sharing a number or a title) and report each group once.

    Gives the findings, the ghosts and, for each citation (by position), its ghost id.
    """
    parent = list(range(len(cits)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, c in enumerate(cits):
        for k in (f"n:{c.number}" if c.number else None, f"t:{c.key}" if c.key else None):
            if k is None:
                continue
            if k in first:
                parent[find(i)] = find(first[k])
            else:
                first[k] = i
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(cits)):
        groups[find(i)].append(i)

    findings: list[Finding] = []
    ghosts: list[Ghost] = []
    ghost_of: dict[int, str] = {}
    for members in groups.values():
        cs = [cits[i] for i in members]
        numbers = Counter(c.number for c in cs if c.number)
        titles = Counter(c.key for c in cs if c.key)
        number = numbers.most_common(1)[0][0] if numbers else None
        key = titles.most_common(1)[0][0] if titles else None
        title = next((c.title for c in cs if c.key == key), None)
        gid = _ghost_id(number, key)
        citers = tuple(dict.fromkeys(c.doc.id for c in cs))
        ghosts.append(Ghost(gid, number, title, citers))
        for i in members:
            ghost_of[i] = gid
        label = " ".join(x for x in (f"《{title}》" if title else None, number) if x)
        findings.append(
            Finding(
                "unresolved",
                KINDS["unresolved"],
                f"{label} is not in the corpus; cited by {len(citers)} document(s)",
                cs[0].doc.id,
                cs[0].where,
                cited={"doc_number": number, "title": title},
                occurrences=tuple(c.where for c in cs),
                cited_by=len(citers),
            )
        )
        # citers that disagree with the usual form of this document
        for c in cs:
            odd_number = c.number and number and c.number != number and len(numbers) > 1
            odd_title = c.key and key and c.key != key and _drop_note(c.key) != _drop_note(key) and len(titles) > 1
            if not (odd_number or odd_title):
                continue
            what = (
                "number"
                if odd_number and not odd_title
                else "title"
                if odd_title and not odd_number
                else "number and title"
            )
            others = [o.where for o in cs if o is not c and (o.number == number or o.key == key)]
            findings.append(
                Finding(
                    "inconsistent_citation",
                    KINDS["inconsistent_citation"],
                    f"cites {label} with another {what}: "
                    + " ".join(x for x in (f"《{c.title}》" if c.title else None, c.number) if x),
                    c.doc.id,
                    c.where,
                    cited=c.cited,
                    compared_with={"document": None, "doc_number": number, "title": title, "citations": len(cs) - 1},
                    similarity=similarity(c.key, key) if odd_title and c.key and key else None,
                    occurrences=tuple(others),
                )
            )
    return findings, ghosts, ghost_of


def check_corpus(docs: Sequence[CorpusDoc], source: str = "") -> XrefReport:
    """Take the corpus's documents and give every finding, edge and ghost.

    Args:
        docs: from ``read_corpus`` or ``doc_from_dict``, e.g. a dozen notices of 东川市.
        source: what the corpus was read from, for the report.

    Returns:
        An ``XrefReport``: ``findings`` in document order (by kind within a
        document); ``edges`` one per citation, ``cited`` a document id or
        ``ghost:东政办〔2022〕18号`` for a document outside the corpus.
    """
    index = build_index(docs)
    cits, total = _citations(docs)
    findings: list[Finding] = _duplicates(index) + _malformed(docs)
    edges: list[Edge] = []
    outside: list[_Citation] = []
    resolved = 0
    for c in cits:
        target, status, found = _resolve(c, index)
        findings.extend(found)
        if target is None and status == "self":
            continue
        if target is None:
            outside.append(c)
            continue
        resolved += 1
        edges.append(Edge(c.doc.id, target, status, c.where))
    unresolved, ghosts, ghost_of = _unresolved(outside)
    findings.extend(unresolved)
    for i, c in enumerate(outside):
        edges.append(Edge(c.doc.id, ghost_of[i], "unresolved", c.where))
    order = {d.id: k for k, d in enumerate(docs)}
    kinds = list(KINDS)
    findings.sort(
        key=lambda f: (
            order.get(f.citing or "", 0),
            (f.reference.span or (0, 0))[0] if f.reference else 0,
            kinds.index(f.kind),
        )
    )
    return XrefReport(source, tuple(docs), tuple(findings), tuple(edges), tuple(ghosts), total, resolved)


# --- output -------------------------------------------------------------------------------


def _loc(loc: Location | None, files: Mapping[str, str]) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {
        "document": loc.document,
        "file": files.get(loc.document, loc.document),
        "text": loc.text,
        "span": list(loc.span) if loc.span else None,
        "page": loc.page,
        "bbox": list(loc.bbox) if loc.bbox else None,
    }


def report_to_dict(report: XrefReport) -> dict[str, Any]:
    """Take an ``XrefReport`` and give the ``report.json`` object (schemas/xref-report.schema.json)."""
    files = {d.id: d.file for d in report.docs}
    by_kind = Counter(f.kind for f in report.findings)
    by_sev = Counter(f.severity for f in report.findings)
    findings = []
    for n, f in enumerate(report.findings, 1):
        findings.append(
            {
                "id": f"F{n:03d}",
                "kind": f.kind,
                "severity": f.severity,
                "message": f.message,
                "citing": f.citing,
                "reference": _loc(f.reference, files),
                "cited": dict(f.cited) if f.cited is not None else None,
                "compared_with": dict(f.compared_with) if f.compared_with is not None else None,
                "similarity": f.similarity,
                "occurrences": [_loc(o, files) for o in f.occurrences],
                "cited_by": f.cited_by,
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "source": report.source,
        "summary": {
            "documents": len(report.docs),
            "references": report.references,
            "citations": len(report.edges),
            "resolved": report.resolved,
            "unresolved_documents": len(report.ghosts),
            "findings": len(report.findings),
            "by_severity": {s: by_sev.get(s, 0) for s in SEVERITIES},
            "by_kind": {k: by_kind.get(k, 0) for k in KINDS},
        },
        "documents": [
            {
                "id": d.id,
                "file": d.file,
                "doc_number": d.number,
                "title": d.title,
                "body_title": d.body_title,
                "issue_date": d.issue_date,
                "issuer": d.issuer,
                "path": d.path,
            }
            for d in report.docs
        ],
        "ghosts": [
            {"id": g.id, "doc_number": g.number, "title": g.title, "cited_by": list(g.cited_by)} for g in report.ghosts
        ],
        "edges": [
            {"citing": e.citing, "cited": e.cited, "status": e.status, "reference": _loc(e.reference, files)}
            for e in report.edges
        ],
        "findings": findings,
    }


def format_summary(report: XrefReport) -> str:
    """Take an ``XrefReport`` and give a few lines for people: counts, then each error and warning."""
    lines = [
        f"{len(report.docs)} documents, {report.references} references, {len(report.edges)} citations: "
        f"{report.resolved} resolved in the corpus, {len(report.ghosts)} documents cited from outside",
        f"{report.count('error')} errors, {report.count('warning')} warnings, {report.count('info')} notes",
    ]
    for f in report.findings:
        if f.severity == "info":
            continue
        page = f" p.{f.reference.page}" if f.reference and f.reference.page else ""
        lines.append(f"  {f.severity:<7} {f.kind:<22} {f.citing}{page}: {f.message}")
    return "\n".join(lines)


def read_corpus(sources: str | Path | Sequence[str | Path], notes: list[str] | None = None,
                progress: Callable[[Path], object] | None = None) -> list[CorpusDoc]:
    """Read the parse outputs of folders and JSON files into ``CorpusDoc``s (``pipeline.outputs``).

    Args:
        sources: a batch folder, or several folders and JSON files: ``["out/", "more/x.json"]``.
        notes: receives a line for every file passed over (not a parse output, cut short, the same PDF twice).
        progress: told each document read (the CLI's bar over a big corpus).

    Raises:
        XrefError: a source is missing, or none holds a parse output.
    """
    from pipeline.outputs import read_outputs

    given = [sources] if isinstance(sources, (str, Path)) else list(sources)
    for src in given:
        if not Path(src).exists():
            raise XrefError(f"{src}: no such file or folder")
    docs = []
    for o in read_outputs(given, notes):
        docs.append(doc_from_dict(o.data, o.id, str(o.path)))
        if progress is not None:
            progress(o.path)
    if not docs:
        raise XrefError(f"{' '.join(map(str, given))}: no parse outputs (*.json valid against the schema)")
    return docs


def write_report(report: XrefReport, outdir: str | Path) -> dict[str, Path]:
    """Write report.json, edges.csv and graph.html into ``outdir`` (created if missing).

    Returns:
        ``{"report": …/report.json, "edges": …/edges.csv, "graph": …/graph.html}``.
    """
    import csv
    import io

    from pipeline.emit import write_atomic
    from pipeline.xref_html import render_graph

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    data = report_to_dict(report)
    paths = {"report": out / "report.json", "edges": out / "edges.csv", "graph": out / "graph.html"}
    write_atomic(paths["report"], json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["citing", "cited", "status"])
    for e in report.edges:
        w.writerow([e.citing, e.cited, e.status])
    write_atomic(paths["edges"], "\ufeff" + buf.getvalue())  # a BOM, as the exports have, so Excel reads the Chinese
    write_atomic(paths["graph"], render_graph(data))
    return paths

"""What the cross-referencer reports: findings, edges and ghosts; the citations it checks; and the
findings that need no resolving: malformed numbers, numbers claimed twice, documents cited from outside
the corpus and the citers that disagree on them."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipeline.docnumber import find_doc_numbers
from pipeline.loader import data_json
from pipeline.xref.documents import CorpusDoc
from pipeline.xref.index import Index
from pipeline.xref.keys import SPACES, drop_note, fold_title, number_key, similarity, title_keys

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

# relations that point at another document (references.py); drafts/other do not
CITING_RELATIONS = ("cites", "self")


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
class Citation:
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


def doc_summary(d: CorpusDoc, **extra: Any) -> dict[str, Any]:
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
    s = SPACES.sub("", unicodedata.normalize("NFKC", raw))  # ﹝2023﹞ is 〔2023〕 drawn small
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
    cues = data_json("reference_cues.json")
    return frozenset(fold_title(t) for t in cues["document_types"])


def citations(docs: Sequence[CorpusDoc]) -> tuple[list[Citation], int]:
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
            if key and d.body_title and key in title_keys(d.body_title) and number in (None, d.number):
                continue  # a notice speaking of the document it transmits: 认真贯彻落实《X》
            if number is None and key is None:
                continue
            out.append(Citation(d, ref, number, title, key))
    return out, total


def malformed(docs: Sequence[CorpusDoc]) -> list[Finding]:
    out = []
    for d in docs:
        seen: set[tuple[int, int]] = set()
        if d.number_raw and d.number_span and not d.number_guessed:
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


def duplicates(index: Index) -> list[Finding]:
    out = []
    for number, ids in index.by_number.items():
        first = index.docs[ids[0]]
        for other in ids[1:]:
            d = index.docs[other]
            loc = Location(d.id, d.number_raw or number, d.number_span, d.number_page)
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
                    compared_with=doc_summary(first),
                )
            )
    return out



def _ghost_id(number: str | None, key: str | None) -> str:
    return f"ghost:{number or key}"


def _same_document(cits: Sequence[Citation]) -> list[list[int]]:
    """Citations (by position) grouped as one outside document: linked by a shared number or title,
    transitively (union-find), each group in citation order, groups in order of their first member's root."""
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
    return list(groups.values())


def _inconsistent(cs: Sequence[Citation], numbers: Counter[str], titles: Counter[str], number: str | None,
                  key: str | None, title: str | None, label: str) -> list[Finding]:
    """The citers of one outside document that disagree with its usual number or title."""
    out = []
    for c in cs:
        odd_number = c.number and number and c.number != number and len(numbers) > 1
        odd_title = c.key and key and c.key != key and drop_note(c.key) != drop_note(key) and len(titles) > 1
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
        out.append(
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
    return out


def unresolved(cits: Sequence[Citation]) -> tuple[list[Finding], list[Ghost], dict[int, str]]:
    """Group citations of outside documents (sharing a number or a title) and report each group once.

    Gives the findings, the ghosts and, for each citation (by position), its ghost id. Example: 东政办〔2022〕18号
    cited by three documents, one of them as 东政办〔2022〕19号 with the same title -> one ``unresolved`` finding,
    the ghost ``ghost:东政办〔2022〕18号`` and an ``inconsistent_citation`` for the odd one.
    """
    findings: list[Finding] = []
    ghosts: list[Ghost] = []
    ghost_of: dict[int, str] = {}
    for members in _same_document(cits):
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
        findings.extend(_inconsistent(cs, numbers, titles, number, key, title, label))
    return findings, ghosts, ghost_of

"""Resolving one citation against the corpus: the document it names, the edge's status and the faults."""

from __future__ import annotations

import re
from typing import Any

from pipeline.xref.documents import CorpusDoc
from pipeline.xref.findings import KINDS, Citation, Finding, doc_summary
from pipeline.xref.index import Index, best_title, doc_keys, near_titles, titles_agree
from pipeline.xref.keys import drop_note, edits, is_near, similarity, title_keys

# what resolving a citation settles: the corpus document it names (or None), the edge's status, a finding
Outcome = tuple[str | None, str, Finding | None]


def _finding(c: Citation, kind: str, message: str, d: CorpusDoc, sim: float | None = None,
             severity: str | None = None, **extra: Any) -> Finding:
    """A finding on citation ``c`` compared with corpus document ``d``; ``extra`` goes into ``compared_with``."""
    return Finding(
        kind,
        severity or KINDS[kind],
        message,
        c.doc.id,
        c.where,
        cited=c.cited,
        compared_with=doc_summary(d, **extra),
        similarity=sim,
    )


def _candidates(c: Citation, index: Index) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The corpus documents filed under the cited number and under the cited title."""
    by_num = index.by_number.get(c.number, ()) if c.number else ()
    by_title = index.by_title.get(c.key, ()) if c.key else ()
    if c.key and not by_title and not re.search(r"\d", c.key[len(drop_note(c.key)) :]):
        by_title = index.by_title.get(drop_note(c.key), ())  # 《X（试行）》 for X; not (2026-2030年) for X
    if c.doc.id in by_title and c.key not in title_keys(c.doc.title or "", issued=False):
        # a notice naming what it issues or forwards (关于转发《X》的通知 citing 《X》（澜政〔2022〕1号）)
        # does not cite itself; X is another document
        by_title = tuple(i for i in by_title if i != c.doc.id)
    return by_num, by_title


def _by_number(c: Citation, index: Index, by_num: tuple[str, ...], by_title: tuple[str, ...]) -> Outcome:
    """A cited number the corpus holds: the document if the titles agree, else which mismatch it is."""
    # a document without a title (the parse found none) cannot disagree with one
    agree = [i for i in by_num if c.key is None or not doc_keys(index.docs[i]) or titles_agree(c.key, index.docs[i])]
    if agree:
        return agree[0], "ambiguous" if len(agree) > 1 else "resolved", None
    if by_title and not set(by_title) & set(by_num):
        # the title names another corpus document: trust the longer, more specific title
        d = index.docs[by_title[0]]
        finding = _finding(c, "title_number_mismatch", f"《{c.title}》 is {d.number or 'unnumbered'}, cited as {c.number}",
                           d, number_points_to=by_num[0])
        return by_title[0], "mismatch", finding
    ranked = sorted(((i, *best_title(c.key or "", index.docs[i])) for i in by_num), key=lambda t: -t[2])
    target, best, sim = ranked[0]
    d = index.docs[target]
    near = best is not None and is_near(c.key or "", best)
    finding = _finding(c, "number_title_mismatch",
                       f"{c.number} is 《{d.title}》, cited as 《{c.title}》" + (" (likely a slip)" if near else ""),
                       d, sim, severity="warning" if near else None, likely=near)
    return target, "near_match" if near else "mismatch", finding


def _by_title(c: Citation, index: Index, by_title: tuple[str, ...]) -> Outcome:
    """A cited title the corpus holds (its number not): the document, and a mismatch if the numbers differ."""
    target = by_title[0]
    status = "ambiguous" if index.ambiguous(c.key or "") else "resolved"
    d = index.docs[target]
    if not (c.number and d.number and d.number != c.number):
        return target, status, None
    # one character off (东交〔2023〕17号 for 11号) is a likely slip; more is a wrong number
    near = edits(c.number, d.number, 1) <= 1
    finding = _finding(c, "title_number_mismatch",
                       f"《{c.title}》 is {d.number}, cited as {c.number}" + (" (likely a slip)" if near else ""),
                       d, similarity(c.number, d.number), severity="warning" if near else None, likely=near)
    return target, "near_match" if near else "mismatch", finding


def _by_near_title(c: Citation, index: Index) -> Outcome:
    """A cited title one slip from a corpus title (授权 read as 授杈): that document, as a likely match."""
    near_keys = near_titles(c.key or "", index)
    if not near_keys:
        return None, "resolved", None
    key, sim = near_keys[0]
    target = index.by_title[key][0]
    d = index.docs[target]
    if c.number:
        kind = "title_number_mismatch"
        message = f"《{c.title}》 is close to 《{d.title}》, which is {d.number or 'unnumbered'}, cited as {c.number}"
    else:
        kind = "unresolved"
        message = f"《{c.title}》 is not in the corpus; likely 《{d.title or d.body_title}》"
    return target, "near_match", _finding(c, kind, message, d, sim, severity="warning", likely=True)


def resolve(c: Citation, index: Index) -> tuple[str | None, str, list[Finding]]:
    """Resolve one citation: (the corpus document, the edge status, the findings).

    Example: 《东川市…行动方案》（东政〔2023〕3号） where the corpus files 东政〔2023〕3号 under that
    title -> ("a_plan_notice-1a2b3c4d", "resolved", []); cited with 东政〔2023〕4号 instead, the
    same document, "mismatch" and a ``title_number_mismatch``.
    """
    # the document's own number: a self-citation whatever the title says
    if c.number and c.number == c.doc.number:
        return c.doc.id, "self", [_finding(c, "self_citation", f"cites its own number {c.number}", c.doc)]
    by_num, by_title = _candidates(c, index)
    target: str | None = None
    status, finding = "resolved", None
    if by_num:
        target, status, finding = _by_number(c, index, by_num, by_title)
    elif by_title:
        target, status, finding = _by_title(c, index, by_title)
    elif c.key:
        target, status, finding = _by_near_title(c, index)
    if target is None:
        return None, "unresolved", []
    d = index.docs[target]
    if target == c.doc.id:
        return target, "self", [_finding(c, "self_citation", "cites itself", d, finding.similarity if finding else None)]
    findings = [finding] if finding else []
    if d.issue_date and c.doc.issue_date and d.issue_date > c.doc.issue_date:
        message = f"cites a document dated {d.issue_date}, after its own date {c.doc.issue_date}"
        findings.append(_finding(c, "cites_later_document", message, d))
        if status == "resolved":
            status = "later"
    return target, status, findings

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

The folder, by concern: ``keys`` (title and number keys, similarity),
``documents`` (a parse output as a ``CorpusDoc``), ``index`` (the corpus
filed by key), ``findings`` (the report's parts and the checks that need no
resolving), ``resolve`` (one citation against the index), ``report`` and
``graph`` (the files written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.outputs import read_outputs
from pipeline.xref.documents import CorpusDoc, doc_from_dict
from pipeline.xref.findings import (
    KINDS,
    SEVERITIES,
    Citation,
    Edge,
    Finding,
    Ghost,
    Location,
    XrefReport,
    citations,
    duplicates,
    malformed,
    malformed_problems,
    unresolved,
)
from pipeline.xref.index import Index, build_index
from pipeline.xref.keys import fold_title, number_key, similarity
from pipeline.xref.report import format_summary, report_to_dict, write_report
from pipeline.xref.resolution import resolve

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


class XrefError(Exception):
    """A corpus that cannot be read: no such folder, no documents, a broken JSON file."""


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
    cits, total = citations(docs)
    findings: list[Finding] = duplicates(index) + malformed(docs)
    edges: list[Edge] = []
    outside: list[Citation] = []
    resolved = 0
    for c in cits:
        target, status, found = resolve(c, index)
        findings.extend(found)
        if target is None and status == "self":
            continue
        if target is None:
            outside.append(c)
            continue
        resolved += 1
        edges.append(Edge(c.doc.id, target, status, c.where))
    outside_findings, ghosts, ghost_of = unresolved(outside)
    findings.extend(outside_findings)
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


"""The cross-reference report for people and programs: report.json, edges.csv, graph.html and a summary."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline import emit
from pipeline.xref.findings import KINDS, SEVERITIES, Location, XrefReport
from pipeline.xref.graph import render_graph

SCHEMA_VERSION = "1.0.0"


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



def write_report(report: XrefReport, outdir: str | Path) -> dict[str, Path]:
    """Write report.json, edges.csv and graph.html into ``outdir`` (created if missing).

    Returns:
        ``{"report": …/report.json, "edges": …/edges.csv, "graph": …/graph.html}``.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    data = report_to_dict(report)
    paths = {"report": out / "report.json", "edges": out / "edges.csv", "graph": out / "graph.html"}
    emit.write_atomic(paths["report"], json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["citing", "cited", "status"])
    for e in report.edges:
        w.writerow([e.citing, e.cited, e.status])
    emit.write_atomic(paths["edges"], "\ufeff" + buf.getvalue())  # a BOM, as the exports have, so Excel reads the Chinese
    emit.write_atomic(paths["graph"], render_graph(data))
    return paths

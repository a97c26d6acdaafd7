"""What a review page shows: the output of a PDF parsed here or of a JSON read, and the file its pages are
drawn from, found beside the JSON or through the batch manifest and checked by content."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from pipeline.emit import to_dict
from pipeline.outputs import NotAnOutput, read_manifest_records, read_output, record_outcome
from pipeline.read import sniff
from pipeline.review.render import ReviewError
from pipeline.run import parse_file, parse_pdf, sha256_of


def find_pdf(json_path: str | Path, data: dict[str, Any]) -> Path | None:
    """Take a JSON output and its dict and give the PDF it was parsed from, if it can be found safely.

    First the folder of the JSON, for the file name ``source.file`` gives (an
    absolute ``source.file`` is never followed). Then the batch manifest beside
    the JSON (``pipeline.outputs.read_manifest_records``): the input path of a
    record whose ``output`` is this JSON, taken only when it is a regular file
    (not a link) whose SHA-256 is the JSON's ``source.sha256`` — so a crafted
    manifest or JSON can name no file but the very PDF that was parsed.

    Args:
        json_path: e.g. out/zhengzhengban-2017-30-1a899f7d.json, written by ``batch`` from
            /data/zhengzhengban-2017-30.pdf, or out/zhengzhengban-2017-30.json beside its PDF.
        data: the parsed JSON.

    Returns:
        The PDF's path (/data/zhengzhengban-2017-30.pdf), or None.
    """
    json_path = Path(json_path)
    source = data.get("source") or {}
    name = Path(str(source.get("file") or "")).name
    if name and name not in (".", ".."):
        p = json_path.parent / name
        if p.is_file():
            return p
    return _manifest_pdf(json_path, source.get("sha256"))


def _manifest_pdf(json_path: Path, sha256: Any) -> Path | None:
    """The input a batch manifest beside ``json_path`` records for it, checked by content; else None."""
    if not isinstance(sha256, str) or not sha256:
        return None
    for rec in (read_manifest_records(json_path.parent) or {}).values():
        if rec.get("output") != json_path.name or rec.get("sha256") != sha256 or record_outcome(rec) != "ok":
            continue
        p = Path(rec["path"])
        try:
            if not stat.S_ISREG(os.lstat(p).st_mode) or sha256_of(p) != sha256:
                continue
        except OSError:
            continue
        return p
    return None


def load_source(path: str | Path, pdf: str | Path | None = None,
                password: str | None = None, ocr: bool | None = None, native: bool = True
                ) -> tuple[dict[str, Any], Path]:
    """Take a PDF or a JSON output and give the output dict and the PDF to draw.

    A PDF is parsed here; a JSON is read and its PDF found with ``find_pdf``
    unless ``pdf`` names it.

    Args:
        path: samples/zhengzhengban-2017-30.pdf or out/zhengzhengban-2017-30.json.
        pdf: the PDF of a JSON, when it is not beside it.
        password: the user password of an encrypted PDF.
        ocr, native: the parse's options for a file parsed here (``parse_pdf``'s).

    Returns:
        ``(data, pdf_path)``.

    Raises:
        ReviewError: the file cannot be read or parsed, or the PDF of a JSON is not found.
        pipeline.extract.PdfError: the PDF cannot be parsed.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise ReviewError(f"{path}: cannot read: {e.strerror}") from None
    if b"%PDF-" in head:
        return to_dict(parse_pdf(path, password=password, ocr=ocr, native=native)), Path(pdf) if pdf else path
    if sniff(path) not in ("pdf", "unknown"):  # OFD (its pages drawn from its characters), DOCX, DOC, WPS, HTML (as text)
        return to_dict(parse_file(path, ocr=ocr, native=native)), path
    try:
        data = read_output(path)
    except NotAnOutput as e:
        why = str(e).removeprefix(f"{path}: ")
        raise ReviewError(f"{path}: neither a PDF nor a JSON output of `pipeline parse` ({why})") from None
    if not drawn(data):  # a format without page images needs no file beside it
        return data, Path(pdf) if pdf else path
    if pdf:
        if not Path(pdf).is_file():
            raise ReviewError(f"{pdf}: no such PDF")
        found: Path | None = Path(pdf)
    else:
        found = find_pdf(path, data)
    if found is None:
        name = (data.get("source") or {}).get("file")
        kind = "OFD" if (data.get("source") or {}).get("format") == "ofd" else "PDF"
        raise ReviewError(f"{path}: cannot find its {kind} {Path(str(name or '')).name!r} beside it; give it with --pdf")
    return data, found


def source_mismatch(data: dict[str, Any], pdf: str | Path) -> str | None:
    """Take an output dict and a PDF and say why the boxes may not fit it, or give None.

    Example: ``"x.pdf differs from the file parsed (SHA-256 1a2b3c4d…, not 7ff18aa2…)"``.
    """
    want = (data.get("source") or {}).get("sha256")
    if not want:
        return None
    got = sha256_of(Path(pdf))
    if got == want:
        return None
    return f"{pdf} differs from the file parsed (SHA-256 {got[:8]}…, not {want[:8]}…): boxes may be misplaced"


def drawn(data: dict[str, Any]) -> bool:
    """Whether a document's pages are drawn as images (PDF, OFD) or it is shown as text (DOCX, DOC, WPS, HTML)."""
    return (data.get("source") or {}).get("format", "pdf") in ("pdf", "ofd")



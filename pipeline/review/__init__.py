"""A review page: the printed pages with every extracted item outlined, and the tables beside them.

``review_html(data, images)`` turns an output dict (schemas/document.schema.json)
and the rendered page images into one self-contained HTML file: page images
are embedded as base64 JPEG, the script and styles are inline, nothing is
fetched. Each target, quantity, date, reference and entity becomes a
coloured box over the words it was read from (``bbox`` in PDF points, origin
top-left, placed as percentages of the page so boxes scale with the image),
each section heading a dashed box; the section tree is a clickable outline
and the tables list the metadata and every item. Clicking a row scrolls to
its box and highlights both; clicking a box finds its row; hovering a box
shows its fields.

Element names are part of the interface (the browser test reads them):
``.page[data-page=N]`` holds ``img.page-image`` and the boxes
``#box-<kind>-<i>`` (``data-item="<kind>-<i>"``, ``<i>`` the item's index in
its JSON list); the row of the same item is ``#row-<kind>-<i>``; the
highlighted box and row carry the class ``hl``.

I/O stays at the edges: ``render_pages`` opens the PDF, ``write_review``
and ``write_batch_reviews`` write files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline import emit
from pipeline.outputs import read_output
from pipeline.review.page import COLUMNS, KINDS, IndexRow, cell, index_html, review_html
from pipeline.review.render import (
    DEFAULT_JPEG_QUALITY,
    DEFAULT_SCALE,
    PageImage,
    ReviewError,
    render_ofd_pages,
    render_pages,
    render_source,
)
from pipeline.review.source import drawn, find_pdf, load_source, source_mismatch

__all__ = [
    "COLUMNS",
    "DEFAULT_JPEG_QUALITY",
    "DEFAULT_SCALE",
    "INDEX",
    "KINDS",
    "IndexRow",
    "PageImage",
    "ReviewError",
    "drawn",
    "find_pdf",
    "index_html",
    "load_source",
    "render_ofd_pages",
    "render_pages",
    "render_source",
    "review_html",
    "source_mismatch",
    "write_batch_reviews",
    "write_review",
]

# The index page a batch's review pages are listed on, beside them.
INDEX = "index.html"


def write_review(path: str | Path, out: str | Path, *, pdf: str | Path | None = None,
                 scale: float = DEFAULT_SCALE, quality: int = DEFAULT_JPEG_QUALITY,
                 password: str | None = None, ocr: bool | None = None, native: bool = True
                 ) -> tuple[dict[str, Any], str | None]:
    """Take a PDF or JSON output and write its review page to ``out``.

    Args:
        path: samples/zhengzhengban-2017-30.pdf, or an output JSON such as out/z.json.
        out: the HTML file to write, e.g. review.html.
        pdf: the PDF of a JSON output when it is not beside it.
        scale: pixels per PDF point of the page images.
        quality: JPEG quality of the page images.
        password: the user password of an encrypted PDF.
        ocr, native: the parse's options when ``path`` is parsed here (the CLI reads
            ``PIPELINE_OCR`` and ``PIPELINE_NO_C`` into them).

    Returns:
        ``(data, warning)``: the output dict shown, and why the boxes may not
        fit the pages (the PDF differs from the one parsed) or None.

    Raises:
        ReviewError, pipeline.extract.PdfError: one-line reasons.
    """
    data, pdf_path = load_source(path, pdf, password, ocr, native)
    if not drawn(data):
        emit.write_atomic(out, review_html(data, ()))
        return data, None
    warning = source_mismatch(data, pdf_path)
    images = render_source(pdf_path, data, scale=scale, quality=quality, password=password)
    emit.write_atomic(out, review_html(data, images, note=warning))
    return data, warning



def write_batch_reviews(outdir: str | Path, records: Iterable[Any], *, scale: float = DEFAULT_SCALE,
                        quality: int = DEFAULT_JPEG_QUALITY) -> tuple[IndexRow, ...]:
    """Take a batch folder and its records and write ``<name>.html`` beside each JSON, and ``index.html``.

    A page newer than its JSON and its PDF is kept, so a rerun redraws only
    what changed. A document whose page cannot be drawn is listed with why.

    Args:
        outdir: the batch's output folder, e.g. out/ holding 郑政办-30-1a899f7d.json.
        records: ``pipeline.batch.Record`` values (path, output, status, previous, counts).

    Returns:
        The index rows, in the records' order.
    """
    out = Path(outdir)
    rows = []
    for rec in records:
        outcome = rec.outcome if hasattr(rec, "outcome") else rec.status
        if outcome != "ok" or not rec.output or not (out / rec.output).is_file():
            rows.append(IndexRow(rec.path, None, None, "failed", error=rec.error))
            continue
        json_path = out / rec.output
        page = json_path.with_suffix(".html")
        try:
            data = read_output(json_path)  # checked: a listed file replaced by something else is no page
            pdf = Path(rec.path)
            stale = not page.is_file() or any(
                p.is_file() and os.stat(p).st_mtime_ns > os.stat(page).st_mtime_ns for p in (json_path, pdf))
            if stale and not drawn(data):
                emit.write_atomic(page, review_html(data, ()))
            elif stale:
                images = render_source(pdf, data, scale=scale, quality=quality)
                emit.write_atomic(page, review_html(data, images, note=source_mismatch(data, pdf)))
            error = None
        except Exception as e:  # as in the batch: one document's failure must not cost the others their pages
            data, error = {}, f"no review page: {str(e).splitlines()[0][:200] if str(e) else type(e).__name__}"
        meta = data.get("metadata") or {}
        rows.append(IndexRow(rec.path, page.name if error is None else None, rec.output, "ok",
                             title=meta.get("title"), doc_number=cell(meta.get("doc_number")) or None,
                             pages=rec.pages, counts=tuple(len(data.get(key) or ()) if data else None
                                                            for key, _, _ in KINDS), error=error))
    emit.write_atomic(out / INDEX, index_html(rows, title=f"review: {out.resolve().name}"))
    return tuple(rows)


"""The stages wired together: a PDF path in, a ``Document`` out.

extract -> clean -> structure -> extractors -> anchor (page and box of every span).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from pipeline.clean import clean_text
from pipeline.dates import find_dates
from pipeline.docnumber import find_doc_numbers
from pipeline.entities import load_nlp, tag_entities
from pipeline.extract import DEFAULT_ENGINE, extract_pages, judge_page
from pipeline.labels import apply_labels
from pipeline.model import CleanText, Document, PageInfo, RawPage, Source, evolve
from pipeline.quality import page_ranges, spans_of_quality
from pipeline.read import FormatError, read_other, sniff, unknown_kind_message
from pipeline.read.paras import clean_paragraphs
from pipeline.references import find_references
from pipeline.sections import segment_sections
from pipeline.structure import read_metadata
from pipeline.tables import find_grid_tables, find_tables, table_quantities
from pipeline.targets import find_quantities
from pipeline.tasks import deadline_year, find_tasks, link_targets

T = TypeVar("T")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def anchor(items: list[T], ct: CleanText) -> tuple[T, ...]:
    """Give every item the page and box of its span, from the clean text's offset map
    (or, in a format without pages, its paragraph and offset)."""
    out = []
    for item in items:
        if ct.paras:
            out.append(evolve(item, para=ct.para_of(item.span)))  # type: ignore[attr-defined]
            continue
        page, bbox = ct.locate(item.span)  # type: ignore[attr-defined]
        out.append(evolve(item, page=page, bbox=bbox))
    return tuple(out)


def unreadable_warning(pages: tuple[PageInfo, ...]) -> str | None:
    """Take the pages' quality and give one warning line naming the unreadable ones, or None.

    Example: ``"unreadable pages 2-4, 7: no text layer; page 9: 40 of 40 glyphs undecodable (cid)"``.
    """
    by_reason: dict[str, list[int]] = {}
    for p in pages:
        if p.quality == "unreadable":
            by_reason.setdefault(p.quality_reason or "unreadable", []).append(p.number)
    if not by_reason:
        return None
    parts = [f"{'pages' if len(ns) > 1 else 'page'} {page_ranges(ns)}: {reason}" for reason, ns in by_reason.items()]
    return "unreadable " + "; ".join(parts)


def mark_ocr(items: tuple[T, ...], ct: CleanText) -> tuple[T, ...]:
    """Give the quantities read from a picture by OCR ``source="ocr"``: those whose box lies in
    one of ``ct.ocr_regions`` (an indicator table pasted as an image)."""
    if not ct.ocr_regions:
        return items
    out = []
    for q in items:
        box = q.bbox  # type: ignore[attr-defined]
        if box is not None and any(p == q.page and r[0] <= (box[0] + box[2]) / 2 <= r[2]  # type: ignore[attr-defined]
                                   and r[1] <= (box[1] + box[3]) / 2 <= r[3] for p, r in ct.ocr_regions):
            q = evolve(q, source="ocr")
        out.append(q)
    return tuple(out)


def analyse(ct: CleanText, source: Source, nlp: object | None = None,
            labels: Mapping[str, str] | None = None, notes: tuple[str, ...] = ()) -> Document:
    """Run structure and every extractor over a clean text.

    Args:
        ct: the clean text.
        source: what the text came from.
        nlp: a spaCy pipeline from ``entities.load_nlp`` to run the trained NER
            model after the rules; None runs the rules alone.
        labels: fields a web page states beside its text (``read.html``), standing over the text's.
        notes: the extraction's warnings about the whole file (a damaged PDF).
    """
    metadata, body = read_metadata(ct)
    if labels:
        metadata = apply_labels(metadata, labels)
    sections = segment_sections(ct, body.start, body.end, body.skip)
    if ct.paras:
        sections = [evolve(s, para=ct.para_of(s.heading)) for s in sections]
    text = ct.text
    doc_year = int(metadata.issue_date[:4]) if metadata.issue_date else None
    grid = find_grid_tables(ct)
    tables = grid + [t for t in find_tables(text)
                     if not any(g.span[0] < t.span[1] and t.span[0] < g.span[1] for g in grid)]
    cells = table_quantities(text, tables, sections, doc_year, metadata.title)
    # an indicator table's cells are read by column; other tables keep their numbers as text quantities
    read = [t.span for t in tables if any(t.span[0] <= q.span[0] < t.span[1] for q in cells)]
    quantities = [q for q in find_quantities(text, sections, doc_year, metadata.title)
                  if not any(a <= q.span[0] < b for a, b in read)]
    quantities = sorted(quantities + cells, key=lambda q: q.span)
    targets = [q for q in quantities if q.role == "target"]
    others = [q for q in quantities if q.role != "target"]
    tasks = find_tasks(text, sections, targets, deadline_year(metadata, text), ct.boxes)
    targets = link_targets(tasks, targets)[1]
    # the document numbers as written, read once: dates skip their years, references link them
    numbers = find_doc_numbers(text)
    dates = find_dates(text, metadata.issue_date, numbers)
    # 机关代字 misread by OCR are put back only in the text OCR read
    references = find_references(text, metadata.doc_number, metadata.body_title,
                                 repair=spans_of_quality(ct, "ocr"), own_span=body.own_number, numbers=numbers)
    entities = tag_entities(text, nlp)
    warnings = list(notes)
    if metadata.doc_number is None:
        warnings.append("no 发文字号 found")
    unreadable = unreadable_warning(ct.pages)
    partial = [p for p in ct.pages if p.quality == "partial"]
    if partial:
        warnings.append(f"text lost on {'pages' if len(partial) > 1 else 'page'} "
                        f"{page_ranges([p.number for p in partial])}: {partial[0].quality_reason}")
    if unreadable:
        warnings.append(unreadable)  # says why, also when garbage text was dropped
    elif not ct.text:
        warnings.append("no text: the PDF has no text layer" if source.format == "pdf"
                        else f"no text: the {source.format.upper()} file holds none")
    return Document(
        source=source, text=text, pages=ct.pages, metadata=metadata, sections=tuple(sections),
        targets=mark_ocr(anchor(targets, ct), ct), quantities=mark_ocr(anchor(others, ct), ct), dates=anchor(dates, ct),
        references=anchor(references, ct), entities=anchor(entities, ct), tasks=anchor(tasks, ct),
        warnings=tuple(warnings),
    )


def parse_pdf(path: str | Path, engine: str = DEFAULT_ENGINE, password: str | None = None,
              ner_model: bool = False, ocr: bool | None = None,
              progress: Callable[[RawPage], object] | None = None, native: bool = True) -> Document:
    """Parse one policy PDF.

    Args:
        path: the PDF, e.g. samples/zhengzhengban-2017-30.pdf.
        engine: the extraction engine (``pipeline.extract.ENGINES``).
        password: the user password of an encrypted PDF.
        ner_model: also run the trained NER model (spaCy) after the entity
            rules; loaded once per process.
        ocr: read pages without a usable text layer with Tesseract (True or
            None), or leave them unreadable (False).
        progress: told each page as it is read (``extract_pages``), e.g. to draw a bar.
        native: read through the C module ``pipeline._speedups`` when it is
            built (False: the Python code, slower, the same output).

    Returns:
        The document with metadata, sections and every extracted item.

    Raises:
        pipeline.extract.PdfError: the file cannot be read as a PDF.
    """
    path = Path(path)
    nlp = load_nlp() if ner_model else None
    notes: list[str] = []
    ct = clean_text(extract_pages(path, engine=engine, password=password, ocr=ocr, progress=progress,
                                  notes=notes, native=native), native)
    source = Source(file=path.name, sha256=sha256_of(path), pages=len(ct.pages), engine=engine)
    return analyse(ct, source, nlp, notes=tuple(notes))


def parse_file(path: str | Path, engine: str = DEFAULT_ENGINE, password: str | None = None,
               ner_model: bool = False, ocr: bool | None = None,
               progress: Callable[[RawPage], object] | None = None, native: bool = True) -> Document:
    """Parse one policy file of any kind ``pipeline.read`` tells from its bytes: PDF, OFD, DOCX, DOC, WPS, HTML.

    Args:
        path: e.g. 东政办〔2023〕12号.ofd, a saved portal page, a .wps.
        engine, password, ocr, native: as for ``parse_pdf`` (PDF only).
        progress: told each page as it is read (PDF and OFD).
        ner_model: also run the trained NER model.

    Returns:
        The document; ``source.format`` says what the file was. An OFD has
        pages and boxes like a PDF; DOCX, DOC, WPS and HTML have no pages and
        their items carry ``para`` (source paragraph and offset).

    Raises:
        pipeline.extract.PdfError: a PDF that cannot be read, or
            ``pipeline.read.FormatError``: a file of no known kind, a damaged
            one, LibreOffice missing for a .doc/.wps.
    """
    path = Path(path)
    kind = sniff(path)
    if kind == "pdf":
        return parse_pdf(path, engine=engine, password=password, ner_model=ner_model, ocr=ocr, progress=progress,
                         native=native)
    if kind == "unknown":
        raise FormatError(unknown_kind_message(path))
    nlp = load_nlp() if ner_model else None
    reading = read_other(path, kind)
    if reading.pages is not None:  # OFD: positioned characters, judged as a PDF engine's pages are (no OCR)
        ct = clean_text((_told(judge_page(page, reading.engine), progress) for page in reading.pages), native)
    else:
        ct = clean_paragraphs(reading.paragraphs or ())
    source = Source(file=path.name, sha256=sha256_of(path), pages=len(ct.pages), engine=reading.engine,
                    format=reading.format)
    return analyse(ct, source, nlp, labels=reading.labels)


def _told(page: RawPage, progress: Callable[[RawPage], object] | None) -> RawPage:
    if progress is not None:
        progress(page)
    return page

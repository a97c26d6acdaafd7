"""Every item points back into the clean text: text[start:end] == item.text."""

import pytest
from conftest import SAMPLES

from pipeline import to_dict

KINDS = ("targets", "quantities", "dates", "references", "entities", "tasks")


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.stem)
def test_spans_map_back_to_text(pdf, sample_docs):
    data = to_dict(sample_docs[pdf.stem])
    text = data["text"]
    for kind in KINDS:
        for item in data[kind]:
            start, end = item["span"]
            assert 0 <= start < end <= len(text)
            assert text[start:end] == item["text"], (kind, item)
            assert item["page"] is not None and item["bbox"] is not None, (kind, item)


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.stem)
def test_spans_sections_nest(pdf, sample_docs):
    doc = sample_docs[pdf.stem]
    by_id = {s.id: s for s in doc.sections}
    for s in doc.sections:
        assert s.span[0] <= s.heading[0] <= s.heading[1] <= s.span[1] <= len(doc.text)
        if s.parent:
            p = by_id[s.parent]
            assert p.span[0] <= s.span[0] and s.span[1] <= p.span[1]
            assert s.level == p.level + 1


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.stem)
def test_spans_every_offset_has_a_box(pdf, sample_docs):
    from pipeline.clean import clean_text
    from pipeline.extract import extract_pages

    ct = clean_text(extract_pages(pdf))
    assert len(ct.boxes) == len(ct.text)
    pages = {p.number for p in ct.pages}
    assert all(b[0] in pages for b in ct.boxes)

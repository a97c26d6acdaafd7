"""OCR measured against the truth a fixture was made from, not against the pipeline's own output.

Each generated fixture (``tests/fixtures/specs.py``) is rendered to images and
written back as an image-only PDF, as a scanner gives it; its parse must hold
the spec's 发文字号, title, 成文日期, section tree and targets. The spec is
independent of the pipeline, so a wrong golden snapshot cannot make these pass.
(``test_ocr.py`` checks that OCR of the sample agrees with its text layer.)
"""

from __future__ import annotations

import difflib

import pytest
from test_ocr import SCAN_DPI, TARGETS_F1, _needs_tesseract, scan_pages, targets_f1, write_image_pdf

from pipeline import to_dict
from pipeline.run import parse_pdf

# fixtures with a 版头, headings and targets; their pages are few, so the OCR stays short
SCANNED = ("notice_transmits_plan", "plan_target_table_joint")


def _gap(why: str):
    """A known OCR gap, measured at 200 dpi: strict, so the test says so once the gap is closed."""
    return pytest.mark.xfail(reason=why, strict=True)


# what these tests found when they were written (the sample-based tests, compared with the
# pipeline's own golden output, did not show it)
SEAL_OVER_DATE = _gap("the red seal over the 成文日期 turns 八日 into 作昌: the date is flagged issue_date_unreadable")
MARKER_WITHOUT_STOP = _gap("OCR drops the stop of a 1. marker (1壮大…): the item is read as text, the tree loses it")


@pytest.fixture(scope="module")
def scanned(fixture_pdf, tmp_path_factory):
    """name -> (the fixture's expected values, the parse of its scanned copy), each made once."""
    made: dict = {}

    def get(name: str):
        if name not in made:
            _needs_tesseract()
            fx = fixture_pdf(name)
            path = tmp_path_factory.mktemp("scan") / f"{name}-scanned.pdf"
            write_image_pdf(path, scan_pages(fx.pdf_path, SCAN_DPI))
            made[name] = (fx.expected, parse_pdf(path))
        return made[name]

    return get


@pytest.mark.parametrize("name", SCANNED)
def test_ocr_truth_every_page_read_by_ocr(scanned, name):
    expected, doc = scanned(name)
    assert len(doc.pages) == expected.n_pages
    assert [p.quality for p in doc.pages] == ["ocr"] * expected.n_pages


@pytest.mark.parametrize("name", SCANNED)
def test_ocr_truth_metadata(scanned, name):
    expected, doc = scanned(name)
    md = doc.metadata
    assert (md.doc_number.text if md.doc_number else None) == expected.doc_number
    assert md.title == expected.title
    assert md.issuers == expected.issuers


@pytest.mark.parametrize("name", [pytest.param(n, marks=SEAL_OVER_DATE) for n in SCANNED])
def test_ocr_truth_issue_date(scanned, name):
    expected, doc = scanned(name)
    assert doc.metadata.issue_date == expected.issue_date


@pytest.mark.parametrize("name", [pytest.param(SCANNED[0], marks=MARKER_WITHOUT_STOP), SCANNED[1]])
def test_ocr_truth_section_tree(scanned, name):
    expected, doc = scanned(name)
    got = [s for s in doc.sections if s.kind != "item"]
    assert [(s.level, s.marker) for s in got] == [(s.level, s.marker) for s in expected.sections]
    pairs = [(g.title or "", w.title or "") for g, w in zip(got, expected.sections)]
    assert all(difflib.SequenceMatcher(None, a, b).ratio() >= 0.8 for a, b in pairs), pairs


@pytest.mark.parametrize("name", SCANNED)
def test_ocr_truth_targets(scanned, name):
    expected, doc = scanned(name)
    gold = [{"value": t["value"], "value_max": t.get("value_max"), "unit": t["unit"], "indicator": t["key"]}
            for t in expected.targets]
    f1, missing = targets_f1(to_dict(doc)["targets"], gold)
    assert f1 >= TARGETS_F1, missing

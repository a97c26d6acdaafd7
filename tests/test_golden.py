"""Whole-document golden JSON of every sample (regenerate with ``make golden``)."""

import json

import pytest
from conftest import ROOT, SAMPLES

from pipeline import to_dict, validate


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.stem)
def test_golden_sample_matches(pdf, sample_docs):
    golden = ROOT / "tests" / "golden" / f"{pdf.stem}.json"
    got = to_dict(sample_docs[pdf.stem])
    validate(got)
    want = json.loads(golden.read_text(encoding="utf-8"))
    for key in want:
        assert got[key] == want[key], f"{key} differs from {golden.name}; run `make golden` if intended"
    assert set(got) == set(want)

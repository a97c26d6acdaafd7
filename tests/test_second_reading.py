"""The second engine is asked only where it can help, and reads only the page asked for.

A long file set in a CJK font that is not embedded (reportlab's STSong-Light)
has blank objects on most pages; where the host draws that font, they are true
blanks, and no page needs the slower engine.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pipeline import extract
from pipeline.extract_pdfium import pdfium_pages


def _cjk_font_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())


@pytest.mark.parametrize("name", ["notice_transmits_plan", "regulation_articles", "plan_target_table_joint"])
def test_second_reading_blanks_in_an_installed_font_are_not_doubtful(fixture_pdf, name):
    if not _cjk_font_installed():
        pytest.skip("no CJK font installed (make installs fonts-wqy-zenhei)")
    pages = list(pdfium_pages(fixture_pdf(name).pdf_path, None))
    assert [p.number for p in pages if p.doubtful or p.unread] == []


@pytest.mark.parametrize("engine", sorted(extract.ENGINES))
@pytest.mark.parametrize("wanted", [{2}, {1, 3}, set()])
def test_second_reading_engine_passes_over_unwanted_pages(fixture_pdf, engine, wanted):
    path = fixture_pdf("notice_transmits_plan").pdf_path
    every = [p.number for p in extract.ENGINES[engine](path, None)]
    got = [p.number for p in extract.ENGINES[engine](path, None, wanted.__contains__)]
    assert got == [n for n in every if n in wanted]


def test_second_reading_fallback_reads_only_the_pages_asked_for(fixture_pdf, monkeypatch):
    read: list[int] = []
    real = extract.ENGINES["pdfplumber"]

    def counting(path, password, wanted=None, **options):
        for page in real(path, password, wanted, **options):
            read.append(page.number)
            yield page

    monkeypatch.setitem(extract.ENGINES, "pdfplumber", counting)
    fallback = extract._Fallback(fixture_pdf("notice_transmits_plan").pdf_path, None, "pdfplumber")
    try:
        assert fallback.page(1).number == 1
        assert fallback.page(3).number == 3
    finally:
        fallback.close()
    assert read == [1, 3]


@pytest.mark.parametrize("asks", [[2, 2, 3], [3, 1, 3], [1, 1, 1, 2, 2]])
def test_second_reading_fallback_gives_a_page_asked_again_or_out_of_order(fixture_pdf, asks):
    """The missing-font check, the quality gate and the damaged-file check may each ask for one page; a
    page asked again must not end the other engine for the rest of the file."""
    fallback = extract._Fallback(fixture_pdf("notice_transmits_plan").pdf_path, None, "pdfplumber")
    try:
        got = [fallback.page(n) for n in asks]
    finally:
        fallback.close()
    assert [p.number if p else None for p in got] == asks

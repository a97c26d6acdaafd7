"""Engine parity: pdfplumber and PDFium give the same document.

Every sample and every generated fixture is parsed with both engines; the
JSON must be the same apart from ``source.engine``: text exactly, numbers
(boxes) within ``BOX_TOLERANCE`` points. Broken files must fail the same way
under both engines.
"""

from __future__ import annotations

import json
import math
import os

import pytest

from pipeline import parse_pdf, to_dict
from pipeline.extract import ENGINES, extract_pages
from pipeline.pages import CorruptPdfError, EmptyPdfError, EncryptedPdfError, NotAPdfError, PdfError
from pipeline.pdfium_api import page_frame
from tests.conftest import SAMPLES
from tests.fixtures import BAD_KINDS, ENCRYPTED_PASSWORD, FIXTURE_NAMES, make_bad_file

# Boxes may differ by this much (points): pdfminer and PDFium round glyph
# positions differently (float32 in PDFium).
BOX_TOLERANCE = 1.0


def _without_engine(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data["source"].pop("engine", None)
    return data


def _differences(a, b, path: str = "$") -> list[str]:
    """Paths where two JSON values differ: numbers beyond ``BOX_TOLERANCE``, anything else at all."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}.{k}: only in one" for k in set(a) ^ set(b)]
        for k in sorted(set(a) & set(b)):
            out += _differences(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} != {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{path}[{i}]")]
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return [] if math.isclose(a, b, abs_tol=BOX_TOLERANCE) else [f"{path}: {a} != {b}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def _both(path) -> tuple[dict, dict]:
    return (_without_engine(to_dict(parse_pdf(path, engine="pdfplumber"))),
            _without_engine(to_dict(parse_pdf(path, engine="pdfium"))))


def test_engines_pdfium_is_registered():
    assert {"pdfplumber", "pdfium"} <= set(ENGINES)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_engines_same_json_on_samples(path):
    a, b = _both(path)
    assert a["text"] == b["text"]
    assert _differences(a, b) == []


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_engines_same_json_on_fixtures(name, fixture_pdf):
    a, b = _both(fixture_pdf(name).pdf_path)
    assert a["text"] == b["text"]
    assert _differences(a, b) == []


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_engines_fixture_text_is_the_laid_out_text(name, fixture_pdf):
    fx = fixture_pdf(name)
    assert parse_pdf(fx.pdf_path, engine="pdfium").text == fx.expected.text


@pytest.mark.parametrize("name", ["notice_transmits_plan", "letter_spaced"])
def test_engines_same_characters(name, fixture_pdf):
    """Below the JSON: the same glyphs, boxes, sizes, colours and bold flags, page by page."""
    path = fixture_pdf(name).pdf_path
    for a, b in zip(extract_pages(path, "pdfplumber"), extract_pages(path, "pdfium"), strict=True):
        assert (a.number, round(a.width, 2), round(a.height, 2)) == (b.number, round(b.width, 2), round(b.height, 2))
        key = lambda c: (round(c.top), round(c.x0), c.text)  # noqa: E731
        ca, cb = sorted(a.chars, key=key), sorted(b.chars, key=key)
        assert "".join(c.text for c in ca if not c.text.isspace()) == "".join(c.text for c in cb if not c.text.isspace())
        ink_a = [c for c in ca if not c.text.isspace()]
        ink_b = [c for c in cb if not c.text.isspace()]
        for x, y in zip(ink_a, ink_b):
            assert max(abs(x.x0 - y.x0), abs(x.x1 - y.x1), abs(x.top - y.top), abs(x.bottom - y.bottom)) < BOX_TOLERANCE
            assert (round(x.size, 1), x.color, x.bold) == (round(y.size, 1), y.color, y.bold)
        rules = lambda p: [(round(r.x0), round(r.top), round(r.x1), r.color) for r in p.rules]  # noqa: E731
        assert rules(a) == rules(b)


# (kind, error both engines raise)
BAD_FILES = [
    ("not_pdf", NotAPdfError),
    ("empty", EmptyPdfError),
    ("truncated", PdfError),
    ("corrupt", CorruptPdfError),
    ("encrypted", EncryptedPdfError),
]


def test_engines_bad_file_table_covers_every_kind():
    assert {k for k, _ in BAD_FILES} == set(BAD_KINDS)


@pytest.mark.parametrize(("kind", "error"), BAD_FILES)
@pytest.mark.parametrize("engine", ["pdfplumber", "pdfium"])
def test_engines_bad_files_raise_one_line_errors(kind, error, engine, tmp_path):
    path = make_bad_file(kind, tmp_path)
    with pytest.raises(error) as info:
        list(extract_pages(path, engine))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("password", "error"), [(None, EncryptedPdfError), ("wrong", EncryptedPdfError)])
def test_engines_pdfium_encrypted_needs_the_password(password, error, tmp_path):
    path = make_bad_file("encrypted", tmp_path)
    with pytest.raises(error, match="password"):
        list(extract_pages(path, "pdfium", password=password))


def test_engines_pdfium_encrypted_opens_with_the_password(tmp_path):
    path = make_bad_file("encrypted", tmp_path)
    ink = lambda engine: [  # noqa: E731
        "".join(c.text for c in sorted(p.chars, key=lambda c: (round(c.top), c.x0)) if not c.text.isspace())
        for p in extract_pages(path, engine, password=ENCRYPTED_PASSWORD)
    ]
    assert ink("pdfplumber") == ink("pdfium")


# (mediabox, rotation, user-space point, point in pdfplumber's frame (x, top))
FRAMES = [
    ((0, 0, 595.28, 841.89), 0, (100.0, 700.0), (100.0, 141.89)),
    ((0, 0, 595.28, 841.89), 90, (100.0, 700.0), (700.0, 100.0)),
    ((0, 0, 595.28, 841.89), 180, (100.0, 700.0), (495.28, 700.0)),
    ((0, 0, 595.28, 841.89), 270, (100.0, 700.0), (141.89, 495.28)),
]


@pytest.mark.parametrize(("mediabox", "rotation", "point", "expected"), FRAMES)
def test_engines_page_frame_follows_pdfminer(mediabox, rotation, point, expected):
    ctm, _w, height, dx, dtop = page_frame(mediabox, rotation)
    a, b, c, d, e, f = ctm
    x, y = point
    X, Y = a * x + c * y + e, b * x + d * y + f
    assert (round(X + dx, 2), round(height - Y + dtop, 2)) == expected


# --- the C reads (pipeline._speedups) -------------------------------------------


def _c_module():
    """The C module bound to PDFium; a failure when REQUIRE_C is set and it is missing or stale, else a skip."""
    from pipeline.pdfium_api import scanner

    scan = scanner()
    if scan is None:
        if os.environ.get("REQUIRE_C"):  # CI sets it: a module that did not build must fail there, not skip
            pytest.fail("REQUIRE_C is set but pipeline._speedups is not built or is stale "
                        "(no C compiler at install? _speedups.c edited without `python setup.py build_ext --inplace`?)")
        pytest.skip("pipeline._speedups is not built or is stale")
    return scan


def _pdfium_pages(path, native: bool) -> list:
    from pipeline.extract_pdfium import pdfium_pages

    return list(pdfium_pages(path, None, native=native))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_engines_c_reads_same_pages_as_ctypes_on_samples(path):
    _c_module()
    assert _pdfium_pages(path, True) == _pdfium_pages(path, False)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_engines_c_reads_same_pages_as_ctypes_on_fixtures(name, fixture_pdf):
    _c_module()
    path = fixture_pdf(name).pdf_path
    assert _pdfium_pages(path, True) == _pdfium_pages(path, False)


def test_engines_c_reads_are_an_option():
    from pipeline.pdfium_api import scanner

    assert scanner(native=False) is None


@pytest.mark.parametrize(("value", "native"), [(None, True), ("0", True), ("1", False), ("yes", False)])
def test_engines_cli_reads_pipeline_no_c_into_the_option(value, native, monkeypatch):
    from pipeline.cli import _native_option

    if value is None:
        monkeypatch.delenv("PIPELINE_NO_C", raising=False)
    else:
        monkeypatch.setenv("PIPELINE_NO_C", value)
    assert _native_option() is native


def test_engines_c_module_built_from_another_source_is_refused(tmp_path, monkeypatch):
    """Editing _speedups.c without rebuilding gives the Python code, never the stale module."""
    from pipeline import native

    edited = tmp_path / "_speedups.c"
    edited.write_bytes(native.SOURCE.read_bytes() + b"\n/* edited */\n")
    monkeypatch.setattr(native, "SOURCE", edited)
    native.speedups.cache_clear()
    try:
        assert native.speedups() is None
    finally:
        monkeypatch.undo()
        native.speedups.cache_clear()


def test_engines_c_module_records_its_source():
    from pipeline import native

    scan = _c_module()
    assert scan.SOURCE_SHA256 == native.source_sha256()


def _text_pages(path):
    """Each page of ``path`` with its text page: (api, page handle, text page handle), closed after use."""
    import pypdfium2 as pdfium

    from pipeline.pdfium_api import handle_of, pdfium_api

    api = pdfium_api()
    pdf = pdfium.PdfDocument(path)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = api.load_page(handle_of(page))
            try:
                yield api, page, tp
            finally:
                api.close_textpage(tp)
                page.close()
    finally:
        pdf.close()


def _drawn_both_ways(path) -> list[tuple]:
    """Per page of ``path``: ``read_drawn`` (ctypes) and ``scan_drawn`` (C), styles given as their keys."""
    from pipeline.pdfium_chars import Styles, read_drawn, scan_drawn

    scan = _c_module()
    out = []
    for api, _page, tp in _text_pages(path):
        pair = []
        for drawn in (read_drawn(api, tp, Styles(api)), scan_drawn(scan, tp, Styles(api))):
            text, indices, sts, xs, ys, owners, firsts = drawn
            keys = [(st.font, st.size, st.color, st.matrix) for st in sts]
            pair.append((text, indices, keys, xs, ys, owners, firsts))
        out.append(tuple(pair))
    return out


def _assert_c_chars_match_ctypes(path) -> None:
    for ctypes_read, c_read in _drawn_both_ways(path):
        assert c_read == ctypes_read  # the ctypes path's firsts come from first_of_each
        text, _indices, keys, *_rest, firsts = c_read
        seen: set = set()
        assert firsts == [k for k, pair in enumerate(zip(keys, text)) if not (pair in seen or seen.add(pair))]


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_engines_c_chars_match_ctypes_reads_on_samples(path):
    _assert_c_chars_match_ctypes(path)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_engines_c_chars_match_ctypes_reads_on_fixtures(name, fixture_pdf):
    _assert_c_chars_match_ctypes(fixture_pdf(name).pdf_path)


def _skipped(path) -> list[tuple]:
    """Per page of ``path``: ``find_skipped`` (blank runs, originals of fake-bold copies)."""
    from pipeline.extract_pdfium import walk_page
    from pipeline.pages import DEFAULT_OVERPRINT_TOLERANCE as tol
    from pipeline.pdfium_api import handle_of, page_frame
    from pipeline.pdfium_chars import Styles, page_chars
    from pipeline.pdfium_skipped import find_skipped

    out = []
    for api, page, tp in _text_pages(path):
        frame = page_frame(tuple(page.get_mediabox()), page.get_rotation())
        ctm, _width, height, dx, dtop = frame
        walked, _rules = walk_page(api, handle_of(page), ctm, height, dx, dtop)
        styles = Styles(api)
        page_chars(api, tp, frame, styles)
        out.append(find_skipped(api, walked, styles.by_object, tol))
    return out


def test_engines_skipped_objects_are_found_on_a_fake_bold_fixture(fixture_pdf):
    """The fixtures draw 标题 twice (fake bold) and write some U+3000 as objects of their own."""
    found = [got for name in FIXTURE_NAMES for got in _skipped(fixture_pdf(name).pdf_path)]
    assert any(blanks for blanks, _bold in found) and any(bold for _blanks, bold in found)


def _objects_both_ways(path) -> list[tuple]:
    """Per page of ``path``: ``page_objects`` (ctypes) and ``_speedups.objects`` (C)."""
    from pipeline.extract_pdfium import page_objects
    from pipeline.pdfium_api import handle_of

    scan = _c_module()
    return [(page_objects(api, handle_of(page)), scan.objects(handle_of(page))) for api, page, _tp in _text_pages(path)]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_engines_c_lists_the_objects_ctypes_lists(name, fixture_pdf):
    for python, c in _objects_both_ways(fixture_pdf(name).pdf_path):
        assert python == c


def test_engines_read_text_and_rules_inside_form_xobjects(tmp_path):
    """Text and a rule drawn inside a form XObject (a letterhead template) come out where drawn, in order."""
    from reportlab.pdfgen import canvas

    from tests.fixtures.pdfgen import register_font

    font = register_font(None)
    path = tmp_path / "form.pdf"
    c = canvas.Canvas(str(path), pagesize=(595.0, 842.0))
    c.setFont(font, 16)
    c.drawString(100, 760, "关于")
    c.beginForm("head")
    c.setFont(font, 16)
    c.drawString(100, 700, "印发")
    c.setStrokeColorRGB(0.87, 0, 0)
    c.line(80, 690, 515, 690)
    c.endForm()
    c.doForm("head")
    c.setFont(font, 16)
    c.drawString(100, 640, "通知")
    c.save()
    pages = {engine: list(ENGINES[engine](path, None)) for engine in ("pdfium", "pdfplumber")}
    texts = {engine: "".join(ch.text for ch in got[0].chars) for engine, got in pages.items()}
    assert texts["pdfium"] == texts["pdfplumber"] == "关于印发通知"
    rules = pages["pdfium"][0].rules
    assert len(rules) == 1 and rules[0].color == "#de0000" and abs(rules[0].top - 152.0) < 0.5
    assert [(round(ch.x0, 2), round(ch.top, 2)) for ch in pages["pdfium"][0].chars] == \
        [(round(ch.x0, 2), round(ch.top, 2)) for ch in pages["pdfplumber"][0].chars]
    from pipeline.pdfium_api import scanner

    if scanner() is not None:
        [(python, c_objects)] = _objects_both_ways(path)
        assert python == c_objects and [kind for _place, _obj, kind in c_objects[1]] == [5]

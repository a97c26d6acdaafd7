"""Hostile and messy inputs: each kind of bad file gets a one-line error or a
page-quality verdict and a warning, through the library, the CLI and the batch.

Every fixture is made here: raw PDF bytes written by hand (zero pages, a Type3
font without /ToUnicode, a page of many tiny glyphs, a zlib bomb) or reportlab
(a 1,000-page file). Limits are lowered by monkeypatching the DEFAULT_*
constants, so no test builds a million objects or gigabytes. No timed assertions.
"""

import base64
import json
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.extract as extract
import pipeline.pdf_bytes as pdf_bytes
from pipeline.extract import extract_pages
from pipeline.model import Char, RawPage
from pipeline.pages import EmptyPdfError, OversizePdfError, TimeLimitError
from pipeline.pdf_bytes import a85decode, check_inflated_size
from tests.fixtures import make_bad_file
from tests.fixtures.hostile import CATALOG, HELVETICA, raw_pdf, stream

ENGINES = sorted(extract.ENGINES)


# --- fixtures: raw PDF bytes (raw_pdf and stream from tests/fixtures/hostile.py) ---------------

ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"


def make_zero_pages(path: Path) -> Path:
    """A well-formed PDF whose page tree is empty."""
    path.write_bytes(raw_pdf([CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    return path


def make_font_without_tounicode(path: Path) -> Path:
    """A page of 150 glyphs in a Type3 font with made-up glyph names and no /ToUnicode:
    pdfplumber reads (cid:1)(cid:2)…, PDFium control characters."""
    text = b"BT /F1 16 Tf 72 700 Td 20 TL " + b" ".join(b"<%s> Tj T*" % (b"010203" * 10) for _ in range(5)) + b" ET"
    font = (b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0]"
            b" /CharProcs << /g1 6 0 R /g2 6 0 R /g3 6 0 R >>"
            b" /Encoding << /Type /Encoding /Differences [1 /g1 /g2 /g3] >>"
            b" /FirstChar 1 /LastChar 3 /Widths [1000 1000 1000] /Resources << >> >>")
    square = b"1000 0 0 0 1000 1000 d1 0 0 1000 1000 re f"
    path.write_bytes(raw_pdf([CATALOG, ONE_PAGE, PAGE, stream(text), font, stream(square)]))
    return path


def make_many_glyphs(path: Path, n: int) -> Path:
    """One page of ``n`` one-point glyphs, each its own text object, on a grid."""
    ops = [b"BT /F1 1 Tf 1 0 0 1 %d %d Tm (a) Tj ET" % (20 + 2 * (i % 250), 20 + 2 * (i // 250)) for i in range(n)]
    data = zlib.compress(b"\n".join(ops))
    path.write_bytes(raw_pdf([CATALOG, ONE_PAGE, PAGE, stream(data, b"/Filter /FlateDecode "), HELVETICA]))
    return path


def make_zlib_bomb(path: Path, inflated: int, streams: int = 1) -> Path:
    """A one-page PDF whose content (``streams`` Flate streams) inflates to ``inflated`` bytes of blanks each."""
    comp = zlib.compressobj(9)
    block = b" " * (1 << 20)
    parts = [comp.compress(block) for _ in range(inflated >> 20)]
    parts += [comp.compress(b" " * (inflated % (1 << 20)) + b"\nBT /F1 12 Tf 72 700 Td (bomb) Tj ET"), comp.flush()]
    data = b"".join(parts)
    contents = b" ".join(b"%d 0 R" % (6 + k) for k in range(streams))
    page = PAGE.replace(b"/Contents 4 0 R", b"/Contents [%s]" % contents)
    objects = [CATALOG, ONE_PAGE, page, stream(b"q Q"), HELVETICA]
    objects += [stream(data, b"/Filter /FlateDecode ") for _ in range(streams)]
    path.write_bytes(raw_pdf(objects))
    return path


def make_long(path: Path, pages: int) -> Path:
    """A ``pages``-page file, one short line per page (reportlab, a standard font)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 12)
    for i in range(pages):
        c.drawString(72, 700, f"Page {i + 1}: item {i + 1} of the long file.")
        c.showPage()
    c.save()
    return path


def page_text(page: RawPage) -> str:
    return "".join(c.text for c in page.chars)


# --- zero pages -------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_zero_pages_is_a_named_error(engine, tmp_path):
    path = make_zero_pages(tmp_path / "zero_pages.pdf")
    with pytest.raises(EmptyPdfError, match="no pages"):
        list(extract_pages(path, engine=engine))


# --- a font without /ToUnicode ----------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_font_without_tounicode_is_flagged_not_emitted(engine, tmp_path):
    from pipeline import parse_pdf

    doc = parse_pdf(make_font_without_tounicode(tmp_path / "no_tounicode.pdf"), engine=engine)
    page = doc.pages[0]
    assert page.quality == "unreadable"
    assert "undecodable" in page.quality_reason and "reads no better" in page.quality_reason
    assert "(cid:" not in doc.text and not any(ord(ch) < 0x20 and ch != "\n" for ch in doc.text)
    assert any(w.startswith("unreadable page 1: ") for w in doc.warnings)


def _fake_engine(texts: dict[int, str]):
    """An engine giving one page per entry, each reading ``texts[number]``."""
    def pages(path, password, wanted=None, **options):
        for number, text in texts.items():
            if wanted is not None and not wanted(number):
                continue
            chars = tuple(Char(t, 72.0 + 16 * i, 100.0, 88.0 + 16 * i, 116.0, 16.0, "F", None)
                          for i, t in enumerate(text))
            yield RawPage(number, 595.0, 842.0, chars)
    return pages


GOOD = "为进一步加快我市服务业发展现将有关事项通知如下请认真贯彻执行"
GARBAGE = "\x01-\x03\x04\x05\x06\x07\x08\t\x0b" * 3

# (what engine a reads, what engine b reads, quality a's pages get, words of the reason)
REPAIR = [
    ({1: GOOD}, {1: GARBAGE}, ["ok"], [None]),
    ({1: GARBAGE, 2: GOOD}, {1: GOOD, 2: GOOD}, ["repaired", "ok"], ["read with b: a gives", None]),
    ({1: GOOD, 2: GARBAGE}, {1: GOOD, 2: GARBAGE}, ["ok", "unreadable"], [None, "b reads no better"]),
    ({1: GARBAGE}, {}, ["unreadable"], ["b reads no better"]),  # the other engine has no such page
    ({1: ""}, {1: GOOD}, ["unreadable"], ["no text layer"]),  # no text: no engine reads more
]


@pytest.mark.parametrize(("a", "b", "qualities", "reasons"), REPAIR)
def test_hostile_garbage_page_is_read_with_the_other_engine(a, b, qualities, reasons, monkeypatch, tmp_path):
    monkeypatch.setattr(extract, "ENGINES", {"a": _fake_engine(a), "b": _fake_engine(b)})
    path = make_zero_pages(tmp_path / "any.pdf")  # a real file for the checks before the engine runs
    pages = list(extract_pages(path, engine="a"))
    assert [p.quality for p in pages] == qualities
    for page, reason in zip(pages, reasons):
        if reason is None:
            assert page.quality_reason is None and page_text(page) == GOOD
        else:
            assert reason in page.quality_reason
        if page.quality == "repaired":
            assert page_text(page) == GOOD
        if page.quality == "unreadable":
            assert page.chars == ()


def test_hostile_other_engine_failing_leaves_the_page_unreadable(monkeypatch, tmp_path):
    def broken(path, password, wanted=None, **options):
        raise extract.CorruptPdfError(f"{path}: corrupt PDF")
        yield  # a generator, as engines are

    monkeypatch.setattr(extract, "ENGINES", {"a": _fake_engine({1: GARBAGE}), "b": broken})
    pages = list(extract_pages(make_zero_pages(tmp_path / "any.pdf"), engine="a"))
    assert pages[0].quality == "unreadable" and pages[0].chars == ()


# --- many tiny objects ------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_page_of_too_many_glyphs_is_unreadable(engine, monkeypatch, tmp_path):
    path = make_many_glyphs(tmp_path / "many_glyphs.pdf", 3000)
    monkeypatch.setattr(extract, "DEFAULT_MAX_PAGE_CHARS", 2000)
    page = next(extract_pages(path, engine=engine))
    assert page.quality == "unreadable" and page.chars == ()
    assert page.quality_reason == "too many characters (3,000; the limit is 2,000)"


def test_hostile_page_far_past_the_glyph_limit_is_refused_unread(monkeypatch, tmp_path):
    # PDFium's count, read before any glyph is, holds the spaces it makes up between text objects
    path = make_many_glyphs(tmp_path / "many_glyphs.pdf", 3000)
    monkeypatch.setattr(extract, "DEFAULT_MAX_PAGE_CHARS", 1000)
    monkeypatch.setattr("pipeline.extract_pdfium.page_chars", None)  # never reached
    page = next(extract_pages(path, engine="pdfium"))
    assert page.quality == "unreadable" and page.chars == ()
    assert page.quality_reason == "too many characters (6,010 with spaces; the limit is 1,000)"


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_page_of_many_glyphs_under_the_limit_is_read(engine, tmp_path):
    page = next(extract_pages(make_many_glyphs(tmp_path / "many_glyphs.pdf", 3000), engine=engine))
    assert page.quality == "ok" and len(page.chars) == 3000


# --- decompression bombs ----------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_zlib_bomb_is_refused_before_decoding(engine, monkeypatch, tmp_path):
    path = make_zlib_bomb(tmp_path / "bomb.pdf", 16 << 20)
    assert path.stat().st_size < 100_000  # 16 MB of blanks in a few KB
    monkeypatch.setattr(pdf_bytes, "DEFAULT_MAX_STREAM_BYTES", 1 << 20)
    with pytest.raises(OversizePdfError, match=r"inflates beyond 1 MB \(the limit\)"):
        next(extract_pages(path, engine=engine))


def test_hostile_streams_beyond_the_total_are_refused(tmp_path):
    path = make_zlib_bomb(tmp_path / "bombs.pdf", 600_000, streams=3)
    check_inflated_size(path, max_stream=1 << 20, max_total=2 << 20)  # 1.8 MB in all: accepted
    with pytest.raises(OversizePdfError, match="in all"):
        check_inflated_size(path, max_stream=1 << 20, max_total=1 << 20)


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_stream_under_the_limit_parses(engine, tmp_path):
    page = next(extract_pages(make_zlib_bomb(tmp_path / "big.pdf", 8 << 20), engine=engine))
    assert page_text(page) == "bomb" and page.quality == "ok"


# --- time limit -------------------------------------------------------------------


def test_hostile_time_limit_is_a_named_error(monkeypatch, tmp_path):
    monkeypatch.setattr(extract, "DEFAULT_MAX_SECONDS", -1.0)  # already past: no clock is read in the test
    with pytest.raises(TimeLimitError, match="over the time limit .* at page 1"):
        list(extract_pages(make_long(tmp_path / "short.pdf", 2)))


# --- 1,000 pages ------------------------------------------------------------------

_MEASURE = """
import resource, sys
sys.path.insert(0, sys.argv[2])
from pipeline.extract import extract_pages
pages = [p.quality for p in extract_pages(sys.argv[1])]
print(len(pages), pages.count("ok"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_kb(path: Path) -> tuple[int, int, int]:
    r = subprocess.run([sys.executable, "-c", _MEASURE, str(path), str(ROOT)], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr
    n, ok, kb = map(int, r.stdout.split())
    return n, ok, kb


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    return make_long(tmp_path_factory.mktemp("long") / "pages_1000.pdf", 1000)


def test_hostile_thousand_pages_memory_stays_bounded(long_pdf, tmp_path):
    short = make_long(tmp_path / "pages_100.pdf", 100)
    n_short, _, kb_short = _peak_kb(short)
    n_long, ok_long, kb_long = _peak_kb(long_pdf)
    assert (n_short, n_long, ok_long) == (100, 1000, 1000)
    # pages are read one at a time: ten times the pages, about the same peak (measured: +2 MB)
    assert kb_long < kb_short + 64 * 1024, (kb_short, kb_long)


def test_hostile_thousand_pages_parse(long_pdf):
    from pipeline import parse_pdf

    doc = parse_pdf(long_pdf)
    assert doc.source.pages == 1000 and len(doc.pages) == 1000
    assert "item 1000" in doc.text and all(p.quality == "ok" for p in doc.pages)


# --- the CLI and the batch: every kind of bad input -------------------------------


def _make(kind: str, folder: Path) -> Path:
    """A bad input of ``kind`` in ``folder``: the README table's rows."""
    if kind == "zero_pages":
        return make_zero_pages(folder / "zero_pages.pdf")
    if kind == "no_tounicode":
        return make_font_without_tounicode(folder / "no_tounicode.pdf")
    if kind == "zlib_bomb":  # beyond the default limit of 256 MB; about 300 KB on disk
        return make_zlib_bomb(folder / "zlib_bomb.pdf", 300 << 20)
    return make_bad_file(kind, folder)


# (kind, extra CLI arguments, exit code, words of the one line on stderr)
CLI_CASES = [
    ("not_pdf", (), 1, "not a PDF"),
    ("empty", (), 1, "empty file"),
    ("truncated", (), 1, "corrupt"),
    ("corrupt", (), 1, "corrupt"),
    ("encrypted", (), 1, "give --password"),
    ("encrypted", ("--password", "wrong"), 1, "wrong password"),
    ("zero_pages", (), 1, "no pages"),
    ("zlib_bomb", (), 1, "inflates beyond 256 MB"),
    ("no_tounicode", (), 0, "unreadable page 1: "),
]


@pytest.mark.parametrize(("kind", "args", "code", "message"), CLI_CASES, ids=[f"{c[0]}{len(c[1])}" for c in CLI_CASES])
def test_hostile_cli_one_line_per_bad_input(kind, args, code, message, tmp_path):
    path = _make(kind, tmp_path)
    r = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(path), *args], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    assert r.returncode == code, r.stderr
    assert "Traceback" not in r.stderr
    hits = [line for line in r.stderr.splitlines() if message in line]
    assert len(hits) == 1, r.stderr
    if code:
        assert r.stderr.strip() == hits[0] and hits[0].startswith("error:")
    else:
        assert hits[0].startswith("warning:")
        data = json.loads(r.stdout)
        assert data["pages"][0]["quality"] == "unreadable" and "(cid:" not in data["text"]


# encrypted.pdf runs before zero_pages.pdf in the one worker: PDFium's stale
# error code must not make the empty file "encrypted"
BATCH_KINDS = ["encrypted", "zero_pages", "zlib_bomb", "no_tounicode", "not_pdf"]


def test_hostile_batch_records_every_bad_input(tmp_path):
    from pipeline import cli
    from pipeline.batch import MANIFEST

    folder = tmp_path / "in"
    folder.mkdir()
    paths = {kind: _make(kind, folder) for kind in BATCH_KINDS}
    out = tmp_path / "out"
    code = cli.main(["batch", str(folder), "-o", str(out), "--workers", "1", "-q"])
    assert code == 1  # some inputs failed; the batch itself ran to the end
    rows = {Path(json.loads(line)["path"]).name: json.loads(line)
            for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()}
    assert set(rows) == {p.name for p in paths.values()}
    expected = {"zero_pages": "no pages", "zlib_bomb": "inflates beyond", "not_pdf": "not a PDF",
                "encrypted": "encrypted"}
    for kind, words in expected.items():
        row = rows[paths[kind].name]
        assert row["status"] == "failed" and words in row["error"] and "\n" not in row["error"], row
    ok = rows[paths["no_tounicode"].name]
    assert ok["status"] == "ok"
    data = json.loads((out / ok["output"]).read_text(encoding="utf-8"))
    assert data["pages"][0]["quality"] == "unreadable"
    assert any(w.startswith("unreadable page 1") for w in data["warnings"])


# ASCII85 as reportlab writes content streams: pdf_bytes.a85decode is base64.a85decode, faster
_A85_BYTES = st.binary(max_size=64).map(lambda b: base64.a85encode(b, wrapcol=7))
_A85_NOISE = st.binary(max_size=40).map(lambda b: bytes(b"!#$%uz\n t~yv"[x % 12] for x in b))


@settings(max_examples=500, deadline=None)
@given(data=st.one_of(_A85_BYTES, _A85_NOISE, st.binary(max_size=30)))
def test_hostile_a85decode_agrees_with_base64(data):
    def read(decode):
        try:
            return decode(data)
        except ValueError:
            return ValueError

    assert read(a85decode) == read(lambda d: base64.a85decode(d, adobe=False, ignorechars=b" \t\n\r\x0b\x0c"))

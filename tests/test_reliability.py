"""Reliability and security (issue 22): nothing lost silently, nothing overwritten, bounded cost.

One section per promise: outputs only to regular files; formulas inert in
exports; damaged files cross-checked; budgets before the cost; phone scans
with a watermark read by OCR; turned pages in reading order; ``validate``
checks the README's invariants; JSON safe inside HTML; no hangs; messages
that name the right file. Hostile files come from ``tests/fixtures/hostile.py``.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

import pipeline.extract as extract
import pipeline.ocr_pages as ocr_pages
from pipeline import cli
from pipeline.emit import OutputError, invariant_errors, output_target, script_json
from pipeline.export import neutralise, read_table, write_table
from pipeline.extract import extract_pages
from pipeline.model import Char, RawPage
from pipeline.ocr_pages import render_scale
from pipeline.pdf_bytes import check_inflated_size
from pipeline.quality import scan_behind_text, text_lost
from tests.fixtures.hostile import (
    blank_pages,
    formula_text,
    glyph_grid,
    huge_mediabox,
    rotated_pages,
    watermarked_scan,
    zeros_after_header,
)

SAMPLE = ROOT / "samples" / "zhengzhengban-2017-30.pdf"


def _run(*args: str, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, stdin=stdin)


@pytest.fixture(scope="module")
def sample_json(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("sample") / "z.json"
    assert cli.main(["parse", str(SAMPLE), "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


# --- 1. outputs only to regular files ---------------------------------------------------


def _targets(folder: Path) -> dict[str, Path]:
    os.mkfifo(folder / "fifo")
    (folder / "folder").mkdir()
    out = {"fifo": folder / "fifo", "folder": folder / "folder", "null": Path("/dev/null")}
    if os.geteuid() == 0:
        os.mknod(folder / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        out["mknod"] = folder / "null"
    return out


@pytest.mark.parametrize("kind", ["fifo", "folder", "null", "mknod"])
def test_reliability_output_device_fifo_folder_refused_before_the_work(kind, tmp_path, monkeypatch, capsys):
    target = _targets(tmp_path).get(kind)
    if target is None:
        pytest.skip("mknod needs root")
    before = os.lstat(target)
    monkeypatch.setattr("pipeline.run.parse_pdf", lambda *a, **k: pytest.fail("parsed before the output was checked"))
    assert cli.main(["parse", str(SAMPLE), "-o", str(target)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {target}: not a regular file"), err
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (stat.S_IFMT(before.st_mode), before.st_ino)


@pytest.mark.parametrize("command", ["export", "review"])
def test_reliability_export_and_review_refuse_a_device(command, tmp_path, capsys):
    os.mkfifo(tmp_path / "fifo.csv")
    args = (["export", str(tmp_path), "--to", str(tmp_path / "fifo.csv")] if command == "export"
            else ["review", str(SAMPLE), "-o", str(tmp_path / "fifo.csv")])
    assert cli.main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a regular file (a FIFO)" in err[0]
    assert stat.S_ISFIFO(os.lstat(tmp_path / "fifo.csv").st_mode)


def test_reliability_symlink_written_through(tmp_path):
    (tmp_path / "t.json").write_text("old")
    os.symlink("t.json", tmp_path / "link.json")
    assert cli.main(["parse", str(SAMPLE), "-o", str(tmp_path / "link.json")]) == 0
    assert os.path.islink(tmp_path / "link.json")
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["source"]["pages"] == 17


def test_reliability_dash_is_stdout(tmp_path):
    r = _run("parse", str(SAMPLE), "-o", "-")
    assert r.returncode == 0 and json.loads(r.stdout)["source"]["pages"] == 17
    assert not (ROOT / "-").exists()


@pytest.mark.parametrize(("name", "ok"), [("new.json", True), ("sub/new.json", True), ("file/x.json", False)])
def test_reliability_output_target_table(name, ok, tmp_path):
    (tmp_path / "file").write_text("a file, not a folder")
    if ok:
        assert output_target(tmp_path / name) == (tmp_path / name).resolve()
    else:
        with pytest.raises(OutputError, match="cannot write: Not a directory"):
            output_target(tmp_path / name)


def test_reliability_write_error_names_the_output(tmp_path, monkeypatch, capsys):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cli, "write_atomic", full)
    assert cli.main(["parse", str(SAMPLE), "-o", str(tmp_path / "o.json")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {tmp_path / 'o.json'}: cannot write: No space left on device"]


# --- 2. formulas inert in exports ---------------------------------------------------------

NEUTRALISE = [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+1+cmd", "'+1+cmd"),
    ("-5%", "'-5%"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("郑州市", "郑州市"),
    ("2300万人次", "2300万人次"),
    ("", ""),
    (12.5, 12.5),
    (-3, -3),
    (None, None),
]


@pytest.mark.parametrize(("value", "expected"), NEUTRALISE)
def test_reliability_neutralise(value, expected):
    assert neutralise(value) == expected


def live_formulas(path: Path) -> list[str]:
    """Cells a spreadsheet would run: XLSX formula cells; CSV cells starting =, +, @, tab, CR or - (not a number)."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        return [c.coordinate for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    import csv

    def number(v: str) -> bool:
        try:
            float(v)
            return True
        except ValueError:
            return False

    with open(path, encoding="utf-8-sig", newline="") as f:
        return [v for row in csv.reader(f) for v in row
                if v[:1] in ("=", "+", "@", "\t", "\r") or (v[:1] == "-" and not number(v))]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_reliability_export_no_live_formula_numbers_numeric(suffix, tmp_path):
    import pandas as pd

    texts = [t for t, _ in NEUTRALISE if isinstance(t, str) and t]
    df = pd.DataFrame({"indicator": texts, "value": [float(i) - 3 for i in range(len(texts))]})
    path = tmp_path / f"t{suffix}"
    write_table(df, path, "targets")
    assert live_formulas(path) == []
    back = read_table(path, "targets")
    assert list(back["value"]) == list(df["value"])  # numbers stay numbers, negative ones too
    want = [t.replace("\r", "\n") if suffix == ".csv" else t for t in texts]
    got = [v.replace("\r\n", "\n").replace("\r", "\n") if suffix == ".csv" else v for v in back["indicator"]]
    assert [g.strip("\n") for g in got] == [w.strip("\n") for w in want]


def test_reliability_formulas_from_a_pdf_stay_inert(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    pdf = formula_text(tmp_path / "formula_text.pdf")
    assert cli.main(["parse", str(pdf), "-o", str(folder / "f.json")]) == 0
    for table in ("targets", "entities", "documents"):
        for suffix in (".csv", ".xlsx"):
            to = tmp_path / f"{table}{suffix}"
            assert cli.main(["export", str(folder), "--to", str(to), "--table", table]) == 0
            assert live_formulas(to) == [], (table, suffix)


# --- 3. no silent loss on damaged files ----------------------------------------------------

LOSS = [
    (380, 514, "reads 380 of 514 characters"),
    (512, 514, None),  # within the share
    (0, 4, None),  # too few to tell
    (0, 40, "reads 0 of 40 characters"),
    (600, 514, None),
]


@pytest.mark.parametrize(("read", "drawn", "expected"), LOSS)
def test_reliability_text_lost(read, drawn, expected):
    assert text_lost(read, drawn) == expected


def _damaged_sample(tmp_path: Path) -> Path:
    """The sample with 10 bytes zeroed inside its first content stream (ASCII85 then Flate)."""
    data = bytearray(SAMPLE.read_bytes())
    at = data.index(b"/ASCII85Decode")
    start = data.index(b"stream", at) + 200
    data[start:start + 10] = b"\0" * 10
    path = tmp_path / "damaged.pdf"
    path.write_bytes(bytes(data))
    return path


def test_reliability_damaged_stream_found_by_the_inflate_check(tmp_path):
    assert check_inflated_size(SAMPLE) == []
    assert len(check_inflated_size(_damaged_sample(tmp_path))) == 1


def test_reliability_damaged_file_warns_and_loses_nothing_silently(tmp_path, sample_json):
    out = tmp_path / "d.json"
    code = cli.main(["parse", str(_damaged_sample(tmp_path)), "-o", str(out), "--no-ocr"])
    assert code in (0, 1)
    if code == 0:
        data = json.loads(out.read_text(encoding="utf-8"))
        assert any(w.startswith("damaged PDF (1 broken compressed stream") for w in data["warnings"])


def test_reliability_cross_check_takes_the_reading_with_more_text(monkeypatch, tmp_path):
    def chars(text: str) -> tuple[Char, ...]:
        return tuple(Char(t, 10.0 * i, 10, 10.0 * i + 9, 20, 9, "F", None, False) for i, t in enumerate(text))

    full = "为进一步加快我市服务业发展现将有关事项通知如下请认真贯彻执行" * 3
    blanked = full[:30] + " " * (len(full) - 30)

    class Other:
        engine = "b"

        def page(self, number):
            return RawPage(number, 595, 842, chars(full))

    page = RawPage(1, 595, 842, chars(blanked))
    got = extract.cross_check(page, "a", Other())
    assert got.quality == "repaired" and len(got.chars) == len(full)
    assert got.quality_reason == f"damaged file: read with b (a reads 30 of {len(full)} characters)"
    same = RawPage(1, 595, 842, chars(full))
    assert extract.cross_check(same, "a", Other()) is same


# --- 4. budgets before the cost --------------------------------------------------------------

SCALES = [
    ((595, 842), 120 / 72, 120 / 72),  # A4 at 120 dpi: unchanged
    ((2384, 3370), 120 / 72, 120 / 72),  # A0: 22 million pixels, under the budget
    ((14_400, 14_400), 120 / 72, (24_000_000 / 14_400 ** 2) ** 0.5),
]


@pytest.mark.parametrize(("size", "scale", "expected"), SCALES)
def test_reliability_render_scale(size, scale, expected):
    assert render_scale(*size, scale) == pytest.approx(expected)
    got = render_scale(*size, scale)
    assert size[0] * size[1] * got * got <= 24_000_001


def test_reliability_huge_blank_page_never_rendered_whole(tmp_path, monkeypatch):
    from pipeline import ocr

    monkeypatch.setattr(ocr, "ocr_unavailable", lambda *a, **k: None)
    monkeypatch.setattr(ocr, "ocr_image", lambda *a, **k: pytest.fail("OCR ran on a blank page"))
    pages = list(extract_pages(huge_mediabox(tmp_path / "huge.pdf", pages=2), ocr=True))
    assert [p.quality_reason for p in pages] == ["no text layer; blank page (nothing drawn)"] * 2


def test_reliability_huge_page_with_ink_rendered_within_the_pixel_budget(tmp_path, monkeypatch):
    from pipeline import ocr

    seen = []

    def fake_ocr(image, dpi, *a, **k):
        seen.append((image.size, dpi))
        return [], None

    # a white rectangle drawn, and one black square: the page is not blank
    path = tmp_path / "huge_ink.pdf"
    from tests.fixtures.hostile import _pages_pdf

    path.write_bytes(_pages_pdf([b"1 1 1 rg 0 0 14400 14400 re f 0 0 0 rg 100 100 500 500 re f"],
                                mediabox=b"0 0 14400 14400"))
    monkeypatch.setattr(ocr, "ocr_unavailable", lambda *a, **k: None)
    monkeypatch.setattr(ocr, "ocr_image", fake_ocr)
    list(extract_pages(path, ocr=True))
    (w, h), dpi = seen[0]
    assert w * h <= ocr_pages.DEFAULT_MAX_RENDER_PIXELS * 1.001 and dpi == pytest.approx(72 * w / 14_400, rel=0.01)


def test_reliability_many_blank_pages_cost_no_ocr(tmp_path, monkeypatch):
    from pipeline import ocr

    monkeypatch.setattr(ocr, "ocr_unavailable", lambda *a, **k: None)
    monkeypatch.setattr(ocr, "ocr_image", lambda *a, **k: pytest.fail("OCR ran on a blank page"))
    t0 = time.monotonic()
    pages = list(extract_pages(blank_pages(tmp_path / "blank.pdf", pages=300), ocr=True))
    assert len(pages) == 300 and time.monotonic() - t0 < 60


def test_reliability_glyph_grid_is_linear(tmp_path):
    # a regular grid of glyphs made the overprint screen's table quadratic (50,000 glyphs: 17 s)
    pages = list(extract_pages(glyph_grid(tmp_path / "grid.pdf", n=40_000), ocr=False))
    assert len(pages[0].chars) == 40_000


def test_reliability_inflate_check_reads_a_block_at_a_time(tmp_path):
    import resource

    path = zeros_after_header(tmp_path / "zeros.pdf", size=256 << 20)  # sparse: no disk used
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert check_inflated_size(path) == []
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 << 10  # KB: no mmap of the file


def test_reliability_validate_byte_budget(tmp_path, monkeypatch, capsys):
    import pipeline.emit as emit

    path = tmp_path / "big.json"
    path.write_text(json.dumps({"x": "y" * 5000}))
    monkeypatch.setattr(emit, "DEFAULT_MAX_JSON_BYTES", 1000)
    assert cli.main(["validate", str(path)]) == 1
    assert "over the limit" in capsys.readouterr().err


def test_reliability_parse_time_limit(capsys):
    assert cli.main(["parse", str(SAMPLE), "--timeout", "0.01"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {SAMPLE}: over the time limit of 0.01 s (raise it with --timeout)"]


def memory_limit_handler(path: str) -> dict:
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return {"status": "failed", "error": f"limit {soft}"}


def test_reliability_batch_workers_have_a_memory_limit(tmp_path):
    from pipeline.batch import DEFAULT_WORKER_MEMORY, run_batch

    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 fake")
    report = run_batch([tmp_path / "a.pdf"], tmp_path / "out", workers=1, handler=memory_limit_handler)
    assert report.records[0].error == f"limit {DEFAULT_WORKER_MEMORY}"


# --- 5. a phone scan with a watermark ----------------------------------------------------------

def _page(chars: int, size: float) -> RawPage:
    return RawPage(1, 595, 842, tuple(Char("字", 10 + i, 800, 10 + i + size, 800 + size, size, "F", None, False)
                                      for i in range(chars)))


SCANS = [
    (_page(7, 7), 1.0, True),  # the app's watermark over a full-page image
    (_page(7, 7), 0.1, False),  # a small image: a logo
    (_page(500, 16), 1.0, False),  # a text page over a background image
    (_page(150, 16), 1.0, False),  # a short page of real text: covers over 1%
]


@pytest.mark.parametrize(("page", "share", "scan"), SCANS)
def test_reliability_scan_behind_text(page, share, scan):
    assert (scan_behind_text(page, share) is not None) == scan


def test_reliability_watermarked_scan_unreadable_without_ocr(tmp_path):
    pages = list(extract_pages(watermarked_scan(tmp_path / "scan.pdf", pages=1), ocr=False))
    assert pages[0].quality == "unreadable"
    assert pages[0].quality_reason.endswith("(a scan with a watermark)")


def test_reliability_watermarked_scan_read_by_ocr(tmp_path):
    from pipeline.ocr import ocr_unavailable

    if ocr_unavailable():
        pytest.skip("tesseract with chi_sim is not installed")
    pages = list(extract_pages(watermarked_scan(tmp_path / "scan.pdf", pages=1), ocr=True))
    assert pages[0].quality == "ocr"
    assert "服务业" in "".join(c.text for c in pages[0].chars)


# --- 6. turned pages in reading order -------------------------------------------------------------


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_reliability_turned_pages_read_in_order(rotate, tmp_path):
    from pipeline.run import parse_pdf

    upright = parse_pdf(rotated_pages(tmp_path / "r0.pdf", rotate=0))
    turned = parse_pdf(rotated_pages(tmp_path / f"r{rotate}.pdf", rotate=rotate))
    assert turned.text == upright.text and "到2025年，全市服务业增加值达到850亿元以上" in turned.text


# --- 7. validate checks the README's invariants ------------------------------------------------------


def _break(data: dict, how: str) -> dict:
    d = copy.deepcopy(data)
    if how == "span_outside":
        d["targets"][0]["span"] = [len(d["text"]) + 5, len(d["text"]) + 9]
    elif how == "span_reversed":
        d["targets"][0]["span"] = list(reversed(d["targets"][0]["span"]))
    elif how == "text_differs":
        d["targets"][0]["text"] = "不是这段文字"
    elif how == "page_out_of_range":
        d["entities"][0]["page"] = 99
    elif how == "source_pages":
        d["source"]["pages"] = 3
    elif how == "dangling_parent":
        d["sections"][-1]["parent"] = "s99"
    elif how == "section_heading":
        d["sections"][0]["heading"] = [10, 5]
    return d


BROKEN = [
    ("span_outside", "$.targets[0].span: "),
    ("span_reversed", "is reversed"),
    ("text_differs", "$.targets[0].text: '不是这段文字' is not text["),
    ("page_out_of_range", "$.entities[0].page: 99 is not a page of the document (1-17)"),
    ("source_pages", "$.source.pages: 3 but 17 pages listed"),
    ("dangling_parent", "parent: 's99' names no earlier section"),
    ("section_heading", "$.sections[0].heading: [10, 5] is reversed"),
]


@pytest.mark.parametrize(("how", "words"), BROKEN)
def test_reliability_validate_invariants(how, words, sample_json, tmp_path, capsys):
    assert invariant_errors(sample_json) == []
    path = tmp_path / f"{how}.json"
    path.write_text(json.dumps(_break(sample_json, how), ensure_ascii=False), encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err


def test_reliability_validate_deep_nesting_is_one_line(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    assert cli.main(["validate", str(path)]) == 1
    assert capsys.readouterr().err.strip() == f"error: {path}: not a pipeline output (JSON nested too deeply)"


# --- 8. JSON safe inside HTML ---------------------------------------------------------------------

HTML_TEXTS = ["<!--<script>", "</script><script>alert(1)</script>", "a\u2028b\u2029c", "<![CDATA[", "&lt;&amp;"]


@pytest.mark.parametrize("text", HTML_TEXTS)
def test_reliability_script_json(text):
    out = script_json({"t": text})
    assert "<" not in out and ">" not in out and "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == {"t": text}


def test_reliability_review_and_graph_survive_hostile_text(sample_json):
    from pipeline.review import review_html
    from pipeline.xref.graph import render_graph

    data = copy.deepcopy(sample_json)
    hostile = "<!--<script>\u2028</script>"
    data["entities"][0]["label_note"] = hostile
    html = review_html(data, ())
    for block in html.split("<script")[1:]:
        body = block.split(">", 1)[1].split("</script>", 1)[0]
        assert "<!--" not in body and "<script" not in body and "\u2028" not in body
    report = {"documents": [{"id": hostile, "doc_number": hostile, "title": hostile, "issue_date": None,
                             "file": hostile}], "ghosts": [], "edges": [], "findings": [],
              "summary": {"documents": 1, "citations": 0, "resolved": 0, "unresolved_documents": 0,
                          "by_severity": {"error": 0, "warning": 0, "info": 0}}}
    page = render_graph(report)
    assert "<!--<script>" not in page and "\u2028" not in page.split("<script>", 1)[-1].split("</script>", 1)[0]


# --- 11. no hangs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["parse", "validate", "review"])
def test_reliability_fifo_input_refused_not_blocked(command, tmp_path):
    os.mkfifo(tmp_path / "in.pdf")
    args = [command, str(tmp_path / "in.pdf")] + (["-o", str(tmp_path / "r.html")] if command == "review" else [])
    r = _run(*args)
    assert r.returncode == 1 and "not a regular file (a FIFO or pipe)" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_reliability_parse_dev_stdin_pipe_is_clear():
    r = subprocess.run([sys.executable, "-m", "pipeline", "parse", "/dev/stdin"], input=b"%PDF-1.4",
                       capture_output=True, cwd=ROOT, timeout=60)
    err = r.stderr.decode().strip()
    assert r.returncode == 1 and err.startswith("error: /dev/stdin: not a regular file") and "internal" not in err


def pid_and_sleep(path: str) -> dict:
    Path(path).with_suffix(".pid").write_text(str(os.getpid()))
    time.sleep(120)
    return {"status": "failed", "error": "slept"}


_BATCH = """
import sys
sys.path[:0] = [{root!r}, {root!r} + "/tests"]
from pipeline.batch import run_batch
from tests.test_reliability import pid_and_sleep
run_batch([{pdf!r}], {out!r}, workers=1, timeout=300, handler=pid_and_sleep)
"""


def test_reliability_batch_worker_dies_with_the_batch(tmp_path):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4 fake")
    code = _BATCH.format(root=str(ROOT), pdf=str(pdf), out=str(tmp_path / "out"))
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    pid_file = pdf.with_suffix(".pid")
    deadline = time.monotonic() + 120
    while not pid_file.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    worker = int(pid_file.read_text())
    os.kill(proc.pid, signal.SIGKILL)  # the batch alone, not its process group
    proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived its batch")


# --- 12. messages that name the right file and the fix ----------------------------------------------


def test_reliability_batch_encrypted_never_says_give_password(tmp_path):
    from pipeline.batch import run_batch
    from tests.fixtures import make_bad_file

    path = make_bad_file("encrypted", tmp_path)
    report = run_batch([path], tmp_path / "out", workers=1)
    error = report.records[0].error
    assert "give --password" not in error and "parse it alone with --password" in error


def test_reliability_batch_full_disk_names_the_output_and_summarises(tmp_path, monkeypatch, capsys):
    import pipeline.emit as emit
    from tests.test_batch import fake_handler

    for name in ("a.pdf", "b.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.4 fake")
    real = emit.write_atomic

    def full(path, text):
        if str(path).endswith(".json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, text)

    monkeypatch.setattr(emit, "write_atomic", full)
    monkeypatch.setattr("pipeline.batch.convert", fake_handler)
    code = cli.main(["batch", str(tmp_path / "a.pdf"), str(tmp_path / "b.pdf"), "-o", str(tmp_path / "out"),
                     "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"error: {tmp_path / 'out'}") and ".json: cannot write: No space left on device" in last
    assert "stopped after" in last and "rerun to resume" in last
    assert len(err.strip().splitlines()) > 1  # the summary came first


def test_reliability_missing_output_folder_parent_is_created(tmp_path):
    assert cli.main(["parse", str(SAMPLE), "-o", str(tmp_path / "a" / "b" / "z.json")]) == 0



def test_reliability_review_never_follows_an_absolute_source_file(sample_json, tmp_path):
    from pipeline.review import find_pdf

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(SAMPLE, elsewhere / "secret.pdf")
    data = copy.deepcopy(sample_json)
    data["source"]["file"] = str(elsewhere / "secret.pdf")
    out = tmp_path / "crafted.json"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert find_pdf(out, data) is None


@pytest.mark.parametrize("outdir", ["/dev/null", "/dev/null/x", "{tmp}/file.txt"])
def test_reliability_batch_output_folder_checked_before_the_work(outdir, tmp_path, monkeypatch, capsys):
    (tmp_path / "file.txt").write_text("not a folder")
    monkeypatch.setattr("pipeline.batch.run_batch", lambda *a, **k: pytest.fail("ran before the folder was checked"))
    outdir = outdir.format(tmp=tmp_path)
    assert cli.main(["batch", str(SAMPLE), "-o", outdir, "-q"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {outdir}: cannot write:") and "is not a folder" in err[0]


def test_reliability_review_deep_nesting_is_one_line(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    assert cli.main(["review", str(path), "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {path}: ") and err[0].endswith("(JSON nested too deeply)")

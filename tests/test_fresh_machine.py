"""A fresh machine: text that does not depend on the host's fonts, and a version that means something.

The no-font tests hide every font directory from one command (a private mount
namespace with an empty tmpfs over each, ``unshare -m``), which needs root.
Where that cannot be done they skip, and fail instead when
``REQUIRE_FONT_HIDING`` is set: ``.ci/run`` sets it, and CI runs as root.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.extract import judge_page
from pipeline.model import Char, RawPage

ROOT = Path(__file__).resolve().parent.parent
# where PDFium (and fontconfig) look for system fonts on Linux
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/usr/share/X11/fonts")

NOTICE_TITLE = "关于印发2023年东川市重点工作要点的通知"
BODY_LINE = "到2025年，全市生产总值达到480亿元。"


def _one_glyph_pdf(path: Path) -> None:
    """A page drawn in reportlab's STSong-Light (not embedded), the title one glyph per text object.

    That is how a word processor's print often draws a justified or
    letter-spaced line, and the case where PDFium without a CJK font on the
    host drops every CJK glyph of the object.
    """
    from reportlab.pdfgen import canvas

    from tests.fixtures.pdfgen import register_font

    font = register_font(None)  # the fixtures' own STSong-Light: one registration per process for every test
    c = canvas.Canvas(str(path))
    for i, ch in enumerate(NOTICE_TITLE):
        c.setFont(font, 16)
        c.drawString(72 + 16.5 * i, 700, ch)
    text = c.beginText(72, 650)
    text.setFont(font, 16)
    text.textLine(BODY_LINE)
    c.drawText(text)
    c.save()


def _hide_fonts_command(argv: list[str]) -> list[str]:
    """``argv`` run with every font directory hidden behind an empty tmpfs."""
    mounts = " && ".join(f"mount -t tmpfs none {d}" for d in FONT_DIRS if os.path.isdir(d))
    script = (mounts + " && " if mounts else "") + 'exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, "sh", *argv]


def _can_hide_fonts() -> str | None:
    """None when fonts can be hidden here, else why not."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "hiding fonts needs root (unshare -m and mount)"
    if shutil.which("unshare") is None:
        return "unshare not installed"
    probe = subprocess.run(_hide_fonts_command(["true"]), capture_output=True, text=True)
    if probe.returncode != 0:
        return f"unshare -m failed: {probe.stderr.strip()[:120]}"
    return None


@pytest.fixture(scope="module")
def fonts_hidden():
    why = _can_hide_fonts()
    if why:
        if os.environ.get("REQUIRE_FONT_HIDING"):  # CI sets it: the no-font path must run there, not skip
            pytest.fail(f"REQUIRE_FONT_HIDING is set but {why}")
        pytest.skip(why)
    return _hide_fonts_command


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_fresh_machine_non_embedded_cjk_font_read_in_full_without_host_fonts(fonts_hidden, tmp_path, engine):
    pdf = tmp_path / "one_glyph_per_object.pdf"
    _one_glyph_pdf(pdf)
    out = tmp_path / "out.json"
    argv = [sys.executable, "-m", "pipeline", "parse", str(pdf), "-o", str(out), "--engine", engine, "--no-ocr"]
    run = subprocess.run(fonts_hidden(argv), capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    doc = json.loads(out.read_text("utf-8"))
    text = doc["text"].replace(" ", "")
    assert NOTICE_TITLE in text
    assert BODY_LINE in text
    assert doc["pages"][0]["quality"] in ("ok", "repaired")


def test_fresh_machine_fonts_really_hidden(fonts_hidden):
    """The hiding works: fontconfig finds no CJK font in the namespace (else the test above proves nothing)."""
    if shutil.which("fc-list") is None:
        pytest.skip("fc-list not installed")
    run = subprocess.run(fonts_hidden(["fc-list", ":lang=zh"]), capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stdout.strip() == ""


def _page(unread: int = 0, doubtful: int = 0) -> RawPage:
    chars = tuple(Char(ch, 72 + 16 * i, 100, 88 + 16 * i, 116, 16, "STSong-Light", None) for i, ch in enumerate(BODY_LINE))
    return RawPage(1, 595, 842, chars, unread=unread, doubtful=doubtful)


@pytest.mark.parametrize(
    "page, quality",
    [
        (_page(), "ok"),
        (_page(doubtful=2), "ok"),  # blanks in a font that is not embedded, nothing else to read
        (_page(unread=3), "partial"),  # glyphs drawn that no engine reads: never ok
    ],
)
def test_quality_unread_glyphs_never_ok(page, quality):
    judged = judge_page(page, "pdfium", fallback=None)
    assert judged.quality == quality
    if quality == "partial":
        assert "3 text objects drawn but unread" in judged.quality_reason
        assert len(judged.chars) == len(page.chars)  # what was read is kept


def test_fingerprint_changes_with_rule_data(tmp_path):
    """A rerun after an upgrade that changes only a rule file must redo the files: the digest moves."""
    copy = tmp_path / "pkg"
    shutil.copytree(ROOT / "pipeline", copy / "pipeline", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    shutil.copytree(ROOT / "schemas", copy / "schemas")
    code = "from pipeline.fingerprint import code_digest; print(code_digest())"

    def digest() -> str:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=copy)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    before = digest()
    assert len(before) == 12
    cues = copy / "pipeline" / "data" / "target_cues.json"
    cues.write_text(cues.read_text("utf-8").replace("{", '{"_note": "upgraded",', 1), "utf-8")
    assert digest() != before


def test_cli_names_itself_policy_pipeline():
    run = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0
    assert run.stdout.startswith("policy-pipeline ")
    bad = subprocess.run([sys.executable, "-m", "pipeline", "frobnicate"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2
    assert "policy-pipeline: error:" in bad.stderr

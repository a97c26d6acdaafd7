"""Readers of the other formats (pipeline/read): OFD, DOCX, DOC/WPS, saved portal pages.

Inputs are generated here (tests/fixtures/formats.py): every fixture document
as a Word file, as a portal page in three layouts and as an OFD written from
its PDF's characters; the sample's seed text (../shared, skipped when absent)
as the same formats, scored against its gold.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.emit import to_dict, validate
from pipeline.extract import extract_pages
from pipeline.read import FormatError, sniff
from pipeline.read.docx import cn_number, format_number
from pipeline.read.html import decode_page, read_labels
from pipeline.read.ofd import colour, deltas
from pipeline.read.paras import clean_line
from pipeline.run import parse_file
from tests.browser import browser  # noqa: F401 - the fixture
from tests.fixtures import FIXTURE_NAMES
from tests.fixtures.formats import (
    LAYOUTS,
    seed_paragraphs,
    typeset_pages,
    write_docx,
    write_ofd,
    write_portal_html,
)

# ../shared beside the repository (a worktree one level deeper looks one further up)
SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
              ROOT.parent / "shared")
SEED = SHARED / "seed"
GOLD = SHARED / "gold"
SCORE = SHARED / "eval" / "score.py"
SAMPLE = ROOT / "samples" / "zhengzhengban-2017-30.pdf"
HAS_SOFFICE = shutil.which("soffice") is not None
# the fields "Done when" asks the other formats to match the PDF on
SCORED = ("metadata", "sections", "targets", "refs")


# --- small pieces --------------------------------------------------------------------------

LABELS = [
    ("索引号：\n000014349/2023-00012\n发文机关：\n东川市人民政府办公室\n成文日期：\n2023年05月08日\n标　　题：\n关于印发东川市数字经济实施方案的通知",
     {"issuer": "东川市人民政府办公室", "issue_date": "2023年05月08日", "title": "关于印发东川市数字经济实施方案的通知"}),
    ("发文机关：青岚县人民政府　　发文字号：青政发〔2023〕7号　　成文日期：2023-06-30",
     {"issuer": "青岚县人民政府", "doc_number": "青政发〔2023〕7号", "issue_date": "2023-06-30"}),
    ("发布机构：\n东川市财政局\n文 号 ：\n东财〔2024〕3号\n名　　称：\n东川市财政局关于做好预算执行的通知\n有效性：\n有效",
     {"issuer": "东川市财政局", "doc_number": "东财〔2024〕3号", "title": "东川市财政局关于做好预算执行的通知"}),
    ("[发文机构]东川市人民政府\n[成文日期]2021-01-05\n[发文字号]东政发〔2021〕1号\n[有效性]有效",
     {"issuer": "东川市人民政府", "issue_date": "2021-01-05", "doc_number": "东政发〔2021〕1号"}),
    ("【标题】东川市人民政府关于做好防汛工作的通知 【发文字号】东政发〔2024〕2号",
     {"title": "东川市人民政府关于做好防汛工作的通知", "doc_number": "东政发〔2024〕2号"}),
    ("发布机构：东川市人民政府办公室　发文机关：东川市人民政府", {"issuer": "东川市人民政府"}),  # the issuer over the publisher
    ("发文字号：\n\n主题分类：\n综合政务", {}),  # an empty value is no value
    ("本标题所指文件：全文如下", {}),  # 标题 inside a sentence is no label
]


@pytest.mark.parametrize(("text", "expected"), LABELS)
def test_read_html_labels(text, expected):
    assert read_labels(text) == expected


CLEAN = [
    ("　　郑 州 市２０１７年\u00a0目标", "郑州市2017年目标"),
    ("主办：市商务局\t督办：六处", "主办：市商务局\u3000督办：六处"),
    ("东川市人民政府办公室　　　2023年5月8日印发", "东川市人民政府办公室\u30002023年5月8日印发"),
    ("B2B 平台  and  5G", "B2B平台and 5G"),  # as close_spaces does for PDF text: 2023 年 -> 2023年
    ("   ", ""),
]


@pytest.mark.parametrize(("raw", "expected"), CLEAN)
def test_read_clean_line(raw, expected):
    assert clean_line(raw) == expected
    assert clean_line(clean_line(raw)) == clean_line(raw)


@pytest.mark.parametrize(("n", "fmt", "expected"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (16, "chineseCountingThousand", "十六"),
    (21, "chineseCounting", "二十一"), (105, "chineseCounting", "一百零五"), (3, "decimalEnclosedCircle", "③"),
    (2, "ideographTraditional", "乙"), (4, "decimal", "4"), (3, "lowerLetter", "c"), (4, "upperRoman", "IV"),
    (1, "bullet", ""),
])
def test_read_docx_numbers(n, fmt, expected):
    assert format_number(n, fmt) == expected
    if fmt.startswith("chinese"):
        assert cn_number(n) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("5.6 g 3 4.2 1", [5.6, 4.2, 4.2, 4.2, 1.0]), ("", []), ("g 2 3", [3.0, 3.0]), ("1 x 2", [1.0, 2.0]),
])
def test_read_ofd_deltas(text, expected):
    assert deltas(text) == expected


def _el(value, space=None):
    from xml.etree import ElementTree as ET

    el = ET.Element("FillColor", Value=value)
    if space:
        el.set("ColorSpace", space)
    return el


@pytest.mark.parametrize(("value", "spaces", "expected"), [
    ("255 0 0", {}, "#ff0000"), ("128", {}, "#808080"), ("0 255 255 0", {}, "#ff0000"), ("", {}, None),
])
def test_read_ofd_colours(value, spaces, expected):
    assert colour(_el(value), spaces) == expected


@pytest.mark.parametrize(("data", "expected"), [
    ("<html><head><meta charset='gb2312'></head><body>郑州</body></html>".encode("gb18030"), "郑州"),
    ("<p>东川市</p>".encode("gb18030"), "东川市"),  # no charset, not UTF-8: GB18030
    ("\ufeff<p>青岚县</p>".encode(), "青岚县"),
])
def test_read_html_decoding(data, expected):
    assert expected in decode_page(data)


# --- telling the kind by content -----------------------------------------------------------


@pytest.fixture(scope="module")
def seedless(tmp_path_factory, fixture_pdf):
    """The notice fixture in every format, written once: {kind: path}, some under misleading names."""
    root = tmp_path_factory.mktemp("formats")
    fx = fixture_pdf("notice_transmits_plan")
    paras = fx.expected.paragraphs
    out = {"pdf": fx.pdf_path,
           "docx": write_docx(paras, root / "notice.docx"),
           "ofd": write_ofd(list(extract_pages(fx.pdf_path)), root / "notice.ofd")}
    for layout in LAYOUTS:
        out[f"html-{layout}"] = write_portal_html(paras, root / f"notice-{layout}.htm", layout)
    out["docx-as-pdf"] = root / "docx-named.pdf"
    shutil.copyfile(out["docx"], out["docx-as-pdf"])
    out["html-as-txt"] = root / "page.txt"
    shutil.copyfile(out["html-table"], out["html-as-txt"])
    out["text"] = root / "notes.pdf"
    out["text"].write_text("东川市人民政府办公室\n这不是任何一种公文格式。\n", encoding="utf-8")
    out["png"] = root / "scan.ofd"
    out["png"].write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    out["zip"] = root / "bundle.docx"
    import zipfile

    with zipfile.ZipFile(out["zip"], "w") as z:
        z.writestr("readme.txt", "no document here")
    if HAS_SOFFICE:
        subprocess.run(["soffice", f"-env:UserInstallation={(root / 'lo').as_uri()}", "--headless",
                        "--convert-to", "doc", "--outdir", str(root), str(out["docx"])],
                       capture_output=True, timeout=180, check=True)
        out["doc"] = root / "notice.doc"
        out["wps"] = root / "notice.wps"
        shutil.copyfile(out["doc"], out["wps"])
    return fx, out


@pytest.mark.parametrize(("name", "kind"), [
    ("pdf", "pdf"), ("docx", "docx"), ("ofd", "ofd"), ("html-table", "html"), ("html-list", "html"),
    ("html-inline", "html"), ("docx-as-pdf", "docx"), ("html-as-txt", "html"), ("text", "unknown"),
    ("png", "unknown"), ("zip", "unknown"), ("doc", "doc"), ("wps", "wps"),
])
def test_read_sniff_by_content(seedless, name, kind):
    _, files = seedless
    if name not in files:
        pytest.skip("LibreOffice (soffice) not installed")
    assert sniff(files[name]) == kind


@pytest.mark.parametrize("name", ["text", "png", "zip"])
def test_read_unknown_kind_is_one_line(seedless, name):
    _, files = seedless
    with pytest.raises(FormatError) as e:
        parse_file(files[name])
    assert "\n" not in str(e.value) and "not a PDF" in str(e.value)


# --- every fixture in every format: the same metadata and sections as its PDF ---------------


def _metadata(doc) -> dict:
    md = doc.metadata
    return {"issuer": md.issuer, "doc_number": md.doc_number.text if md.doc_number else None, "title": md.title,
            "doc_type": md.doc_type, "recipients": list(md.recipients), "issue_date": md.issue_date,
            "body_title": md.body_title, "cc": list(md.cc), "printer": md.printer, "print_date": md.print_date}


def _sections(doc) -> list:
    markers = {s.id: s.marker for s in doc.sections}
    return [(s.level, s.marker, s.title, markers.get(s.parent)) for s in doc.sections if s.kind != "item"]


# ofd: written from the PDF's characters; ofd-text: typeset from the paragraphs by tests/fixtures/formats.py
FORMAT_KINDS = ("docx", "ofd", "ofd-text", *(f"html-{layout}" for layout in LAYOUTS))


@pytest.fixture(scope="module")
def fixture_files(tmp_path_factory, fixture_pdf):
    root = tmp_path_factory.mktemp("fixture_formats")

    def make(name: str, kind: str) -> tuple:
        fx = fixture_pdf(name)
        if kind == "docx":
            path = write_docx(fx.expected.paragraphs, root / f"{name}.docx")
        elif kind == "ofd":
            path = write_ofd(list(extract_pages(fx.pdf_path)), root / f"{name}.ofd")
        elif kind == "ofd-text":
            path = write_ofd(typeset_pages(fx.expected.paragraphs), root / f"{name}-text.ofd")
        else:
            layout = kind.split("-", 1)[1]
            path = write_portal_html(fx.expected.paragraphs, root / f"{name}-{layout}.html", layout)
        return fx, path

    return make


@pytest.mark.parametrize("kind", FORMAT_KINDS)
@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_read_fixture_in_format_matches_expected(fixture_files, name, kind):
    if kind == "ofd-text" and name == "plan_target_table_joint":
        pytest.skip("the plain typesetter stacks a joint 版头's names without 文件 beside them")
    fx, path = fixture_files(name, kind)
    doc = parse_file(path)
    want = fx.expected.metadata()
    got = _metadata(doc)
    assert {k: got[k] for k in want} == want
    assert _sections(doc) == [(s.level, s.marker, s.title, s.parent) for s in fx.expected.sections]
    assert doc.source.format == kind.split("-")[0]
    data = to_dict(doc)
    validate(data)
    for key in ("sections", "targets", "quantities", "dates", "references", "entities"):
        for item in data[key]:
            span = item["heading"] if key == "sections" else item["span"]
            assert data["text"][span[0]:span[1]] == (item["text"] if key != "sections" else data["text"][span[0]:span[1]])
            if kind.startswith("ofd"):
                assert item["page"] and item["bbox"] and item["para"] is None
            else:
                assert item["page"] is None and item["bbox"] is None and item["para"]["index"] >= 1


def test_read_ofd_keeps_red_mark_and_rule(fixture_files):
    """The OFD's characters keep their red and their sizes, its paths become rules: the 版头 reads as in a PDF."""
    from pipeline.read.ofd import read_ofd

    fx, path = fixture_files("notice_transmits_plan", "ofd")
    first = next(iter(read_ofd(path)))
    red = [c for c in first.chars if c.color and c.color.startswith("#de")]
    assert "".join(c.text for c in red).startswith(fx.expected.issuer)
    assert min(c.size for c in red) > 30
    assert any(r.color and r.color.startswith("#de") for r in first.rules)


def test_read_para_points_into_its_paragraph(fixture_files):
    """An item's para is the source paragraph it starts in and the offset of its text there."""
    _, path = fixture_files("notice_transmits_plan", "docx")
    doc = parse_file(path)
    blocks = doc.text.split("\n")
    starts = [sum(len(b) + 1 for b in blocks[:k]) for k in range(len(blocks))]
    for t in doc.targets:
        k = max(i for i, s in enumerate(starts) if s <= t.span[0])
        assert t.para.offset == t.span[0] - starts[k]
        assert blocks[k][t.para.offset:t.para.offset + len(t.text)] == t.text
    indexes = [t.para.index for t in doc.targets]
    assert indexes == sorted(indexes)


def test_read_html_drops_furniture(fixture_files):
    for layout in LAYOUTS:
        _, path = fixture_files("notice_transmits_plan", f"html-{layout}")
        text = parse_file(path).text
        for furniture in ("首页", "分享到", "打印本页", "相关文件", "版权所有", "索引号", "当前位置", "字号：", "统计"):
            assert furniture not in text, (layout, furniture)


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) not installed")
@pytest.mark.parametrize("kind", ["doc", "wps"])
def test_read_doc_and_wps_through_libreoffice(seedless, kind):
    fx, files = seedless
    doc = parse_file(files[kind])
    assert doc.source.format == kind and doc.source.engine == "docx"
    assert _metadata(doc) == {k: v for k, v in _metadata(parse_file(files["docx"])).items()}
    assert _metadata(doc)["doc_number"] == fx.expected.doc_number


def test_read_doc_without_libreoffice_says_what_to_install(seedless, monkeypatch):
    _, files = seedless
    if "doc" not in files:
        pytest.skip("LibreOffice (soffice) not installed")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(FormatError, match=r"needs LibreOffice \(apt-get install libreoffice-writer-nogui\)"):
        parse_file(files["doc"])


# --- the sample in every format, scored against its gold ------------------------------------


def _score(out: Path, gold: Path) -> dict[str, float]:
    run = subprocess.run([sys.executable, str(SCORE), str(out), str(gold)], capture_output=True, text=True, check=True)
    line = next(ln for ln in run.stdout.splitlines() if ln.startswith("score:"))
    return {"metadata": float(re.search(r"metadata ([\d.]+)", line).group(1)),
            **{k: float(re.search(rf"{k} F1 ([\d.]+)", line).group(1)) for k in ("sections", "targets", "refs")}}


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory):
    seeds = sorted(SEED.glob("*.src.txt")) if SEED.is_dir() else []
    if not seeds or not SCORE.is_file():
        pytest.skip("../shared (seed text, gold, scorer) is absent")
    root = tmp_path_factory.mktemp("seed_formats")
    out = {}
    for seed in seeds:
        stem = seed.name.removesuffix(".src.txt")
        pdf = ROOT / "samples" / f"{stem}.pdf"
        gold = GOLD / f"{stem}.gold.json"
        if not pdf.is_file() or not gold.is_file():
            continue
        paras = seed_paragraphs(seed.read_text(encoding="utf-8"))
        files = {"docx": write_docx(paras, root / f"{stem}.docx"),
                 "ofd": write_ofd(list(extract_pages(pdf)), root / f"{stem}.ofd"),
                 "ofd-text": write_ofd(typeset_pages(paras), root / f"{stem}-text.ofd")}
        for layout in LAYOUTS:
            files[f"html-{layout}"] = write_portal_html(paras, root / f"{stem}-{layout}.html", layout)
        if HAS_SOFFICE:  # the Word file saved as Word 97 by LibreOffice, and the same under a .wps name
            subprocess.run(["soffice", f"-env:UserInstallation={(root / 'lo').as_uri()}", "--headless",
                            "--convert-to", "doc", "--outdir", str(root), str(files["docx"])],
                           capture_output=True, timeout=180, check=True)
            files["doc"] = root / f"{stem}.doc"
            files["wps"] = root / f"{stem}-copy.wps"
            shutil.copyfile(files["doc"], files["wps"])
        out[stem] = (gold, files)
    if not out:
        pytest.skip("no seed with its sample PDF and gold")
    return root, out


@pytest.mark.parametrize("kind", [*FORMAT_KINDS, "doc", "wps"])
def test_read_sample_in_format_scores_as_pdf(seed_files, kind):
    root, docs = seed_files
    for stem, (gold, files) in docs.items():
        if kind not in files:
            pytest.skip("LibreOffice (soffice) not installed")
        data = to_dict(parse_file(files[kind]))
        validate(data)
        out = root / f"{stem}-{kind}.json"
        out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        scores = _score(out, gold)
        assert all(scores[k] >= 0.98 for k in SCORED), (stem, kind, scores)


# --- a mixed folder in one batch, through the real entry point ------------------------------


def test_read_mixed_folder_in_one_batch(seedless, tmp_path):
    _, files = seedless
    folder = tmp_path / "in"
    folder.mkdir()
    # (no .wps: the fixture's is the .doc's bytes under another name, and a batch gives copies one output)
    names = {"pdf": "a.pdf", "docx": "b.docx", "ofd": "c.ofd", "html-table": "d.html", "html-list": "e.htm",
             "text": "f.pdf", "doc": "g.doc"}
    for key, name in names.items():
        if key in files:
            shutil.copyfile(files[key], folder / name)
    (folder / "notes.txt").write_text("not an input: its suffix is no format's", encoding="utf-8")
    env = {**os.environ, "PIPELINE_OCR": "0"}
    run = subprocess.run([sys.executable, "-m", "pipeline", "batch", str(folder), "-o", str(tmp_path / "out"),
                          "--workers", "2"], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert run.returncode == 1  # the text file named .pdf fails, alone
    recs = [json.loads(ln) for ln in (tmp_path / "out" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    by_name = {Path(r["path"]).name: r for r in recs}
    expected = {n for k, n in names.items() if k in files}
    assert set(by_name) == expected  # every input accounted for, notes.txt not taken
    assert by_name["f.pdf"]["status"] == "failed" and "not a PDF" in by_name["f.pdf"]["error"]
    assert "\n" not in by_name["f.pdf"]["error"]
    kinds = {n: r["format"] for n, r in by_name.items() if r["status"] == "ok"}
    want = {"a.pdf": "pdf", "b.docx": "docx", "c.ofd": "ofd", "d.html": "html", "e.htm": "html", "g.doc": "doc"}
    assert kinds == {n: k for n, k in want.items() if n in expected}
    assert "formats " in run.stderr and "html 2" in run.stderr
    for r in recs:
        if r["status"] == "ok":
            data = json.loads((tmp_path / "out" / r["output"]).read_text(encoding="utf-8"))
            validate(data)
            assert data["metadata"]["doc_number"]["text"] == "东政办〔2023〕12号"
    from pipeline.export import load_table

    targets = load_table(tmp_path / "out", "targets")  # placed by page and box, or by paragraph
    assert (targets["page"].notna() | targets["para_index"].notna()).all()
    assert targets["para_index"].notna().any() and targets["page"].notna().any()
    docs = load_table(tmp_path / "out", "documents")
    assert sorted(docs["format"]) == sorted(kinds.values())


def test_read_cli_parse_and_review_other_formats(seedless, tmp_path):
    _, files = seedless
    for key in ("docx", "ofd", "html-list"):
        out = tmp_path / f"{key}.json"
        run = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(files[key]), "-o", str(out)],
                             capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        page = tmp_path / f"{key}.html"
        source = ["--pdf", str(files[key])] if key == "ofd" else []  # drawn from its file, found here by --pdf
        run = subprocess.run([sys.executable, "-m", "pipeline", "review", str(out), "-o", str(page), *source],
                             capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        html = page.read_text(encoding="utf-8")
        data = json.loads(out.read_text(encoding="utf-8"))
        if key == "ofd":  # pages drawn from the OFD's characters, boxes over them as for a PDF
            assert html.count('class="page-image"') == len(data["pages"]) and 'class="page textdoc"' not in html
        else:
            assert 'class="page textdoc"' in html
        for i, _ in enumerate(data["targets"]):
            assert f'id="box-target-{i}"' in html
    run = subprocess.run([sys.executable, "-m", "pipeline", "parse", str(files["text"])],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and "not a PDF" in run.stderr


# --- Word lists, text boxes and web pages without labels ------------------------------------

_NUMBERING = """<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""


def test_read_docx_list_numbers_become_section_markers(tmp_path):
    """Headings numbered by Word's lists (一、 （一） 1.) read as the markers they print."""
    from docx import Document
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn

    doc = Document()
    numbering = doc.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING))
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    abstract = OxmlElement("w:abstractNumId")
    abstract.set(qn("w:val"), "90")
    num.append(abstract)
    numbering.append(num)

    def item(text: str, level: int | None) -> None:
        p = doc.add_paragraph(text)
        if level is not None:
            numpr = OxmlElement("w:numPr")
            for tag, val in (("w:ilvl", str(level)), ("w:numId", "90")):
                el = OxmlElement(tag)
                el.set(qn("w:val"), val)
                numpr.append(el)
            p._p.get_or_add_pPr().append(numpr)

    item("青岚县人民政府关于做好防汛工作的通知", None)
    doc.paragraphs[0].alignment = 1
    doc.paragraphs[0].runs[0].font.size = 279400  # 22 pt in EMU
    item("各乡镇人民政府：", None)
    for text, level in (("总体要求", 0), ("压实责任", 1), ("落实分级包保", 2), ("开展隐患排查", 2),
                        ("加强值守", 1), ("保障措施", 0), ("强化督查", 1)):
        item(text, level)
    item("请认真贯彻落实。", None)
    path = tmp_path / "lists.docx"
    doc.save(str(path))
    got = [(s.marker, s.title, s.level) for s in parse_file(path).sections]
    assert got == [("一、", "总体要求", 1), ("（一）", "压实责任", 2), ("1.", "落实分级包保", 3), ("2.", "开展隐患排查", 3),
                   ("（二）", "加强值守", 2), ("二、", "保障措施", 1), ("（一）", "强化督查", 2)]


def test_read_docx_text_box_mark(tmp_path):
    """A 版头 set in a text box (a template's frame) is read where it is anchored, red and large."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.shared import Pt

    doc = Document()
    anchor = doc.add_paragraph()
    box = parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:color w:val="FF0000"/><w:sz w:val="72"/></w:rPr>'
        '<w:t>青岚县人民政府文件</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    anchor._p.append(box)
    for text, size, centre in (("青政发〔2023〕9号", 16, True), ("青岚县人民政府关于做好防汛工作的通知", 22, True),
                               ("各乡镇人民政府：", 16, False), ("现就做好今年防汛工作通知如下，请认真贯彻落实。", 16, False)):
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.font.size = Pt(size)
        if centre:
            p.alignment = 1
    path = tmp_path / "box.docx"
    doc.save(str(path))
    md = parse_file(path).metadata
    assert (md.issuer, md.doc_number.text, md.title) == (
        "青岚县人民政府", "青政发〔2023〕9号", "青岚县人民政府关于做好防汛工作的通知")


def test_read_html_without_labels_takes_the_headline(fixture_files, tmp_path):
    """A page with no labelled block: the headline above the article gives the title; no number is invented."""
    fx, path = fixture_files("notice_transmits_plan", "html-table")
    page = re.sub(r'<table class="xxgk-table">.*?</table>', "", path.read_text(encoding="utf-8"), flags=re.S)
    title = fx.expected.title
    page = page.replace(f'<p style="text-align:center;font-size:22pt;font-weight:bold;">{title}</p>', "")
    bare = tmp_path / "bare.html"
    bare.write_text(page, encoding="utf-8")
    doc = parse_file(bare)
    assert doc.metadata.title == title and doc.metadata.issue_date == fx.expected.issue_date
    assert doc.metadata.doc_number is None and "no_doc_number" in doc.metadata.flags


def test_read_html_nested_too_deep_is_one_line(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 5000 + "文字</body></html>", encoding="utf-8")
    with pytest.raises(FormatError, match="nested too deeply"):
        parse_file(page)


def test_read_docx_joint_mark_in_a_table(tmp_path):
    """A joint 版头 laid out as a Word table (names left, 文件 right), red and large, reads as the issuers."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    doc = Document()
    table = doc.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "东川市财政局", (1, 0): "东川市税务局", (0, 1): "文件"}.items():
        run = table.cell(r, c).paragraphs[0].add_run(text)
        run.font.size = Pt(36)
        run.font.color.rgb = RGBColor(0xE6, 0x00, 0x12)
        table.cell(r, c).paragraphs[0].alignment = 1
    for text, size, centre in (("东财〔2024〕3号", 16, True), ("东川市财政局东川市税务局关于做好预算执行的通知", 22, True),
                               ("各区（县）财政局：", 16, False), ("现将有关事项通知如下，请认真贯彻执行。", 16, False)):
        p = doc.add_paragraph()
        p.add_run(text).font.size = Pt(size)
        if centre:
            p.alignment = 1
    path = tmp_path / "joint.docx"
    doc.save(str(path))
    md = parse_file(path).metadata
    assert md.issuers == ("东川市财政局", "东川市税务局") and md.doc_number.text == "东财〔2024〕3号"


_OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
# A hand-written package the way OFD producers vary it: the 版头 on a template page, a CTM that scales a
# text object, a TextCode continuing without X, a page block, a gray colour and a CMYK rule; millimetres.
_OFD_PARTS = {
    "OFD.xml": f'<ofd:OFD {_OFD_NS} Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID>'
               '</ofd:DocInfo><ofd:DocRoot>/Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
    "Doc_0/Document.xml": f'<ofd:Document {_OFD_NS}><ofd:CommonData><ofd:MaxUnitID>50</ofd:MaxUnitID><ofd:PageArea>'
                          '<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
                          '<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
                          '<ofd:TemplatePage ID="9" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
                          '<ofd:Pages><ofd:Page ID="10" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
    "Doc_0/PublicRes.xml": f'<ofd:Res {_OFD_NS} BaseLoc="Res"><ofd:ColorSpaces><ofd:ColorSpace ID="3" Type="CMYK"/>'
                           '</ofd:ColorSpaces><ofd:Fonts><ofd:Font ID="1" FontName="方正小标宋简体"/>'
                           '<ofd:Font ID="2" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>',
    "Doc_0/Tpls/Tpl_0/Content.xml":
        f'<ofd:Page {_OFD_NS}><ofd:Content><ofd:Layer ID="20">'
        '<ofd:TextObject ID="21" Boundary="40 55 130 14" Font="1" Size="12.3"><ofd:FillColor Value="230 0 18"/>'
        '<ofd:TextCode X="0" Y="11" DeltaX="g 8 12.3">青岚县人民政府文件</ofd:TextCode></ofd:TextObject>'
        '<ofd:PathObject ID="22" Boundary="25 88 160 1" LineWidth="0.5"><ofd:StrokeColor Value="0 255 255 0" '
        'ColorSpace="3"/><ofd:AbbreviatedData>M 0 0.5 L 160 0.5</ofd:AbbreviatedData></ofd:PathObject>'
        '</ofd:Layer></ofd:Content></ofd:Page>',
    "Doc_0/Pages/Page_0/Content.xml":
        f'<ofd:Page {_OFD_NS}><ofd:Template TemplateID="9" ZOrder="Background"/><ofd:Content><ofd:Layer ID="30">'
        '<ofd:TextObject ID="31" Boundary="80 76 60 8" Font="2" Size="5.6"><ofd:FillColor Value="0"/>'
        '<ofd:TextCode X="0" Y="5" DeltaX="5.6 5.6 5.6 g 4 3 5.6 5.6 5.6">青政发〔2023〕9号</ofd:TextCode>'
        '</ofd:TextObject>'
        '<ofd:PageBlock ID="32"><ofd:TextObject ID="33" Boundary="30 100 150 12" Font="1" Size="1" '
        'CTM="7.8 0 0 7.8 0 0"><ofd:TextCode X="0" Y="1" DeltaX="g 9 1">青岚县人民政府关于</ofd:TextCode>'
        '<ofd:TextCode DeltaX="g 7 1">做好防汛工作的通知</ofd:TextCode></ofd:TextObject></ofd:PageBlock>'
        '<ofd:TextObject ID="34" Boundary="25 125 160 8" Font="2" Size="5.6"><ofd:TextCode X="0" Y="5" '
        'DeltaX="g 7 5.6">各乡镇人民政府：</ofd:TextCode></ofd:TextObject>'
        '<ofd:TextObject ID="35" Boundary="25 135 160 8" Font="2" Size="5.6"><ofd:TextCode X="11.2" Y="5" '
        'DeltaX="g 21 5.6">现就做好今年防汛工作通知如下，请认真贯彻落实。</ofd:TextCode></ofd:TextObject>'
        '</ofd:Layer></ofd:Content></ofd:Page>',
}


def test_read_ofd_written_from_xml(tmp_path):
    import zipfile

    from pipeline.read.ofd import read_ofd

    path = tmp_path / "hand.ofd"
    with zipfile.ZipFile(path, "w") as z:
        for name, xml in _OFD_PARTS.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + xml)
    page = next(iter(read_ofd(path)))
    assert (round(page.width), round(page.height)) == (595, 842)
    assert page.rules and page.rules[0].color == "#ff0000"  # CMYK 0 100 100 0
    title = [c for c in page.chars if c.font == "方正小标宋简体" and not c.color.startswith("#e6")]
    assert "".join(c.text for c in title) == "青岚县人民政府关于做好防汛工作的通知"
    assert round(title[0].size) == 22 and title[9].x0 > title[8].x0  # scaled by the CTM; the second code goes on
    doc = parse_file(path)
    md = doc.metadata
    assert (md.issuer, md.doc_number.text, md.title, md.recipients) == (
        "青岚县人民政府", "青政发〔2023〕9号", "青岚县人民政府关于做好防汛工作的通知", ("各乡镇人民政府",))
    assert doc.source.format == "ofd" and doc.pages[0].quality == "ok"


def test_read_ofd_without_pages_is_one_line(tmp_path):
    import zipfile

    path = tmp_path / "empty.ofd"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("OFD.xml", _OFD_PARTS["OFD.xml"])
        z.writestr("Doc_0/Document.xml", f'<ofd:Document {_OFD_NS}><ofd:CommonData/></ofd:Document>')
    with pytest.raises(FormatError, match="OFD has no pages"):
        parse_file(path)


@pytest.mark.parametrize(("markup", "kept", "dropped"), [
    ('<div style="display: none">关键词：防汛 通知</div>', None, "关键词"),
    ('<div class="bdsharebuttonbox"><a>分享到微信</a></div>', None, "分享到微信"),
    ('<ul class="list"><li><a href="1.htm">关于做好春季安全生产工作的通知</a></li>'
     '<li><a href="2.htm">关于调整议事协调机构的通知</a></li></ul>', None, "春季安全生产"),
    ('<p style="text-align:right">2023年9月15日</p>', "2023年9月15日", None),
])
def test_read_html_furniture_table(tmp_path, markup, kept, dropped):
    page = tmp_path / "p.html"
    page.write_text('<html><body><div class="content"><p>　　现就做好今年防汛工作通知如下，各地要压实责任，加强值守，'
                    f'确保安全度汛。</p><p>　　一是落实责任。二是加强巡查。</p>{markup}</div></body></html>',
                    encoding="utf-8")
    text = parse_file(page).text
    assert "确保安全度汛" in text
    if kept:
        assert kept in text
    if dropped:
        assert dropped not in text


def test_read_password_protected_word_says_so(tmp_path):
    """An encrypted OOXML file is an OLE container holding EncryptedPackage, not a Word stream."""
    from pipeline.read import CFB_MAGIC

    path = tmp_path / "secret.docx"
    path.write_bytes(CFB_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512)
    assert sniff(path) == "unknown"
    with pytest.raises(FormatError, match="password-protected Word file"):
        parse_file(path)


def test_read_html_article_of_br_lines(tmp_path):
    """An article written as lines parted by <br> in one div (no <p>) is found and split into paragraphs."""
    page = tmp_path / "br.html"
    page.write_text(
        '<html><body><div class="nav"><a href="/">首页</a></div><table><tr><td>'
        '<h1>青岚县人民政府关于做好防汛工作的通知</h1><div id="zoom">各乡镇人民政府：<br>'
        '　　现就做好今年防汛工作通知如下，请认真贯彻落实。各地要压实责任。<br>　　一、压实责任<br>'
        '　　各乡镇要落实包保责任，汛前完成隐患排查整治。<br><div align="right">青岚县人民政府</div>'
        '<div align="right">2024年5月6日</div></div></td></tr><tr><td>打印本页 关闭窗口</td></tr></table>'
        '</body></html>', encoding="utf-8")
    doc = parse_file(page)
    md = doc.metadata
    assert (md.title, md.recipients, md.issue_date) == ("青岚县人民政府关于做好防汛工作的通知", ("各乡镇人民政府",),
                                                        "2024-05-06")
    assert [s.marker for s in doc.sections] == ["一、"] and "打印本页" not in doc.text and "首页" not in doc.text


def test_read_html_head_article_title_when_the_text_has_none(tmp_path):
    page = tmp_path / "meta.html"
    page.write_text('<html><head><meta name="ArticleTitle" content="青岚县人民政府关于做好防汛工作的通知"></head><body>'
                    '<div class="content"><p>各乡镇人民政府：</p><p>　　现就做好今年防汛工作通知如下，请认真贯彻落实。'
                    '各地要压实责任。</p><p style="text-align:right">2024年5月6日</p></div></body></html>',
                    encoding="utf-8")
    md = parse_file(page).metadata
    assert (md.title, md.doc_type, md.issuer, md.recipients) == (
        "青岚县人民政府关于做好防汛工作的通知", "通知", "青岚县人民政府", ("各乡镇人民政府",))


def test_read_docx_hidden_text_is_left_out(tmp_path):
    from docx import Document

    doc = Document()
    p = doc.add_paragraph("现就做好今年防汛工作通知如下。")
    p.add_run("（内部批注：暂不公开）").font.hidden = True
    path = tmp_path / "hidden.docx"
    doc.save(str(path))
    assert parse_file(path).text == "现就做好今年防汛工作通知如下。"


# --- the review page of a document without pages, in a browser -------------------------------

_IN_VIEW = """
const el = arguments[0], pane = el.closest(arguments[1]).getBoundingClientRect(), r = el.getBoundingClientRect();
return r.top >= pane.top && r.bottom <= pane.bottom;
"""


def test_read_review_text_view_in_a_browser(browser, fixture_files, tmp_path):  # noqa: F811
    """A Word file's review page: click a row and its words are marked and scrolled to; click words, find the row."""
    from selenium.webdriver.common.by import By

    from pipeline.review import write_review

    _, path = fixture_files("notice_transmits_plan", "docx")
    page = tmp_path / "review.html"
    data, warning = write_review(path, page)
    assert warning is None and data["source"]["format"] == "docx"
    browser.get(page.as_uri())
    last = len(data["targets"]) - 1
    row = browser.find_element(By.ID, f"row-target-{last}")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()
    mark = browser.find_element(By.ID, f"box-target-{last}")
    assert "hl" in mark.get_attribute("class").split() and mark.text in data["targets"][last]["text"]
    assert browser.execute_script(_IN_VIEW, mark, "main")
    date = browser.find_element(By.ID, "box-date-0")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", date)
    browser.execute_script("arguments[0].click()", date)
    assert "hl" in browser.find_element(By.ID, "row-date-0").get_attribute("class").split()


def test_read_docx_strict_ooxml(fixture_files, tmp_path):
    """A Word file saved as Strict Open XML (another namespace for the same elements) reads the same."""
    import zipfile

    _, path = fixture_files("notice_transmits_plan", "docx")
    strict = tmp_path / "strict.docx"
    with zipfile.ZipFile(path) as zi, zipfile.ZipFile(strict, "w") as zo:
        for info in zi.infolist():
            data = zi.read(info)
            if info.filename.startswith("word/"):
                data = data.replace(b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                                    b"http://purl.oclc.org/ooxml/wordprocessingml/main")
            zo.writestr(info, data)
    assert _metadata(parse_file(strict)) == _metadata(parse_file(path))


@pytest.mark.parametrize(("content", "kind"), [
    (b'{"text": "<html> quoted in a JSON output"}', "unknown"),
    ("东川市人民政府\n<p>一段带标签的文字</p>\n".encode(), "unknown"),
    (b"\n\n  <!-- saved page -->\n<html><body><p>x</p></body></html>", "html"),
    (b'<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"></html>', "html"),
    ("\ufeff<html><body>东川</body></html>".encode("utf-16"), "html"),
])
def test_read_sniff_markup(tmp_path, content, kind):
    path = tmp_path / "x.bin"
    path.write_bytes(content)
    assert sniff(path) == kind


def test_read_html_with_no_styles_at_all(tmp_path):
    """Markup a converter writes (bare <h1> and <p>): the headline is the title, a lone date the 成文日期."""
    page = tmp_path / "plain.html"
    page.write_text('<html><body><h1>青岚县人民政府关于做好防汛工作的通知</h1><p>青政发〔2024〕2号</p><p>各乡镇人民政府：</p>'
                    '<p>现就做好今年防汛工作通知如下，请认真贯彻落实。各地要压实责任。</p><p>一、压实责任</p>'
                    '<p>各乡镇要落实包保责任。</p><p>青岚县人民政府</p><p>2024年5月6日</p></body></html>', encoding="utf-8")
    doc = parse_file(page)
    md = doc.metadata
    assert (md.title, md.doc_number.text, md.issue_date, md.recipients) == (
        "青岚县人民政府关于做好防汛工作的通知", "青政发〔2024〕2号", "2024-05-06", ("各乡镇人民政府",))
    assert [s.marker for s in doc.sections] == ["一、"]


@pytest.mark.parametrize(("text", "align"), [
    ("2024年5月6日", "right"), ("二〇二三年五月八日", "right"), ("　2017年3月13日 ", "right"),
    ("2024年5月6日印发", "left"), ("到2025年6月底前完成", "left"), ("青岚县人民政府", "left"),
    ("\u3000" * 10 + "青岚县人民政府", "right"), ("\u3000" * 2 + "青岚县人民政府", "left"),
    ("\u3000" * 10 + "现就做好今年防汛工作通知如下，请认真贯彻落实。各地要压实责任，加强值守，确保安全度汛，不得有误。", "left"),
])
def test_read_default_align(text, align):
    from pipeline.read.paras import default_align

    assert default_align(text) == align


def test_read_docx_hand_set_signature_and_boxed_colophon(tmp_path):
    """Signature and date pushed right with typed blanks; the 版记 in a one-column table, a tab before 印发."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    for text, size, centre in (("青岚县人民政府关于做好防汛工作的通知", 22, True), ("各乡镇人民政府：", 16, False),
                               ("　　现就做好今年防汛工作通知如下，请认真贯彻落实。", 16, False),
                               ("\u3000" * 12 + "青岚县人民政府", 16, False), ("\u3000" * 11 + "2024年5月6日", 16, False)):
        p = doc.add_paragraph()
        p.add_run(text).font.size = Pt(size)
        if centre:
            p.alignment = 1
    box = doc.add_table(rows=1, cols=1).cell(0, 0)
    box.paragraphs[0].add_run("抄送：县委办公室，县人大常委会办公室。").font.size = Pt(14)
    line = box.add_paragraph()
    line.add_run("青岚县人民政府办公室").font.size = Pt(14)
    line.add_run().add_tab()
    line.add_run("2024年5月6日印发").font.size = Pt(14)
    path = tmp_path / "hand.docx"
    doc.save(str(path))
    md = parse_file(path).metadata
    assert (md.issue_date, md.signatories, md.cc, md.printer, md.print_date) == (
        "2024-05-06", ("青岚县人民政府",), ("县委办公室", "县人大常委会办公室"), "青岚县人民政府办公室", "2024-05-06")


def test_read_ofd_pages_drawn_for_review(fixture_files):
    """An OFD's pages drawn from its characters: page-sized images with the red 标志 in red."""
    import base64
    import io

    from PIL import Image, ImageChops

    from pipeline.review import DEFAULT_SCALE, render_ofd_pages

    fx, path = fixture_files("notice_transmits_plan", "ofd")
    images = render_ofd_pages(path)
    assert len(images) == fx.expected.n_pages
    first = Image.open(io.BytesIO(base64.b64decode(images[0].data))).convert("RGB")
    assert abs(first.width - 595.28 * DEFAULT_SCALE) <= 1
    r, g, b = (band.point(lambda v, lo=lo, hi=hi: 255 if lo <= v <= hi else 0) for band, (lo, hi)
               in zip(first.split(), ((181, 255), (0, 79), (0, 79))))
    reds = sum(ImageChops.multiply(ImageChops.multiply(r, g), b).histogram()[255:])
    assert reds > 500  # the 标志 and the rule under the 发文字号


def test_read_html_source_whitespace_is_one_space(tmp_path):
    """Line breaks and indentation of the markup are no gaps; typed &nbsp; runs and U+3000 are."""
    page = tmp_path / "ws.html"
    page.write_text('<html><body><div class="content"><p>\n        现就做好今年防汛工作通知如下，\n        请认真贯彻落实。'
                    'Web  page\ntext 5G.</p><p>主办：县应急管理局&nbsp;&nbsp;&nbsp;&nbsp;督办：县政府办公室</p>'
                    '</div></body></html>', encoding="utf-8")
    text = parse_file(page).text
    assert text.split("\n") == ["现就做好今年防汛工作通知如下，请认真贯彻落实。Web page text 5G.",
                                "主办：县应急管理局\u3000督办：县政府办公室"]

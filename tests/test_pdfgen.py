"""The fixture generator checks itself: pdfplumber must read back what pdfgen laid out."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from tests.fixtures import (
    BAD_KINDS,
    ENCRYPTED_PASSWORD,
    FIXTURE_NAMES,
    SPECS,
    fixture_factory,
    make_bad_file,
    make_fixture,
)
from tests.fixtures.pdfgen import (
    BODY_SIZE,
    CELL,
    DEFAULT_FONT,
    DEFAULT_LEFT,
    DEFAULT_TOP,
    LIST_ITEM,
    PITCH,
    TEXT_BOTTOM,
    TEXT_RIGHT,
    TEXT_W,
    TITLE_SIZE,
    break_lines,
    format_date,
    marker_level,
    page_label,
    register_font,
)

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
RED_RGB = (0xDE / 255, 0.0, 0.0)


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    return fixture_factory(tmp_path_factory.mktemp("pdfgen"))


def _rgb(color) -> tuple[float, ...]:
    return tuple(round(float(c), 3) for c in (color or ()))


def _is_red(color) -> bool:
    return _rgb(color) == tuple(round(c, 3) for c in RED_RGB)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@functools.cache
def _page_texts(path: Path, password: str = "") -> list[str]:
    """Each page's text, overprinted (fake bold) glyphs deduplicated; read once per file."""
    with pdfplumber.open(path, password=password) as pdf:
        return [p.dedupe_chars().extract_text() for p in pdf.pages]


def _content(fx, texts: list[str]) -> str:
    """All page text without furniture, whitespace removed."""
    out = []
    for page, text in zip(fx.expected.pages, texts):
        lines = text.splitlines()
        furniture = {_squash(x) for x in (page.page_number, page.header, page.footer) if x}
        out.extend(line for line in lines if _squash(line) not in furniture)
    return _squash("".join(out))


# --- every fixture ------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_pdfgen_page_count_and_labels(fixture, name):
    fx = fixture(name)
    with pdfplumber.open(fx.pdf_path) as pdf:
        assert len(pdf.pages) == fx.expected.n_pages
        for page, exp in zip(pdf.pages, fx.expected.pages):
            assert (page.width, page.height) == pytest.approx((595.28, 841.89), abs=0.01)
            text = _squash(page.extract_text())  # U+3000 comes out as a space
            for furniture in (exp.page_number, exp.header, exp.footer):
                if furniture:
                    assert _squash(furniture) in text


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_pdfgen_text_reads_back(fixture, name):
    fx = fixture(name)
    content = _content(fx, _page_texts(fx.pdf_path))
    assert "(cid:" not in content
    for role, para in fx.expected.paragraphs:
        assert _squash(para) in content, (role, para)
    # nothing drawn that the expected text lacks, nothing expected that is not drawn
    assert Counter(content) == Counter(_squash(fx.expected.text))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_pdfgen_expected_is_consistent(fixture, name):
    exp = fixture(name).expected
    assert exp.text == "\n".join(t for _, t in exp.paragraphs)
    assert exp.title == "".join(SPECS[name].title_lines)
    for s in exp.sections:
        start, end = s.heading
        assert _squash(exp.text[start:end]) == s.marker + (s.title or "")  # 第一章　总则
        assert s.marker in exp.body
    # the declared 一是 counts are what the text holds
    declared = sum(n for _, n in exp.list_items)
    assert declared == len(LIST_ITEM.findall(exp.body))
    gold = exp.to_gold()
    assert gold["metadata"]["title"] == exp.title
    assert {(s["marker"], s["parent"]) for s in gold["sections"]} == {(s.marker, s.parent) for s in exp.sections}


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_pdfgen_body_is_16pt_black_on_the_grid(fixture, name):
    fx = fixture(name)
    with pdfplumber.open(fx.pdf_path) as pdf:
        page = pdf.pages[-1]  # every fixture has body text on its last page
        body = [c for c in page.chars if c["size"] == BODY_SIZE]
        assert body and all(_rgb(c["non_stroking_color"]) in ((0.0,), (0.0, 0.0, 0.0)) for c in body)
        tops = sorted({round(c["top"], 2) for c in body})
        # every body line is centred in a row of the 22-line grid under the 版心 top
        rows = [(t - DEFAULT_TOP - (PITCH - BODY_SIZE) / 2) / PITCH for t in tops]
        assert all(abs(r - round(r)) < 0.01 and 0 <= round(r) < 22 for r in rows), rows
        assert min(c["x0"] for c in body) == pytest.approx(DEFAULT_LEFT, abs=0.01)
        assert max(c["x1"] for c in body) <= TEXT_RIGHT + 1.0


# --- 版头 -----------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in FIXTURE_NAMES if SPECS[n].style.red_header])
def test_pdfgen_red_header(fixture, name):
    fx = fixture(name)
    spec = SPECS[name]
    with pdfplumber.open(fx.pdf_path) as pdf:
        page = pdf.pages[0]
        red = [c for c in page.chars if _is_red(c["non_stroking_color"])]
        mark = "".join(spec.issuers) + spec.mark_suffix
        assert Counter(c["text"] for c in red) == Counter(mark)
        assert min(c["size"] for c in red) >= 22
        x0, x1 = min(c["x0"] for c in red), max(c["x1"] for c in red)
        assert (x0 + x1) / 2 == pytest.approx(DEFAULT_LEFT + TEXT_W / 2, abs=2)  # centred
        rules = [
            r
            for r in page.lines + page.rects
            if _is_red(r["stroking_color"] if r["object_type"] == "line" else r["non_stroking_color"])
        ]
        assert len(rules) == 1
        rule = rules[0]
        assert (rule["x0"], rule["x1"]) == pytest.approx((DEFAULT_LEFT, TEXT_RIGHT), abs=0.01)
        assert rule["top"] > max(c["bottom"] for c in red)
        if spec.doc_number:
            num = [c for c in page.chars if c["top"] < rule["top"] and not _is_red(c["non_stroking_color"])]
            assert "".join(c["text"] for c in num) == spec.doc_number
            assert 0 < rule["top"] - max(c["bottom"] for c in num) < 6 * 72 / 25.4


@pytest.mark.parametrize("name", ["gazette_running_header"])
def test_pdfgen_plain_document_has_no_red(fixture, name):
    fx = fixture(name)
    with pdfplumber.open(fx.pdf_path) as pdf:
        for page in pdf.pages:
            assert not [c for c in page.chars if _is_red(c["non_stroking_color"])]
        first = pdf.pages[0]
        titles = [c for c in first.chars if c["size"] == TITLE_SIZE]
        assert "".join(c["text"] for c in titles) == fx.expected.title


def test_pdfgen_joint_header_stacks_names_beside_suffix(fixture):
    fx = fixture("plan_target_table_joint")
    with pdfplumber.open(fx.pdf_path) as pdf:
        red = [c for c in pdf.pages[0].chars if _is_red(c["non_stroking_color"])]
    lines: dict[float, str] = {}
    for c in red:
        lines[round(c["top"])] = lines.get(round(c["top"]), "") + c["text"]
    texts = [lines[k] for k in sorted(lines)]
    assert texts == ["东川市发展和改革委员会", "文件", "东川市工业和信息化局"]
    marks = [t for r, t in fx.expected.paragraphs if r == "mark"]
    assert marks == texts  # reading order: top to bottom
    assert fx.expected.signatories == ("东川市发展和改革委员会", "东川市工业和信息化局")
    assert ("signature", "东川市发展和改革委员会\u3000东川市工业和信息化局") in fx.expected.paragraphs


# --- body layout -----------------------------------------------------------------


def test_pdfgen_paragraphs_are_justified_with_indent(fixture):
    fx = fixture("gazette_running_header")
    with pdfplumber.open(fx.pdf_path) as pdf:
        chars = [c for c in pdf.pages[1].dedupe_chars().chars if c["size"] == BODY_SIZE]
    rows: dict[float, list] = {}
    for c in chars:
        rows.setdefault(round(c["top"], 1), []).append(c)
    full = [r for r in rows.values() if r[-1]["x1"] > TEXT_RIGHT - 2]
    assert len(full) >= 10  # most lines fill the measure
    for r in full:
        assert r[-1]["x1"] == pytest.approx(TEXT_RIGHT, abs=0.5)
        assert r[0]["x0"] in (pytest.approx(DEFAULT_LEFT, abs=0.01), pytest.approx(DEFAULT_LEFT + 2 * CELL, abs=0.01))
        assert r[0]["text"] not in "，。、；：）》”"
    indented = [r for r in rows.values() if r[0]["x0"] == pytest.approx(DEFAULT_LEFT + 2 * CELL, abs=0.01)]
    assert indented  # paragraph starts carry the two-character indent


def test_pdfgen_page_break_splits_a_word(fixture):
    fx = fixture("gazette_running_header")
    text = fx.expected.text
    assert [p for _, p in fx.expected.page_breaks] == [2, 3]
    last = fx.expected.page_breaks[-1][0]
    assert text[last - 1 : last + 1] == "年度"  # 纳入乡（镇）年 | 度目标考核
    assert "\n" not in text[last - 10 : last + 10]
    lines = _page_texts(fx.pdf_path)[1].splitlines()
    assert lines[lines.index("第 2 页 共 3 页") - 1].endswith("年")  # the last body line
    pages = _page_texts(fx.pdf_path)
    assert "度目标考核" in pages[2]


def test_pdfgen_running_header_and_count_on_every_page(fixture):
    fx = fixture("gazette_running_header")
    n = fx.expected.n_pages
    assert n >= 3
    for i, text in enumerate(_page_texts(fx.pdf_path), 1):
        lines = text.splitlines()
        assert lines[0] == "青岚县人民政府公报 2023年第5期"
        assert f"第 {i} 页 共 {n} 页" in lines
        assert lines[-1] == "青岚县人民政府办公室编印"
    assert fx.expected.doc_number == "青政发〔2023〕7号"
    assert ("doc_number", "（青政发〔2023〕7号）") in fx.expected.paragraphs


def test_pdfgen_gbt_page_numbers_alternate_sides(fixture):
    fx = fixture("notice_transmits_plan")
    with pdfplumber.open(fx.pdf_path) as pdf:
        for i, page in enumerate(pdf.pages, 1):
            num = [c for c in page.chars if c["top"] > TEXT_BOTTOM]
            assert "".join(c["text"] for c in num) == f"— {i} —"
            x0, x1 = min(c["x0"] for c in num), max(c["x1"] for c in num)
            if i % 2:
                assert x1 == pytest.approx(TEXT_RIGHT - 14, abs=0.5)
            else:
                assert x0 == pytest.approx(DEFAULT_LEFT + 14, abs=0.5)


def test_pdfgen_article_reference_starts_a_wrapped_line(fixture):
    fx = fixture("regulation_articles")
    lines = "\n".join(_page_texts(fx.pdf_path)).splitlines()
    assert "第十二条的规定处理，并依法承担相应的民事责任。" in lines
    markers = [s.marker for s in fx.expected.sections if s.kind == "article"]
    assert markers == [f"第{n}条" for n in "一二三四五六七八九十"] + ["第十一条", "第十二条", "第十三条"]
    assert "依照本办法第十二条" in fx.expected.body
    chapters = [(s.marker, s.title) for s in fx.expected.sections if s.level == 1]
    assert chapters[0] == ("第一章", "总则")
    assert {s.parent for s in fx.expected.sections if s.kind == "article"} == {m for m, _ in chapters}


def test_pdfgen_letter_spacing(fixture):
    fx = fixture("letter_spaced")
    with pdfplumber.open(fx.pdf_path) as pdf:
        page = pdf.pages[0]
        red = [c for c in page.chars if _is_red(c["non_stroking_color"])]
        gaps = [b["x0"] - a["x1"] for a, b in zip(red, red[1:])]
        assert min(gaps) > 10  # wide gaps, no space characters
        assert " " not in "".join(c["text"] for c in red)
        title = [c for c in page.chars if c["size"] == TITLE_SIZE]
        assert "".join(c["text"] for c in title) == " ".join("关于做好部门预算编制工作的通知")
        text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "东 川 市 财 政 局" in text.splitlines()
    assert fx.expected.signatories == ("东川市财政局",)
    assert ("signature", "东川市财政局") in fx.expected.paragraphs
    assert fx.expected.title == "关于做好部门预算编制工作的通知"


def test_pdfgen_fake_bold_overprints_headings(fixture):
    fx = fixture("notice_transmits_plan")
    with pdfplumber.open(fx.pdf_path) as pdf:
        chars = pdf.pages[1].chars
    rows: dict[float, list] = {}
    for c in chars:
        rows.setdefault(c["top"], []).append(c)
    (line,) = [r for r in rows.values() if "".join(c["text"] for c in r) == "一一、、总总体体要要求求"]
    yi = [c for c in line if c["text"] == "总"]
    assert len(yi) == 2
    assert yi[1]["x0"] - yi[0]["x0"] == pytest.approx(0.3, abs=0.01)
    assert yi[0]["top"] == yi[1]["top"]


def test_pdfgen_target_table_is_ruled(fixture):
    fx = fixture("plan_target_table_joint")
    (table,) = fx.expected.tables
    assert table[0] == ("指标", "单位", "2024年目标", "2025年目标")
    with pdfplumber.open(fx.pdf_path) as pdf:
        found = [t for p in pdf.pages for t in p.dedupe_chars().extract_tables()]
    assert [tuple(r) for r in found[0]] == list(table)
    rows = [t for r, t in fx.expected.paragraphs if r == "table_row"]
    assert rows[0] == "指标\u3000单位\u30002024年目标\u30002025年目标"
    assert all(row in fx.expected.body for row in rows)


def test_pdfgen_banji_sits_on_the_last_page_between_rules(fixture):
    fx = fixture("notice_transmits_plan")
    with pdfplumber.open(fx.pdf_path) as pdf:
        page = pdf.pages[-1]
        rules = sorted((r for r in page.lines if not _is_red(r["stroking_color"])), key=lambda r: r["top"])
        text = page.extract_text()
    assert len(rules) == 3
    assert rules[-1]["top"] == pytest.approx(TEXT_BOTTOM, abs=0.01)
    assert [r["linewidth"] for r in rules] == [1.0, 0.7, 1.0]
    assert "抄送：市委各部门，东川军分区。" in text
    assert "东川市人民政府办公室 2023年5月9日印发" in text
    assert fx.expected.cc == ("市委各部门", "东川军分区", "市人大常委会办公室", "市政协办公室", "市法院", "市检察院")
    assert fx.expected.print_date == "2023-05-09"
    assert [t for r, t in fx.expected.paragraphs if r in ("cc", "print")] == [
        "抄送：市委各部门，东川军分区。",
        "市人大常委会办公室，市政协办公室，市法院，市检察院。",
        "东川市人民政府办公室\u30002023年5月9日印发",
    ]


def test_pdfgen_no_doc_number_and_attachments(fixture):
    fx = fixture("no_doc_number")
    exp = fx.expected
    assert exp.doc_number is None and exp.flags == ("no_doc_number",)
    assert exp.attachments == ("东川市安全生产大检查工作安排表", "东川市安全生产大检查联络员名单")
    text = "\n".join(_page_texts(fx.pdf_path))
    assert "附件：1.东川市安全生产大检查工作安排表" in text
    assert [t for r, t in exp.paragraphs if r == "attachments"] == [
        "附件：1.东川市安全生产大检查工作安排表",
        "2.东川市安全生产大检查联络员名单",
    ]
    assert "〔" not in text.split("关于开展")[0]


def test_pdfgen_notice_metadata(fixture):
    exp = fixture("notice_transmits_plan").expected
    assert exp.metadata() == {
        "issuer": "东川市人民政府办公室",
        "doc_number": "东政办〔2023〕12号",
        "title": "东川市人民政府办公室关于印发东川市促进数字经济高质量发展实施方案的通知",
        "doc_type": "通知",
        "recipients": ["各区（县）人民政府", "市人民政府各部门", "各有关单位"],
        "issue_date": "2023-05-08",
        "body_title": "东川市促进数字经济高质量发展实施方案",
        "cc": ["市委各部门", "东川军分区", "市人大常委会办公室", "市政协办公室", "市法院", "市检察院"],
        "printer": "东川市人民政府办公室",
        "print_date": "2023-05-09",
    }
    assert ("date", "二〇二三年五月八日") in exp.paragraphs
    assert dict(exp.list_items) == {"二/（三）": 3, "三/（二）": 2}
    secs = [(s.marker, s.title, s.parent) for s in exp.sections]
    assert secs[:6] == [
        ("一、", "总体要求", None),
        ("二、", "重点任务", None),
        ("（一）", "夯实数字基础设施", "二、"),
        ("（二）", "培育数字产业集群", "二、"),
        ("1.", "壮大电子信息制造业", "（二）"),
        ("2.", "发展软件和信息技术服务业", "（二）"),
    ]
    assert ("（1）", "支持平台企业做大做强", "2.") in secs
    assert ("（一）", "强化组织领导", "三、") in secs
    assert "（一）强化组织领导。坚持市级统筹" in exp.body


# --- encryption and broken files ---------------------------------------------------


def test_pdfgen_encrypted_fixture_opens_without_password(fixture):
    fx = fixture("notice_transmits_plan_encrypted")
    plain = fixture("notice_transmits_plan")
    with pdfplumber.open(fx.pdf_path) as pdf:
        assert pdf.doc.encryption is not None
    assert fx.expected.encrypted
    assert _page_texts(fx.pdf_path) == _page_texts(plain.pdf_path)


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_pdfgen_bad_files_do_not_read(tmp_path, kind):
    path = make_bad_file(kind, tmp_path)
    assert path.exists() and path.suffix == ".pdf"
    try:
        with pdfplumber.open(path) as pdf:
            text = "".join(p.extract_text() or "" for p in pdf.pages)
    except Exception:  # noqa: BLE001 - any pdfminer failure is the point
        text = ""
    assert not re.search(r"[\u4e00-\u9fff]", text)


def test_pdfgen_bad_encrypted_opens_with_its_password(tmp_path):
    path = make_bad_file("encrypted", tmp_path)
    assert "东川市人民政府办公室" in "".join(_page_texts(path, ENCRYPTED_PASSWORD))


@pytest.mark.parametrize("kind, size", [("empty", 0), ("not_pdf", None)])
def test_pdfgen_bad_file_bytes(tmp_path, kind, size):
    data = make_bad_file(kind, tmp_path).read_bytes()
    assert not data.startswith(b"%PDF")
    if size is not None:
        assert len(data) == size


def test_pdfgen_bad_file_unknown_kind(tmp_path):
    with pytest.raises(ValueError, match="unknown bad-file kind"):
        make_bad_file("scanned", tmp_path)


# --- helpers ----------------------------------------------------------------------

DATES = [
    (dt.date(2023, 5, 8), "cn", "二〇二三年五月八日"),
    (dt.date(2024, 3, 26), "cn", "二〇二四年三月二十六日"),
    (dt.date(2023, 10, 10), "cn", "二〇二三年十月十日"),
    (dt.date(2020, 11, 30), "cn", "二〇二〇年十一月三十日"),
    (dt.date(2023, 6, 20), "arabic", "2023年6月20日"),
]


@pytest.mark.parametrize("date, style, text", DATES)
def test_pdfgen_format_date(date, style, text):
    assert format_date(date, style) == text


LABELS = [
    ("gbt", 8, 16, "— 8 —"),
    ("dash", 8, 16, "-8-"),
    ("count", 8, 16, "第 8 页 共 16 页"),
    ("none", 8, 16, None),
]


@pytest.mark.parametrize("style, n, total, label", LABELS)
def test_pdfgen_page_label(style, n, total, label):
    assert page_label(style, n, total) == label


MARKERS = [("一、", 1), ("十二、", 1), ("（三）", 2), ("3.", 3), ("3．", 3), ("（12）", 4)]


@pytest.mark.parametrize("marker, level", MARKERS)
def test_pdfgen_marker_level(marker, level):
    assert marker_level(marker) == level


@pytest.mark.parametrize("marker", ["一是", "第一条", "(一)", "A."])
def test_pdfgen_marker_level_rejects(marker):
    with pytest.raises(ValueError):
        marker_level(marker)


# (text, what no line may start with / what must stay whole)
BREAKS = [
    ("到2025年，全市规模以上数字经济企业达到1200家以上，数字经济核心产业增加值占比提高到12.5%。", "1200"),
    ("坚持创新驱动、融合发展、安全可控，以数据要素市场化配置为主线，着力构建现代化数字产业体系。", None),
    ("一二三四五六七八九十一二三四五六七八九十一二三四五六七八，。后面", None),
    ("一二三四五六七八九十一二三四五六七八九十一二三四五六七《办法》", None),
]


@pytest.mark.parametrize("text, whole", BREAKS)
def test_pdfgen_break_lines(text, whole):
    font = register_font(None)
    lines = ["".join(toks) for toks in break_lines(text, font, BODY_SIZE, TEXT_W, TEXT_W - 2 * CELL)]
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in "，。、；：）》”%"
    for line in lines[:-1]:
        assert line[-1] not in "（《“"
        assert len(line) <= 30
    if whole:
        assert any(whole in line for line in lines)


def test_pdfgen_break_lines_fills_28_full_width_characters():
    font = register_font(None)
    lines = break_lines("东" * 60, font, BODY_SIZE, TEXT_W, TEXT_W)
    assert [len(t) for t in lines] == [28, 28, 4]


def test_pdfgen_declared_list_items_match_each_block():
    for spec in SPECS.values():
        blocks = list(spec.body) + list(spec.transmitted.body if spec.transmitted else ())
        for b in blocks:
            text = getattr(b, "text", None) or getattr(b, "body", None) or ""
            assert len(LIST_ITEM.findall(text)) == getattr(b, "list_items", 0), text


def test_pdfgen_fixture_content_is_fictional():
    for spec in SPECS.values():
        assert all(i.startswith(("东川市", "青岚县")) for i in spec.issuers)
    assert DEFAULT_FONT == "STSong-Light"


def test_pdfgen_every_fixture_renders(tmp_path):
    # how long generation takes is for `make bench`, not for a timed test
    for name in FIXTURE_NAMES:
        assert make_fixture(name, tmp_path).pdf_path.stat().st_size > 0


@pytest.mark.skipif(not WQY.exists(), reason="wqy-zenhei not installed")
def test_pdfgen_truetype_font(tmp_path):
    fx = make_fixture("notice_transmits_plan", tmp_path, font_path=str(WQY), heading_font_path=str(WQY))
    with pdfplumber.open(fx.pdf_path) as pdf:
        fonts = {c["fontname"] for c in pdf.pages[0].chars}
    assert all("WenQuanYi" in f for f in fonts)
    assert _squash(fx.expected.title) in _squash("".join(_page_texts(fx.pdf_path)))


def test_pdfgen_first_page_renders_red(fixture, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    fx = fixture("notice_transmits_plan")
    doc = pdfium.PdfDocument(str(fx.pdf_path))
    image = doc[0].render(scale=1).to_pil().convert("RGB")
    doc.close()
    w, h = image.size
    top = image.crop((0, 0, w, h // 2))
    data = top.tobytes()  # RGB triplets
    red = sum(1 for i in range(0, len(data), 3) if data[i] > 180 and data[i + 1] < 80 and data[i + 2] < 80)
    assert red > 2000  # the 标志 and the rule

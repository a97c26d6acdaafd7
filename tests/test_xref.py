"""Cross-references across a corpus (pipeline/xref/, `pipeline xref`).

Rule tests run on small in-memory corpora; the corpus tests generate the
fixture corpus of tests/xref_corpus.py once (a dozen PDFs), parse it once and
check that every planted fault is reported, with its kind and location, and
nothing else.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.xref import (
    KINDS,
    build_index,
    check_corpus,
    doc_from_dict,
    fold_title,
    malformed_problems,
    number_key,
    read_corpus,
    report_to_dict,
    similarity,
)
from tests import xref_corpus

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "xref-report.schema.json").read_text(encoding="utf-8"))


# --- folding and numbers ----------------------------------------------------------------------

FOLD_SAME = [
    ("东川市数据要素市场培育行动方案（2023—2025年）", "东川市数据要素市场培育行动方案(2023-2025年)"),
    ("东川市数据要素市场培育行动方案（2023—2025年）", "东川市数据要素市场培育行动方案（２０２３－２０２５年）"),
    ("东川市数据要素市场培育行动方案（2023——2025年）", "东川市数据要素市场培育行动方案[2023~2025年]"),
    ("中共东川市委　东川市人民政府关于加强数据治理的意见", "中共东川市委 东川市人民政府关于加强数据治理的意见"),
    ("关于修改〈东川市数据条例〉的决定", "关于修改《东川市数据条例》的决定"),
    ("东川市“数据+”行动计划", '东川市"数据+"行动计划'),
]
FOLD_DIFFERENT = [
    ("东川市2023年数据工作要点", "东川市2024年数据工作要点"),
    ("东川市数据条例", "东川市数据条例实施细则"),
]


@pytest.mark.parametrize("a,b", FOLD_SAME)
def test_xref_fold_title_folds_layout(a, b):
    assert fold_title(a) == fold_title(b)


@pytest.mark.parametrize("a,b", FOLD_DIFFERENT)
def test_xref_fold_title_keeps_content(a, b):
    assert fold_title(a) != fold_title(b)


NUMBER_KEYS = [
    ({"text": "东政 〔2023〕 3号", "agency_code": "东政", "year": 2023, "serial": 3}, "东政〔2023〕3号"),
    ({"text": "东政〔2023〕3号", "agency_code": "东 政", "year": 2023, "serial": 3}, "东政〔2023〕3号"),
    ({"text": "国令第711号", "agency_code": "国令", "year": None, "serial": 711}, "国令第711号"),
    (None, None),
]


@pytest.mark.parametrize("number,key", NUMBER_KEYS)
def test_xref_number_key(number, key):
    assert number_key(number) == key


MALFORMED = [
    ("东政〔2023〕3号", ()),
    ("东政 〔2023〕 3号", ()),  # layout spaces are no fault
    ("东政﹝2023﹞3号", ()),  # the small form of 〔〕
    ("国令第711号", ()),  # decrees are numbered 第…号
    ("江澜省税务局公告2023年第5号", ()),  # so are announcements
    ("东政[2023]3号", ("year not in 〔〕",)),
    ("东政（2023）3号", ("year not in 〔〕",)),
    ("东政【2023】3号", ("year not in 〔〕",)),
    ("东政〔2023〕03号", ("leading zero in the serial",)),
    ("东政〔2023〕第3号", ("第 before the serial",)),
    ("东政[2023]第003号", ("year not in 〔〕", "第 before the serial", "leading zero in the serial")),
]


@pytest.mark.parametrize("raw,problems", MALFORMED)
def test_xref_malformed_problems(raw, problems):
    assert malformed_problems(raw) == problems


SIMILAR = [
    ("东川市数据局关于建立公共数据授权运营机制的通知", "东川市数据局关于建立公共数据授杈运营机制的通知", 0.957),
    ("东川市数据条例", "东川市数据条例", 1.0),
]


@pytest.mark.parametrize("a,b,score", SIMILAR)
def test_xref_similarity(a, b, score):
    assert similarity(a, b) == pytest.approx(score, abs=0.001)


# --- rules on in-memory corpora ----------------------------------------------------------------


def _ref(text, title=None, number=None, relation="cites", span=(0, 0)):
    num = None
    if number:
        agency, rest = number.split("〔")
        year, serial = rest.split("〕")
        num = {"text": number, "agency_code": agency, "year": int(year), "serial": int(serial.rstrip("号"))}
    return {
        "text": text,
        "span": list(span),
        "page": 1,
        "bbox": None,
        "doc_number": num,
        "title": title,
        "relation": relation,
        "issuer_guess": None,
    }


def _doc(doc_id, number, title, date, *refs, body_title=None, text=""):
    data = {
        "source": {"file": f"{doc_id}.pdf"},
        "text": text,
        "metadata": {
            "doc_number": {
                "text": number,
                "agency_code": number.split("〔")[0],
                "year": int(number.split("〔")[1][:4]),
                "serial": int(number.split("〕")[1].rstrip("号")),
            }
            if number
            else None,
            "title": title,
            "body_title": body_title,
            "issue_date": date,
            "issuer": None,
        },
        "references": list(refs),
    }
    return doc_from_dict(data, doc_id)


NOTICE = _doc(
    "notice",
    "东政〔2023〕3号",
    "东川市人民政府关于印发东川市数据条例实施办法的通知",
    "2023-01-05",
    _ref("《东川市数据条例实施办法》", "东川市数据条例实施办法", relation="self"),
    body_title="东川市数据条例实施办法",
)

# (name, the citing reference, the kinds expected); the citer is dated 2023-06-01
RULES = [
    ("by the notice's title", _ref("x", "东川市人民政府关于印发东川市数据条例实施办法的通知", "东政〔2023〕3号"), []),
    ("by the transmitted title", _ref("x", "东川市数据条例实施办法", "东政〔2023〕3号"), []),
    ("by the title from 关于 on", _ref("x", "关于印发东川市数据条例实施办法的通知", "东政〔2023〕3号"), []),
    ("by the title alone", _ref("x", "东川市数据条例实施办法"), []),
    ("by the number alone", _ref("x", None, "东政〔2023〕3号"), []),
    ("half-width brackets", _ref("x", "东川市数据条例实施办法(试行)", "东政〔2023〕3号"), []),
    ("drafts are not citations", _ref("x", "东川市数据条例实施细则", relation="drafts"), []),
    ("others are not citations", _ref("x", "东川日报", relation="other"), []),
    ("outside", _ref("x", "江澜省数据条例", "澜政〔2021〕7号"), ["unresolved"]),
    ("another title", _ref("x", "东川市人民政府关于加强数据安全的意见", "东政〔2023〕3号"), ["number_title_mismatch"]),
    ("another number", _ref("x", "东川市数据条例实施办法", "东政〔2022〕30号"), ["title_number_mismatch"]),
    ("a slip in the title", _ref("x", "东川市数椐条例实施办法", "东政〔2023〕3号"), ["number_title_mismatch"]),
    ("a slip in the number", _ref("x", "东川市数据条例实施办法", "东政〔2023〕8号"), ["title_number_mismatch"]),
    (
        "another edition is no slip",
        _ref("x", "东川市人民政府关于印发东川市数据条例实施办法的通知（2024年）", "东政〔2024〕3号"),
        ["unresolved"],
    ),
    ("itself", _ref("x", "东川市科技创新券管理办法", "东科〔2023〕6号", relation="self"), ["self_citation"]),
    ("its own title", _ref("x", "东川市科学技术局关于组织申报数据创新项目的通知"), ["self_citation"]),
    ("a short name", _ref("x", "条例"), []),
    ("inner brackets", _ref("x", "东川市人民政府关于印发〈东川市数据条例实施办法〉的通知", "东政〔2023〕3号"), []),
    ("with a note", _ref("x", "东川市数据条例实施办法（试行）"), []),
    ("another edition by its note", _ref("x", "东川市数据条例实施办法（2024年修订）"), ["unresolved"]),
]


@pytest.mark.parametrize("name,ref,kinds", RULES, ids=[r[0] for r in RULES])
def test_xref_rules(name, ref, kinds):
    citer = _doc("citer", "东科〔2023〕6号", "东川市科学技术局关于组织申报数据创新项目的通知", "2023-06-01", ref)
    report = check_corpus([NOTICE, citer])
    assert sorted(f.kind for f in report.findings) == sorted(kinds)


def test_xref_rules_near_match_names_the_likely_document():
    citer = _doc(
        "citer",
        "东科〔2023〕6号",
        "东川市科学技术局关于组织申报数据创新项目的通知",
        "2023-06-01",
        _ref("x", "东川市数椐条例实施办法", "东政〔2023〕3号"),
    )
    (f,) = check_corpus([NOTICE, citer]).findings
    assert f.severity == "warning" and f.compared_with["document"] == "notice" and f.compared_with["likely"]
    assert 0.9 <= f.similarity < 1


def test_xref_rules_cites_later_document():
    citer = _doc(
        "citer",
        "东科〔2022〕6号",
        "东川市科学技术局关于数据创新的通知",
        "2022-12-01",
        _ref("x", "东川市数据条例实施办法", "东政〔2023〕3号"),
    )
    (f,) = check_corpus([NOTICE, citer]).findings
    assert (f.kind, f.citing, f.compared_with["document"]) == ("cites_later_document", "citer", "notice")


def test_xref_rules_duplicate_number():
    twin = _doc(
        "twin",
        "东政〔2023〕3号",
        "东川市人民政府关于加强数据安全的意见",
        "2023-02-01",
        text="东川市人民政府文件\n东政〔2023〕3号\n东川市人民政府关于加强数据安全的意见",
    )
    (f,) = check_corpus([NOTICE, twin]).findings
    assert (f.kind, f.severity, f.citing, f.compared_with["document"]) == (
        "duplicate_number",
        "error",
        "twin",
        "notice",
    )
    assert f.reference.text == "东政〔2023〕3号" and f.reference.span == (10, 20)


def test_xref_rules_malformed_own_number():
    doc = _doc(
        "doc",
        "东政〔2023〕3号",
        "东川市人民政府关于加强数据安全的意见",
        "2023-02-01",
        text="东川市人民政府文件\n东政[2023]3号\n东川市人民政府关于加强数据安全的意见",
    )
    (f,) = check_corpus([doc]).findings
    assert (f.kind, f.reference.text, f.reference.span) == ("malformed_number", "东政[2023]3号", (10, 20))


@pytest.mark.parametrize(("flags", "quality", "found"), [
    ((), "ok", True),
    (("doc_number_repaired",), "ocr", False),  # OCR read 〔 as [: the misprint is OCR's, not the issuer's
    (("doc_number_unverified",), "ok", False),
    ((), "ocr", False),
])
def test_xref_rules_malformed_own_number_read_by_ocr_is_no_finding(flags, quality, found):
    text = "东川市人民政府文件\n东政[2023]3号\n东川市人民政府关于加强数据安全的意见"
    data = {
        "source": {"file": "doc.pdf"}, "text": text, "references": [],
        "pages": [{"number": 1, "quality": quality}],
        "metadata": {"doc_number": {"text": "东政〔2023〕3号", "agency_code": "东政", "year": 2023, "serial": 3},
                     "title": "东川市人民政府关于加强数据安全的意见", "issue_date": "2023-02-01", "issuer": None,
                     "flags": list(flags),
                     "doc_number_written": {"text": "东政[2023]3号", "span": [10, 20], "page": 1, "bbox": None}},
    }
    kinds = [f.kind for f in check_corpus([doc_from_dict(data, "doc")]).findings]
    assert ("malformed_number" in kinds) is found


def test_xref_own_number_from_the_output_when_it_says_where():
    """metadata.doc_number_written, when the output has it, says where the own number is: no search of the text;
    null says it is not printed; an output without the field is searched as before."""
    text = "东川市人民政府文件\n东政[2023]3号\n东川市人民政府关于加强数据安全的意见"
    base = _doc("doc", "东政〔2023〕3号", "东川市人民政府关于加强数据安全的意见", "2023-02-01", text=text)
    assert (base.number_raw, base.number_span, base.number_page) == ("东政[2023]3号", (10, 20), 1)
    data = {
        "source": {"file": "doc.pdf"},
        "text": text,
        "metadata": {
            "doc_number": {"text": "东政〔2023〕3号", "agency_code": "东政", "year": 2023, "serial": 3},
            "title": "东川市人民政府关于加强数据安全的意见",
            "doc_number_written": {"text": "东政[2023]3号", "span": [10, 20], "page": 2, "bbox": None},
        },
        "references": [],
    }
    told = doc_from_dict(data, "doc")
    assert (told.number_raw, told.number_span, told.number_page) == ("东政[2023]3号", (10, 20), 2)
    data["metadata"]["doc_number_written"] = None
    assert doc_from_dict(data, "doc").number_raw is None


def test_xref_rules_inconsistent_outside_citation():
    cite = "江澜省数据条例"
    docs = [
        _doc(
            f"d{i}",
            f"东科〔2023〕{i}号",
            f"东川市科学技术局关于第{i}项工作的通知",
            "2023-06-01",
            _ref("x", title, "澜政〔2021〕7号"),
        )
        for i, title in enumerate((cite, cite, "江澜省数据管理条例"), 1)
    ]
    found = [(f.kind, f.citing, f.cited_by) for f in check_corpus(docs).findings]
    assert found == [("unresolved", "d1", 3), ("inconsistent_citation", "d3", None)]


def test_xref_index_files_both_titles_of_a_notice():
    index = build_index([NOTICE])
    assert index.by_title[fold_title("东川市数据条例实施办法")] == ("notice",)
    assert index.by_title[fold_title("关于印发东川市数据条例实施办法的通知")] == ("notice",)
    assert index.by_number["东政〔2023〕3号"] == ("notice",)


# --- the fixture corpus ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    """The fixture corpus generated and parsed once: a folder of <name>.json parse outputs."""
    from pipeline import parse_pdf
    from pipeline.emit import dumps, to_dict

    root = tmp_path_factory.mktemp("xref_corpus")
    out = root / "json"
    out.mkdir()
    for name, pdf in xref_corpus.render_corpus(root / "pdf").items():
        (out / f"{name}.json").write_text(dumps(to_dict(parse_pdf(pdf))), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def corpus_report(corpus_dir):
    return report_to_dict(check_corpus(read_corpus(corpus_dir), source=str(corpus_dir)))


def _planted(f):
    return f["kind"], f["severity"], f["citing"], f["reference"]["page"]


def test_xref_corpus_reports_every_planted_fault_and_nothing_else(corpus_report):
    found = corpus_report["findings"]
    expected = list(xref_corpus.EXPECTED)
    unmatched = []
    for f in found:
        hit = next(
            (e for e in expected if (e[0], e[1], e[2], e[4]) == _planted(f) and e[3] in f["reference"]["text"]), None
        )
        if hit is None:
            unmatched.append((f["kind"], f["citing"], f["reference"]["text"]))
        else:
            expected.remove(hit)
    assert unmatched == [], "reported but not planted"
    assert expected == [], "planted but not reported"


@pytest.mark.parametrize("citing,piece,document", xref_corpus.COMPARED_WITH)
def test_xref_corpus_names_what_it_compared_with(corpus_report, citing, piece, document):
    (f,) = [f for f in corpus_report["findings"] if f["citing"] == citing and piece in f["reference"]["text"]]
    assert f["compared_with"]["document"] == document


@pytest.mark.parametrize("piece,n", xref_corpus.CITED_BY)
def test_xref_corpus_counts_citers_of_outside_documents(corpus_report, piece, n):
    (f,) = [f for f in corpus_report["findings"] if f["kind"] == "unresolved" and piece in f["reference"]["text"]]
    assert f["cited_by"] == n and len({o["document"] for o in f["occurrences"]}) == n


def test_xref_corpus_spans_point_into_the_citing_text(corpus_dir, corpus_report):
    texts = {p.stem: json.loads(p.read_text(encoding="utf-8"))["text"] for p in corpus_dir.glob("*.json")}
    for f in corpus_report["findings"]:
        ref = f["reference"]
        a, b = ref["span"]
        assert texts[f["citing"]][a:b] == ref["text"]


def test_xref_corpus_report_validates(corpus_report):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(corpus_report, SCHEMA)
    assert set(corpus_report["summary"]["by_kind"]) == set(KINDS)


def test_xref_corpus_clean_subset_has_no_fault(corpus_dir, tmp_path):
    for name in xref_corpus.CLEAN:
        (tmp_path / f"{name}.json").write_bytes((corpus_dir / f"{name}.json").read_bytes())
    report = check_corpus(read_corpus(tmp_path))
    assert [(f.kind, f.citing) for f in report.findings if f.severity != "info"] == []
    assert {e.status for e in report.edges} <= {"resolved", "unresolved"}


# --- the command -------------------------------------------------------------------------------


def test_xref_cli_writes_report_edges_and_graph(corpus_dir, tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["xref", str(corpus_dir), "-o", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "12 documents" in stdout and "3 errors" in stdout
    jsonschema.validate(json.loads((out / "report.json").read_text(encoding="utf-8")), SCHEMA)
    assert (out / "edges.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, as the exports have
    rows = list(csv.reader((out / "edges.csv").open(encoding="utf-8-sig")))
    assert rows[0] == ["citing", "cited", "status"]
    assert ["g_commerce_notice", "d_transport_notice", "later"] in rows
    assert ["a_plan_notice", "ghost:澜人常〔2021〕7号", "unresolved"] in rows
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html


def test_xref_cli_strict_exits_1_on_errors(corpus_dir, tmp_path, capsys):
    assert main(["xref", str(corpus_dir), "-o", str(tmp_path / "rep"), "--strict"]) == 1
    clean = tmp_path / "clean"
    clean.mkdir()
    for name in xref_corpus.CLEAN:
        (clean / f"{name}.json").write_bytes((corpus_dir / f"{name}.json").read_bytes())
    assert main(["xref", str(clean), "-o", str(tmp_path / "rep2"), "--strict"]) == 0


@pytest.mark.parametrize(
    "argv,code",
    [
        (["xref"], 2),
        (["xref", "somewhere"], 2),  # -o is required
        (["xref", "/nonexistent/folder", "-o", "x"], 1),
    ],
)
def test_xref_cli_errors(argv, code, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if code == 2:
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2
    else:
        assert main(argv) == 1
        assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_xref_cli_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["xref", "--help"])
    assert "example: python -m pipeline xref" in capsys.readouterr().out


def test_xref_cli_parses_pdfs_on_the_way(tmp_path, capsys):
    pdfs = xref_corpus.render_corpus(tmp_path / "pdf", ("a_plan_notice", "b_finance_opinion"))
    assert main(["xref", *map(str, pdfs.values()), "-o", str(tmp_path / "rep"), "-q", "--workers", "1"]) == 0
    data = json.loads((tmp_path / "rep" / "report.json").read_text(encoding="utf-8"))
    assert [e["status"] for e in data["edges"] if e["citing"].startswith("b_finance")] == ["resolved", "unresolved"]


# --- the graph page in a browser ---------------------------------------------------------------


def test_xref_graph_shows_every_document(corpus_dir, tmp_path):
    from tests.browser import chromium

    out = tmp_path / "rep"
    assert main(["xref", str(corpus_dir), "-o", str(out)]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    with chromium(tmp_path) as driver:
        driver.get((out / "graph.html").as_uri())
        docs = driver.execute_script(
            "return Array.from(document.querySelectorAll('#graph g.node.doc')).map(g => g.getAttribute('data-id'))"
        )
        ghosts = driver.execute_script(
            "return Array.from(document.querySelectorAll('#graph g.node.ghost')).map(g => g.getAttribute('data-id'))"
        )
        edges = driver.execute_script("return document.querySelectorAll('#graph .edge').length")
        links = driver.execute_script(
            "return Array.from(document.querySelectorAll('tr.finding a')).map(a => a.getAttribute('href'))"
        )
        inside = driver.execute_script(
            "const r = document.getElementById('graph').getBoundingClientRect();"
            "return Array.from(document.querySelectorAll('#graph g.node circle')).every(c => {"
            "const b = c.getBoundingClientRect(); return b.left >= r.left && b.right <= r.right"
            " && b.top >= r.top && b.bottom <= r.bottom; })"
        )
        got = driver.execute_script(_OVERLAPS_JS)
        if os.environ.get("GRAPH_SCREENSHOT"):  # the README's picture: a document with findings picked
            driver.set_window_size(1300, 760)
            driver.execute_script("document.querySelector('#graph g.node.bad').dispatchEvent("
                                  "new MouseEvent('click', {bubbles: true})); window.scrollTo(0, 0)")
            driver.save_screenshot(os.environ["GRAPH_SCREENSHOT"])
    assert sorted(docs) == sorted(d["id"] for d in report["documents"])
    assert sorted(ghosts) == sorted(g["id"] for g in report["ghosts"])
    assert got["overlaps"] == 0 and got["inside"] and got["columns"] >= 3
    assert edges == len(report["edges"])
    assert len(links) >= len(report["findings"]) and all(h.startswith("#doc-") for h in links)
    assert inside


def test_xref_rules_notice_without_body_title_is_found_by_what_it_issues():
    notice = _doc("notice", "东政〔2023〕3号", "东川市人民政府关于印发东川市数据条例实施办法的通知", "2023-01-05")
    citer = _doc(
        "citer", "东科〔2023〕6号", "东川市科学技术局关于数据创新的通知", "2023-06-01",
        _ref("x", "东川市数据条例实施办法"), _ref("y", "东川市数据条例实施办法", "东政〔2023〕3号"),
    )  # fmt: skip
    report = check_corpus([notice, citer])
    assert report.findings == () and [e.status for e in report.edges] == ["resolved", "resolved"]


def test_xref_rules_a_document_goes_before_a_notice_naming_it():
    plan = _doc("plan", "江政〔2023〕1号", "江澜省数据条例实施办法", "2023-01-01")
    relay = _doc("relay", "东政〔2023〕3号", "东川市人民政府关于转发江澜省数据条例实施办法的通知", "2023-01-05")
    citer = _doc("citer", "东科〔2023〕6号", "东川市科学技术局关于数据创新的通知", "2023-06-01",
                 _ref("x", "江澜省数据条例实施办法"))  # fmt: skip
    report = check_corpus([relay, plan, citer])
    assert report.findings == () and [(e.cited, e.status) for e in report.edges] == [("plan", "resolved")]


def test_xref_rules_a_promulgated_document_is_no_self_citation():
    text = "中华人民共和国国务院令\n第663号\n《居住证暂行条例》已经国务院常务会议通过，现予公布。"
    decree = _doc(
        "decree", None, "中华人民共和国国务院令", "2015-11-26",
        _ref("第663号\n《居住证暂行条例》", "居住证暂行条例", relation="self", span=(12, 30)), text=text,
    )  # fmt: skip
    decree = replace(decree, number="国令第663号")
    assert check_corpus([decree]).findings == ()


def test_xref_near_titles_found_among_many():
    docs = [_doc(f"d{i}", f"东政〔2023〕{i}号", f"东川市人民政府关于第{i}批数据试点项目的通知", "2023-01-01")
            for i in range(1, 400)]  # fmt: skip
    docs.append(_doc("plan", "东政〔2023〕999号", "东川市数据要素市场培育行动方案", "2023-01-01"))
    citer = _doc("citer", "东科〔2023〕6号", "东川市科学技术局关于数据创新的通知", "2023-06-01",
                 _ref("x", "东川市数据要素市场培肓行动方案"))  # fmt: skip
    (f,) = check_corpus([*docs, citer]).findings
    assert (f.kind, f.severity, f.compared_with["document"]) == ("unresolved", "warning", "plan")


def test_xref_rules_a_forwarding_notice_does_not_cite_itself():
    relay = _doc(
        "relay", "东政〔2023〕3号", "东川市人民政府关于转发江澜省数据条例实施办法的通知", "2023-01-05",
        _ref("x", "江澜省数据条例实施办法", "澜政〔2022〕1号"), body_title="江澜省数据条例实施办法",
    )  # fmt: skip
    assert [f.kind for f in check_corpus([relay]).findings] == ["unresolved"]


# --- the graph's layout: legible at 50 documents, usable at 2,000 -----------------------------


def _synthetic_report(n_docs: int, seed: int = 7) -> dict:
    """A report of ``n_docs`` invented documents over ten years, each citing up to three older ones,
    a tenth of the citations pointing outside the corpus."""
    import random

    rng = random.Random(seed)
    docs, edges, ghosts = [], [], {}
    for i in range(n_docs):
        year = 2014 + i * 10 // max(n_docs, 1)
        docs.append({"id": f"d{i}", "file": f"d{i}.pdf", "doc_number": f"东测〔{year}〕{i + 1}号",
                     "title": f"东川市测试局关于第{i + 1}项工作的通知", "body_title": None,
                     "issue_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "issuer": None,
                     "path": None})
        for _ in range(rng.randint(0, 3) if i else 0):
            if rng.random() < 0.1:
                gid = f"ghost:澜政〔{rng.randint(2005, 2013)}〕{rng.randint(1, 40)}号"
                ghosts.setdefault(gid, {"id": gid, "doc_number": gid[6:], "title": None, "cited_by": []})
                edges.append({"citing": f"d{i}", "cited": gid, "status": "unresolved", "reference": None})
            else:
                edges.append({"citing": f"d{i}", "cited": f"d{rng.randrange(i)}", "status": "resolved",
                              "reference": None})
    findings = [{"id": "F001", "kind": "title_number_mismatch", "severity": "error", "message": "x",
                 "citing": "d1", "reference": None, "cited": None, "compared_with": None, "similarity": None,
                 "occurrences": [], "cited_by": None}] if n_docs > 1 else []
    summary = {"documents": n_docs, "references": len(edges), "citations": len(edges), "resolved": len(edges),
               "unresolved_documents": len(ghosts), "findings": len(findings),
               "by_severity": {"error": len(findings), "warning": 0, "info": 0}, "by_kind": {}}
    return {"summary": summary, "documents": docs, "ghosts": list(ghosts.values()), "edges": edges,
            "findings": findings}


@pytest.mark.parametrize("n", [1, 12, 50, 2000])
def test_xref_graph_layout_every_node_in_its_own_cell(n):
    from pipeline.xref.graph import DEFAULT_COLUMN_WIDTH, DEFAULT_ROW_HEIGHT, LABEL_CHARS, LABEL_OFFSET, layout

    report = _synthetic_report(n)
    lay = layout(report)
    assert len(lay.nodes) == n + len(report["ghosts"])
    cells = {(round(node.x), round(node.y)) for node in lay.nodes}
    assert len(cells) == len(lay.nodes)  # no two nodes share a place
    xs, ys = sorted({x for x, _ in cells}), sorted({y for _, y in cells})
    assert all(b - a >= DEFAULT_COLUMN_WIDTH for a, b in zip(xs, xs[1:]))
    assert all(b - a >= DEFAULT_ROW_HEIGHT for a, b in zip(ys, ys[1:]))
    assert LABEL_OFFSET + LABEL_CHARS * 11 < DEFAULT_COLUMN_WIDTH  # a label fits its column
    assert all(len(node.label) <= LABEL_CHARS for node in lay.nodes)
    # older documents stand left of newer ones
    years = {node.layer: node.x for node in lay.nodes if not node.ghost}
    assert sorted(years, key=years.get) == sorted(years)
    assert lay.height <= 46 + 40 * DEFAULT_ROW_HEIGHT + 16  # wide rather than endlessly tall


_OVERLAPS_JS = """
const boxes = Array.from(document.querySelectorAll('#graph g.node')).map(g => g.getBoundingClientRect());
let overlaps = 0;
const sorted = boxes.slice().sort((a, b) => a.left - b.left);
for (let i = 0; i < sorted.length; i++) {
  for (let j = i + 1; j < sorted.length && sorted[j].left < sorted[i].right; j++) {
    const a = sorted[i], b = sorted[j];
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
      overlaps++;
  }
}
const svg = document.getElementById('graph').getBoundingClientRect();
const xs = new Set(boxes.map(b => Math.round(b.left))), ys = new Set(boxes.map(b => Math.round(b.top)));
const inside = boxes.every(b => b.left >= svg.left && b.right <= svg.right && b.top >= svg.top && b.bottom <= svg.bottom);
return {n: boxes.length, overlaps: overlaps, columns: xs.size, rows: ys.size, inside: inside,
        width: svg.width, height: svg.height};
"""


def test_xref_graph_in_a_browser_legible_at_50_usable_at_2000(tmp_path):
    from pipeline.xref.graph import render_graph
    from tests.browser import chromium

    with chromium(tmp_path) as driver:
        for n in (50, 2000):
            report = _synthetic_report(n)
            page = tmp_path / f"graph{n}.html"
            page.write_text(render_graph(report), encoding="utf-8")
            driver.get(page.as_uri())
            got = driver.execute_script(_OVERLAPS_JS)
            assert got["n"] == n + len(report["ghosts"])
            assert got["overlaps"] == 0 and got["inside"]  # labels included: every node's box is its own
            assert got["columns"] >= 10 and got["rows"] >= 5  # spread over the page, not on its border
            if n == 2000:
                assert got["height"] < 1100  # wide and scrolled sideways, not thousands of pixels tall
                box = driver.find_element("id", "filter")
                box.send_keys("东测〔2020〕")
                shown = driver.execute_script("return document.querySelectorAll('#graph g.node:not(.out)').length")
                assert 0 < shown < 400 and "shown" in driver.find_element("id", "shown").text
                box.clear()
                driver.execute_script("document.querySelector('#graph g.node[data-id=\"d1\"]').dispatchEvent("
                                      "new MouseEvent('click', {bubbles: true}))")
                lit = driver.execute_script("return document.querySelectorAll('#graph .lit').length")
                hl = driver.execute_script("return document.querySelectorAll('tr.finding.hl').length")
                assert lit >= 2 and hl == 1  # the node, its edges and neighbours; its finding picked out


def _textbook_edits(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


_TITLE_CHARS = "关于印发东川市数据要素市场培育行动方案的通知授杈权（）2023年—"


@settings(max_examples=300, deadline=None)
@given(st.text(_TITLE_CHARS, max_size=30), st.text(_TITLE_CHARS, max_size=30), st.integers(0, 5))
def test_xref_edits_match_the_textbook_distance(a, b, limit):
    from pipeline.xref.keys import edits

    assert edits(a, b, limit) == min(_textbook_edits(a, b), limit + 1)


_WRAPPED = "《东川市人民政府关于印发东川市数据条例\n实施办法的通知》（东政〔2022〕30号）"
# (citing text, its reference as the parse gave it): a right title, wrapped across a line, a number no one has
WRAPPED_TITLES = [
    ("按照" + _WRAPPED, _ref(_WRAPPED, "东川市人民政府关于印发东川市数据条例\n实施办法的通知", "东政〔2022〕30号",
                            span=(2, 2 + len(_WRAPPED)))),
    ("按照" + _WRAPPED, _ref(_WRAPPED, None, "东政〔2022〕30号", span=(2, 2 + len(_WRAPPED)))),  # title lost
    ("按照" + _WRAPPED, _ref("东政〔2022〕30号", None, "东政〔2022〕30号",
                            span=(2 + _WRAPPED.index("东政"), 1 + len(_WRAPPED)))),  # the number alone
]


@pytest.mark.parametrize(("text", "ref"), WRAPPED_TITLES)
def test_xref_rules_right_title_wrapped_with_a_wrong_number(text, ref):
    citer = _doc("citer", "东科〔2023〕6号", "东川市科学技术局关于组织申报数据创新项目的通知", "2023-06-01", ref,
                 text=text)
    (finding,) = check_corpus([NOTICE, citer]).findings
    assert finding.kind == "title_number_mismatch" and finding.severity == "error"
    assert "\n" not in finding.message and "东政〔2023〕3号" in finding.message


@pytest.mark.parametrize("text", ["根据《东川市数据条例》和东政〔2022〕30号文件", "东政〔2022〕30号"])
def test_xref_rules_no_title_taken_from_further_away(text):
    start = text.index("东政")
    ref = _ref("东政〔2022〕30号", None, "东政〔2022〕30号", span=(start, start + 11))
    citer = _doc("citer", "东科〔2023〕6号", "东川市科学技术局关于组织申报数据创新项目的通知", "2023-06-01", ref,
                 text=text)
    assert [f.kind for f in check_corpus([NOTICE, citer]).findings] == ["unresolved"]


@pytest.mark.parametrize("hostile", ["<!--<script>", "</script><script>alert(1)</script>", "a\u2028b", "\"'><b>"])
def test_xref_graph_page_carries_any_title_as_text(hostile):
    from pipeline.xref.graph import render_graph

    report = _synthetic_report(3)
    report["documents"][1]["title"] = hostile
    report["documents"][2]["doc_number"] = hostile
    page = render_graph(report)
    assert page.count("<script") == 1 and page.count("</script>") == 1  # only the page's own
    assert hostile not in page or hostile == "a\u2028b"

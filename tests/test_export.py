"""Table exports: rows, columns and dtypes, the four formats, round trips, the CLI.

The documents here are written by hand (schema-valid, fictional), so the
tests depend on the JSON lists only, not on any extractor's behaviour.
"""

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline import cli, schema, validate
from pipeline import columns as cols
from pipeline.batch import MANIFEST, Record
from pipeline.export import (
    FORMATS,
    TABLES,
    ExportError,
    coerce,
    columns,
    export_table,
    flatten_item,
    load_table,
    read_table,
    section_path,
    write_table,
)

PARAS = [
    "东川市人民政府办公室文件",
    "东政办〔2023〕12号",
    "一、总体要求",
    "到2025年，全市数字经济规模达到500亿元以上。",
    "二、主要任务",
    "（一）扩大对外贸易。进出口总额年均增长10%以上，依据《东川市开放型经济发展规划》（东政〔2021〕3号）。",
    "东川市人民政府办公室",
]
TEXT = "\n".join(PARAS)


def _span(sub: str, start: int = 0) -> list[int]:
    i = TEXT.index(sub, start)
    return [i, i + len(sub)]


def _para(n: int) -> list[int]:
    start = sum(len(p) + 1 for p in PARAS[:n])
    return [start, start + len(PARAS[n])]


def _section(sid, level, marker, title, parent, first, last):
    head = _span(marker + title)
    return {"id": sid, "level": level, "marker": marker, "number": 1, "title": title, "parent": parent,
            "kind": "heading", "span": [_para(first)[0], _para(last)[1]], "heading": head, "page": 1,
            "bbox": [80.0, 100.0, 200.0, 116.0]}


def _trace(sub: str, page: int | None = 1) -> dict:
    return {"text": sub, "span": _span(sub), "page": page, "bbox": [90.0, 120.5, 300.25, 136.0] if page else None}


def _target(sub, value, unit, *, value_max=None, normalized=None, comparator=">=", kind="level", year=None,
            section=None):
    return {**_trace(sub), "indicator": "数字经济规模", "value": value, "value_max": value_max, "unit": unit,
            "normalized": normalized, "comparator": comparator, "kind": kind, "year": year, "modality": "到",
            "section": section, "sentence": sub, "role": "target", "source": "text"}


def make_doc(number: str | None = "东政办〔2023〕12号", issue_date: str | None = "2023-05-08",
             targets: bool = True, sha: str = "a" * 64) -> dict:
    """A schema-valid document: two level-1 headings, one level-2, two targets, dates, references, entities."""
    doc_number = None
    if number:
        doc_number = {"text": number, "agency_code": number.split("〔")[0], "year": 2023, "serial": 12}
    data = {
        "schema_version": "1.0.0",
        "source": {"file": "notice.pdf", "sha256": sha, "pages": 2, "engine": "pdfplumber"},
        "text": TEXT,
        "pages": [{"number": n, "width": 595.3, "height": 841.9, "page_number": None, "header": None,
                   "footer": None, "quality": "ok"} for n in (1, 2)],
        "metadata": {
            "issuer": "东川市人民政府办公室", "issuers": ["东川市人民政府办公室"], "doc_number": doc_number,
            "title": "东川市人民政府办公室关于加快数字经济发展的通知", "doc_type": "通知",
            "recipients": ["各县（市、区）人民政府", "市政府各部门"], "issue_date": issue_date, "signer": None,
            "signatories": [], "body_title": None, "attachments": [], "cc": ["市委各部门"],
            "printer": "东川市人民政府办公室", "print_date": issue_date, "extra": {"主办": "市发展改革委"},
            "flags": [] if number else ["no_doc_number"],
        },
        "sections": [
            _section("s1", 1, "一、", "总体要求", None, 2, 3),
            _section("s2", 1, "二、", "主要任务", None, 4, 5),
            _section("s2.1", 2, "（一）", "扩大对外贸易", "s2", 5, 5),
        ],
        "targets": [
            _target("达到500亿元以上", 500, "亿元", normalized={"value": 5e10, "unit": "元"}, year=2025,
                    section="s1"),
            _target("年均增长10%以上", 10, "%", kind="growth"),
        ] if targets else [],
        "quantities": [],
        "dates": [
            {**_trace("2025年"), "value": "2025", "kind": "year"},
            {**_trace("2023", page=None), "value": "2023-02/2025-12", "kind": "range"},
        ],
        "references": [
            {**_trace("《东川市开放型经济发展规划》（东政〔2021〕3号）"),
             "doc_number": {"text": "东政〔2021〕3号", "agency_code": "东政", "year": 2021, "serial": 3},
             "title": "东川市开放型经济发展规划", "relation": "cites", "issuer_guess": "东川市人民政府",
             "repaired": False},
        ],
        "entities": [{**_trace("东川市人民政府办公室"), "label": "ORG", "source": "rule"}],
        "warnings": [],
    }
    validate(data)
    return data


@pytest.fixture
def outdir(tmp_path) -> Path:
    """A batch folder: two good documents in the manifest, one failed input, one stray JSON file."""
    out = tmp_path / "out"
    out.mkdir()
    docs = {"notice-1a2b3c4d": make_doc(),
            "plain-5e6f7a8b": make_doc(number=None, issue_date=None, targets=False, sha="c" * 64)}
    lines = []
    for stem, data in docs.items():
        (out / f"{stem}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        lines.append(Record(f"/in/{stem}.pdf", "a" * 64, "ok", output=f"{stem}.json", pages=2).to_line())
    lines.append(Record("/in/bad.pdf", "b" * 64, "failed", error="/in/bad.pdf: not a PDF").to_line())
    (out / "stray-00000000.json").write_text(json.dumps(make_doc(sha="d" * 64)), encoding="utf-8")  # not listed
    (out / MANIFEST).write_text("".join(lines), encoding="utf-8")
    return out


# --- rows ------------------------------------------------------------------------------

SECTION_PATHS = [
    ({"section": "s2.1", "span": [0, 1]}, "二、主要任务 / （一）扩大对外贸易"),  # the item's own section wins
    ({"section": None, "span": _span("年均增长10%")}, "二、主要任务 / （一）扩大对外贸易"),
    ({"section": None, "span": _span("达到500亿元")}, "一、总体要求"),
    ({"section": "s9", "span": _span("达到500亿元")}, "一、总体要求"),  # an unknown id falls back to the span
    ({"section": None, "span": _span("东政办〔2023〕12号")}, None),  # 版头: above every heading
    ({"section": None}, None),
]


@pytest.mark.parametrize(("item", "expected"), SECTION_PATHS)
def test_export_section_path(item, expected):
    assert section_path(make_doc()["sections"], item) == expected


FLATTEN = [
    ({"text": "x", "span": [3, 5], "bbox": [1, 2, 3, 4]},
     {"text": "x", "span_start": 3, "span_end": 5, "bbox_x0": 1, "bbox_top": 2, "bbox_x1": 3, "bbox_bottom": 4}),
    ({"bbox": None}, {"bbox_x0": None, "bbox_top": None, "bbox_x1": None, "bbox_bottom": None}),
    ({"normalized": {"value": 5e10, "unit": "元"}}, {"normalized_value": 5e10, "normalized_unit": "元"}),
    ({"normalized": None}, {"normalized_value": None, "normalized_unit": None}),
    ({"doc_number": {"text": "东政〔2021〕3号", "agency_code": "东政", "year": 2021, "serial": 3}},
     {"doc_number": "东政〔2021〕3号", "doc_number_agency_code": "东政", "doc_number_year": 2021,
      "doc_number_serial": 3}),
    ({"aliases": ["市政府", "东川市政府"]}, {"aliases": "市政府；东川市政府"}),  # a field added later
    ({"new_field": 7}, {"new_field": 7}),
]


@pytest.mark.parametrize(("item", "expected"), FLATTEN)
def test_export_flatten_item(item, expected):
    assert flatten_item(item) == expected


def test_export_targets_rows_carry_document_and_section(outdir):
    df = load_table(outdir, "targets")
    assert len(df) == 2  # the stray file and the failed input are not read
    row = df.iloc[0]
    assert row["document_id"] == "notice-1a2b3c4d"
    assert row["document_number"] == "东政办〔2023〕12号"
    assert row["document_title"].startswith("东川市人民政府办公室关于")
    assert row["document_issuer"] == "东川市人民政府办公室"
    assert row["document_date"] == pd.Timestamp("2023-05-08")
    assert row["section_path"] == "一、总体要求"
    assert (row["value"], row["unit"], row["target_year"], row["normalized_value"]) == (500.0, "亿元", 2025, 5e10)
    assert row["section_id"] == "s1"
    assert df.iloc[1]["section_path"] == "二、主要任务 / （一）扩大对外贸易"
    assert pd.isna(df.iloc[1]["target_year"]) and pd.isna(df.iloc[1]["value_max"])


DTYPES = [
    ("targets", "value", "float64"),
    ("targets", "value_max", "float64"),
    ("targets", "normalized_value", "float64"),
    ("targets", "target_year", "Int64"),
    ("targets", "year", None),  # renamed target_year: the year the value is for
    ("targets", "section", None),  # renamed section_id, beside section_path
    ("targets", "span_start", "Int64"),
    ("targets", "page", "Int64"),
    ("targets", "document_date", "datetime64[us]"),
    ("dates", "date_start", "datetime64[us]"),
    ("references", "doc_number_year", "Int64"),
    ("references", "repaired", "boolean"),
    ("targets", "approx", "boolean"),
    ("quantities", "approx", "boolean"),
    ("documents", "issue_date", None),  # the documents table calls it document_date
    ("documents", "document_date", "datetime64[us]"),
    ("documents", "print_date", "datetime64[us]"),
    ("documents", "pages", "Int64"),
    ("documents", "n_targets", "Int64"),
]


def test_export_approx_column(tmp_path):
    """A target flagged approx (培育近千家企业) exports True; one without the field (older outputs) False."""
    out = tmp_path / "out"
    out.mkdir()
    data = make_doc()
    data["targets"][0]["approx"] = True
    validate(data)
    (out / "notice-1a2b3c4d.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    df = load_table(out, "targets")
    assert list(df["approx"]) == [True, False]


@pytest.mark.parametrize(("table", "column", "dtype"), DTYPES)
def test_export_dtypes(outdir, table, column, dtype):
    df = load_table(outdir, table)
    if dtype is None:
        assert column not in df.columns
    else:
        assert str(df[column].dtype) == dtype


@pytest.mark.parametrize("table", TABLES)
def test_export_empty_folder_typed_empty_table(tmp_path, table):
    with pytest.raises(ExportError, match="no parse outputs"):
        load_table(tmp_path, table)
    df = coerce(pd.DataFrame([]), table)
    assert len(df) == 0 and list(df.columns) == list(columns(table))
    assert [str(t) for t in df.dtypes] == [str(pd.Series([], dtype=t).dtype) for t in columns(table).values()]


def test_export_documents_one_row_per_document(outdir):
    df = load_table(outdir, "documents")
    assert list(df["document_id"]) == ["notice-1a2b3c4d", "plain-5e6f7a8b"]
    first, second = df.iloc[0], df.iloc[1]
    assert (first["n_targets"], first["n_sections"], first["doc_number_year"], first["doc_number_serial"]) == \
        (2, 3, 2023, 12)
    assert first["recipients"] == "各县（市、区）人民政府；市政府各部门"
    assert json.loads(first["extra"]) == {"主办": "市发展改革委"}
    assert pd.isna(second["document_number"]) and pd.isna(second["document_date"])
    assert second["flags"] == "no_doc_number"


DATE_PERIODS = [
    ("2025", "2025-01-01", "2025-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
    ("2017-03-13", "2017-03-13", "2017-03-13"),
    ("2023-02/2025-12", "2023-02-01", "2025-12-31"),
    ("2016/2018", "2016-01-01", "2018-12-31"),
]


@pytest.mark.parametrize(("value", "start", "end"), DATE_PERIODS)
def test_export_dates_period(value, start, end):
    from pipeline.export import _period

    assert _period(value) == (start, end)


def test_export_dates_table_start_end(outdir):
    df = load_table(outdir, "dates")
    assert list(df["date_end"].dt.strftime("%Y-%m-%d")[:2]) == ["2025-12-31", "2025-12-31"]
    assert pd.isna(df.iloc[1]["page"]) and pd.isna(df.iloc[1]["bbox_x0"])


def test_export_without_manifest_reads_every_json(outdir):
    (outdir / MANIFEST).unlink()
    assert len(load_table(outdir, "documents")) == 3


# --- files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("suffix", FORMATS)
def test_export_round_trip(outdir, tmp_path, table, suffix):
    df = load_table(outdir, table)
    path = tmp_path / f"t{suffix}"
    write_table(df, path, table)
    pd.testing.assert_frame_equal(read_table(path, table), df)
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_export_csv_has_bom_and_opens_in_plain_pandas(outdir, tmp_path):
    path = tmp_path / "t.csv"
    export_table(outdir, path, "targets")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    plain = pd.read_csv(path, encoding="utf-8-sig", parse_dates=["document_date"])
    assert plain["value"].dtype == "float64" and str(plain["document_date"].dtype).startswith("datetime64")
    assert plain["document_number"][0] == "东政办〔2023〕12号"


def test_export_unknown_suffix_refused(outdir, tmp_path):
    with pytest.raises(ExportError):
        export_table(outdir, tmp_path / "t.txt")


# --- the CLI -------------------------------------------------------------------------------

def test_export_cli_writes_the_table(outdir, tmp_path, capsys):
    path = tmp_path / "targets.parquet"
    assert cli.main(["export", str(outdir), "--to", str(path)]) == 0
    assert len(pd.read_parquet(path)) == 2
    assert "2 targets rows" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "code"), [
    (["--to", "x.txt"], 2),  # unknown format: a usage error
    (["--to", "x.csv", "--table", "nope"], 2),
])
def test_export_cli_usage_errors(outdir, args, code):
    with pytest.raises(SystemExit) as e:
        cli.main(["export", str(outdir), *args])
    assert e.value.code == code


def test_export_cli_missing_folder_exit_1(tmp_path, capsys):
    assert cli.main(["export", str(tmp_path / "nope"), "--to", str(tmp_path / "x.csv")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and "no such folder" in err[0]


# --- what users meet (issue: the command line and its outputs) --------------------------------

def test_export_xlsx_dates_as_dates_frozen_header_fitted_widths(outdir, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "docs.xlsx"
    assert cli.main(["export", str(outdir), "--to", str(path), "--table", "documents"]) == 0
    sheet = load_workbook(path)["documents"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    date_cell = sheet.cell(row=2, column=header.index("document_date") + 1)
    assert date_cell.number_format == "yyyy-mm-dd" and date_cell.value.year == 2023
    widths = {name: sheet.column_dimensions[chr(ord("A") + i)].width for i, name in enumerate(header[:20])}
    assert widths["document_title"] > widths["pages"] >= len("pages")
    assert widths["document_title"] <= 60


@pytest.mark.parametrize("mask", [0o022, 0o002])
def test_export_files_follow_the_umask(outdir, tmp_path, mask):
    import os

    old = os.umask(mask)
    try:
        for suffix in FORMATS:
            path = tmp_path / f"t{suffix}"
            assert cli.main(["export", str(outdir), "--to", str(path)]) == 0
            assert path.stat().st_mode & 0o777 == 0o666 & ~mask
    finally:
        os.umask(old)


@pytest.mark.parametrize(("fmt", "check"), [
    (None, lambda raw: raw.startswith(b"document_id,document_number,")),  # no BOM in a pipe
    ("jsonl", lambda raw: json.loads(raw.splitlines()[0])["document_id"] == "notice-1a2b3c4d"),
    ("parquet", lambda raw: raw.startswith(b"PAR1")),
])
def test_export_cli_to_stdout(outdir, fmt, check):
    import subprocess
    import sys

    from conftest import ROOT

    args = [sys.executable, "-m", "pipeline", "export", str(outdir), "--to", "-", *(["--format", fmt] if fmt else [])]
    r = subprocess.run(args, cwd=ROOT, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert check(r.stdout)
    assert b"2 targets rows" in r.stderr


@pytest.mark.parametrize(("content", "words"), [
    (b"[1,2,3]", "not a parse output (a JSON list"),
    (b'{"schema_version": "1.0.0", "source": "x", "metadata": []}', "not a valid parse output"),
    (b'{"schema_version": "1.0.0", "sou', "not JSON, or cut short"),
    (b"\xff\xfe", "not JSON"),
    (b'{"findings": [], "edges": [], "summary": {}}', "an xref report"),
])
def test_export_listed_output_replaced_by_foreign_json_is_skipped_with_a_warning(outdir, tmp_path, capsys,
                                                                                    content, words):
    (outdir / "plain-5e6f7a8b.json").write_bytes(content)
    path = tmp_path / "docs.csv"
    assert cli.main(["export", str(outdir), "--to", str(path), "--table", "documents"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {outdir / 'plain-5e6f7a8b.json'}: {words}" in err and "skipped" in err
    assert len(pd.read_csv(path)) == 1  # the other document is exported


def test_export_beside_an_xref_report_and_without_a_manifest(outdir, tmp_path, capsys):
    (outdir / MANIFEST).unlink()
    (outdir / "report.json").write_text(json.dumps({"schema_version": "1.0.0", "source": "out", "summary": {},
                                                    "documents": ["x"], "edges": [], "findings": []}))
    assert cli.main(["export", str(outdir), "--to", str(tmp_path / "d.csv"), "--table", "documents"]) == 0
    assert "report.json: an xref report, not a parse output; skipped" in capsys.readouterr().err


def test_export_folder_without_outputs_one_line_exit_1(tmp_path, capsys):
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    assert cli.main(["export", str(tmp_path), "--to", str(tmp_path / "x.csv")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "no parse outputs" in err[0]
    assert not (tmp_path / "x.csv").exists()


def test_export_never_follows_a_manifest_path_outside_the_folder(outdir, tmp_path, capsys):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "planted.json").write_text(json.dumps(make_doc(sha="e" * 64)), encoding="utf-8")
    with (outdir / MANIFEST).open("a", encoding="utf-8") as f:
        f.write(json.dumps({"path": "/in/planted.pdf", "sha256": "e" * 64, "status": "ok",
                            "output": "../victim/planted.json"}) + "\n")
    (outdir / "link.json").symlink_to(victim / "planted.json")
    with (outdir / MANIFEST).open("a", encoding="utf-8") as f:
        f.write(json.dumps({"path": "/in/link.pdf", "sha256": "e" * 64, "status": "ok", "output": "link.json"}) + "\n")
    path = tmp_path / "d.csv"
    assert cli.main(["export", str(outdir), "--to", str(path), "--table", "documents"]) == 0
    assert list(pd.read_csv(path)["document_id"]) == ["notice-1a2b3c4d", "plain-5e6f7a8b"]
    err = capsys.readouterr().err
    assert "outside the folder ('../victim/planted.json'); ignored" in err
    assert f"{outdir / 'link.json'}: a link to outside the folder; skipped" in err


# --- the columns follow the schema: every entry of columns' own tables checked against it ----------------


def test_export_tables_are_the_schema_lists_of_traceable_items_and_documents():
    assert TABLES == (*schema.item_lists(), "documents")
    assert TABLES == ("targets", "quantities", "dates", "references", "entities", "tasks", "documents")


@pytest.mark.parametrize("path", [*cols.DOCUMENT_FROM.values(), *cols.DOCUMENTS_FROM])
def test_export_every_documents_path_is_a_scalar_or_list_of_the_schema(path):
    node = cols.node_at(path)  # raises KeyError for a path the schema lacks
    assert not cols.keys(node) and not cols.parts(node), f"{path} is an object: name its keys"


def test_export_documents_table_leaves_out_no_property_of_source_or_metadata_unsaid():
    """A property the schema gains is a column of the documents table or left out with a reason: never forgotten."""
    taken = {tuple(p.split(".")) for p in cols.DOCUMENT_FROM.values()} | {p for _, _, p in cols.documents_columns()}
    left_out = {tuple(p.split(".")) for p in cols.DOCUMENTS_LEFT_OUT}
    for part in ("source", "metadata"):
        for name, node in schema.properties(cols.node_at(part)).items():
            if (part, name) in left_out:
                continue
            paths = {path for _, _, path in cols.flat_paths(name, (part, name), node)}
            assert paths <= taken, f"{sorted(paths - taken)}: a column, or in DOCUMENTS_LEFT_OUT with the reason"
    for path in cols.DOCUMENTS_LEFT_OUT:
        cols.node_at(path)  # names a property the schema has
        assert not any(p[: len(path.split("."))] == tuple(path.split(".")) for p in taken), path
    lists = {k for k, v in schema.document_schema()["properties"].items() if v.get("type") == "array"}
    assert set(cols.COUNTED) <= lists


def test_export_flat_paths_of_a_located_object():
    """A located object (text, span, page) flattens into named columns, the span into its two parts."""
    node = {"type": ["object", "null"], "properties": {"text": {"type": "string"}, "span": {"$ref": "#/$defs/span"},
                                                       "page": {"$ref": "#/$defs/page"}}}
    assert cols.flat_paths("number_at", ("metadata", "number_at"), node) == [
        ("number_at", "str", ("metadata", "number_at", "text")),
        ("number_at_span_start", "Int64", ("metadata", "number_at", "span", 0)),
        ("number_at_span_end", "Int64", ("metadata", "number_at", "span", 1)),
        ("number_at_page", "Int64", ("metadata", "number_at", "page"))]


@pytest.mark.parametrize("table", list(cols.RENAMED))
def test_export_renamed_fields_are_item_properties(table):
    tables = schema.item_lists() if table == "*" else (table,)
    for field, column in cols.RENAMED[table].items():
        holders = [t for t in tables if field in cols.item_properties(t)]
        assert holders, f"{table}: {field} is no property of its items"
        for t in holders:
            assert column in cols.columns(t) and field not in cols.columns(t)


@pytest.mark.parametrize("table", list(cols.DERIVED))
def test_export_derived_columns_follow_a_property_of_the_items(table):
    after, derived = cols.DERIVED[table]
    names = list(cols.columns(table))
    assert after in cols.item_properties(table)
    assert names[names.index(after) + 1: names.index(after) + 1 + len(derived)] == list(derived)


@pytest.mark.parametrize("table", TABLES)
def test_export_no_two_fields_share_a_column(table):
    """Every column comes from one place: no flattened name is given twice (a dict would hide it)."""
    if table == "documents":
        made = ["document_id", *cols.DOCUMENT_FROM, *(c for c, _, _ in cols.documents_columns()),
                *(f"n_{n}" for n in cols.COUNTED), "warnings"]
    else:
        renamed = cols.renamed(table)
        made = ["document_id", *cols.DOCUMENT_FROM, "section_path",
                *(renamed.get(c, c) for name, node in cols.item_properties(table).items()
                  for c in cols.flat_columns(name, node)),
                *cols.DERIVED.get(table, ("", {}))[1]]
    assert len(made) == len(set(made)) and sorted(made) == sorted(cols.columns(table))


def test_export_every_item_property_is_flattened_one_way():
    seen: dict = {}
    for table in schema.item_lists():
        for name, node in cols.item_properties(table).items():
            shape = (cols.parts(node), cols.keys(node))
            assert seen.setdefault(name, shape) == shape, name


FLAT_COLUMNS = [  # a property as the schema gives it -> its columns and dtypes
    ("value", {"type": "number"}, {"value": "float64"}),
    ("year", {"type": ["integer", "null"]}, {"year": "Int64"}),
    ("approx", {"type": "boolean", "default": False}, {"approx": "boolean"}),
    ("issue_date", {"type": ["string", "null"], "format": "date"}, {"issue_date": "datetime64[us]"}),
    ("kind", {"enum": ["level", "growth", "share"]}, {"kind": "str"}),
    ("bodies", {"type": "array", "items": {"type": "string"}}, {"bodies": "str"}),
    ("scope", {"$ref": "#/$defs/span"}, {"scope_start": "Int64", "scope_end": "Int64"}),
    ("bbox", {"$ref": "#/$defs/bbox"}, {"bbox_x0": "float64", "bbox_top": "float64", "bbox_x1": "float64",
                                        "bbox_bottom": "float64"}),
    ("doc_number", {"$ref": "#/$defs/doc_number"}, {"doc_number": "str", "doc_number_agency_code": "str",
                                                     "doc_number_year": "Int64", "doc_number_serial": "Int64"}),
]


@pytest.mark.parametrize(("name", "node", "expected"), FLAT_COLUMNS, ids=[f[0] for f in FLAT_COLUMNS])
def test_export_flat_columns_from_a_schema_node(name, node, expected):
    assert cols.flat_columns(name, node) == expected

"""The CLI through its real entry point: exit codes, stdout, stderr, bad files."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


@pytest.mark.parametrize("pdf", SAMPLES[:1], ids=lambda p: p.stem)
def test_cli_parse_to_stdout_and_validate(pdf, tmp_path):
    r = run("parse", str(pdf))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["source"]["pages"] > 0
    out = tmp_path / "x.json"
    out.write_text(r.stdout, encoding="utf-8")
    v = run("validate", str(out))
    assert v.returncode == 0 and "valid" in v.stdout


def test_cli_parse_writes_file(tmp_path):
    out = tmp_path / "sub" / "x.json"
    r = run("parse", str(SAMPLES[0]), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"]
    assert not list(out.parent.glob(".*.tmp"))  # no temporary file left behind


def test_cli_parse_with_the_ner_model(tmp_path):
    """``--ner-model`` runs the trained model after the rules: a superset of the rule entities."""
    plain, with_model = tmp_path / "rules.json", tmp_path / "model.json"
    assert run("parse", str(SAMPLES[0]), "-o", str(plain)).returncode == 0
    r = run("parse", str(SAMPLES[0]), "--ner-model", "-o", str(with_model))
    assert r.returncode == 0, r.stderr
    rules = json.loads(plain.read_text(encoding="utf-8"))["entities"]
    both = json.loads(with_model.read_text(encoding="utf-8"))["entities"]
    assert {e["source"] for e in rules} == {"rule"}
    assert [e for e in both if e["source"] == "rule"] == rules
    assert run("validate", str(with_model)).returncode == 0


BAD_FILES = [
    ("not_pdf", b"this is a text file, not a PDF\n", "not a PDF"),
    ("empty", b"", "empty file"),
    ("truncated", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "corrupt"),
    ("garbage", b"%PDF-1.7\n" + bytes(range(256)) * 20, "corrupt"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_cli_bad_file_one_line_error(name, content, message, tmp_path):
    f = tmp_path / f"{name}.pdf"
    f.write_bytes(content)
    r = run("parse", str(f))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_cli_missing_file(tmp_path):
    r = run("parse", str(tmp_path / "nope.pdf"))
    assert r.returncode == 1 and "cannot read" in r.stderr


@pytest.mark.parametrize("args", [(), ("parse",), ("frobnicate",), ("parse", "x.pdf", "--engine", "nope")])
def test_cli_usage_error_exits_2(args):
    assert run(*args).returncode == 2


def test_cli_validate_rejects_bad_json(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps({"schema_version": "1.0.0"}), encoding="utf-8")
    r = run("validate", str(f))
    assert r.returncode == 1 and "$" in r.stderr


def test_cli_validate_names_json_path(tmp_path):
    r = run("parse", str(SAMPLES[0]))
    data = json.loads(r.stdout)
    data["metadata"]["issue_date"] = 17
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    v = run("validate", str(f))
    assert v.returncode == 1 and "$.metadata.issue_date" in v.stderr


def test_cli_every_command_has_help_with_example():
    from pipeline.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert p.description and p.epilog and "example" in p.epilog, name


GENERATED_BAD = [
    ("not_pdf", None, "not a PDF"),
    ("empty", None, "empty file"),
    ("truncated", None, "corrupt"),
    ("corrupt", None, "corrupt"),
    ("encrypted", None, "give --password"),
    ("encrypted", "wrong", "wrong password"),
]


@pytest.mark.parametrize(("kind", "password", "message"), GENERATED_BAD)
def test_cli_generated_bad_file(kind, password, message, tmp_path):
    from tests.fixtures import make_bad_file

    f = make_bad_file(kind, tmp_path)
    r = run("parse", str(f), *(["--password", password] if password else []))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr, r.stderr


def test_cli_encrypted_with_password_parses(tmp_path):
    from tests.fixtures import ENCRYPTED_PASSWORD, make_bad_file

    f = make_bad_file("encrypted", tmp_path)
    r = run("parse", str(f), "--password", ENCRYPTED_PASSWORD)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["metadata"]["title"]


def test_cli_internal_error_is_one_line(monkeypatch, capsys):
    from pipeline import cli, run

    def boom(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(run, "parse_pdf", boom)
    monkeypatch.delenv("PIPELINE_DEBUG", raising=False)
    assert cli.main(["parse", str(SAMPLES[0])]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "internal error (RuntimeError: simulated bug)" in err[0]


def test_cli_export_offers_the_schema_tables_and_export_formats():
    """The table and format names come from the one definition (pipeline.columns), not a copy in the CLI."""
    from pipeline import cli
    from pipeline.columns import FORMATS, TABLES

    parser = cli.build_parser()
    actions = {a.dest: a for a in parser._subparsers._group_actions[0].choices["export"]._actions}
    assert tuple(actions["table"].choices) == TABLES
    assert [f".{c}" for c in actions["format"].choices] == list(FORMATS)


@pytest.mark.parametrize("command", ["batch", "review"])
def test_cli_environment_options_reach_every_parse(command, tmp_path, monkeypatch):
    """PIPELINE_OCR=0 and PIPELINE_NO_C=1 are read by the CLI and passed as options to batch's and review's parses."""
    import pipeline.batch as batch_pkg
    import pipeline.review as review_pkg
    from pipeline.cli import main

    sample = str(SAMPLES[0])

    seen: dict = {}
    monkeypatch.setenv("PIPELINE_OCR", "0")
    monkeypatch.setenv("PIPELINE_NO_C", "1")
    if command == "batch":
        def fake_run_batch(inputs, outdir, **kw):
            seen.update(kw)
            raise batch_pkg.BatchError("stop here")
        monkeypatch.setattr(batch_pkg, "run_batch", fake_run_batch)
        argv = ["batch", sample, "-o", str(tmp_path / "out")]
    else:
        def fake_write_review(path, out, **kw):
            seen.update(kw)
            raise review_pkg.ReviewError("stop here")
        monkeypatch.setattr(review_pkg, "write_review", fake_write_review)
        argv = ["review", sample, "-o", str(tmp_path / "r.html")]
    assert main(argv) == 1
    assert seen["ocr"] is False and seen["native"] is False

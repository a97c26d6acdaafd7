"""Reading output folders (pipeline/outputs.py) and the command line as users expect it.

Each test is a repro a user met, run through the real entry point: moved and
renamed inputs, --quiet, Ctrl-C, stdin and stdout, xref over mixed inputs, and
output folders holding things that are not parse outputs.
"""

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from pipeline import cli
from pipeline.batch import MANIFEST, read_manifest
from pipeline.outputs import NotAnOutput, list_outputs, read_output, read_outputs
from tests.fixtures import make_bad_file, make_fixture

FIXTURES = ("notice_transmits_plan", "regulation_articles", "no_doc_number")


def _run(*args: str, stdin: bytes | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, input=stdin, capture_output=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> Path:
    """Three generated notices in a folder."""
    root = tmp_path_factory.mktemp("pdfs")
    for name in FIXTURES:
        make_fixture(name, root)
    return root


@pytest.fixture(scope="module")
def parsed(pdfs, tmp_path_factory) -> Path:
    """The three parsed once by batch."""
    out = tmp_path_factory.mktemp("parsed") / "out"
    assert cli.main(["batch", str(pdfs), "-o", str(out), "-q", "--workers", "2"]) == 0
    return out


# --- the reader -------------------------------------------------------------------------------

FOREIGN = [
    (b"[1,2,3]", "not a parse output (a JSON list, not an object)"),
    (b'{"a": 1}', "not a parse output (no schema_version)"),
    (b'{"schema_version": "1.0.0", "source": "x"}', "not a valid parse output (at $"),
    (b'{"schema_version": "1.0.0", "text": "cut', "not JSON, or cut short"),
    (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    (b"", "not JSON, or cut short"),
    (b'{"summary": {}, "edges": [], "findings": [], "schema_version": "1.0.0"}', "an xref report"),
]


@pytest.mark.parametrize(("content", "words"), FOREIGN)
def test_outputs_read_output_names_what_is_wrong(tmp_path, content, words):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(NotAnOutput) as e:
        read_output(path)
    assert str(e.value).startswith(f"{path}: ") and words in str(e.value) and "\n" not in str(e.value)


def test_outputs_read_outputs_skips_foreign_files_and_reads_the_rest(parsed, tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(parsed, folder)
    (folder / MANIFEST).unlink()
    good = sorted(folder.glob("*.json"))
    for content, _ in FOREIGN:
        (folder / f"foreign-{len(content)}.json").write_bytes(content)
    notes: list[str] = []
    docs = list(read_outputs([folder], notes))
    assert [d.path for d in docs] == good
    assert len(notes) == len(FOREIGN) and all("skipped" in n for n in notes)


def test_outputs_the_same_pdf_twice_is_read_once(parsed, tmp_path):
    one = next(iter(list_outputs(parsed)))
    (tmp_path / "copy.json").write_bytes(one.read_bytes())
    notes: list[str] = []
    docs = list(read_outputs([parsed, tmp_path / "copy.json"], notes))
    assert len(docs) == len(FIXTURES) and "read once" in notes[0]


@pytest.mark.parametrize("output", ["../victim/planted.json", "/etc/passwd", "..", "sub/x.json", 3, ""])
def test_outputs_manifest_never_names_a_file_outside_the_folder(parsed, tmp_path, output):
    folder = tmp_path / "out"
    shutil.copytree(parsed, folder)
    with (folder / MANIFEST).open("a", encoding="utf-8") as f:
        f.write(json.dumps({"path": "/in/planted.pdf", "sha256": "e" * 64, "status": "ok", "output": output}) + "\n")
    notes: list[str] = []
    paths = list_outputs(folder, notes)
    assert len(paths) == len(FIXTURES) and all(p.parent == folder for p in paths)
    assert read_manifest(folder)["/in/planted.pdf"].output is None or output == ""


# one rule for an output name in a manifest, whoever reads it (export/xref/review and batch)
OUTPUT_NAMES = [
    ("a-1a2b3c4d.json", True),
    ("../victim/x.json", False),
    (".hidden.json", False),
    ("notes.txt", False),
    ("sub/x.json", False),
    ("a\\x.json", False),
]


@pytest.mark.parametrize(("name", "accepted"), OUTPUT_NAMES)
def test_outputs_manifest_one_rule_for_every_reader(parsed, tmp_path, name, accepted):
    folder = tmp_path / "out"
    shutil.copytree(parsed, folder)
    one = list_outputs(parsed)[0]
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(one.read_bytes())  # the file is there: only the rule keeps it out
    with (folder / MANIFEST).open("a", encoding="utf-8") as f:
        f.write(json.dumps({"path": "/in/n.pdf", "sha256": "e" * 64, "status": "ok", "output": name}) + "\n")
    notes: list[str] = []
    listed = folder / name in list_outputs(folder, notes)
    recorded = read_manifest(folder)["/in/n.pdf"].output == name
    assert listed == recorded == accepted
    assert bool(notes) != accepted


# --- batch: content-addressed outputs --------------------------------------------------------


def test_outputs_moved_folder_is_recognised_and_not_duplicated(pdfs, tmp_path):
    mv1, out = tmp_path / "mv1", tmp_path / "out"
    shutil.copytree(pdfs, mv1)
    assert cli.main(["batch", str(mv1), "-o", str(out), "-q"]) == 0
    before = sorted(p.name for p in out.glob("*.json"))
    mv2 = mv1.rename(tmp_path / "mv2")
    r = _run("batch", str(mv2), "-o", str(out))
    assert r.returncode == 0, r.stderr
    state = read_manifest(out)
    assert sorted(state) == sorted(str(p.resolve()) for p in mv2.glob("*.pdf"))  # the new paths only
    assert {rec.status for rec in state.values()} == {"skipped"}
    assert sorted(p.name for p in out.glob("*.json")) == before  # nothing parsed again, no second output
    r = _run("export", str(out), "--to", "-", "--table", "documents", "--format", "jsonl")
    assert r.returncode == 0 and len(r.stdout.splitlines()) == len(FIXTURES)


def test_outputs_renamed_and_copied_inputs_share_the_output(pdfs, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(pdfs, src)
    assert cli.main(["batch", str(src), "-o", str(out), "-q"]) == 0
    before = sorted(p.name for p in out.glob("*.json"))
    (src / "no_doc_number.pdf").rename(src / "改名.pdf")
    shutil.copy(src / "regulation_articles.pdf", src / "副本.pdf")
    assert cli.main(["batch", str(src), "-o", str(out), "-q"]) == 0
    state = {Path(p).name: rec for p, rec in read_manifest(out).items()}
    assert sorted(state) == sorted(["notice_transmits_plan.pdf", "regulation_articles.pdf", "改名.pdf", "副本.pdf"])
    assert state["副本.pdf"].output == state["regulation_articles.pdf"].output
    assert state["改名.pdf"].status == "skipped" and state["改名.pdf"].outcome == "ok"
    assert sorted(p.name for p in out.glob("*.json")) == before


def test_outputs_changed_input_leaves_no_stale_output(pdfs, tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(pdfs / "no_doc_number.pdf", src / "x.pdf")
    assert cli.main(["batch", str(src), "-o", str(out), "-q"]) == 0
    shutil.copy(pdfs / "regulation_articles.pdf", src / "x.pdf")  # new content under the same name
    assert cli.main(["batch", str(src), "-o", str(out), "-q"]) == 0
    (rec,) = read_manifest(out).values()
    assert [p.name for p in out.glob("*.json")] == [rec.output] and rec.status == "ok"


# bad destinations: one line, exit 1, nothing made
BAD_DESTINATIONS = [  # the words: any of these says what is wrong with the destination
    (["batch", "{pdf}", "-o", "{file}"], ("exists and is not a folder", "is not a folder")),
    (["batch", "{pdf}", "-o", "{file}/sub"], ("cannot make the output folder", "is not a folder")),
    (["export", "{out}", "--to", "{missing}/x.csv"], ("no such folder",)),
    (["export", "{out}", "--to", "{file}/x.csv"], ("no folder", "not a folder", "Not a directory")),
    (["export", "{out}", "--to", "{dir}.csv"], ("is a folder", "a directory")),
]


@pytest.mark.parametrize(("argv", "words"), BAD_DESTINATIONS)
def test_outputs_bad_destination_is_one_line_exit_1(parsed, pdfs, tmp_path, argv, words):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "dir.csv").mkdir()
    values = {"pdf": str(pdfs / "no_doc_number.pdf"), "file": str(tmp_path / "file"), "out": str(parsed),
              "missing": str(tmp_path / "nonexist"), "dir": str(tmp_path / "dir")}
    r = _run(*[a.format(**values) for a in argv])
    lines = r.stderr.decode().strip().splitlines()
    assert r.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), lines
    assert any(w in lines[0] for w in words), lines
    assert "internal error" not in lines[0]
    assert not (tmp_path / "nonexist").exists() and (tmp_path / "file").is_file()


# --- quiet, Ctrl-C ------------------------------------------------------------------------------


def test_outputs_quiet_batch_still_prints_failures(tmp_path):
    bad = make_bad_file("not_pdf", tmp_path)
    r = _run("batch", str(bad), "-o", str(tmp_path / "out"), "-q")
    assert r.returncode == 1
    lines = r.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"failed: {bad.resolve()}: not a PDF (no %PDF- header)")


def test_outputs_ctrl_c_exits_130_and_leaves_nothing_half_written(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    data = SAMPLES[0].read_bytes()
    for i in range(12):  # distinct contents, so none is a copy of another
        (src / f"s{i}.pdf").write_bytes(data + f"\n% copy {i}\n".encode())
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "batch", str(src), "-o", str(out), "--workers", "2"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not list(out.glob("*.json")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.decode().strip().splitlines()[-1] == "interrupted"
    assert not list(out.glob(".*.tmp"))
    for rec in read_manifest(out).values():  # what is recorded is whole
        json.loads((out / rec.output).read_text(encoding="utf-8"))
    # the workers went with it (a zombie waiting for init to reap it is gone already)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ps = subprocess.run(["ps", "-o", "stat=", "-g", str(proc.pid)], capture_output=True, text=True).stdout
        alive = [s for s in ps.split() if not s.startswith("Z")]
        if not alive:
            break
        time.sleep(0.2)
    assert not alive


# --- stdin, stdout --------------------------------------------------------------------------------


def test_outputs_parse_reads_stdin():
    r = _run("parse", "-", stdin=SAMPLES[0].read_bytes())
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["source"]["file"] == "stdin" and data["metadata"]["doc_number"]["text"]
    bad = _run("parse", "-", stdin=b"not a pdf")
    assert bad.returncode == 1 and bad.stderr.decode().startswith("error: -: not a PDF (no %PDF- header)")
    assert len(bad.stderr.decode().strip().splitlines()) == 1


def test_outputs_parse_page_bar_only_on_a_terminal(monkeypatch, capsys):
    class Page:
        quality = "ocr"

    monkeypatch.setattr(cli, "DEFAULT_PROGRESS_DELAY", 0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    bar = cli._PageBar("scan.pdf")
    for _ in range(3):
        bar(Page())
    bar.close()
    assert "scan.pdf" in capsys.readouterr().err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    quiet = cli._PageBar("scan.pdf")
    quiet(Page())
    quiet.close()
    assert capsys.readouterr().err == ""


# --- xref over mixed inputs ----------------------------------------------------------------------


def test_outputs_xref_takes_folders_json_files_and_pdfs_together(parsed, pdfs, tmp_path):
    outs = list_outputs(parsed)
    single = tmp_path / "single"
    single.mkdir()
    shutil.copy(outs[0], single / "one.json")
    folder = tmp_path / "batch2"
    folder.mkdir()
    shutil.copy(outs[1], folder / outs[1].name)
    shutil.copy(SAMPLES[0], tmp_path / "x.pdf")
    r = _run("xref", str(folder), str(single / "one.json"), str(tmp_path / "x.pdf"), "-o", str(tmp_path / "rep"))
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "rep" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["documents"] == 3
    # two batch folders
    r = _run("xref", str(parsed), str(folder), "-o", str(tmp_path / "rep2"))
    assert r.returncode == 0, r.stderr
    assert b"read once" in r.stderr  # the file in both is one document
    assert json.loads((tmp_path / "rep2" / "report.json").read_text(encoding="utf-8"))["summary"]["documents"] == 3


def test_outputs_xref_folder_of_pdfs_and_foreign_json_parses_the_pdfs(pdfs, tmp_path):
    """mix/ = a.pdf + meta.json: a.pdf is parsed, meta.json skipped with a warning naming it."""
    mix = tmp_path / "mix"
    mix.mkdir()
    shutil.copy(pdfs / "no_doc_number.pdf", mix / "a.pdf")
    (mix / "meta.json").write_text('{"name":"m"}', encoding="utf-8")
    r = _run("xref", str(mix), "-o", str(tmp_path / "x"), "-q")
    assert r.returncode == 0, r.stderr
    assert f"warning: {mix / 'meta.json'}: not a parse output".encode() in r.stderr
    report = json.loads((tmp_path / "x" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["documents"] == 1


def test_outputs_xref_one_truncated_json_does_not_abort(parsed, tmp_path):
    folder = tmp_path / "out"
    shutil.copytree(parsed, folder)
    victim = list_outputs(folder)[0]
    victim.write_bytes(victim.read_bytes()[:500])
    r = _run("xref", str(folder), "-o", str(folder))  # the report beside the outputs, as users do
    assert r.returncode == 0, r.stderr
    assert f"warning: {victim}: not JSON, or cut short".encode() in r.stderr
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["documents"] == len(FIXTURES) - 1
    # and export beside the report
    r = _run("export", str(folder), "--to", str(tmp_path / "d.csv"), "--table", "documents")
    assert r.returncode == 0, r.stderr


def test_outputs_batch_review_never_writes_or_reads_outside_the_folder(pdfs, tmp_path):
    src, out, victim = tmp_path / "in", tmp_path / "out", tmp_path / "victim"
    src.mkdir()
    victim.mkdir()
    shutil.copy(pdfs / "no_doc_number.pdf", src / "x.pdf")
    assert cli.main(["batch", str(src), "-o", str(out), "-q"]) == 0
    (rec,) = read_manifest(out).values()
    (victim / "planted.json").write_bytes((out / rec.output).read_bytes())
    line = json.loads(rec.to_line())
    line["output"] = "../victim/planted.json"  # a planted record for the same input, unchanged
    with (out / MANIFEST).open("a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")
    assert cli.main(["batch", str(src), "-o", str(out), "-q", "--review"]) == 0
    assert sorted(p.name for p in victim.iterdir()) == ["planted.json"]  # no page written beside it
    (again,) = read_manifest(out).values()
    assert again.output == rec.output and (out / rec.output).with_suffix(".html").is_file()

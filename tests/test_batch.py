"""Batch conversion: every input accounted for, crash-safe reruns, isolation, Dask.

No timed assertions: timeouts are short only so that hanging fakes end
soon, and waits have generous bounds.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from pipeline import cli, validate
from pipeline.batch import (
    MANIFEST,
    BatchError,
    ProgressBar,
    Record,
    assign_outputs,
    expand_inputs,
    format_summary,
    output_name,
    plan_batch,
    read_manifest,
    retired_output,
    run_batch,
)
from tests.fixtures import make_bad_file, make_fixture

GOOD_FIXTURES = ("notice_transmits_plan", "regulation_articles", "no_doc_number")
# bad file kind -> the words its manifest error carries
BAD_FILES = [
    ("not_pdf", "not a PDF"),
    ("empty", "empty file"),
    ("truncated", "corrupt"),
    ("corrupt", "corrupt"),
    ("encrypted", ""),  # the wording is extract's: only the status is checked
]


def _manifest_lines(outdir: Path) -> list[dict]:
    return [json.loads(line) for line in (outdir / MANIFEST).read_text(encoding="utf-8").splitlines()]


def _by_name(outdir: Path) -> dict[str, dict]:
    return {Path(r["path"]).name + ("@sub" if Path(r["path"]).parent.name == "sub" else ""): r
            for r in _manifest_lines(outdir)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A folder like the issue's: samples, generated fixtures (one name twice, in two folders), bad files."""
    root = tmp_path_factory.mktemp("batch_in")
    (root / "sub").mkdir()
    for name in GOOD_FIXTURES:
        make_fixture(name, root)
    make_fixture(GOOD_FIXTURES[0], root / "sub")  # the same file name in another folder
    for kind, _ in BAD_FILES:
        make_bad_file(kind, root)
    for pdf in SAMPLES[:1]:
        shutil.copy(pdf, root / pdf.name)
    (root / "notes.txt").write_text("not an input: folders give *.pdf only", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def first_run(corpus, tmp_path_factory):
    """The batch run once over the corpus through the CLI; (outdir, exit code)."""
    out = tmp_path_factory.mktemp("batch_out")
    code = cli.main(["batch", str(corpus), "-o", str(out), "--workers", "2", "-q"])
    return out, code


# --- the whole batch -------------------------------------------------------------


def test_batch_accounts_for_every_input(corpus, first_run):
    out, code = first_run
    assert code == 1  # some inputs failed
    recs = _by_name(out)
    expected = {f"{n}.pdf" for n in GOOD_FIXTURES} | {f"{GOOD_FIXTURES[0]}.pdf@sub"}
    expected |= {f"bad_{k}.pdf" for k, _ in BAD_FILES} | {p.name for p in SAMPLES[:1]}
    assert set(recs) == expected
    assert len(_manifest_lines(out)) == len(expected)  # compacted: one line per input


@pytest.mark.parametrize(("kind", "message"), BAD_FILES)
def test_batch_bad_file_failed_with_message(first_run, kind, message):
    out, _ = first_run
    rec = _by_name(out)[f"bad_{kind}.pdf"]
    assert rec["status"] == "failed" and rec["output"] is None
    assert message in rec["error"] and "\n" not in rec["error"]


def test_batch_good_files_valid_json(first_run):
    out, _ = first_run
    oks = [r for r in _manifest_lines(out) if r["status"] == "ok"]
    assert len(oks) == len(GOOD_FIXTURES) + 1 + len(SAMPLES[:1])
    for rec in oks:
        data = json.loads((out / rec["output"]).read_text(encoding="utf-8"))
        validate(data)
        assert data["source"]["sha256"] == rec["sha256"]
        assert rec["pages"] == data["source"]["pages"] > 0
        for key in ("targets", "dates", "references", "entities"):
            assert rec[key] == len(data[key])
    # the same fixture in two folders is one file: its copies share one output
    assert sorted(p.name for p in out.glob("*.json")) == sorted({r["output"] for r in oks})
    assert not list(out.glob(".*.tmp"))


def test_batch_same_file_in_two_folders_one_output(first_run):
    out, _ = first_run
    recs = _by_name(out)
    a, b = recs[f"{GOOD_FIXTURES[0]}.pdf"], recs[f"{GOOD_FIXTURES[0]}.pdf@sub"]
    assert a["output"] == b["output"] and a["sha256"] == b["sha256"] and a["status"] == b["status"] == "ok"


def test_batch_rerun_skips_everything(corpus, first_run, tmp_path):
    out, _ = first_run
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    before = {p.name: p.read_bytes() for p in copy.glob("*.json")}
    report = run_batch([corpus], copy, workers=2)
    assert {r.status for r in report.records} == {"skipped"}
    assert len(report.failures) == len(BAD_FILES)  # still failed: exit 1 again
    assert {p.name: p.read_bytes() for p in copy.glob("*.json")} == before
    recs = _by_name(copy)
    assert recs[f"{GOOD_FIXTURES[0]}.pdf"]["previous"] == "ok"
    assert recs["bad_empty.pdf"]["previous"] == "failed" and "empty file" in recs["bad_empty.pdf"]["error"]


def test_batch_changed_input_redone_others_skipped(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    make_fixture("no_doc_number", src)
    bad = make_bad_file("not_pdf", src)
    run_batch([src], tmp_path / "out", workers=1, handler=fake_handler)
    make_fixture("regulation_articles", tmp_path)
    shutil.copy(tmp_path / "regulation_articles.pdf", bad)  # the bad file is fixed
    report = run_batch([src], tmp_path / "out", workers=1, handler=fake_handler)
    status = {Path(r.path).name: r.status for r in report.records}
    assert status == {"bad_not_pdf.pdf": "ok", "no_doc_number.pdf": "skipped"}
    assert not report.failures
    forced = run_batch([src], tmp_path / "out", workers=1, force=True, handler=fake_handler)
    assert {r.status for r in forced.records} == {"ok"}


def test_batch_deleted_output_redone(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    make_fixture("no_doc_number", src)
    first = run_batch([src], tmp_path / "out", workers=1, handler=fake_handler)
    (tmp_path / "out" / first.records[0].output).unlink()
    again = run_batch([src], tmp_path / "out", workers=1, handler=fake_handler)
    assert again.records[0].status == "ok" and (tmp_path / "out" / again.records[0].output).is_file()


def test_batch_ner_model_option_redoes_and_adds_model_entities(tmp_path):
    """``--ner-model`` is part of what a rerun compares: switching it redoes the files."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLES[0], src)
    out = tmp_path / "out"
    plain = run_batch([src], out, workers=1)
    rules = json.loads((out / plain.records[0].output).read_text(encoding="utf-8"))["entities"]
    with_model = run_batch([src], out, workers=1, ner_model=True)
    assert [r.status for r in with_model.records] == ["ok"]
    both = json.loads((out / with_model.records[0].output).read_text(encoding="utf-8"))["entities"]
    assert {e["source"] for e in rules} == {"rule"}
    assert [e for e in both if e["source"] == "rule"] == rules
    assert _by_name(out)[SAMPLES[0].name]["version"].endswith("+ner-model")
    assert [r.status for r in run_batch([src], out, workers=1, ner_model=True).records] == ["skipped"]


# --- inputs and names ------------------------------------------------------------

def test_batch_expand_inputs_files_folders_globs(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for rel in ("a/x.pdf", "a/b/y.PDF", "a/b/z.txt", "c.pdf", "d.bin"):
        (tmp_path / rel).write_bytes(b"%PDF-")
    got = expand_inputs([tmp_path / "a", str(tmp_path / "*.pdf"), tmp_path / "d.bin", tmp_path / "c.pdf"])
    assert [p.relative_to(tmp_path.resolve()).as_posix() for p in got] == ["a/b/y.PDF", "a/x.pdf", "c.pdf", "d.bin"]


@pytest.mark.parametrize("bad", ["missing.pdf", "nothing-*.pdf"])
def test_batch_expand_inputs_missing_is_an_error(tmp_path, bad):
    with pytest.raises(BatchError):
        expand_inputs([str(tmp_path / bad)])


OUTPUT_NAMES = [
    ("/data/郑州/郑政办-30.pdf", "0d3c9a7e" + "0" * 56, "郑政办-30-0d3c9a7e.json"),  # the rule's example in batch/plan.py
    ("/data/x/notice.PDF", "ab" * 32, "notice-abababab.json"),
    ("/data/y/notice.PDF", "ab" * 32, "notice-abababab.json"),  # the same content elsewhere: the same output
    ("/data/y/notice.PDF", "cd" * 32, "notice-cdcdcdcd.json"),
]


@pytest.mark.parametrize(("path", "sha", "expected"), OUTPUT_NAMES)
def test_batch_output_name_stem_and_content_hash(path, sha, expected):
    assert output_name(Path(path), sha) == expected


def test_batch_assign_outputs_never_collide():
    inputs = {Path(f"/d{i}/same.pdf"): f"{i:064x}"[::-1] if i % 2 else "1234abcd" + f"{i:056x}" for i in range(300)}
    names = assign_outputs(inputs)
    assert len(set(names.values())) == len(inputs)
    # a name already in the folder for other content is not reused
    taken = {names[Path("/d0/same.pdf")].casefold(): "f" * 64}
    assert assign_outputs({Path("/d0/same.pdf"): inputs[Path("/d0/same.pdf")]}, taken)[Path("/d0/same.pdf")] \
        != names[Path("/d0/same.pdf")]


# --- the manifest ----------------------------------------------------------------

def test_batch_manifest_tolerates_truncated_last_line(tmp_path):
    good = Record(path="/x/a.pdf", sha256="0" * 64, status="ok", output="a-1.json", pages=2)
    (tmp_path / MANIFEST).write_text(good.to_line() + '{"path": "/x/b.pdf", "sta', encoding="utf-8")
    assert read_manifest(tmp_path) == {"/x/a.pdf": good}


def test_batch_rerun_after_truncated_manifest_is_complete(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    make_fixture("no_doc_number", src)
    make_bad_file("empty", src)
    out = tmp_path / "out"
    run_batch([src], out, workers=1, handler=fake_handler)
    text = (out / MANIFEST).read_text(encoding="utf-8")
    (out / MANIFEST).write_text(text[: len(text) - 20], encoding="utf-8")  # the last line cut
    report = run_batch([src], out, workers=1, handler=fake_handler)
    assert sorted(r.status for r in report.records) == ["ok", "skipped"]
    assert len(read_manifest(out)) == 2
    for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines():
        json.loads(line)


# --- isolation: crashing and hanging workers -------------------------------------------

def fake_handler(path: str) -> dict:
    """Stands in for ``convert``: crashes on *crash*, hangs on *hang*, raises on *raise*."""
    name = Path(path).name
    if "crash" in name:
        os._exit(3)
    if "segv" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    if "hang" in name:
        time.sleep(3600)
    if "raise" in name:
        raise RuntimeError("boom")
    if not Path(path).read_bytes().startswith(b"%PDF-"):
        return {"status": "failed", "error": f"{path}: not a PDF"}
    return {"status": "ok", "text": json.dumps({"file": name}) + "\n", "pages": 1,
            "targets": 0, "dates": 0, "references": 0, "entities": 0}


def always_crash(path: str) -> dict:
    os._exit(1)


class Unstartable:
    """A handler that kills its worker while it starts (unpickling it in the new process exits)."""

    def __reduce__(self):
        return (os._exit, (1,))

    def __call__(self, path: str) -> dict:
        raise AssertionError("never called")


ISOLATION = [
    ("a_ok.pdf", "ok", None),
    ("b_crash.pdf", "failed", "worker crashed (exit code 3)"),
    ("c_hang.pdf", "failed", "timed out after 1 s"),
    ("d_ok.pdf", "ok", None),
    ("e_segv.pdf", "failed", "killed by signal 9"),
    ("f_raise.pdf", "failed", "RuntimeError: boom"),
    ("g_ok.pdf", "ok", None),
]


def test_batch_crashing_and_hanging_workers_replaced(tmp_path):
    for name, _, _ in ISOLATION:
        (tmp_path / name).write_bytes(b"%PDF-1.4 fake")
    report = run_batch([tmp_path], tmp_path / "out", workers=2, timeout=1, handler=fake_handler)
    got = {Path(r.path).name: r for r in report.records}
    for name, status, message in ISOLATION:
        assert got[name].status == status, (name, got[name])
        if message:
            assert message in got[name].error
    assert len(read_manifest(tmp_path / "out")) == len(ISOLATION)


def test_batch_every_file_crashing_still_accounted(tmp_path):
    for i in range(4):
        (tmp_path / f"{i}.pdf").write_bytes(b"%PDF-1.4 fake")
    report = run_batch([tmp_path], tmp_path / "out", workers=1, handler=always_crash)
    assert [r.status for r in report.records] == ["failed"] * 4
    assert all("worker crashed (exit code 1)" in r.error for r in report.records)


def test_batch_workers_that_cannot_start_stop_the_batch(tmp_path):
    for i in range(4):
        (tmp_path / f"{i}.pdf").write_bytes(b"%PDF-1.4 fake")
    with pytest.raises(BatchError, match="workers die while starting"):
        run_batch([tmp_path], tmp_path / "out", workers=2, handler=Unstartable())
    assert read_manifest(tmp_path / "out") == {}  # no file blamed


def test_batch_second_batch_on_same_folder_refused(tmp_path):
    from pipeline.batch import FolderLock

    lock = FolderLock(tmp_path)
    try:
        with pytest.raises(BatchError, match="another batch"):
            run_batch([], tmp_path)
    finally:
        lock.release()


# --- kill -9 --------------------------------------------------------------------------

def test_batch_kill_9_then_rerun_complete(tmp_path):
    src = tmp_path / "in"
    for i, name in enumerate(GOOD_FIXTURES * 2):
        (src / str(i)).mkdir(parents=True)
        make_fixture(name, src / str(i))
    make_bad_file("not_pdf", src)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "batch", str(src), "-o", str(out), "--workers", "1",
                             "-q"], cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / MANIFEST).is_file() and (out / MANIFEST).stat().st_size > 0:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    first = read_manifest(out)
    assert first, "the batch wrote nothing before it was killed"

    r = subprocess.run([sys.executable, "-m", "pipeline", "batch", str(src), "-o", str(out), "--workers", "2",
                        "-q"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 1, r.stderr  # the text file named .pdf failed
    state = read_manifest(out)
    assert len(state) == len(GOOD_FIXTURES) * 2 + 1
    assert all(state[p].status == "skipped" for p in first)
    oks = [rec for rec in state.values() if rec.outcome == "ok"]
    assert len(oks) == len(GOOD_FIXTURES) * 2
    for rec in oks:
        validate(json.loads((out / rec.output).read_text(encoding="utf-8")))
    assert sorted(p.name for p in out.glob("*.json")) == sorted({rec.output for rec in oks})
    assert not list(out.glob(".*.tmp"))


# --- Dask ----------------------------------------------------------------------------------

def test_batch_local_cluster_same_outputs_as_local(corpus, first_run, tmp_path):
    distributed = pytest.importorskip("distributed")
    out, _ = first_run
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        report = run_batch([corpus], tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert report.workers == 2
    local = {p.name: p.read_bytes() for p in out.glob("*.json")}
    remote = {p.name: p.read_bytes() for p in (tmp_path / "dask").glob("*.json")}
    assert remote == local

    def comparable(folder):
        return {p: (r.status, r.sha256, r.output, r.error, r.pages) for p, r in read_manifest(folder).items()}

    assert comparable(tmp_path / "dask") == comparable(out)


def test_batch_unreachable_scheduler_one_line_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("pipeline.batch.pool.DEFAULT_CONNECT_TIMEOUT", 2.0)
    src = tmp_path / "in"
    src.mkdir()
    (src / "x.pdf").write_bytes(b"%PDF-")
    pytest.importorskip("distributed")
    code = cli.main(["batch", str(src), "-o", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9", "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "Dask scheduler" in err[0]


# --- people ---------------------------------------------------------------------------------

class _Tty:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


@pytest.mark.parametrize(("tty", "enabled", "drawn"), [(True, True, True), (False, True, False), (True, False, False)])
def test_batch_progress_bar_only_on_a_terminal(tty, enabled, drawn):
    stream = _Tty(tty)
    bar = ProgressBar(stream, enabled=enabled)
    bar.start(2)
    bar.update(Record("/a.pdf", "0" * 64, "ok", pages=3))
    bar.update(Record("/b.pdf", "0" * 64, "failed", error="x"))
    bar.close()
    assert ("2/2" in stream.text and "ETA" in stream.text) == drawn
    assert (stream.text == "") == (not drawn)


def test_batch_summary_table():
    from pipeline.batch import BatchReport

    recs = (Record("/a.pdf", "0" * 64, "ok", pages=10, seconds=2.0),
            Record("/b.pdf", "0" * 64, "failed", error="/b.pdf: not a PDF (no %PDF- header)"),
            Record("/c.pdf", "0" * 64, "skipped", pages=5, previous="ok"))
    text = format_summary(BatchReport(recs, 4.0, 2, "out"))
    assert "pages/s" in text and "2.5 pages/s" in text
    assert "failed: /b.pdf: not a PDF" in text
    rows = {line.split()[0]: line.split()[1] for line in text.splitlines()[1:4]}
    assert rows == {"ok": "1", "failed": "1", "skipped": "1"}


@pytest.mark.parametrize("args", [["batch", "--help"], ["export", "--help"]])
def test_batch_cli_help_has_example(args, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(args)
    assert e.value.code == 0 and "example: python -m pipeline" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["batch"], ["batch", "x.pdf"], ["batch", "x.pdf", "-o", "o", "--workers", "0"],
                                  ["batch", "x.pdf", "-o", "o", "--timeout", "-1"]])
def test_batch_cli_usage_errors_exit_2(args):
    with pytest.raises(SystemExit) as e:
        cli.main(args)
    assert e.value.code == 2


def test_batch_manifest_counts_page_quality(tmp_path):
    from pipeline.batch import read_manifest, run_batch

    sample = ROOT / "samples" / "zhengzhengban-2017-30.pdf"
    run_batch([str(sample)], tmp_path / "out", workers=1)
    (rec,) = read_manifest(tmp_path / "out").values()
    assert rec.status == "ok" and rec.page_quality == {"ok": rec.pages}


# --- the plan: skips, moves, copies, decided without a file ----------------------------------

V = "v1"
A, B = "a" * 64, "b" * 64
OK_A = Record("/in/a.pdf", A, "ok", output="a-aaaaaaaa.json", version=V)
FAILED_B = Record("/in/b.pdf", B, "failed", error="x", version=V)

# (inputs -> sha, manifest records, outputs on disk, options,
#  expected: skipped (path, previous, output), todo (path, output), copies {output: [paths]})
PLANS = [
    # unchanged and ok: skipped, output kept
    ({"/in/a.pdf": A}, [OK_A], {"a-aaaaaaaa.json"}, {},
     [("/in/a.pdf", "ok", "a-aaaaaaaa.json")], [], {}),
    # unchanged but its output is gone: parsed again under its name
    ({"/in/a.pdf": A}, [OK_A], set(), {},
     [], [("/in/a.pdf", "a-aaaaaaaa.json")], {"a-aaaaaaaa.json": []}),
    # force: parsed again
    ({"/in/a.pdf": A}, [OK_A], {"a-aaaaaaaa.json"}, {"force": True},
     [], [("/in/a.pdf", "a-aaaaaaaa.json")], {"a-aaaaaaaa.json": []}),
    # moved: a new path of known content keeps the output
    ({"/mv/a.pdf": A}, [OK_A], {"a-aaaaaaaa.json"}, {},
     [("/mv/a.pdf", "ok", "a-aaaaaaaa.json")], [], {}),
    # renamed: the output keeps the name it was first parsed under
    ({"/in/改名.pdf": A}, [OK_A], {"a-aaaaaaaa.json"}, {},
     [("/in/改名.pdf", "ok", "a-aaaaaaaa.json")], [], {}),
    # another version: nothing is reused
    ({"/mv/a.pdf": A}, [replace(OK_A, version="v0")], {"a-aaaaaaaa.json"}, {},
     [], [("/mv/a.pdf", "a-aaaaaaaa.json")], {"a-aaaaaaaa.json": []}),
    # failed and unchanged: skipped, unless retried
    ({"/in/b.pdf": B}, [FAILED_B], set(), {},
     [("/in/b.pdf", "failed", None)], [], {}),
    ({"/in/b.pdf": B}, [FAILED_B], set(), {"retry_failed": True},
     [], [("/in/b.pdf", "b-bbbbbbbb.json")], {"b-bbbbbbbb.json": []}),
    # two new copies of one content, same stem: one task, the other recorded with it
    ({"/x/c.pdf": B, "/y/c.pdf": B}, [], set(), {},
     [], [("/x/c.pdf", "c-bbbbbbbb.json")], {"c-bbbbbbbb.json": ["/y/c.pdf"]}),
    # two new files whose names would collide: longer hashes
    ({"/x/d.pdf": "d" * 8 + "1" * 56, "/y/d.pdf": "d" * 8 + "2" * 56}, [], set(), {},
     [], [("/x/d.pdf", "d-" + "d" * 8 + "1" * 8 + ".json"), ("/y/d.pdf", "d-" + "d" * 8 + "2" * 8 + ".json")],
     {"d-" + "d" * 8 + "1" * 8 + ".json": [], "d-" + "d" * 8 + "2" * 8 + ".json": []}),
]


@pytest.mark.parametrize(("shas", "records", "files", "options", "skipped", "todo", "copies"), PLANS)
def test_batch_plan(shas, records, files, options, skipped, todo, copies):
    plan = plan_batch({Path(p): sha for p, sha in shas.items()}, {r.path: r for r in records}, V,
                      exists=files.__contains__, **options)
    assert [(str(p), r.previous, r.output) for p, r in plan.skipped] == skipped
    assert all(r.status == "skipped" and r.path == str(p) for p, r in plan.skipped)
    assert [(str(t.path), t.output) for t in plan.todo] == todo
    assert {k: [str(p) for p in v] for k, v in plan.copies.items()} == copies


# (old output, new output, other records' (path, output), expected output to delete)
RETIRE = [
    ("x-1.json", "x-2.json", [], "x-1.json"),  # new content: the old output goes
    ("x-1.json", "x-1.json", [], None),  # the same output
    (None, "x-2.json", [], None),  # nothing before
    ("x-1.json", None, [], "x-1.json"),  # failed now: the old output must not outlive it
    ("x-1.json", "x-2.json", [("/in/copy.pdf", "x-1.json")], None),  # a copy elsewhere stands on it
    ("x-1.json", "x-2.json", [("/in/x.pdf", "x-1.json")], "x-1.json"),  # its own old record only
]


@pytest.mark.parametrize(("old", "new", "others", "expected"), RETIRE)
def test_batch_retired_output(old, new, others, expected):
    records = [Record(p, A, "ok", output=o) for p, o in others]
    assert retired_output(old, new, Path("/in/x.pdf"), records) == expected

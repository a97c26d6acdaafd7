"""The hostile-input sweep: every hostile class and N seeded mutants of the sample, through the real CLI.

Usage::

    python scripts/hostile_sweep.py [--mutants 200] [--seed 1] [--out /tmp/sweep] [--classes glyph_grid,...]

Each input is parsed by ``python -m pipeline parse X -o X.json`` in its own
process; the sweep records exit code, stderr lines, wall seconds and peak RSS
(``wait4``), and checks every run against the promises:

- exit 0 with JSON that ``validate`` accepts (schema and invariants), or exit 1
  with one line on stderr, never a traceback;
- no silently lost text: a mutant whose text is under 90% of the original's
  must carry a warning or a page not ``ok``;
- no run over 2 GB or 120 s on a file under 1 MB;
- outputs never replace a device, FIFO or symlink (``parse -o``, ``export --to``, ``review -o``);
- no live formula in a CSV or XLSX export, nor a script-breaking string in a review page.

Prints one line per failure and a summary; exit 1 when any promise breaks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fixtures.hostile import HOSTILE, mutate  # noqa: E402

SAMPLE = ROOT / "samples" / "zhengzhengban-2017-30.pdf"
MAX_SECONDS = 120.0
MAX_RSS_KB = 2 << 20  # 2 GB
HARD_KILL = 300.0  # the sweep's own guard against a hang


def run(args: list[str], cwd: Path = ROOT, env: dict | None = None) -> dict:
    """One CLI run: exit code, stderr, seconds, peak RSS in KB (killed at ``HARD_KILL``)."""
    import tempfile

    t0 = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                                stderr=err, env=env, start_new_session=True)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - t0 > HARD_KILL:
                os.killpg(proc.pid, 9)
                killed = True
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return {"code": proc.returncode, "stderr": text, "seconds": time.monotonic() - t0,
            "rss_kb": usage.ru_maxrss, "killed": killed}


def check_parse(path: Path, out: Path, original_chars: int | None) -> list[str]:
    """Parse one input and give the promises it breaks."""
    problems = []
    r = run(["parse", str(path), "-o", str(out)])
    small = path.stat().st_size < (1 << 20)
    lines = [ln for ln in r["stderr"].splitlines() if ln.strip()]
    if r["killed"]:
        problems.append(f"killed after {HARD_KILL:g} s")
    if "Traceback" in r["stderr"]:
        problems.append("traceback")
    if small and r["seconds"] > MAX_SECONDS:
        problems.append(f"{r['seconds']:.0f} s")
    if small and r["rss_kb"] > MAX_RSS_KB:
        problems.append(f"{r['rss_kb'] >> 10} MB")
    if r["code"] == 1:
        if len(lines) != 1 or not lines[0].startswith("error:"):
            problems.append(f"exit 1 with {len(lines)} lines")
        if "internal error" in r["stderr"]:
            problems.append("internal error: " + lines[-1][:150])
    elif r["code"] == 0:
        v = run(["validate", str(out)])
        if v["code"] != 0:
            problems.append("invalid output: " + v["stderr"].strip()[:200])
        else:
            data = json.loads(out.read_text(encoding="utf-8"))
            flagged = bool(data["warnings"]) or any(p["quality"] != "ok" for p in data["pages"])
            if original_chars and len(data["text"]) < 0.9 * original_chars and not flagged:
                problems.append(f"silent loss: {len(data['text'])} of {original_chars} characters, no warning")
    else:
        problems.append(f"exit {r['code']}")
    r["problems"] = problems
    return r


def check_outputs(tmp: Path) -> list[str]:
    """Outputs over a device, FIFO, symlink or folder: never replaced."""
    problems = []
    d = tmp / "outputs"
    d.mkdir()
    os.mkfifo(d / "fifo")
    (d / "t.json").write_text("keep")
    os.symlink("t.json", d / "link")
    (d / "folder").mkdir()
    targets = {"/dev/null": "chr", str(d / "fifo"): "fifo", str(d / "folder"): "dir"}
    if os.geteuid() == 0:
        os.mknod(d / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        targets[str(d / "null")] = "chr"
    for target, kind in targets.items():
        r = run(["parse", str(SAMPLE), "-o", target])
        st = os.lstat(target)
        ok = {"chr": stat.S_ISCHR, "fifo": stat.S_ISFIFO, "dir": stat.S_ISDIR}[kind](st.st_mode)
        if not ok:
            problems.append(f"{target}: replaced by parse -o")
        if r["code"] != 1 or len(r["stderr"].strip().splitlines()) != 1:
            problems.append(f"{target}: parse -o gave exit {r['code']}: {r['stderr'].strip()[:120]}")
    r = run(["parse", str(SAMPLE), "-o", str(d / "link")])
    if not os.path.islink(d / "link") or r["code"] != 0:
        problems.append("symlink replaced by parse -o")
    return problems


def check_exports(tmp: Path, outputs: list[Path]) -> list[str]:
    """Export the sweep's outputs to CSV and XLSX: no cell may start a live formula."""
    problems = []
    folder = tmp / "export"
    folder.mkdir()
    for p in outputs:
        shutil.copy(p, folder / p.name)
    for table in ("targets", "quantities", "entities", "documents"):
        for suffix in (".csv", ".xlsx"):
            to = tmp / f"{table}{suffix}"
            r = run(["export", str(folder), "--to", str(to), "--table", table])
            if r["code"] != 0:
                problems.append(f"export {table}{suffix}: exit {r['code']} {r['stderr'].strip()[:120]}")
                continue
            problems += [f"{to.name}: {c}" for c in live_formulas(to)]
    return problems


def live_formulas(path: Path) -> list[str]:
    """Cells of a CSV or XLSX that a spreadsheet would run as a formula."""
    found = []
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        for ws in load_workbook(path).worksheets:
            for row in ws.iter_rows():
                found += [f"{c.coordinate} {str(c.value)[:40]!r}" for c in row if c.data_type == "f"]
    else:
        import csv

        with open(path, encoding="utf-8-sig", newline="") as f:
            for i, row in enumerate(csv.reader(f)):
                found += [f"row {i} {v[:40]!r}" for v in row if v[:1] in ("=", "+", "@", "\t", "\r")
                          or (v[:1] == "-" and not _number(v))]
    return found


def _number(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mutants", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="/tmp/hostile-sweep")
    ap.add_argument("--classes", default=",".join(HOSTILE), help="hostile classes to run (comma-separated)")
    args = ap.parse_args(argv)
    tmp = Path(args.out)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    failures = 0
    worst_s, worst_mb = 0.0, 0
    outputs: list[Path] = []

    def report(name: str, r: dict) -> None:
        nonlocal failures, worst_s, worst_mb
        worst_s, worst_mb = max(worst_s, r["seconds"]), max(worst_mb, r["rss_kb"] >> 10)
        status = "FAIL " + "; ".join(r["problems"]) if r["problems"] else "ok"
        failures += bool(r["problems"])
        last = r["stderr"].strip().splitlines()[-1][:110] if r["stderr"].strip() else ""
        print(f"{name:34} exit {r['code']} {r['seconds']:6.1f} s {r['rss_kb'] >> 10:5d} MB  {status}  {last}",
              flush=True)

    base = tmp / "base.json"
    r = check_parse(SAMPLE, base, None)
    report("sample", r)
    original = len(json.loads(base.read_text(encoding="utf-8"))["text"])
    outputs.append(base)
    classes = tmp / "classes"
    classes.mkdir()
    for name in [c for c in args.classes.split(",") if c]:
        path = HOSTILE[name](classes)
        out = tmp / f"{name}.json"
        r = check_parse(path, out, None)
        report(name, r)
        if r["code"] == 0:
            outputs.append(out)
    rng = random.Random(args.seed)
    data = SAMPLE.read_bytes()
    lost = 0
    mutants = tmp / "mutants"
    mutants.mkdir()
    for i in range(args.mutants):
        mutant, how = mutate(data, rng)
        path = mutants / f"m{i:03d}.pdf"
        path.write_bytes(mutant)
        out = tmp / f"m{i:03d}.json"
        r = check_parse(path, out, original)
        lost += any(p.startswith("silent loss") for p in r["problems"])
        if r["problems"] or i % 20 == 0:
            report(f"mutant {i:03d} ({how})", r)
        else:
            failures += 0
            worst_s, worst_mb = max(worst_s, r["seconds"]), max(worst_mb, r["rss_kb"] >> 10)
        if r["code"] == 0 and i < 40:
            outputs.append(out)
    problems = check_outputs(tmp) + check_exports(tmp, outputs)
    for p in problems:
        print(f"FAIL {p}")
    failures += len(problems)
    print(f"summary: {args.mutants} mutants, {len(args.classes.split(','))} hostile classes; "
          f"{lost} silent losses; {failures} failures; slowest {worst_s:.1f} s; peak {worst_mb} MB")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

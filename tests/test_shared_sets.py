"""Scored regression on the shared evaluation sets: real PDFs (../shared/corpus/real) and real plans
(../shared/corpus/plans), parsed once per session and scored with ../shared/eval/score_set.py, the
scorer the dev figures come from. One test function per scored field; all skip when ../shared is absent.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the repository; a git worktree (…/wt/NAME) sits one folder deeper than the checkout
SHARED = next((d for d in (ROOT.parent / "shared", ROOT.parent.parent / "shared")
               if (d / "eval" / "score_set.py").is_file()), ROOT.parent / "shared")
SETS = {
    "real": (SHARED / "corpus" / "real", SHARED / "gold" / "real"),
    "plans": (SHARED / "corpus" / "plans" / "pdf", SHARED / "corpus" / "plans" / "gold"),
}

pytestmark = pytest.mark.skipif(not (SHARED / "eval" / "score_set.py").is_file(), reason="../shared is absent")


@pytest.fixture(scope="session")
def shared_scores(tmp_path_factory):
    """Each shared set parsed once and scored: ``shared_scores(set) -> {field: micro F1 or None}``."""
    from pipeline import parse_pdf, write_document

    cache: dict[str, dict] = {}

    def scores(name: str) -> dict:
        if name not in cache:
            pdfs, golds = SETS[name]
            out = tmp_path_factory.mktemp(f"shared_{name}")
            for gold in sorted(golds.glob("*.gold.json")):
                pdf = pdfs / (gold.name[: -len(".gold.json")] + ".pdf")
                if pdf.is_file():
                    write_document(parse_pdf(pdf), out / (pdf.stem + ".json"))
            cache[name] = _score_set(out, golds)
        return cache[name]

    return scores


def _score_set(pred_dir: Path, gold_dir: Path) -> dict:
    """The set line of score_set.py as {field: value}: "set (20 documents, micro F1): metadata 0.72 sections 0.49 …"."""
    run = subprocess.run([sys.executable, str(SHARED / "eval" / "score_set.py"), str(pred_dir), str(gold_dir)],
                         capture_output=True, text=True, check=True)
    line = run.stdout.strip().splitlines()[-1]
    words = line.split(":", 1)[1].split()
    return {k: (None if v == "n/a" else float(v)) for k, v in zip(words[::2], words[1::2])}


# the dev figures when these thresholds were set: real 1.00, plans 0.99 (issue 16 asks for 0.90)
SECTION_THRESHOLDS = {"real": 0.95, "plans": 0.95}


@pytest.mark.parametrize("name", list(SECTION_THRESHOLDS))
def test_shared_sets_sections(name, shared_scores):
    got = shared_scores(name)["sections"]
    assert got is not None and got >= SECTION_THRESHOLDS[name], json.dumps({name: got})


# metadata, numbered and title-only references (issue 16's metadata half): the dev figures when these
# thresholds were set were real 1.00 / 1.00 / 0.99 and plans 1.00 (metadata); the issue asks 0.95 / 0.90 / 0.90
METADATA_THRESHOLDS = {"real": 0.95, "plans": 0.95}


@pytest.mark.parametrize("name", list(METADATA_THRESHOLDS))
def test_shared_sets_metadata(name, shared_scores):
    got = shared_scores(name)["metadata"]
    assert got is not None and got >= METADATA_THRESHOLDS[name], json.dumps({name: got})


def test_shared_sets_refs(shared_scores):
    got = shared_scores("real")["refs"]
    assert got is not None and got >= 0.90, json.dumps({"real": got})


def test_shared_sets_titles(shared_scores):
    got = shared_scores("real")["titles"]
    assert got is not None and got >= 0.90, json.dumps({"real": got})


# --- targets and deadline years (issue 23) ------------------------------------------------

# the bars: targets F1 and deadline years over plans and real together; documents whose gold
# has no targets (regulations, reports, budgets, notices) at most this many targets per 20 pages
MIN_TARGETS_F1 = 0.85
MIN_YEARS = 0.90
MAX_FALSE_TARGETS_PER_20_PAGES = 1.0


def _scorer():
    import importlib.util

    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="session")
def shared_docs():
    """Every document of the sample, real and plans sets parsed once: {set: [(prediction, gold, pages)]}."""
    from pipeline import parse_pdf, to_dict

    sets = dict(SETS, sample=(SHARED / "samples", SHARED / "gold"))
    out = {}
    for name, (pdfs, golds) in sets.items():
        docs = []
        for g in sorted(golds.glob("*.gold.json")):
            pdf = pdfs / (g.name[: -len(".gold.json")] + ".pdf")
            if pdf.is_file():
                pred = to_dict(parse_pdf(pdf))
                docs.append((pred, json.loads(g.read_text(encoding="utf-8")), pred["source"]["pages"]))
        out[name] = docs
    return out


def _f1(tp: int, pred: int, gold: int) -> float:
    p = tp / pred if pred else (1.0 if not gold else 0.0)
    r = tp / gold if gold else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def test_shared_sets_targets_and_years_on_plans_and_real(shared_docs):
    score = _scorer()
    tp = pred = gold = year_ok = year_n = 0
    for p, g, _ in shared_docs["real"] + shared_docs["plans"]:
        if "annotated" in g and "targets" not in g["annotated"]:
            continue
        s = score.score_targets(p, g)
        tp, pred, gold = tp + s["tp"], pred + s["pred"], gold + s["gold"]
        year_ok, year_n = year_ok + s["year_ok"], year_n + s["year_n"]
    f1, years = _f1(tp, pred, gold), (year_ok / year_n if year_n else 1.0)
    assert f1 >= MIN_TARGETS_F1, f"targets F1 {f1:.3f}"
    assert years >= MIN_YEARS, f"deadline years {years:.3f}"


def test_shared_sets_documents_without_targets_yield_almost_none(shared_docs):
    found = pages = 0
    for pred, gold, n_pages in shared_docs["real"]:
        if any(not t.get("optional") for t in gold.get("targets", [])):
            continue
        found += len(pred["targets"])
        pages += n_pages
    assert pages and 20 * found / pages <= MAX_FALSE_TARGETS_PER_20_PAGES, f"{found} targets on {pages} pages"


def test_shared_sets_sample_targets_comparators_kinds(shared_docs):
    score = _scorer()
    assert shared_docs["sample"]
    for pred, gold, _ in shared_docs["sample"]:
        s = score.score_targets(pred, gold)
        assert (s["f1"], s["comparator_acc"], s["kind_acc"], s["year_acc"]) == (1.0, 1.0, 1.0, 1.0)


# tasks and their bodies (issue 18): 1.00 and 1.00 on the plans when these floors were set
TASK_THRESHOLDS = {"tasks": 0.85, "units": 0.85}


@pytest.mark.parametrize("field", list(TASK_THRESHOLDS))
def test_shared_sets_plans_tasks(field, shared_scores):
    got = shared_scores("plans")[field]
    assert got is not None and got >= TASK_THRESHOLDS[field], json.dumps({field: got})


def test_shared_sets_plans_task_leads():
    """The lead bodies right on at least 90% of the plans' tasks found (score.py's lead_acc, over the set)."""
    import importlib.util

    from pipeline import parse_pdf, to_dict

    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "eval" / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    pdfs, golds = SETS["plans"]
    found = right = 0
    for gold_path in sorted(golds.glob("*.gold.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        pdf = pdfs / (gold_path.name[: -len(".gold.json")] + ".pdf")
        if "tasks" not in gold or not pdf.is_file():
            continue
        got = score.score_tasks(to_dict(parse_pdf(pdf)), gold)
        found += got["tp"]
        right += round(got["lead_acc"] * got["tp"])
    assert found and right / found >= 0.9, (right, found)

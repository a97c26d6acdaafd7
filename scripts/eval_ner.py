"""Print NER precision, recall and F1 on the held-out dev split: rules, model, both.

Takes pipeline/data/ner/dev.jsonl (the shared split: whole source files never
seen in training) and compares exact (start, end, label) spans, per label and
overall, for the labels the pipeline outputs (ORG LOC PER EVENT; LAW belongs
to the references extractor and is left out of the gold).

  rules  the policy_entity_rules component alone (source "rule")
  model  the trained ner alone (LAW dropped, slogans and class nouns filtered)
  both   tag_entities(): rules first, the model fills the gaps

Predictions inside a gold LAW span are not counted either way (see below).

Run: .venv/bin/python scripts/eval_ner.py [--dev FILE] [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.entities import (  # noqa: E402
    DEFAULT_MODEL_DIR,
    OUTPUT_LABELS,
    keep_model_span,
    load_nlp,
    tag_entities,
)
from pipeline.entities.rules import find_rule_entities  # noqa: E402

LABELS = ("ORG", "LOC", "PER", "EVENT")


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    """Give (precision, recall, F1) from counts: prf(8, 10, 16) -> (0.8, 0.5, 0.615)."""
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: list[set], pred: list[set]) -> dict[str, tuple[int, int, int]]:
    """Count (tp, pred, gold) per label and overall over aligned sentences."""
    out: dict[str, Counter] = {lab: Counter() for lab in (*LABELS, "ALL")}
    for g, p in zip(gold, pred):
        for lab in LABELS:
            gl, pl = {x for x in g if x[2] == lab}, {x for x in p if x[2] == lab}
            out[lab].update(tp=len(gl & pl), pred=len(pl), gold=len(gl))
        out["ALL"].update(tp=len(g & p), pred=len(p), gold=len(g))
    return {k: (v["tp"], v["pred"], v["gold"]) for k, v in out.items()}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, default=ROOT / "pipeline" / "data" / "ner" / "dev.jsonl")
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    ap.add_argument("--verbose", "-v", action="store_true", help="list the errors of 'both'")
    args = ap.parse_args(argv)
    recs = [json.loads(ln) for ln in args.dev.read_text(encoding="utf-8").splitlines() if ln.strip()]
    gold = [{(s, e, lab) for s, e, lab in r["entities"] if lab in OUTPUT_LABELS} for r in recs]
    # Names inside a title (LAW) are tagged on purpose: the references extractor
    # owns the title, and the scorer wants 中共某某省委 even inside 《…》. Such
    # predictions are neither hits nor errors here.
    laws = [[(s, e) for s, e, lab in r["entities"] if lab == "LAW"] for r in recs]

    nlp = load_nlp(str(args.model))
    rules, model, both = [], [], []
    for rec in recs:
        text = rec["text"]
        doc = nlp.make_doc(text)
        bounds = frozenset({t.idx for t in doc} | {t.idx + len(t.text) for t in doc})
        rules.append(set(find_rule_entities(text, bounds)))
        if "ner" in nlp.pipe_names:
            with nlp.select_pipes(disable=["policy_entity_rules"]):
                d = nlp(text)
            model.append({(e.start_char, e.end_char, e.label_) for e in d.ents if keep_model_span(e.text, e.label_)})
        else:
            model.append(set())
        both.append({(e.span[0], e.span[1], e.label) for e in tag_entities(text, nlp)})

    def outside_titles(preds: list[set]) -> list[set]:
        return [{x for x in p if not any(a <= x[0] and x[1] <= b for a, b in law)} for p, law in zip(preds, laws)]

    rules, model, both = outside_titles(rules), outside_titles(model), outside_titles(both)
    print(f"dev: {len(recs)} sentences, {sum(map(len, gold))} gold spans ({', '.join(LABELS)}); exact span and label")
    print(f"{'':7}{'label':7}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'pred':>6}{'gold':>6}")
    for name, pred in (("rules", rules), ("model", model), ("both", both)):
        for lab, (tp, n_pred, n_gold) in score(gold, pred).items():
            p, r, f = prf(tp, n_pred, n_gold)
            print(f"{name:7}{lab:7}{p:7.3f}{r:7.3f}{f:7.3f}{tp:5d}{n_pred:6d}{n_gold:6d}")
    if args.verbose:
        for rec, g, p in zip(recs, gold, both):
            t = rec["text"]
            for s, e, lab in sorted(g - p):
                print(f"  missed {t[s:e]}/{lab}   in {t[max(0, s - 10) : e + 10]}")
            for s, e, lab in sorted(p - g):
                print(f"  extra  {t[s:e]}/{lab}   in {t[max(0, s - 10) : e + 10]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Build the statistical NER model under pipeline/data/ner/model (``make model``).

Takes the annotated sentences in pipeline/data/ner/ -- train.jsonl and dev.jsonl
(copied from the shared NER set, split by source file) plus extra_train.txt
(sentences written for this repository, marked ``[市商务局|ORG]``, training
only) -- converts them to spaCy DocBins with the jieba tokenizer, trains with
config.cfg on the CPU for a fixed number of epochs and saves the last model
to pipeline/data/ner/model (the dev split only reports, it picks nothing, so
its figures stay held-out figures).

LAW stays a training label: the model learns that a title such as
《某某市人民政府关于…的通知》 is one LAW span and not an ORG; pipeline/entities/ drops
LAW at output (references.py owns titles) and the rules still find the names
inside titles. An entity whose edges fall inside a jieba token (由市|人民政府)
cannot be a token span; its tokens are marked missing instead of "O", so the
model is neither taught the wrong boundary nor told the name is not there.

Run: .venv/bin/python scripts/train_ner.py [--out DIR] [--epochs N]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NER_DIR = ROOT / "pipeline" / "data" / "ner"
MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z]+)\]")  # [市商务局|ORG]


def parse_marked(line: str) -> dict:
    """Take one marked sentence and give {"text", "entities"}.

    Example: "[市委|ORG]、[市政府|ORG]高度重视" ->
    {"text": "市委、市政府高度重视", "entities": [[0, 2, "ORG"], [3, 6, "ORG"]]}.
    """
    text, ents, pos = [], [], 0
    last = 0
    for m in MARK.finditer(line):
        text.append(line[last : m.start()])
        pos += m.start() - last
        ents.append([pos, pos + len(m.group(1)), m.group(2)])
        text.append(m.group(1))
        pos += len(m.group(1))
        last = m.end()
    text.append(line[last:])
    return {"text": "".join(text), "entities": ents}


def read_records(path: Path) -> list[dict]:
    """Read a .jsonl file of records or a marked .txt file (comments start with #)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    if path.suffix == ".jsonl":
        return [json.loads(ln) for ln in lines]
    return [parse_marked(ln.strip()) for ln in lines]


def to_docbin(nlp, records: list[dict]):
    """Give a DocBin of the records and the count of spans marked missing."""
    from spacy.tokens import DocBin

    db, n_missing = DocBin(store_user_data=False), 0
    for rec in records:
        doc = nlp.make_doc(rec["text"])
        spans, missing = [], []
        for start, end, label in rec["entities"]:
            span = doc.char_span(start, end, label=label)
            if span is None:
                n_missing += 1
                wide = doc.char_span(start, end, alignment_mode="expand")
                if wide is not None:
                    missing.append(wide)
            else:
                spans.append(span)
        doc.set_ents(spans, missing=missing, default="outside")
        db.add(doc)
    return db, n_missing


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=NER_DIR / "model", help="model directory (default: %(default)s)")
    ap.add_argument("--epochs", type=int, default=None, help="override training.max_epochs")
    args = ap.parse_args(argv)

    import spacy
    from spacy.cli.train import train

    started = time.time()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    train_recs = read_records(NER_DIR / "train.jsonl") + read_records(NER_DIR / "extra_train.txt")
    dev_recs = read_records(NER_DIR / "dev.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        for name, recs in (("train", train_recs), ("dev", dev_recs)):
            db, n_missing = to_docbin(nlp, recs)
            db.to_disk(tmpdir / f"{name}.spacy")
            print(
                f"{name}: {len(recs)} sentences, {n_missing} spans off jieba token edges (marked missing)",
                file=sys.stderr,
            )
        overrides = {"paths.train": str(tmpdir / "train.spacy"), "paths.dev": str(tmpdir / "dev.spacy")}
        if args.epochs:
            overrides["training.max_epochs"] = args.epochs
        train(NER_DIR / "config.cfg", tmpdir / "out", overrides=overrides)
        best = tmpdir / "out" / "model-last"
        if args.out.exists():
            shutil.rmtree(args.out)
        shutil.copytree(best, args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"model saved to {args.out} ({size / 1e6:.1f} MB) in {time.time() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

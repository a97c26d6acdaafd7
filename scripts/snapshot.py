"""Snapshot the pipeline's JSON on every generated fixture, the samples and any folders given, or compare two.

A refactoring step is checked by a snapshot before and after it: the JSON
must be byte-identical apart from the intended fixes, which the comparison
lists file by file.

Usage:
    python scripts/snapshot.py OUT_DIR [FOLDER ...]     # write OUT_DIR/<group>/<name>.json
    python scripts/snapshot.py --compare BEFORE AFTER   # list what differs; exit 1 when anything does
        [--ignore metadata.doc_number_written]          # leave out a key an intended change added

Example:
    python scripts/snapshot.py /tmp/snap-before ../shared/corpus/real ../shared/corpus/plans/pdf
    ... change the code ...
    python scripts/snapshot.py /tmp/snap-after ../shared/corpus/real ../shared/corpus/plans/pdf
    python scripts/snapshot.py --compare /tmp/snap-before /tmp/snap-after
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def fixture_files(work: Path) -> Iterator[tuple[str, Path]]:
    """Every generated fixture of the tests as (group, file): PDFs by spec and layout, and other formats."""
    from pipeline.extract import extract_pages
    from tests.fixtures import frontpages
    from tests.fixtures.formats import LAYOUTS, typeset_pages, write_docx, write_ofd, write_portal_html
    from tests.fixtures.specs import FIXTURE_NAMES, make_fixture

    for name in FIXTURE_NAMES:
        fx = make_fixture(name, work)
        yield "fixtures", fx.pdf_path
        if name.endswith("encrypted"):
            continue
        paras = fx.expected.paragraphs
        yield "formats", write_docx(paras, work / f"{name}.docx")
        yield "formats", write_ofd(list(extract_pages(fx.pdf_path)), work / f"{name}.ofd")
        yield "formats", write_ofd(typeset_pages(paras), work / f"{name}-text.ofd")
        for layout in LAYOUTS:
            yield "formats", write_portal_html(paras, work / f"{name}-{layout}.html", layout)
    for name, build in frontpages.LAYOUTS.items():
        yield "frontpages", frontpages.write_layout(build(), work / f"front-{name}.pdf")


def snapshot(out: Path, folders: list[Path]) -> int:
    from pipeline.emit import dumps, to_dict
    from pipeline.run import parse_file

    def write(group: str, path: Path) -> None:
        target = out / group / f"{path.name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = dumps(to_dict(parse_file(path)))
        except Exception as exc:  # noqa: BLE001 - a snapshot records a failure as its text
            text = f"error: {type(exc).__name__}: {exc}\n"
        target.write_text(text, encoding="utf-8")

    with tempfile.TemporaryDirectory() as tmp:
        for group, path in fixture_files(Path(tmp)):
            write(group, path)
    for pdf in sorted((ROOT / "samples").glob("*.pdf")):
        write("samples", pdf)
    for folder in folders:
        for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() != ".md"):
            write(folder.name, path)
    n = sum(1 for _ in out.rglob("*.json"))
    print(f"{n} outputs in {out}")
    return 0


# groups whose files are generated afresh each run: their bytes (a docx's zip times, a PDF's creation
# date) and so their sha256 differ from run to run, while what they hold does not
GENERATED = ("formats", "frontpages")
_SHA = re.compile(rb'"sha256": ?"[0-9a-f]{64}"')


def _comparable(path: Path, rel: Path) -> bytes:
    data = path.read_bytes()
    return _SHA.sub(b'"sha256":"-"', data, count=1) if rel.parts[0] in GENERATED else data


def _without(data: bytes, ignored: list[str]) -> bytes:
    """The JSON with each dotted key path in ``ignored`` taken out (an intended change, named)."""
    if not ignored:
        return data
    try:
        doc = json.loads(data)
    except ValueError:
        return data
    for dotted in ignored:
        *parents, last = dotted.split(".")
        node = doc
        for key in parents:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    return json.dumps(doc, ensure_ascii=False, sort_keys=False).encode("utf-8")


def compare(before: Path, after: Path, ignored: list[str] | None = None) -> int:
    a = {p.relative_to(before) for p in before.rglob("*.json")}
    b = {p.relative_to(after) for p in after.rglob("*.json")}

    def same(p: Path) -> bool:
        x, y = _comparable(before / p, p), _comparable(after / p, p)
        return x == y or _without(x, ignored or []) == _without(y, ignored or [])

    changed = sorted(p for p in a & b if not same(p))
    for p in sorted(a - b):
        print(f"only before: {p}")
    for p in sorted(b - a):
        print(f"only after:  {p}")
    for p in changed:
        print(f"differs:     {p}")
    print(f"{len(a & b) - len(changed)} of {len(a | b)} identical")
    return 1 if changed or a != b else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), type=Path)
    ap.add_argument("--ignore", action="append", default=[], metavar="KEY.PATH",
                    help="with --compare: a key an intended change added or changed, e.g. metadata.doc_number_written")
    ap.add_argument("out", nargs="?", type=Path)
    ap.add_argument("folders", nargs="*", type=Path)
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare, ignored=args.ignore)
    if args.out is None:
        ap.error("give OUT_DIR or --compare BEFORE AFTER")
    return snapshot(args.out, args.folders)


if __name__ == "__main__":
    sys.exit(main())

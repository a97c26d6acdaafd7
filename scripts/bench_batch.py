"""Benchmark ``pipeline batch``: documents/s and pages/s for one worker and for all of them.

Generates a folder of fictional 公文 with the test fixtures' generator
(tests/fixtures, reportlab), then runs the batch twice into fresh output
folders. Figures are wall-clock and include starting the workers and each
worker's first-file warm-up (loading dictionaries and models), as a real
run would.

Usage:
    python scripts/bench_batch.py                 # 24 documents, 1 worker and all CPUs
    python scripts/bench_batch.py --docs 100 --workers 1 4 8
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.batch import default_workers, run_batch  # noqa: E402


def make_corpus(folder: Path, n_docs: int) -> int:
    """Write ``n_docs`` PDFs into ``folder``, cycling through the fixture layouts; give their pages."""
    from tests.fixtures import FIXTURE_NAMES, make_fixture

    proto = folder / "_proto"
    proto.mkdir(parents=True)
    fixtures = [make_fixture(name, proto) for name in FIXTURE_NAMES]
    pages = 0
    for i in range(n_docs):
        fx = fixtures[i % len(fixtures)]
        sub = folder / f"batch{i // 50:03d}"
        sub.mkdir(exist_ok=True)
        shutil.copy(fx.pdf_path, sub / f"{i:05d}-{fx.name}.pdf")
        pages += fx.expected.n_pages
    shutil.rmtree(proto)
    return pages


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog="example: python scripts/bench_batch.py --docs 48 --workers 1 2 4"
    )
    p.add_argument("--docs", type=int, default=24, help="documents to generate (default: 24)")
    p.add_argument("--workers", type=int, nargs="+", help="worker counts to try (default: 1 and all CPUs)")
    args = p.parse_args(argv)
    counts = args.workers or sorted({1, default_workers()})

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        corpus = Path(tmp) / "in"
        pages = make_corpus(corpus, args.docs)
        print(f"{args.docs} documents, {pages} pages (generated fixtures), {default_workers()} CPUs")
        print(f"{'workers':>7} {'documents/s':>12} {'pages/s':>9} {'wall s':>8} {'ok':>5} {'failed':>6}")
        for n in counts:
            report = run_batch([corpus], Path(tmp) / f"out-{n}", workers=n, force=True)
            ok = report.count("ok")
            print(
                f"{n:>7} {ok / report.seconds:>12.2f} {report.pages / report.seconds:>9.2f} "
                f"{report.seconds:>8.1f} {ok:>5} {report.count('failed'):>6}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

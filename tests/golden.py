"""Regenerate the golden JSON of every sample: ``make golden``.

Run it on purpose only, then read ``git diff tests/golden`` as a report of
what was gained and lost.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import parse_pdf, to_dict  # noqa: E402
from pipeline.emit import dumps, validate, write_atomic  # noqa: E402


def main() -> None:
    for pdf in sorted((ROOT / "samples").glob("*.pdf")):
        data = to_dict(parse_pdf(pdf))
        validate(data)
        out = ROOT / "tests" / "golden" / f"{pdf.stem}.json"
        write_atomic(out, dumps(data))
        print(out.relative_to(ROOT))


if __name__ == "__main__":
    main()

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.pdf"))

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def sample_docs():
    """Every sample parsed once per test session: {stem: Document}."""
    from pipeline import parse_pdf

    return {p.stem: parse_pdf(p) for p in SAMPLES}

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


@pytest.fixture(scope="session")
def fixture_pdf(tmp_path_factory):
    """Generated fixture PDFs, each made once per session: ``fixture_pdf(name) -> Fixture``."""
    from tests.fixtures import fixture_factory

    return fixture_factory(tmp_path_factory.mktemp("pdf_fixtures"))


@pytest.fixture(scope="session")
def fixture_docs(fixture_pdf):
    """Every generated fixture parsed once: {name: (Fixture, Document)}."""
    from pipeline import parse_pdf
    from tests.fixtures import FIXTURE_NAMES

    out = {}
    for name in FIXTURE_NAMES:
        fx = fixture_pdf(name)
        out[name] = (fx, parse_pdf(fx.pdf_path))
    return out

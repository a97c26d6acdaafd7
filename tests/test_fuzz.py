"""The fuzz harness: seeded byte mutations of the fixtures and every hostile class, through the CLI.

For every input the promise is the same: exit 0 with JSON that ``validate``
accepts (schema and invariants) and whose text is not silently lost (under
90% of the original's only with a warning or a page not ``ok``), or exit 1
with one line on stderr; never a traceback, never over 120 s.

The budget is small in the normal run (``PIPELINE_FUZZ_BUDGET`` mutants per
fixture, default 4); ``python scripts/fuzz.py --budget 500`` runs a large one,
and ``scripts/hostile_sweep.py`` the same through separate processes with
their peak memory.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline import cli
from tests.fixtures.hostile import HOSTILE_SMALL, mutate

BUDGET = int(os.environ.get("PIPELINE_FUZZ_BUDGET", "4"))
SEED = int(os.environ.get("PIPELINE_FUZZ_SEED", "22"))
SOURCES = ["sample", "notice_transmits_plan", "regulation_articles"]
MAX_SECONDS = 120.0


def check(path: Path, out: Path, capsys, original: int | None = None) -> str:
    """Parse ``path`` through the CLI and assert the promise; give what happened, for the test id."""
    t0 = time.monotonic()
    code = cli.main(["parse", str(path), "-o", str(out), "--no-ocr"])
    seconds = time.monotonic() - t0
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert seconds < MAX_SECONDS, f"{path.name}: {seconds:.0f} s"
    assert not any("Traceback" in line or "internal error" in line for line in err), err
    if code == 1:
        assert len(err) == 1 and err[0].startswith("error:"), err
        return "refused"
    assert code == 0, (code, err)
    assert cli.main(["validate", str(out)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    data = json.loads(out.read_text(encoding="utf-8"))
    flagged = bool(data["warnings"]) or any(p["quality"] != "ok" for p in data["pages"])
    if original:
        assert len(data["text"]) >= 0.9 * original or flagged, \
            f"{path.name}: {len(data['text'])} of {original} characters, no warning"
    return "read"


@pytest.fixture(scope="module")
def sources(fixture_pdf, tmp_path_factory) -> dict[str, tuple[bytes, int]]:
    """Each source's bytes and the length of its text as parsed whole."""
    from pipeline.run import parse_pdf

    out = {}
    for name in SOURCES:
        path = ROOT / "samples" / "zhengzhengban-2017-30.pdf" if name == "sample" else fixture_pdf(name).pdf_path
        out[name] = (path.read_bytes(), len(parse_pdf(path, ocr=False).text))
    return out


@pytest.mark.parametrize("source", SOURCES)
def test_fuzz_mutants(source, sources, tmp_path, capsys):
    data, original = sources[source]
    rng = random.Random(f"{SEED}-{source}")
    for i in range(BUDGET):
        mutant, how = mutate(data, rng)
        path = tmp_path / f"{source}-{i}.pdf"
        path.write_bytes(mutant)
        try:
            check(path, tmp_path / f"{source}-{i}.json", capsys, original)
        except AssertionError as e:
            raise AssertionError(f"{source} mutant {i} ({how}, seed {SEED}): {e}") from None


@pytest.mark.parametrize("kind", sorted(HOSTILE_SMALL))
def test_fuzz_hostile_class(kind, tmp_path, capsys):
    path = HOSTILE_SMALL[kind](tmp_path)
    check(path, tmp_path / f"{kind}.json", capsys)

"""Run the fuzz harness (tests/test_fuzz.py) with a large budget: seeded byte mutants of each fixture.

Usage::

    python scripts/fuzz.py [--budget 500] [--seed 22]

The normal test run uses 4 mutants per fixture; failures name the mutant's
seed, index and mutation so they can be replayed. For peak memory per run
and output-path checks, see scripts/hostile_sweep.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=int, default=500, help="mutants per fixture (default: 500)")
    ap.add_argument("--seed", type=int, default=22)
    args = ap.parse_args(argv)
    env = {**os.environ, "PIPELINE_FUZZ_BUDGET": str(args.budget), "PIPELINE_FUZZ_SEED": str(args.seed)}
    return subprocess.call([sys.executable, "-m", "pytest", "tests/test_fuzz.py", "-q", "-p", "no:cacheprovider"],
                           cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())

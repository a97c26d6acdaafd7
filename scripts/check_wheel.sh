#!/usr/bin/env bash
# Build the wheel, install it in a fresh venv outside the repository, and parse and validate the
# sample with the installed command from another directory: the package must carry its schemas,
# rule data and model, and need nothing from the source tree.
#   scripts/check_wheel.sh [PYTHON]      (make wheel-check; CI runs it after make test)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${1:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q --upgrade pip
"$WORK/venv/bin/pip" wheel -q --no-deps -w "$WORK/dist" "$ROOT"
"$WORK/venv/bin/pip" install -q "$WORK"/dist/*.whl
cp "$ROOT/samples/zhengzhengban-2017-30.pdf" "$WORK/sample.pdf"
cd "$WORK"   # not the repository: nothing may be read from the source tree
"$WORK/venv/bin/policy-pipeline" parse sample.pdf -o sample.json
"$WORK/venv/bin/policy-pipeline" validate sample.json
"$WORK/venv/bin/python" - <<'PY'
import json
d = json.load(open("sample.json", encoding="utf-8"))
assert d["metadata"]["doc_number"]["text"] == "郑政办〔2017〕30号", d["metadata"]["doc_number"]
assert d["targets"], "no targets"
print(f"wheel ok: {len(d['targets'])} targets, {len(d['sections'])} sections")
PY

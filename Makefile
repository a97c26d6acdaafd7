# Two commands matter: `make run` and `make test`. Both set themselves up.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Debian packages: the browser tests use chromium and its driver, OCR of scanned pages uses Tesseract
# with its Simplified Chinese data, gcc builds pipeline._speedups, and the generated fixture PDFs draw
# reportlab's STSong-Light, a CJK font they do not embed, so the tests that compare engines and layouts
# need one CJK font installed (fonts-wqy-zenhei) for PDFium to place those glyphs as pdfminer does;
# LibreOffice (writer, no GUI) turns .doc and .wps files into .docx.
# Installed when missing and we are root (CI is), before the venv, so the C module builds on a machine
# that had no compiler.
DEB_PKGS := chromium chromium-driver tesseract-ocr tesseract-ocr-chi-sim gcc fonts-wqy-zenhei libreoffice-writer-nogui

.PHONY: run test lint golden bench model setup sysdeps clean wheel-check

$(STAMP): pyproject.toml setup.py pipeline/_speedups.c
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY) on PATH" >&2; exit 1; }
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

setup: sysdeps $(STAMP)

sysdeps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian packages:" $$missing >&2; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "note: Debian packages missing (not root):" $$missing"; tests needing them will be skipped" >&2; fi

# the same outputs `pipeline batch samples/ -o out/` gives (out/<stem>-<8 hex of the file's sha256>.json),
# so following the README after `make run` reuses them instead of writing a second copy
run: $(STAMP)
	$(BIN)/python -m pipeline batch samples/ -o out/

test: sysdeps $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy pipeline
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy pipeline

# the wheel in a fresh venv, used from another directory: the package carries everything it reads
wheel-check: $(STAMP)
	scripts/check_wheel.sh $(PY)

golden: $(STAMP)
	$(BIN)/python -m tests.golden

bench: $(STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_batch.py

model: $(STAMP)
	$(BIN)/python scripts/train_ner.py

clean:
	rm -rf $(VENV) out/*.json .pytest_cache

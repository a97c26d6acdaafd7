# Two commands matter: `make run` and `make test`. Both set themselves up.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLES := $(wildcard samples/*.pdf)
OUTS := $(patsubst samples/%.pdf,out/%.json,$(SAMPLES))

.PHONY: run test lint golden bench model setup clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY) on PATH" >&2; exit 1; }
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	@mkdir -p out
	@for f in $(SAMPLES); do \
		n=$$(basename $$f .pdf); \
		$(BIN)/python -m pipeline parse $$f -o out/$$n.json && echo "out/$$n.json"; \
	done

test: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests
	$(BIN)/mypy pipeline

golden: $(STAMP)
	$(BIN)/python -m tests.golden

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

model: $(STAMP)
	$(BIN)/python scripts/train_ner.py

clean:
	rm -rf $(VENV) out/*.json .pytest_cache

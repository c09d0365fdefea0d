# The two set-up commands: `make demo` and `make test`. Each works as the first
# command on a fresh clone with only Python and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's metadata changes. --no-compile: pip would
# compile every module of every dependency (14 of its 34 s here), most of them
# never imported; Python compiles what is imported, once.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-compile -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/workbench --demo

# The suite in English, then the app in Chinese (tests/zh: the language is
# chosen before the screens load, so it takes a pytest of its own). Twice as
# many workers as cores: a Pilot test spends about a third of its time waiting
# for a frame, a worker thread or another process, which other workers use
# (on 2 cores: 145 s with 4 workers, 200 s with 2).
JOBS ?= $(shell $(PYTHON) -c 'import os; print(2 * (os.cpu_count() or 1))')
test: lint
	WORKBENCH_LANG=en $(BIN)/pytest -n $(JOBS)
	WORKBENCH_LANG=zh_CN $(BIN)/pytest tests/zh

lint: $(STAMP)
	$(BIN)/ruff check workbench tests benchmarks docs
	$(BIN)/ruff format --check workbench tests benchmarks docs
	$(BIN)/mypy
	$(BIN)/lint-imports

# Not part of `make test`: minutes, and gigabytes of reference data (cached in
# benchmarks/.cache). Prints each figure beside its budget; writes
# benchmarks/results.json and the table in docs/performance.md.
bench: $(STAMP)
	$(BIN)/python -m benchmarks

# The manual in docs/ as a site in site/ (mkdocs-material; strict: a broken link fails).
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --quiet

clean:
	rm -rf $(VENV) build site *.egg-info .pytest_cache .mypy_cache .ruff_cache benchmarks/.cache

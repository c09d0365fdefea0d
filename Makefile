# The two set-up commands: `make demo` and `make test`. Each works as the first
# command on a fresh clone with only Python and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/workbench --demo

# The suite in English, then the app in Chinese (tests/zh: the language is
# chosen before the screens load, so it takes a pytest of its own).
test: lint
	WORKBENCH_LANG=en $(BIN)/pytest -n auto
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

# The two set-up commands: `make demo` and `make test`. Each works as the first
# command on a fresh clone with only Python and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

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
# benchmarks/.cache). Prints each figure beside its budget; writes benchmarks/results.json.
bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache benchmarks/.cache

# legitka: two commands for a fresh machine (see README.md).
#   make demo   serve the demo on http://127.0.0.1:8000
#   make test   ruff, mypy and the whole test suite
#   make bench  the register benchmark (benchmarks/README.md)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint install bench

demo: $(STAMP)
	$(BIN)/legitka serve --demo

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/register.py

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes (new dependencies, new entry points).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

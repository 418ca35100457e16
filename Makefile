# legitka: two commands for a fresh machine (see README.md).
#   make demo   serve the demo on http://127.0.0.1:8000
#   make test   ruff, mypy and the whole test suite (with npm: the interop tests' packages first;
#               Debian's chromium for the browser tests when it is missing and can be installed)
#   make bench  the register benchmark (benchmarks/README.md)
#   make bench-issuance  the issuance benchmark: ES256, SD-JWT VC issuance, status lists
#   make bench-ordering  100 students order at once against a served demo
#   make bench-verification  presentation verification: ours, raw ES256, sd-jwt, @sd-jwt/sd-jwt-vc
#   make load  the load test on PostgreSQL: 1 and 2 app processes, order → activate → present
#   make benchmarks  every benchmark at its full size into BENCHMARKS.md (benchmarks/report.py)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The interop tests run independent npm implementations (tests/interop/package-lock.json). Without
# npm they are skipped and the test summary says "SKIPPED GROUP interop".
NPM := $(shell command -v npm 2>/dev/null)
INTEROP := tests/interop
INTEROP_STAMP := $(INTEROP)/node_modules/.installed
# The browser tests drive Debian's chromium (/usr/bin/chromium) through Playwright. The script
# installs it when missing, as root or with sudo without a password; otherwise the tests are
# skipped and the test summary says "SKIPPED GROUP browser".
INSTALL_CHROMIUM := tests/browser/install-chromium.sh

.PHONY: demo test lint install bench bench-issuance bench-ordering bench-verification load benchmarks chromium

demo: $(STAMP)
	$(BIN)/legitka serve --demo

test: lint $(if $(NPM),$(INTEROP_STAMP)) chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/register.py

bench-issuance: $(STAMP)
	$(BIN)/python benchmarks/issuance.py

bench-ordering: $(STAMP)
	$(BIN)/python benchmarks/ordering.py

# Node.js's side runs with tests/interop's packages (installed first when npm is there).
bench-verification: $(STAMP) $(if $(NPM),$(INTEROP_STAMP))
	$(BIN)/python benchmarks/verification.py

# The whole story against real legitka processes on the PostgreSQL server of
# LEGITKA_TEST_POSTGRES_URL (default postgres@127.0.0.1:5432): a database is made and dropped.
load: $(STAMP)
	$(BIN)/python benchmarks/load.py --out benchmarks/results/load.md

# Every benchmark at its full size, one after the other, into BENCHMARKS.md: run it on a quiet
# machine, since other processes taking the CPU lower every number.
benchmarks: $(STAMP) $(if $(NPM),$(INTEROP_STAMP))
	$(BIN)/python benchmarks/report.py

install: $(STAMP)

chromium:
	@sh $(INSTALL_CHROMIUM)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever pyproject.toml changes (new dependencies, new entry points).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

# Reinstall the pinned npm packages whenever the lock file changes (the interop fixture in
# tests/interop/conftest.py uses the same stamp).
$(INTEROP_STAMP): $(INTEROP)/package-lock.json
	cd $(INTEROP) && npm ci --no-audit --no-fund
	touch $(INTEROP_STAMP)

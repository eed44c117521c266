# Two commands do everything: `make serve` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test lint typecheck pytest openapi bench fuzz clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml clients/python/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e clients/python -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/edskills db upgrade
	$(BIN)/edskills seed
	$(BIN)/edskills serve

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Two processes, each taking whole test files (a browser module keeps its Chromium to itself).
PYTEST_WORKERS ?= 2
pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck pytest

openapi: $(STAMP)
	$(BIN)/edskills openapi

bench: $(STAMP)
	$(BIN)/python -m bench

# A long schemathesis run over every operation on SQLite and PostgreSQL (`make test` runs a short one).
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP)
	EDSKILLS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) EDSKILLS_FUZZ_RANDOM=1 $(BIN)/pytest tests/contract -q

clean:
	rm -rf $(VENV) var/*.db var/*.db-*

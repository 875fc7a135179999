# The README's two commands live here; .ci/run calls `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: run tour test check lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

# The web app on http://127.0.0.1:8000 over a fresh demo store (removed on Ctrl+C).
run: $(STAMP_RUN)
	$(BIN)/blamefree serve --demo

# The guided command-line tour in .blamefree-demo/ (made fresh).
tour: $(STAMP_RUN)
	$(BIN)/python -m blamefree.demo

test: $(STAMP_DEV) check pytest

check: $(STAMP_DEV)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

pytest: $(STAMP_DEV)
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP_RUN)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache

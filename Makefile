# The README's two commands live here; .ci/run calls `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: setup run tour test check lint typecheck pytest bench clean

# The Debian packages PDF export needs (WeasyPrint's Pango, HarfBuzz and a font to embed) and
# poppler-utils, which the PDF tests read pages back with. Installed only when one is missing
# (as root; .ci/run calls this too).
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
	libfontconfig1 fonts-dejavu-core poppler-utils

setup:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null \
		| grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing the Debian packages PDF export needs:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; \
		else echo "Not root and no sudo: run as root: apt-get install -y $$missing" >&2; exit 1; fi; \
		$$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# pip compiles a package it installs; an editable install's own modules it leaves to the first
# import, which compiles them on every start where PYTHONDONTWRITEBYTECODE is set: compile them
# once here (Python still checks each against its source).
$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m compileall -q src
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src
	touch $@ $(STAMP_RUN)

# The web app on http://127.0.0.1:8000 over a fresh demo store (removed on Ctrl+C).
run: setup $(STAMP_RUN)
	$(BIN)/blamefree serve --demo

# The guided command-line tour in .blamefree-demo/ (made fresh).
tour: $(STAMP_RUN)
	$(BIN)/python -m blamefree.demo

test: setup $(STAMP_DEV) check pytest

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

# heal-dashboard: `make run` brings up the local cloud with the dashboard,
# `make test` runs every test tier. Both set up what they need first.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help venv test unit lint packaging clean

help:
	@echo "make run    - local OpenStack + Horizon with heal-dashboard"
	@echo "make test   - every test tier (unit, packaging, lint)"
	@echo "make unit   - unit tests only"

venv: $(STAMP)

$(STAMP): setup.cfg setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

test: unit packaging lint

unit: $(STAMP)
	$(PY) -m pytest tests/unit

packaging: $(STAMP)
	$(PY) -m pytest tests/packaging

lint: $(STAMP)
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) build dist *.egg-info

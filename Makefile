# Followthrough: `make run` serves the app with demo data, `make test` runs the suite.
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run`'s settings: debug pages on, and links in emails pointing at the address it serves.
RUN_ENV = DEBUG=true BASE_URL=$${BASE_URL:-http://$(HOST):$(PORT)}

.PHONY: run test lint format lock demo clean help

help:
	@echo "make run    set up everything and serve http://$(HOST):$(PORT) with demo data"
	@echo "make test   run the test suite on SQLite, then on PostgreSQL"
	@echo "make lint   ruff, mypy, makemigrations --check and the Spanish catalogue's check"
	@echo "make lock   re-pin the dependencies after changing pyproject.toml"

$(BIN)/python:
	@py=$$(scripts/find-python) && echo "Creating $(VENV) with $$py" && "$$py" -m venv $(VENV)

# The translation catalogues: the .po files are committed, their compiled .mo are not (GNU
# gettext's msgfmt builds them at install, and again whenever a .po changes).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard followthrough/locale/*/LC_MESSAGES/django.po))
COMPILE_MESSAGES = DEBUG=true $(BIN)/followthrough compilemessages --ignore=.venv -v 0

$(VENV)/.runtime: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(COMPILE_MESSAGES)
	@touch $@

followthrough/locale/%/LC_MESSAGES/django.mo: followthrough/locale/%/LC_MESSAGES/django.po | $(VENV)/.runtime
	$(COMPILE_MESSAGES)

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock $(CATALOGUES)
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	@touch $@

run: $(VENV)/.runtime $(CATALOGUES)
	@mkdir -p var
	$(RUN_ENV) $(BIN)/followthrough migrate --no-input -v 0
	$(RUN_ENV) $(BIN)/followthrough demo --once
	$(RUN_ENV) $(BIN)/followthrough serve --bind $(HOST):$(PORT)

demo: $(VENV)/.runtime $(CATALOGUES)
	$(RUN_ENV) $(BIN)/followthrough demo

test: $(VENV)/.dev
	@PATH="$(CURDIR)/$(BIN):$$PATH" scripts/test

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy followthrough tests
	DEBUG=true $(BIN)/followthrough makemigrations --check --dry-run
	$(BIN)/python scripts/check-translations

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(VENV)/.dev
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 -o requirements-dev.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# SIBANTU — the two commands: `make run` and `make test`. Everything else is a helper target.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations services lint bench clean-db

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,prod]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	@if [ -d translations ]; then $(BIN)/pybabel -q compile -d translations; fi

## make run: embedded SQLite, demo data, notifications relayed in-process (no Redis needed)
run: install
	@unset DATABASE_URL REDIS_URL; \
	$(BIN)/flask db upgrade && \
	$(BIN)/flask demo-data && \
	echo "SIBANTU berjalan di http://$(HOST):$(PORT)  (Ctrl+C untuk berhenti)" && \
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## make test: the whole suite; PostgreSQL and Redis are used when reachable (started if installed)
test: install
	@scripts/services.sh start || true
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

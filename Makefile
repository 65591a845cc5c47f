# Everything installs into .venv from pyproject.toml; each target installs what it needs first.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTHON ?= python3

.PHONY: install run test lint bench docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

## The main job: the web app and JSON API on http://127.0.0.1:8000/ over the reference case.
run: $(STAMP)
	$(BIN)/coercionwatch serve --demo

## The test suite (SQLite always; PostgreSQL at 127.0.0.1:5432 when reachable, required in CI).
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -n auto --dist loadfile

## Rewrite the README's generated parts (the field reference) from the model.
docs: $(STAMP)
	$(BIN)/cog -r README.md

bench: $(STAMP)
	$(BIN)/python bench/import.py
	$(BIN)/python bench/serve.py
	$(BIN)/python bench/site.py
	$(BIN)/python bench/watch.py

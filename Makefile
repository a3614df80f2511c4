# Two commands on a fresh machine: `make site` and `make test`. Every target sets itself up.
# The virtual environment gets the exact versions of requirements.lock (what CI tested);
# `make test-latest` tries the newest versions pyproject.toml allows, `make lock` records them.
SHELL   := /bin/bash
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
PYTHON  ?= python3
LOCK    := requirements.lock
LATEST  := .venv-latest
PIP     := -m pip install --quiet --disable-pip-version-check

.PHONY: install lint check site serve test test-latest lock bench bench-quick clean

$(STAMP): pyproject.toml $(LOCK)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python $(PIP) "$$(grep '^pip==' $(LOCK))"
	$(BIN)/python $(PIP) --requirement $(LOCK)
	$(BIN)/python $(PIP) --no-deps --no-build-isolation --editable .
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)   ## frontmatter, links, headings, attachments
	$(BIN)/lemma lint

check: $(STAMP)   ## machine-check every derivation (cached in .lemma-cache/)
	$(BIN)/lemma check

site: lint check   ## lint, check, then build site/ strictly
	$(BIN)/mkdocs build --strict

serve: $(STAMP)   ## live preview on http://127.0.0.1:8000 (--dirty: re-render only edited notes)
	$(BIN)/mkdocs serve --dirty

test: $(STAMP)   ## ruff + the whole pytest suite (browser tests included when chromium exists)
	$(BIN)/ruff check tools tests benchmarks
	$(BIN)/pytest

test-latest:   ## the suite on the newest versions pyproject.toml allows (run before `make lock`)
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python $(PIP) --upgrade pip setuptools
	$(LATEST)/bin/python $(PIP) --upgrade --upgrade-strategy eager --editable '.[test]'
	$(LATEST)/bin/python -m pip list --format freeze --exclude-editable \
		| diff <(grep -v '^#' $(LOCK)) - || true  # what the newest versions change
	$(LATEST)/bin/ruff check tools tests benchmarks
	$(LATEST)/bin/pytest

lock:   ## rewrite requirements.lock with the newest versions pyproject.toml allows
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python $(PIP) --upgrade pip setuptools
	$(LATEST)/bin/python $(PIP) --upgrade --upgrade-strategy eager --editable '.[test]'
	echo "# Exact versions CI tested: written by 'make lock' from pyproject.toml; do not edit." \
		> $(LOCK).new
	$(LATEST)/bin/python -m pip list --format freeze --exclude-editable >> $(LOCK).new
	mv $(LOCK).new $(LOCK)

bench: $(STAMP)   ## every benchmark at the sizes the issues name (hours: 100k-note vaults are written once)
	$(BIN)/python benchmarks/bench_check.py --jobs 2
	$(BIN)/python benchmarks/bench_check.py --jobs 2 --blocks 1000 --vault .bench/blocks
	$(BIN)/python benchmarks/bench_identities.py
	$(BIN)/python benchmarks/bench_site.py 1000 10000
	$(BIN)/python benchmarks/bench_serve.py 10000
	$(BIN)/python benchmarks/bench_graph.py --sizes 1000 10000 100000 --vault .bench/graph
	$(BIN)/python benchmarks/bench_parse.py --vault .bench/graph/100000/notes --sample 10000
	$(BIN)/python benchmarks/bench_resolve.py --vault .bench/graph/100000/notes
	$(BIN)/python benchmarks/bench_lsp.py --notes-count 100000 --vault .bench/lsp
	$(BIN)/python benchmarks/bench_graph_view.py --notes 1000
	$(BIN)/python benchmarks/bench_citations.py
	$(BIN)/python benchmarks/bench_pathological.py
	$(BIN)/mkdocs build --quiet --site-dir .bench/site && $(BIN)/python benchmarks/bench_page.py .bench/site

bench-quick: $(STAMP)   ## the same figures at small sizes (minutes)
	$(BIN)/python benchmarks/bench_check.py --jobs 2
	$(BIN)/python benchmarks/bench_site.py 1000
	$(BIN)/python benchmarks/bench_serve.py 1000 1
	$(BIN)/python benchmarks/bench_graph.py --sizes 1000 --repeat 1
	$(BIN)/python benchmarks/bench_parse.py --notes 1000 --repeat 1
	$(BIN)/python benchmarks/bench_resolve.py --notes 1000 --repeat 1
	$(BIN)/python benchmarks/bench_lsp.py --notes-count 1000 --warm-starts 1
	$(BIN)/mkdocs build --quiet --site-dir .bench/site && $(BIN)/python benchmarks/bench_page.py .bench/site

clean:
	rm -rf site .lemma-cache .bench $(LATEST)

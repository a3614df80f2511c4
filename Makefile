# Two commands on a fresh machine: `make site` and `make test`. Every target sets itself up.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
PYTHON  ?= python3

.PHONY: install lint check site serve test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
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

bench: $(STAMP)   ## benchmarks: print their figures
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script; done

clean:
	rm -rf site .lemma-cache

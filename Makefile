# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SOURCES := $(shell find _namespace schemas text validators archive downstream crawler -type f \( -name '*.py' -o -name '*.json' -o -name 'py.typed' -o -name '*.html' -o -name '*.css' \) 2>/dev/null)
# mypy cannot follow pyproject's folder-to-namespace mapping, so it checks a
# tree of symlinks that lays the folders out as the installed package.
TYPECHECK := .typecheck

.PHONY: demo test lint types unit bench clean

$(STAMP): pyproject.toml $(SOURCES)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

# The demo archive is ./archive-data (or $$WIREARCHIVE_ARCHIVE); a second run shows the
# same inputs as "unchanged" sightings, not new versions.
demo: $(STAMP)
	$(VENV)/bin/wirearchive ingest examples/
	$(VENV)/bin/wirearchive show urn:wirearchive:text:sputnik:2024-05-29:sputnik-kz-2024-05-29
	$(VENV)/bin/wirearchive summary

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP)
	rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/wirearchive
	ln -s ../../_namespace/__init__.py ../../_namespace/py.typed $(TYPECHECK)/wirearchive/
	for pkg in text validators archive downstream crawler; do ln -s ../../$$pkg $(TYPECHECK)/wirearchive/$$pkg; done
	cd $(TYPECHECK) && ../$(VENV)/bin/mypy --config-file ../pyproject.toml -p wirearchive
	# bench/ scripts import their sibling modules as a script would.
	MYPYPATH=bench $(VENV)/bin/mypy bench tests

unit: $(STAMP)
	$(PY) -m pytest

test: lint types unit

bench: $(STAMP)
	$(PY) bench/validate.py
	$(PY) bench/archive.py
	$(PY) bench/extract.py
	$(PY) bench/crawl.py
	$(PY) bench/ingest.py
	$(PY) bench/serve.py

clean:
	rm -rf $(VENV) $(TYPECHECK) build dist *.egg-info

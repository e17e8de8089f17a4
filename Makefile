# The two commands a newcomer needs: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SAFEGUARDING := $(VENV)/bin/safeguarding
STAMP := $(VENV)/.installed
ASSETS := static/vendor/govuk/govuk-frontend.min.css

.PHONY: demo test test-fast bench lint install assets browser clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,lint]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json tools/build_assets.py $(STAMP)
	$(PY) tools/build_assets.py

assets: $(ASSETS)

# The demo partnership on http://127.0.0.1:8000, with a sign-in printed for every role.
demo: $(STAMP) $(ASSETS)
	SAFEGUARDING_MODE=demo $(SAFEGUARDING) demo

# Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded by Playwright).
browser:
	@sh tools/ensure_chromium.sh

# The whole suite: unit, integration and browser tests. DATABASE_URL=postgres://... runs it on PostgreSQL.
test: $(STAMP) $(ASSETS) browser
	$(PY) -m pytest

# Everything but the browser tests.
test-fast: $(STAMP) $(ASSETS)
	$(PY) -m pytest -m "not browser"

bench: $(STAMP) $(ASSETS)
	$(PY) -m benchmarks

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy safeguarding config benchmarks tools

clean:
	rm -rf $(VENV) node_modules static/vendor var

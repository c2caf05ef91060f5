# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT   ?= 8501

.PHONY: run test lint format bench sample chromium screenshots clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

## run: start the workbench on http://127.0.0.1:$(PORT) (starts the local QBO sandbox when no Intuit credentials are set)
run: $(STAMP)
	$(if $(filter-out 8501,$(PORT)),QBO_REDIRECT_URI=$${QBO_REDIRECT_URI:-http://127.0.0.1:$(PORT)/}) \
	$(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

## chromium: Debian's Chromium for the browser tests (Playwright cannot download browsers here)
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

## test: every test: unit, sandbox over HTTP, app, browser, notebooks
test: $(STAMP) chromium
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

## screenshots: run the browser journey and refresh docs/screenshots/ (commit them)
screenshots: $(STAMP) chromium
	POSBOOKS_SCREENSHOTS=docs/screenshots $(PY) -m pytest tests/e2e -q

lint: $(STAMP)
	$(VENV)/bin/ruff check lib tests app.py pages bench data
	$(VENV)/bin/ruff format --check lib tests app.py pages bench data
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format lib tests app.py pages bench data
	$(VENV)/bin/ruff check --fix lib tests app.py pages bench data

sample: $(STAMP)
	$(PY) data/make_sample.py

bench: $(STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache

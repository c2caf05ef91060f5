# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Every dependency pinned, dev extra included; the project itself is installed --no-deps on top.
LOCK   := requirements.lock
LOCK_VENV := .venv-lock
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PORT   ?= 8501

.PHONY: run test lint format bench sample chromium screenshots notebooks clean lock

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

## lock: re-pin requirements.lock from pyproject.toml (dependencies + the dev extra), keeping
## the pins that still fit; `make lock UPGRADE=1` moves every pin to the newest allowed.
## After a merge touching either file: take either side of requirements.lock, then `make lock`.
lock:
	@test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip 'pip-tools>=7.4,<8'; }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet --extra dev --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
		$(if $(UPGRADE),--upgrade) --output-file $(LOCK) pyproject.toml

## run: start the workbench on http://127.0.0.1:$(PORT) (starts the local QBO sandbox when no Intuit credentials are set)
run: $(STAMP)
	$(if $(filter-out 8501,$(PORT)),QBO_REDIRECT_URI=$${QBO_REDIRECT_URI:-http://127.0.0.1:$(PORT)/}) \
	$(VENV)/bin/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

## notebooks: JupyterLab over notebooks/ on http://127.0.0.1:$(NB_PORT) (loopback only; open the link with the token it prints)
NB_PORT ?= 8888
notebooks: $(STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(NB_PORT) \
		--ServerApp.open_browser=False --ServerApp.root_dir=notebooks \
		$(if $(filter 0,$(shell id -u)),--allow-root)

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
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache

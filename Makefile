# Two commands set everything up on a fresh Linux or macOS machine with Python 3.11+:
#   make lab    a virtual environment in .venv with what the notebooks need (requirements.txt), then JupyterLab
#   make test   the same environment plus the test tools (requirements-test.txt) and, with npm, the
#               hub's proxy (hub/package.json), then ruff's checks of the code, then every test
# `make lab SERVERS=1` also installs the database drivers (requirements-servers.txt), for DATABASE_URL.
# `make lite` builds the browser version (JupyterLite) into build/lite/ (requirements-lite.txt).
# `make test-quick` runs, in a minute or two, the quick tests and the notebooks changed since main (README).
# `make site` builds the course's website, with the browser version inside, into build/site/ (requirements-site.txt).
# `make test-latest` tries the newest release of every pin; `make bump` moves the pins (README: "For contributors").
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_ARGS ?=
SERVERS ?=
PIP_INSTALL = $(BIN)/python -m pip install --quiet --disable-pip-version-check

# One marker per set of requirements: each says that set is installed, and is older than its files
# when one of them changed since (then make installs the set again).
LEARNER := $(VENV)/.installed-learner
DRIVERS := $(VENV)/.installed-servers
TESTING := $(VENV)/.installed-test
# The proxy in front of JupyterHub, for the hub test (hub/package.json pins it; npm ci installs the lock).
PROXY := hub/node_modules/.bin/configurable-http-proxy
LITE := $(VENV)/.installed-lite
SITE := $(VENV)/.installed-site

.PHONY: lab test test-quick test-latest bump outputs benchmark progress slides cheatsheet lite site

$(VENV)/pyvenv.cfg:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: run make with PYTHON=python3.12 (say)")'
	$(PYTHON) -m venv $(VENV)

$(LEARNER): requirements.txt | $(VENV)/pyvenv.cfg
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(DRIVERS): requirements-servers.txt | $(VENV)/pyvenv.cfg
	$(PIP_INSTALL) -r requirements-servers.txt
	@touch $@

$(LITE): requirements-lite.txt | $(VENV)/pyvenv.cfg
	$(PIP_INSTALL) -r requirements-lite.txt
	@touch $@

$(SITE): requirements-site.txt | $(VENV)/pyvenv.cfg
	$(PIP_INSTALL) -r requirements-site.txt
	@touch $@

# The test set includes the other four, so installing it brings their markers up to date too.
$(TESTING): requirements-test.txt requirements.txt requirements-servers.txt requirements-lite.txt requirements-site.txt | $(VENV)/pyvenv.cfg
	$(PIP_INSTALL) -r requirements-test.txt
	@touch $@ $(LEARNER) $(DRIVERS) $(LITE) $(SITE)

lab: $(LEARNER) $(if $(SERVERS),$(DRIVERS))
	$(BIN)/jupyter lab --config=lab/jupyter_server_config.py --ServerApp.root_dir=. $(LAB_ARGS) notebooks/00-start-here.ipynb

$(PROXY): hub/package.json hub/package-lock.json
	@if command -v npm >/dev/null; then \
		cd hub && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.bin/configurable-http-proxy; \
	else \
		echo "npm is not installed: the hub test will skip (it needs Node.js and npm for configurable-http-proxy)"; \
	fi

test: $(TESTING) $(PROXY)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The quick loop while you edit a notebook or the helper package (README, "For contributors"): ruff, the tests marked
# quick (conftest.py) and nbval on the notebooks changed since main, or on NOTEBOOKS="notebooks/04-*.ipynb".
test-quick: $(TESTING)
	$(BIN)/ruff check .
	$(BIN)/python tools/test_quick.py $(NOTEBOOKS)

# The tutorial in the browser: a static JupyterLite site in build/lite/ (README: "Try it in your browser").
lite: $(LEARNER) $(LITE)
	$(BIN)/python tools/build_lite.py

# The course on the web: a static site of every notebook, with a launch menu, in build/site/ (tools/build_site.py;
# settings in site/conf.py), the browser version in its lite/ folder; Mermaid and the widgets' scripts from npm
# (site/package-lock.json). GitHub Pages publishes it (.github/workflows/site.yml).
site: $(LEARNER) $(LITE) $(SITE)
	$(BIN)/python tools/build_site.py

# Produce the stored outputs of the notebooks (all, or NOTEBOOKS="notebooks/03-*.ipynb").
outputs: $(TESTING)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

# The newest release of every pinned package, in .venv-latest/ (made afresh; PRE=1: pre-releases too), tried on every
# notebook and on the helper package's unit tests (tools/test_latest.py). test-artifacts/drift.md lists the versions
# tried against the pins, the cells that fail and the stored outputs that would change. The target fails when a cell
# or a unit test fails, or when the newest releases cannot be installed together; changed outputs do not fail it.
test-latest:
	$(PYTHON) tools/test_latest.py $(if $(PRE),--pre)

# Move the pins to the newest releases (tools/bump.py; `python tools/bump.py --dry-run` only prints old -> new), then
# reinstall .venv from them, regenerate every stored output (make outputs) and pin the browser version's wheels to
# them (lite/wheels.txt, with their sha256). Nothing is committed: review the diff.
bump: $(VENV)/pyvenv.cfg
	$(BIN)/python tools/bump.py
	$(MAKE) outputs
	$(BIN)/python tools/build_lite.py --pin

benchmark: $(TESTING)
	$(BIN)/python tools/benchmark.py

# My progress: every notebook's exercise checked on your workspace, in one table.
progress: $(LEARNER)
	@cd notebooks && ../$(BIN)/python -m tutorial.progress

# The teacher's pack (teaching/), built into build/teaching/: the slides, offline (reveal.js from npm,
# pinned in teaching/package-lock.json), and the one-page cheat sheet as HTML and PDF (headless Chromium).
# make test builds and checks both in a temporary folder (tests/test_teaching.py).
slides: $(LEARNER)
	$(BIN)/python tools/build_teaching.py slides

cheatsheet: $(LEARNER)
	$(BIN)/python tools/build_teaching.py cheatsheet

# Two commands set everything up on a fresh Linux or macOS machine with Python 3.11+:
#   make lab    a virtual environment in .venv with the pinned requirements, then JupyterLab
#   make test   the same environment, then every test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LAB_ARGS ?=

.PHONY: lab test outputs benchmark

$(INSTALLED): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: run make with PYTHON=python3.12 (say)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

lab: $(INSTALLED)
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_ARGS) notebooks/00-start-here.ipynb

test: $(INSTALLED)
	$(BIN)/python -m pytest

# Produce the stored outputs of the notebooks (all, or NOTEBOOKS="notebooks/03-*.ipynb").
outputs: $(INSTALLED)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

benchmark: $(INSTALLED)
	$(BIN)/python tools/benchmark.py

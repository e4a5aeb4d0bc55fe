# KI-Werkstatt — the commands the README promises.
#   make lab    set up .venv (first run), then open the course in JupyterLab
#   make test   set up (first run), then unit tests + every notebook, exercise and solution (profile quick)
#   make book   set up (first run), then build both editions of the book offline
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Notebooks run in parallel, two at a time, each with one thread for PyTorch.
JOBS ?= 2
NBVAL := $(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider -n $(JOBS) --dist loadfile -q
PROFILE ?= standard

.PHONY: setup lab test unit notebooks exercises book strip clean help

help:
	@echo "make lab | make test | make book | make exercises | make strip | make clean"

$(STAMP): requirements.txt requirements-nodeps.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=.

# Everything a fresh clone must pass; .ci/run calls exactly this.
test: setup unit notebooks

unit: setup
	$(PY) -m pytest tests -q

notebooks: setup
	WERKSTATT_PROFILE=quick OMP_NUM_THREADS=1 $(NBVAL) notebooks
	WERKSTATT_PROFILE=quick OMP_NUM_THREADS=1 WERKSTATT_EXPECT=correct $(NBVAL) solutions
	WERKSTATT_PROFILE=quick OMP_NUM_THREADS=1 WERKSTATT_EXPECT=unattempted $(NBVAL) exercises

# Write exercises/ from solutions/ (never edit exercises/ by hand).
exercises: setup
	$(PY) scripts/make_exercises.py

# Remove outputs from every notebook before committing.
strip: setup
	$(PY) scripts/strip_outputs.py

# Both editions, offline; notebooks run in the $(PROFILE) profile and are cached between builds.
book: setup
	$(PY) scripts/build_book.py --profile $(PROFILE)

clean:
	rm -rf _build

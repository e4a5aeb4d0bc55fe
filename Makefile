# KI-Werkstatt — the commands the README promises.
#   make lab    set up .venv (first run), then open the course in JupyterLab
#   make test   set up (first run), then unit tests + every notebook, exercise and solution (profile quick)
#   make book   set up (first run), then build both editions of the book offline
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# JavaScript from npm (pinned in tools/browser/package-lock.json): served by the book instead of CDNs, and axe-core.
NODE_STAMP := tools/browser/node_modules/.installed
# Notebooks run in parallel, two at a time, each with one thread for PyTorch.
JOBS ?= 2
NBVAL := $(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider -n $(JOBS) --dist loadfile -q
PROFILE ?= standard

.PHONY: pupils-copy setup book-setup browser-setup lab test unit notebooks browser exercises worksheets book address strip lock clean help

help:
	@echo "make lab | make test | make book | make exercises | make worksheets | make pupils-copy | make hub-test | make lock | make address | make strip | make clean"

# The lock (written by `make lock` from pyproject.toml): every package at its exact version, checked against
# its hash. It is a closed set, so pip installs it with --no-deps and resolves nothing itself. PyTorch comes
# last and apart (requirements/torch.txt): what every build of it needs is in the lock. On Linux without a GPU,
# `make setup TORCH_INDEX=https://download.pytorch.org/whl/cpu` takes the CPU build instead of the CUDA one.
LOCK := requirements/all.txt
TORCH_INDEX ?=
$(STAMP): $(LOCK) requirements/torch.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) -r requirements/torch.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(NODE_STAMP): tools/browser/package.json tools/browser/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --prefix tools/browser --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Python side: everything the notebooks need (make lab needs nothing more).
setup: $(STAMP)

# What the book build and its browser tests need on top: the npm files the book serves offline, and
# Chromium (installed as root or in CI; elsewhere a notice: tools/browser/ensure-chromium.sh).
book-setup: setup $(NODE_STAMP)

browser-setup: book-setup
	@tools/browser/ensure-chromium.sh

# As root (a container, a school's server, a teacher's VM) JupyterLab refuses to start without --allow-root. The
# flag is added only then, and a line says so: JupyterLab still listens only on this computer and asks for its token.
# EUID can be given on the command line (tests/test_make_lab.py checks both cases with make -n).
EUID ?= $(shell id -u)
AS_ROOT := $(filter 0,$(EUID))
ROOT_NOTE := make lab: running as root (a container or a server), so JupyterLab starts with --allow-root; it still listens only on this computer (localhost) and asks for its token.
lab: setup
	@$(if $(AS_ROOT),echo "$(ROOT_NOTE)",true)
	$(VENV)/bin/jupyter lab --notebook-dir=. $(if $(AS_ROOT),--allow-root)

# Everything a fresh clone must pass; .ci/run calls exactly this. browser-setup comes first: the unit tests print
# the worksheets with Chromium and MathJax (tests/test_worksheets.py).
test: setup browser-setup unit notebooks browser hub-test

unit: setup
	$(PY) -m pytest tests -q

notebooks: setup
	WERKSTATT_PROFILE=quick OMP_NUM_THREADS=1 $(NBVAL) notebooks
	WERKSTATT_PROFILE=quick OMP_NUM_THREADS=1 WERKSTATT_EXPECT=correct $(NBVAL) solutions
	WERKSTATT_PROFILE=quick OMP_NUM_THREADS=1 WERKSTATT_EXPECT=unattempted $(NBVAL) exercises

# The built book (profile quick, both editions) in headless Chromium: offline, axe-core, links, language switch.
# Runs wherever Chromium is installed, and always in CI (CI=true), where a missing Chromium fails the run.
browser: browser-setup
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ "$${CI:-}" = "true" ]; then \
		OMP_NUM_THREADS=1 $(PY) -m pytest tests/browser -q; \
	else \
		echo "NOTE: browser tests skipped: Chromium is not installed (sudo apt-get install chromium chromium-driver)."; \
	fi

# A class on a real JupyterHub (tests/hub) on 127.0.0.1: three pupils, each a Linux user with their own server, pull
# the course with an nbgitpuller link and run chapters 1 and 5. It creates Linux users, so it runs as root (a
# container, a server; in CI also through password-less sudo) and always in CI (CI=true); elsewhere a notice says it
# was skipped. The pupils' servers run the course's Python from .venv, so other users must be able to read .venv and
# the repository (the test says what to change when they cannot). Its proxy comes from npm (tools/hub/package-lock.json).
# HUB_RESULTS=benchmarks/results/hub.json also writes its figures for the teachers' pages (scripts/teacher_tables.py).
HUB_NODE_STAMP := tools/hub/node_modules/.installed
HUB_RESULTS ?=
HUB_PYTEST := env "PATH=$$PATH" CI=$${CI:-} OMP_NUM_THREADS=1 WERKSTATT_HUB_RESULTS=$(HUB_RESULTS) $(PY) -m pytest tests/hub -q
.PHONY: hub-test
$(HUB_NODE_STAMP): tools/hub/package.json tools/hub/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --prefix tools/hub --no-audit --no-fund --loglevel=error
	touch $(HUB_NODE_STAMP)

hub-test: setup
	@if [ "$$(id -u)" = "0" ]; then \
		$(MAKE) --no-print-directory $(HUB_NODE_STAMP) && $(HUB_PYTEST); \
	elif [ "$${CI:-}" = "true" ] && sudo -n true 2>/dev/null; then \
		$(MAKE) --no-print-directory $(HUB_NODE_STAMP) && sudo -n $(HUB_PYTEST); \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "ERROR: CI must run the hub test, but it needs root or password-less sudo (it creates Linux users)." >&2; \
		exit 1; \
	else \
		echo "NOTE: hub test skipped: it creates Linux users for three pupils, so it needs root (sudo make hub-test)."; \
	fi

# The pupils' copy for a class: branch `pupils` without solutions (push it, use branch=pupils in the nbgitpuller link).
pupils-copy: setup
	$(PY) scripts/pupils_copy.py

# Write exercises/ and the nbgrader assignments in nbgrader/source/ from solutions/ (never edit them by hand).
exercises: setup
	$(PY) scripts/make_exercises.py
	$(PY) scripts/task_levels.py

# Remove outputs from every notebook before committing.
strip: setup
	$(PY) scripts/strip_outputs.py

# Printable worksheets and answer keys (PDF, A4) for chapters 1-9 in both editions, from the solution notebooks:
# _build/worksheets/{de,en}/ (the book copies them). Chromium prints them, with the MathJax the book serves.
worksheets: browser-setup
	$(PY) scripts/worksheets.py

# Both editions, offline; notebooks run in the $(PROFILE) profile and are cached between builds.
book: book-setup address worksheets
	$(PY) scripts/build_book.py --profile $(PROFILE)

# The course's home address (its public repository and branch) is written by hand only in course.toml. This writes
# it into every place that links to it: book configs (launch buttons), README's Binder badge, CITATION.cff,
# metadata.yml, LICENSE, the book's pages, and the Colab set-up cell of every notebook and exercise.
address: setup
	$(PY) scripts/address.py
	$(PY) scripts/add_colab_cell.py
	$(PY) scripts/make_exercises.py

# Write the lock again from pyproject.toml (needs PyPI): uv.lock and requirements/*.txt.
# Pass uv's options in LOCK_ARGS, e.g. make lock LOCK_ARGS="--upgrade-package transformers".
lock: setup
	$(PY) requirements/update.py $(LOCK_ARGS)

clean:
	rm -rf _build

"""The German notebooks' output has no English labels and no English-formatted numbers (scripts/german_output.py).

`make notebooks` applies the check to every cell while nbval runs the notebooks (notebooks/conftest.py); this file
checks that the check itself finds what it should and lets through what it should.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from german_output import TAG, cell_problems, findings, output_text
from nbtools import ROOT


@pytest.mark.parametrize("text", [
    "Verlust auf dem Prüftext 2,416 nach 1.500 Schritten",
    "134.515.008 Parameter, 0,91-mal so viele Tokens, 87 %",
    "Stand: 06.12.2026, Python 3.11, transformers 4.57.1, Datei model.safetensors",
    "Loading weights: 100%|██████████| 272/272 [00:00<00:00, 7304.86it/s]",
    "Die Würde des Menschen ist unantastbar.",
])
def test_german_output_passes(text):
    assert findings(text) == []


@pytest.mark.parametrize("text, found", [
    ("kind  stereotype  female  male", "female"),
    ("Fertig: 3 Schritte, Validierungs-Loss 4,180", "Loss"),
    ("Deutsch kostet 0.91-mal so viele Tokens", "0.91"),
    ("Training: 1,714,701 Zeichen", "1,714,701"),
    ("Architektur: 2 Köpfe, context 64 Zeichen", "context"),
])
def test_english_in_german_output_is_found(text, found):
    assert any(f"»{found}«" in line for line in findings(text)), findings(text)


def test_only_stdout_and_plain_results_count():
    assert output_text({"output_type": "stream", "name": "stderr", "text": "validation loss 0.91"}) == ""
    assert output_text({"output_type": "display_data",
                        "data": {"text/plain": "VBox(continuous_update=False)",
                                 "application/vnd.jupyter.widget-view+json": {}}}) == ""
    assert "loss" in output_text({"output_type": "stream", "name": "stdout", "text": ["loss ", "0.9"]})


def test_only_german_untagged_cells_are_checked():
    english = [{"output_type": "stream", "name": "stdout", "text": "validation loss 0.91"}]
    assert cell_problems("notebooks/de/01-x.ipynb", [], english)
    assert not cell_problems("notebooks/en/01-x.ipynb", [], english)
    assert not cell_problems("notebooks/de/01-x.ipynb", [TAG], english)


def test_nbval_run_fails_a_cell_with_english_output(tmp_path):
    """The real thing, small: nbval runs a German notebook of three cells with the hook loaded."""
    folder = tmp_path / "de"
    folder.mkdir()
    cells = [("print('Verlust 2,416')", []), ("print('validation loss 0.91')", []),
             ("print('male names / female names')", [TAG])]
    notebook = {"nbformat": 4, "nbformat_minor": 4, "metadata": {},
                "cells": [{"cell_type": "code", "metadata": {"tags": tags}, "source": source,
                           "outputs": [], "execution_count": None} for source, tags in cells]}
    (folder / "check.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "scripts"))
    run = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "-p", "german_output",
                          "-p", "no:cacheprovider", "-q", "--rootdir", str(tmp_path), str(folder / "check.ipynb")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert "1 failed, 2 passed" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
    assert "»validation«" in run.stdout and "»0.91«" in run.stdout

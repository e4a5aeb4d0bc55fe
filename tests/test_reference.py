"""The course's reference model (werkstatt/reference/tiny-gpt-<language>/): shipped complete, loadable offline, and
as good as its metadata says – so chapter 4 can show the lesson's result on any machine."""
from __future__ import annotations

import fnmatch
import json
import tomllib
from pathlib import Path

import pytest
import torch

from werkstatt import i18n
from werkstatt.gpt import GPT
from werkstatt.release import ARTIFACTS, check_release, load_reference, reference_folder
from werkstatt.train import estimate_loss

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("de", "en")
MAX_MB = 6  # per language: weights (~1 MB), the exact training and test text (~1-2 MB), metadata and card


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_release_has_all_five_artifacts_and_a_model_card(language):
    folder = reference_folder(language)
    found = check_release(folder)
    assert set(found) == set(ARTIFACTS) and all(found.values()), found
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "CC0" in card and "tiny-gpt-" + language in card


@pytest.mark.parametrize("language", LANGUAGES)
def test_weights_load_into_the_package_gpt_and_reach_the_stated_loss(language):
    model, tokenizer, metadata = load_reference(language)
    assert isinstance(model, GPT)
    folder = reference_folder(language)
    test_text = (folder / "data" / "test.txt").read_text(encoding="utf-8")
    how = metadata["reference"]["evaluation"]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the stated loss was measured with one thread; more threads round a little differently
    try:
        measured = estimate_loss(model, torch.tensor(tokenizer.encode(test_text)), how["batches"], how["batch_size"],
                                 how["seed"])
    finally:
        torch.set_num_threads(threads)
    assert measured == pytest.approx(metadata["final_val_loss"], abs=0.01)
    # and it is the lesson's result: clearly better than counting character pairs
    assert metadata["final_val_loss"] < metadata["bigram_val_loss"] - 0.5


@pytest.mark.parametrize("language", LANGUAGES)
def test_metadata_says_how_to_rebuild_it(language):
    metadata = json.loads((reference_folder(language) / "training_metadata.json").read_text(encoding="utf-8"))
    reference = metadata["reference"]
    assert reference["profile"] == "standard" and reference["seed"] == metadata["training"]["seed"]
    assert reference["command"].startswith("python scripts/train_reference.py") and f"--language {language}" in reference["command"]
    assert {"started", "training_seconds", "machine"} <= set(reference)
    assert metadata["training"]["time_budget"] is None  # all steps, not cut short by a clock
    assert metadata["loss_curve"]["steps"][-1] == metadata["training"]["steps"]
    assert (reference_folder(language) / "training_code" / "train_reference.py").is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_stays_small(language):
    size = sum(p.stat().st_size for p in reference_folder(language).rglob("*") if p.is_file())
    assert size < MAX_MB * 1e6


def test_package_data_ships_every_reference_file():
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["werkstatt"]
    package = ROOT / "werkstatt"
    for path in (package / "reference").rglob("*"):
        if path.is_file() and path.suffix != ".pyc" and path.name != "__init__.py":
            relative = path.relative_to(package).as_posix()
            assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_an_unknown_language_gets_a_message():
    from werkstatt.errors import WerkstattError

    with pytest.raises(WerkstattError):
        reference_folder("fr")


def test_reuse_labels_the_speeches_cc0_and_the_weights_as_the_course_s_own():
    annotations = tomllib.loads((ROOT / "REUSE.toml").read_text())["annotations"]

    def licence(relative: str) -> str:
        found = None
        for annotation in annotations:  # the last matching annotation wins
            paths = annotation["path"] if isinstance(annotation["path"], list) else [annotation["path"]]
            if any(fnmatch.fnmatch(relative, p.replace("**", "*")) for p in paths):
                found = annotation["SPDX-License-Identifier"]
        return found

    assert licence("werkstatt/reference/tiny-gpt-de/data/train.txt") == "CC0-1.0"
    assert licence("werkstatt/reference/tiny-gpt-en/data/test.txt") == "CC0-1.0"
    assert licence("werkstatt/reference/tiny-gpt-de/model.safetensors") == "MIT"


def test_compare_shows_the_reference_model_and_says_why_the_run_stopped(capsys, monkeypatch):
    from werkstatt import reference
    from werkstatt.train import History

    monkeypatch.setenv("WERKSTATT_PROFILE", "standard")
    i18n.set_language("de")
    try:
        history = History(steps=list(range(1, 137)), train_loss=[2.5] * 136, val_steps=[136], val_loss=[2.443],
                          stopped_by_budget=True)
        from werkstatt.train import preset

        result = reference.compare(history, 2.416, preset("standard")[1], length=40)
        out = capsys.readouterr().out
    finally:
        i18n.set_language("en")
    assert "Referenzmodell des Kurses" in out and "Schritt 136 von 1.500" in out
    assert "langsamer" in out and "gekürzt" not in out  # the standard profile ran: no talk of a shortened version
    assert result["reference"] < result["bigram"] < result["own"]
    assert len(result["reference_sample"]) >= 40


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter_4_and_6_can_continue_and_chapter_4_shows_the_reference(language):
    """The cells issue 17 asked for: continue after a budget stop, the reference beside the learner's model, and a
    budget on the scaling experiment (every long cell has one)."""
    import nbformat

    def code(chapter):
        notebook = nbformat.read(ROOT / "notebooks" / language / f"{chapter}.ipynb", as_version=4)
        return [cell.source for cell in notebook.cells if cell.cell_type == "code"]

    ch04 = code("04-tiny-gpt")
    training = next(i for i, s in enumerate(ch04) if s.startswith("from werkstatt.train import train"))
    assert "resume=history" in ch04[training + 1]  # the continue cell comes right after the training
    assert any("reference.compare(history, bigram_loss" in s for s in ch04)
    scaling = next(s for s in ch04 if "scaling_config = replace(" in s)
    assert "time_budget=None" not in scaling and "standard=60" in scaling
    ch06 = code("06-fine-tuning")
    training = next(i for i, s in enumerate(ch06) if s.startswith("learning_rate = 1e-3"))
    assert "resume=losses" in ch06[training + 1]
    assert any("finetune.stopped_early_note(losses)" in s for s in ch06)

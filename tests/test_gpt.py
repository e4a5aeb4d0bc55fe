"""werkstatt.gpt and werkstatt.train: the tokenizer, the model's contract, training and its bad inputs."""
from __future__ import annotations

import math

import pytest
import torch

from werkstatt import i18n
from werkstatt.errors import WerkstattError
from werkstatt.gpt import GPT, CharTokenizer, GPTConfig, check_fits, estimate_training_mb, sample
from werkstatt.train import PRESETS, TrainConfig, get_batch, learning_rate, train, train_on_text

TEXT = ("Meine Damen und Herren, der Haushalt ist beschlossen. " * 80) + "Das Wort hat die Abgeordnete."


@pytest.fixture(autouse=True)
def german():
    i18n.set_language("de")
    yield
    i18n.set_language("de")


def test_tokenizer_round_trip_and_save(tmp_path):
    tokenizer = CharTokenizer.from_text("hallo welt")
    assert tokenizer.vocab_size == len(set("hallo welt"))
    assert tokenizer.decode(tokenizer.encode("welt hallo")) == "welt hallo"
    loaded = CharTokenizer.load(tokenizer.save(tmp_path / "chars.json"))
    assert loaded.chars == tokenizer.chars and loaded.encode("owl") == tokenizer.encode("owl")


def test_unknown_characters_get_a_message_in_both_languages():
    tokenizer = CharTokenizer.from_text("abc")
    with pytest.raises(WerkstattError, match="unbekannt"):
        tokenizer.encode("abz")
    i18n.set_language("en")
    with pytest.raises(WerkstattError, match="does not know"):
        tokenizer.encode("abz")


def test_config_rejects_heads_that_do_not_divide_the_width():
    with pytest.raises(WerkstattError, match="n_head"):
        GPTConfig(n_embd=30, n_head=4)
    with pytest.raises(WerkstattError):
        GPTConfig(n_layer=0)


def test_forward_shapes_loss_and_too_long_input():
    model = GPT(GPTConfig(vocab_size=7, context=8, n_layer=1, n_head=2, n_embd=16))
    logits, loss = model(torch.zeros(2, 8, dtype=torch.long), torch.zeros(2, 8, dtype=torch.long))
    assert logits.shape == (2, 8, 7) and loss.ndim == 0
    assert abs(model(torch.zeros(1, 8, dtype=torch.long), torch.ones(1, 8, dtype=torch.long))[1].item()
               - math.log(7)) < 0.3  # untrained: about blind guessing
    with pytest.raises(WerkstattError, match="context"):
        model(torch.zeros(1, 9, dtype=torch.long))


def test_weights_are_tied():
    model = GPT(GPTConfig(vocab_size=9, context=4, n_layer=1, n_head=1, n_embd=8))
    assert model.lm_head.weight is model.transformer.wte.weight
    assert model.num_parameters() == sum(p.numel() for p in model.parameters())


def test_batches_are_shifted_by_one():
    data = torch.arange(100)
    x, y = get_batch(data, 5, 10, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (5, 10)
    assert torch.equal(y, x + 1)


def test_learning_rate_warms_up_and_decays():
    config = TrainConfig(lr=1.0, min_lr=0.1, warmup=10)
    assert learning_rate(0.0, 0, config) == pytest.approx(0.1)
    assert learning_rate(0.0, 9, config) == pytest.approx(1.0)
    assert learning_rate(0.5, 50, config) == pytest.approx(0.55)
    assert learning_rate(1.0, 99, config) == pytest.approx(0.1)


def test_training_lowers_the_validation_loss_and_sampling_works():
    model, tokenizer, history = train_on_text(
        TEXT, GPTConfig(context=16, n_layer=1, n_head=2, n_embd=32),
        TrainConfig(steps=80, batch_size=16, lr=1e-2, warmup=5, eval_every=40, eval_batches=2), plot=False,
        progress=False, quiet=True)
    assert history.val_loss[-1] < math.log(tokenizer.vocab_size) - 1.0  # far below blind guessing
    assert history.val_loss[-1] <= history.val_loss[0]
    assert len(history.steps) == 80 and history.tokens == 80 * 16 * 16
    text = sample(model, tokenizer, "Das ", length=30, temperature=0.8, seed=3)
    assert text.startswith("Das ") and len(text) == 34
    assert text == sample(model, tokenizer, "Das ", length=30, temperature=0.8, seed=3)


def test_text_too_short_for_the_context():
    with pytest.raises(WerkstattError, match="context = 64"):
        train_on_text("kurz" * 40, GPTConfig(context=64, n_layer=1, n_head=1, n_embd=8), TrainConfig(steps=1),
                      plot=False, progress=False)


def test_a_model_too_big_for_memory_is_refused_with_a_message():
    huge = GPTConfig(vocab_size=100, context=4096, n_layer=48, n_head=16, n_embd=4096)
    assert estimate_training_mb(huge, 64) > 100_000
    with pytest.raises(WerkstattError, match="MB"):
        check_fits(huge, 64, free_mb=2048)
    assert check_fits(GPTConfig(), 32, free_mb=2048) < 1000


def test_stopping_keeps_the_model_and_the_curve(capsys):
    tokenizer = CharTokenizer.from_text(TEXT)
    data = torch.tensor(tokenizer.encode(TEXT))
    model = GPT(GPTConfig(vocab_size=tokenizer.vocab_size, context=16, n_layer=1, n_head=1, n_embd=16))

    def press_stop(history):
        if history.val_steps[-1] >= 20:
            raise KeyboardInterrupt

    history = train(model, data, data, TrainConfig(steps=100, batch_size=4, eval_every=10, eval_batches=1),
                    plot=False, progress=False, on_eval=press_stop)
    assert history.interrupted and history.steps[-1] == 20 and history.val_loss
    assert "angehalten" in capsys.readouterr().out
    assert model(data[:16].unsqueeze(0))[0].shape[-1] == tokenizer.vocab_size  # still usable


def test_time_budget_stops_training():
    tokenizer = CharTokenizer.from_text(TEXT)
    data = torch.tensor(tokenizer.encode(TEXT))
    model = GPT(GPTConfig(vocab_size=tokenizer.vocab_size, context=8, n_layer=1, n_head=1, n_embd=8))
    history = train(model, data, data, TrainConfig(steps=100_000, batch_size=2, eval_every=10_000, eval_batches=1,
                                                   time_budget=0.2), plot=False, progress=False, quiet=True)
    assert history.stopped_by_budget and history.steps[-1] < 100_000 and history.val_loss


def test_presets_exist_for_every_profile():
    assert set(PRESETS) == {"quick", "standard", "gpu"}
    for model_config, train_config in PRESETS.values():
        assert model_config.n_embd % model_config.n_head == 0 and train_config.steps > 0

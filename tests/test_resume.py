"""Continuing a run that a time budget (or the stop button) ended: chapter 4's GPT and chapter 6's LoRA training.

A run stopped and continued must end exactly where an uninterrupted run ends (same optimizer state, same batches),
and the message at the stop must say truthfully why it stopped.
"""
from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from werkstatt import finetune, i18n
from werkstatt.errors import WerkstattError
from werkstatt.gpt import GPT, GPTConfig
from werkstatt.train import TrainConfig, train

DATA = torch.randint(0, 20, (4000,), generator=torch.Generator().manual_seed(0))
MODEL = GPTConfig(vocab_size=20, context=16, n_layer=1, n_head=2, n_embd=16)
CONFIG = TrainConfig(steps=30, batch_size=4, eval_every=10, eval_batches=2, warmup=5)


def fresh() -> GPT:
    torch.manual_seed(0)
    return GPT(MODEL)


def same_weights(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


class Clock:
    """A clock where every reading is half a second later: a 'slow machine' without waiting."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.5
        return self.now


def test_stopped_and_continued_ends_exactly_where_an_uninterrupted_run_ends():
    whole = fresh()
    full = train(whole, DATA, DATA, CONFIG, plot=False, progress=False, quiet=True)
    parts = fresh()
    history = train(parts, DATA, DATA, CONFIG, plot=False, progress=False, quiet=True,
                    on_eval=lambda h: h.val_steps[-1] == 10)  # stops after step 10, like the stop button
    assert history.last_step == 10
    history = train(parts, DATA, DATA, CONFIG, plot=False, progress=False, quiet=True, resume=history)
    assert history.last_step == 30 and history.steps == list(range(1, 31)) and history.runs == 2
    assert same_weights(whole, parts)
    assert history.final_val_loss == pytest.approx(full.final_val_loss, abs=1e-6)


def test_a_budget_stop_says_the_machine_is_slow_and_the_next_call_carries_on(capsys, monkeypatch):
    monkeypatch.setenv("WERKSTATT_PROFILE", "standard")
    model = fresh()
    budget = replace(CONFIG, time_budget=5)
    history = train(model, DATA, DATA, budget, plot=False, progress=False, clock=Clock())
    out = capsys.readouterr().out
    assert history.stopped_by_budget and history.last_step < 30
    assert "slower" in out and "shortened" not in out and f"step {history.last_step} of 30" in out
    first = history.last_step
    history = train(model, DATA, DATA, budget, plot=False, progress=False, clock=Clock(), resume=history)
    assert f"Carrying on from step {first + 1} of 30" in capsys.readouterr().out
    assert history.last_step > first  # a fresh budget for each call: it gets further


def test_the_quick_profile_calls_itself_shortened(capsys, monkeypatch):
    monkeypatch.setenv("WERKSTATT_PROFILE", "quick")
    train(fresh(), DATA, DATA, replace(CONFIG, time_budget=5), plot=False, progress=False, clock=Clock())
    out = capsys.readouterr().out
    assert "shortened" in out and "slower" not in out


def test_continuing_a_finished_run_only_says_so(capsys):
    model = fresh()
    history = train(model, DATA, DATA, CONFIG, plot=False, progress=False, quiet=True)
    before = [t.clone() for t in model.state_dict().values()]
    again = train(model, DATA, DATA, CONFIG, plot=False, progress=False, resume=history)
    assert again is history and "already trained" in capsys.readouterr().out
    assert all(torch.equal(a, b) for a, b in zip(before, model.state_dict().values()))


def test_resume_refuses_another_model_or_something_else():
    history = train(fresh(), DATA, DATA, replace(CONFIG, steps=5), plot=False, progress=False, quiet=True)
    with pytest.raises(WerkstattError, match="different model"):
        train(fresh(), DATA, DATA, CONFIG, plot=False, progress=False, resume=history)
    with pytest.raises(WerkstattError, match="expects the history"):
        train(fresh(), DATA, DATA, CONFIG, plot=False, progress=False, resume=[1, 2])


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


# --- chapter 6: LoRA fine-tuning (a tiny GPT-2 stands in for SmolLM2: the loop only needs .loss) ----------------

def tiny_lm():
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    return GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=16, n_embd=16, n_layer=1, n_head=2,
                                      bos_token_id=0, eos_token_id=0))


BLOCKS = torch.randint(0, 50, (20, 8), generator=torch.Generator().manual_seed(1))


def test_finetuning_stopped_by_its_budget_continues_to_the_same_adapters(capsys, monkeypatch):
    monkeypatch.setenv("WERKSTATT_PROFILE", "standard")
    whole = tiny_lm()
    full = finetune.train(whole, BLOCKS, 6, 1e-3)
    parts = tiny_lm()
    losses = finetune.train(parts, BLOCKS, 6, 1e-3, time_budget=1e-9)  # stops after its first step
    out = capsys.readouterr().out
    assert losses.stopped_by_budget and len(losses) == 1 and "slower" in out and "1 of 6" in out
    assert "1 of 6" in finetune.stopped_early_note(losses)
    losses = finetune.train(parts, BLOCKS, 6, 1e-3, resume=losses)
    assert list(losses) == list(full) and finetune.stopped_early_note(losses) is None
    assert same_weights(whole, parts)


def test_finetuning_resume_refuses_a_plain_list():
    with pytest.raises(WerkstattError):
        finetune.train(tiny_lm(), BLOCKS, 6, 1e-3, resume=[2.0, 1.9])

"""Issue 13 item 6: test text never trains. One explicit split decides what trains and what is measured on.

The old way trained on `train_text + test_text` and relied on a second split inside `train_on_text` that happened to
use the same fraction: change either number and test text slips into training. Now whoever keeps test text passes it
as `val_text` and nothing is split twice; these tests change the fraction of the one split and look at what trains.
"""
from __future__ import annotations

import pytest

from werkstatt import data
from werkstatt import train as train_module
from werkstatt.gpt import GPTConfig
from werkstatt.train import TrainConfig, train_on_text

TEXT = "Die Abgeordneten beraten heute über den Haushalt. " * 20 + "Zuletzt: Quittung, Xylophon, Yacht. " * 5
SMALL = GPTConfig(context=8, n_layer=1, n_head=1, n_embd=8)


@pytest.fixture
def seen(monkeypatch):
    """Replaces the training loop: records the text a model would train on and the text it would be measured on."""
    record = {}

    def fake_train(model, train_ids, val_ids, config, **options):
        record["train_ids"], record["val_ids"] = list(train_ids), list(val_ids)
        return train_module.History()

    monkeypatch.setattr(train_module, "train", fake_train)
    return record


def _decoded(record, tokenizer):
    return tokenizer.decode(record["train_ids"]), tokenizer.decode(record["val_ids"])


def test_given_test_text_is_only_measured_on_and_all_of_the_text_trains(seen):
    train_text, test_text = data.split_text(TEXT, 0.7)
    _, tokenizer, _ = train_on_text(train_text, SMALL, TrainConfig(steps=1), val_text=test_text, plot=False)
    assert _decoded(seen, tokenizer) == (train_text, test_text)


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_without_test_text_the_one_split_is_inside(seen, fraction):
    _, tokenizer, _ = train_on_text(TEXT, SMALL, TrainConfig(steps=1), fraction, plot=False)
    assert _decoded(seen, tokenizer) == data.split_text(TEXT, fraction)


def test_the_test_text_a_learner_passes_must_be_text(seen):
    from werkstatt.errors import WerkstattError

    with pytest.raises(WerkstattError):
        train_on_text(TEXT, SMALL, TrainConfig(steps=1), val_text="", plot=False)


@pytest.mark.parametrize("fraction", [0.9, 0.5, 0.95])
def test_chapter_9_release_trains_on_exactly_its_train_text_whatever_the_fraction(seen, monkeypatch, tmp_path,
                                                                                   fraction):
    """The chapter-9 release (trained when there is none from chapter 4): its model never saw its test.txt.

    One number is changed: train_on_text's own fraction. Before the fix the model trained on the whole text split by
    that number while the release's test.txt came from a second split with 0.9, so 0.95 trained on half the test text.
    """
    from werkstatt import release, transparency

    monkeypatch.setattr(train_module.train_on_text, "__defaults__", (None, None, fraction))
    written = {}
    monkeypatch.setattr(release, "write_release",
                        lambda folder, model, tokenizer, **kwargs: written.update(kwargs, tokenizer=tokenizer))
    transparency.own_release("de", steps=1, root=tmp_path, use_existing=False)
    trained, measured = _decoded(seen, written["tokenizer"])
    assert trained == written["train_text"] and measured == written["test_text"]
    assert trained + measured == data.speeches_text("de")[:200_000]

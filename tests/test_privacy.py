"""Private by default: the notebooks' loading paths contact no one unless the learner asks for the hub.

The real check runs in a fresh Python process, as a pupil's kernel starts: no offline switch set (HF_HUB_OFFLINE and
friends are read once, at import, so an earlier test's setting would make this one pass for the wrong reason), and
every socket connection and name lookup refused and recorded before anything is imported. It then takes every path a
notebook uses to load a model, a tokenizer (trained or packaged), an encoder, the speeches or word frequencies, and
must record nothing. Only the explicit request for the hub may try to connect, and only at a pinned commit.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from werkstatt import WerkstattError, i18n, models

# Runs in the child. The refusing socket functions come first; then the notebooks' loading paths, in their order.
CHILD = r'''
import json, socket, sys

attempts = []

def refuse(what):
    def refused(*args, **kwargs):
        attempts.append(f"{what} {args[1:] if what == 'connect' else args[:2]}")
        raise ConnectionRefusedError(f"network cut by the test ({what})")
    return refused

socket.socket.connect = refuse("connect")
socket.socket.connect_ex = refuse("connect")
socket.create_connection = refuse("create_connection")
socket.getaddrinfo = refuse("getaddrinfo")

import werkstatt
from werkstatt import bias, data, models, tokens

asked = []
probe = models.hub_reachable
models.hub_reachable = lambda *a, **k: asked.append("hub_reachable") or probe(*a, **k)

werkstatt.start("en")
steps = {}
for name, step in [
    ("speeches de", lambda: data.load_speeches("de")),
    ("speeches en", lambda: data.load_speeches("en")),
    ("BPE tokenizer (chapter 2)", lambda: tokens.train_bpe([data.speeches_text("de", max_chars=20000)], 300)),
    ("word frequencies (chapter 2)", lambda: tokens.zipf_table("de", 100)),
    ("load_model smollm2 (chapters 5-8)", lambda: models.load_model("smollm2", quiet=True)),
    ("load_model smollm2 in bfloat16 (chapters 5-7)", lambda: models.load_model("smollm2", quiet=True, dtype="bfloat16")),
    ("load_model minilm (chapter 7)", lambda: models.load_model("minilm", quiet=True)),
    ("sentence encoder (chapter 8)", lambda: bias.sentence_encoder()),
    ("every packaged model", lambda: [models.load_model(n, quiet=True) for n, e in models.REGISTRY.items() if e.packaged]),
]:
    step()
    steps[name] = list(attempts)
default = {"attempts": list(attempts), "hub_reachable": list(asked), "steps": steps}

# The one way out: a model that is not packaged, at its pinned commit. It may try; the test refuses.
try:
    models.load_model("llammlein", quiet=True)
    outcome = "loaded"
except werkstatt.WerkstattError as error:
    outcome = error.key
print("RESULT " + json.dumps({"default": default, "asked": {"attempts": attempts, "outcome": outcome}}))
'''


def test_no_connection_is_attempted_by_default():
    env = {key: value for key, value in os.environ.items()
           if key not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "WERKSTATT_OFFLINE")}
    env["WERKSTATT_PROFILE"] = "quick"
    run = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=600)
    lines = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and lines, run.stdout[-2000:] + run.stderr[-4000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result["default"]["attempts"] == [], result["default"]["steps"]
    assert result["default"]["hub_reachable"] == []  # the default path never even asks whether the hub is there
    # The check can fail: asking for an online-only model does try to connect, and is refused here.
    assert result["asked"]["attempts"] and result["asked"]["outcome"] == "models.online_only"


# --- the hub path: only on request, only at a pinned commit ---------------------------------------

@pytest.fixture
def hub_must_not_be_asked(monkeypatch):
    def fail(timeout: float = 1.5) -> bool:
        raise AssertionError("the hub was asked although the learner did not ask for it")

    monkeypatch.setattr(models, "hub_reachable", fail)


@pytest.mark.parametrize("revision", ["main", "step143000", "v1.0", None, "dfe7dacc", "G" * 40, "A" * 40])
def test_only_a_commit_id_counts_as_pinned(revision):
    assert not models.pinned(revision)


def test_a_commit_id_counts_as_pinned():
    assert models.pinned("e4ce9877abf3edfe10b0d82785e83bdcb973e22e")


@pytest.mark.parametrize("language", ["de", "en"])
def test_an_unpinned_revision_is_refused_before_any_connection(monkeypatch, hub_must_not_be_asked, language):
    i18n.set_language(language)
    entry = replace(models.REGISTRY["smollm2-135m-instruct"], revision="main")
    monkeypatch.setitem(models.REGISTRY, "smollm2-135m-instruct", entry)
    with pytest.raises(WerkstattError) as caught:
        models.load_model("smollm2", online=True)
    assert caught.value.key == "models.unpinned" and "main" in str(caught.value)


def test_every_registry_entry_is_pinned_or_refused(hub_must_not_be_asked):
    for name, entry in models.REGISTRY.items():
        if not entry.loadable or models.pinned(entry.revision):
            continue
        with pytest.raises(WerkstattError) as caught:
            models.load_model(name, online=True, quiet=True)
        assert caught.value.key == "models.unpinned", name


def test_the_learner_may_pin_a_commit_and_then_the_hub_is_asked(monkeypatch):
    asked = []
    monkeypatch.setattr(models, "hub_reachable", lambda timeout=1.5: asked.append(True) or False)
    with pytest.raises(WerkstattError) as caught:
        models.load_model("smollm2", online=True, revision="a" * 40)
    assert asked and caught.value.key == "models.online_only"  # asked, found unreachable, said so


def test_a_packaged_model_never_asks_the_hub(hub_must_not_be_asked, monkeypatch):
    monkeypatch.setattr(models, "_from_pretrained", lambda entry, where, revision, dtype="float32": (where, revision))
    monkeypatch.setattr(models, "packaged_folder", lambda name: f"/packaged/{name}")
    for name, entry in models.REGISTRY.items():
        if entry.packaged:
            assert models.load_model(name, quiet=True) == (f"/packaged/{entry.name}", None)

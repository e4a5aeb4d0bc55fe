"""The course's tiny GPT: one readable file, in the style of nanoGPT's model.py.

Chapter 4 builds exactly this model cell by cell; later chapters import it from here.
A test (tests/test_gpt_equivalence.py) proves that the notebook's model and this one compute
the same logits from the same weights.

The layout follows GPT-2 on purpose (LayerNorm with bias, GELU with the tanh approximation,
one fused `c_attn` layer for query, key and value, learned positions, tied embeddings), so that
the weights load into `transformers.GPT2LMHeadModel` unchanged (see werkstatt/release.py).
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn as nn
from torch.nn import functional as F

from .errors import WerkstattError, check_number, shown
from .i18n import num


@dataclass
class GPTConfig:
    """How big the model is. The defaults are a small character model that trains on a laptop."""

    vocab_size: int = 96    # how many different tokens (here: characters) there are
    context: int = 64       # how many tokens the model sees at once (GPT-2: n_positions)
    n_layer: int = 2        # how many blocks are stacked
    n_head: int = 4         # how many attention heads each block has
    n_embd: int = 128       # the width: how many numbers describe each token
    dropout: float = 0.0    # switched off: small models on small data train faster without it

    def __post_init__(self) -> None:
        for name, low in (("vocab_size", 1), ("context", 1), ("n_layer", 1), ("n_head", 1), ("n_embd", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise WerkstattError("gpt.bad_size", name=name, value=shown(value), low=num(low))
        check_number("dropout", self.dropout, 0, 0.9)
        if self.n_embd % self.n_head:
            suggestion = max(self.n_head, round(self.n_embd / self.n_head) * self.n_head)
            raise WerkstattError("gpt.heads", n_embd=num(self.n_embd), n_head=num(self.n_head), suggestion=num(suggestion))

    def to_dict(self) -> dict:
        return asdict(self)


class CausalSelfAttention(nn.Module):
    """Each position looks back at the positions before it and takes a weighted average of what it finds."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        # One layer computes query, key and value together: three matrix products in one is faster (GPT-2's c_attn).
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head = config.n_head
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape  # batch, time (positions), channels (n_embd)
        q, k, v = self.c_attn(x).split(C, dim=2)
        # Split the channels into heads: each head attends on its own, with head_size = C / n_head channels.
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        # softmax(q·kᵀ / √head_size) with the future masked out, times v. PyTorch's fused kernel computes
        # exactly what chapter 4 writes out by hand, only faster and with less memory.
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                           dropout_p=self.dropout if self.training else 0.0)
        y = y.transpose(1, 2).contiguous().view(B, T, C)  # the heads side by side again
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    """After looking around, each position thinks on its own: widen 4×, bend (GELU), narrow again."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd)
        self.gelu = nn.GELU(approximate="tanh")  # GPT-2's "gelu_new"; needed for identical logits after export
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    """Attention, then MLP; each normalised first and added to the input (residual), so deep stacks still train."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token and position embeddings, a stack of blocks, a final norm, and a head that scores every token."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        check_weights_fit(config)  # a huge width or context gets a sentence here, not an error from the allocator
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),  # what: one vector per token
            wpe=nn.Embedding(config.context, config.n_embd),     # where: one vector per position
            drop=nn.Dropout(config.dropout),
            h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
            ln_f=nn.LayerNorm(config.n_embd),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        # Weight tying: reading a token in and scoring it as output use the same table (fewer parameters, as GPT-2).
        self.lm_head.weight = self.transformer.wte.weight
        self.apply(self._init_weights)
        # Scale the layers that write into the residual stream, so the sum over many blocks does not grow.
        for name, parameter in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(parameter, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        # Small random numbers (GPT-2 uses 0.02): every neuron starts different, none starts huge.
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def num_parameters(self) -> int:
        """How many numbers the model learns (the tied embedding counted once)."""
        return sum(p.numel() for p in self.parameters())

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        """Token ids (batch, time) -> (logits (batch, time, vocab), cross-entropy loss or None)."""
        B, T = idx.shape
        if T > self.config.context:
            raise WerkstattError("gpt.too_long", length=num(T), context=num(self.config.context))
        pos = torch.arange(T, device=idx.device)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))
        return logits, loss

    def generate(self, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 top_k: int | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
        """Append `max_new_tokens` tokens, each drawn from the model's distribution (sharpened or flattened by T)."""
        return generate(self, idx, max_new_tokens, temperature, top_k, generator)


@torch.no_grad()
def generate(model: nn.Module, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
             top_k: int | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    """Sampling for any model whose forward(idx) returns (logits, loss) and that has `config.context`."""
    check_number("temperature", temperature, 0.05, 10.0)
    max_new_tokens = check_number("max_new_tokens", max_new_tokens, 0, MAX_NEW_TOKENS, whole=True)
    top_k = check_number("top_k", top_k, 1, None, whole=True, optional=True)
    was_training = model.training
    model.eval()
    for _ in range(max_new_tokens):
        window = idx[:, -model.config.context:]  # the model can only look back `context` tokens
        logits, _ = model(window)
        if not torch.isfinite(logits[:, -1, :]).all():  # NaN weights (a diverged run): nothing to draw from
            model.train(was_training)
            raise WerkstattError("gpt.broken_model")
        logits = logits[:, -1, :] / temperature
        if top_k is not None:
            kth = torch.topk(logits, min(top_k, logits.size(-1))).values[:, [-1]]
            logits = logits.masked_fill(logits < kth, float("-inf"))
        probs = F.softmax(logits, dim=-1)
        idx = torch.cat([idx, torch.multinomial(probs, 1, generator=generator)], dim=1)
    model.train(was_training)
    return idx


def sample(model: nn.Module, tokenizer: "CharTokenizer", prompt: str = "\n", length: int = 200,
           temperature: float = 1.0, seed: int = 0) -> str:
    """`prompt` plus `length` new characters written by `model` (the same seed gives the same text)."""
    device = next(model.parameters()).device
    if prompt is not None and not isinstance(prompt, str):
        raise WerkstattError("gpt.prompt_not_text", value=repr(prompt)[:40])
    prompt = prompt or tokenizer.chars[0]
    length = check_number("length", length, 0, MAX_NEW_TOKENS, whole=True)
    seed = check_number("seed", seed, 0, 2 ** 32 - 1, whole=True)
    idx = torch.tensor([tokenizer.encode(prompt)], dtype=torch.long, device=device)
    generator = torch.Generator(device=device).manual_seed(seed)
    out = generate(model, idx, length, temperature, generator=generator)
    return tokenizer.decode(out[0])


MAX_NEW_TOKENS = 100_000  # more than a book chapter; a typo such as 10**9 gets a message instead of hours of waiting
SHARE_OF_FREE = 0.8  # leave a fifth of free memory for the notebook, the data and the operating system


def parameter_count(config: GPTConfig) -> int:
    """How many numbers a GPT of this size learns, computed from the config alone (before building it)."""
    e = config.n_embd
    return (config.vocab_size + config.context) * e + config.n_layer * (12 * e * e + 13 * e) + 2 * e


def estimate_training_mb(config: GPTConfig, batch_size: int) -> int:
    """A rough upper estimate of the memory training needs (weights, gradients, AdamW's two moments, activations)."""
    params = parameter_count(config)
    tokens = batch_size * config.context
    # per block: ~20 activations of width n_embd per token (4 of them 4× wide), plus the T×T attention per head
    activations = config.n_layer * (tokens * config.n_embd * 20 + batch_size * config.n_head * config.context ** 2 * 3)
    activations += tokens * config.vocab_size * 3  # logits, softmax and their gradient
    return int((params * 4 + activations) * 4 / 2 ** 20) + 50  # 4 bytes per float, ~50 MB for PyTorch itself


def free_memory_mb(device: str | None = None) -> int:
    """Memory that is free right now (MB): on the GPU when there is one (or `device` is "cuda"), else main memory."""
    if device != "cpu" and torch.cuda.is_available():
        free, _ = torch.cuda.mem_get_info()
        return int(free / 2 ** 20)
    try:
        import psutil

        return int(psutil.virtual_memory().available / 2 ** 20)
    except ImportError:  # pragma: no cover - psutil comes with accelerate
        return 2048


def check_fits(config: GPTConfig, batch_size: int, free_mb: int | None = None, device: str | None = None) -> int:
    """Return the estimated MB, or raise WerkstattError when training would not fit into free memory."""
    check_number("batch_size", batch_size, 1, 4096, whole=True)
    need = estimate_training_mb(config, batch_size)
    free = free_memory_mb(device) if free_mb is None else free_mb
    usable = int(SHARE_OF_FREE * free)
    if need > usable:
        raise WerkstattError("gpt.too_big", need_mb=num(need), free_mb=num(free), usable_mb=num(usable))
    return need


def check_weights_fit(config: GPTConfig, free_mb: int | None = None) -> int:
    """Return the MB the weights alone take, or raise WerkstattError when even building the model would not fit."""
    need = int(parameter_count(config) * 4 / 2 ** 20) + 1  # 4 bytes per number; built in main memory first
    free = free_memory_mb("cpu") if free_mb is None else free_mb
    usable = int(SHARE_OF_FREE * free)
    if need > usable:
        raise WerkstattError("gpt.too_big_to_build", need_mb=num(need), free_mb=num(free), usable_mb=num(usable),
                             parameters=num(parameter_count(config)))
    return need


class CharTokenizer:
    """Characters as tokens: every character that occurs in the text gets a number."""

    def __init__(self, chars) -> None:
        self.chars = sorted(set(chars))
        self.stoi = {ch: i for i, ch in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str) -> "CharTokenizer":
        return cls(text)

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        """Text -> list of token ids; unknown characters get a clear message."""
        unknown = sorted(set(text) - self.stoi.keys())
        if unknown:
            raise WerkstattError("gpt.unknown_chars", chars=" ".join(repr(c) for c in unknown[:10]))
        return [self.stoi[ch] for ch in text]

    def decode(self, ids) -> str:
        """Token ids -> text."""
        if isinstance(ids, torch.Tensor):
            ids = ids.tolist()
        return "".join(self.chars[i] for i in ids)

    def save(self, path: str | Path) -> Path:
        """Write the vocabulary as JSON (one list of characters, in id order)."""
        path = Path(path)
        path.write_text(json.dumps({"type": "character", "chars": self.chars}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> "CharTokenizer":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        tokenizer = cls(data["chars"])
        tokenizer.chars = list(data["chars"])  # keep the saved order exactly
        tokenizer.stoi = {ch: i for i, ch in enumerate(tokenizer.chars)}
        return tokenizer


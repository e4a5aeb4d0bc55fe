"""Masked self-attention as chapter 3 derives it, plus the pictures and the small model it looks inside.

Chapter 3 computes every step by hand (mask, scores, softmax, weighted sum); this module holds the
same function for later use, the heat-map plumbing, and a one-layer character model whose heads the
learner can explore with a widget.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .errors import WerkstattError, check_number, check_range
from .i18n import msg, num


# --- the computation chapter 3 derives --------------------------------------------------------

def causal_mask(n: int) -> torch.Tensor:
    """An n×n table of True/False: row i may look at columns 0..i (itself and the past), never the future."""
    return torch.tril(torch.ones(n, n, dtype=torch.bool))


def average_past(x: torch.Tensor) -> torch.Tensor:
    """Each row becomes the mean of itself and all rows before it (the lower-triangular trick)."""
    weights = causal_mask(x.shape[-2]).float()
    weights = weights / weights.sum(dim=-1, keepdim=True)
    return weights @ x


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = True
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """Scaled dot-product attention: softmax(Q Kᵀ / √d, future masked) · V; returns (output, weights)."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        mask = causal_mask(q.shape[-2]).to(q.device)
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


# --- heat maps ----------------------------------------------------------------------------------

def heatmap(ax, matrix, rows: list[str], columns: list[str], title: str, annotate: bool = True,
            xlabel: str = "", ylabel: str = "") -> None:
    """Draw one labelled matrix; -inf cells (masked) stay white and are written as −∞."""
    import numpy as np

    values = np.asarray(torch.as_tensor(matrix).detach().float(), dtype=float)
    finite = np.where(np.isfinite(values), values, np.nan)
    image = ax.imshow(np.ma.masked_invalid(finite), cmap="viridis", aspect="auto")
    ax.set_xticks(range(len(columns)), columns, rotation=45 if max(map(len, columns)) > 2 else 0, ha="right"
                  if max(map(len, columns)) > 2 else "center")
    ax.set_yticks(range(len(rows)), rows)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if annotate and values.size <= 64:
        low, high = np.nanmin(finite), np.nanmax(finite)
        for (i, j), value in np.ndenumerate(values):
            text = "−∞" if value == float("-inf") else f"{value:.2f}"
            bright = np.isfinite(value) and high > low and (value - low) / (high - low) > 0.6
            ax.text(j, i, text, ha="center", va="center", fontsize=9, color="black" if bright else "white"
                    if np.isfinite(value) else "black")


def show_matrices(matrices: dict[str, torch.Tensor], rows: list[str], alt: str,
                  columns: dict[str, list[str]] | None = None, xlabel: str = "", ylabel: str = "") -> None:
    """Show several labelled matrices side by side as heat maps (one picture, with alt text)."""
    import matplotlib.pyplot as plt

    from .plots import show

    fig, axes = plt.subplots(1, len(matrices), figsize=(4.2 * len(matrices), 3.6))
    axes = [axes] if len(matrices) == 1 else list(axes)
    for ax, (name, matrix) in zip(axes, matrices.items()):
        cols = (columns or {}).get(name) or [str(i) for i in range(torch.as_tensor(matrix).shape[-1])]
        heatmap(ax, matrix, rows, cols, name, xlabel=xlabel, ylabel=ylabel)
    fig.tight_layout()
    show(fig, alt=alt)


# --- a one-layer character model with several heads ------------------------------------------

class CharAttentionModel(nn.Module):
    """Characters -> vectors (+ position) -> one masked multi-head self-attention -> next character."""

    def __init__(self, vocab: list[str], d_model: int = 32, n_heads: int = 4, block: int = 32) -> None:
        super().__init__()
        self.vocab, self.block, self.n_heads = list(vocab), block, n_heads
        self.index = {char: i for i, char in enumerate(self.vocab)}
        self.token = nn.Embedding(len(vocab), d_model)
        self.position = nn.Embedding(block, d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=False)  # Q, K and V for all heads in one matrix
        self.out = nn.Linear(d_model, d_model)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, len(vocab))
        self.last_weights: torch.Tensor | None = None

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        batch, length = ids.shape
        x = self.token(ids) + self.position(torch.arange(length, device=ids.device))
        q, k, v = self.qkv(x).split(x.shape[-1], dim=-1)
        # (batch, length, d) -> (batch, heads, length, d / heads): each head works on its own slice
        q, k, v = (t.view(batch, length, self.n_heads, -1).transpose(1, 2) for t in (q, k, v))
        mixed, self.last_weights = attention(q, k, v)
        mixed = mixed.transpose(1, 2).reshape(batch, length, -1)
        return self.head(self.norm(x + self.out(mixed)))  # residual: keep the character itself, add what it saw

    def encode(self, sentence: str) -> torch.Tensor:
        """The sentence as character ids; raises WerkstattError for unknown characters or a too long text."""
        if len(sentence) < 2:
            raise WerkstattError("attention.empty")
        unknown = sorted({char for char in sentence if char not in self.index})
        if unknown:
            raise WerkstattError("attention.unknown_chars", chars=" ".join(repr(c) for c in unknown))
        if len(sentence) > self.block:
            raise WerkstattError("attention.too_long", length=num(len(sentence)), block=num(self.block))
        return torch.tensor([[self.index[char] for char in sentence]])

    @torch.no_grad()
    def head_weights(self, sentence: str) -> torch.Tensor:
        """The attention weights of every head for one sentence: (heads, length, length)."""
        self.eval()
        self(self.encode(sentence))
        return self.last_weights[0]


def _check_sizes(d_model, n_heads, block, batch) -> tuple[int, int, int, int]:
    d_model = check_number("d_model", d_model, 1, 4096, whole=True)
    n_heads = check_number("n_heads", n_heads, 1, 64, whole=True)
    if d_model % n_heads:
        raise WerkstattError("attention.heads", d_model=num(d_model), n_heads=num(n_heads))
    return (d_model, n_heads, check_number("block", block, 2, 1024, whole=True),
            check_number("batch", batch, 1, 1024, whole=True))


def _check_text(text: str, block: int) -> None:
    """The text must hold at least one snippet of `block` characters plus the character after it."""
    if not isinstance(text, str) or len(text) < block + 2:
        raise WerkstattError("attention.text_too_short", chars=num(len(text) if isinstance(text, str) else 0),
                             minimum=num(block + 2))


def train_char_attention(text: str, steps: int, d_model: int = 32, n_heads: int = 4, block: int = 32,
                         batch: int = 32, seed: int = 0) -> tuple[CharAttentionModel, list[float]]:
    """Train the one-layer model on random snippets of `text`; returns (model, loss per step in nats)."""
    from tqdm.auto import tqdm

    check_range("steps", steps, 1, 100_000)
    steps = int(steps)
    d_model, n_heads, block, batch = _check_sizes(d_model, n_heads, block, batch)
    _check_text(text, block)
    seed = check_number("seed", seed, 0, 2 ** 32 - 1, whole=True)
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    vocab = sorted(set(text))
    model = CharAttentionModel(vocab, d_model, n_heads, block)
    data = torch.tensor([model.index[char] for char in text])
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    losses = []
    offsets = torch.arange(block)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # matrices this small gain nothing from threads; on a busy machine threads only wait
    try:
        for _ in tqdm(range(steps), mininterval=1.0):
            index = torch.randint(len(data) - block - 1, (batch, 1), generator=generator) + offsets
            loss = nn.functional.cross_entropy(model(data[index]).flatten(0, 1), data[index + 1].flatten())
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
    finally:
        torch.set_num_threads(threads)
    return model, losses


@torch.no_grad()
def evaluate_loss(model: CharAttentionModel, text: str, batches: int = 20, batch: int = 32, seed: int = 1) -> float:
    """Average cross-entropy (nats) on random snippets of `text` with characters the model knows."""
    check_number("batches", batches, 1, 10_000, whole=True)
    check_number("batch", batch, 1, 1024, whole=True)
    if not isinstance(text, str):
        raise WerkstattError("attention.text_too_short", chars=0, minimum=num(model.block + 2))
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    data = torch.tensor([model.index[c] for c in text if c in model.index], dtype=torch.long)
    _check_text("x" * len(data), model.block)  # only the characters the model knows count
    total = 0.0
    for _ in range(batches):
        index = torch.randint(len(data) - model.block - 1, (batch, 1), generator=generator) + torch.arange(model.block)
        total += nn.functional.cross_entropy(model(data[index]).flatten(0, 1), data[index + 1].flatten()).item()
    return total / batches


def heads_figure(model: CharAttentionModel, sentence: str):
    """All heads of the model for one sentence, side by side; returns (figure, alt text)."""
    import matplotlib.pyplot as plt

    weights = model.head_weights(sentence)
    chars = [c if c != " " else "␣" for c in sentence]
    fig, axes = plt.subplots(1, model.n_heads, figsize=(3.6 * model.n_heads, 3.8))
    for head, ax in enumerate(axes if model.n_heads > 1 else [axes]):
        heatmap(ax, weights[head], chars, chars, msg("attention.head", head=head + 1), annotate=False)
    fig.suptitle(msg("attention.heads_title"))
    fig.supxlabel(msg("attention.axis_key"))
    fig.supylabel(msg("attention.axis_query"))
    fig.tight_layout()
    return fig, msg("attention.alt_heads", heads=model.n_heads, sentence=sentence)


def attention_explorer(model: CharAttentionModel, sentences: list[str]):
    """A widget: pick a sentence (or type one) and a head, and see its attention weights as a heat map."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from .plots import show

    if isinstance(sentences, str):
        sentences = [sentences]
    if not sentences:
        raise WerkstattError("attention.empty")
    sentence = widgets.Combobox(value=sentences[0], options=list(sentences), description=msg("attention.widget_sentence"),
                                ensure_option=False, layout=widgets.Layout(width="32em"))
    head = widgets.ToggleButtons(options=[(str(h + 1), h) for h in range(model.n_heads)],
                                 description=msg("attention.widget_head"))
    output = widgets.Output()

    def redraw(_=None) -> None:
        with output:
            output.clear_output(wait=True)
            try:
                weights = model.head_weights(sentence.value)
            except WerkstattError as error:
                print(f"⚠️ {error}")
                return
            chars = [c if c != " " else "␣" for c in sentence.value]
            fig, ax = plt.subplots(figsize=(6, 5))
            heatmap(ax, weights[head.value], chars, chars, msg("attention.widget_title", head=head.value + 1),
                    annotate=False, xlabel=msg("attention.axis_key"), ylabel=msg("attention.axis_query"))
            fig.tight_layout()
            show(fig, alt=msg("attention.alt_one_head", head=head.value + 1, sentence=sentence.value))

    sentence.observe(redraw, names="value")
    head.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([sentence, head, output])
    display(box)
    return box

"""Export the book's in-page explorers: the course's models as ONNX files that run in the reader's browser.

The built book lets a reader type into chapters 1, 3 and 4 and see what the course's models answer, with
no kernel, no server and no network: onnxruntime-web (vendored from npm, tools/browser) runs these files
in the page. What is exported, per edition, from the course's reference release
(werkstatt/reference/tiny-gpt-<language>/, see werkstatt.release.load_reference):

- gpt-model.onnx: the tiny GPT of chapter 4. Inputs `ids` (1, T) int64 and `temperature` (float);
  outputs `probs` (vocabulary,), the next-character distribution after the last position at that
  temperature, and `attention` (layers, heads, T, T), every head's attention weights (chapter 3).
- bigram-model.onnx: chapter 1's bigram model (werkstatt.bigram.BigramModel) of the same speeches the GPT
  learnt from, as a table of log-probabilities: the row of the last character, divided by the
  temperature, softmax (the same sum as werkstatt.bigram.apply_temperature). Same inputs, output `probs`.
- explorers.json: the two vocabularies, the context length, layers and heads, and a stamp of the
  weights it was made from.

The JavaScript in the page only turns text into ids and draws the results; every number comes from
these graphs. tests/browser/test_explorers.py checks the page's numbers against PyTorch's.

    .venv/bin/python scripts/export_explorers.py [--out _build/explorers] [--language de en]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from werkstatt.bigram import BigramModel  # noqa: E402
from werkstatt.release import load_reference, reference_folder  # noqa: E402

DEFAULT_OUT = ROOT / "_build" / "explorers"
LANGUAGES = ("de", "en")
OPSET = 17
FORMAT = 2  # bump when the files' inputs or outputs change, so that old exports are made again


class ExplorerGPT(nn.Module):
    """The reference GPT with its attention written out, so that the weights of every head come out too.

    werkstatt.gpt uses PyTorch's fused attention kernel, which never shows the weights; this wrapper
    computes the same softmax(q·kᵀ/√d) with the future masked, from the same modules and weights.
    export() checks that its logits equal the model's own before writing anything.
    """

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model
        self.n_head = model.config.n_head

    def forward(self, ids: torch.Tensor, temperature: torch.Tensor):
        logits, attention = self.logits_and_attention(ids)
        return F.softmax(logits[0, -1] / temperature, dim=-1), attention

    def logits_and_attention(self, ids: torch.Tensor):
        t = self.model.transformer
        T = ids.shape[1]
        x = t.wte(ids) + t.wpe(torch.arange(T, device=ids.device))
        future = torch.triu(torch.ones(T, T, dtype=torch.bool, device=ids.device), diagonal=1)
        maps = []
        for block in t.h:
            attn = block.attn
            B, _, C = x.shape
            q, k, v = attn.c_attn(block.ln_1(x)).split(C, dim=2)
            q, k, v = (z.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for z in (q, k, v))
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.n_head)
            weights = F.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
            maps.append(weights[0])
            y = (weights @ v).transpose(1, 2).contiguous().view(B, T, C)
            x = x + attn.c_proj(y)
            x = x + block.mlp(block.ln_2(x))
        logits = self.model.lm_head(t.ln_f(x))
        return logits, torch.stack(maps)


class ExplorerBigram(nn.Module):
    """Chapter 1's bigram model as a table: P(next | last character of ids) at a temperature."""

    def __init__(self, bigram: BigramModel) -> None:
        super().__init__()
        # log(p + 1e-12), as werkstatt.bigram.apply_temperature takes it.
        self.register_buffer("log_probs", torch.log(torch.tensor(bigram.probs, dtype=torch.float64) + 1e-12).float())

    def forward(self, ids: torch.Tensor, temperature: torch.Tensor):
        return F.softmax(self.log_probs[ids[0, -1]] / temperature, dim=-1)


def bigram_for(language: str) -> BigramModel:
    """The bigram model of the speeches the reference GPT learnt from (its release's data/train.txt)."""
    text = (reference_folder(language) / "data" / "train.txt").read_text(encoding="utf-8")
    return BigramModel(text)


def _stamp(language: str) -> str:
    folder = reference_folder(language)
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for name in ("model.safetensors", "char_tokenizer.json", "data/train.txt"):
        digest.update((folder / name).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _export(module: nn.Module, path: Path, outputs: list[str], example_ids: torch.Tensor) -> None:
    axes = {"ids": {1: "positions"}}
    if "attention" in outputs:
        axes["attention"] = {2: "rows", 3: "columns"}
    with warnings.catch_warnings():
        # The TorchScript exporter warns that it is old and that √head_size is traced as a constant (it is one).
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (example_ids, torch.tensor(1.0)), str(path), dynamo=False, opset_version=OPSET,
                          input_names=["ids", "temperature"], output_names=outputs, dynamic_axes=axes)


def export(language: str, out: Path = DEFAULT_OUT) -> Path:
    """Write gpt.onnx, bigram.onnx and explorers.json for one edition into out/<language>; skip if up to date."""
    target = out / language
    stamp = _stamp(language)
    info_path = target / "explorers.json"
    if info_path.exists():
        try:
            if json.loads(info_path.read_text(encoding="utf-8")).get("stamp") == stamp:
                return target
        except ValueError:
            pass
    target.mkdir(parents=True, exist_ok=True)
    model, tokenizer, _ = load_reference(language)
    model.eval()
    explorer = ExplorerGPT(model).eval()
    bigram = bigram_for(language)
    example = torch.tensor([tokenizer.encode("Die Rede.")], dtype=torch.long)
    with torch.no_grad():
        # The written-out attention must compute what the model computes, or the book would show another model.
        ours, _ = explorer.logits_and_attention(example)
        theirs, _ = model(example)
        difference = float((ours - theirs).abs().max())
        if difference > 1e-4:
            raise SystemExit(f"export_explorers: the explorer's GPT differs from the reference model by {difference}")
        _export(explorer, target / "gpt-model.onnx", ["probs", "attention"], example)
        _export(ExplorerBigram(bigram).eval(), target / "bigram-model.onnx", ["probs"], example[:, :2])
    info = {
        "language": language,
        "stamp": stamp,
        "gpt": {"chars": tokenizer.chars, "context": model.config.context,
                "layers": model.config.n_layer, "heads": model.config.n_head},
        "bigram": {"chars": bigram.vocab},
    }
    info_path.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--language", nargs="+", default=list(LANGUAGES), choices=LANGUAGES)
    args = parser.parse_args(argv)
    for language in args.language:
        target = export(language, args.out)
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1024:.0f} KiB" for p in sorted(target.iterdir()))
        print(f"{language}: {target} ({sizes})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""How fast does the course's tiny GPT learn, compared with nanoGPT's CPU preset? (A benchmark, not a test.)

Usage: python benchmarks/tiny_gpt.py --text FILE [--threads N] [--profile standard]

Trains twice on the same text (character level, first 90 % train, last 10 % validation):
  1. baseline: nanoGPT's documented CPU preset (shakespeare_char on a MacBook), rebuilt with the course's
     code: 4 layers, 4 heads, 128 wide, context 64, batch 12, AdamW lr 1e-3 (β2 0.99, 100 warm-up steps)
     decaying to 1e-4 over 2,000 iterations, no dropout, 2,000 iterations;
  2. default: the course's preset for the chosen profile (werkstatt.train.PRESETS).
Prints one figure per line. Clocks count training steps only; measuring the validation loss is not timed.
Both runs measure validation loss on the same fixed 30 × 32 windows of the validation text.
On a machine that others share, `--clock cpu` counts this process's CPU seconds instead of wall-clock seconds
(use it with `--threads 1`; then other people's jobs do not slow the clock).
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from werkstatt.data import read_text_file, split_text  # noqa: E402
from werkstatt.gpt import GPT, CharTokenizer, GPTConfig  # noqa: E402
from werkstatt.train import PRESETS, TrainConfig, train  # noqa: E402

BASELINE_MODEL = dict(n_layer=4, n_head=4, n_embd=128, context=64, dropout=0.0)
BASELINE_TRAIN = TrainConfig(steps=2000, batch_size=12, lr=1e-3, min_lr=1e-4, warmup=100, schedule="cosine",
                             weight_decay=0.1, beta2=0.99, grad_clip=1.0)
EVAL = dict(eval_batches=30, eval_batch_size=32)


def run(name, model_config, train_config, train_data, val_data, target=None, clock=time.perf_counter):
    torch.manual_seed(train_config.seed)
    model = GPT(model_config)
    reached = {}

    def watch(history):
        if target is not None and "seconds" not in reached and history.val_loss[-1] <= target:
            reached["seconds"] = history.val_seconds[-1]
        return False

    history = train(model, train_data, val_data, train_config, plot=False, progress=False, on_eval=watch, quiet=True,
                    clock=clock)
    print(f"# {name}: {model.num_parameters():,} parameters, {history.steps[-1]} steps, {history.seconds:.1f} s, "
          f"val loss {history.final_val_loss:.4f}", file=sys.stderr)
    return history, reached.get("seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--text", required=True, help="a UTF-8 text file (~1 MB)")
    parser.add_argument("--threads", type=int, default=None, help="PyTorch threads (default: PyTorch's choice)")
    parser.add_argument("--profile", default="standard", choices=sorted(PRESETS))
    parser.add_argument("--clock", default="wall", choices=("wall", "cpu"),
                        help="wall: seconds on the clock (default); cpu: CPU seconds of this process (shared machines)")
    parser.add_argument("--smoke", action="store_true", help="20 steps each: only checks that the script runs")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    if args.threads:
        torch.set_num_threads(args.threads)
    text = read_text_file(args.text)
    tokenizer = CharTokenizer.from_text(text)
    train_text, val_text = split_text(text, 0.9)
    train_data = torch.tensor(tokenizer.encode(train_text))
    val_data = torch.tensor(tokenizer.encode(val_text))
    print(f"# {len(text):,} characters, {tokenizer.vocab_size} distinct, torch threads {torch.get_num_threads()}, "
          f"clock {args.clock}", file=sys.stderr)

    baseline_config = replace(BASELINE_TRAIN, eval_every=BASELINE_TRAIN.steps, **EVAL)
    if args.smoke:
        baseline_config = replace(baseline_config, steps=20, eval_every=20, eval_batches=2)
    baseline, _ = run("baseline", GPTConfig(vocab_size=tokenizer.vocab_size, **BASELINE_MODEL), baseline_config,
                      train_data, val_data, clock=clock)
    target = baseline.final_val_loss

    model_config, train_config = PRESETS[args.profile]
    # Measure often so the moment the default passes the baseline's loss is found to within a few steps.
    # No time budget here: the learning-rate schedule follows the step count, so runs on a busy machine compare.
    default_config = replace(train_config, eval_every=25, time_budget=None, **EVAL)
    if args.smoke:
        default_config = replace(default_config, steps=20, eval_every=10, eval_batches=2)
    default, seconds_to_target = run("default", replace(model_config, vocab_size=tokenizer.vocab_size),
                                     default_config, train_data, val_data, target, clock)

    print(f"baseline_seconds {baseline.seconds:.1f}")
    print(f"baseline_val_loss {target:.4f}")
    print(f"default_seconds_to_baseline_loss {seconds_to_target:.1f}" if seconds_to_target is not None
          else "default_seconds_to_baseline_loss nan")
    ratio = seconds_to_target / baseline.seconds if seconds_to_target is not None else float("nan")
    print(f"ratio {ratio:.3f}")
    print(f"default_final_val_loss {default.final_val_loss:.4f}")
    print(f"tokens_per_second {default.tokens / default.seconds:.0f}")
    print(f"peak_rss_mb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()

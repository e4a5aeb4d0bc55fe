"""Train and release the course's reference model: chapter 4's tiny GPT, standard profile, on the edition's speeches.

    .venv/bin/python scripts/train_reference.py            # both editions
    .venv/bin/python scripts/train_reference.py --language de

Chapter 4 shows this model next to the learner's own when a slow or busy machine stops the learner's training
early, so the lesson's result (a GPT that beats the bigram model) is visible on any machine. The script trains
exactly what the notebook trains in the standard profile (same text, split, tokenizer, sizes, schedule and seed),
only without a time budget, and releases it the way chapter 4 teaches: five artifacts and a model card, written
by werkstatt.release.write_release into werkstatt/reference/tiny-gpt-<language>/. The command, seed, profile,
time and machine go into training_metadata.json under "reference", so anyone can rebuild and compare.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"de": "ParlSpeech V2, Bundestag sample (1,000 speeches)",
           "en": "ParlSpeech V2, House of Commons sample (1,000 speeches)"}


def build(language: str, seed: int = 0, profile: str = "standard") -> Path:
    """Train one edition's reference model and write its release; returns the release folder."""
    import torch

    from werkstatt import data, i18n
    from werkstatt.bigram import BigramModel
    from werkstatt.gpt import GPT, CharTokenizer
    from werkstatt.release import reference_folder, write_release
    from werkstatt.train import preset, train

    os.chdir(ROOT)  # write_release only writes inside the working folder
    i18n.set_language(language)  # the model card in the edition's language
    text = data.speeches_text(language)
    train_text, test_text = data.split_text(text, 0.9)  # the same split as chapter 4
    tokenizer = CharTokenizer.from_text(text)
    model_config, train_config = preset(profile, tokenizer.vocab_size)
    train_config = replace(train_config, time_budget=None, seed=seed)  # the whole schedule, however long it takes
    torch.manual_seed(seed)
    model = GPT(model_config)
    started = dt.datetime.now(dt.timezone.utc)
    clock = time.perf_counter()
    history = train(model, tokenizer.encode(train_text), tokenizer.encode(test_text), train_config,
                    plot=False, progress=True)
    wall = time.perf_counter() - clock
    bigram_loss = BigramModel(train_text).loss(test_text)
    folder = reference_folder(language)
    if folder.exists():  # this script's own earlier output: rebuilding replaces it
        shutil.rmtree(folder)
    reference = {
        "command": f"python scripts/train_reference.py --language {language} --seed {seed} --profile {profile}",
        "seed": seed, "profile": profile, "started": started.isoformat(timespec="seconds"),
        "training_seconds": round(history.seconds, 1), "wall_seconds": round(wall, 1),
        "machine": {"system": platform.system(), "machine": platform.machine(),
                    "processor": platform.processor() or platform.machine(), "cpu_count": os.cpu_count(),
                    "torch_threads": torch.get_num_threads(), "python": sys.version.split()[0],
                    "torch": torch.__version__},
        # how final_val_loss was measured, so a test (and anyone) can measure it again on data/test.txt
        "evaluation": {"function": "werkstatt.train.estimate_loss", "batches": train_config.eval_batches,
                       "batch_size": train_config.eval_batch_size, "seed": train_config.seed + 1},
    }
    return write_release(folder.relative_to(ROOT), model, tokenizer, train_text=train_text, test_text=test_text,
                         history=history, train_config=train_config, source=SOURCES[language],
                         data_licence="CC0 1.0", notebook=Path(__file__), bigram_loss=bigram_loss,
                         licence="mit", name=f"tiny-gpt-{language}", extra={"reference": reference},
                         bias_note=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", choices=sorted(SOURCES), action="append",
                        help="which edition (repeat for several; default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", default="standard", choices=("quick", "standard", "gpu"))
    args = parser.parse_args(argv)
    for language in args.language or sorted(SOURCES):
        folder = build(language, args.seed, args.profile)
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        print(f"{language}: {folder.relative_to(ROOT)} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

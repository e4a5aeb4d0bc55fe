#!/usr/bin/env python
"""Draw the static figures of the book pages from the real data (run again after changing the corpus code).

Usage: python scripts/make_figures.py   -> book/{de,en}/images/*.png
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from werkstatt import data, i18n, plots  # noqa: E402
from werkstatt.bigram import BigramModel, apply_temperature  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# The letters the heat map shows: the alphabet of each edition's corpus (data, not a translation).
LETTERS = {"de": " abcdefghijklmnopqrstuvwxyzäöüß", "en": " abcdefghijklmnopqrstuvwxyz"}


def heatmap(model: BigramModel, letters: str, path: Path) -> None:
    letters = [c for c in letters if c in model.index]
    rows = [model.index[c] for c in letters]
    fig, ax = plt.subplots(figsize=(7, 6))
    image = ax.imshow(model.probs[np.ix_(rows, rows)])
    ax.set_xticks(range(len(letters)), [plots.visible(c) for c in letters])
    ax.set_yticks(range(len(letters)), [plots.visible(c) for c in letters])
    ax.set_xlabel(i18n.msg("figures.ch01.x"))
    ax.set_ylabel(i18n.msg("figures.ch01.y"))
    ax.set_title(i18n.msg("figures.ch01.title"))
    fig.colorbar(image, ax=ax, label=i18n.msg("figures.ch01.bar"))
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)


def temperatures(model: BigramModel, path: Path) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(11, 3), sharey=True)
    for ax, t in zip(axes, [0.5, 1.0, 2.0]):
        plots.probability_bars(model.vocab, apply_temperature(model.next_probs("e"), t), i18n.msg("figures.ch01.temp", t=t),
                               i18n.msg("figures.ch01.x"), i18n.msg("figures.ch01.bar"), ax=ax, top=8)
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)


def main() -> None:
    plots.use_course_style()
    for language, letters in LETTERS.items():
        i18n.set_language(language)
        train, _ = data.split_text(data.speeches_text(language))
        model = BigramModel(train)
        folder = ROOT / "book" / language / "images"
        folder.mkdir(parents=True, exist_ok=True)
        heatmap(model, letters, folder / "bigram-heatmap.png")
        temperatures(model, folder / "temperature.png")
        print("wrote", folder)


if __name__ == "__main__":
    main()

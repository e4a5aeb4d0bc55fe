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
LABELS = {
    "de": dict(letters=" abcdefghijklmnopqrstuvwxyzäöüß", x="nächstes Zeichen", y="aktuelles Zeichen",
               title="Bigramm-Wahrscheinlichkeiten im Bundestag", bar="Wahrscheinlichkeit",
               temp="Was folgt auf »e«? T = {t}"),
    "en": dict(letters=" abcdefghijklmnopqrstuvwxyz", x="next character", y="current character",
               title="Bigram probabilities in the House of Commons", bar="probability",
               temp="What follows 'e'? T = {t}"),
}


def heatmap(model: BigramModel, labels: dict, path: Path) -> None:
    letters = [c for c in labels["letters"] if c in model.index]
    rows = [model.index[c] for c in letters]
    fig, ax = plt.subplots(figsize=(7, 6))
    image = ax.imshow(model.probs[np.ix_(rows, rows)])
    ax.set_xticks(range(len(letters)), [plots.visible(c) for c in letters])
    ax.set_yticks(range(len(letters)), [plots.visible(c) for c in letters])
    ax.set_xlabel(labels["x"])
    ax.set_ylabel(labels["y"])
    ax.set_title(labels["title"])
    fig.colorbar(image, ax=ax, label=labels["bar"])
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)


def temperatures(model: BigramModel, labels: dict, path: Path) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(11, 3), sharey=True)
    for ax, t in zip(axes, [0.5, 1.0, 2.0]):
        plots.probability_bars(model.vocab, apply_temperature(model.next_probs("e"), t), labels["temp"].format(t=t),
                               labels["x"], labels["bar"], ax=ax, top=8)
    fig.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(fig)


def main() -> None:
    plots.use_course_style()
    for language, labels in LABELS.items():
        i18n.set_language(language)
        train, _ = data.split_text(data.speeches_text(language))
        model = BigramModel(train)
        folder = ROOT / "book" / language / "images"
        folder.mkdir(parents=True, exist_ok=True)
        heatmap(model, labels, folder / "bigram-heatmap.png")
        temperatures(model, labels, folder / "temperature.png")
        print("wrote", folder)


if __name__ == "__main__":
    main()

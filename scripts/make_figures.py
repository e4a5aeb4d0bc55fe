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
    fig, ax = plt.subplots(figsize=(6, 6.8), layout="constrained")
    image = ax.imshow(model.probs[np.ix_(rows, rows)], aspect="auto")
    ax.set_xticks(range(len(letters)), [plots.visible(c) for c in letters])
    ax.set_yticks(range(len(letters)), [plots.visible(c) for c in letters])
    ax.tick_params(labelsize=11)  # 31 letters side by side: 11 pt is still 9 px on a phone
    ax.set_xlabel(i18n.msg("figures.ch01.x"))
    ax.set_ylabel(i18n.msg("figures.ch01.y"))
    ax.set_title(i18n.msg("figures.ch01.title"))
    fig.colorbar(image, ax=ax, label=i18n.msg("figures.ch01.bar"), location="bottom", shrink=0.8)
    save(fig, path)


def temperatures(model: BigramModel, path: Path) -> None:
    # Three narrow panels, so that the figure fits a phone with readable text: the question once above
    # them ("What follows 'e'?"), each panel titled with its temperature only ("T = 0.5").
    fig, axes = plt.subplots(1, 3, figsize=(6, 3.2), sharey=True, layout="constrained")
    for ax, t in zip(axes, [0.5, 1.0, 2.0]):
        question, _, temperature = i18n.msg("figures.ch01.temp", t=i18n.num(t, 1)).rpartition("? ")
        plots.probability_bars(model.vocab, apply_temperature(model.next_probs("e"), t), temperature,
                               "", "", ax=ax, top=5)
    axes[0].set_ylabel(i18n.msg("figures.ch01.bar"))
    fig.suptitle(question + "?" if question else "")
    fig.supxlabel(i18n.msg("figures.ch01.x"), fontsize=plt.rcParams["axes.labelsize"])
    save(fig, path)


def save(fig, path: Path) -> None:
    """Fit the figure to a phone's column (werkstatt.plots.fit_for_phone), save it with its text size written in."""
    plots.fit_for_phone(fig)
    smallest = plots.save_png(fig, path, dpi=120)
    plt.close(fig)
    print("wrote", path.relative_to(ROOT), f"(smallest text {smallest:g} pt)")


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


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Draw the figures of the book pages for chapters 5 (the ladder of openness) and 9 (the gradient of release)
from the model registry (werkstatt.models), with the same models as the notebooks.

Usage: python scripts/make_figures_ch05_09.py   -> book/{de,en}/images/05-openness.png, 09-gradient.png
Takes seconds; run it again after changing the registry. The pages' alt texts describe these pictures.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from werkstatt import i18n, models, plots, transparency  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# The models of notebooks/*/05-open-models.ipynb and 09-society.ipynb (cells "names = [...]").
OPENNESS = ["gpt-4", "llama-3-8b", "smollm2-135m-instruct", "llammlein-120m", "pythia-70m", "olmo-2-7b"]
GRADIENT = ["gpt-4", "llama-3-8b", "smollm2-135m-instruct", "pythia-70m", "olmo-2-7b"]


def save(fig, path: Path) -> None:
    """Fit the figure to a phone's column (werkstatt.plots.fit_for_phone), save it with its text size written in."""
    plots.fit_for_phone(fig)
    smallest = plots.save_png(fig, path, dpi=120)
    plt.close(fig)
    print("wrote", path.relative_to(ROOT), f"(smallest text {smallest:g} pt)")


def gradient(path: Path) -> None:
    placed = {models.info(name).name: transparency.registry_step(name) for name in GRADIENT}
    fig = transparency.plot_gradient(placed)
    # Four columns side by side: on a phone each is about 1.4 inches wide, so the explanations under the
    # steps and the steps' names wrap after about 12 letters; the figure grows taller for the extra lines.
    ax = fig.axes[0]
    last = max(text.xy[0] for text in ax.texts if isinstance(text, Annotation))
    for text in ax.texts:
        if isinstance(text, Annotation) and text.xy[0] == last:  # long names in the last column: two lines
            text.set_text(textwrap.fill(text.get_text(), 13))
        if " " in text.get_text().replace("\n", " "):  # explanations, not the models' names
            text.set_text(textwrap.fill(text.get_text().replace("\n", " "), 13))
    ax.set_xticks(ax.get_xticks(), [textwrap.fill(label.get_text().replace("\n", " "), 10, break_long_words=False)
                                    for label in ax.get_xticklabels()], fontsize=11)
    ax.set_ylim(ax.get_ylim()[0] - 0.8, ax.get_ylim()[1])
    width, height = fig.get_size_inches()
    fig.set_size_inches(width, height * 1.3)
    fig.tight_layout()
    save(fig, path)


def main() -> None:
    plots.use_course_style()
    for language in ("de", "en"):
        i18n.set_language(language)
        folder = ROOT / "book" / language / "images"
        save(models.plot_openness(OPENNESS), folder / "05-openness.png")
        gradient(folder / "09-gradient.png")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Draw chapter 4's architecture figure for both editions: book/{de,en}/images/04-gpt-architecture.png.

Usage: python scripts/ch04_figures.py
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

from werkstatt.i18n import text  # noqa: E402
from werkstatt.plots import OKABE_ITO, save_png, use_course_style  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# 5.9 inches wide with 11 pt labels: still 9 px on a phone's column. Long labels wrap inside their boxes;
# the figure is tall enough (8.8 inches for 11.6 units) for two lines in a box.
LABEL_PT = 11
SIZE = (5.9, 8.8)
CHARS_PER_UNIT = 5.4  # how many 11 pt characters fit in one unit of box width at SIZE
PARTS = ('title', 'ids', 'emb', 'ln', 'attn', 'mlp', 'block', 'head', 'out', 'res')  # the figure's labels: messages "figures.ch04.<part>"


def box(ax, y, text, colour, x=2.0, width=6.0, height=0.6):
    ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.05", facecolor=colour,
                                edgecolor="black", linewidth=1))
    ax.text(x + width / 2, y + height / 2, textwrap.fill(text, int(width * CHARS_PER_UNIT)), ha="center",
            va="center", fontsize=LABEL_PT, linespacing=1.1)


def arrow(ax, y1, y2, x=5.0, colour="black"):
    ax.annotate("", xy=(x, y2), xytext=(x, y1), arrowprops=dict(arrowstyle="->", color=colour, lw=1.4))


def draw(language: str) -> Path:
    t = {part: text(f"figures.ch04.{part}", language) for part in PARTS}
    use_course_style()
    fig, ax = plt.subplots(figsize=SIZE)
    ax.set(xlim=(0, 10), ylim=(0, 11.6))
    ax.axis("off")
    ax.set_title(t["title"])
    box(ax, 0.2, t["ids"], "white")
    arrow(ax, 0.85, 1.35)
    box(ax, 1.4, t["emb"], OKABE_ITO[5])
    arrow(ax, 2.05, 2.65)
    ax.add_patch(FancyBboxPatch((0.6, 2.7), 8.8, 5.9, boxstyle="round,pad=0.1", facecolor="#F4F4F4",
                                edgecolor=OKABE_ITO[0], linestyle="--", linewidth=1.6))
    ax.text(9.0, 5.65, t["block"], rotation=90, ha="center", va="center", fontsize=LABEL_PT, color=OKABE_ITO[0],
            fontweight="bold")
    y = 3.0
    for label, colour in ((t["attn"], OKABE_ITO[1]), (t["mlp"], OKABE_ITO[2])):
        box(ax, y, t["ln"], "white", x=3.0, width=4.0, height=0.5)
        arrow(ax, y + 0.55, y + 0.95)
        box(ax, y + 1.0, label, colour, x=2.0, width=6.0, height=0.55)
        ax.add_patch(plt.Circle((5.0, y + 2.2), 0.22, facecolor="white", edgecolor="black"))
        ax.text(5.0, y + 2.2, "+", ha="center", va="center", fontsize=13)
        arrow(ax, y + 1.6, y + 1.98)
        # the residual path: around the sub-layer, straight into the sum
        ax.plot([5.0, 1.4, 1.4], [y - 0.15, y - 0.15, y + 2.2], color=OKABE_ITO[4], lw=1.8)
        ax.annotate("", xy=(4.78, y + 2.2), xytext=(1.4, y + 2.2),
                    arrowprops=dict(arrowstyle="->", color=OKABE_ITO[4], lw=1.8))
        if y > 3.5:
            arrow(ax, y - 0.45, y)
        y += 2.75
    ax.text(1.2, 5.4, t["res"], rotation=90, ha="right", va="center", fontsize=LABEL_PT, color=OKABE_ITO[4])
    arrow(ax, 3.0 - 0.45 + 2.75 - 0.1, 3.0 + 2.75)
    arrow(ax, 8.45, 9.15)
    box(ax, 9.2, t["head"], "white", x=1.2, width=7.6)
    arrow(ax, 9.85, 10.45)
    box(ax, 10.5, t["out"], OKABE_ITO[6], x=0.4, width=9.2)
    path = ROOT / "book" / language / "images" / "04-gpt-architecture.png"
    save_png(fig, path, dpi=120)
    plt.close(fig)
    return path


if __name__ == "__main__":
    for language in ("de", "en"):
        print(draw(language))

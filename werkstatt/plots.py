"""Figures that everyone can read: a colour-blind-safe palette, and alt text on every plot."""
from __future__ import annotations

import base64
import html
import io

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def use_course_style() -> None:
    """Larger fonts, the Okabe–Ito colours, no chart junk."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "axes.prop_cycle": cycler(color=OKABE_ITO),
        "figure.figsize": (7, 4),
        "figure.dpi": 100,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 13,
        "axes.labelsize": 11,
        "image.cmap": "viridis",  # perceptually uniform and colour-blind safe
    })


def figure_html(fig, alt: str) -> str:
    """The figure as an <img> tag with alt text (works in JupyterLab, Colab and the built book)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            f'style="max-width:100%">')


def show(fig, alt: str) -> None:
    """Display a matplotlib figure with alt text, then close it (so it is not drawn twice)."""
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    display(HTML(figure_html(fig, alt)))
    plt.close(fig)


def probability_bars(labels, probs, title: str, xlabel: str, ylabel: str, ax=None, top: int = 10):
    """A bar chart of the `top` most likely items; returns the axes. Labels show spaces and line breaks visibly."""
    import matplotlib.pyplot as plt
    import numpy as np

    probs = np.asarray(probs, dtype=float)
    order = np.argsort(probs)[::-1][:top]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    shown = [visible(labels[i]) for i in order]
    ax.bar(shown, probs[order], color=OKABE_ITO[0])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    # Grow, never shrink, the y-axis: panels that share it stay comparable.
    ax.set_ylim(0, max(ax.get_ylim()[1], probs[order].max() * 1.15))
    return ax


def visible(char: str) -> str:
    """Make invisible characters readable in plots: space -> '␣', line break -> '↵'."""
    return {" ": "␣", "\n": "↵", "\t": "⇥"}.get(char, char)


def top_items(labels, probs, n: int = 2) -> str:
    """The `n` most likely items with their probability, written the edition's way: 'h 87 %, ␣ 5 %'."""
    import numpy as np

    from .i18n import percent

    probs = np.asarray(probs, dtype=float)
    return ", ".join(f"{visible(labels[i])} {percent(probs[i])}" for i in np.argsort(probs)[::-1][:n])


def strongest_cells(matrix, labels, n: int = 3) -> str:
    """The `n` largest cells of a square table as 'row→column' pairs, for alt text: 'q→u, c→h, ß→e'."""
    import numpy as np

    matrix = np.asarray(matrix)
    flat = np.argsort(matrix, axis=None)[::-1][:n]
    rows, cols = np.unravel_index(flat, matrix.shape)
    return ", ".join(f"{visible(labels[r])}→{visible(labels[c])}" for r, c in zip(rows, cols))

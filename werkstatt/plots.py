"""Figures that everyone can read: a colour-blind-safe palette, and alt text on every plot."""
from __future__ import annotations

import base64
import html
import io
import math

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


# Readable on a phone: no text in a figure smaller than this many CSS pixels where the book shows it.
# A phone's column is about 340 px wide, so a figure 6 inches wide needs text of at least 12 pt
# (12 pt at 100 dpi is 16.7 px; 600 px shrunk to 340 px leaves 9.4 px). tests/browser checks every page.
READABLE_PX = 9
# Where the smallest text size of a PNG figure is written (a PNG text chunk), for that check.
SMALLEST_TEXT_KEY = "Smallest text (pt)"


def use_course_style() -> None:
    """Fonts that stay readable on a phone, the Okabe–Ito colours, no chart junk."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "axes.prop_cycle": cycler(color=OKABE_ITO),
        "figure.figsize": (6, 3.6),
        "figure.dpi": 100,
        "font.size": 12,  # tick labels, legends and annotations
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 14,
        "axes.labelsize": 13,
        "image.cmap": "viridis",  # perceptually uniform and colour-blind safe
    })


def smallest_text_pt(fig) -> float | None:
    """The font size (pt) of the smallest text the figure shows (call after it was drawn or saved)."""
    from matplotlib.text import Text

    sizes = [text.get_fontsize() for text in fig.findobj(Text) if text.get_visible() and text.get_text().strip()]
    return min(sizes) if sizes else None


def save_png(fig, target, dpi: float | None = None) -> float | None:
    """Save as PNG (tight bounding box) with its smallest text size written in; returns that size."""
    fig.canvas.draw()  # creates the tick labels, so that they are measured too
    smallest = smallest_text_pt(fig)
    metadata = {SMALLEST_TEXT_KEY: f"{smallest:g}"} if smallest else {}
    fig.savefig(target, format="png", dpi=dpi or fig.dpi, bbox_inches="tight", metadata=metadata)
    return smallest


def readable_width(width_px: int, smallest_pt: float | None, dpi: float) -> int:
    """The narrowest width (CSS px) at which a picture `width_px` wide still shows its smallest text at READABLE_PX."""
    if not smallest_pt:
        return 0
    return math.ceil(READABLE_PX * width_px / (smallest_pt * dpi / 72))


PHONE_COLUMN_PX = 340  # a figure in the book's column on a phone 390 px wide (measured: 342 px)


def fit_for_phone(fig, width: float = 6.0) -> None:
    """For the book's own figures: at most `width` inches wide (as saved) and no text under the size that
    stays READABLE_PX in a phone's column, so they fit every screen without a minimum width.

    Raises small text to that size, wraps titles and labels wider than the figure, then narrows the
    figure (not its height) until it fits; text that cannot shrink limits how far that goes."""
    import textwrap

    import matplotlib as mpl
    from matplotlib.text import Text

    floor = READABLE_PX * 72 * width / PHONE_COLUMN_PX
    fig.canvas.draw()
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            labels = [label for label in axis.get_ticklabels() if label.get_text()]
            if labels and labels[0].get_fontsize() < floor:
                ax.tick_params(axis=name, labelsize=floor)  # tick labels are made anew at each drawing
    texts = [text for text in fig.findobj(Text) if text.get_text().strip() and text.get_visible()]
    for text in texts:
        text.set_fontsize(max(text.get_fontsize(), floor))
    # as wide as the smallest text allows (a figure whose text is all larger may stay `width` wide)
    target = 0.99 * min(width, smallest_text_pt(fig) * PHONE_COLUMN_PX / (READABLE_PX * 72))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for text in texts:
        wide = text.get_window_extent(renderer).width / fig.dpi
        if text.get_rotation() == 0 and "\n" not in text.get_text() and wide > 0.9 * target:
            text.set_text(textwrap.fill(text.get_text(), max(12, int(len(text.get_text()) * 0.85 * target / wide))))
    for _ in range(6):  # text keeps its size, so the saved box shrinks less than the figure: repeat
        fig.canvas.draw()
        saved = fig.get_tightbbox().width + 2 * mpl.rcParams["savefig.pad_inches"]  # as save_png saves it
        scale = target / saved
        if scale > 0.995:
            break
        w, h = fig.get_size_inches()
        fig.set_size_inches(w * scale, h)
        if fig.get_layout_engine() is None:
            fig.tight_layout()


def figure_html(fig, alt: str) -> str:
    """The figure as an <img> tag with alt text (works in JupyterLab, Colab and the built book).

    It fills its column, but never grows past its own size nor shrinks below the width at which its
    smallest text is READABLE_PX: on a phone, a wide figure scrolls sideways in its output box (like a
    wide table) instead of shrinking its labels to a few pixels.
    """
    from PIL import Image

    buffer = io.BytesIO()
    smallest = save_png(fig, buffer)
    with Image.open(io.BytesIO(buffer.getvalue())) as picture:
        width = picture.width
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    style = f"width:100%;max-width:{width}px;height:auto"
    narrowest = readable_width(width, smallest, fig.dpi)
    if narrowest:
        style += f";min-width:{narrowest}px"
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" style="{style}">'


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
        _, ax = plt.subplots(figsize=(6, 3.4))
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

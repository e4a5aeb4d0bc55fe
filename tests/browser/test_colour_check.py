"""The colour check itself: it flags matplotlib's default orange/green and passes Okabe–Ito and viridis."""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps

from colours import confusable_pairs, dominant_colours

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442"]


def stripes(colours: list) -> np.ndarray:
    """A white picture with one thick stripe per colour (like a bar chart)."""
    picture = np.full((100, 40 * len(colours) + 20, 3), 255, dtype=np.uint8)
    for i, colour in enumerate(colours):
        rgb = colour if not isinstance(colour, str) else [int(colour[k:k + 2], 16) for k in (1, 3, 5)]
        picture[10:90, 20 + 40 * i:40 + 40 * i] = rgb
    return picture


def test_default_orange_and_green_are_flagged():
    pairs = confusable_pairs(dominant_colours(stripes(["#ff7f0e", "#2ca02c"])))
    assert pairs and pairs[0][2] in ("protanopia", "deuteranopia")


def test_okabe_ito_passes():
    assert len(dominant_colours(stripes(OKABE_ITO))) == len(OKABE_ITO)
    assert confusable_pairs(dominant_colours(stripes(OKABE_ITO))) == []


def test_viridis_passes():
    viridis = [(np.array(colormaps["viridis"](x)[:3]) * 255).astype(int) for x in np.linspace(0, 1, 24)]
    assert confusable_pairs(dominant_colours(stripes(viridis))) == []


def test_a_rainbow_heat_map_is_flagged():
    jet = [(np.array(colormaps["jet"](x)[:3]) * 255).astype(int) for x in np.linspace(0, 1, 24)]
    assert confusable_pairs(dominant_colours(stripes(jet)))

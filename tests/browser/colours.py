"""Are a plot's colours distinguishable with a colour-vision deficiency?

For each picture: find its dominant saturated colours, then for each pair that differs clearly for
typical colour vision, simulate protanopia and deuteranopia, the red-green deficiencies that about
one boy in twelve has (Machado, Oliveira and Fernandes 2009, severity 1), and measure the difference
again (CIE76 ΔE in CIELAB). A pair that collapses is a pair these readers cannot tell apart.
Calibrated on palettes: the course's Okabe–Ito colours stay at ΔE ≥ 16 under both simulations,
matplotlib's default tab10 drops to 4.6 (orange and green); a pair counts as collapsed below 10.
Perceptually uniform colour maps (viridis, the course's default for heat maps, cividis, magma,
plasma, inferno) are safe by design, since their colours are ordered by lightness: two colours that
both lie on one of them are not compared (neighbouring dark violets of viridis would otherwise come
within ΔE 8 under deuteranopia). Unsaturated pixels (text, axes, grid, pastel fills) are ignored.
Tritanopia (very rare) is left out: neighbouring steps of viridis already come within ΔE 11 there.
"""
from __future__ import annotations

import base64
import functools
import io
import itertools
import re
from pathlib import Path

import numpy as np

MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
}
DISTINCT = 20.0   # ΔE: clearly different colours for typical vision
COLLAPSED = 10.0  # ΔE: below this under a simulation, the two are hard to tell apart
MIN_SHARE = 0.03  # a colour counts when it covers at least 3 % of the saturated pixels
SAFE_MAPS = ("viridis", "cividis", "magma", "plasma", "inferno")
ON_MAP = 6.0  # ΔE: a colour this close to a safe colour map is taken to come from it
IMG = re.compile(r'<img[^>]+src="([^"]+)"[^>]*>', re.IGNORECASE)
ALT = re.compile(r'alt="([^"]*)"', re.IGNORECASE)


def _linear(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = linear @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def dominant_colours(pixels: np.ndarray) -> np.ndarray:
    """The saturated colours (RGB, 0–255) that each cover a noticeable part of the picture."""
    rgb = pixels.reshape(-1, pixels.shape[-1])[:, :3].astype(float)
    if pixels.shape[-1] == 4:
        rgb = rgb[pixels.reshape(-1, 4)[:, 3] > 200]
    high, low = rgb.max(axis=1), rgb.min(axis=1)
    saturated = rgb[(high >= 90) & ((high - low) / np.maximum(high, 1) >= 0.4)]
    if len(saturated) < 50:
        return np.zeros((0, 3))
    bins, inverse, counts = np.unique((saturated // 16).astype(int), axis=0, return_inverse=True,
                                      return_counts=True)
    inverse = inverse.reshape(-1)
    # each frequent bin stands for the mean colour of its pixels
    return np.array([saturated[inverse == b].mean(axis=0).round() for b in np.flatnonzero(
        counts >= MIN_SHARE * len(saturated))]).reshape(-1, 3).astype(int)


@functools.lru_cache(maxsize=1)
def _safe_map_samples() -> dict[str, np.ndarray]:
    from matplotlib import colormaps

    return {name: _lab(_linear(colormaps[name](np.linspace(0, 1, 256))[:, :3] * 255)) for name in SAFE_MAPS}


def _maps_of(lab: np.ndarray) -> set[str]:
    return {name for name, samples in _safe_map_samples().items()
            if np.linalg.norm(samples - lab, axis=1).min() < ON_MAP}


def confusable_pairs(colours: np.ndarray) -> list[tuple[str, str, str, float]]:
    """Pairs that differ for typical vision but not under a simulated colour-vision deficiency."""
    if len(colours) < 2:
        return []
    linear = _linear(np.asarray(colours, dtype=float))
    normal = _lab(linear)
    maps = [_maps_of(lab) for lab in normal]
    found = []
    for i, j in itertools.combinations(range(len(colours)), 2):
        if np.linalg.norm(normal[i] - normal[j]) < DISTINCT or maps[i] & maps[j]:
            continue
        for name, matrix in MACHADO.items():
            simulated = _lab(np.clip(linear[[i, j]] @ np.array(matrix).T, 0, 1))
            distance = float(np.linalg.norm(simulated[0] - simulated[1]))
            if distance < COLLAPSED:
                found.append(("#%02x%02x%02x" % tuple(colours[i]), "#%02x%02x%02x" % tuple(colours[j]), name, distance))
                break
    return found


def plot_images(site: Path, page: str):
    """(description, pixels) of each PNG picture on a page: embedded (data:) or a file in the site."""
    from PIL import Image

    html = (site / page).read_text(encoding="utf-8", errors="replace")
    for match in IMG.finditer(html):
        source = match.group(1)
        alt = ALT.search(match.group(0))
        label = (alt.group(1) if alt else source)[:60]
        if source.startswith("data:image/png;base64,"):
            data = base64.b64decode(source.split(",", 1)[1])
        elif source.lower().endswith(".png") and "://" not in source:
            path = (site / page).parent / source
            if not path.is_file():
                continue
            data = path.read_bytes()
        else:
            continue
        with Image.open(io.BytesIO(data)) as image:
            yield label, np.asarray(image.convert("RGBA"))

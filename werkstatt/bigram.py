"""The bigram model of chapter 1, for later chapters: counts which character follows which.

Chapter 1 derives every line of this cell by cell; later chapters use it as the baseline
that every real model must beat.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from .errors import WerkstattError, check_number, check_range


def bigram_counts(text: str) -> Counter:
    """How often each pair of neighbouring characters occurs: {("d", "e"): 1234, ...}."""
    return Counter(zip(text, text[1:]))


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Sharpen (T < 1) or flatten (T > 1) a distribution: p^(1/T), normalised again."""
    check_range("temperature", temperature, 0.05, 10.0)
    logits = np.log(np.asarray(probs, dtype=float) + 1e-12) / temperature
    weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


class BigramModel:
    """Next-character probabilities from counts, with add-one smoothing so nothing is impossible."""

    def __init__(self, text: str, smoothing: float = 1.0) -> None:
        if not isinstance(text, str) or len(text) < 2:
            raise WerkstattError("bigram.no_text")
        check_number("smoothing", smoothing, 0, 100, low_open=True)
        self.vocab = sorted(set(text))
        self.index = {char: i for i, char in enumerate(self.vocab)}
        size = len(self.vocab)
        counts = np.zeros((size, size))
        for (first, second), n in bigram_counts(text).items():
            counts[self.index[first], self.index[second]] = n
        self.counts = counts
        smoothed = counts + smoothing
        self.probs = smoothed / smoothed.sum(axis=1, keepdims=True)

    def next_probs(self, char: str) -> np.ndarray:
        """P(next character | char) over the vocabulary."""
        if char not in self.index:
            raise WerkstattError("bigram.unknown_char", char=char)
        return self.probs[self.index[char]]

    def loss(self, text: str) -> float:
        """Average cross-entropy in nats: -mean log P(next | current), over pairs both seen in training."""
        if not isinstance(text, str):
            raise WerkstattError("bigram.no_text")
        pairs = [(a, b) for a, b in zip(text, text[1:]) if a in self.index and b in self.index]
        if not pairs:
            return math.nan
        logs = [math.log(self.probs[self.index[a], self.index[b]]) for a, b in pairs]
        return -sum(logs) / len(logs)

    def sample(self, start: str, length: int, temperature: float = 1.0, seed: int = 0) -> str:
        """Generate `length` characters after `start`, each drawn from the counts of the one before."""
        length = check_number("length", length, 0, 100_000, whole=True)
        seed = check_number("seed", seed, 0, 2 ** 32 - 1, whole=True)
        rng = np.random.default_rng(seed)
        out = [start]
        for _ in range(length):
            probs = apply_temperature(self.next_probs(out[-1]), temperature)
            out.append(self.vocab[rng.choice(len(self.vocab), p=probs)])
        return "".join(out)

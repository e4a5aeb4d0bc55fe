"""Chapter 2's plumbing: a BPE tokenizer from the `tokenizers` library, the German/English comparison,
Zipf's law from `wordfreq`, and word vectors from co-occurrence counts for a 2-D map.

The notebook shows the ideas step by step; this module keeps the bookkeeping out of its cells.
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np

from .errors import WerkstattError, check_number, check_range
from .i18n import msg, num


# Sentences with the same content in both languages (written for the course, CC BY 4.0).
PARALLEL = [
    ("Der Haushaltsausschuss berät heute über den Bundeshaushalt.",
     "The budget committee is discussing the federal budget today."),
    ("Die Bundestagsabgeordneten stimmen morgen über das Gesetz ab.",
     "The members of the Bundestag will vote on the bill tomorrow."),
    ("Die Bundesregierung will die Krankenversicherungsbeiträge senken.",
     "The federal government wants to lower health insurance contributions."),
    ("Wir brauchen mehr Geld für Schulen und Kindergärten.",
     "We need more money for schools and nurseries."),
    ("Meine Damen und Herren, ich danke Ihnen für Ihre Aufmerksamkeit.",
     "Ladies and gentlemen, thank you for your attention."),
    ("Die Arbeitslosigkeit ist im letzten Jahr gesunken.",
     "Unemployment fell last year."),
    ("Der Gesetzentwurf der Opposition wurde abgelehnt.",
     "The opposition's draft bill was rejected."),
    ("Die Umweltschutzauflagen für Kohlekraftwerke werden verschärft.",
     "The environmental protection rules for coal power stations are being tightened."),
]

# German compounds and their English counterparts (often several words).
COMPOUNDS = [
    ("Bundestagsabgeordnete", "members of parliament"),
    ("Haushaltsausschuss", "budget committee"),
    ("Krankenversicherung", "health insurance"),
    ("Arbeitslosigkeit", "unemployment"),
    ("Bundesverfassungsgericht", "federal constitutional court"),
    ("Mindestlohn", "minimum wage"),
]


def train_bpe(texts: list[str], vocab_size: int):
    """A BPE tokenizer trained on `texts` with the `tokenizers` library; ▁ marks the start of a word."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    check_range("vocab_size", vocab_size, 50, 100_000)
    vocab_size = int(vocab_size)
    texts = _texts(texts)
    tokenizer = Tokenizer(models.BPE(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=["[UNK]"], show_progress=False)
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def _texts(texts) -> list[str]:
    """One text or a list of texts as a list (a single text would otherwise be read character by character)."""
    if isinstance(texts, str):
        texts = [texts]
    try:
        texts = [t for t in texts if isinstance(t, str) and t.strip()]
    except TypeError:
        texts = []
    if not texts:
        raise WerkstattError("tokens.empty_text")
    return texts


def count_tokens(tokenizer, text: str) -> int:
    """How many tokens `text` costs with this tokenizer."""
    if not isinstance(text, str) or not text:
        raise WerkstattError("tokens.empty_text")
    return len(tokenizer.encode(text).ids)


def chars_per_token(tokenizer, text: str) -> float:
    """Characters per token: how much text one token covers on average (higher = cheaper)."""
    return len(text) / count_tokens(tokenizer, text)


def comparison_figure(totals: dict[str, tuple[int, int]]):
    """Bars of total tokens (German, English) for each tokenizer; returns (figure, alt text).

    `totals` maps a tokenizer's label (what it was trained on) to (German tokens, English tokens).
    """
    import matplotlib.pyplot as plt

    labels = list(totals)
    de_counts = [totals[label][0] for label in labels]
    en_counts = [totals[label][1] for label in labels]
    positions = np.arange(len(labels))
    fig, ax = plt.subplots(figsize=(8, 4))
    german = ax.bar(positions - 0.2, de_counts, width=0.4, label=msg("tokens.german"))
    english = ax.bar(positions + 0.2, en_counts, width=0.4, label=msg("tokens.english"), hatch="//")
    ax.bar_label(german, fontsize=9)
    ax.bar_label(english, fontsize=9)
    ax.set_xticks(positions, labels)
    ax.set_title(msg("tokens.bar_title"))
    ax.set_xlabel(msg("tokens.bar_xlabel"))
    ax.set_ylabel(msg("tokens.bar_ylabel"))
    ax.legend()
    summary = "; ".join(f"{label}: {de} / {en}" for label, de, en in zip(labels, de_counts, en_counts))
    return fig, msg("tokens.bar_alt", pairs=len(PARALLEL), summary=summary)


def zipf_table(language: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Ranks 1..n and the share of all running words for the n most common words (from `wordfreq`)."""
    import wordfreq

    n = check_number("n", n, 1, 100_000, whole=True)
    if language not in wordfreq.available_languages():
        raise WerkstattError("tokens.unknown_language", language=repr(language), known="de, en")
    words = wordfreq.top_n_list(language, n)
    shares = np.array([wordfreq.word_frequency(word, language) for word in words])
    return np.arange(1, len(words) + 1), shares


def zipf_figure(tables: dict[str, tuple[np.ndarray, np.ndarray]]):
    """Log-log plot of share against rank for each language, with the 1/rank line; returns (figure, alt)."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    styles = iter(["-", "--"])
    for label, (ranks, shares) in tables.items():
        ax.loglog(ranks, shares, next(styles, "-"), label=label, linewidth=2)
    ranks, shares = next(iter(tables.values()))
    ax.loglog(ranks, shares[0] / ranks, ":", color="black", label=msg("tokens.zipf_reference"))
    ax.set_title(msg("tokens.zipf_title"))
    ax.set_xlabel(msg("tokens.zipf_xlabel"))
    ax.set_ylabel(msg("tokens.zipf_ylabel"))
    ax.legend()
    return fig, msg("tokens.zipf_alt", n=num(len(ranks)))


def words_of(text: str) -> list[str]:
    """The text as lower-case words (letters only, umlauts included)."""
    return re.findall(r"[a-zäöüß]+", text.lower())


class WordVectors:
    """Word vectors from counts: which words stand near which (PPMI), squeezed to `dims` numbers by SVD."""

    def __init__(self, text: str, vocab_size: int = 2000, window: int = 2, dims: int = 50) -> None:
        from scipy import sparse

        vocab_size = check_number("vocab_size", vocab_size, 10, 100_000, whole=True)
        window = check_number("window", window, 1, 20, whole=True)
        dims = check_number("dims", dims, 2, 1000, whole=True)
        words = words_of(text) if isinstance(text, str) else []
        if len(set(words)) < 10:  # fewer distinct words leave nothing to compare
            raise WerkstattError("tokens.too_few_words", words=num(len(set(words))), minimum=num(10))
        self.words = [w for w, _ in Counter(words).most_common(vocab_size)]
        self.index = {w: i for i, w in enumerate(self.words)}
        ids = np.array([self.index.get(w, -1) for w in words])
        rows, cols = [], []
        for shift in range(1, window + 1):  # count each pair of words at most `window` apart, both ways
            a, b = ids[:-shift], ids[shift:]
            keep = (a >= 0) & (b >= 0)
            rows += [a[keep], b[keep]]
            cols += [b[keep], a[keep]]
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        size = len(self.words)
        counts = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size)).tocsr()
        self.counts = counts
        # PPMI: how much more often than chance two words meet; negative values (rarer than chance) become 0
        total = counts.sum()
        row = np.asarray(counts.sum(axis=1)).ravel()
        coo = counts.tocoo()
        pmi = np.log(coo.data * total / (row[coo.row] * row[coo.col]))
        ppmi = sparse.coo_matrix((np.maximum(pmi, 0), (coo.row, coo.col)), shape=(size, size)).tocsr()
        # SVD keeps the `dims` directions along which the counts differ most (like a photo squeezed to its outlines)
        u, sigma = _randomised_svd(ppmi, min(dims, size - 1))
        vectors = u * sigma
        self.vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def __getitem__(self, word: str) -> np.ndarray:
        if not isinstance(word, str):
            raise WerkstattError("tokens.unknown_word", word=str(word), size=num(len(self.words)))
        word = word.lower()
        if word not in self.index:
            raise WerkstattError("tokens.unknown_word", word=word, size=num(len(self.words)))
        return self.vectors[self.index[word]]

    def neighbours(self, word: str, k: int = 5) -> list[tuple[str, float]]:
        """The k words whose vectors point in the most similar direction (cosine similarity)."""
        k = check_number("k", k, 1, len(self.words), whole=True)
        similarity = self.vectors @ self[word]
        order = [i for i in np.argsort(-similarity) if self.words[i] != word.lower()][:k]
        return [(self.words[i], round(float(similarity[i]), 2)) for i in order]

    def map_figure(self, groups: dict[str, list[str]]):
        """The chosen words on a 2-D map (PCA of their vectors); returns (figure, alt text)."""
        import matplotlib.pyplot as plt

        chosen = [(group, w) for group, words in groups.items() for w in words if w.lower() in self.index]
        points = pca_2d(np.array([self[w] for _, w in chosen]))
        fig, ax = plt.subplots(figsize=(8, 6))
        markers = iter(["o", "s", "^", "D", "v", "P"])
        for group in groups:
            mine = [i for i, (g, _) in enumerate(chosen) if g == group]
            ax.scatter(points[mine, 0], points[mine, 1], marker=next(markers, "o"), s=60, label=group)
            for i in mine:
                ax.annotate(chosen[i][1], points[i], xytext=(4, 4), textcoords="offset points", fontsize=10)
        ax.set_title(msg("tokens.map_title"))
        ax.set_xlabel(msg("tokens.map_xlabel"))
        ax.set_ylabel(msg("tokens.map_ylabel"))
        ax.legend()
        return fig, msg("tokens.map_alt", n=len(chosen), groups=", ".join(groups))


def _randomised_svd(matrix, k: int, power_steps: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The top-k singular vectors and values, found fast with random projections (Halko et al., 2011)."""
    rng = np.random.default_rng(seed)
    basis = matrix @ rng.standard_normal((matrix.shape[1], k + 10))
    for _ in range(power_steps):
        basis, _ = np.linalg.qr(matrix @ (matrix.T @ basis))
    basis, _ = np.linalg.qr(basis)
    small_u, sigma, _ = np.linalg.svd((matrix.T @ basis).T, full_matrices=False)
    return (basis @ small_u)[:, :k], sigma[:k]


def pca_2d(points: np.ndarray) -> np.ndarray:
    """The two directions along which the points spread most (principal component analysis)."""
    centred = points - points.mean(axis=0)
    u, sigma, vt = np.linalg.svd(centred, full_matrices=False)
    signs = np.sign(vt[:2, np.argmax(np.abs(vt[:2]), axis=1)].diagonal())  # a fixed orientation, run after run
    return centred @ (vt[:2].T * signs)

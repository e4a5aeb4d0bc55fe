#!/usr/bin/env python
"""Draw the figures of the book pages for chapters 2 (tokens) and 3 (attention) from the real data.

Usage: python scripts/make_figures_ch02_03.py   -> book/{de,en}/images/02-*.png, 03-*.png
Uses the `standard` sizes of the notebooks (about a minute on two CPU cores), so the book shows what
the notebooks compute. Every alt text in the pages describes these pictures.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from werkstatt import data, i18n, plots  # noqa: E402
from werkstatt.attention import attention, heatmap, train_char_attention  # noqa: E402
from werkstatt.tokens import PARALLEL, WordVectors, comparison_figure, count_tokens, train_bpe, zipf_figure, \
    zipf_table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# Examples chosen for each edition (words of its corpus and its language), not translations of each other;
# the figures' labels are messages "figures.ch02.*" and "figures.ch03.*".
EXAMPLES = {
    "de": dict(tokens=["Die", "Katze", "jagt", "Mäuse"], sentence="Meine Damen und Herren",
               groups={"Parteien": ["spd", "cdu", "csu", "fdp", "grünen"],
                       "Geld und Zahlen": ["millionen", "milliarden", "euro", "mark", "prozent"],
                       "Menschen": ["kinder", "eltern", "frauen", "menschen", "jugendlichen"],
                       "Zeit": ["jahr", "jahren", "heute", "monaten", "wochen"]}),
    "en": dict(tokens=["The", "cat", "chases", "mice"], sentence="Mr Speaker, the Minister",
               groups={"parties": ["labour", "conservative", "liberal", "tory", "snp"],
                       "money and numbers": ["million", "billion", "pounds", "cent", "per"],
                       "people": ["children", "parents", "women", "people", "families"],
                       "time": ["year", "years", "today", "months", "weeks"]}),
}


def save(fig, path: Path) -> None:
    """Fit the figure to a phone's column (werkstatt.plots.fit_for_phone), save it with its text size written in."""
    plots.fit_for_phone(fig)
    smallest = plots.save_png(fig, path, dpi=120)
    plt.close(fig)
    print("wrote", path.relative_to(ROOT), f"(smallest text {smallest:g} pt)")


def heads(model, sentence: str, path: Path) -> None:
    """The heads of werkstatt.attention.heads_figure in a 2 x 2 grid: side by side, a phone would shrink
    their letters to a few pixels."""
    weights = model.head_weights(sentence)
    chars = [c if c != " " else "␣" for c in sentence]
    fig, axes = plt.subplots(2, (model.n_heads + 1) // 2, figsize=(6, 8.4), layout="constrained")
    for head, ax in enumerate(axes.flat):
        if head >= model.n_heads:
            ax.remove()
            continue
        heatmap(ax, weights[head], chars, chars, i18n.msg("attention.head", head=head + 1), annotate=False)
    fig.suptitle(i18n.msg("attention.heads_title"))
    fig.supxlabel(i18n.msg("attention.axis_key"))
    fig.supylabel(i18n.msg("attention.axis_query"))
    save(fig, path)


def tokenizer_comparison(texts: dict[str, str], path: Path) -> None:
    size = min(len(texts["de"]), len(texts["en"]))
    names = [i18n.msg(f"figures.ch02.tokenizer_{corpus}") for corpus in ("en", "de", "both")]
    trained = dict(zip(names, [[texts["en"][:size]], [texts["de"][:size]], [texts["de"][:size], texts["en"][:size]]]))
    totals = {}
    for label, corpus in trained.items():
        tokenizer = train_bpe(corpus, 4000)
        totals[label] = (sum(count_tokens(tokenizer, de) for de, _ in PARALLEL),
                         sum(count_tokens(tokenizer, en) for _, en in PARALLEL))
    fig, alt = comparison_figure(totals)
    print(alt)
    save(fig, path)


def mean_vs_attention(labels: dict, path: Path) -> None:
    tokens, size = labels["tokens"], len(labels["tokens"])
    lower = torch.tril(torch.ones(size, size))
    torch.manual_seed(1)
    x = torch.randn(size, 4)
    _, weights = attention(x @ torch.randn(4, 4), x @ torch.randn(4, 4), x)
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.6))
    for ax, matrix, title in zip(axes, [lower / lower.sum(1, keepdim=True), weights], [i18n.msg("figures.ch03.mean"), i18n.msg("figures.ch03.attn")]):
        heatmap(ax, matrix, tokens, tokens, title, xlabel=i18n.msg("figures.ch03.x"), ylabel=i18n.msg("figures.ch03.y"))
    axes[1].set_ylabel("")  # the rows are the same words: one label is enough, and there is no room for two
    fig.tight_layout()
    save(fig, path)


def main() -> None:
    plots.use_course_style()
    texts = {language: data.speeches_text(language) for language in ("de", "en")}
    for language, labels in EXAMPLES.items():
        i18n.set_language(language)
        folder = ROOT / "book" / language / "images"
        folder.mkdir(parents=True, exist_ok=True)
        tokenizer_comparison(texts, folder / "02-tokenizer-comparison.png")
        tables = dict(zip([i18n.msg("figures.ch02.language_de"), i18n.msg("figures.ch02.language_en")], [zipf_table("de", 20000), zipf_table("en", 20000)]))
        save(zipf_figure(tables)[0], folder / "02-zipf.png")
        save(WordVectors(texts[language], vocab_size=3000).map_figure(labels["groups"])[0], folder / "02-word-map.png")
        mean_vs_attention(labels, folder / "03-mean-vs-attention.png")
        train, _ = data.split_text(texts[language])
        model, _ = train_char_attention(train, 1500)
        heads(model, labels["sentence"], folder / "03-heads.png")


if __name__ == "__main__":
    main()

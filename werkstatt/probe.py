"""Looking inside a model (chapter 7): hidden states, linear probes with a control task, the logit lens, attention.

The notebook explains each idea; this module holds the loops over layers and the plots.
"""
from __future__ import annotations

import numpy as np

from .errors import WerkstattError, check_number, shown
from .i18n import msg, num


def hidden_states(model, tokenizer, texts: list[str], max_tokens: int = 64, batch_size: int = 4) -> np.ndarray:
    """Mean-pooled hidden states of each text at every layer: an array (layers + 1, texts, width).

    Texts go through in small batches, padded on the right; the mask keeps padding out of the average.
    """
    import torch

    texts = _check_texts(texts)
    max_tokens = check_number("max_tokens", max_tokens, 1, 2048, whole=True)
    batch_size = check_number("batch_size", batch_size, 1, 64, whole=True)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "right"
    rows = []
    # The transformer without its output head: the hidden states are the same, and no next-token scores
    # (texts x tokens x 49,152 numbers for SmolLM2) are computed only to be thrown away.
    body = getattr(model, "base_model", model)
    for start in range(0, len(texts), batch_size):
        batch = tokenizer(list(texts[start: start + batch_size]), return_tensors="pt", padding=True,
                          truncation=True, max_length=max_tokens)
        with torch.no_grad():
            out = body(**batch, output_hidden_states=True)
        mask = batch["attention_mask"][None, :, :, None].float()          # (1, texts, tokens, 1)
        states = torch.stack(out.hidden_states)                            # (layers, texts, tokens, width)
        rows.append(((states * mask).sum(2) / mask.sum(2)).float().numpy())
    return np.concatenate(rows, axis=1)


def _check_texts(texts) -> list[str]:
    if isinstance(texts, str):
        texts = [texts]
    try:
        texts = list(texts)
    except TypeError:
        texts = []
    if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
        raise WerkstattError("probe.no_texts")
    return texts


def control_labels(groups: list[str], labels: list[str], seed: int = 0) -> list[str]:
    """A control task in the spirit of Hewitt & Liang (2019): each group (speaker) gets one random label.

    The labels keep the real label frequencies, but have nothing to do with what is said: a probe
    that scores well here has learned to recognise the group, not the property.
    """
    from collections import Counter

    if len(groups) != len(labels) or not groups:
        raise WerkstattError("probe.unequal", first=num(len(groups)), second=num(len(labels)))
    rng = np.random.default_rng(seed)
    unique = sorted(set(groups))
    rng.shuffle(unique)
    size = Counter(groups)
    target = Counter(labels)
    assigned: Counter = Counter()
    chosen = {}
    for group in unique:
        # In random order, each group gets the label that is furthest below its real share, so the control
        # task keeps the real class sizes (roughly) while the labels themselves are arbitrary.
        label = max(sorted(target), key=lambda name: target[name] - assigned[name])
        chosen[group] = label
        assigned[label] += size[group]
    return [chosen[group] for group in groups]


def probe_accuracy(features: np.ndarray, labels: list[str], seed: int = 0, test_fraction: float = 0.3) -> list[float]:
    """Train one logistic-regression probe per layer on `features` (layers, n, width); test accuracy per layer."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    check_number("test_fraction", test_fraction, 0.1, 0.5)
    features, labels = np.asarray(features, dtype=float), np.asarray(labels)
    if features.ndim != 3 or features.shape[1] != len(labels):
        raise WerkstattError("probe.unequal", first=num(features.shape[1] if features.ndim == 3 else 0),
                              second=num(len(labels)))
    counts = {label: int((labels == label).sum()) for label in set(labels.tolist())}
    if len(counts) < 2:
        raise WerkstattError("probe.one_label", label=shown(next(iter(counts), "–")))
    if min(counts.values()) < 4:
        raise WerkstattError("probe.too_few", needed=num(4), found=num(min(counts.values())))
    index = np.arange(len(labels))
    train, test = train_test_split(index, test_size=test_fraction, random_state=seed, stratify=labels)
    scores = []
    for layer in features:
        probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=300, C=0.1))
        probe.fit(layer[train], labels[train])
        scores.append(float(probe.score(layer[test], labels[test])))
    return scores


def majority_share(labels: list[str]) -> float:
    """How often the most frequent label occurs: what a probe reaches by always guessing it."""
    values, counts = np.unique(np.asarray(labels), return_counts=True)
    return float(counts.max() / counts.sum())


def plot_probe(real: list[float], control: list[float], chance: float, title: str):
    """Accuracy per layer for the real property and the control task, and their difference (selectivity)."""
    import matplotlib.pyplot as plt

    layers = np.arange(len(real))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot(layers, real, marker="o", label=msg("probe.real"))
    left.plot(layers, control, marker="s", linestyle="--", label=msg("probe.control"))
    left.axhline(chance, color="grey", linestyle=":", label=msg("probe.chance"))
    left.set(xlabel=msg("probe.layer"), ylabel=msg("probe.accuracy"), ylim=(0, 1.05), title=title)
    left.legend(fontsize=8)
    right.bar(layers, np.asarray(real) - np.asarray(control), color="#009E73")
    right.axhline(0, color="black", linewidth=0.8)
    right.set(xlabel=msg("probe.layer"), ylabel=msg("probe.selectivity"), title=msg("probe.selectivity"))
    fig.tight_layout()
    return fig


def logit_lens(model, tokenizer, text: str, top: int = 1) -> list[list[tuple[str, float]]]:
    """For every layer: the most likely next tokens, read off that layer with the model's final norm and output head."""
    import torch

    from .models import context_length, encode_prompt

    top = check_number("top", top, 1, 50, whole=True)
    ids = encode_prompt(tokenizer, text, context_length(model))
    with torch.no_grad():
        out = model(ids, output_hidden_states=True)
        rows = []
        for hidden in out.hidden_states:
            last = hidden[0, -1]
            # The last entry already went through the final norm inside the model; the others need it here.
            if hidden is not out.hidden_states[-1]:
                last = model.model.norm(last)
            probs = torch.softmax(model.lm_head(last).float(), dim=-1)
            values, indices = probs.topk(top)
            rows.append([(tokenizer.decode([int(i)]), float(v)) for v, i in zip(values, indices)])
    return rows


def attention_maps(model, tokenizer, text: str):
    """(tokens, attentions): the attention weights of every layer, an array (layers, heads, n, n)."""
    import torch

    from .models import context_length, encode_prompt

    ids = encode_prompt(tokenizer, text, min(context_length(model), 64))
    previous = getattr(model.config, "_attn_implementation", None)
    model.set_attn_implementation("eager")  # the fast kernels do not hand out the weights
    try:
        with torch.no_grad():
            out = model(ids, output_attentions=True)
    finally:
        if previous and previous != "eager":
            model.set_attn_implementation(previous)
    tokens = [tokenizer.decode([int(i)]) for i in ids[0]]
    return tokens, torch.stack(out.attentions)[:, 0].float().numpy()


def plot_attention(tokens: list[str], weights: np.ndarray, title: str):
    """One attention map: which earlier token (columns) each token (rows) looks at."""
    import matplotlib.pyplot as plt

    labels = [repr(token)[1:-1] for token in tokens]
    fig, ax = plt.subplots(figsize=(6, 5))
    image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set(xlabel=msg("probe.attends_to"), ylabel=msg("probe.position"), title=title)
    fig.colorbar(image, ax=ax, shrink=0.8)
    fig.tight_layout()
    return fig


def two_party_sample(speeches, per_class: int, seed: int = 0) -> tuple[list[str], list[str], list[str]]:
    """Texts, party labels and speakers of `per_class` speeches from each of the two largest parties (no chair)."""
    from collections import Counter

    per_class = check_number("per_class", per_class, 4, 100_000, whole=True)
    rows = [row for row in speeches if not row["chair"] and row["party"] not in ("", "NA")]
    parties = [party for party, _ in Counter(row["party"] for row in rows).most_common(2)]
    rng = np.random.default_rng(seed)
    texts, labels, speakers = [], [], []
    for party in parties:
        pool = [row for row in rows if row["party"] == party]
        if len(pool) < per_class:
            raise WerkstattError("probe.too_few", needed=num(per_class), found=num(len(pool)))
        for i in rng.choice(len(pool), per_class, replace=False):
            texts.append(pool[i]["text"])
            labels.append(party)
            speakers.append(pool[i]["speaker"])
    return texts, labels, speakers


def token_probability_per_layer(model, tokenizer, text: str, token_id: int) -> list[float]:
    """The logit lens for one token: its next-token probability read off every layer."""
    import torch

    from .models import context_length, encode_prompt

    vocab = model.config.vocab_size
    check_number("token_id", token_id, 0, vocab - 1, whole=True)
    ids = encode_prompt(tokenizer, text, context_length(model))
    with torch.no_grad():
        out = model(ids, output_hidden_states=True)
        curve = []
        for number, hidden in enumerate(out.hidden_states):
            last = hidden[0, -1]
            if number < len(out.hidden_states) - 1:
                last = model.model.norm(last)
            curve.append(float(torch.softmax(model.lm_head(last).float(), dim=-1)[token_id]))
    return curve

"""Chapter 7 tasks: mean pooling, the guessing baseline, selectivity, and the best layer."""
from __future__ import annotations

from ..checks import Task, call
from ..i18n import register

register({
    "ch07.q1.padding": {
        "de": "Du mittelst auch über die Auffüll-Token (mask = 0). Zähle nur Positionen mit mask = 1.",
        "en": "You also average over the padding tokens (mask = 0). Count only positions with mask = 1.",
    },
    "ch07.q1.shape": {
        "de": "Das Ergebnis soll einen Vektor pro Text haben: Form (Texte, Zahlen), hier {expected}, nicht {got}.",
        "en": "The result should be one vector per text: shape (texts, numbers), here {expected}, not {got}.",
    },
    "ch07.q1.wrong": {
        "de": "Die Form stimmt, die Werte noch nicht. Summe von hidden * mask über die Token, geteilt durch die Summe der Maske.",
        "en": "The shape is right, the values are not. Sum hidden * mask over the tokens, divided by the sum of the mask.",
    },
    "ch07.q2.wrong": {
        "de": "Für {labels} erwarte ich {expected:.3f}, bekommen habe ich {got}. Wie oft kommt das häufigste Label vor, geteilt durch alle?",
        "en": "For {labels} I expect {expected:.3f}, but got {got}. How often does the most frequent label occur, divided by all?",
    },
    "ch07.q2.half": {
        "de": "Raten ist nicht immer 50 %: Wer immer die häufigste Klasse sagt, trifft so oft, wie diese vorkommt.",
        "en": "Guessing is not always 50%: always saying the most frequent class is right as often as that class occurs.",
    },
    "ch07.q3.order": {
        "de": "Umgekehrt: Selektivität = echte Aufgabe minus Kontrollaufgabe.",
        "en": "The other way round: selectivity = real task minus control task.",
    },
    "ch07.q3.wrong": {
        "de": "Gib eine Liste zurück, für jede Schicht eine Differenz. Erwartet {expected}, bekommen {got}.",
        "en": "Return a list with one difference per layer. Expected {expected}, got {got}.",
    },
    "ch07.q4.real": {
        "de": "Du nimmst die Schicht mit der besten echten Treffsicherheit. Gesucht ist die größte Selektivität.",
        "en": "You pick the layer with the best real accuracy. We want the largest selectivity.",
    },
    "ch07.q4.wrong": {
        "de": "Erwartet Schicht {expected}, bekommen {got}. Schichten zählen ab 0.",
        "en": "Expected layer {expected}, got {got}. Layers count from 0.",
    },
})

# --- q1: mean pooling with a mask ---------------------------------------------------------------


def _check_q1(mean_pool):
    import torch

    hidden = torch.arange(24, dtype=torch.float32).view(2, 3, 4)
    mask = torch.tensor([[1, 1, 0], [1, 1, 1]])
    got = call(mean_pool, hidden, mask)
    expected = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    got = torch.as_tensor(got, dtype=torch.float32)
    if tuple(got.shape) != (2, 4):
        return "ch07.q1.shape", dict(expected=(2, 4), got=tuple(got.shape))
    if torch.allclose(got, hidden.mean(1)):
        return "ch07.q1.padding"
    if not torch.allclose(got, expected):
        return "ch07.q1.wrong"
    return None


q1 = Task("ch07.q1", _check_q1, hint={
    "de": "mask hat die Form (Texte, Token). mask[..., None] macht daraus (Texte, Token, 1), passend zu hidden.",
    "en": "mask has shape (texts, tokens). mask[..., None] turns it into (texts, tokens, 1), matching hidden.",
}, solution="""
def mean_pool(hidden, mask):
    mask = mask[..., None].float()
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1)
""")

# --- q2: what guessing reaches ------------------------------------------------------------------


def _check_q2(majority_share):
    for labels in (["SPD", "SPD", "CDU/CSU", "SPD"], ["Lab", "Con", "Lab", "Con", "Con", "Con"]):
        got = call(majority_share, labels)
        expected = max(labels.count(x) for x in set(labels)) / len(labels)
        if not isinstance(got, (int, float)) or abs(got - expected) > 1e-9:
            if isinstance(got, (int, float)) and abs(got - 0.5) < 1e-9:
                return "ch07.q2.half"
            return "ch07.q2.wrong", dict(labels=labels, expected=expected, got=got)
    return None


q2 = Task("ch07.q2", _check_q2, hint={
    "de": "labels.count(x) zählt, wie oft x vorkommt. Nimm das Maximum über alle verschiedenen Labels und teile durch len(labels).",
    "en": "labels.count(x) counts how often x occurs. Take the maximum over all distinct labels and divide by len(labels).",
}, solution="""
def majority_share(labels):
    return max(labels.count(label) for label in set(labels)) / len(labels)
""")

# --- q3: selectivity ----------------------------------------------------------------------------


def _check_q3(selectivity):
    real, control = [0.5, 0.7, 0.9], [0.5, 0.6, 0.5]
    got = call(selectivity, real, control)
    expected = [r - c for r, c in zip(real, control)]
    try:
        values = [float(v) for v in got]
    except TypeError:
        return "ch07.q3.wrong", dict(expected=expected, got=got)
    if len(values) == 3 and all(abs(v + e) < 1e-9 for v, e in zip(values, expected)) and any(expected):
        return "ch07.q3.order"
    if len(values) != 3 or any(abs(v - e) > 1e-9 for v, e in zip(values, expected)):
        return "ch07.q3.wrong", dict(expected=expected, got=got)
    return None


q3 = Task("ch07.q3", _check_q3, hint={
    "de": "zip(real, control) liefert Paare (echt, Kontrolle) für jede Schicht.",
    "en": "zip(real, control) gives pairs (real, control) for every layer.",
}, solution="""
def selectivity(real, control):
    return [r - c for r, c in zip(real, control)]
""")

# --- q4: the most selective layer ---------------------------------------------------------------


def _check_q4(best_layer):
    real, control = [0.55, 0.9, 0.8, 0.7], [0.5, 0.85, 0.5, 0.6]
    got = call(best_layer, real, control)
    expected = 2
    if got == 1:
        return "ch07.q4.real"
    if got != expected:
        return "ch07.q4.wrong", dict(expected=expected, got=got)
    return None


q4 = Task("ch07.q4", _check_q4, hint={
    "de": "Berechne erst die Selektivität pro Schicht, dann den Index des größten Werts: max(range(...), key=...).",
    "en": "First compute the selectivity per layer, then the index of the largest value: max(range(...), key=...).",
}, solution="""
def best_layer(real, control):
    differences = [r - c for r, c in zip(real, control)]
    return max(range(len(differences)), key=lambda i: differences[i])
""")

"""Chapter 6 tasks: LoRA's parameter count, counting what trains, an honest split, and the improvement in perplexity."""
from __future__ import annotations

import math

from ..checks import Task, call
from ..i18n import register

register({
    "ch06.q1.full": {
        "de": "Das ist die Größe der ganzen Matrix W (d_in × d_out). LoRA trainiert nur A (r × d_in) und B (d_out × r).",
        "en": "That is the size of the whole matrix W (d_in × d_out). LoRA trains only A (r × d_in) and B (d_out × r).",
    },
    "ch06.q1.wrong": {
        "de": "Für d_in={d_in}, d_out={d_out}, r={rank} erwarte ich {expected}, bekommen habe ich {got}.",
        "en": "For d_in={d_in}, d_out={d_out}, r={rank} I expect {expected}, but got {got}.",
    },
    "ch06.q2.all": {
        "de": "Du zählst alle Parameter. Gesucht sind nur die, bei denen p.requires_grad wahr ist.",
        "en": "You count all parameters. Only those with p.requires_grad set count.",
    },
    "ch06.q2.tensors": {
        "de": "Du zählst Tensoren, nicht Zahlen. Nimm p.numel() für die Zahl der Einträge eines Tensors.",
        "en": "You count tensors, not numbers. Use p.numel() for the number of entries in a tensor.",
    },
    "ch06.q2.wrong": {
        "de": "Erwartet {expected}, bekommen {got}.",
        "en": "Expected {expected}, got {got}.",
    },
    "ch06.q3.overlap": {
        "de": "Übungs- und Testtexte überschneiden sich. Kein Text darf in beiden Teilen vorkommen.",
        "en": "Practice and test texts overlap. No text may be in both parts.",
    },
    "ch06.q3.shuffled": {
        "de": "Die Teile stimmen nicht: Übungstexte sind die ersten, Testtexte die letzten – in der ursprünglichen Reihenfolge.",
        "en": "The parts are not right: practice texts are the first ones, test texts the last ones – in the original order.",
    },
    "ch06.q3.size": {
        "de": "Bei {n} Texten und Anteil {fraction} erwarte ich {expected} Testtexte, bekommen habe ich {got}.",
        "en": "With {n} texts and fraction {fraction} I expect {expected} test texts, but got {got}.",
    },
    "ch06.q4.loss": {
        "de": "Du vergleichst die Verluste selbst. Rechne sie erst mit math.exp in Perplexitäten um.",
        "en": "You compare the losses themselves. First turn them into perplexities with math.exp.",
    },
    "ch06.q4.sign": {
        "de": "Das Vorzeichen ist falsch: Sinkt die Perplexität, soll das Ergebnis positiv sein.",
        "en": "The sign is wrong: when the perplexity falls, the result should be positive.",
    },
    "ch06.q4.wrong": {
        "de": "Für vorher={before}, nachher={after} erwarte ich {expected:.4f}, bekommen habe ich {got}.",
        "en": "For before={before}, after={after} I expect {expected:.4f}, but got {got}.",
    },
})

# --- q1: how many numbers does LoRA train for one matrix? ---------------------------------------


def _check_q1(lora_parameters):
    for d_in, d_out, rank in ((576, 576, 8), (576, 192, 4), (100, 300, 1)):
        got = call(lora_parameters, d_in, d_out, rank)
        expected = rank * (d_in + d_out)
        if got == d_in * d_out:
            return "ch06.q1.full"
        if got != expected:
            return "ch06.q1.wrong", dict(d_in=d_in, d_out=d_out, rank=rank, expected=expected, got=got)
    return None


q1 = Task("ch06.q1", _check_q1, hint={
    "de": "A hat r Zeilen und d_in Spalten, B hat d_out Zeilen und r Spalten. Zähle beide zusammen.",
    "en": "A has r rows and d_in columns, B has d_out rows and r columns. Add both up.",
}, solution="""
def lora_parameters(d_in, d_out, rank):
    return rank * d_in + d_out * rank
""")

# --- q2: count what trains ----------------------------------------------------------------------


def _toy_model():
    import torch

    model = torch.nn.Sequential(torch.nn.Linear(10, 20), torch.nn.Linear(20, 3))
    for p in model[0].parameters():
        p.requires_grad_(False)
    return model


def _check_q2(count_trainable):
    model = _toy_model()
    got = call(count_trainable, model)
    expected = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if got == sum(p.numel() for p in model.parameters()):
        return "ch06.q2.all"
    if got == sum(1 for p in model.parameters() if p.requires_grad):
        return "ch06.q2.tensors"
    if got != expected:
        return "ch06.q2.wrong", dict(expected=expected, got=got)
    return None


q2 = Task("ch06.q2", _check_q2, hint={
    "de": "Gehe über model.parameters(). Zähle p.numel() nur, wenn p.requires_grad wahr ist.",
    "en": "Loop over model.parameters(). Add p.numel() only when p.requires_grad is set.",
}, solution="""
def count_trainable(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
""")

# --- q3: an honest split ------------------------------------------------------------------------


def _check_q3(split_heldout):
    texts = [f"Rede {i}" for i in range(20)]
    for fraction in (0.1, 0.25):
        got = call(split_heldout, list(texts), fraction)
        train, heldout = got
        expected = round(len(texts) * fraction)
        if set(train) & set(heldout):
            return "ch06.q3.overlap"
        if len(heldout) != expected:
            return "ch06.q3.size", dict(n=len(texts), fraction=fraction, expected=expected, got=len(heldout))
        if list(train) != texts[: len(texts) - expected] or list(heldout) != texts[len(texts) - expected:]:
            return "ch06.q3.shuffled"
    return None


q3 = Task("ch06.q3", _check_q3, hint={
    "de": "Berechne, wie viele Texte zum Test gehören: round(len(texts) * fraction). Dann teilen mit texts[:cut] und texts[cut:].",
    "en": "Work out how many texts go to the test: round(len(texts) * fraction). Then split with texts[:cut] and texts[cut:].",
}, solution="""
def split_heldout(texts, fraction):
    cut = len(texts) - round(len(texts) * fraction)
    return texts[:cut], texts[cut:]
""")

# --- q4: how much better in perplexity? ---------------------------------------------------------


def _check_q4(improvement):
    for before, after in ((3.0, 2.5), (4.6, 4.2)):
        got = call(improvement, before, after)
        expected = (math.exp(before) - math.exp(after)) / math.exp(before)
        if not isinstance(got, (int, float)):
            return "ch06.q4.wrong", dict(before=before, after=after, expected=expected, got=got)
        if math.isclose(got, expected, rel_tol=1e-6):
            continue
        if math.isclose(got, -expected, rel_tol=1e-6):
            return "ch06.q4.sign"
        if math.isclose(abs(got), abs((before - after) / before), rel_tol=1e-6):
            return "ch06.q4.loss"
        return "ch06.q4.wrong", dict(before=before, after=after, expected=expected, got=got)
    return None


q4 = Task("ch06.q4", _check_q4, hint={
    "de": "Perplexität = math.exp(Verlust). Verbesserung = (vorher − nachher) / vorher, mit den Perplexitäten gerechnet.",
    "en": "Perplexity = math.exp(loss). Improvement = (before − after) / before, computed with the perplexities.",
}, solution="""
def improvement(loss_before, loss_after):
    before, after = math.exp(loss_before), math.exp(loss_after)
    return (before - after) / before
""")

"""Chapter 6 tasks: LoRA's parameter count, counting what trains, an honest split, and the improvement in perplexity."""
from __future__ import annotations

import math

from ..checks import Task, call


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


q1 = Task("ch06.q1", _check_q1)

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


q2 = Task("ch06.q2", _check_q2)

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


q3 = Task("ch06.q3", _check_q3)

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


q4 = Task("ch06.q4", _check_q4)

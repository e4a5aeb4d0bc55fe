"""Chapter 6 tasks. Base level (no code writing): change LoRA's rank in a cell and watch the count, read a table of
losses for the sign of learning by heart. Code: LoRA's parameter count, counting what trains, an honest split.
Challenge: the improvement in perplexity from two losses."""
from __future__ import annotations

import math

from ..checks import call, letter as _letter, Task
from ..i18n import num


# --- q1 (base): twice the rank, how many numbers? ----------------------------------------------------------

def _check_q1(answer):
    return {"a": None, "b": "ch06.q1.square", "c": "ch06.q1.same"}.get(_letter(answer), "ch06.q1.invalid")


q1 = Task("ch06.q1", _check_q1, level="base")


# --- q2 (base): what does the table of losses show? -----------------------------------------------------------

def _check_q2(answer):
    return {"b": None, "a": "ch06.q2.practice", "c": "ch06.q2.broken"}.get(_letter(answer), "ch06.q2.invalid")


q2 = Task("ch06.q2", _check_q2, level="base")


# --- q3: how many numbers does LoRA train for one matrix? --------------------------------------------------

def _check_q3(lora_parameters):
    for d_in, d_out, rank in ((576, 192, 4), (576, 576, 8), (100, 300, 1)):  # not square first: d_in and d_out differ
        got = call(lora_parameters, d_in, d_out, rank)
        expected = rank * (d_in + d_out)
        if got == expected:
            continue
        if got == d_in * d_out:
            return "ch06.q3.full"
        if got in (rank * d_in, rank * d_out):
            return "ch06.q3.one_matrix"
        if got in (2 * rank * d_in, 2 * rank * d_out):
            return "ch06.q3.square"
        if got == (rank * d_in) * (d_out * rank):
            return "ch06.q3.product"
        return "ch06.q3.wrong", dict(d_in=d_in, d_out=d_out, rank=rank, expected=num(expected),
                                     got=num(got) if isinstance(got, (int, float)) else repr(got))
    return None


q3 = Task("ch06.q3", _check_q3)


# --- q4: count what trains ----------------------------------------------------------------------------------

def _toy_models():
    import torch

    first = torch.nn.Sequential(torch.nn.Linear(10, 20), torch.nn.Linear(20, 3))
    for p in first[0].parameters():
        p.requires_grad_(False)
    second = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Linear(6, 6), torch.nn.Linear(6, 2))
    second[1].weight.requires_grad_(False)  # a frozen weight next to its trainable bias
    return first, second


def _check_q4(count_trainable):
    for model in _toy_models():
        got = call(count_trainable, model)
        expected = sum(p.numel() for p in model.parameters() if p.requires_grad)
        if got == expected:
            continue
        if got == sum(p.numel() for p in model.parameters()):
            return "ch06.q4.all"
        if got == sum(p.numel() for p in model.parameters() if not p.requires_grad):
            return "ch06.q4.frozen"
        if got == sum(1 for p in model.parameters() if p.requires_grad):
            return "ch06.q4.tensors"
        return "ch06.q4.wrong", dict(expected=num(expected), got=num(got) if isinstance(got, (int, float)) else repr(got))
    return None


q4 = Task("ch06.q4", _check_q4)


# --- q5: an honest split --------------------------------------------------------------------------------------

def _check_q5(split_heldout):
    texts = [f"Rede {i}" for i in range(20)]
    for fraction in (0.1, 0.25):
        got = call(split_heldout, list(texts), fraction)
        if not isinstance(got, (tuple, list)) or len(got) != 2 or not all(isinstance(part, (list, tuple)) for part in got):
            return "ch06.q5.not_pair"
        train, heldout = got
        expected = round(len(texts) * fraction)
        if set(train) & set(heldout):
            return "ch06.q5.overlap"
        if len(train) == expected and len(heldout) == len(texts) - expected:
            return "ch06.q5.swapped"
        if len(heldout) != expected:
            return "ch06.q5.size", dict(n=len(texts), fraction=num(fraction, 2), expected=expected, got=len(heldout))
        if list(train) != texts[: len(texts) - expected] or list(heldout) != texts[len(texts) - expected:]:
            return "ch06.q5.shuffled"
    return None


q5 = Task("ch06.q5", _check_q5)


# --- q6 (challenge): how much better in perplexity? -------------------------------------------------------------

def _check_q6(improvement):
    for before, after in ((3.0, 2.5), (4.6, 4.2)):
        got = call(improvement, before, after)
        expected = (math.exp(before) - math.exp(after)) / math.exp(before)
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return "ch06.q6.not_number", dict(got=repr(got))
        if math.isclose(got, expected, rel_tol=1e-6):
            continue
        if math.isclose(got, -expected, rel_tol=1e-6):
            return "ch06.q6.sign"
        if math.isclose(got, 100 * expected, rel_tol=1e-6):
            return "ch06.q6.percent"
        if math.isclose(abs(got), abs((before - after) / before), rel_tol=1e-6):
            return "ch06.q6.loss"
        if math.isclose(got, (math.exp(before) - math.exp(after)) / math.exp(after), rel_tol=1e-6):
            return "ch06.q6.after"
        return "ch06.q6.wrong", dict(before=num(before, 1), after=num(after, 1), expected=num(expected, 4),
                                     got=num(got, 4))
    return None


q6 = Task("ch06.q6", _check_q6, level="challenge")

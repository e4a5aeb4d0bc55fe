"""Chapter 7 tasks: mean pooling, the guessing baseline, selectivity, and the best layer."""
from __future__ import annotations

from ..checks import Task, call


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


q1 = Task("ch07.q1", _check_q1)

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


q2 = Task("ch07.q2", _check_q2)

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


q3 = Task("ch07.q3", _check_q3)

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


q4 = Task("ch07.q4", _check_q4)

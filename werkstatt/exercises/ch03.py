"""Chapter 3 tasks. Base level (no code writing): predict how many places a causal mask allows, work out attention
weights by hand. Code: the causal mask, softmax per row, averaging the past.
Challenge: masked self-attention as one function."""
from __future__ import annotations

import math

import numpy as np
import torch

from ..checks import Task, call


def _as_tensor(value) -> torch.Tensor:
    return torch.as_tensor(np.asarray(value, dtype=float) if not isinstance(value, torch.Tensor) else value).double()


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and torch.allclose(a, b.double(), atol=1e-5)


# --- q1 (base): how many places may the tokens look at? ---------------------------------------------

Q1_TOKENS = 5


def _check_q1(answer):
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return "ch03.q1.invalid"
    n = Q1_TOKENS
    return {n * (n + 1) // 2: None, n * n: "ch03.q1.everything", n * (n - 1) // 2: "ch03.q1.no_diagonal",
            n: "ch03.q1.only_itself"}.get(value, "ch03.q1.wrong")


q1 = Task("ch03.q1", _check_q1, level="base")


# --- q2 (base): attention weights by hand -----------------------------------------------------------------

Q2_SCORES = [2.0, 1.0, 0.0, 5.0]  # the scores of the third token for tokens 1 to 4


def _near(values, expected, tolerance=0.011) -> bool:
    return all(abs(a - b) < tolerance for a, b in zip(values, expected))


def _check_q2(weights):
    try:
        values = [float(w) for w in np.asarray(weights, dtype=float).ravel()]
    except (TypeError, ValueError):
        return "ch03.q2.length"
    if len(values) != 4:
        return "ch03.q2.length"
    allowed = np.exp(Q2_SCORES[:3])
    expected = list(allowed / allowed.sum()) + [0.0]
    if _near(values, expected):
        return None
    if _near(values, [100 * w for w in expected], 1.1):
        return "ch03.q2.percent"
    if _near(values, np.exp(Q2_SCORES) / np.exp(Q2_SCORES).sum()):
        return "ch03.q2.future"
    if _near(values, [s / sum(Q2_SCORES[:3]) for s in Q2_SCORES[:3]] + [0.0]):
        return "ch03.q2.no_exp"
    return "ch03.q2.wrong"


q2 = Task("ch03.q2", _check_q2, level="base")


# --- q3: the causal mask ----------------------------------------------------------------------------

def _check_q3(causal_mask):
    for n in (1, 3, 5):
        got = _as_tensor(call(causal_mask, n))
        expected = torch.tril(torch.ones(n, n, dtype=torch.float64))
        if got.shape != expected.shape:
            return "ch03.shape"
        if torch.equal(got != 0, expected != 0):
            continue
        if torch.equal(got != 0, torch.triu(torch.ones(n, n)) != 0):
            return "ch03.q3.upper"
        if bool((got != 0).all()):
            return "ch03.q3.ones"
        if torch.equal(got != 0, torch.tril(torch.ones(n, n), diagonal=-1) != 0):
            return "ch03.q3.no_diagonal"
        return "ch03.q3.wrong"
    return None


q3 = Task("ch03.q3", _check_q3)


# --- q4: softmax per row ------------------------------------------------------------------------------

_Q4_SCORES = torch.tensor([[2.0, float("-inf"), float("-inf")], [1.0, 3.0, float("-inf")], [0.5, -1.0, 2.0]])
_Q4_FINITE = torch.tensor([[1.0, 2.0, 3.0], [2.0, -1.0, 0.5]])
_Q4_BIG = torch.tensor([[10.0, 20.0], [-3.0, 4.0]])  # big numbers and a negative one, without −∞


def _check_q4(softmax_rows):
    for scores in (_Q4_SCORES, _Q4_BIG, _Q4_FINITE):
        got = _as_tensor(call(softmax_rows, scores.clone()))
        if got.shape != scores.shape:
            return "ch03.shape"
        if _close(got, torch.softmax(scores, dim=-1)):
            continue
        got_finite = _as_tensor(call(softmax_rows, _Q4_FINITE.clone()))
        if _close(got_finite, _Q4_FINITE / _Q4_FINITE.sum(dim=-1, keepdim=True)):
            return "ch03.q4.no_exp"
        if _close(got_finite, torch.softmax(_Q4_FINITE, dim=0)):
            return "ch03.q4.columns"
        if _close(got_finite, torch.exp(_Q4_FINITE) / torch.exp(_Q4_FINITE).sum()):
            return "ch03.q4.whole"
        return "ch03.q4.wrong"
    return None


q4 = Task("ch03.q4", _check_q4)


# --- q5: average the past ------------------------------------------------------------------------------

_Q5_EXAMPLES = (torch.tensor([[1.0, 2.0], [3.0, 0.0], [5.0, -2.0], [-1.0, 4.0]]), torch.tensor([[2.0], [4.0], [9.0]]))


def _check_q5(average_past):
    for x in _Q5_EXAMPLES:
        got = _as_tensor(call(average_past, x.clone()))
        expected = torch.cumsum(x, dim=0) / torch.arange(1, len(x) + 1).unsqueeze(1)
        if got.shape != x.shape:
            return "ch03.shape"
        if _close(got, expected):
            continue
        if _close(got, x):
            return "ch03.q5.unchanged"
        if _close(got, x.mean(dim=0).expand_as(x)):
            return "ch03.q5.global"
        if _close(got, torch.cumsum(x, dim=0)):
            return "ch03.q5.sum"
        return "ch03.q5.wrong"
    return None


q5 = Task("ch03.q5", _check_q5)


# --- q6 (challenge): masked self-attention in one function ---------------------------------------------------

def _reference_attention(q, k, v, scale=True, mask=True, values=True):
    scores = q @ k.T
    if scale:
        scores = scores / math.sqrt(q.shape[-1])
    if mask:
        scores = scores.masked_fill(~torch.tril(torch.ones(len(q), len(q), dtype=torch.bool)), float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v if values else weights


def _check_q6(causal_attention):
    generator = torch.Generator().manual_seed(3)
    square = [torch.randn(4, 4, generator=generator, dtype=torch.float64) * 2 for _ in range(3)]
    wide = [torch.randn(3, 2, generator=generator, dtype=torch.float64) * 2 for _ in range(2)] + \
        [torch.randn(3, 5, generator=generator, dtype=torch.float64)]  # V may have another width than Q and K
    for q, k, v in (square, wide):
        got = _as_tensor(call(causal_attention, q.clone(), k.clone(), v.clone()))
        if _close(got, _reference_attention(q, k, v)):
            continue
        if _close(got, _reference_attention(q, k, v, values=False)):
            return "ch03.q6.no_values"
        if got.shape != v.shape:
            return "ch03.shape"
        if _close(got, _reference_attention(q, k, v, mask=False)) or \
                _close(got, _reference_attention(q, k, v, scale=False, mask=False)):
            return "ch03.q6.no_mask"
        if _close(got, _reference_attention(q, k, v, scale=False)):
            return "ch03.q6.no_scale"
        return "ch03.q6.wrong"
    return None


q6 = Task("ch03.q6", _check_q6, level="challenge")

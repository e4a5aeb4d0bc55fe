"""Chapter 3 tasks: the causal mask, softmax per row, averaging the past, attention weights by hand,
and masked self-attention as one function."""
from __future__ import annotations

import math

import numpy as np
import torch

from ..checks import Task, call


def _as_tensor(value) -> torch.Tensor:
    return torch.as_tensor(np.asarray(value, dtype=float) if not isinstance(value, torch.Tensor) else value).double()


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.shape == b.shape and torch.allclose(a, b.double(), atol=1e-5)


# --- q1: the causal mask ----------------------------------------------------------------------------

def _check_q1(causal_mask):
    for n in (1, 3, 5):
        got = _as_tensor(call(causal_mask, n))
        expected = torch.tril(torch.ones(n, n, dtype=torch.float64))
        if got.shape != expected.shape:
            return "ch03.shape"
        if torch.equal(got != 0, expected != 0):
            continue
        if torch.equal(got != 0, torch.triu(torch.ones(n, n)) != 0):
            return "ch03.q1.upper"
        if bool((got != 0).all()):
            return "ch03.q1.ones"
        if torch.equal(got != 0, torch.tril(torch.ones(n, n), diagonal=-1) != 0):
            return "ch03.q1.no_diagonal"
        return "ch03.q1.wrong"
    return None


q1 = Task("ch03.q1", _check_q1)


# --- q2: softmax per row ------------------------------------------------------------------------------

_Q2_SCORES = torch.tensor([[2.0, float("-inf"), float("-inf")], [1.0, 3.0, float("-inf")], [0.5, -1.0, 2.0]])


def _check_q2(softmax_rows):
    scores = _Q2_SCORES.clone()
    got = _as_tensor(call(softmax_rows, scores.clone()))
    if got.shape != scores.shape:
        return "ch03.shape"
    if _close(got, torch.softmax(scores, dim=-1)):
        # a second example without −∞ and with big numbers
        big = torch.tensor([[10.0, 20.0], [-3.0, 4.0]])
        return None if _close(_as_tensor(call(softmax_rows, big.clone())), torch.softmax(big, dim=-1)) \
            else "ch03.q2.wrong"
    finite = torch.tensor([[1.0, 2.0, 3.0], [2.0, -1.0, 0.5]])
    got_finite = _as_tensor(call(softmax_rows, finite.clone()))
    if _close(got_finite, finite / finite.sum(dim=-1, keepdim=True)):
        return "ch03.q2.no_exp"
    if _close(got_finite, torch.softmax(finite, dim=0)):
        return "ch03.q2.columns"
    return "ch03.q2.wrong"


q2 = Task("ch03.q2", _check_q2)


# --- q3: average the past ------------------------------------------------------------------------------

def _check_q3(average_past):
    x = torch.tensor([[1.0, 2.0], [3.0, 0.0], [5.0, -2.0], [-1.0, 4.0]])
    got = _as_tensor(call(average_past, x.clone()))
    expected = torch.cumsum(x, dim=0) / torch.arange(1, 5).unsqueeze(1)
    if got.shape != x.shape:
        return "ch03.shape"
    if _close(got, expected):
        return None
    if _close(got, x.mean(dim=0).expand_as(x)):
        return "ch03.q3.global"
    if _close(got, torch.cumsum(x, dim=0)):
        return "ch03.q3.sum"
    return "ch03.q3.wrong"


q3 = Task("ch03.q3", _check_q3)


# --- q4: attention weights by hand --------------------------------------------------------------------

Q4_SCORES = [2.0, 1.0, 0.0, 5.0]  # the scores of the third token for tokens 1 to 4


def _check_q4(weights):
    values = [float(w) for w in np.asarray(weights, dtype=float).ravel()]
    if len(values) != 4:
        return "ch03.q4.length"
    allowed = np.exp(Q4_SCORES[:3])
    expected = list(allowed / allowed.sum()) + [0.0]
    if all(abs(a - b) < 0.011 for a, b in zip(values, expected)):
        return None
    unmasked = np.exp(Q4_SCORES) / np.exp(Q4_SCORES).sum()
    if all(abs(a - b) < 0.011 for a, b in zip(values, unmasked)):
        return "ch03.q4.future"
    return "ch03.q4.wrong"


q4 = Task("ch03.q4", _check_q4)


# --- q5: masked self-attention in one function ------------------------------------------------------------

def _reference_attention(q, k, v, scale=True, mask=True):
    scores = q @ k.T
    if scale:
        scores = scores / math.sqrt(q.shape[-1])
    if mask:
        scores = scores.masked_fill(~torch.tril(torch.ones(len(q), len(q), dtype=torch.bool)), float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def _check_q5(causal_attention):
    generator = torch.Generator().manual_seed(3)
    q, k, v = (torch.randn(4, 4, generator=generator, dtype=torch.float64) * 2 for _ in range(3))
    got = _as_tensor(call(causal_attention, q.clone(), k.clone(), v.clone()))
    if got.shape != v.shape:
        return "ch03.shape"
    if _close(got, _reference_attention(q, k, v)):
        return None
    if _close(got, _reference_attention(q, k, v, mask=False)) or _close(got, _reference_attention(q, k, v, False, False)):
        return "ch03.q5.no_mask"
    if _close(got, _reference_attention(q, k, v, scale=False)):
        return "ch03.q5.no_scale"
    return "ch03.q5.wrong"


q5 = Task("ch03.q5", _check_q5)

"""Chapter 4 tasks: inputs and targets, the causal mask, attention weights, counting parameters, temperature."""
from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from ..checks import Task, call


def _as_list(values) -> list:
    return values.tolist() if isinstance(values, torch.Tensor) else list(values)


# --- q1: inputs and targets --------------------------------------------------------------------

def _check_q1(inputs_and_targets):
    ids = [7, 3, 9, 1, 4, 4, 8, 2, 6, 5, 0, 3]
    for start, context in ((0, 4), (3, 5), (6, 5)):
        got = call(inputs_and_targets, list(ids), start, context)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return "ch04.q1.not_pair"
        got_x, got_y = _as_list(got[0]), _as_list(got[1])
        x, y = ids[start:start + context], ids[start + 1:start + context + 1]
        if len(got_x) != context or len(got_y) != context:
            return "ch04.q1.length", dict(context=context, got_x=len(got_x), got_y=len(got_y))
        if got_x == got_y:
            return "ch04.q1.no_shift"
        if (got_x, got_y) != (x, y):
            return "ch04.q1.wrong", dict(start=start, x=x, y=y, got_x=got_x, got_y=got_y)
    return None


q1 = Task("ch04.q1", _check_q1)


# --- q2: the causal mask -----------------------------------------------------------------------

def _check_q2(causal_mask):
    for size in (1, 4, 6):
        got = torch.as_tensor(call(causal_mask, size))
        if tuple(got.shape) != (size, size):
            return "ch04.q2.shape", dict(size=size, shape=tuple(got.shape))
        got = got.bool()
        expected = torch.tril(torch.ones(size, size, dtype=torch.bool))
        if torch.equal(got, expected):
            continue
        if (got & ~expected).any():
            return "ch04.q2.future"
        if torch.equal(got, expected & ~torch.eye(size, dtype=torch.bool)):
            return "ch04.q2.diagonal"
        return "ch04.q2.wrong"
    return None


q2 = Task("ch04.q2", _check_q2)


# --- q3: attention weights ---------------------------------------------------------------------

def _reference_weights(q, k, scale=True, mask=True):
    scores = q @ k.transpose(-2, -1)
    if scale:
        scores = scores / math.sqrt(q.shape[-1])
    if mask:
        T = q.shape[-2]
        scores = scores.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1), float("-inf"))
    return F.softmax(scores, dim=-1)


def _check_q3(attention_weights):
    generator = torch.Generator().manual_seed(4)
    q, k = torch.randn(5, 16, generator=generator) * 2, torch.randn(5, 16, generator=generator) * 2
    got = torch.as_tensor(call(attention_weights, q.clone(), k.clone())).float()
    if tuple(got.shape) != (5, 5):
        return "ch04.q3.shape", dict(expected=(5, 5), shape=tuple(got.shape))
    if torch.allclose(got, _reference_weights(q, k), atol=1e-5):
        return None
    if not torch.allclose(got.sum(-1), torch.ones(5), atol=1e-4):
        return "ch04.q3.rows"
    if got.triu(diagonal=1).abs().max() > 1e-6:
        return "ch04.q3.future"
    if torch.allclose(got, _reference_weights(q, k, scale=False), atol=1e-5):
        return "ch04.q3.scale"
    return "ch04.q3.wrong"


q3 = Task("ch04.q3", _check_q3)


# --- q4: counting parameters -------------------------------------------------------------------

def _check_q4(count_parameters):
    from ..gpt import GPT, GPTConfig

    for config in (GPTConfig(vocab_size=30, context=8, n_layer=1, n_head=2, n_embd=16),
                   GPTConfig(vocab_size=50, context=16, n_layer=2, n_head=4, n_embd=32)):
        model = GPT(config)
        got = call(count_parameters, model)
        expected = sum(p.numel() for p in model.parameters())
        if got == expected:
            continue
        if got == sum(t.numel() for t in model.state_dict().values()):
            return "ch04.q4.tied"
        return "ch04.q4.wrong", dict(expected=expected, got=got)
    return None


q4 = Task("ch04.q4", _check_q4)


# --- q5: temperature on logits -----------------------------------------------------------------

def _check_q5(temperature_probs):
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    for temperature in (0.5, 2.0):
        got = torch.as_tensor(call(temperature_probs, logits.clone(), temperature)).float()
        expected = F.softmax(logits / temperature, dim=-1)
        if torch.allclose(got, expected, atol=1e-5):
            continue
        if not math.isclose(float(got.sum()), 1.0, rel_tol=1e-4):
            return "ch04.q5.sum", dict(total=float(got.sum()))
        if torch.allclose(got, F.softmax(logits * temperature, dim=-1), atol=1e-5):
            return "ch04.q5.multiplied"
        return "ch04.q5.wrong", dict(temperature=temperature, expected=[round(v, 3) for v in expected.tolist()],
                                     got=[round(v, 3) for v in got.tolist()])
    return None


q5 = Task("ch04.q5", _check_q5)

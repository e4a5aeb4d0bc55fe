"""Chapter 4 tasks. Base level (no code writing): how many predictions one training step practises, what doubling
the width does to the number of parameters. Code: inputs and targets, the causal mask, counting parameters,
temperature on logits. Challenge: attention weights with scaling, mask and softmax."""
from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from ..checks import call, letter as _letter, numbers_text as _numbers, Task
from ..i18n import num


def _as_list(values) -> list:
    return values.tolist() if isinstance(values, torch.Tensor) else list(values)


# --- q1 (base): how many predictions does one training step practise? ----------------------------------

Q1_SNIPPETS, Q1_CONTEXT = 16, 64


def _check_q1(answer):
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return "ch04.q1.invalid"
    snippets, context = Q1_SNIPPETS, Q1_CONTEXT
    if value == snippets * context:
        return None
    if value * 1000 == snippets * context:
        return "ch04.q1.thousands"  # 1.024 written the German way is 1.024 in Python
    return {snippets: "ch04.q1.one_per_snippet", context: "ch04.q1.one_snippet",
            snippets * (context - 1): "ch04.q1.minus_one", snippets + context: "ch04.q1.added"}.get(value, "ch04.q1.wrong")


q1 = Task("ch04.q1", _check_q1, level="base")


# --- q2 (base): twice as wide, how many parameters? -----------------------------------------------------

def _check_q2(answer):
    return {"b": None, "a": "ch04.q2.double", "c": "ch04.q2.same"}.get(_letter(answer), "ch04.q2.invalid")


q2 = Task("ch04.q2", _check_q2, level="base")


# --- q3: inputs and targets --------------------------------------------------------------------------------

def _check_q3(inputs_and_targets):
    ids = [7, 3, 9, 1, 4, 4, 8, 2, 6, 5, 0, 3]
    for start, context in ((3, 5), (0, 4), (6, 5)):  # the middle first: a slice shifted backwards shows there
        got = call(inputs_and_targets, list(ids), start, context)
        if not isinstance(got, (tuple, list)) or len(got) != 2 or not all(isinstance(part, (list, tuple, torch.Tensor))
                                                                        for part in got):
            return "ch04.q3.not_pair"
        got_x, got_y = _as_list(got[0]), _as_list(got[1])
        x, y = ids[start:start + context], ids[start + 1:start + context + 1]
        if (got_x, got_y) == (x, y):
            continue
        if len(got_x) != context or len(got_y) != context:
            return "ch04.q3.length", dict(context=context, got_x=len(got_x), got_y=len(got_y))
        if got_x == got_y:
            return "ch04.q3.no_shift"
        return "ch04.q3.wrong", dict(start=start, x=x, y=y, got_x=got_x, got_y=got_y)
    return None


q3 = Task("ch04.q3", _check_q3)


# --- q4: the causal mask -----------------------------------------------------------------------------------

def _check_q4(causal_mask):
    for size in (1, 4, 6):
        got = torch.as_tensor(call(causal_mask, size))
        if tuple(got.shape) != (size, size):
            return "ch04.q4.shape", dict(size=size, shape=tuple(got.shape))
        got = got.bool()
        expected = torch.tril(torch.ones(size, size, dtype=torch.bool))
        if torch.equal(got, expected):
            continue
        if (got & ~expected).any():
            return "ch04.q4.future"
        if torch.equal(got, expected & ~torch.eye(size, dtype=torch.bool)):
            return "ch04.q4.diagonal"
        return "ch04.q4.wrong"
    return None


q4 = Task("ch04.q4", _check_q4)


# --- q5: counting parameters -----------------------------------------------------------------------------

def _check_q5(count_parameters):
    from ..gpt import GPT, GPTConfig

    for config in (GPTConfig(vocab_size=30, context=8, n_layer=1, n_head=2, n_embd=16),
                   GPTConfig(vocab_size=50, context=16, n_layer=2, n_head=4, n_embd=32)):
        model = GPT(config)
        got = call(count_parameters, model)
        expected = sum(p.numel() for p in model.parameters())
        if got == expected:
            continue
        if got == sum(t.numel() for t in model.state_dict().values()):
            return "ch04.q5.tied"
        if got == len(list(model.parameters())):
            return "ch04.q5.tables"
        shown = num(got) if isinstance(got, (int, float)) else repr(got)
        return "ch04.q5.wrong", dict(expected=num(expected), got=shown)
    return None


q5 = Task("ch04.q5", _check_q5)


# --- q6: temperature on logits -------------------------------------------------------------------------------

def _check_q6(temperature_probs):
    logits = torch.tensor([2.0, 1.0, 0.0, -1.0])
    for temperature in (0.5, 2.0):
        got = torch.as_tensor(call(temperature_probs, logits.clone(), temperature)).float()
        expected = F.softmax(logits / temperature, dim=-1)
        if torch.allclose(got, expected, atol=1e-5):
            continue
        if not math.isclose(float(got.sum()), 1.0, rel_tol=1e-4):
            return "ch04.q6.sum", dict(total=num(float(got.sum()), 2))
        if torch.allclose(got, F.softmax(logits * temperature, dim=-1), atol=1e-5):
            return "ch04.q6.multiplied"
        if torch.allclose(got, F.softmax(logits, dim=-1), atol=1e-5):
            return "ch04.q6.ignored"
        return "ch04.q6.wrong", dict(temperature=num(temperature, 1), expected=_numbers(expected.tolist()),
                                     got=_numbers(got.ravel().tolist()))
    return None


q6 = Task("ch04.q6", _check_q6)


# --- q7 (challenge): attention weights ---------------------------------------------------------------------------

def _reference_weights(q, k, scale=True, mask=True):
    scores = q @ k.transpose(-2, -1)
    if scale:
        scores = scores / math.sqrt(q.shape[-1])
    if mask:
        T = q.shape[-2]
        scores = scores.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1), float("-inf"))
    return F.softmax(scores, dim=-1)


def _check_q7(attention_weights):
    generator = torch.Generator().manual_seed(4)
    for T, d in ((5, 16), (3, 4)):
        q, k = torch.randn(T, d, generator=generator) * 2, torch.randn(T, d, generator=generator) * 2
        got = torch.as_tensor(call(attention_weights, q.clone(), k.clone())).float()
        if tuple(got.shape) != (T, T):
            return "ch04.q7.shape", dict(expected=(T, T), shape=tuple(got.shape))
        if torch.allclose(got, _reference_weights(q, k), atol=1e-5):
            continue
        if not torch.allclose(got.sum(-1), torch.ones(T), atol=1e-4):
            return "ch04.q7.rows"
        if got.triu(diagonal=1).abs().max() > 1e-6:
            return "ch04.q7.future"
        if torch.allclose(got, _reference_weights(q, k, scale=False), atol=1e-5):
            return "ch04.q7.scale"
        return "ch04.q7.wrong"
    return None


q7 = Task("ch04.q7", _check_q7, level="challenge")

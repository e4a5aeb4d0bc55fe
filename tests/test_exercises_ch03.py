"""Chapter 3 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from werkstatt import i18n
from werkstatt.checks import Status
from werkstatt.exercises import ch03

from exercise_support import language, reference  # noqa: F401  (language: both editions)


def test_q1_causal_mask():
    assert ch03.q1.evaluate(reference(ch03.q1)["causal_mask"]).ok
    assert ch03.q1.evaluate(lambda n: torch.tril(torch.ones(n, n, dtype=torch.bool))).ok  # booleans are fine
    assert ch03.q1.evaluate(lambda n: None).status is Status.UNATTEMPTED
    upper = ch03.q1.evaluate(lambda n: torch.triu(torch.ones(n, n)))
    assert upper.status is Status.WRONG and i18n.msg("ch03.q1.upper") in upper.message
    assert ch03.q1.evaluate(lambda n: torch.ones(n, n)).status is Status.WRONG
    assert ch03.q1.evaluate(lambda n: torch.tril(torch.ones(n, n), diagonal=-1)).status is Status.WRONG


def test_q2_softmax_rows():
    assert ch03.q2.evaluate(reference(ch03.q2)["softmax_rows"]).ok
    assert ch03.q2.evaluate(lambda s: torch.softmax(s, dim=-1)).ok
    assert ch03.q2.evaluate(lambda s: None).status is Status.UNATTEMPTED
    assert ch03.q2.evaluate(lambda s: s / s.sum(dim=-1, keepdim=True)).status is Status.WRONG
    columns = ch03.q2.evaluate(lambda s: torch.softmax(s, dim=0))
    assert columns.status is Status.WRONG


def test_q3_average_past():
    assert ch03.q3.evaluate(reference(ch03.q3)["average_past"]).ok
    assert ch03.q3.evaluate(lambda x: ...).status is Status.UNATTEMPTED
    overall = ch03.q3.evaluate(lambda x: x.mean(dim=0).expand_as(x))
    assert overall.status is Status.WRONG and i18n.msg("ch03.q3.global") in overall.message
    assert ch03.q3.evaluate(lambda x: torch.cumsum(x, dim=0)).status is Status.WRONG


def test_q4_weights_by_hand():
    assert ch03.q4.evaluate(reference(ch03.q4)["weights_q4"]).ok
    assert ch03.q4.evaluate(None).status is Status.UNATTEMPTED
    everything = list(np.exp(ch03.Q4_SCORES) / np.exp(ch03.Q4_SCORES).sum())
    future = ch03.q4.evaluate(everything)
    assert future.status is Status.WRONG and i18n.msg("ch03.q4.future") in future.message
    assert ch03.q4.evaluate([2 / 3, 1 / 3, 0.0, 0.0]).status is Status.WRONG  # no exp
    assert ch03.q4.evaluate([0.5, 0.5]).status is Status.WRONG


def test_q5_causal_attention():
    solution = reference(ch03.q5)["causal_attention"]
    assert ch03.q5.evaluate(solution).ok
    assert ch03.q5.evaluate(lambda q, k, v: None).status is Status.UNATTEMPTED
    no_mask = ch03.q5.evaluate(lambda q, k, v: torch.softmax(q @ k.T / math.sqrt(q.shape[-1]), dim=-1) @ v)
    assert no_mask.status is Status.WRONG and i18n.msg("ch03.q5.no_mask") in no_mask.message

    def no_scale(q, k, v):
        scores = (q @ k.T).masked_fill(~torch.tril(torch.ones(len(q), len(q), dtype=torch.bool)), float("-inf"))
        return torch.softmax(scores, dim=-1) @ v

    unscaled = ch03.q5.evaluate(no_scale)
    assert unscaled.status is Status.WRONG and i18n.msg("ch03.q5.no_scale") in unscaled.message


def test_notebook_attention_matches_pytorch():
    from werkstatt.attention import attention, average_past, causal_mask

    generator = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 5, 4, generator=generator) for _ in range(3))
    ours, weights = attention(q, k, v)
    builtin = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
    assert torch.allclose(ours, builtin, atol=1e-5)
    assert torch.allclose(weights.sum(-1), torch.ones(2, 3, 5))
    assert (weights[..., ~causal_mask(5)] == 0).all()
    x = torch.randn(5, 3, generator=generator)
    assert torch.allclose(average_past(x)[2], x[:3].mean(dim=0))


def test_char_model_refuses_unknown_characters_with_a_message():
    from werkstatt.attention import CharAttentionModel
    from werkstatt.errors import WerkstattError

    model = CharAttentionModel(list("abc "), d_model=8, n_heads=2, block=8)
    assert model.head_weights("ab ca").shape == (2, 5, 5)
    with pytest.raises(WerkstattError, match="'x'"):
        model.head_weights("abx")
    with pytest.raises(WerkstattError):
        model.head_weights("abcabcabca")  # longer than the block

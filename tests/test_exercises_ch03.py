"""Chapter 3 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail with a fitting hint."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from werkstatt.checks import Status
from werkstatt.exercises import ch03

from exercise_support import assert_rejected, language, reference  # noqa: F401  (language: both editions)


def _tril(n):
    return torch.tril(torch.ones(n, n, dtype=torch.bool))


def _no_scale(q, k, v):
    scores = (q @ k.T).masked_fill(~_tril(len(q)), float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def _weights_only(q, k, v):
    scores = (q @ k.T / math.sqrt(q.shape[-1])).masked_fill(~_tril(len(q)), float("-inf"))
    return torch.softmax(scores, dim=-1)


def _mask_the_past(q, k, v):
    scores = (q @ k.T / math.sqrt(q.shape[-1])).masked_fill(_tril(len(q)), float("-inf"))
    return torch.nan_to_num(torch.softmax(scores, dim=-1)) @ v


_EVERYTHING = list(np.exp(ch03.Q2_SCORES) / np.exp(ch03.Q2_SCORES).sum())

# Plausible mistakes, each with the hint it must get (tests/test_exercise_checks_catch_mistakes.py runs them).
WRONG_ANSWERS = {
    "ch03.q1": [(25, "ch03.q1.everything"), (10, "ch03.q1.no_diagonal"), (5, "ch03.q1.only_itself"),
                (12, "ch03.q1.wrong"), ("fünfzehn", "ch03.q1.invalid")],
    "ch03.q2": [(_EVERYTHING, "ch03.q2.future"), ([2 / 3, 1 / 3, 0.0, 0.0], "ch03.q2.no_exp"),
                ([67, 24, 9, 0], "ch03.q2.percent"), ([0.5, 0.5], "ch03.q2.length"),
                ([1 / 3, 1 / 3, 1 / 3, 0.0], "ch03.q2.wrong")],
    "ch03.q3": [(lambda n: torch.triu(torch.ones(n, n)), "ch03.q3.upper"), (lambda n: torch.ones(n, n), "ch03.q3.ones"),
                (lambda n: torch.tril(torch.ones(n, n), diagonal=-1), "ch03.q3.no_diagonal"),
                (lambda n: torch.eye(n), "ch03.q3.wrong"), (lambda n: torch.ones(n), "ch03.shape")],
    "ch03.q4": [(lambda s: s / s.sum(dim=-1, keepdim=True), "ch03.q4.no_exp"),
                (lambda s: torch.softmax(s, dim=0), "ch03.q4.columns"),
                (lambda s: torch.exp(s) / torch.exp(s).sum(), "ch03.q4.whole"),
                (lambda s: torch.sigmoid(s), "ch03.q4.wrong")],
    "ch03.q5": [(lambda x: x.mean(dim=0).expand_as(x), "ch03.q5.global"), (lambda x: torch.cumsum(x, dim=0), "ch03.q5.sum"),
                (lambda x: x, "ch03.q5.unchanged"), (lambda x: torch.cumsum(x, dim=0) / len(x), "ch03.q5.wrong")],
    "ch03.q6": [(lambda q, k, v: torch.softmax(q @ k.T / math.sqrt(q.shape[-1]), dim=-1) @ v, "ch03.q6.no_mask"),
                (_no_scale, "ch03.q6.no_scale"), (_weights_only, "ch03.q6.no_values"),
                (_mask_the_past, "ch03.q6.wrong")],
}


@pytest.mark.parametrize("task, solution", [(ch03.q1, "answer_q1"), (ch03.q2, "weights_q2"), (ch03.q3, "causal_mask"),
                                            (ch03.q4, "softmax_rows"), (ch03.q5, "average_past"),
                                            (ch03.q6, "causal_attention")])
def test_reference_is_accepted_and_the_stub_is_not_attempted(task, solution):
    assert task.evaluate(reference(task)[solution]).ok
    stub = None if solution.startswith(("answer_", "weights_")) else (lambda *args: None)
    assert task.evaluate(stub).status is Status.UNATTEMPTED


def test_other_correct_forms_are_accepted():
    assert ch03.q1.evaluate(15.0).ok and ch03.q1.evaluate("15").ok
    assert ch03.q2.evaluate((0.665, 0.245, 0.09, 0)).ok
    assert ch03.q3.evaluate(lambda n: torch.tril(torch.ones(n, n, dtype=torch.bool))).ok  # booleans are fine
    assert ch03.q4.evaluate(lambda s: torch.softmax(s, dim=-1)).ok


def test_plausible_mistakes_get_their_hint():
    for name, wrong in WRONG_ANSWERS.items():
        assert_rejected(getattr(ch03, name.split(".")[1]), wrong)


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

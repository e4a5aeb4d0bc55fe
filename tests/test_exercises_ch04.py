"""Chapter 4 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail."""
from __future__ import annotations

import math

import torch
from torch.nn import functional as F

from werkstatt.checks import Status
from werkstatt.exercises import ch04

from exercise_support import language, reference  # noqa: F401  (language: both editions)


def test_q1_inputs_and_targets():
    assert ch04.q1.evaluate(reference(ch04.q1)["inputs_and_targets"]).ok
    assert ch04.q1.evaluate(lambda ids, start, context: None).status is Status.UNATTEMPTED
    no_shift = lambda ids, start, context: (ids[start:start + context], ids[start:start + context])  # noqa: E731
    assert ch04.q1.evaluate(no_shift).status is Status.WRONG
    backwards = lambda ids, start, context: (ids[start:start + context], ids[start - 1:start + context - 1])  # noqa: E731
    assert ch04.q1.evaluate(backwards).status is Status.WRONG
    too_long = lambda ids, start, context: (ids[start:start + context + 1], ids[start + 1:start + context + 2])  # noqa: E731
    assert ch04.q1.evaluate(too_long).status is Status.WRONG


def test_q2_causal_mask():
    assert ch04.q2.evaluate(reference(ch04.q2)["causal_mask"]).ok
    assert ch04.q2.evaluate(lambda T: torch.tril(torch.ones(T, T))).ok  # ones and zeros are fine too
    assert ch04.q2.evaluate(lambda T: None).status is Status.UNATTEMPTED
    upper = ch04.q2.evaluate(lambda T: torch.triu(torch.ones(T, T, dtype=torch.bool)))
    assert upper.status is Status.WRONG and ("Zukunft" in upper.message or "future" in upper.message)
    no_diagonal = ch04.q2.evaluate(lambda T: torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=-1))
    assert no_diagonal.status is Status.WRONG and ("Diagonale" in no_diagonal.message or "diagonal" in no_diagonal.message)
    assert ch04.q2.evaluate(lambda T: torch.ones(T, T, dtype=torch.bool)).status is Status.WRONG


def test_q3_attention_weights():
    assert ch04.q3.evaluate(reference(ch04.q3)["attention_weights"]).ok
    assert ch04.q3.evaluate(lambda q, k: None).status is Status.UNATTEMPTED
    no_mask = lambda q, k: F.softmax(q @ k.T / math.sqrt(q.shape[-1]), dim=-1)  # noqa: E731
    assert ch04.q3.evaluate(no_mask).status is Status.WRONG

    def no_scale(q, k):
        T = q.shape[0]
        scores = (q @ k.T).masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
        return F.softmax(scores, dim=-1)

    result = ch04.q3.evaluate(no_scale)
    assert result.status is Status.WRONG and "sqrt" in result.message

    def wrong_axis(q, k):
        T = q.shape[0]
        scores = (q @ k.T / math.sqrt(q.shape[-1])).masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), -1e9)
        return F.softmax(scores, dim=0)

    assert ch04.q3.evaluate(wrong_axis).status is Status.WRONG


def test_q4_count_parameters():
    assert ch04.q4.evaluate(reference(ch04.q4)["count_parameters"]).ok
    assert ch04.q4.evaluate(lambda model: None).status is Status.UNATTEMPTED
    double = ch04.q4.evaluate(lambda model: sum(t.numel() for t in model.state_dict().values()))
    assert double.status is Status.WRONG and "state_dict" in double.message
    weights_only = lambda model: sum(p.numel() for p in model.parameters() if p.dim() == 2)  # noqa: E731
    assert ch04.q4.evaluate(weights_only).status is Status.WRONG


def test_q5_temperature_probs():
    assert ch04.q5.evaluate(reference(ch04.q5)["temperature_probs"]).ok
    assert ch04.q5.evaluate(lambda logits, t: None).status is Status.UNATTEMPTED
    multiplied = ch04.q5.evaluate(lambda logits, t: F.softmax(logits * t, dim=-1))
    assert multiplied.status is Status.WRONG and ("TEILT" in multiplied.message or "DIVIDES" in multiplied.message)
    assert ch04.q5.evaluate(lambda logits, t: logits / t).status is Status.WRONG
    assert ch04.q5.evaluate(lambda logits, t: F.softmax(logits, dim=-1)).status is Status.WRONG

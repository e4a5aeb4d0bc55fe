"""Chapter 6 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail."""
from __future__ import annotations

import math

from werkstatt import i18n
from werkstatt.checks import Status
from werkstatt.exercises import ch06

from exercise_support import language, reference  # noqa: F401  (language: both editions)


def test_q1_lora_parameters():
    assert ch06.q1.evaluate(reference(ch06.q1)["lora_parameters"]).ok
    assert ch06.q1.evaluate(lambda d_in, d_out, r: None).status is Status.UNATTEMPTED
    full = ch06.q1.evaluate(lambda d_in, d_out, r: d_in * d_out)
    assert full.status is Status.WRONG and full.message.endswith(i18n.msg("ch06.q1.full"))
    assert ch06.q1.evaluate(lambda d_in, d_out, r: r * d_in * d_out).status is Status.WRONG


def test_q2_count_trainable():
    assert ch06.q2.evaluate(reference(ch06.q2)["count_trainable"]).ok
    assert ch06.q2.evaluate(lambda model: None).status is Status.UNATTEMPTED
    counts_all = lambda model: sum(p.numel() for p in model.parameters())  # noqa: E731
    assert ch06.q2.evaluate(counts_all).message.endswith(i18n.msg("ch06.q2.all"))
    counts_tensors = lambda model: sum(1 for p in model.parameters() if p.requires_grad)  # noqa: E731
    assert ch06.q2.evaluate(counts_tensors).status is Status.WRONG


def test_q3_split_heldout():
    assert ch06.q3.evaluate(reference(ch06.q3)["split_heldout"]).ok
    assert ch06.q3.evaluate(lambda texts, fraction: None).status is Status.UNATTEMPTED
    same = lambda texts, fraction: (texts, texts[-2:])  # noqa: E731  (tests on training data)
    assert ch06.q3.evaluate(same).message.endswith(i18n.msg("ch06.q3.overlap"))
    first = lambda texts, fraction: (texts[round(len(texts) * fraction):], texts[:round(len(texts) * fraction)])  # noqa: E731
    assert ch06.q3.evaluate(first).status is Status.WRONG


def test_q4_improvement():
    assert ch06.q4.evaluate(reference(ch06.q4)["improvement"]).ok
    assert ch06.q4.evaluate(lambda b, a: ...).status is Status.UNATTEMPTED
    on_losses = ch06.q4.evaluate(lambda b, a: (b - a) / b)
    assert on_losses.message.endswith(i18n.msg("ch06.q4.loss"))
    flipped = ch06.q4.evaluate(lambda b, a: (math.exp(a) - math.exp(b)) / math.exp(b))
    assert flipped.message.endswith(i18n.msg("ch06.q4.sign"))

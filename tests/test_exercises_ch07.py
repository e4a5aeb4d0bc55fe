"""Chapter 7 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail."""
from __future__ import annotations

from werkstatt import i18n
from werkstatt.checks import Status
from werkstatt.exercises import ch07

from exercise_support import language, reference  # noqa: F401  (language: both editions)


def test_q1_mean_pool():
    assert ch07.q1.evaluate(reference(ch07.q1)["mean_pool"]).ok
    assert ch07.q1.evaluate(lambda hidden, mask: None).status is Status.UNATTEMPTED
    ignores_mask = ch07.q1.evaluate(lambda hidden, mask: hidden.mean(dim=1))
    assert ignores_mask.message.endswith(i18n.msg("ch07.q1.padding"))
    assert ch07.q1.evaluate(lambda hidden, mask: hidden.mean(dim=2)).status is Status.WRONG


def test_q2_majority_share():
    assert ch07.q2.evaluate(reference(ch07.q2)["majority_share"]).ok
    assert ch07.q2.evaluate(lambda labels: None).status is Status.UNATTEMPTED
    assert ch07.q2.evaluate(lambda labels: 0.5).message.endswith(i18n.msg("ch07.q2.half"))
    assert ch07.q2.evaluate(lambda labels: 1 / len(set(labels))).status is Status.WRONG


def test_q3_selectivity():
    assert ch07.q3.evaluate(reference(ch07.q3)["selectivity"]).ok
    assert ch07.q3.evaluate(lambda real, control: None).status is Status.UNATTEMPTED
    backwards = ch07.q3.evaluate(lambda real, control: [c - r for r, c in zip(real, control)])
    assert backwards.message.endswith(i18n.msg("ch07.q3.order"))
    assert ch07.q3.evaluate(lambda real, control: real).status is Status.WRONG


def test_q4_best_layer():
    assert ch07.q4.evaluate(reference(ch07.q4)["best_layer"]).ok
    assert ch07.q4.evaluate(lambda real, control: None).status is Status.UNATTEMPTED
    by_accuracy = ch07.q4.evaluate(lambda real, control: max(range(len(real)), key=lambda i: real[i]))
    assert by_accuracy.message.endswith(i18n.msg("ch07.q4.real"))
    assert ch07.q4.evaluate(lambda real, control: 3).status is Status.WRONG

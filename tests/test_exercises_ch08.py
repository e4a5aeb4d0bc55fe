"""Chapter 8 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from werkstatt.checks import Status
from werkstatt.exercises import ch08

from exercise_support import language, reference  # noqa: F401  (language: both editions)


def test_q1_probability_gap():
    assert ch08.q1.evaluate(reference(ch08.q1)["probability_gap"]).ok
    assert ch08.q1.evaluate(lambda logprob, t, a, b: None).status is Status.UNATTEMPTED

    def reversed_sign(logprob, template, a, b):
        before, after = template.split("[X]")
        return logprob(before, b + after) - logprob(before, a + after)

    def ratio(logprob, template, a, b):
        before, after = template.split("[X]")
        return math.exp(logprob(before, a + after) - logprob(before, b + after))

    def word_without_context(logprob, template, a, b):
        return logprob("", a) - logprob("", b)

    for wrong, key in ((reversed_sign, "Vorzeichen|sign"), (ratio, "Verhältnis|ratio"), (word_without_context, "logprob")):
        result = ch08.q1.evaluate(wrong)
        assert result.status is Status.WRONG
        assert re.search(key, result.message)


def test_q2_preference_share():
    assert ch08.q2.evaluate(reference(ch08.q2)["preference_share"]).ok
    assert ch08.q2.evaluate(lambda logprob, a, b: None).status is Status.UNATTEMPTED

    def ties_lost(logprob, sentences_a, sentences_b):
        return np.mean([logprob("", a) > logprob("", b) for a, b in zip(sentences_a, sentences_b)])

    def count(logprob, sentences_a, sentences_b):
        return sum(logprob("", a) > logprob("", b) for a, b in zip(sentences_a, sentences_b)) + 0.5

    def b_wins(logprob, sentences_a, sentences_b):
        return np.mean([logprob("", a) < logprob("", b) for a, b in zip(sentences_a, sentences_b)])

    assert re.search("halb|half", ch08.q2.evaluate(ties_lost).message)
    for wrong in (ties_lost, count, b_wins):
        assert ch08.q2.evaluate(wrong).status is Status.WRONG


def test_q3_effect_size():
    assert ch08.q3.evaluate(reference(ch08.q3)["effect_size"]).ok
    assert ch08.q3.evaluate(lambda X, Y, A, B: None).status is Status.UNATTEMPTED

    def population_sd(X, Y, A, B):
        unit = lambda V: V / np.linalg.norm(V, axis=1, keepdims=True)  # noqa: E731
        X, Y, A, B = unit(X), unit(Y), unit(A), unit(B)
        s = lambda W: (W @ A.T).mean(axis=1) - (W @ B.T).mean(axis=1)  # noqa: E731
        return (s(X).mean() - s(Y).mean()) / np.concatenate([s(X), s(Y)]).std()

    def dot_products(X, Y, A, B):
        s = lambda W: (W @ A.T).mean(axis=1) - (W @ B.T).mean(axis=1)  # noqa: E731
        return (s(X).mean() - s(Y).mean()) / np.concatenate([s(X), s(Y)]).std(ddof=1)

    assert "ddof" in ch08.q3.evaluate(population_sd).message
    assert "np.linalg.norm" in ch08.q3.evaluate(dot_products).message
    assert ch08.q3.evaluate(lambda X, Y, A, B: 0.0).status is Status.WRONG


def test_q4_swap_words():
    assert ch08.q4.evaluate(reference(ch08.q4)["swap_words"]).ok
    assert ch08.q4.evaluate(lambda text, pairs: None).status is Status.UNATTEMPTED

    def one_after_the_other(text, pairs):
        for female, male in pairs:
            text = text.replace(female, male).replace(male, female)
        return text

    def substrings(text, pairs):
        mapping = {w: v for f, m in pairs for w, v in ((f, m), (m, f))}
        return re.sub("|".join(sorted(mapping, key=len, reverse=True)), lambda m: mapping[m.group(0)], text)

    def split_on_spaces(text, pairs):
        mapping = {w: v for f, m in pairs for w, v in ((f, m), (m, f))}
        return " ".join(mapping.get(word, word) for word in text.split(" "))

    assert ch08.q4.evaluate(one_after_the_other).status is Status.WRONG
    assert "\\b" in ch08.q4.evaluate(substrings).message
    assert ch08.q4.evaluate(split_on_spaces).status is Status.WRONG  # "her," keeps its comma and is not swapped


def test_q5_own_templates():
    good = reference(ch08.q5)["my_test"]
    assert ch08.q5.evaluate(good).ok
    assert ch08.q5.evaluate(None).status is Status.UNATTEMPTED
    no_gap = dict(good, templates=["The doctor is here."] + good["templates"][1:])
    assert "[X]" in ch08.q5.evaluate(no_gap).message
    unequal = dict(good, male=good["male"][:-1])
    assert ch08.q5.evaluate(unequal).status is Status.WRONG
    too_few = {key: value[:3] for key, value in good.items()}
    assert "3" in ch08.q5.evaluate(too_few).message
    copied = dict(good, templates=["The nurse said that [X] would be late."] + good["templates"][1:])
    assert ch08.q5.evaluate(copied).status is Status.WRONG
    same = dict(good, male=good["female"][:1] + good["male"][1:])
    assert ch08.q5.evaluate(same).status is Status.WRONG
    assert ch08.q5.evaluate(["[X] is here."] * 5).status is Status.WRONG


def test_measure_draws_own_templates_and_skips_the_stub(capsys):
    import matplotlib

    matplotlib.use("Agg")
    good = reference(ch08.q5)["my_test"]
    fake = lambda prefix, continuation: -len(continuation) * 0.5  # noqa: E731  (the shorter word is more likely)
    estimate = ch08.measure(fake, good)
    gaps = [-0.5 * (len(female) - len(male)) for female, male in zip(good["female"], good["male"])]
    assert estimate.value == pytest.approx(sum(gaps) / len(gaps)) and estimate.value < 0
    assert ch08.measure(fake, None) is None
    assert "my_test" in capsys.readouterr().out
    assert ch08.measure(fake, dict(good, male=good["male"][:2])) is None
    assert "2" in capsys.readouterr().out  # the list lengths are named


def test_q6_meaning_of_fifty_percent():
    assert ch08.q6.evaluate("b").ok
    assert ch08.q6.evaluate(None).status is Status.UNATTEMPTED
    assert ch08.q6.evaluate("a").status is Status.WRONG
    assert ch08.q6.evaluate("maybe").status is Status.WRONG

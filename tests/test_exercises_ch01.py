"""Chapter 1 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail."""
from __future__ import annotations

import math
from collections import Counter

import pytest

from werkstatt.checks import Status
from werkstatt.exercises import ch01

from exercise_support import language, reference  # noqa: F401  (language: both editions)


def test_q1_bigram_counts():
    assert ch01.q1.evaluate(reference(ch01.q1)["bigram_counts"]).ok
    assert ch01.q1.evaluate(lambda text: None).status is Status.UNATTEMPTED
    assert ch01.q1.evaluate(lambda text: Counter(text)).status is Status.WRONG
    assert ch01.q1.evaluate(lambda text: Counter(zip(text, text[2:]))).status is Status.WRONG


def test_q2_next_char_probabilities():
    assert ch01.q2.evaluate(reference(ch01.q2)["next_char_probabilities"]).ok
    assert ch01.q2.evaluate(lambda counts, char: None).status is Status.UNATTEMPTED
    unnormalised = lambda counts, char: {b: n for (a, b), n in counts.items() if a == char}  # noqa: E731
    result = ch01.q2.evaluate(unnormalised)
    assert result.status is Status.WRONG and "4" in result.message
    wrong_row = lambda counts, char: {a: 1.0 for (a, b), n in counts.items() if b == char}  # noqa: E731
    assert ch01.q2.evaluate(wrong_row).status is Status.WRONG


def test_q3_temperature():
    assert ch01.q3.evaluate(reference(ch01.q3)["apply_temperature"]).ok
    assert ch01.q3.evaluate(lambda p, t: ...).status is Status.UNATTEMPTED
    assert ch01.q3.evaluate(lambda p, t: p).status is Status.WRONG
    assert ch01.q3.evaluate(lambda p, t: p ** t / (p ** t).sum()).status is Status.WRONG  # exponent inverted


def test_q4_average_loss():
    assert ch01.q4.evaluate(reference(ch01.q4)["average_loss"]).ok
    assert ch01.q4.evaluate(lambda probability, text: None).status is Status.UNATTEMPTED

    def no_minus(probability, text):
        logs = [math.log(probability(a, b)) for a, b in zip(text, text[1:])]
        return sum(logs) / len(logs)

    def in_bits(probability, text):
        logs = [-math.log2(probability(a, b)) for a, b in zip(text, text[1:])]
        return sum(logs) / len(logs)

    assert ch01.q4.evaluate(no_minus).status is Status.WRONG
    assert ch01.q4.evaluate(in_bits).status is Status.WRONG


def test_q5_misconception():
    namespace = reference(ch01.q5)
    assert ch01.q5.evaluate(namespace["answer_q5"]).ok
    assert ch01.q5.evaluate(None).status is Status.UNATTEMPTED
    assert ch01.q5.evaluate("a").status is Status.WRONG
    assert ch01.q5.evaluate("maybe").status is Status.WRONG


def test_learner_code_that_raises_is_reported_not_raised():
    result = ch01.q1.evaluate(lambda text: 1 / 0)
    assert result.status is Status.WRONG and "ZeroDivisionError" in result.message


def test_expect_mode_turns_a_disagreeing_check_into_an_error(monkeypatch):
    monkeypatch.setenv("WERKSTATT_EXPECT", "correct")
    with pytest.raises(AssertionError):
        ch01.q5.check("a")
    monkeypatch.setenv("WERKSTATT_EXPECT", "unattempted")
    assert ch01.q5.check(None).status is Status.UNATTEMPTED


def test_common_python_slips_get_a_specific_hint(language):
    caret = ch01.q3.evaluate(lambda p, t: p ^ (1 / t))
    assert caret.status is Status.WRONG and "**" in caret.message
    subscript = ch01.q4.evaluate(lambda probability, text: probability[(text[0], text[1])])
    assert subscript.status is Status.WRONG and "probability(" in subscript.message


def test_dividing_by_characters_instead_of_pairs_is_named(language):
    def by_characters(probability, text):
        return -sum(math.log(probability(a, b)) for a, b in zip(text, text[1:])) / len(text)

    result = ch01.q4.evaluate(by_characters)
    assert result.status is Status.WRONG and "n − 1" in result.message


def test_wrong_count_message_names_one_pair(language):
    result = ch01.q1.evaluate(lambda text: Counter(zip(text, text[2:])))
    assert result.status is Status.WRONG and "(" in result.message and "Counter" not in result.message

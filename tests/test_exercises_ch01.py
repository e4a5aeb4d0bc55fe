"""Chapter 1 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail with a fitting hint."""
from __future__ import annotations

import math
from collections import Counter

import pytest

from werkstatt.checks import Status
from werkstatt.exercises import ch01

from exercise_support import assert_rejected, language, reference  # noqa: F401  (language: both editions)


def _no_minus(probability, text):
    logs = [math.log(probability(a, b)) for a, b in zip(text, text[1:])]
    return sum(logs) / len(logs)


def _in_bits(probability, text):
    logs = [-math.log2(probability(a, b)) for a, b in zip(text, text[1:])]
    return sum(logs) / len(logs)


def _by_characters(probability, text):
    return -sum(math.log(probability(a, b)) for a, b in zip(text, text[1:])) / len(text)


def _summed(probability, text):
    return -sum(math.log(probability(a, b)) for a, b in zip(text, text[1:]))


def _ending_with(counts, char):  # the pairs that END with char, normalised
    row = {first: n for (first, second), n in counts.items() if second == char}
    return {first: n / sum(row.values()) for first, n in row.items()}


# Plausible mistakes, each with the hint it must get (tests/test_exercise_checks_catch_mistakes.py runs them).
WRONG_ANSWERS = {
    "ch01.q1": [(2, "ch01.q1.count"), (40, "ch01.q1.percent"), ((0, 4), "ch01.q1.comma"), ("0,4", "ch01.q1.comma"),
                (2 / 21, "ch01.q1.all_pairs"), (0.5, "ch01.q1.wrong")],
    "ch01.q2": [("b", "ch01.q2.flat"), ("c", "ch01.q2.same"), ("0.2", "ch01.q2.invalid")],
    "ch01.q3": [("a", "ch01.q3.overlooked"), ("c", "ch01.q3.internet"), ("maybe", "ch01.q3.invalid")],
    "ch01.q4": [(lambda text: Counter(text), "ch01.q4.single"),
                (lambda text: Counter(zip(text[1:], text)), "ch01.q4.reversed"),
                (lambda text: Counter(zip(text, text[2:])), "ch01.q4.counts"),
                (lambda text: Counter(set(zip(text, text[1:]))), "ch01.q4.counts")],
    "ch01.q5": [(lambda counts, char: {b: n for (a, b), n in counts.items() if a == char}, "ch01.q5.not_normalised"),
                (_ending_with, "ch01.q5.second"),
                (lambda counts, char: [b for (a, b) in counts if a == char], "ch01.q5.not_dict"),
                (lambda counts, char: {b: n / sum(counts.values()) for (a, b), n in counts.items() if a == char},
                 "ch01.q5.not_normalised")],
    "ch01.q6": [(lambda p, t: p, "ch01.q6.same"), (lambda p, t: p ** t / (p ** t).sum(), "ch01.q6.inverted"),
                (lambda p, t: p ** (1 / t), "ch01.q6.not_normalised"), (lambda p, t: p ^ (1 / t), "ch01.q6.caret"),
                (lambda p, t: (p / t) / (p / t).sum(), "ch01.q6.same")],
    "ch01.q7": [(_no_minus, "ch01.q7.sign"), (_in_bits, "ch01.q7.base"), (_by_characters, "ch01.q7.pairs"),
                (_summed, "ch01.q7.sum"),
                (lambda probability, text: probability[(text[0], text[1])], "ch01.q7.call")],
}


@pytest.mark.parametrize("task, solution", [(ch01.q1, "answer_q1"), (ch01.q2, "answer_q2"), (ch01.q3, "answer_q3"),
                                            (ch01.q4, "bigram_counts"), (ch01.q5, "next_char_probabilities"),
                                            (ch01.q6, "apply_temperature"), (ch01.q7, "average_loss")])
def test_reference_is_accepted_and_the_stub_is_not_attempted(task, solution):
    assert task.evaluate(reference(task)[solution]).ok
    stub = None if solution.startswith("answer_") else (lambda *args: None)
    assert task.evaluate(stub).status is Status.UNATTEMPTED


def test_base_answers_may_be_written_the_way_a_learner_writes_them():
    assert ch01.q1.evaluate(2 / 5).ok and ch01.q1.evaluate(0.40).ok
    assert ch01.q2.evaluate(" A ").ok and ch01.q3.evaluate("b)").ok


def test_plausible_mistakes_get_their_hint():
    for name, wrong in WRONG_ANSWERS.items():
        assert_rejected(getattr(ch01, name.split(".")[1]), wrong)


def test_learner_code_that_raises_is_reported_not_raised():
    result = ch01.q4.evaluate(lambda text: 1 / 0)
    assert result.status is Status.WRONG and "ZeroDivisionError" in result.message


def test_expect_mode_turns_a_disagreeing_check_into_an_error(monkeypatch):
    monkeypatch.setenv("WERKSTATT_EXPECT", "correct")
    with pytest.raises(AssertionError):
        ch01.q3.check("a")
    monkeypatch.setenv("WERKSTATT_EXPECT", "unattempted")
    assert ch01.q3.check(None).status is Status.UNATTEMPTED


def test_common_python_slips_are_named_in_the_message(language):
    caret = ch01.q6.evaluate(lambda p, t: p ^ (1 / t))
    assert "**" in caret.message
    subscript = ch01.q7.evaluate(lambda probability, text: probability[(text[0], text[1])])
    assert "probability(" in subscript.message
    assert "n − 1" in ch01.q7.evaluate(_by_characters).message


def test_wrong_count_message_names_one_pair(language):
    result = ch01.q4.evaluate(lambda text: Counter(zip(text, text[2:])))
    assert result.status is Status.WRONG and "(" in result.message and "Counter" not in result.message


def test_numbers_in_messages_are_written_the_editions_way(language):
    wrong = ch01.q6.evaluate(lambda p, t: np_sorted_reverse(p))
    assert wrong.key == "ch01.q6.wrong"
    decimal = {"de": "0,5", "en": "0.5"}[language]
    assert f"T = {decimal}" in wrong.message
    assert ("0.6" in wrong.message) is (language == "en")


def np_sorted_reverse(p):
    """A wrong answer with no name of its own: the probabilities in reverse order."""
    return p[::-1]

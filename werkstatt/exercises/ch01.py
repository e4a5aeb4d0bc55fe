"""Chapter 1 tasks. Base level (no code writing): read a probability off a count table, watch what temperature does,
spot a misconception. Code: count pairs, turn counts into probabilities, program the temperature.
Challenge: the average loss."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from ..checks import call, letter as _letter, numbers_text as _numbers, Task
from ..i18n import num


# --- q1 (base): read a probability off the count table -------------------------------------------
# In "Meine Damen und Herren", "e" is followed by "i", " ", "n", "n", "r": 5 pairs, 2 of them "en".

Q1_EXPECTED = 2 / 5


def _check_q1(answer):
    if isinstance(answer, tuple) or (isinstance(answer, str) and "," in answer):
        return "ch01.q1.comma"  # 0,4 is a pair of numbers in Python, "0,4" a text
    value = float(answer)
    if math.isclose(value, Q1_EXPECTED, abs_tol=0.005):
        return None
    if math.isclose(value, 2):
        return "ch01.q1.count"
    if math.isclose(value, 100 * Q1_EXPECTED, abs_tol=0.5):
        return "ch01.q1.percent"
    if math.isclose(value, 2 / 21, abs_tol=0.005):
        return "ch01.q1.all_pairs"
    return "ch01.q1.wrong"


q1 = Task("ch01.q1", _check_q1, level="base")


# --- q2 (base): change the temperature and watch ----------------------------------------------------

def _check_q2(answer):
    return {"a": None, "b": "ch01.q2.flat", "c": "ch01.q2.same"}.get(_letter(answer), "ch01.q2.invalid")


q2 = Task("ch01.q2", _check_q2, level="base")


# --- q3 (base): the misconception "the model looks words up" ----------------------------------------

def _check_q3(answer):
    return {"b": None, "a": "ch01.q3.overlooked", "c": "ch01.q3.internet"}.get(_letter(answer), "ch01.q3.invalid")


q3 = Task("ch01.q3", _check_q3, level="base")


# --- q4: bigram counts ------------------------------------------------------------------------------

def _check_q4(bigram_counts):
    for text in ("Hallo, Halle!", "abab", "Meine Damen und Herren"):
        got = call(bigram_counts, text)
        expected = Counter(zip(text, text[1:]))
        if dict(got) == dict(expected):
            continue
        if dict(got) == dict(Counter(text)):
            return "ch01.q4.single"
        if dict(got) == dict(Counter(zip(text[1:], text))):
            return "ch01.q4.reversed"
        pair = next((p for p in expected if got.get(p, 0) != expected[p]), None) or next(iter(got))
        return "ch01.q4.counts", dict(text=text, pair=pair, expected=expected.get(pair, 0), got=got.get(pair, 0))
    return None


q4 = Task("ch01.q4", _check_q4)


# --- q5: next-character probabilities ------------------------------------------------------------------

_Q5_COUNTS = Counter({("a", "b"): 3, ("a", "c"): 1, ("b", "a"): 2, ("c", "a"): 5, ("c", "b"): 5})
_Q5_CASES = (("a", {"b": 0.75, "c": 0.25}), ("b", {"a": 1.0}), ("c", {"a": 0.5, "b": 0.5}))


def _check_q5(next_char_probabilities):
    for char, expected in _Q5_CASES:
        got = call(next_char_probabilities, Counter(_Q5_COUNTS), char)
        if not isinstance(got, dict):
            return "ch01.q5.not_dict"
        cleaned = {k: v for k, v in got.items() if v > 0}
        if cleaned.keys() == expected.keys() and all(math.isclose(cleaned[k], v) for k, v in expected.items()):
            continue
        ending = {first: n for (first, second), n in _Q5_COUNTS.items() if second == char}
        if cleaned.keys() == ending.keys() and all(  # the pairs that END with char, as shares or as counts
                math.isclose(cleaned[k] / sum(cleaned.values()), n / sum(ending.values())) for k, n in ending.items()):
            return "ch01.q5.second"
        total = sum(got.values())
        if not math.isclose(total, 1.0, rel_tol=1e-6):
            return "ch01.q5.not_normalised", dict(total=num(total, 2), char=char)
        return "ch01.q5.wrong"
    return None


q5 = Task("ch01.q5", _check_q5)


# --- q6: temperature ----------------------------------------------------------------------------------------

def _check_q6(apply_temperature):
    probs = np.array([0.6, 0.3, 0.1])
    for temperature in (0.5, 2.0):
        try:
            got = np.asarray(call(apply_temperature, probs.copy(), temperature), dtype=float)
        except TypeError as error:
            if "xor" in str(error):  # p ^ (1 / T): Python's ^ is not "to the power of"
                return "ch01.q6.caret"
            raise
        expected = probs ** (1 / temperature) / (probs ** (1 / temperature)).sum()
        if got.shape == probs.shape and np.allclose(got, expected, atol=1e-6):
            continue
        if got.shape == probs.shape and np.allclose(got, probs):
            return "ch01.q6.same"
        if got.shape == probs.shape and np.allclose(got, probs ** temperature / (probs ** temperature).sum()):
            return "ch01.q6.inverted"
        if got.shape == probs.shape and np.allclose(got, probs ** (1 / temperature)):
            return "ch01.q6.not_normalised"
        return "ch01.q6.wrong", dict(temperature=num(temperature, 1), expected=_numbers(expected),
                                     got=_numbers(got.ravel()))
    return None


q6 = Task("ch01.q6", _check_q6)


# --- q7 (challenge): average loss -----------------------------------------------------------------------------

_Q7_PROBS = {("a", "b"): 0.5, ("b", "a"): 0.25, ("a", "a"): 0.5, ("b", "b"): 0.75}


def _check_q7(average_loss):
    probability = lambda current, following: _Q7_PROBS[(current, following)]  # noqa: E731
    for text in ("abbaab", "ab"):
        try:
            got = float(call(average_loss, probability, text))
        except TypeError as error:
            if "subscriptable" in str(error):  # probability[...] instead of probability(...)
                return "ch01.q7.call"
            raise
        logs = [math.log(_Q7_PROBS[pair]) for pair in zip(text, text[1:])]
        expected = -sum(logs) / len(logs)
        if math.isclose(got, expected, rel_tol=1e-6):
            continue
        if math.isclose(got, -expected, rel_tol=1e-6):
            return "ch01.q7.sign"
        if math.isclose(got, expected / math.log(2), rel_tol=1e-6):
            return "ch01.q7.base"
        if math.isclose(got, -sum(logs) / len(text), rel_tol=1e-6):
            return "ch01.q7.pairs"
        if math.isclose(got, -sum(logs), rel_tol=1e-6):
            return "ch01.q7.sum"
        return "ch01.q7.wrong", dict(expected=num(expected, 4), got=num(got, 4))
    return None


q7 = Task("ch01.q7", _check_q7, level="challenge")

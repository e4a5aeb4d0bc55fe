"""Chapter 1 tasks: counting pairs, next-character probabilities, temperature, the average loss, a misconception."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np

from ..checks import Task, call
from ..i18n import num


# --- q1: bigram counts -------------------------------------------------------------------------

def _check_q1(bigram_counts):
    for text in ("Hallo, Halle!", "abab", "Meine Damen und Herren"):
        got = call(bigram_counts, text)
        expected = Counter(zip(text, text[1:]))
        if dict(got) == dict(Counter(text)):
            return "ch01.q1.wrong_single"
        if dict(got) != dict(expected):
            pair = next((p for p in expected if got.get(p, 0) != expected[p]), None) or next(iter(got))
            return "ch01.q1.wrong_counts", dict(text=text, pair=pair, expected=expected.get(pair, 0),
                                                got=got.get(pair, 0))
    return None


q1 = Task("ch01.q1", _check_q1)


# --- q2: next-character probabilities ---------------------------------------------------------

def _check_q2(next_char_probabilities):
    counts = Counter({("a", "b"): 3, ("a", "c"): 1, ("b", "a"): 2, ("c", "a"): 5})
    got = call(next_char_probabilities, counts, "a")
    if not isinstance(got, dict):
        return "ch01.q2.not_dict"
    total = sum(got.values())
    if not math.isclose(total, 1.0, rel_tol=1e-6):
        return "ch01.q2.not_normalised", dict(total=num(total, 3))
    expected = {"b": 0.75, "c": 0.25}
    cleaned = {k: v for k, v in got.items() if v > 0}
    if cleaned.keys() != expected.keys() or any(not math.isclose(cleaned[k], v) for k, v in expected.items()):
        return "ch01.q2.wrong_values"
    return None


q2 = Task("ch01.q2", _check_q2)


# --- q3: temperature ---------------------------------------------------------------------------

def _check_q3(apply_temperature):
    probs = np.array([0.6, 0.3, 0.1])
    for temperature in (0.5, 2.0):
        try:
            got = np.asarray(call(apply_temperature, probs.copy(), temperature), dtype=float)
        except TypeError as error:
            if "xor" in str(error):  # p ^ (1 / T): Python's ^ is not "to the power of"
                return "ch01.q3.caret"
            raise
        expected = probs ** (1 / temperature) / (probs ** (1 / temperature)).sum()
        if got.shape == probs.shape and np.allclose(got, probs):
            return "ch01.q3.same"
        if got.shape != probs.shape or not np.allclose(got, expected, atol=1e-6):
            return "ch01.q3.wrong", dict(temperature=temperature, expected=np.round(expected, 3),
                                         got=np.round(got, 3))
    return None


q3 = Task("ch01.q3", _check_q3)


# --- q4: average loss --------------------------------------------------------------------------

_Q4_PROBS = {("a", "b"): 0.5, ("b", "a"): 0.25, ("a", "a"): 0.5, ("b", "b"): 0.75}


def _check_q4(average_loss):
    text = "abbaab"
    probability = lambda current, following: _Q4_PROBS[(current, following)]  # noqa: E731
    try:
        got = float(call(average_loss, probability, text))
    except TypeError as error:
        if "subscriptable" in str(error):  # probability[...] instead of probability(...)
            return "ch01.q4.call"
        raise
    logs = [math.log(_Q4_PROBS[pair]) for pair in zip(text, text[1:])]
    expected = -sum(logs) / len(logs)
    if math.isclose(got, expected, rel_tol=1e-6):
        return None
    if got < 0:
        return "ch01.q4.sign"
    if math.isclose(got, expected / math.log(2), rel_tol=1e-6):
        return "ch01.q4.base"
    if math.isclose(got, -sum(logs) / len(text), rel_tol=1e-6):
        return "ch01.q4.pairs"
    return "ch01.q4.wrong", dict(expected=num(expected, 4), got=num(got, 4))


q4 = Task("ch01.q4", _check_q4)


# --- q5: the misconception ---------------------------------------------------------------------

def _check_q5(answer):
    if not isinstance(answer, str) or answer.strip().lower() not in ("a", "b", "c"):
        return "ch01.q5.invalid"
    return None if answer.strip().lower() == "b" else "ch01.q5.wrong"


q5 = Task("ch01.q5", _check_q5)

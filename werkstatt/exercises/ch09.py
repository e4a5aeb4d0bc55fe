"""Chapter 9 tasks. Base level (no code writing): place five cases on the levels of release, find what a model card
leaves out, the EU AI Act's rules for open models as a quiz. Code: an FMTI-style transparency score."""
from __future__ import annotations

import math

from ..checks import Task, call
from ..i18n import num
from ..transparency import GRADIENT, INDICATOR_KEYS


# --- q1 (base): place five cases on the levels of release----------------------------------------------------------

Q1_KEY = {"a": "api", "b": "weights", "c": "open", "d": "internal", "e": "api"}


def _check_q1(placed):
    if not isinstance(placed, dict):
        return "ch09.q1.not_dict"
    placed = {str(k).strip().lower(): str(v).strip().lower() for k, v in placed.items()}
    missing = sorted(set(Q1_KEY) - set(placed))
    if missing:
        return "ch09.q1.missing", dict(cases=", ".join(missing))
    for value in placed.values():
        if value not in GRADIENT:
            return "ch09.q1.bad_step", dict(value=value, allowed=", ".join(GRADIENT))
    wrong = sorted(case for case, step in Q1_KEY.items() if placed[case] != step)
    if not wrong:
        return None
    if placed["b"] == "open":
        return "ch09.q1.open_weights", dict(case="b")
    for case in ("a", "e"):
        if placed[case] in ("weights", "open"):
            return "ch09.q1.api", dict(case=case)
    return "ch09.q1.wrong", dict(count=len(wrong), case=wrong[0])


q1 = Task("ch09.q1", _check_q1, level="base")


# --- q2 (base): which artifacts does a model card leave out? ------------------------------------------------------

ARTIFACT_KEYS = ("training_code", "training_data", "test_data", "training_metadata", "weights")
Q2_KEY = {"training_data", "training_code"}


def _check_q2(missing):
    if isinstance(missing, (list, tuple)):
        missing = set(missing)
    if not isinstance(missing, set):
        return "ch09.q2.not_set"
    missing = {str(name).strip().lower() for name in missing}
    for name in missing:
        if name not in ARTIFACT_KEYS:
            return "ch09.q2.unknown", dict(name=name, allowed=", ".join(ARTIFACT_KEYS))
    if missing == Q2_KEY:
        return None
    extra = sorted(missing - Q2_KEY)
    if extra:
        return "ch09.q2.too_many", dict(name=extra[0])
    if "training_data" not in missing:
        return "ch09.q2.described"
    return "ch09.q2.wrong"


q2 = Task("ch09.q2", _check_q2, level="base")


# --- q3 (base): the EU AI Act and open source ---------------------------------------------------------------------

Q3_KEY = {1: "b", 2: "c", 3: "a", 4: "a"}


def _check_q3(answers):
    if not isinstance(answers, dict):
        return "ch09.q3.not_dict"
    answers = {int(k): str(v).strip().lower() for k, v in answers.items()}
    for number in Q3_KEY:
        if answers.get(number) not in ("a", "b", "c"):
            return "ch09.q3.invalid", dict(number=number)
    for number, right in Q3_KEY.items():
        if answers[number] != right:
            return f"ch09.q3.q{number}"
    return None


q3 = Task("ch09.q3", _check_q3, level="base")

# --- q4: a transparency score -------------------------------------------------------------------------

def _reference_score(marks):
    return 100 * sum(bool(marks.get(key, False)) for key in INDICATOR_KEYS) / len(INDICATOR_KEYS)


Q4_CASES = (
    {"licence": True, "weights_download": True, "model_size": True},
    {"licence": True, "weights_download": False, "data_sources": True, "evaluation": False},
    {key: True for key in INDICATOR_KEYS},
    {},
)


def _check_q4(transparency_score):
    first, second = (call(transparency_score, dict(marks)) for marks in Q4_CASES[:2])
    if first == second and isinstance(first, (int, float)) and not isinstance(first, bool):
        return "ch09.q4.fixed", dict(got=num(float(first), 1))  # two ratings with different scores, one answer
    for marks in Q4_CASES:
        got = call(transparency_score, dict(marks))
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return "ch09.q4.not_number", dict(got=repr(got))
        number = float(got)
        expected = _reference_score(marks)
        if math.isclose(number, expected, abs_tol=0.05):
            continue
        disclosed = sum(bool(marks.get(key, False)) for key in INDICATOR_KEYS)
        if expected > 0 and math.isclose(number * 100, expected, abs_tol=0.05):
            return "ch09.q4.fraction"
        if disclosed and number == disclosed:
            return "ch09.q4.count"
        given = list(marks.values())
        if given and math.isclose(number, 100 * sum(given) / len(given), abs_tol=0.05):
            return "ch09.q4.denominator", dict(expected=num(expected, 1), got=num(number, 1),
                                               total=len(INDICATOR_KEYS))
        return "ch09.q4.wrong", dict(disclosed=disclosed, expected=num(expected, 1), got=num(number, 1))
    return None


q4 = Task("ch09.q4", _check_q4)


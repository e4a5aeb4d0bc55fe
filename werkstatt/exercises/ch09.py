"""Chapter 9 tasks: the gradient of release, a transparency score, missing artifacts, the EU AI Act's open-source rules."""
from __future__ import annotations

import math

from ..checks import Task, call
from ..transparency import GRADIENT, INDICATOR_KEYS


# --- q1: place five cases on the gradient --------------------------------------------------------------

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


q1 = Task("ch09.q1", _check_q1)


# --- q2: a transparency score -------------------------------------------------------------------------

def _reference_score(marks):
    return 100 * sum(bool(marks.get(key, False)) for key in INDICATOR_KEYS) / len(INDICATOR_KEYS)


Q2_CASES = (
    {key: True for key in INDICATOR_KEYS},
    {"licence": True, "weights_download": True, "model_size": True},
    {"licence": True, "weights_download": False, "data_sources": True, "evaluation": False},
    {},
)


def _check_q2(transparency_score):
    for marks in Q2_CASES:
        got = call(transparency_score, dict(marks))
        expected = _reference_score(marks)
        number = float(got)
        if math.isclose(number, expected, abs_tol=0.05):
            continue
        if expected > 0 and math.isclose(number * 100, expected, abs_tol=0.05):
            return "ch09.q2.fraction"
        given = [value for value in marks.values()]
        if given and math.isclose(number, 100 * sum(given) / len(given), abs_tol=0.05):
            return "ch09.q2.denominator", dict(marks=marks, expected=expected, got=got, total=len(INDICATOR_KEYS))
        return "ch09.q2.wrong", dict(marks=marks, expected=expected, got=got)
    return None


q2 = Task("ch09.q2", _check_q2)


# --- q3: which artifacts does a model card leave out? ------------------------------------------------------

ARTIFACT_KEYS = ("training_code", "training_data", "test_data", "training_metadata", "weights")
Q3_KEY = {"training_data", "training_code"}


def _check_q3(missing):
    if isinstance(missing, (list, tuple)):
        missing = set(missing)
    if not isinstance(missing, set):
        return "ch09.q3.not_set"
    missing = {str(name).strip().lower() for name in missing}
    for name in missing:
        if name not in ARTIFACT_KEYS:
            return "ch09.q3.unknown", dict(name=name, allowed=", ".join(ARTIFACT_KEYS))
    if missing == Q3_KEY:
        return None
    extra = sorted(missing - Q3_KEY)
    if extra:
        return "ch09.q3.too_many", dict(name=extra[0])
    if "training_data" not in missing:
        return "ch09.q3.described"
    return "ch09.q3.wrong"


q3 = Task("ch09.q3", _check_q3)


# --- q4: the EU AI Act and open source ---------------------------------------------------------------------

Q4_KEY = {1: "b", 2: "c", 3: "a", 4: "a"}


def _check_q4(answers):
    if not isinstance(answers, dict):
        return "ch09.q4.not_dict"
    answers = {int(k): str(v).strip().lower() for k, v in answers.items()}
    for number in Q4_KEY:
        if answers.get(number) not in ("a", "b", "c"):
            return "ch09.q4.invalid", dict(number=number)
    for number, right in Q4_KEY.items():
        if answers[number] != right:
            return f"ch09.q4.q{number}"
    return None


q4 = Task("ch09.q4", _check_q4)

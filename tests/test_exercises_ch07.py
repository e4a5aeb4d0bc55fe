"""Chapter 7 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail with a fitting hint."""
from __future__ import annotations

import pytest
import torch

from werkstatt.checks import Status
from werkstatt.exercises import ch07

from exercise_support import assert_rejected, language, reference  # noqa: F401  (language: both editions)


def _best(values):
    return max(range(len(values)), key=lambda i: values[i])


# Plausible mistakes, each with the hint it must get (tests/test_exercise_checks_catch_mistakes.py runs them).
# The probe found q5 (then q4) accepting len(real) // 2, the ratio real / control and the constant 2, and q4
# (then q3) accepting abs(r - c): they are here.
WRONG_ANSWERS = {
    "ch07.q1": [(60, "ch07.q1.percent"), (1 / 3, "ch07.q1.uniform"), (0.5, "ch07.q1.uniform"), (12, "ch07.q1.count"),
                (0.3, "ch07.q1.wrong"), ("SPD", "ch07.q1.invalid")],
    "ch07.q2": [("a", "ch07.q2.accuracy"), ("c", "ch07.q2.same"), ("1", "ch07.q2.invalid")],
    "ch07.q3": [(lambda labels: 0.5, "ch07.q3.half"), (lambda labels: 1 / len(set(labels)), "ch07.q3.uniform"),
                (lambda labels: max(labels.count(x) for x in set(labels)), "ch07.q3.count"),
                (lambda labels: labels.count(labels[0]) / len(labels), "ch07.q3.wrong")],
    "ch07.q4": [(lambda r, c: [abs(a - b) for a, b in zip(r, c)], "ch07.q4.abs"),
                (lambda r, c: [b - a for a, b in zip(r, c)], "ch07.q4.order"),
                (lambda r, c: [a / b for a, b in zip(r, c)], "ch07.q4.ratio"),
                (lambda r, c: sum(r) - sum(c), "ch07.q4.not_list"),
                (lambda r, c: [a - b for a, b in zip(r, c)][:-1], "ch07.q4.length")],
    "ch07.q5": [(lambda r, c: len(r) // 2, "ch07.q5.middle"), (lambda r, c: 2, "ch07.q5.fixed"),
                (lambda r, c: _best([a / b for a, b in zip(r, c)]), "ch07.q5.ratio"),
                (lambda r, c: _best(r), "ch07.q5.real"),
                (lambda r, c: _best([a - b for a, b in zip(r, c)]) + 1, "ch07.q5.from_one"),
                (lambda r, c: max(a - b for a, b in zip(r, c)), "ch07.q5.not_number")],
    "ch07.q6": [(lambda hidden, mask: hidden.mean(1), "ch07.q6.padding"),
                (lambda hidden, mask: (hidden * mask[..., None]).mean(1), "ch07.q6.divided_by_all"),
                (lambda hidden, mask: hidden.mean(2), "ch07.q6.shape"),
                (lambda hidden, mask: (hidden * mask[..., None]).sum(1), "ch07.q6.wrong")],
}


@pytest.mark.parametrize("task, solution", [(ch07.q1, "answer_q1"), (ch07.q2, "answer_q2"),
                                            (ch07.q3, "majority_share"), (ch07.q4, "selectivity"),
                                            (ch07.q5, "best_layer"), (ch07.q6, "mean_pool")])
def test_reference_is_accepted_and_the_stub_is_not_attempted(task, solution):
    assert task.evaluate(reference(task)[solution]).ok
    stub = None if solution.startswith("answer_") else (lambda *args: None)
    assert task.evaluate(stub).status is Status.UNATTEMPTED


def test_other_correct_forms_are_accepted():
    assert ch07.q1.evaluate("0,6").ok and ch07.q1.evaluate(12 / 20).ok and ch07.q2.evaluate("B)").ok
    assert ch07.q4.evaluate(lambda r, c: torch.tensor(r) - torch.tensor(c)).ok


def test_plausible_mistakes_get_their_hint():
    for name, wrong in WRONG_ANSWERS.items():
        assert_rejected(getattr(ch07, name.split(".")[1]), wrong)


def test_the_base_tasks_answer_what_the_notebook_shows():
    """Task 1's counts are the checker's; task 2's layer 1 has the larger selectivity, layer 3 the larger accuracy."""
    entry = ch07.q1.reference()
    assert "12" in entry["code"] and sum(ch07.Q1_COUNTS.values()) == 20
    real_1, control_1, real_3, control_3 = 0.70, 0.50, 0.80, 0.78
    assert real_1 - control_1 > real_3 - control_3 and real_3 > real_1
    assert "(0.70, 0.50), 3: (0.80, 0.78)" in ch07.q2.reference()["code"]


def test_messages_write_numbers_the_editions_way(language):
    result = ch07.q4.evaluate(lambda r, c: [a - b + 0.5 for a, b in zip(r, c)])
    assert result.key == "ch07.q4.wrong" and {"de": "0,50", "en": "0.50"}[language] in result.message

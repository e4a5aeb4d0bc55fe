"""Chapter 6 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail with a fitting hint."""
from __future__ import annotations

import math
import random

import pytest

from werkstatt.checks import Status
from werkstatt.exercises import ch06

from exercise_support import assert_rejected, language, reference  # noqa: F401  (language: both editions)


def _shuffled(texts, fraction):
    texts = list(texts)
    random.Random(0).shuffle(texts)
    cut = len(texts) - round(len(texts) * fraction)
    return texts[:cut], texts[cut:]


# Plausible mistakes, each with the hint it must get (tests/test_exercise_checks_catch_mistakes.py runs them).
WRONG_ANSWERS = {
    "ch06.q1": [("b", "ch06.q1.square"), ("c", "ch06.q1.same"), ("2", "ch06.q1.invalid")],
    "ch06.q2": [("a", "ch06.q2.practice"), ("c", "ch06.q2.broken"), ("auswendig", "ch06.q2.invalid")],
    "ch06.q3": [(lambda d_in, d_out, rank: d_in * d_out, "ch06.q3.full"),
                (lambda d_in, d_out, rank: rank * d_in, "ch06.q3.one_matrix"),
                (lambda d_in, d_out, rank: 2 * rank * d_in, "ch06.q3.square"),
                (lambda d_in, d_out, rank: (rank * d_in) * (d_out * rank), "ch06.q3.product"),
                (lambda d_in, d_out, rank: rank + d_in + d_out, "ch06.q3.wrong")],
    "ch06.q4": [(lambda model: sum(p.numel() for p in model.parameters()), "ch06.q4.all"),
                (lambda model: sum(p.numel() for p in model.parameters() if not p.requires_grad), "ch06.q4.frozen"),
                (lambda model: sum(1 for p in model.parameters() if p.requires_grad), "ch06.q4.tensors"),
                (lambda model: 63, "ch06.q4.wrong")],  # the first model's answer: the second one tells
    "ch06.q5": [(lambda texts, fraction: (texts, texts[-round(len(texts) * fraction):]), "ch06.q5.overlap"),
                (lambda texts, fraction: (texts[-round(len(texts) * fraction):], texts[:-round(len(texts) * fraction)]),
                 "ch06.q5.swapped"),
                (lambda texts, fraction: (texts[:-2], texts[-2:]), "ch06.q5.size"),
                (_shuffled, "ch06.q5.shuffled"),
                (lambda texts, fraction: texts[:int(len(texts) * (1 - fraction))], "ch06.q5.not_pair")],
    "ch06.q6": [(lambda before, after: (math.exp(after) - math.exp(before)) / math.exp(before), "ch06.q6.sign"),
                (lambda before, after: (before - after) / before, "ch06.q6.loss"),
                (lambda before, after: 100 * (1 - math.exp(after - before)), "ch06.q6.percent"),
                (lambda before, after: (math.exp(before) - math.exp(after)) / math.exp(after), "ch06.q6.after"),
                (lambda before, after: math.exp(before) - math.exp(after), "ch06.q6.wrong")],
}


@pytest.mark.parametrize("task, solution", [(ch06.q1, "answer_q1"), (ch06.q2, "answer_q2"),
                                            (ch06.q3, "lora_parameters"), (ch06.q4, "count_trainable"),
                                            (ch06.q5, "split_heldout"), (ch06.q6, "improvement")])
def test_reference_is_accepted_and_the_stub_is_not_attempted(task, solution):
    assert task.evaluate(reference(task)[solution]).ok
    stub = None if solution.startswith("answer_") else (lambda *args: None)
    assert task.evaluate(stub).status is Status.UNATTEMPTED


def test_other_correct_forms_are_accepted():
    assert ch06.q1.evaluate("A").ok and ch06.q2.evaluate("b)").ok
    assert ch06.q5.evaluate(lambda texts, fraction: tuple(reference(ch06.q5)["split_heldout"](texts, fraction))).ok


def test_plausible_mistakes_get_their_hint():
    for name, wrong in WRONG_ANSWERS.items():
        assert_rejected(getattr(ch06, name.split(".")[1]), wrong)


def test_the_base_task_answers_what_the_notebook_shows():
    """Task 1's answer "twice as many" must stay true for the cell's matrix; the example in task 4 must be right."""
    code = ch06.q1.reference()["code"]
    assert "rank = 8" in code and "d_in, d_out = 576, 576" in code
    assert 16 * (576 + 576) == 2 * 8 * (576 + 576)
    import torch

    toy = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Linear(8, 2))
    for p in toy[0].parameters():
        p.requires_grad_(False)
    assert reference(ch06.q4)["count_trainable"](toy) == 18


def test_messages_write_numbers_the_editions_way(language):
    result = ch06.q3.evaluate(lambda d_in, d_out, rank: rank + d_in + d_out)
    assert result.key == "ch06.q3.wrong" and {"de": "3.072", "en": "3,072"}[language] in result.message

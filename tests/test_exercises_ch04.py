"""Chapter 4 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail with a fitting hint."""
from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F

from werkstatt import i18n
from werkstatt.checks import Status
from werkstatt.exercises import ch04

from exercise_support import assert_rejected, language, reference  # noqa: F401  (language: both editions)


def _future(T):
    return torch.triu(torch.ones(T, T, dtype=torch.bool), 1)


def _no_scale(q, k):
    return F.softmax((q @ k.T).masked_fill(_future(q.shape[0]), float("-inf")), dim=-1)


def _wrong_axis(q, k):
    scores = (q @ k.T / math.sqrt(q.shape[-1])).masked_fill(_future(q.shape[0]), -1e9)
    return F.softmax(scores, dim=0)


def _divided_by_d(q, k):
    return F.softmax((q @ k.T / q.shape[-1]).masked_fill(_future(q.shape[0]), float("-inf")), dim=-1)


# Plausible mistakes, each with the hint it must get (tests/test_exercise_checks_catch_mistakes.py runs them).
WRONG_ANSWERS = {
    "ch04.q1": [(16, "ch04.q1.one_per_snippet"), (64, "ch04.q1.one_snippet"), (16 * 63, "ch04.q1.minus_one"),
                (80, "ch04.q1.added"), (1.024, "ch04.q1.thousands"), ("sehr viele", "ch04.q1.invalid")],
    "ch04.q2": [("a", "ch04.q2.double"), ("c", "ch04.q2.same"), ("4", "ch04.q2.invalid")],
    "ch04.q3": [(lambda ids, start, context: (ids[start:start + context], ids[start:start + context]), "ch04.q3.no_shift"),
                (lambda ids, start, context: (ids[start:start + context], ids[start - 1:start + context - 1]),
                 "ch04.q3.wrong"),
                (lambda ids, start, context: (ids[start:start + context + 1], ids[start + 1:start + context + 2]),
                 "ch04.q3.length"),
                (lambda ids, start, context: ids[start:start + context], "ch04.q3.not_pair")],
    "ch04.q4": [(lambda T: torch.triu(torch.ones(T, T, dtype=torch.bool)), "ch04.q4.future"),
                (lambda T: torch.tril(torch.ones(T, T, dtype=torch.bool), diagonal=-1), "ch04.q4.diagonal"),
                (lambda T: torch.ones(T, T, dtype=torch.bool), "ch04.q4.future"),
                (lambda T: torch.ones(T), "ch04.q4.shape"),
                (lambda T: torch.eye(T, dtype=torch.bool) if T > 1 else torch.ones(1, 1), "ch04.q4.wrong")],
    "ch04.q5": [(lambda model: sum(t.numel() for t in model.state_dict().values()), "ch04.q5.tied"),
                (lambda model: sum(p.numel() for p in model.parameters() if p.dim() == 2), "ch04.q5.wrong"),
                (lambda model: len(list(model.parameters())), "ch04.q5.tables")],
    "ch04.q6": [(lambda logits, t: F.softmax(logits * t, dim=-1), "ch04.q6.multiplied"),
                (lambda logits, t: logits / t, "ch04.q6.sum"),
                (lambda logits, t: F.softmax(logits, dim=-1), "ch04.q6.ignored"),
                (lambda logits, t: F.softmax(logits - t, dim=-1), "ch04.q6.ignored"),
                (lambda logits, t: F.softmax(logits / t ** 2, dim=-1), "ch04.q6.wrong")],
    "ch04.q7": [(lambda q, k: F.softmax(q @ k.T / math.sqrt(q.shape[-1]), dim=-1), "ch04.q7.future"),
                (_no_scale, "ch04.q7.scale"), (_wrong_axis, "ch04.q7.rows"), (_divided_by_d, "ch04.q7.wrong"),
                (lambda q, k: q @ k.T, "ch04.q7.rows")],
}


@pytest.mark.parametrize("task, solution", [(ch04.q1, "answer_q1"), (ch04.q2, "answer_q2"),
                                            (ch04.q3, "inputs_and_targets"), (ch04.q4, "causal_mask"),
                                            (ch04.q5, "count_parameters"), (ch04.q6, "temperature_probs"),
                                            (ch04.q7, "attention_weights")])
def test_reference_is_accepted_and_the_stub_is_not_attempted(task, solution):
    assert task.evaluate(reference(task)[solution]).ok
    stub = None if solution.startswith("answer_") else (lambda *args: None)
    assert task.evaluate(stub).status is Status.UNATTEMPTED


def test_other_correct_forms_are_accepted():
    assert ch04.q1.evaluate(16 * 64).ok and ch04.q1.evaluate("1024").ok and ch04.q2.evaluate("B").ok
    assert ch04.q4.evaluate(lambda T: torch.tril(torch.ones(T, T))).ok  # ones and zeros are fine too


def test_plausible_mistakes_get_their_hint():
    for name, wrong in WRONG_ANSWERS.items():
        assert_rejected(getattr(ch04, name.split(".")[1]), wrong)


def test_the_base_task_answers_what_the_notebook_shows():
    """Task 2's answer "about four times" must stay true for the model the cell builds."""
    from werkstatt.gpt import GPT, GPTConfig

    small, wide = (GPT(GPTConfig(vocab_size=100, context=64, n_layer=2, n_head=4, n_embd=width)).num_parameters()
                   for width in (64, 128))
    assert 3.5 < wide / small < 4.0


def test_numbers_in_messages_are_written_the_editions_way(language):
    """The pupil's finding: "Erwartet 3,920" reads as 3.92 in German. Counts use the edition's thousands separator."""
    from werkstatt.gpt import GPT, GPTConfig

    expected = GPT(GPTConfig(vocab_size=30, context=8, n_layer=1, n_head=2, n_embd=16)).num_parameters()
    assert expected >= 1000  # so that a thousands separator shows
    result = ch04.q5.evaluate(lambda model: sum(p.numel() for p in model.parameters() if p.dim() == 2))
    english = f"{expected:,}"
    assert {"de": english.replace(",", "."), "en": english}[language] in result.message
    assert language == "en" or english not in result.message
    total = ch04.q6.evaluate(lambda logits, t: logits.abs() / 10)
    assert total.key == "ch04.q6.sum" and {"de": "0,40", "en": "0.40"}[language] in total.message

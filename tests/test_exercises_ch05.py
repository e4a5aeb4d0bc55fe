"""Chapter 5 self-checks: the reference passes, the stub is 'not attempted', plausible mistakes fail with a fitting hint."""
from __future__ import annotations

import math

import pytest

from werkstatt.checks import Status
from werkstatt.exercises import ch05
from werkstatt.models import REGISTRY

from exercise_support import assert_rejected, language, reference  # noqa: F401  (language: both editions)


def _messages(*pairs):
    return lambda system, question: [{"role": role, "content": content}
                                     for role, content in zip(pairs, (system, question))]


# Plausible mistakes, each with the hint it must get (tests/test_exercise_checks_catch_mistakes.py runs them).
WRONG_ANSWERS = {
    "ch05.q1": [(5, "ch05.q1.partly"), (1, "ch05.q1.not_open"), (3, "ch05.q1.wrong"), ("vier", "ch05.q1.invalid")],
    "ch05.q2": [("a", "ch05.q2.percent"), ("c", "ch05.q2.words"), ("4", "ch05.q2.invalid")],
    "ch05.q3": [(lambda entry: sum(a.status != "closed" for a in entry.artifacts.values()), "ch05.q3.partly"),
                (lambda entry: sum(a.status == "closed" for a in entry.artifacts.values()), "ch05.q3.closed"),
                (lambda entry: len(entry.artifacts), "ch05.q3.all"),
                (lambda entry: int(entry.artifacts["weights"].status == "open"), "ch05.q3.wrong")],
    "ch05.q4": [(lambda loss: loss, "ch05.q4.log"), (lambda loss: 2 ** loss, "ch05.q4.base"),
                (lambda loss: 10 ** loss, "ch05.q4.base"), (lambda loss: math.exp(-loss), "ch05.q4.inverse"),
                (lambda loss: f"{math.exp(loss):.2f}", "ch05.q4.not_number"),
                (lambda loss: math.exp(loss) + 1, "ch05.q4.wrong")],
    "ch05.q5": [(_messages("user", "system"), "ch05.q5.order"), (lambda s, q: s + q, "ch05.q5.not_list"),
                (_messages("system", "assistant"), "ch05.q5.roles"),
                (lambda s, q: [{"role": "user", "content": q}], "ch05.q5.count"),
                (lambda s, q: [{"role": "system", "text": s}, {"role": "user", "text": q}], "ch05.q5.keys"),
                (lambda s, q: [{"role": "system", "content": q}, {"role": "user", "content": s}], "ch05.q5.content")],
    "ch05.q6": [(lambda loss, tokens, chars: loss * tokens / chars, "ch05.q6.nats"),
                (lambda loss, tokens, chars: loss / math.log(2), "ch05.q6.per_token"),
                (lambda loss, tokens, chars: loss * chars / tokens / math.log(2), "ch05.q6.upside_down"),
                (lambda loss, tokens, chars: loss * tokens / chars * math.log(2), "ch05.q6.times_ln2"),
                (lambda loss, tokens, chars: loss / chars / math.log(2), "ch05.q6.wrong")],
}


@pytest.mark.parametrize("task, solution", [(ch05.q1, "answer_q1"), (ch05.q2, "answer_q2"),
                                            (ch05.q3, "count_open"), (ch05.q4, "perplexity"),
                                            (ch05.q5, "make_messages"), (ch05.q6, "bits_per_character")])
def test_reference_is_accepted_and_the_stub_is_not_attempted(task, solution):
    assert task.evaluate(reference(task)[solution]).ok
    stub = None if solution.startswith("answer_") else (lambda *args: None)
    assert task.evaluate(stub).status is Status.UNATTEMPTED


def test_other_correct_forms_are_accepted():
    assert ch05.q1.evaluate("4").ok and ch05.q2.evaluate(" B ").ok
    assert ch05.q4.evaluate(lambda loss: math.e ** loss).ok


def test_plausible_mistakes_get_their_hint():
    for name, wrong in WRONG_ANSWERS.items():
        assert_rejected(getattr(ch05, name.split(".")[1]), wrong)


def test_the_base_tasks_answer_what_the_notebook_shows():
    """Task 1 counts SmolLM2's registry entry as the cell prints it; task 2's loss is ln 4."""
    statuses = [artifact.status for artifact in REGISTRY[ch05.Q1_MODEL].artifacts.values()]
    assert reference(ch05.q1)["answer_q1"] == statuses.count("open") and "partly" in statuses
    assert ch05.Q1_MODEL in ch05.q1.reference()["code"]
    assert "loss = 1.386" in ch05.q2.reference()["code"] and math.isclose(1.386, math.log(4), abs_tol=1e-3)


def test_messages_write_numbers_the_editions_way(language):
    result = ch05.q4.evaluate(lambda loss: math.exp(loss) + 1)
    assert result.key == "ch05.q4.wrong" and {"de": "3,7183", "en": "3.7183"}[language] in result.message

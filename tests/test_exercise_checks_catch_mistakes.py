"""Every self-check rejects the plausible wrong answers written down for it, with a hint that fits each one.

What each mechanism proves (see also CONTRIBUTING.md, "What the tests prove about self-checks"):
- WERKSTATT_EXPECT=correct / unattempted (make test runs the solution and exercise notebooks so): the reference
  solution is accepted and the untouched stub counts as "not attempted". It cannot show that wrong answers fail.
- The WRONG_ANSWERS tables in tests/test_exercises_chNN.py, run here: at least three plausible mistakes per task,
  each judged wrong with the hint key written next to it.
- The last test below replaces each checker with one that accepts anything and demands that the tables notice.
"""
from __future__ import annotations

import importlib

import pytest

import werkstatt.exercises
from exercise_support import assert_rejected, language, wrong_answers_of  # noqa: F401  (language: both editions)
from werkstatt.checks import Task

CHAPTERS = [f"ch{number:02d}" for number in range(1, 10)]
TASKS = {task.name: (chapter, task) for chapter in CHAPTERS
         for task in vars(importlib.import_module(f"werkstatt.exercises.{chapter}")).values() if isinstance(task, Task)}
MINIMUM = 3


def _table(chapter: str) -> dict[str, list[tuple]]:
    return wrong_answers_of(importlib.import_module(f"test_exercises_{chapter}"))


@pytest.mark.parametrize("name", sorted(TASKS))
def test_task_has_enough_plausible_wrong_answers_written_down(name):
    chapter, _ = TASKS[name]
    wrong = _table(chapter).get(name, [])
    assert len(wrong) >= MINIMUM, f"{name}: {len(wrong)} wrong answers written down, at least {MINIMUM} needed"
    assert all(key is not None for _, key in wrong), f"{name}: name the hint each wrong answer must get"


@pytest.mark.parametrize("name", sorted(TASKS))
def test_every_wrong_answer_is_rejected_with_a_fitting_hint(name):
    chapter, task = TASKS[name]
    assert_rejected(task, _table(chapter).get(name, []))


@pytest.mark.parametrize("name", sorted(TASKS))
def test_a_check_that_accepts_anything_is_noticed(name, monkeypatch):
    chapter, task = TASKS[name]
    monkeypatch.setattr(task, "_checker", lambda answer: None)
    with pytest.raises(AssertionError):
        assert_rejected(task, _table(chapter).get(name, [])[:1] or [(object(), None)])

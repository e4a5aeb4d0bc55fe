"""What every exercise notebook promises a learner: two levels before the challenges, hints in steps, a stated format.

Chapter 0 promises that following along needs no Python writing: each chapter starts with at least two "base" tasks
(predict, choose, change one value), then the coding tasks, then optional challenges. Hints come in two steps: the
first asks a question, the second is concrete, and neither first hint gives the solution away.
"""
from __future__ import annotations

import importlib
import re

import pytest

from nbtools import LANGUAGES, ROOT, read
from werkstatt import i18n
from werkstatt.checks import LEVELS, Task

CHAPTERS = [f"ch{number:02d}" for number in range(1, 10)]


def _tasks(chapter: str) -> list[Task]:
    module = importlib.import_module(f"werkstatt.exercises.{chapter}")
    tasks = [value for value in vars(module).values() if isinstance(value, Task)]
    return sorted(tasks, key=lambda task: [int(n) for n in re.findall(r"\d+", task.name)])


ALL_TASKS = [task for chapter in CHAPTERS for task in _tasks(chapter)]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_starts_with_two_base_tasks_and_ends_with_the_challenges(chapter):
    levels = [task.level for task in _tasks(chapter)]
    assert levels[:2] == ["base", "base"], f"{chapter}: {levels}"
    assert levels == sorted(levels, key=LEVELS.index), f"{chapter}: base, then code, then challenge: {levels}"


@pytest.mark.parametrize("task", ALL_TASKS, ids=lambda task: task.name)
@pytest.mark.parametrize("language", LANGUAGES)
def test_hints_come_in_two_steps_and_the_first_asks_a_question(task, language):
    keys = task.hint_keys()
    assert len(keys) == 2, f"{task.name}: a first hint (a question) and a second, concrete one"
    first, second = (i18n.text(key, language) for key in keys)
    assert "?" in first, f"{task.name} ({language}): the first hint should ask a question: {first}"
    assert first != second


@pytest.mark.parametrize("task", ALL_TASKS, ids=lambda task: task.name)
@pytest.mark.parametrize("language", LANGUAGES)
def test_first_hint_does_not_give_the_solution_away(task, language):
    first = i18n.text(task.hint_keys()[0], language)
    code_lines = [line.strip() for line in task.reference(language)["code"].splitlines()]
    telling = [line for line in code_lines if len(line) > 12 and not line.startswith(("#", "def ", "return None"))]
    assert not [line for line in telling if line in first], f"{task.name}: the first hint contains solution code"


@pytest.mark.parametrize("task", ALL_TASKS, ids=lambda task: task.name)
@pytest.mark.parametrize("language", LANGUAGES)
def test_task_states_its_format_with_a_tiny_example(task, language):
    entry = task.reference(language)
    cells = read(ROOT / entry["notebook"]).cells
    before = next(cell.source for cell in reversed(cells[:entry["cell"]]) if cell.cell_type == "markdown")
    word = {"de": r"(zum )?Beispiel|z\. ?B\.", "en": r"example|e\.g\."}[language]
    assert re.search(word, before, re.I) and "`" in before, \
        f"{task.name} ({language}): say what to return, with a tiny example, in the text above the task"


def test_hint_steps_advance_and_stop_at_the_last():
    task = next(task for task in ALL_TASKS if len(task.hint_keys()) == 2)
    task._hints_shown = 0
    first, second, third = task.hint(), task.hint(), task.hint()
    assert first.text != second.text and second.text == third.text

"""Shared by tests/test_exercises_chNN.py: every test runs in both editions, and a task's reference solution
is the very code `q.solution()` shows, run after the solution notebook's own imports.

Use it with `from exercise_support import language, reference` (`language` is an autouse fixture).
"""
from __future__ import annotations

from functools import lru_cache

import pytest

from nbtools import LANGUAGES, ROOT, notebook_imports, read
from werkstatt import i18n


@pytest.fixture(autouse=True, params=LANGUAGES)
def language(request):
    """Run the test once per edition, with that edition's messages and solutions."""
    i18n.set_language(request.param)
    yield request.param


@lru_cache(maxsize=None)
def _imports(notebook: str, cell: int) -> str:
    return notebook_imports(read(ROOT / notebook), cell)


def reference(task) -> dict:
    """The names the task's solution defines, for the active language, run as in its notebook.

    The code comes from werkstatt/exercises/solutions/<lang>.json (generated from the solution notebook);
    before it runs the import statements of the notebook's cells above it, nothing else: a solution that
    needs more from the notebook than its imports fails here instead of passing on a hand-made namespace.
    """
    entry = task.reference()
    namespace: dict = {}
    exec(_imports(entry["notebook"], entry["cell"]), namespace)
    exec(entry["code"], namespace)
    return namespace


def wrong_answers_of(module) -> dict[str, list[tuple]]:
    """A chapter test module's WRONG_ANSWERS, in the active language: {task name: [(answer, hint key), ...]}.

    The table may be a dict or a function that builds it (for answers that depend on the edition's language).
    """
    table = getattr(module, "WRONG_ANSWERS", {})
    return table() if callable(table) else table


def assert_rejected(task, wrong: list[tuple]) -> None:
    """Each plausible wrong answer is judged wrong, with the hint written down next to it (None: any hint)."""
    from werkstatt.checks import Status

    for number, (answer, key) in enumerate(wrong, start=1):
        result = task.evaluate(answer)
        assert result.status is Status.WRONG, f"{task.name}: wrong answer {number} was judged {result.status.value}"
        assert key is None or result.key == key, f"{task.name}: wrong answer {number} got {result.key}, not {key}"

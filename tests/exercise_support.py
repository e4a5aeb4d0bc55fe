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

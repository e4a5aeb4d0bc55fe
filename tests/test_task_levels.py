"""The chapter pages and the teachers' page name each task's level exactly as the self-checks define it."""
from __future__ import annotations

import shutil

import task_levels


def test_pages_name_the_levels_the_tasks_have():
    assert task_levels.main(check=True) == 0, "run: python scripts/task_levels.py (make exercises does)"


def test_a_changed_level_makes_the_pages_stale(tmp_path, monkeypatch):
    for language in ("de", "en"):
        shutil.copytree(task_levels.ROOT / "book" / language, tmp_path / "book" / language)
    monkeypatch.setattr(task_levels, "ROOT", tmp_path)
    assert task_levels.main(check=True) == 0
    task = task_levels.tasks(9)[-1]
    monkeypatch.setattr(task, "level", "challenge")
    assert task_levels.main(check=True) == 1
    task_levels.main(check=False)  # rewrites the pages
    assert task_levels.main(check=True) == 0


def test_numbers_are_written_as_ranges():
    assert task_levels.numbers([1, 2, 3, 5, 7, 8]) == "1–3, 5, 7–8" and task_levels.numbers([]) == ""

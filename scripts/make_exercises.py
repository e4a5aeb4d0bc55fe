#!/usr/bin/env python
"""Write what learners get from solutions/{de,en}/*.ipynb (the single source):

- exercises/<lang>/*.ipynb, the exercise notebooks (solution code replaced by stubs, written answers removed);
- werkstatt/exercises/solutions/<lang>.json, each task's solution as `q1.solution()` shows it in that language;
- nbgrader/source/chNN-<lang>/*.ipynb, the same exercises as nbgrader assignments (scripts/nbgrader_assignments.py).

Usage: python scripts/make_exercises.py [--check]   (--check: exit 1 if any of them is out of date)
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

from nbgrader_assignments import assignment_from_solution
from nbtools import LANGUAGES, ROOT, SOLUTIONS_DATA, dumps, exercise_from_solution, notebooks, read, solutions_file

NBGRADER = Path("nbgrader") / "source"  # one assignment per chapter and edition: chNN-<lang>


def levels(chapter: str) -> dict[str, str]:
    """Each task's level as its check defines it ("q1": "base"): the grade cells' points follow it."""
    from werkstatt.checks import Task

    module = importlib.import_module(f"werkstatt.exercises.{chapter}")
    return {name: task.level for name, task in vars(module).items() if isinstance(task, Task)}


def wanted() -> dict[Path, str]:
    """Every generated file with the text it must have."""
    files = {}
    for language in LANGUAGES:
        for source in notebooks("solutions", language):
            files[ROOT / "exercises" / language / source.name] = dumps(exercise_from_solution(read(source), language))
            chapter = "ch" + source.name.split("-", 1)[0]
            files[ROOT / NBGRADER / f"{chapter}-{language}" / source.name] = dumps(
                assignment_from_solution(read(source), language, levels(chapter)))
        files[ROOT / SOLUTIONS_DATA / f"{language}.json"] = solutions_file(language)
    return files


def main(check: bool) -> int:
    stale = []
    files = wanted()
    for target, text in files.items():
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            stale.append(str(target.relative_to(ROOT)))
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    extras = [*(ROOT / NBGRADER).glob("*/*.ipynb"), *(path for language in LANGUAGES
                                                       for path in (ROOT / "exercises" / language).glob("*.ipynb"))]
    for extra in extras:
        if extra not in files:
            stale.append(f"{extra.relative_to(ROOT)} (no solution notebook)")
            if not check:
                extra.unlink()
                if not any(extra.parent.iterdir()):
                    extra.parent.rmdir()
    if stale:
        print(("out of date: " if check else "written: ") + ", ".join(stale))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))

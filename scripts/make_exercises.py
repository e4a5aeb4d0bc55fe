#!/usr/bin/env python
"""Write what learners get from solutions/{de,en}/*.ipynb (the single source):

- exercises/<lang>/*.ipynb, the exercise notebooks (solution code replaced by stubs, written answers removed);
- werkstatt/exercises/solutions/<lang>.json, each task's solution as `q1.solution()` shows it in that language.

Usage: python scripts/make_exercises.py [--check]   (--check: exit 1 if any of them is out of date)
"""
from __future__ import annotations

import sys
from pathlib import Path

from nbtools import LANGUAGES, ROOT, SOLUTIONS_DATA, dumps, exercise_from_solution, notebooks, read, solutions_file


def wanted() -> dict[Path, str]:
    """Every generated file with the text it must have."""
    files = {}
    for language in LANGUAGES:
        for source in notebooks("solutions", language):
            files[ROOT / "exercises" / language / source.name] = dumps(exercise_from_solution(read(source), language))
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
    for language in LANGUAGES:
        for extra in (ROOT / "exercises" / language).glob("*.ipynb"):
            if extra not in files:
                stale.append(f"{extra.relative_to(ROOT)} (no solution notebook)")
                if not check:
                    extra.unlink()
    if stale:
        print(("out of date: " if check else "written: ") + ", ".join(stale))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))

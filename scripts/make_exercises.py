#!/usr/bin/env python
"""Write exercises/{de,en}/*.ipynb from solutions/{de,en}/*.ipynb (the single source).

Usage: python scripts/make_exercises.py [--check]   (--check: exit 1 if exercises/ is out of date)
"""
from __future__ import annotations

import sys

from nbtools import LANGUAGES, ROOT, dumps, exercise_from_solution, notebooks, read


def main(check: bool) -> int:
    stale = []
    for language in LANGUAGES:
        target_dir = ROOT / "exercises" / language
        target_dir.mkdir(parents=True, exist_ok=True)
        wanted = set()
        for source in notebooks("solutions", language):
            target = target_dir / source.name
            wanted.add(target.name)
            text = dumps(exercise_from_solution(read(source), language))
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(ROOT)))
                if not check:
                    target.write_text(text, encoding="utf-8")
        for extra in target_dir.glob("*.ipynb"):
            if extra.name not in wanted:
                stale.append(f"{extra.relative_to(ROOT)} (no solution notebook)")
                if not check:
                    extra.unlink()
    if stale:
        print(("out of date: " if check else "written: ") + ", ".join(stale))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))

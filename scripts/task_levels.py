#!/usr/bin/env python
"""Write which level each exercise task is into the chapter pages and the teachers' page, from `Task.level`.

Levels (werkstatt/checks.py): base (no code writing: predict, choose, change one value), code (write a small function),
challenge (optional). The text between `<!-- BEGIN TASK LEVELS -->` and `<!-- END TASK LEVELS -->` in
book/<lang>/NN-*.md (one chapter) and book/<lang>/teachers-chapters.md (all chapters) is generated: never edit it.

Usage: python scripts/task_levels.py [--check]   (--check: exit 1 if a page is out of date; make exercises runs it)
"""
from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from werkstatt.checks import LEVELS, Task
from werkstatt.i18n import text

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- BEGIN TASK LEVELS -->.*?<!-- END TASK LEVELS -->", re.S)


def tasks(chapter: int) -> list[Task]:
    module = importlib.import_module(f"werkstatt.exercises.ch{chapter:02d}")
    found = [value for value in vars(module).values() if isinstance(value, Task)]
    return sorted(found, key=lambda task: int(task.name.rsplit("q", 1)[1]))


def numbers(found: list[int]) -> str:
    """1, 2, 3, 5 -> '1–3, 5'."""
    runs, start = [], None
    for index, number in enumerate(found):
        if start is None:
            start = number
        if index + 1 == len(found) or found[index + 1] != number + 1:
            runs.append(str(start) if start == number else f"{start}–{number}")
            start = None
    return ", ".join(runs)


def chapter_line(chapter: int, language: str) -> str:
    """'7 tasks with self-checks: base level, no programming: 1–3 · programming: 4–6 · extra task: 7'."""
    found = tasks(chapter)
    parts = []
    for level in LEVELS:
        numbered = [int(task.name.rsplit("q", 1)[1]) for task in found if task.level == level]
        if numbered:
            parts.append(f"{text(f'levels.{level}', language)}: {numbers(numbered)}")
    return text("levels.summary", language, count=len(found)) + " " + " · ".join(parts)


def chapter_table(language: str) -> str:
    header = [text("levels.chapter", language)] + [text(f"levels.{level}", language) for level in LEVELS]
    rows = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    for chapter in range(1, 10):
        cells = [str(chapter)]
        for level in LEVELS:
            numbered = [int(task.name.rsplit("q", 1)[1]) for task in tasks(chapter) if task.level == level]
            cells.append(numbers(numbered) or "–")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def pages(language: str) -> dict[Path, str]:
    """Each page with a task-levels block and what belongs in it."""
    folder = ROOT / "book" / language
    wanted = {next(folder.glob(f"{chapter:02d}-*.md")): chapter_line(chapter, language) for chapter in range(1, 10)}
    wanted[folder / "teachers-chapters.md"] = chapter_table(language)
    return wanted


def main(check: bool) -> int:
    stale = []
    for language in ("de", "en"):
        for page, body in pages(language).items():
            old = page.read_text(encoding="utf-8")
            if not BLOCK.search(old):
                stale.append(f"{page.relative_to(ROOT)} (no <!-- BEGIN TASK LEVELS --> block)")
                continue
            # On one line inside a chapter page's list item (an HTML comment on a line of its own would end the
            # item); a table needs lines of its own.
            gap = "\n\n" if page.name.startswith("teachers") else ""
            new = BLOCK.sub(lambda _: f"<!-- BEGIN TASK LEVELS -->{gap}{body}{gap}<!-- END TASK LEVELS -->", old)
            if new != old:
                stale.append(str(page.relative_to(ROOT)))
                if not check:
                    page.write_text(new, encoding="utf-8")
    if stale:
        print(("out of date: " if check else "written: ") + ", ".join(stale))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))

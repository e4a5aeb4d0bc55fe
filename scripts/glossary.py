#!/usr/bin/env python
"""Write the glossary pages (book/de/glossary.md, book/en/glossary.md) from book/_data/glossary.yml.

One list of words for both editions, so a term and its translation cannot drift apart. The same file says which
variants the German edition replaced (`instead_of`); tests/test_glossary.py fails when one comes back.

Usage: python scripts/glossary.py          (writes both pages)
       python scripts/glossary.py --check  (exit 1 when a page is not what the data file gives)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "book" / "_data" / "glossary.yml"
PAGES = {"de": ROOT / "book" / "de" / "glossary.md", "en": ROOT / "book" / "en" / "glossary.md"}
OTHER = {"de": "en", "en": "de"}
HEAD = {
    "de": ("# Glossar\n\n"
           "Die Wörter, die der Kurs benutzt – immer dieselben, in jedem Kapitel, Notebook und jeder Meldung.\n"
           "Daneben steht das englische Wort, das du in Fachtexten, Programmen und Modellkarten findest.\n\n"
           "| Begriff | englisch | Bedeutung |\n|---|---|---|\n"),
    "en": ("# Glossary\n\n"
           "The words the course uses – always the same ones, in every chapter, notebook and message.\n"
           "Beside each is the German word the German edition uses.\n\n"
           "| Term | German | Meaning |\n|---|---|---|\n"),
}
FOOT = {
    "de": ("\nDiese Seite entsteht aus `book/_data/glossary.yml` (`python scripts/glossary.py`). Dort steht auch, welche "
           "Wörter der Kurs ersetzt hat; ein Test meldet, wenn eines davon wieder auftaucht.\n"),
    "en": ("\nThis page is written from `book/_data/glossary.yml` (`python scripts/glossary.py`). That file also lists "
           "the words the German edition replaced; a test reports it when one of them comes back.\n"),
}


def terms() -> list[dict]:
    entries = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for entry in entries:
        missing = {"de", "en", "de_text", "en_text"} - set(entry)
        if missing:
            raise ValueError(f"glossary entry {entry.get('de', entry)!r} lacks {sorted(missing)}")
        for pattern in entry.get("instead_of", []):
            re.compile(pattern)  # a broken pattern fails here, not silently in the test
    return entries


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def page(language: str) -> str:
    rows = sorted(terms(), key=lambda entry: entry[language].lower())
    lines = [f"| **{_cell(e[language])}** | {_cell(e[OTHER[language]])} | {_cell(e[language + '_text'])} |"
             for e in rows]
    return HEAD[language] + "\n".join(lines) + "\n" + FOOT[language]


def main(argv: list[str]) -> int:
    stale = []
    for language, path in PAGES.items():
        text = page(language)
        if "--check" in argv:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("Not current (run python scripts/glossary.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

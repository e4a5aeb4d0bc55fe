#!/usr/bin/env python
"""Put the Colab set-up cell right after the title of every notebook (idempotent).

In Colab the course's package is not installed; this cell clones the course from its home address (course.toml,
see scripts/address.py) and installs it. Anywhere else it does nothing. It is hidden in the book (tag remove-cell).

Usage: python scripts/add_colab_cell.py [--check] [chapter ...]   (--check: exit 1 when a cell is out of date)
"""
from __future__ import annotations

import nbformat

from address import COLAB_CLONE, COLAB_SETUP, home
from nbtools import LANGUAGES, ROOT, dumps, read
from werkstatt.i18n import text as message

TAG = "colab-setup"


def code() -> str:
    """The cell's code, with the course's address and branch from course.toml."""
    address = home()
    return f"""import importlib.util, sys
if "google.colab" in sys.modules and importlib.util.find_spec("werkstatt") is None:
    !{address.fill(COLAB_CLONE)}
    !{address.fill(COLAB_SETUP)}"""


def colab_cell(language: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("# " + message("colab.comment", language) + "\n" + code())
    cell.metadata["tags"] = [TAG, "remove-cell"]
    cell.pop("id", None)
    return cell


def ensure(path, language: str, check: bool = False) -> bool:
    """Put the cell into the notebook at `path` (unless `check`); True when it was missing or out of date."""
    nb = read(path)
    cells = [c for c in nb.cells if TAG not in c.metadata.get("tags", [])]
    cells.insert(1, colab_cell(language))
    nb.cells = cells
    text = dumps(nb)
    if path.read_text(encoding="utf-8") != text:
        if not check:
            path.write_text(text, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    import sys

    check = "--check" in sys.argv[1:]
    only = [part for part in sys.argv[1:] if part != "--check"]  # optional name fragments, e.g. 01 02
    stale = []
    for folder in ("notebooks", "solutions"):
        for language in LANGUAGES:
            for path in sorted((ROOT / folder / language).glob("*.ipynb")):
                if only and not any(part in path.name for part in only):
                    continue
                if ensure(path, language, check):
                    stale.append(path)
                    print(("out of date: " if check else "colab cell: ") + str(path.relative_to(ROOT)))
    if check:
        sys.exit(1 if stale else 0)
    print("now run: python scripts/make_exercises.py")

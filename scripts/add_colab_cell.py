#!/usr/bin/env python
"""Put the Colab set-up cell right after the title of every notebook (idempotent).

In Colab the course's package is not installed; this cell clones the course and installs it.
Anywhere else it does nothing. It is hidden in the book (tag remove-cell).
"""
from __future__ import annotations

import nbformat

from nbtools import LANGUAGES, ROOT, dumps, read
from werkstatt.i18n import text as message

TAG = "colab-setup"
CODE = """import importlib.util, sys
if "google.colab" in sys.modules and importlib.util.find_spec("werkstatt") is None:
    !git clone --quiet --depth 1 https://github.com/ki-werkstatt/ki-werkstatt /content/ki-werkstatt
    !bash /content/ki-werkstatt/binder/colab.sh"""


def colab_cell(language: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("# " + message("colab.comment", language) + "\n" + CODE)
    cell.metadata["tags"] = [TAG, "remove-cell"]
    cell.pop("id", None)
    return cell


def ensure(path, language: str) -> bool:
    nb = read(path)
    cells = [c for c in nb.cells if TAG not in c.metadata.get("tags", [])]
    cells.insert(1, colab_cell(language))
    nb.cells = cells
    text = dumps(nb)
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    import sys

    only = sys.argv[1:]  # optional name fragments, e.g. 01 02: only those chapters
    for folder in ("notebooks", "solutions"):
        for language in LANGUAGES:
            for path in sorted((ROOT / folder / language).glob("*.ipynb")):
                if only and not any(part in path.name for part in only):
                    continue
                if ensure(path, language):
                    print("colab cell:", path.relative_to(ROOT))
    print("now run: python scripts/make_exercises.py")

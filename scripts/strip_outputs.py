#!/usr/bin/env python
"""Remove outputs, execution counts and widget state from every notebook in the course."""
from __future__ import annotations

from nbtools import LANGUAGES, ROOT, dumps, read, strip

for folder in ("notebooks", "solutions", "exercises"):
    for language in LANGUAGES:
        for path in sorted((ROOT / folder / language).glob("*.ipynb")):
            text = dumps(strip(read(path)))
            if path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print("stripped", path.relative_to(ROOT))

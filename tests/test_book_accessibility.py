"""The theme fixes in book/_ext/accessibility.py do what their comments say (see tests/browser for the real pages)."""
from __future__ import annotations

import sys

from nbtools import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from accessibility import fix_markup  # noqa: E402

PAGE = """<html><head>
    <script>const THEBE_JS_URL = "x";</script>
    <script async="async" src="sphinx-thebe.js"></script>
    <script>const THEBE_JS_URL = "x";</script>
</head><body>
<button class="btn search-button-field search-button__button pst-js-only" title="Suche" aria-label="Suche" data-bs-toggle="tooltip">
 <span class="search-button__default-text">Suche</span></button>
<button class="btn theme-switch-button" aria-label="Farbmodus">
  <i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i></button>
<details><summary><span class="toctree-toggle" role="presentation"><i class="fa-solid fa-chevron-down"></i></span></summary></details>
<script>const THEBE_JS_URL = "in the body, left alone";</script>
</body></html>"""


def test_fix_markup_names_the_controls_and_drops_repeated_scripts():
    fixed = fix_markup(PAGE, "de")
    assert 'aria-label="Suche"' not in fixed and ">Suche</span>" in fixed
    assert 'title="Light"' not in fixed and 'aria-label="Farbmodus"' in fixed
    assert '<summary aria-label="Unterkapitel zeigen oder verbergen">' in fixed
    head = fixed.split("</head>")[0]
    assert head.count('const THEBE_JS_URL = "x";') == 1 and 'src="sphinx-thebe.js"' in head
    assert "in the body, left alone" in fixed


def test_fix_markup_is_idempotent_and_speaks_the_edition_language():
    once = fix_markup(PAGE, "en")
    assert fix_markup(once, "en") == once
    assert '<summary aria-label="Show or hide sections">' in once

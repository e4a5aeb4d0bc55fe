"""Small, targeted fixes to the theme's markup so that every page passes axe-core.

Measured on a stock Jupyter Book 1.0.4 build (sphinx-book-theme 1.3.0, pydata-sphinx-theme 0.17.1),
every page had these problems; each fix below names the problem it solves. The tests in
tests/browser/ run axe-core on every built page and fail on any "serious" or "critical" violation,
so a theme update that brings one back is caught.

1. label-content-name-mismatch (serious, WCAG 2.5.3 "Label in Name"): the search buttons show
   "Search Ctrl+K" but are named aria-label="Search"; speech-input users who say what they see
   do not reach them. Fix: drop the aria-label, so the visible text is the name.
2. summary-name (serious, WCAG 4.1.2): the navigation's collapse toggles are <summary> elements
   holding only an icon, so a screen reader announces nothing. Fix: give each one a name in the
   edition's language.
3. label-content-name-mismatch (serious) on the colour-mode button: its icons carry titles
   ("System Settings") that become its visible name, unlike its aria-label "Color mode". Fix: drop
   the icons' titles; the button keeps its name and its tooltip.
4. Console error "Identifier 'THEBE_JS_URL' has already been declared": the inline configuration
   scripts of sphinx-thebe and sphinx-togglebutton appear twice in every page's head. Fix: drop
   exact repeats of attribute-less inline scripts.
5. Console error "Got invalid theme mode": the theme starts with an empty colour mode until a
   visitor picks one. Fix: html_context default_mode "auto" (follow the operating system's setting).
"""
from __future__ import annotations

import re
from pathlib import Path

from werkstatt.i18n import text as message

SEARCH_BUTTON = re.compile(r'(<button class="[^"]*search-button-field[^"]*"[^>]*?) aria-label="[^"]*"')
EMPTY_SUMMARY = re.compile(r"<summary>(?=<span class=\"toctree-toggle\")")
MODE_ICON = re.compile(r'(<i class="theme-switch [^"]*" data-mode="[a-z]+") +title="[^"]*"')
INLINE_SCRIPT = re.compile(r"[ \t]*<script>[^<]*</script>\n?")


def _drop_repeated_inline_scripts(page: str) -> str:
    seen: set[str] = set()

    def keep_first(match: re.Match) -> str:
        code = match.group(0).strip()
        if code in seen:
            return ""
        seen.add(code)
        return match.group(0)

    head, separator, body = page.partition("</head>")
    return INLINE_SCRIPT.sub(keep_first, head) + separator + body


def fix_markup(page: str, language: str) -> str:
    """Fixes 1 to 4, applied to one page's HTML (idempotent)."""
    page = SEARCH_BUTTON.sub(r"\1", page)
    page = MODE_ICON.sub(r"\1", page)
    label = message("book.toggle_sections", language)  # English where the language has no message file
    page = EMPTY_SUMMARY.sub(f'<summary aria-label="{label}">', page)
    return _drop_repeated_inline_scripts(page)


def _default_mode(app, config) -> None:
    # pydata-sphinx-theme reads it from the page context, not from html_theme_options
    config.html_context = {**(config.html_context or {}), "default_mode": "auto"}


def _fix_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    language = app.config.language or "en"
    for path in Path(app.outdir).rglob("*.html"):
        if "_static" in path.parts:
            continue
        page = path.read_text(encoding="utf-8")
        fixed = fix_markup(page, language)
        if fixed != page:
            path.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("config-inited", _default_mode)
    app.connect("build-finished", _fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

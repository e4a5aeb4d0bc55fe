"""The book's chrome (buttons, menus, tooltips, search box, search page) in the edition's language.

Where the words come from, and what this extension adds:
- Sphinx and pydata-sphinx-theme translate through the "sphinx" message catalogue. The course's own
  catalogue, book/locales/<language>/LC_MESSAGES/sphinx.po, comes first because `locale_dirs` in
  _config*.yml names it (Sphinx's standard way); it fills gaps and says "du" where the theme says "Sie".
- sphinx-book-theme asks a catalogue of its own ("booktheme"). Its German file lacks most of the words
  in the header ("Source repositories", "Open issue", "Launch interactive content") and says "Sie".
  This extension puts book/locales/<language>/LC_MESSAGES/booktheme.po in front of it.
- Jupyter Book sets the search box's text to "Search this book..." in the theme options; it is
  translated here through the "sphinx" catalogue.
- The search page's messages ("Search finished, found ...") live in _static/translations.js, which
  Sphinx copies from its own files only; after the build, the course's translations go into it.
- Theme templates that write English without asking any catalogue are overridden in book/_templates.
"""
from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

from babel.messages.pofile import read_po
from sphinx import locale

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "book" / "locales"
THEME_CATALOGUE = "booktheme"  # sphinx-book-theme's MESSAGE_CATALOG_NAME
SEARCH_BAR_TEXT = "Search this book..."  # what Jupyter Book 1.x puts in html_theme_options
TRANSLATIONS_JS = re.compile(r"Documentation\.addTranslations\((\{.*\})\);?", re.DOTALL)


def read_catalogue(language: str, domain: str) -> dict[str, str]:
    """msgid -> msgstr of book/locales/<language>/LC_MESSAGES/<domain>.po (translated entries only)."""
    path = LOCALES / language / "LC_MESSAGES" / f"{domain}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    return {message.id: message.string for message in catalogue
            if message.id and isinstance(message.id, str) and message.string}


class Catalogue(gettext.NullTranslations):
    """A gettext translator from a dict; what it lacks, its fallback (the theme's own catalogue) answers."""

    def __init__(self, messages: dict[str, str]):
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        if message in self.messages:
            return self.messages[message]
        return self._fallback.gettext(message) if self._fallback else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self._fallback:
            return self._fallback.ngettext(singular, plural, n)
        return singular if n == 1 else plural


def put_first(language: str, domain: str, namespace: str = "general") -> bool:
    """Make the course's catalogue answer first for `domain`, the existing translator second."""
    messages = read_catalogue(language, domain)
    if not messages:
        return False
    ours = Catalogue(messages)
    existing = locale.translators.get((namespace, domain))
    if existing is not None and existing.__class__ is not gettext.NullTranslations:
        ours.add_fallback(existing)
    # A catalogue the theme registers later (Sphinx's locale.init) becomes a fallback of ours.
    locale.translators[(namespace, domain)] = ours
    return True


def _configure(app, config) -> None:
    language = config.language or "en"
    put_first(language, THEME_CATALOGUE)
    options = dict(config.html_theme_options or {})
    if options.get("search_bar_text") == SEARCH_BAR_TEXT:
        options["search_bar_text"] = locale._(SEARCH_BAR_TEXT)
        config.html_theme_options = options


def translate_search_messages(script: str, messages: dict[str, str]) -> str:
    """translations.js with the course's words for the messages it holds (Sphinx's own stay where we have none)."""
    match = TRANSLATIONS_JS.search(script)
    if not match or not messages:
        return script
    data = json.loads(match.group(1))
    known = data.setdefault("messages", {})
    for message_id in known:
        if messages.get(message_id):
            known[message_id] = messages[message_id]
    return script[:match.start()] + f"Documentation.addTranslations({json.dumps(data, indent=4)});" + script[match.end():]


def _translate_search_page(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / "_static" / "translations.js"
    if path.is_file():
        script = path.read_text(encoding="utf-8")
        translated = translate_search_messages(script, read_catalogue(app.config.language or "en", "sphinx"))
        if translated != script:
            path.write_text(translated, encoding="utf-8")


def setup(app):
    # After sphinx-book-theme's own config-inited handler (priority 500), which sets its options.
    app.connect("config-inited", _configure, priority=800)
    app.connect("build-finished", _translate_search_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

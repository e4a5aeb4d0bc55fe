"""Link every page of one edition to the same page of the other edition.

Both editions are built separately (see scripts/build_book.py) and published side by side:
site/de/... and site/en/.... The same file name in de/ and en/ is the same chapter, so the
counterpart of `notebooks/de/01-language-model` is `notebooks/en/01-language-model`.
"""
from __future__ import annotations

import html

from werkstatt.i18n import text as message

OTHER = {"de": "en", "en": "de"}


def counterpart_docname(docname: str, language: str) -> str:
    other = OTHER[language]
    return "/".join(other if part == language else part for part in docname.split("/"))


def counterpart_url(docname: str, language: str) -> str:
    """Relative URL from this page to its counterpart in the other edition's build."""
    up = "../" * (docname.count("/") + 1)
    return f"{up}{OTHER[language]}/{counterpart_docname(docname, language)}.html"


def _add_link(app, pagename, templatename, context, doctree):
    language = app.config.language
    if language not in OTHER or doctree is None:
        return
    other = OTHER[language]
    url = html.escape(counterpart_url(pagename, language))
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{other}" href="{url}">')
    label = message("book.counterpart_link", other)  # in the other edition's language
    banner = (f'<p class="edition-switch"><a href="{url}" hreflang="{other}" lang="{other}">'
              f'<span aria-hidden="true">🌐</span> {label}</a></p>\n')  # the globe is decoration
    context["body"] = banner + context.get("body", "")


def setup(app):
    app.connect("html-page-context", _add_link)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

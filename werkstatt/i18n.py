"""The course's two languages: which one is active, and the message catalogue.

Every sentence a learner can see goes through `msg()`. Each module registers its own
messages next to the code that uses them, so a chapter's messages live with the chapter.
"""
from __future__ import annotations

import os
import string

LANGUAGES = ("de", "en")
_catalogue: dict[str, dict[str, str]] = {}
_language = os.environ.get("WERKSTATT_LANG", "de") if os.environ.get("WERKSTATT_LANG") in LANGUAGES else "de"


def register(messages: dict[str, dict[str, str]]) -> None:
    """Add messages (key -> {"de": ..., "en": ...}) to the catalogue."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGUAGES if lang not in texts]
        if missing:
            raise ValueError(f"message {key!r} lacks {missing}")
        _catalogue[key] = texts


def set_language(language: str) -> None:
    """Choose the edition's language ("de" or "en")."""
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {language!r}")
    _language = language


def get_language() -> str:
    """The language messages are shown in."""
    return _language


def msg(key: str, **values: object) -> str:
    """The message `key` in the active language, with `values` filled in."""
    return _catalogue[key][_language].format(**values)


def catalogue() -> dict[str, dict[str, str]]:
    """A copy of all registered messages (for tests)."""
    return {key: dict(texts) for key, texts in _catalogue.items()}


def placeholders(text: str) -> set[str]:
    """The `{names}` a message fills in; both languages must use the same ones."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def num(value: float, digits: int = 0) -> str:
    """A number written the edition's way: 1.714.701 and 2,416 in German, 1,714,701 and 2.416 in English."""
    text = f"{value:,.{digits}f}"
    if _language == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text

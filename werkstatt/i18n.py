"""The course's languages: which one is active, the message catalogue, and numbers written the edition's way.

Every sentence a learner can see goes through `msg()`. The sentences themselves are data, not code: one gettext
file per language, `werkstatt/locale/<language>/LC_MESSAGES/werkstatt.po`, read with Babel. Each entry's msgid is a
dotted key ("ch01.q1.hint"), its msgstr the text with `{placeholders}` as in `str.format`. Why .po: it is the format
translation tools (Poedit, Weblate) and the book's own Sphinx translations use, so a translator learns one format.

A language is available as soon as its file exists. English is the fallback: a key that a language lacks (or leaves
empty) is shown in English, so a half-translated third edition already runs.
"""
from __future__ import annotations

import os
import string
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "werkstatt"
FALLBACK = "en"
EDITIONS = ("de", "en")  # the two complete editions; tests hold both to every key

_catalogues: dict[str, dict[str, str]] = {}


def _read_po(path: Path) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalogue = read_po(handle, domain=DOMAIN)
    return {message.id: message.string for message in catalogue
            if message.id and message.string and not message.fuzzy}


def reload(locale_dir: Path | None = None) -> None:
    """Read every language's message file again (from `locale_dir`, default: the package's own)."""
    global LOCALE_DIR
    if locale_dir is not None:
        LOCALE_DIR = Path(locale_dir)
    _catalogues.clear()
    for path in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        _catalogues[path.parent.parent.name] = _read_po(path)
    if FALLBACK not in _catalogues:
        raise RuntimeError(f"{LOCALE_DIR}/{FALLBACK}/LC_MESSAGES/{DOMAIN}.po is missing: it is every language's fallback")


def languages() -> tuple[str, ...]:
    """The languages that have a message file."""
    if not _catalogues:
        reload()
    return tuple(_catalogues)


def _initial_language() -> str:
    wanted = os.environ.get("WERKSTATT_LANG", "")
    return wanted if wanted in languages() else "de"


_language = _initial_language()


def set_language(language: str) -> None:
    """Choose the language messages are shown in ("de", "en", or any language with a message file)."""
    global _language
    if language not in languages():
        raise ValueError(f"language must be one of {languages()}, not {language!r}")
    _language = language


def get_language() -> str:
    """The language messages are shown in."""
    return _language


def text(key: str, language: str | None = None, /, **values: object) -> str:
    """The message `key` in `language` (default: the active one), English where that language lacks it."""
    if not _catalogues:
        reload()
    template = _catalogues.get(language or _language, {}).get(key) or _catalogues[FALLBACK].get(key)
    if template is None:
        raise KeyError(f"no message {key!r} in {LOCALE_DIR}/{FALLBACK}/LC_MESSAGES/{DOMAIN}.po")
    return template.format(**values)


def msg(key: str, /, **values: object) -> str:
    """The message `key` in the active language, with `values` filled in."""
    return text(key, None, **values)


def catalogue(language: str) -> dict[str, str]:
    """A copy of one language's messages, without the fallback (for tests and translators)."""
    languages()
    return dict(_catalogues.get(language, {}))


def placeholders(template: str) -> set[str]:
    """The `{names}` a message fills in; every language must use the same ones."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def num(value: float, digits: int = 0, language: str | None = None) -> str:
    """A number written the language's way (Babel, CLDR data): 1.714.701 and 2,416 in German, 1,714,701 and 2.416
    in English."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=language or _language, decimal_quantization=True)


def percent(share: float, language: str | None = None) -> str:
    """A share (0.87) as a whole percentage written the language's way: "87 %" in German, "87%" in English."""
    from babel.numbers import format_percent

    return format_percent(share, locale=language or _language)


def decimal(value: float, language: str | None = None) -> str:
    """A number with up to three decimals, written the language's way (for tables): 0,75 in German, 0.75 in English."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.###", locale=language or _language)

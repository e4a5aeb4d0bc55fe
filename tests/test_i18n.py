"""Every message exists in both languages with the same placeholders."""
import importlib
import pkgutil

import pytest

import werkstatt
from werkstatt import i18n


def _import_all():
    for module in pkgutil.walk_packages(werkstatt.__path__, "werkstatt."):
        importlib.import_module(module.name)


_import_all()
CATALOGUE = i18n.catalogue()


def test_catalogue_is_not_empty():
    assert len(CATALOGUE) > 20


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_message_in_both_languages_with_same_placeholders(key):
    texts = CATALOGUE[key]
    assert texts["de"].strip() and texts["en"].strip()
    assert i18n.placeholders(texts["de"]) == i18n.placeholders(texts["en"])


def test_language_switch_changes_the_message():
    i18n.set_language("de")
    german = i18n.msg("check.correct")
    i18n.set_language("en")
    assert i18n.msg("check.correct") != german


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_register_refuses_a_message_missing_a_language():
    with pytest.raises(ValueError):
        i18n.register({"test.only_german": {"de": "nur deutsch"}})


def test_numbers_are_written_the_editions_way():
    i18n.set_language("de")
    assert (i18n.num(1714701), i18n.num(2.4157, 3)) == ("1.714.701", "2,416")
    i18n.set_language("en")
    assert (i18n.num(1714701), i18n.num(2.4157, 3)) == ("1,714,701", "2.416")

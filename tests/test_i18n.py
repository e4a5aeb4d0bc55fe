"""The message files: both editions complete and alike, no key unused or missing, a third language falls back."""
from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

from werkstatt import i18n

ROOT = Path(__file__).resolve().parents[1]
# Code that shows messages: the package, the scripts that write notebooks, figures and tables, the book's extensions.
CODE = [*ROOT.glob("werkstatt/**/*.py"), *ROOT.glob("scripts/*.py"), *ROOT.glob("book/_ext/*.py")]
KEY_SHAPE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_-]+)+$")


def _strings_in_code() -> tuple[set[str], set[str]]:
    """Every plain string constant in the code, and the beginnings of keys built at run time: the constant start of
    an f-string (f"fmti.{name}") or a constant that ends in "." or "_" and is added to ("release.artifact." + key)."""
    constants, prefixes = set(), set()
    for path in CODE:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        in_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstrings:
                constants.add(node.value)
                if node.value.endswith((".", "_")):
                    prefixes.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                prefixes.add(node.values[0].value)
    return constants, prefixes


def _task_names() -> set[str]:
    """Names of the exercise tasks: their hints are the messages "<name>.hint"."""
    names = set()
    for path in ROOT.glob("werkstatt/exercises/ch*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Task":
                names.add(node.args[0].value)
    return names


CONSTANTS, PREFIXES = _strings_in_code()
ENGLISH, GERMAN = i18n.catalogue("en"), i18n.catalogue("de")


def test_catalogue_is_not_empty():
    assert len(ENGLISH) > 300


def test_both_editions_have_the_same_keys():
    assert sorted(set(ENGLISH) - set(GERMAN)) == [], "missing in the German message file"
    assert sorted(set(GERMAN) - set(ENGLISH)) == [], "missing in the English message file"


@pytest.mark.parametrize("language", i18n.languages())
def test_every_message_uses_the_english_placeholders(language):
    wrong = [key for key, template in i18n.catalogue(language).items()
             if i18n.placeholders(template) != i18n.placeholders(ENGLISH.get(key, template))]
    assert wrong == []


def test_every_message_can_be_filled_in():
    for key, template in ENGLISH.items():
        values = {name: 1 for name in i18n.placeholders(template)}
        for language in i18n.EDITIONS:
            i18n.text(key, language, **values)  # a stray brace would raise here


def test_no_key_is_unused():
    hints = {f"{name}.{step}" for name in _task_names() for step in ("hint", "hint2")}  # Task.hint_keys()
    unused = [key for key in ENGLISH
              if key not in CONSTANTS and key not in hints and not any(key.startswith(p) for p in PREFIXES if "." in p)]
    assert unused == [], "delete these from every message file, or use them"


def test_no_key_in_the_code_is_missing():
    namespaces = {key.split(".")[0] for key in ENGLISH}
    file_names = re.compile(r"\.(json|py|txt|md|csv|po|safetensors)$")
    looks_like_a_key = {s for s in CONSTANTS if KEY_SHAPE.match(s) and s.split(".")[0] in namespaces
                        and not file_names.search(s)} - _task_names()
    assert sorted(looks_like_a_key - set(ENGLISH)) == []


def test_every_task_has_a_hint():
    assert sorted(f"{name}.hint" for name in _task_names() if f"{name}.hint" not in ENGLISH) == []


def test_the_checks_above_can_fail(tmp_path):
    """The unused-key and missing-key checks see through the code: an invented key is caught both ways."""
    assert "check.correct" in CONSTANTS and "check.correct" in ENGLISH
    assert "check.no_such_message" not in CONSTANTS
    assert not any("check.no_such_message".startswith(p) for p in PREFIXES if "." in p)


def test_language_switch_changes_the_message():
    i18n.set_language("de")
    german = i18n.msg("check.correct")
    i18n.set_language("en")
    assert i18n.msg("check.correct") != german


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        i18n.set_language("xx")


def test_numbers_are_written_the_languages_way():
    assert (i18n.num(1714701, language="de"), i18n.num(2.4157, 3, language="de")) == ("1.714.701", "2,416")
    assert (i18n.num(1714701, language="en"), i18n.num(2.4157, 3, language="en")) == ("1,714,701", "2.416")
    assert i18n.num(3920, language="de") == "3.920" and i18n.num(55.04, 1, language="de") == "55,0"
    assert (i18n.percent(0.874, language="de"), i18n.percent(0.874, language="en")) == ("87\xa0%", "87%")


@pytest.fixture
def third_language(tmp_path):
    """The package's message files plus a French one with a single message, as a translator would start."""
    locale = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, locale)
    french = locale / "fr" / "LC_MESSAGES" / "werkstatt.po"
    french.parent.mkdir(parents=True)
    french.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                      'msgid "check.correct"\nmsgstr "Juste !"\n\n'
                      '#, fuzzy\nmsgid "check.wrong"\nmsgstr "Pas encore (pas relu)."\n', encoding="utf-8")
    original = i18n.LOCALE_DIR
    i18n.reload(locale)
    yield "fr"
    i18n.reload(original)
    i18n.set_language("de")


def test_a_partial_third_language_loads_and_falls_back_to_english(third_language):
    import werkstatt

    assert "fr" in i18n.languages()
    werkstatt.start("fr")  # the notebooks' first cell works in the new language
    assert i18n.msg("check.correct") == "Juste !"
    assert i18n.msg("check.wrong") == ENGLISH["check.wrong"]  # fuzzy: not yet reviewed, so English is shown
    assert i18n.msg("check.unattempted") == ENGLISH["check.unattempted"]  # not translated yet
    assert i18n.num(1714701.5, 1) == "1\u202f714\u202f701,5"  # numbers already follow French rules (Babel)


def test_a_language_without_packaged_speeches_gets_a_sentence_not_a_traceback(third_language):
    from werkstatt import data
    from werkstatt.errors import WerkstattError

    i18n.set_language("fr")
    with pytest.raises(WerkstattError, match="upload a text of your own"):
        data.load_speeches()


def test_a_missing_english_file_is_explained(tmp_path):
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    original = i18n.LOCALE_DIR
    try:
        with pytest.raises(RuntimeError, match="fallback"):
            i18n.reload(tmp_path)
    finally:
        i18n.reload(original)


def test_tables_show_decimals_the_editions_way():
    import pandas as pd

    import werkstatt

    try:
        werkstatt.start("de")
        assert "0,75" in repr(pd.DataFrame({"share": [0.75]})) and "1.234,568" in pd.DataFrame({"x": [1234.5678]}).to_html()
        werkstatt.start("en")
        assert "0.75" in repr(pd.DataFrame({"share": [0.75]}))
    finally:
        pd.reset_option("display.float_format")
        i18n.set_language("de")

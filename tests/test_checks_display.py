"""What a learner sees of a check: icons instead of English status words, code marked as code, a German comma caught."""
from __future__ import annotations

import pytest

from werkstatt import i18n
from werkstatt.checks import Status
from werkstatt.exercises import ch01, ch08


@pytest.mark.parametrize("language", ["de", "en"])
def test_not_attempted_box_shows_code_as_code_and_no_english_status_word(language):
    i18n.set_language(language)
    result = ch01.q4.evaluate(None)
    assert result.status is Status.UNATTEMPTED
    assert "<code>None</code>" in result._repr_html_() and "`" not in result._repr_html_()
    assert not repr(result).startswith("unattempted") and repr(result).startswith("ℹ️")


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_german_decimal_comma_gets_a_sentence_not_a_type_error(language, monkeypatch):
    monkeypatch.delenv("WERKSTATT_EXPECT", raising=False)
    i18n.set_language(language)
    result = ch08.q2.check(-1, 8)
    assert result.status is Status.WRONG and result.key == "check.comma"
    assert "-1.8" in result.message


def test_wrong_answers_say_not_quite_only_once():
    for language in ("de", "en"):
        opening = i18n.text("check.wrong", language).rstrip(".").lower()
        for key, template in i18n.catalogue(language).items():
            if key.startswith("ch") and ".q" in key:
                start = template.lower()
                assert not start.startswith(("nicht ganz", "das passt noch nicht", "not quite", "not yet")), key
        assert opening

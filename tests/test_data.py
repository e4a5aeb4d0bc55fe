"""Corpus loading and the learner's own text: good input works, bad input gets a clear message."""
from __future__ import annotations

import pytest

from werkstatt import data, i18n
from werkstatt.errors import WerkstattError

GOOD = ("Die Abgeordneten debattieren über den Haushalt. " * 100).encode("utf-8")


@pytest.fixture(autouse=True)
def german():
    i18n.set_language("de")
    yield
    i18n.set_language("de")


@pytest.mark.parametrize("language, party", [("de", "SPD"), ("en", "Lab")])
def test_speeches_load_offline_as_dataset(language, party):
    speeches = data.load_speeches(language)
    assert speeches.num_rows == 1000
    assert {"text", "party", "date", "speaker"} <= set(speeches.column_names)
    assert party in set(speeches["party"])
    assert " ," not in speeches[0]["text"]  # tokenised spacing undone
    assert len(data.speeches_text(language)) > 1_000_000


def test_speeches_support_the_datasets_api():
    split = data.load_speeches("en").train_test_split(test_size=0.1, seed=0)
    assert split["train"].num_rows == 900 and split["test"].num_rows == 100


def test_good_utf8_text_is_accepted():
    text, encoding = data.decode_text(GOOD, "rede.txt")
    assert text.startswith("Die Abgeordneten") and encoding == "utf-8-sig"


def test_utf8_with_bom_loses_the_bom():
    text, _ = data.decode_text(b"\xef\xbb\xbf" + GOOD, "bom.txt")
    assert text.startswith("Die")


def test_windows_encoded_german_is_decoded_with_umlauts():
    text, encoding = data.decode_text("Grüße aus Köln – schön".encode("cp1252"), "alt.txt")
    assert text == "Grüße aus Köln – schön" and encoding == "cp1252"


def test_utf16_with_bom_is_decoded():
    text, _ = data.decode_text("Übung macht den Meister".encode("utf-16"), "u16.txt")
    assert text == "Übung macht den Meister"


@pytest.mark.parametrize("content", [b"", b"   \n\n  "])
def test_empty_file_gets_a_message(content):
    with pytest.raises(WerkstattError, match="leer"):
        data.decode_text(content, "leer.txt")


@pytest.mark.parametrize("content, kind", [(b"%PDF-1.7 ...", "PDF"), (b"PK\x03\x04rest", "ZIP"),
                                           (b"\x00\x01\x02binary\x00", "Binär")])
def test_binary_file_gets_a_message(content, kind):
    with pytest.raises(WerkstattError, match=kind):
        data.decode_text(content, "bild.bin")


def test_huge_file_gets_a_message():
    with pytest.raises(WerkstattError, match="MB"):
        data.decode_text(b"a" * (data.MAX_TEXT_BYTES + 1), "riesig.txt")


def test_too_short_text_gets_a_message_in_english_too():
    i18n.set_language("en")
    with pytest.raises(WerkstattError, match="at least 2,000 characters"):
        data.check_long_enough("too short")


def test_missing_file_gets_a_message(tmp_path):
    with pytest.raises(WerkstattError, match="gibt es nicht"):
        data.read_text_file(tmp_path / "fehlt.txt")


def test_read_text_file_notes_a_legacy_encoding(tmp_path, capsys):
    path = tmp_path / "alt.txt"
    path.write_bytes(("Grüße " * 500).encode("latin-1"))
    assert data.read_text_file(path).startswith("Grüße")
    assert "UTF-8" in capsys.readouterr().out


def test_upload_keeps_the_previous_text_after_a_bad_upload(capsys):
    upload = data.TextUpload()
    assert upload.text_or("Reden") == "Reden"
    assert upload.receive(GOOD, "gut.txt")
    assert not upload.receive(b"", "leer.txt")
    assert not upload.receive(b"%PDF-1.4", "x.pdf")
    assert not upload.receive(b"kurz", "kurz.txt")
    assert upload.text == GOOD.decode() and upload.name == "gut.txt"
    out = capsys.readouterr().out
    assert "leer" in out and "PDF" in out and "bleibt erhalten" in out
    assert "Traceback" not in out


def test_split_keeps_order_and_sizes():
    train, val = data.split_text("abcdefghij", 0.9)
    assert (train, val) == ("abcdefghi", "j")


def test_upload_and_size_messages_write_numbers_the_editions_way():
    i18n.set_language("de")
    with pytest.raises(WerkstattError, match="mindestens 2.000 Zeichen"):
        data.check_long_enough("zu kurz")
    with pytest.raises(WerkstattError, match=r"21,0 MB"):
        data.decode_text(b"a" * 21_000_000, "gross.txt")
    i18n.set_language("en")
    with pytest.raises(WerkstattError, match=r"21\.0 MB"):
        data.decode_text(b"a" * 21_000_000, "big.txt")

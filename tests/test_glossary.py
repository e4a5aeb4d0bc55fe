"""One German: the glossary pages come from one data file, are in both tables of contents and linked from every
chapter page; a word the German edition replaced (`instead_of` in book/_data/glossary.yml) must not come back."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from babel.messages.pofile import read_po

import glossary
from nbtools import LANGUAGES, ROOT

CHAPTER_PAGES = "0[0-9]-*.md"


def replaced_variants() -> list[tuple[str, re.Pattern]]:
    return [(entry["de"], re.compile(pattern)) for entry in glossary.terms() for pattern in entry.get("instead_of", [])]


def german_texts():
    """(where, text) for every German page, the text of every German notebook and every German message."""
    for page in sorted((ROOT / "book" / "de").glob("*.md")):
        if page.name != "glossary.md":
            yield page.relative_to(ROOT).as_posix(), page.read_text(encoding="utf-8")
    for notebook in sorted((ROOT / "notebooks" / "de").glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells, start=1):
            if cell["cell_type"] == "markdown":
                yield f"{notebook.relative_to(ROOT).as_posix()} cell {number}", "".join(cell["source"])
    po = ROOT / "werkstatt" / "locale" / "de" / "LC_MESSAGES" / "werkstatt.po"
    with po.open("rb") as handle:
        for message in read_po(handle):
            if message.id and message.string:
                yield f"werkstatt.po {message.id}", message.string


def variants_in(texts) -> list[str]:
    patterns = replaced_variants()
    return [f"{where}: »{match.group(0)}« (the course says »{term}«)"
            for where, text in texts for term, pattern in patterns for match in pattern.finditer(text)]


def test_pages_are_written_from_the_data_file():
    for language, path in glossary.PAGES.items():
        assert path.read_text(encoding="utf-8") == glossary.page(language), \
            f"{path.name} ({language}) is not current: run python scripts/glossary.py"


def test_every_term_has_both_languages_and_valid_patterns():
    entries = glossary.terms()
    assert len({entry["de"] for entry in entries}) == len(entries), "a German term appears twice"
    assert any(entry.get("instead_of") for entry in entries)


@pytest.mark.parametrize("language", LANGUAGES)
def test_glossary_is_in_the_table_of_contents(language):
    toc = ROOT / ("_toc.yml" if language == "de" else "_toc.en.yml")
    assert f"file: book/{language}/glossary" in toc.read_text(encoding="utf-8")
    yaml.safe_load(toc.read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_chapter_page_links_to_the_glossary(language):
    pages = sorted((ROOT / "book" / language).glob(CHAPTER_PAGES))
    assert len(pages) >= 10
    unlinked = [page.name for page in pages if "{doc}`glossary`" not in page.read_text(encoding="utf-8")]
    assert not unlinked, f"no link to the glossary on: {unlinked}"


def test_no_replaced_variant_in_the_german_edition():
    found = variants_in(german_texts())
    assert not found, "replaced words are back:\n" + "\n".join(found)


def test_the_check_finds_a_replaced_variant():
    planted = [("page", "Wir prüfen auf dem Testsatz, ob der Validierungs-Loss sinkt."),
               ("page", "Die Stufen der Veröffentlichung und der Selbsttest sind richtig.")]
    found = variants_in(planted)
    assert len(found) == 2 and any("Testdaten" in line for line in found) and any("Verlust" in line for line in found)
    assert not variants_in([("page", "In jedem Testsatz steht ein Beruf; die Testdaten haben acht Testsätze.")])

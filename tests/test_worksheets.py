"""The printable worksheets and answer keys (scripts/worksheets.py, `make worksheets`): every PDF is opened and read.

Each PDF must be A4, of a sensible length, in its edition's language, and name every task of its chapter (with the
task's level), the reflection questions and, on the worksheet, the key figure's caption; the answer key must show the
self-check's feedback on mistakes. The tasks come from the solution notebooks, so the test follows a renumbering.
Printing needs Chromium and MathJax (make browser-setup): without them the PDF tests are skipped, except in CI.
"""
from __future__ import annotations

import os
import re
import sys
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import worksheets  # noqa: E402

from werkstatt import i18n  # noqa: E402
from werkstatt.checks import Task  # noqa: E402

A4 = (595.28, 841.89)  # points
KINDS = ("worksheet", "answer-key")
TITLE_KEYS = {"worksheet": "worksheet.pupil_title", "answer-key": "worksheet.key_title"}
COMMON_WORDS = {"de": re.compile(r"\b(der|die|das|und|nicht|ist)\b"), "en": re.compile(r"\b(the|and|not|is|of)\b")}


def in_language(text: str, language: str) -> bool:
    """Mostly the edition's own common words (code and names in the text are English in both editions)."""
    other = "en" if language == "de" else "de"
    return len(COMMON_WORDS[language].findall(text)) > 3 * len(COMMON_WORDS[other].findall(text))


def flat(text: str) -> str:
    """Text to compare: ligatures (ﬁ) unfolded, line breaks and spaces gone (the PDF breaks lines anywhere)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def tasks_in_module(chapter: int) -> set[str]:
    import importlib

    module = importlib.import_module(f"werkstatt.exercises.ch{chapter:02d}")
    return {value.name for value in vars(module).values() if isinstance(value, Task)}


@pytest.mark.parametrize("language", worksheets.LANGUAGES)
def test_every_chapter_has_a_sheet_with_every_task(language):
    """Read from the notebooks: each chapter 1-9, each of its tasks (as werkstatt defines them) in order, with a level."""
    sheets = worksheets.sheets(language)
    assert [sheet.chapter for sheet in sheets] == list(worksheets.CHAPTERS)
    for sheet in sheets:
        names = [task.name for task in sheet.tasks]
        assert set(names) == tasks_in_module(sheet.chapter), sheet.stem
        assert names == sorted(names, key=lambda name: int(name.rsplit("q", 1)[1])), sheet.stem
        for task in sheet.tasks:
            assert task.prompt.strip() and task.solution.strip(), task.name
            assert task.level in worksheets.LEVEL_KEYS and task.hints, task.name
            assert "BEGIN SOLUTION" not in task.prompt + task.code and "STUB" not in task.code, task.name
        assert sheet.reflections, f"{sheet.stem}: no reflection question after the last task"


def test_common_mistakes_are_the_checks_own_messages():
    sheet = worksheets.read_sheet(ROOT / "solutions" / "de" / "01-language-model.ipynb", "de")
    q1 = sheet.tasks[0]
    assert q1.name == "ch01.q1"
    assert i18n.text("ch01.q1.comma", "de") in q1.mistakes and i18n.text("ch01.q1.count", "de") in q1.mistakes
    assert i18n.text("ch01.q1.hint", "de") not in q1.mistakes  # hints are listed apart
    assert q1.hints == [i18n.text("ch01.q1.hint", "de"), i18n.text("ch01.q1.hint2", "de")]


def test_pupil_sheet_hides_the_solution_and_the_key_shows_it():
    sheet = worksheets.read_sheet(ROOT / "solutions" / "en" / "01-language-model.ipynb", "en")
    pupil, key = worksheets.render(sheet, "worksheet"), worksheets.render(sheet, "answer-key")
    solution = "Counter(zip(text, text[1:]))"
    assert solution not in pupil and solution in key
    idea = "trigram"  # the expected answer to the reflection question
    assert idea not in pupil.lower() and idea in key.lower()


# --- the PDFs themselves ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    if not worksheets.MATHJAX.exists() or not any(map(__import__("shutil").which, ("chromium", "chromium-browser"))):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must print the worksheets, but Chromium or MathJax is missing (make browser-setup)")
        pytest.skip("Chromium or MathJax missing: make browser-setup")
    out = tmp_path_factory.mktemp("worksheets")
    worksheets.write_pdfs(list(worksheets.LANGUAGES), out)
    return out


def _read(path: Path):
    from pypdf import PdfReader

    reader = PdfReader(path)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("language", worksheets.LANGUAGES)
def test_every_pdf_is_a4_in_its_language_and_names_every_task(pdfs, language):
    for sheet in worksheets.sheets(language):
        for kind in KINDS:
            path = pdfs / language / f"{sheet.stem}-{kind}.pdf"
            assert path.exists(), path.name
            reader, text = _read(path)
            where = f"{language}/{path.name}"
            assert 1 <= len(reader.pages) <= 12, f"{where}: {len(reader.pages)} pages"
            for page in reader.pages:
                size = (float(page.mediabox.width), float(page.mediabox.height))
                assert all(abs(a - b) < 2 for a, b in zip(size, A4)), f"{where}: page size {size}, not A4"
            body = flat(text)
            assert flat(i18n.text(TITLE_KEYS[kind], language, chapter=sheet.chapter)) in body, f"{where}: no title"
            assert in_language(text, language), f"{where}: not written in {language}"
            assert flat(sheet.title) in body, where
            for task in sheet.tasks:
                assert flat(task.heading) in body, f"{where}: task heading {task.heading!r} missing"
            for level in {task.level for task in sheet.tasks}:
                label = flat(i18n.text(worksheets.LEVEL_KEYS[level], language))
                count = sum(task.level == level for task in sheet.tasks)
                assert body.count(label) >= count, f"{where}: level {level!r} shown {body.count(label)}×, not {count}×"
            for reflection in sheet.reflections:
                assert flat(reflection.heading) in body, f"{where}: reflection {reflection.heading!r} missing"
            assert "\\(" not in text and "$" not in text.replace("$$", ""), f"{where}: raw TeX left in the PDF"
            if kind == "worksheet" and sheet.figure:
                assert flat(sheet.figure.caption)[:60] in body, f"{where}: figure caption missing"
            if kind == "answer-key":
                mistakes = [m for task in sheet.tasks for m in task.mistakes]
                assert mistakes and flat(mistakes[0])[:50] in body, f"{where}: common mistakes missing"


def test_german_pdfs_keep_their_umlauts(pdfs):
    _, text = _read(pdfs / "de" / "01-language-model-answer-key.pdf")
    assert "Lösungen" in text and "Häufige" in unicodedata.normalize("NFKC", text) and "»e«" in text


def test_index_links_every_pdf(pdfs):
    for language in worksheets.LANGUAGES:
        page = (pdfs / language / "index.html").read_text(encoding="utf-8")
        links = set(re.findall(r'href="([^"]+)"', page))
        assert links == {p.name for p in (pdfs / language).glob("*.pdf")}
        assert len(links) == 2 * len(worksheets.CHAPTERS)

"""The remix guide works as written: its credits follow its own TASL rule, its numbers are the code's, and its recipe
for swapping chapter 4's corpus, applied to copies of both notebooks, keeps the editions alike and runs."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from nbtools import ROOT
from test_editions import normalised_code
from werkstatt import data, i18n
from werkstatt.errors import WerkstattError

LANGUAGES = ("de", "en")
CREDITS = {"de": "## Richtig verweisen", "en": "## Crediting properly"}
RECIPE = {"de": "## Einen eigenen Text als Korpus einsetzen", "en": "## Using your own text as the corpus"}


def guide(language: str) -> str:
    return (ROOT / "book" / language / "teachers-remix.md").read_text(encoding="utf-8")


def section(language: str, heading: str) -> str:
    text = guide(language)
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def quotes(text: str) -> list[str]:
    """Each block quote as one line of text."""
    blocks, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith(">"):
            current.append(line.lstrip("> "))
        elif current:
            blocks.append(" ".join(current))
            current = []
    return blocks


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_credit_example_names_title_author_source_and_licence_with_link(language):
    examples = quotes(section(language, CREDITS[language]))
    assert len(examples) >= 5
    author = " von " if language == "de" else " by "
    for example in examples:
        assert re.search(r"»[^«]+«|'[^']+'|\*[^*]+\*", example), f"no title: {example}"
        assert author in example, f"no author: {example}"
        assert re.search(r"<https://[^>]+>|\]\(https://(?!creativecommons|opensource|www\.apache)", example), \
            f"no source link: {example}"
        assert re.search(r"\[[^\]]+\]\(https://(creativecommons\.org/licenses|opensource\.org/licen|www\.apache\.org/licenses)",
                         example), f"no licence with a link: {example}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guide_states_the_limits_the_code_applies(language):
    recipe = " ".join(section(language, RECIPE[language]).split())
    unit = "Zeichen" if language == "de" else "characters"
    assert f"{i18n.num(data.MIN_TEXT_CHARS, 0, language)} {unit}" in recipe
    assert f"{data.MAX_TEXT_BYTES // 2**20} MB" in recipe


def test_read_text_file_accepts_the_minimum_and_explains_less(tmp_path):
    enough = tmp_path / "enough.txt"
    enough.write_text("Es war einmal ein Märchen. " * (data.MIN_TEXT_CHARS // 20), encoding="utf-8")
    assert len(data.read_text_file(enough)) >= data.MIN_TEXT_CHARS
    short = tmp_path / "short.txt"
    short.write_text("Zu kurz.", encoding="utf-8")
    with pytest.raises(WerkstattError) as error:
        data.read_text_file(short)
    assert error.value.key == "data.too_short"


def recipe_code(language: str) -> tuple[str, str]:
    """The two code lines the guide tells a remixer to write: the corpus line and the example line."""
    blocks = re.findall(r"```python\n(.*?)```", section(language, RECIPE[language]), re.S)
    corpus, example = (" ".join(block.split()) for block in blocks[:2])
    return corpus, example


def apply_recipe(cells: list, corpus: str, example: str) -> list:
    """Chapter 4's code cells changed as the guide says: corpus line, example line, prompt line."""
    replacements = {"text = upload.text_or(data.speeches_text())": corpus,
                    "example = ": example, "prompt = ": "prompt = val_text[:12]"}
    changed = 0
    for cell in cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.split("\n")
        for i, line in enumerate(lines):
            for start, new in replacements.items():
                if line.startswith(start):
                    lines[i], changed = new, changed + 1
        cell.source = "\n".join(lines)
    assert changed == 3, "the guide's lines no longer match the notebook: update the recipe"
    return cells


def test_the_corpus_recipe_keeps_both_editions_alike_and_runs(tmp_path):
    books = {}
    for language in LANGUAGES:
        corpus, example = recipe_code(language)
        name = re.search(r"third_party/corpora/([\w-]+\.txt)", corpus).group(1)
        target = tmp_path / "third_party" / "corpora" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(("Es war einmal eine Königin, die wünschte sich ein Kind. " if language == "de" else
                           "Once upon a time there was a queen who wished for a child. ") * 60, encoding="utf-8")
        notebook = nbformat.read(ROOT / "notebooks" / language / "04-tiny-gpt.ipynb", as_version=4)
        notebook.cells = apply_recipe(notebook.cells, corpus, example)
        books[language] = notebook
    for de_cell, en_cell in zip(books["de"].cells, books["en"].cells):
        if de_cell.cell_type == "code":
            assert normalised_code(de_cell.source) == normalised_code(en_cell.source)
    for language, notebook in books.items():
        last = next(i for i, cell in enumerate(notebook.cells) if "CharTokenizer.from_text" in cell.source)
        notebook.cells = [cell for cell in notebook.cells[:last + 2]]  # text, split, tokenizer, its first use
        folder = tmp_path / "notebooks" / language
        folder.mkdir(parents=True)
        env = dict(os.environ, WERKSTATT_PROFILE="quick")
        client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
        with client.setup_kernel(env=env):
            client.execute(cleanup_kc=False)
        printed = json.dumps([cell.get("outputs", []) for cell in notebook.cells], ensure_ascii=False)
        assert ("Königin" if language == "de" else "queen") in printed  # the notebook read the remixer's text

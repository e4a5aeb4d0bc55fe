"""The two tables of contents (_toc.yml for de, _toc.en.yml for en) list the same course in the same shape."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nbtools import LANGUAGES, ROOT

TOC = {"de": ROOT / "_toc.yml", "en": ROOT / "_toc.en.yml"}
TRANSLATED = ("caption", "title")  # their text differs between the editions; whether they are there does not
SECTION_TITLES = {"de": {"notebooks": "Notebook zum Mitmachen", "exercises": "Übungen"},
                  "en": {"notebooks": "Hands-on notebook", "exercises": "Exercises"}}


def neutral(file: str, language: str) -> str:
    """The path with the edition folder named neutrally: book/de/01-x and book/en/01-x both give book/*/01-x."""
    return "/".join("*" if part == language else part for part in file.split("/"))


def outline(path: Path, language: str) -> list[str]:
    """One line per entry, e.g. 'parts 2 > chapters 1 > sections 1: file=notebooks/*/01-language-model title'."""
    toc = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = [f"format: {toc.get('format')}", f"root: {neutral(toc['root'], language)}"]

    def walk(key: str, entries: list[dict], prefix: str) -> None:
        for number, entry in enumerate(entries, start=1):
            where = f"{prefix}{key} {number}"
            described = []
            for name, value in sorted(entry.items()):
                if name == "file":
                    described.append(f"file={neutral(value, language)}")
                elif name in TRANSLATED:
                    described.append(name)
                elif name not in ("parts", "chapters", "sections"):
                    described.append(f"{name}={value}")
            lines.append(f"{where}: {' '.join(described)}")
            for child in ("chapters", "sections"):
                walk(child, entry.get(child, []), f"{where} > ")

    walk("parts", toc.get("parts", []), "")
    walk("chapters", toc.get("chapters", []), "")
    return lines


def files(path: Path) -> list[str]:
    """Every page the toc builds, in order, the root first."""
    toc = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            found.extend([entry["file"]] if "file" in entry else [])
            walk(entry.get("chapters", []) + entry.get("sections", []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return found


def test_both_tocs_list_the_same_files_in_the_same_parts_chapters_and_sections():
    assert outline(TOC["de"], "de") == outline(TOC["en"], "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_toc_entry_is_a_file_of_its_own_edition(language):
    for file in files(TOC[language]):
        assert language in file.split("/"), f"{file}: not a page of the {language} edition"
        assert any((ROOT / f"{file}{suffix}").is_file() for suffix in (".md", ".ipynb")), f"{file}: no such page"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_notebook_and_exercise_is_in_the_toc(language):
    # only_build_toc_files: true, so a page the toc forgets is silently left out of the book
    listed = set(files(TOC[language]))
    course = [f"book/{language}/{p.stem}" for p in (ROOT / "book" / language).glob("*.md")] + \
             [f"{folder}/{language}/{p.stem}" for folder in ("notebooks", "exercises")
              for p in (ROOT / folder / language).glob("*.ipynb")]
    assert sorted(set(course) - listed) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_chapter_lists_its_notebook_and_exercises_under_the_edition_titles(language):
    toc = yaml.safe_load(TOC[language].read_text(encoding="utf-8"))
    for chapter in (c for part in toc["parts"] for c in part["chapters"]):
        name = chapter["file"].rsplit("/", 1)[1]
        if not (ROOT / "notebooks" / language / f"{name}.ipynb").exists():
            continue
        expected = [{"file": f"{folder}/{language}/{name}", "title": title}
                    for folder, title in SECTION_TITLES[language].items()]
        assert chapter.get("sections") == expected, chapter["file"]


# --- the comparison can fail ----------------------------------------------------------------------------------

BROKEN = {
    "two chapters swapped": lambda text: text.replace("book/en/02-tokens", "TMP").replace(
        "book/en/03-attention", "book/en/02-tokens").replace("TMP", "book/en/03-attention"),
    "a section made a chapter": lambda text: text.replace(
        "        sections:\n          - file: book/en/00-for-teachers", "      - file: book/en/00-for-teachers"),
    "a title left out": lambda text: text.replace("            title: Exercises\n", "", 1),
    "a German page in the English toc": lambda text: text.replace("book/en/teachers-remix", "book/de/teachers-remix"),
    "a part split in two": lambda text: text.replace(
        "      - file: book/en/06-fine-tuning", "  - caption: More\n    chapters:\n      - file: book/en/06-fine-tuning"),
}


@pytest.mark.parametrize("breakage", BROKEN)
def test_toc_comparison_notices(breakage, tmp_path):
    english = TOC["en"].read_text(encoding="utf-8")
    broken = BROKEN[breakage](english)
    assert broken != english, "the breakage no longer applies to _toc.en.yml: update it"
    (tmp_path / "_toc.en.yml").write_text(broken, encoding="utf-8")
    assert outline(TOC["de"], "de") != outline(tmp_path / "_toc.en.yml", "en")

"""The German and English editions are the same course: same files, same cells, same code."""
from __future__ import annotations

import ast
import posixpath
import subprocess
import sys

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from nbtools import LANGUAGES, ROOT, read

FOLDERS = ("book", "notebooks", "exercises", "solutions")


def files(folder: str, language: str) -> set[str]:
    """The course's files in one edition folder: tracked or addable, not what a notebook run left there."""
    base = ROOT / folder / language
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "."],
                            cwd=base, capture_output=True, text=True)
    if listed.returncode == 0:  # in a git checkout: ignore what .gitignore ignores (releases, caches)
        return {line for line in listed.stdout.splitlines() if (base / line).is_file()}
    return {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_same_files_in_both_editions(folder):
    german, english = files(folder, "de"), files(folder, "en")
    assert german == english, f"only de: {sorted(german - english)}; only en: {sorted(english - german)}"


class _Normalise(ast.NodeTransformer):
    """Strings become empty (they are translated); f-strings keep only their {placeholders}."""

    def visit_Constant(self, node):
        return ast.Constant(value="") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):
        node.values = [self.visit(v) for v in node.values if isinstance(v, ast.FormattedValue)]
        return node


def normalised_code(source: str) -> str:
    python = TransformerManager().transform_cell(source)  # %magics and !commands become plain Python
    return ast.dump(_Normalise().visit(ast.parse(python)))


def notebook_pairs():
    for folder in ("notebooks", "exercises", "solutions"):
        for path in sorted((ROOT / folder / "de").glob("*.ipynb")):
            yield pytest.param(path, ROOT / folder / "en" / path.name, id=f"{folder}/{path.name}")


@pytest.mark.parametrize("german, english", list(notebook_pairs()))
def test_notebooks_match_cell_by_cell(german, english):
    de_cells, en_cells = read(german).cells, read(english).cells
    assert len(de_cells) == len(en_cells), "different number of cells"
    for number, (de_cell, en_cell) in enumerate(zip(de_cells, en_cells), start=1):
        where = f"cell {number}"
        assert de_cell.cell_type == en_cell.cell_type, f"{where}: cell types differ"
        assert sorted(de_cell.metadata.get("tags", [])) == sorted(en_cell.metadata.get("tags", [])), \
            f"{where}: tags differ"
        if de_cell.cell_type == "code":
            assert normalised_code(de_cell.source) == normalised_code(en_cell.source), \
                f"{where}: code differs beyond strings and comments"


def test_normalisation_ignores_strings_and_comments_but_not_code():
    assert normalised_code('x = "Hallo"  # Gruß') == normalised_code("x = 'Hello'  # greeting")
    assert normalised_code('print(f"Wert {x}")') == normalised_code('print(f"value {x}")')
    assert normalised_code("x = 1") != normalised_code("x = 2")
    assert normalised_code('print(f"{x}")') != normalised_code('print(f"{y}")')


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_book_page_starts_with_a_title(language):
    for page in sorted((ROOT / "book" / language).glob("*.md")):
        first = page.read_text(encoding="utf-8").lstrip().splitlines()
        body = [line for line in first if line.strip() and not line.startswith(("(", "---", "```", ":"))]
        assert body and body[0].startswith("# "), f"{page.name} must start with a '# ' title"


# --- the link to the other edition ---------------------------------------------------------------------------
# book/_ext/counterpart.py adds it to every page of the built book. A unit test cannot build the book, so these
# tests check the extension's functions: the page each link points to, and what it writes into a rendered page.

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import counterpart  # noqa: E402
from test_toc import TOC, files as toc_files  # noqa: E402


def toc_pages(language: str) -> set[str]:
    """Every page an edition builds (only_build_toc_files: true): the root and each `file:` in its toc."""
    return set(toc_files(TOC[language]))


def counterpart_problems(pages: dict[str, set[str]], url=counterpart.counterpart_url) -> list[str]:
    """Links from each edition's pages that do not land on a page the other edition builds."""
    problems = []
    for language, built in pages.items():
        other = counterpart.OTHER[language]
        for page in sorted(built):
            # both editions are published side by side: site/de/<page>.html and site/en/<page>.html
            here = f"site/{language}/{page}.html"
            target = posixpath.normpath(posixpath.join(posixpath.dirname(here), url(page, language)))
            linked = target.removeprefix(f"site/{other}/").removesuffix(".html")
            if not target.startswith(f"site/{other}/") or linked not in pages[other]:
                problems.append(f"{language} page {page} links {target}, which the {other} edition does not build")
    return problems


def test_counterpart_link_of_every_page_points_to_a_page_the_other_edition_builds():
    pages = {language: toc_pages(language) for language in LANGUAGES}
    assert len(pages["de"]) > 10 and counterpart_problems(pages) == []
    # that each listed page exists, and that each page is listed: tests/test_toc.py


def test_counterpart_check_notices_a_wrong_link_and_a_page_only_one_edition_builds():
    pages = {"de": {"book/de/index", "book/de/01-tokens"}, "en": {"book/en/index", "book/en/01-tokens"}}
    assert counterpart_problems(pages) == []
    one_level_short = lambda page, language: counterpart.counterpart_url(page, language)[3:]  # noqa: E731
    assert len(counterpart_problems(pages, one_level_short)) == 4
    pages["en"].discard("book/en/01-tokens")
    assert counterpart_problems(pages) == [
        "de page book/de/01-tokens links site/en/book/en/01-tokens.html, which the en edition does not build"]


def test_counterpart_url_swaps_only_the_edition_folder():
    assert counterpart.counterpart_url("book/de/01-language-model", "de") == \
        "../../../en/book/en/01-language-model.html"
    assert counterpart.counterpart_url("notebooks/en/02-tokens", "en") == "../../../de/notebooks/de/02-tokens.html"
    assert counterpart.counterpart_docname("book/de/de-en-glossary", "de") == "book/en/de-en-glossary"


class _FakeApp:
    def __init__(self, language):
        self.config = type("Config", (), {"language": language})()


def test_counterpart_link_is_added_to_a_rendered_page():
    context = {"body": "<h1>Kapitel 2</h1>", "metatags": ""}
    counterpart._add_link(_FakeApp("de"), "book/de/02-tokens", "page.html", context, doctree=object())
    url = "../../../en/book/en/02-tokens.html"
    assert context["body"].startswith(f'<p class="edition-switch"><a href="{url}" hreflang="en" lang="en">')
    assert "This page in English</a>" in context["body"] and context["body"].endswith("<h1>Kapitel 2</h1>")
    assert f'<link rel="alternate" hreflang="en" href="{url}">' in context["metatags"]


def test_counterpart_link_is_left_out_where_there_is_no_page_or_no_edition():
    for language, doctree in (("de", None), ("fr", object())):  # e.g. genindex has no doctree
        context = {"body": "<p>x</p>"}
        counterpart._add_link(_FakeApp(language), "genindex", "page.html", context, doctree)
        assert context == {"body": "<p>x</p>"}

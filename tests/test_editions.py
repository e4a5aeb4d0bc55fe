"""The German and English editions are the same course: same files, same cells, same code."""
from __future__ import annotations

import ast
import subprocess

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
def test_every_book_page_links_its_counterpart(language):
    # The counterpart link is added to every page by book/_ext/counterpart.py; here we only check
    # that the pages it links exist (same file name), which test_same_files_in_both_editions covers,
    # and that each page starts with a title.
    for page in sorted((ROOT / "book" / language).glob("*.md")):
        first = page.read_text(encoding="utf-8").lstrip().splitlines()
        body = [line for line in first if line.strip() and not line.startswith(("(", "---", "```", ":"))]
        assert body and body[0].startswith("# "), f"{page.name} must start with a '# ' title"

"""Every chapter page ends with a short reference list, and every study it names in the text is in that list."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "book" / "en").glob("0*.md")) + sorted((ROOT / "book" / "de").glob("0*.md"))
HEADING = {"en": "## Sources", "de": "## Quellen"}
# "Kapoor and others 2024", "Hewitt and Liang, 2019", "Bender & Friedman 2018", "Qi und andere 2023", "Zipf (1949)",
# "Blodgett et al. (2021)", "(Solaiman 2023)", "(…, Solaiman 2023)", "(nostalgebraist 2020)"
CITATION = re.compile(r"\b([A-ZÀ-Ý][\w-]+) (?:and|und|&) (?:others|andere|[A-ZÀ-Ý][\w-]+),? \(?((?:19|20)\d\d)\)?"
                      r"|\b([A-ZÀ-Ý][\w-]+) et al\.,? \(?((?:19|20)\d\d)\)?"
                      r"|\b([A-ZÀ-Ý][\w-]+) \(((?:19|20)\d\d)\)"
                      r"|[(;,] ?([A-Za-zÀ-ý][\w-]+),? ((?:19|20)\d\d)\)")
NOT_NAMES = {"Chapter", "Kapitel", "Art", "Regulation", "Verordnung", "Annex", "Anhang", "January", "February", "March",
             "April", "May", "June", "July", "August", "September", "October", "November", "December", "Januar",
             "Februar", "März", "Mai", "Juni", "Juli", "Oktober", "Dezember", "In", "Im", "Jahr", "since", "seit"}


def citations(text: str) -> set[tuple[str, str]]:
    """(name, year) of every author-year citation in `text`."""
    found = set()
    for match in CITATION.finditer(text):
        groups = [g for g in match.groups() if g]
        if groups[0] not in NOT_NAMES:
            found.add((groups[0], groups[1]))
    return found


def split(path: Path) -> tuple[str, str]:
    """(the page's text, its reference list); the list is the page's last section."""
    text = path.read_text(encoding="utf-8")
    heading = HEADING[path.parent.name]
    assert heading in text, f"{path.relative_to(ROOT)} has no reference list ({heading})"
    body, _, sources = text.rpartition(f"\n{heading}\n")
    assert "\n## " not in sources, f"{path.relative_to(ROOT)}: {heading} must be the last section"
    return body, sources


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_chapter_page_ends_with_a_reference_list(path):
    _, sources = split(path)
    items = [line for line in sources.splitlines() if line.startswith("- ")]
    assert items, f"{path.relative_to(ROOT)}: the reference list is empty"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_study_named_in_the_text_is_in_the_reference_list(path):
    body, sources = split(path)
    lines = [line for line in sources.splitlines() if line.startswith("- ")]
    missing = []
    for name, year in citations(body):
        if not any(name in line and year in line for line in lines):
            missing.append(f"{name} {year}")
    assert not missing, f"{path.relative_to(ROOT)} names {sorted(missing)} in the text but not in its reference list"


def test_the_check_notices_a_study_missing_from_the_list(tmp_path):
    page = tmp_path / "en" / "01-x.md"
    page.parent.mkdir()
    page.write_text("# X\n\nAs Someone and others 2020 showed.\n\n## Sources\n\n- Other, A. (2020): *T.*\n", encoding="utf-8")
    body, sources = split(page)
    assert ("Someone", "2020") in citations(body)
    assert not any("Someone" in line for line in sources.splitlines())

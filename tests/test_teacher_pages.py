"""The teachers' pages: plans whose minutes add up and come from the notebooks and measurements, titles and
misconceptions that match the chapter pages, cited frameworks, and a data-protection page that chapter 4 backs up."""
from __future__ import annotations

import json
import math
import re
import sys

import pytest

from nbtools import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import lesson_plans  # noqa: E402
import teacher_tables  # noqa: E402

LANGUAGES = ("de", "en")
CHAPTERS = range(10)


def teachers_page(language: str) -> str:
    return (ROOT / "book" / language / "teachers-chapters.md").read_text(encoding="utf-8")


def chapter_sections(language: str) -> dict[int, str]:
    """Chapter number -> its section of the teachers' page, heading included."""
    page = teachers_page(language)
    starts = [(int(m.group(1)), m.start()) for m in re.finditer(r"^## (?:Kapitel|Chapter) (\d+):", page, re.M)]
    ends = [start for _, start in starts[1:]] + [page.find("\n## ", starts[-1][1] + 1)]
    return {number: page[start:end] for (number, start), end in zip(starts, ends)}


# ---------------------------------------------------------------------------------------------------------
# One source for titles and misconceptions

@pytest.mark.parametrize("language", LANGUAGES)
def test_titles_and_misconceptions_are_the_chapter_pages_own(language):
    sections = chapter_sections(language)
    assert sorted(sections) == list(CHAPTERS)
    for number, section in sections.items():
        assert section.splitlines()[0] == f"## {lesson_plans.title(number, language)}", f"chapter {number}: title"
        wrong = lesson_plans.misconception(number, language)
        if number:
            assert wrong, f"chapter {number}: the chapter page has no misconception box"
            assert wrong in section, f"chapter {number}: the misconception differs from the chapter page"


def test_a_changed_chapter_page_makes_the_teachers_page_stale(monkeypatch):
    """The check sees through the markers: rename a chapter on its page, and the teachers' page is out of date."""
    page = teachers_page("en")
    results = teacher_tables.load()
    assert teacher_tables.render(page, results, "en") == page
    original = lesson_plans.page
    monkeypatch.setattr(lesson_plans, "page", lambda number, language: original(number, language).replace(
        "# Chapter 3: Attention", "# Chapter 3: Paying attention", 1))
    assert "## Chapter 3: Paying attention" in teacher_tables.render(page, results, "en")


def test_every_chapter_page_has_one_recognisable_misconception_box():
    for language in LANGUAGES:
        for number in range(1, 10):
            text = lesson_plans.page(number, language)
            assert len(lesson_plans.MISCONCEPTION.findall(text)) == 1, f"{language} chapter {number}"


# ---------------------------------------------------------------------------------------------------------
# Minutes that add up and come from somewhere

def all_plans():
    figures = lesson_plans.startup()
    for language in LANGUAGES:
        for number in CHAPTERS:
            for length in (45, 90):
                yield language, number, lesson_plans.chapter_plan(number, language, length, figures)
        yield language, 8, lesson_plans.bias_lesson(language, figures)


def test_every_plan_fills_its_lesson_exactly_with_positive_steps():
    for language, number, plan in all_plans():
        assert plan.total() == plan.length, f"{language} chapter {number}: {plan}"
        assert all(step.minutes > 0 for step in plan.steps), f"{language} chapter {number}: {plan}"
        assert [step.key for step in plan.steps].count("closing") == 1


def test_notebook_and_exercise_steps_use_the_time_they_state_themselves():
    for language, number, plan in all_plans():
        for step in plan.steps:
            if step.key in ("notebook", "notebook_part"):
                notebook = 1 if number == 0 else number
                stated = lesson_plans.stated_minutes("notebooks", notebook, language)
                if step.key == "notebook":
                    assert step.minutes == stated
                else:
                    assert step.values["stated"] == stated and step.minutes < stated
            if step.key in ("exercises", "exercises_part"):
                stated = lesson_plans.stated_minutes("exercises", number, language)
                assert step.minutes == stated if step.key == "exercises" else step.minutes < stated


def test_every_notebook_and_exercise_states_its_time_and_both_editions_agree():
    for folder in ("notebooks", "exercises"):
        for number in range(1, 10):
            minutes = {language: lesson_plans.stated_minutes(folder, number, language) for language in LANGUAGES}
            assert minutes["de"] and minutes["de"] == minutes["en"], f"{folder} chapter {number}: {minutes}"


def test_measured_computing_time_fits_inside_the_stated_time():
    results = teacher_tables.load()
    for number in range(1, 10):
        computed = lesson_plans.computing_minutes(results, number)
        if computed is not None:
            assert computed <= lesson_plans.stated_minutes("notebooks", number, "de"), f"chapter {number}"


def test_start_up_minutes_come_from_the_start_up_file():
    if not lesson_plans.STARTUP.exists():
        pytest.skip("no start-up measurement committed yet")
    steps = json.loads(lesson_plans.STARTUP.read_text(encoding="utf-8"))["steps"]
    assert all(steps[name]["measured"] and steps[name]["seconds"] > 0
               for name in ("kernel_ready", "first_model_load", "model_reload"))
    assert not steps["binder_launch"]["measured"] and steps["binder_launch"]["why"]  # an allowance says so
    expected = math.ceil((steps["binder_launch"]["seconds"] + steps["kernel_ready"]["seconds"]) / 60)
    for language, number, plan in all_plans():
        assert plan.steps[0].key == "startup" and plan.steps[0].minutes == expected
        first_loads = [step for step in plan.steps if step.key == "first_load"]
        if number == lesson_plans.FIRST_SMOLLM2 and plan.length in (45, 90) and plan.steps[2].key != "bias_book":
            assert first_loads[0].minutes == math.ceil(steps["first_model_load"]["seconds"] / 60)


def test_the_plan_follows_the_notebooks_order():
    for language in LANGUAGES:
        for number in range(1, 10):
            headings = [heading for _, heading in lesson_plans.sections(number, language)]
            section = chapter_sections(language)[number]
            order = re.search(r"\*\*(?:Ablauf des Notebooks|Order of the notebook):\*\* (.+)", section).group(1)
            assert order.split(" → ") == headings
            for length in (45, 90):
                plan = lesson_plans.chapter_plan(number, language, length, lesson_plans.startup())
                keys = [step.key for step in plan.steps]
                assert keys.index("intro") < keys.index(next(k for k in keys if k.startswith("notebook")))
                for step in plan.steps:
                    if step.key == "notebook_part":
                        assert step.values["last"] in headings and step.values["first"] == headings[0]


def test_a_notebook_too_long_for_the_lesson_is_cut_and_the_plan_says_where(monkeypatch):
    monkeypatch.setattr(lesson_plans, "stated_minutes", lambda folder, number, language: 200)
    plan = lesson_plans.chapter_plan(4, "de", 45, lesson_plans.startup())
    cut = [step for step in plan.steps if step.key == "notebook_part"]
    assert cut and cut[0].values["stated"] == 200 and plan.total() == 45
    assert "bis etwa" in lesson_plans.render(plan, "de")


def test_chapter_pages_that_state_a_time_agree_with_their_notebooks():
    pattern = {"de": r"\*\*Zeit:\*\* etwa (\d+) Minuten für das Notebook.*?(\d+) Minuten für die Übungen",
               "en": r"\*\*Time:\*\* about (\d+) minutes for the notebook.*?(\d+) minutes for the exercises"}
    for language in LANGUAGES:
        for number in range(1, 10):
            found = re.search(pattern[language], lesson_plans.page(number, language))
            if found:
                stated = (lesson_plans.stated_minutes("notebooks", number, language),
                          lesson_plans.stated_minutes("exercises", number, language))
                assert (int(found.group(1)), int(found.group(2))) == stated, \
                    f"{language} chapter {number}: the book page says {found.group(0)!r}, the notebooks {stated}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_unit_fits_its_weeks_and_the_seminar_reads_what_the_chapters_cite(language):
    for row in lesson_plans.unit_block(language).splitlines()[2:]:
        used, available = map(int, row.rsplit("|", 2)[1].split("/"))
        assert used <= available == lesson_plans.UNIT_WEEK
    page = teachers_page(language)
    word = "Sitzung" if language == "de" else "Session"
    checked = 0
    for session, chapters in enumerate(lesson_plans.SEMINAR, start=1):
        sources = "".join(lesson_plans.page(n, language).split("## Quellen" if language == "de" else "## Sources")[-1]
                          for n in chapters if re.search(r"^## (Quellen|Sources)", lesson_plans.page(n, language), re.M))
        if not sources:
            continue
        line = " ".join(re.search(rf"^- \*\*{word} {session}:\*\* (.+?)(?=^- \*\*|^## )", page, re.M | re.S)
                        .group(1).split())
        readings = re.findall(r"(?:^|– )([A-Z][a-z]+), [A-Z]\..*?\((\d{4})\)", line)
        assert readings, f"session {session}: no reading recognised"
        checked += len(readings)
        for surname, year in readings:
            assert surname in sources and year in sources, f"session {session}: {surname} {year} not in the sources"
    assert checked >= 8, "the readings of sessions 5 and 6 at least (chapters 8 and 9 have always had sources)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_frameworks_are_cited_with_their_own_names_and_a_reference(language):
    page = " ".join(teachers_page(language).split())  # names may break across lines in the Markdown source
    for needed in ("DigComp 3.0", "Information search, evaluation and management", "Safety, wellbeing and responsible use",
                   "Problem identification and solving", "JRC144121",
                   "2024_10_10-Handlungsempfehlung-KI.pdf", "Handlungsempfehlung für die Bildungsverwaltung",
                   "AI competency framework for students", "https://doi.org/10.54675/JKJB9835",
                   "AI competency framework for teachers", "https://doi.org/10.54675/ZJTE2084",
                   "Medienkompetenzrahmen NRW", "Kernlehrplan"):
        assert needed in page, needed
    assert "DigComp 2.2" not in page or "2.2" in page.split("DigComp 2.2")[0][-40:]  # 2.2 only where labelled so


# ---------------------------------------------------------------------------------------------------------
# Data protection

@pytest.mark.parametrize("language", LANGUAGES)
def test_data_protection_page_cites_its_sources_and_is_linked(language):
    page = (ROOT / "book" / language / "teachers-data-protection.md").read_text(encoding="utf-8")
    checked = "6. Dezember 2026" if language == "de" else "6 December 2026"
    assert page.count(checked) >= 3, "Binder's and Colab's terms with the date they were checked"
    for source in ("mybinder.readthedocs.io", "colab.research.google.com/terms", "policies.google.com/privacy",
                   "eur-lex.europa.eu/eli/reg/2016/679", "2024_10_10-Handlungsempfehlung-KI.pdf", "releases/",
                   "werkstatt/release.py", "online=True"):
        assert source in page, source
    for article in ("Art. 6", "Art. 8", "Art. 13", "Art. 35"):
        assert article in page, article
    heading = "## Vorlage: Elternbrief" if language == "de" else "## Template: letter to parents"
    letter = page.split(heading)[1].split("\n## ")[0]
    placeholders = (("[Name der Schule]", "[Klasse/Kurs]", "[Datum]") if language == "de" else
                    ("[Name of school]", "[class/course]", "[date]"))
    assert all(placeholder in letter for placeholder in placeholders), "school, class and dates to fill in"
    for linking in ("00-start-here.md", "00-for-teachers.md", "04-tiny-gpt.md"):
        assert "teachers-data-protection" in (ROOT / "book" / language / linking).read_text(encoding="utf-8"), linking


@pytest.mark.parametrize("language", LANGUAGES)
def test_chapter_4_warns_before_the_upload_and_before_the_release(language):
    cells = json.loads((ROOT / "notebooks" / language / "04-tiny-gpt.ipynb").read_text(encoding="utf-8"))["cells"]
    word = "persönlich" if language == "de" else "personal"
    for code in ("TextUpload(", "write_release("):
        index = next(i for i, cell in enumerate(cells) if cell["cell_type"] == "code" and code in "".join(cell["source"]))
        before = next(cell for cell in reversed(cells[:index]) if cell["cell_type"] == "markdown")
        assert word in "".join(before["source"]).lower(), f"no warning in the text before {code}"

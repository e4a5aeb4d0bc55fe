"""Notebooks are committed clean, have the structure the style guide promises, and exercises/ is generated."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from nbtools import ROOT, dumps, exercise_from_solution, has_outputs, read, retrying, stub_code

# What a learner's own run writes (releases/ holds a copy of the notebook) is not part of the course.
NOT_COURSE = {".ipynb_checkpoints", "releases", "models"}
ALL = sorted(p for folder in ("notebooks", "exercises", "solutions") for p in (ROOT / folder).rglob("*.ipynb")
             if not NOT_COURSE & set(p.relative_to(ROOT).parts))
HANDS_ON = [p for p in ALL if p.relative_to(ROOT).parts[0] == "notebooks"]
SOLUTIONS = [p for p in ALL if p.relative_to(ROOT).parts[0] == "solutions"]
GENERATED = [p for p in ALL if p.relative_to(ROOT).parts[0] == "exercises"]


def ids(path):
    return str(path.relative_to(ROOT))


# --- what the first and the last cell promise (STYLE.md, CONTRIBUTING.md) ------------------------------------

TIME = {"de": "**Zeit:** etwa N Minuten", "en": "**Time:** about N minutes"}
WHAT_YOU_LEARNED = {"de": "## Was du gelernt hast", "en": "## What you learned"}
_ITEM = re.compile(r"^(\d+)\. \S")  # a top-level numbered item; continuation lines are indented


def opening_problems(source: str, language: str) -> list[str]:
    """What the first cell lacks: a '# ' title, then three numbered objectives under a bold label, then the time."""
    lines = source.strip().splitlines()
    problems = [] if lines and lines[0].startswith("# ") else ["first line: a '# ' title"]
    items = [(i, int(m.group(1))) for i, line in enumerate(lines) if (m := _ITEM.match(line))]
    if [number for _, number in items] != [1, 2, 3]:
        problems.append(f"three numbered learning objectives (1., 2., 3.), found {[n for _, n in items]}")
    elif not lines[items[0][0] - 1].startswith("**"):
        problems.append("the objectives follow a bold label such as '**Du lernst**' / '**You will learn**'")
    time = re.compile(re.escape(TIME[language]).replace("N", r"\d+") + r"\b")
    times = [i for i, line in enumerate(lines) if time.match(line)]
    if len(times) != 1:
        problems.append(f"one line '{TIME[language]}' with the estimated time, found {len(times)}")
    elif items and times[0] < items[-1][0]:
        problems.append("the estimated time comes after the objectives")
    return problems


def closing_problems(source: str, language: str) -> list[str]:
    """What the last cell lacks: 'What you learned' with three bullets, then one bold-labelled reflection question."""
    heading = WHAT_YOU_LEARNED[language]
    if heading not in source.splitlines():
        return [f"the last cell has the heading {heading!r}"]
    section = source.split(heading, 1)[1]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", section) if p.strip()]
    bullets = [line for line in section.splitlines() if line.startswith("- ")]
    problems = [] if len(bullets) == 3 else [f"three bullets under {heading!r}, found {len(bullets)}"]
    reflections = [p for p in paragraphs if p.startswith("**") and "?" in p]
    if len(reflections) != 1:
        problems.append(f"one reflection question ('**Zum Nachdenken:** …?' / '**To think about:** …?') after "
                        f"the bullets, found {len(reflections)}")
    elif bullets and section.index(reflections[0]) < section.index(bullets[-1]):
        problems.append("the reflection question comes after the three bullets")
    return problems


@pytest.mark.parametrize("path", ALL, ids=ids)
def test_committed_without_outputs(path):
    assert not has_outputs(path), "strip outputs first: make strip"


@pytest.mark.parametrize("path", ALL, ids=ids)
def test_notebook_starts_with_title_three_objectives_and_time(path):
    first = read(path).cells[0]
    assert first.cell_type == "markdown", "first cell: markdown with title, objectives and time"
    assert opening_problems(first.source, path.parent.name) == []


@pytest.mark.parametrize("path", HANDS_ON, ids=ids)
def test_hands_on_notebook_ends_with_what_you_learned_and_a_reflection_question(path):
    cells = read(path).cells
    last = cells[-1]
    assert last.cell_type == "markdown", "last cell: markdown with what you learned"
    assert closing_problems(last.source, path.parent.name) == []
    heading = WHAT_YOU_LEARNED[path.parent.name]
    assert sum(heading in c.source.splitlines() for c in cells if c.cell_type == "markdown") == 1, \
        f"{heading!r} only once, in the last cell"


@pytest.mark.parametrize("path", SOLUTIONS + GENERATED, ids=ids)
def test_exercise_notebook_ends_with_a_question_to_think_further(path):
    # Exercise notebooks promise no 'What you learned'; each ends with an open question (answered in solutions/).
    last = read(path).cells[-1]
    question = re.sub(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->", "", last.source, flags=re.S)
    assert last.cell_type == "markdown" and re.search(r"^## ", question, re.M) and "?" in question, \
        "last cell: a '## ' heading and a question to think further"


OPENING_DE = """# Kapitel 1: Titel

**Du lernst**
1. eins;
2. zwei,
   über zwei Zeilen;
3. drei.

**Zeit:** etwa 30 Minuten."""

CLOSING_EN = """## What you learned
- one
- two,
  over two lines
- three

**To think about:** why?

On to the exercises."""


def test_opening_check_accepts_the_promised_first_cell_and_names_what_is_missing():
    assert opening_problems(OPENING_DE, "de") == []
    assert len(opening_problems(OPENING_DE.replace("# Kapitel", "Kapitel"), "de")) == 1
    assert len(opening_problems(OPENING_DE.replace("3. drei.", "drei."), "de")) == 1
    assert len(opening_problems(OPENING_DE.replace("3. drei.", "3. drei.\n4. vier."), "de")) == 1
    assert len(opening_problems(OPENING_DE.replace("**Du lernst**", "Du lernst"), "de")) == 1
    assert len(opening_problems(OPENING_DE.replace("**Zeit:**", "Zeit:"), "de")) == 1
    assert len(opening_problems(OPENING_DE, "en")) == 1  # a German time line in the English edition
    moved = OPENING_DE.replace("\n\n**Zeit:** etwa 30 Minuten.", "").replace("**Du", "**Zeit:** etwa 30 Minuten.\n\n**Du")
    assert len(opening_problems(moved, "de")) == 1


def test_closing_check_accepts_the_promised_last_cell_and_names_what_is_missing():
    assert closing_problems(CLOSING_EN, "en") == []
    assert len(closing_problems(CLOSING_EN, "de")) == 1  # the German heading is missing
    assert len(closing_problems(CLOSING_EN.replace("- three\n", ""), "en")) == 1
    assert len(closing_problems(CLOSING_EN.replace("why?", "think."), "en")) == 1
    assert len(closing_problems(CLOSING_EN.replace("**To think about:**", "To think about:"), "en")) == 1
    assert len(closing_problems(CLOSING_EN + "\n\n**And also:** what else?", "en")) == 1
    bullets_last = CLOSING_EN.replace("- three\n", "").replace("On to", "- three\n\nOn to")
    assert len(closing_problems(bullets_last, "en")) == 1


# --- exercises/ is generated from solutions/ -------------------------------------------------------------------

@pytest.mark.parametrize("path", SOLUTIONS, ids=ids)
def test_exercises_are_up_to_date(path):
    language = path.parent.name
    target = ROOT / "exercises" / language / path.name
    assert target.exists(), "run: make exercises"
    assert target.read_text(encoding="utf-8") == dumps(exercise_from_solution(read(path), language)), \
        "exercises/ is stale: run make exercises"


@pytest.mark.parametrize("path", GENERATED, ids=ids)
def test_every_exercise_notebook_has_its_solution_notebook(path):
    assert (ROOT / "solutions" / path.parent.name / path.name).exists(), \
        "an exercise notebook without a solution notebook: make exercises removes it"


def test_make_exercises_check_fails_on_stale_missing_and_orphaned_exercises(tmp_path):
    """`make_exercises.py --check` on a copy of the course: it passes only while exercises/ is in step."""
    folders = ["scripts", "solutions", "exercises"]
    if (ROOT / "werkstatt" / "exercises" / "solutions").is_dir():  # the script writes the shown solutions there too
        folders.append("werkstatt/exercises/solutions")
    if (ROOT / "nbgrader" / "source").is_dir():  # and the nbgrader assignments
        folders.append("nbgrader/source")
    for folder in folders:
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))

    def check():
        return subprocess.run([sys.executable, str(tmp_path / "scripts" / "make_exercises.py"), "--check"],
                              capture_output=True, text=True)

    assert check().returncode == 0, "the copy of the course is in step"
    name = "01-language-model.ipynb"
    exercise = tmp_path / "exercises" / "de" / name
    exercise.write_text(exercise.read_text(encoding="utf-8").replace("Übungen", "Uebungen"), encoding="utf-8")
    stale = check()
    assert stale.returncode == 1 and f"exercises/de/{name}" in stale.stdout, stale.stdout
    (tmp_path / "exercises" / "de" / name).unlink()
    missing = check()
    assert missing.returncode == 1 and f"exercises/de/{name}" in missing.stdout, missing.stdout
    shutil.copy(ROOT / "exercises" / "de" / name, tmp_path / "exercises" / "de" / name)
    shutil.copy(ROOT / "exercises" / "en" / name, tmp_path / "exercises" / "en" / "99-orphan.ipynb")
    orphan = check()
    assert orphan.returncode == 1 and "exercises/en/99-orphan.ipynb (no solution notebook)" in orphan.stdout, \
        orphan.stdout
    assert "exercises/de/" not in orphan.stdout, "the restored exercise is in step again"


# --- the stubs ---------------------------------------------------------------------------------------------------

def test_stub_replaces_solution_and_keeps_the_rest():
    source = "def f(x):\n    # BEGIN SOLUTION\n    # STUB: return None\n    return x * 2\n    # END SOLUTION\nq.check(f)"
    stub = stub_code(source, "en")
    assert "x * 2" not in stub
    assert "    # Your solution here\n    return None" in stub
    assert stub.endswith("q.check(f)")


def test_stub_without_stub_lines_becomes_ellipsis():
    assert stub_code("# BEGIN SOLUTION\nanswer = 42\n# END SOLUTION", "de") == "# Deine Lösung hier\n..."


def test_unclosed_solution_block_is_an_error():
    with pytest.raises(ValueError):
        stub_code("# BEGIN SOLUTION\nx = 1", "en")


@pytest.mark.parametrize("path", SOLUTIONS, ids=ids)
def test_every_solution_notebook_has_at_least_four_solution_blocks(path):
    text = "\n".join(cell.source for cell in read(path).cells if cell.cell_type == "code")
    assert text.count("# BEGIN SOLUTION") >= 4, "fewer than four tasks with a solution block"


# --- the Colab cell, nbval and what a learner's run leaves behind ------------------------------------------------

@pytest.mark.parametrize("path", ALL, ids=ids)
def test_colab_setup_cell_follows_the_title(path):
    # In Colab the course is not installed: this cell fetches it (and does nothing anywhere else).
    cell = read(path).cells[1]
    assert cell.cell_type == "code" and "colab-setup" in cell.metadata.get("tags", []), \
        "run: python scripts/add_colab_cell.py, then make exercises"
    assert "google.colab" in cell.source


def test_make_test_skips_what_a_learners_run_wrote(tmp_path):
    """After chapter 4, notebooks/<lang>/releases/ holds a copy of the notebook: nbval must not execute it."""
    for relative in ("notebooks/de/04.ipynb", "notebooks/de/releases/tiny-gpt-de/training_code/04.ipynb"):
        target = tmp_path / relative
        target.parent.mkdir(parents=True)
        target.write_text(dumps(read(ALL[0])), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"), "--rootdir",
                             str(tmp_path), "--collect-only", "-q", "--nbval-lax", str(tmp_path / "notebooks")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert "notebooks/de/04.ipynb" in result.stdout, result.stdout + result.stderr
    assert "releases" not in result.stdout, result.stdout


def test_a_kernel_that_dies_on_start_is_started_again():
    calls = []

    def flaky_start(name):
        calls.append(name)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "kernel"

    assert retrying(flaky_start)("python3") == "kernel" and calls == ["python3", "python3"]


def test_a_kernel_that_never_starts_still_fails():
    def broken_start():
        raise RuntimeError("Kernel died before replying to kernel_info")

    with pytest.raises(RuntimeError):
        retrying(broken_start, attempts=2)()


def test_nbval_runs_use_the_retrying_start():
    import nbval.kernel

    assert nbval.kernel.start_new_kernel.__name__ == "start_with_retry"

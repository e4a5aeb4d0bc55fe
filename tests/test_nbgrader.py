"""The exercises as nbgrader assignments (nbgrader/source/, written by `make exercises`), graded by nbgrader itself.

For every chapter in both editions, in a course folder of its own: `nbgrader generate_assignment` hands out the
assignment, two pupils hand it back (one with the reference solution typed in, one untouched), and
`nbgrader autograde` grades both. The reference solution must get full points, the untouched notebook none.
The notebooks run in the quick profile, one thread each.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_exercises  # noqa: E402
from nbgrader_assignments import POINTS, solution_region  # noqa: E402

from werkstatt import i18n  # noqa: E402

SOURCE = ROOT / "nbgrader" / "source"
ASSIGNMENTS = sorted(path.name for path in SOURCE.iterdir() if path.is_dir())
NBGRADER = Path(sys.executable).with_name("nbgrader")
_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def _cells(path: Path) -> list:
    return nbformat.read(str(path), as_version=4).cells


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_every_chapter_and_edition_is_an_assignment():
    expected = sorted(f"ch{p.name[:2]}-{p.parent.name}" for p in (ROOT / "solutions").glob("*/[0-9]*.ipynb"))
    assert ASSIGNMENTS == expected


def test_assignments_are_up_to_date():
    """nbgrader/source/ is generated like exercises/: never edited by hand, and `make exercises` keeps it in step."""
    wanted = {path: text for path, text in make_exercises.wanted().items() if SOURCE in path.parents}
    assert wanted, "make_exercises.py writes no nbgrader assignments"
    stale = [str(path.relative_to(ROOT)) for path, text in wanted.items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    orphans = [str(path.relative_to(ROOT)) for path in SOURCE.glob("*/*.ipynb") if path not in wanted]
    assert stale == [] and orphans == [], "nbgrader/source is stale: run make exercises"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_task_has_a_solution_region_and_a_grade_cell_with_points(assignment):
    import importlib

    from werkstatt.checks import Task

    (notebook,) = (SOURCE / assignment).glob("*.ipynb")
    cells = _cells(notebook)
    module = importlib.import_module(f"werkstatt.exercises.ch{assignment[2:4]}")
    tasks = {name: task for name, task in vars(module).items() if isinstance(task, Task)}
    grades = {_meta(c)["grade_id"]: _meta(c)["points"] for c in cells if _meta(c).get("grade")}
    assert grades == {f"{name}-test": POINTS[task.level] for name, task in tasks.items()}
    for index, cell in enumerate(cells):
        meta = _meta(cell)
        if meta.get("solution"):
            assert sum(bool(_MARKER.match(line)) for line in cell.source.split("\n")) == 2, index
            assert not meta["locked"] and cells[index + 1].metadata["nbgrader"]["grade"], index
        else:
            assert "BEGIN SOLUTION" not in cell.source, f"cell {index}: a solution outside a solution cell"
        if cell.cell_type == "markdown":
            answer_here = i18n.text("nbtools.your_answer", assignment.split("-")[1])
            assert meta.get("locked") or answer_here in cell.source, \
                f"cell {index}: text that is neither read-only nor a place for the pupil's answer"


def test_the_handed_out_cell_is_the_exercise_cell():
    """generate_assignment with the course's empty code stub gives the pupil the same lines as exercises/."""
    source = "def f(x):\n    # BEGIN SOLUTION\n    # STUB: return None\n    return x + 1\n    # END SOLUTION\n\nq4.check(f)"
    region = solution_region(source, "en")
    assert region.split("\n") == ["def f(x):", "    # Your solution here", "    ### BEGIN SOLUTION",
                                  "    return x + 1", "    ### END SOLUTION", "    return None", "", "q4.check(f)"]
    answer = solution_region("# BEGIN SOLUTION\n# STUB: answer_q1 = None\nanswer_q1 = 0.4\n# END SOLUTION", "de")
    assert answer.split("\n") == ["# Deine Lösung hier", "answer_q1 = None", "### BEGIN SOLUTION", "answer_q1 = 0.4",
                                  "### END SOLUTION"]


# --- nbgrader itself ---------------------------------------------------------------------------------------------

def _nbgrader(course: Path, *args: str) -> subprocess.Popen:
    # nbgrader calls alembic (its database tool) by name: the course's environment comes first on the PATH.
    env = dict(os.environ, WERKSTATT_PROFILE="quick", OMP_NUM_THREADS="1", WERKSTATT_EXPECT="",
               PATH=f"{NBGRADER.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    log = (course / f"{args[0]}.log").open("w", encoding="utf-8")
    process = subprocess.Popen([str(NBGRADER), *args, "--force"], cwd=course, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    process.stdout_log = log  # closed by _run
    return process


def _run(*steps: tuple[Path, tuple[str, ...]]) -> None:
    """nbgrader commands side by side (one course folder each), each must succeed."""
    running = [(course, args, _nbgrader(course, *args)) for course, args in steps]
    for course, args, process in running:
        process.wait()
        process.stdout_log.close()
        assert process.returncode == 0, (course / f"{args[0]}.log").read_text(encoding="utf-8")[-8000:]


def _submit(course: Path, assignment: str, student: str, solved: bool) -> None:
    """A pupil hands the released notebook back: untouched, or with the reference solution typed into each region."""
    for released in (course / "release" / assignment).glob("*.ipynb"):
        nb = nbformat.read(str(released), as_version=4)
        if solved:
            reference = {_meta(c).get("grade_id"): c.source for c in _cells(course / "source" / assignment /
                                                                            released.name)}
            for cell in nb.cells:
                if _meta(cell).get("solution"):
                    cell.source = "\n".join(line for line in reference[_meta(cell)["grade_id"]].split("\n")
                                            if not _MARKER.match(line))
        target = course / "submitted" / student / assignment / released.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(target))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Per edition a course folder with its assignments, handed out, handed in by two pupils and autograded.

    The two editions are graded side by side: autograding runs every notebook, and that is most of the time.
    """
    if not NBGRADER.exists():
        pytest.fail("nbgrader is missing: it is in the lock's hub extra (make setup)")
    root = tmp_path_factory.mktemp("courses")
    courses = {}
    for assignment in ASSIGNMENTS:
        course = courses.setdefault(assignment.split("-")[1], root / assignment.split("-")[1])
        shutil.copytree(SOURCE / assignment, course / "source" / assignment)
    for course in courses.values():
        shutil.copy(ROOT / "nbgrader" / "nbgrader_config.py", course)
    _run(*((course, ("generate_assignment", "*")) for course in courses.values()))
    for assignment in ASSIGNMENTS:
        course = courses[assignment.split("-")[1]]
        _submit(course, assignment, "reference", solved=True)
        _submit(course, assignment, "untouched", solved=False)
    _run(*((course, ("autograde", "*", "--create")) for course in courses.values()))
    return root


def _score(root: Path, assignment: str, student: str) -> tuple[float, float]:
    from nbgrader.api import Gradebook

    course = root / assignment.split("-")[1]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return submission.score, submission.max_score


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_gets_full_points_and_untouched_none(graded, assignment):
    score, most = _score(graded, assignment, "reference")
    assert most > 0 and score == most, f"{assignment}: the reference solution got {score} of {most} points"
    score, most = _score(graded, assignment, "untouched")
    assert score == 0, f"{assignment}: the untouched notebook got {score} of {most} points"


def test_the_handed_out_notebook_keeps_the_self_checks(graded):
    released = json.loads((graded / "de" / "release" / "ch01-de" / "01-language-model.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(cell["source"]) for cell in released["cells"])
    assert "q4.check(bigram_counts)" in text and "# Deine Lösung hier" in text
    assert "Counter(zip(text, text[1:]))" not in text and "NotImplementedError" not in text

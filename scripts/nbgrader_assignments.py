"""The exercises as nbgrader assignments, for a teacher who collects and grades them on a JupyterHub.

Written by `make exercises` (scripts/make_exercises.py) from the solution notebooks into
nbgrader/source/chNN-<lang>/NN-<name>.ipynb, beside exercises/. What nbgrader needs (its cell metadata, schema 3):

- each task's solution cell becomes a solution cell: its `# BEGIN SOLUTION` block is nbgrader's
  `### BEGIN SOLUTION` region, and the stub lines the exercise notebook shows stand around it (an assignment such as
  `answer_q1 = None` before it, which the solution overwrites; a `return None` after it, which the solution never
  reaches), so that `nbgrader generate_assignment` (with the empty code stub of nbgrader/nbgrader_config.py) hands
  out the same cell as exercises/;
- after it a read-only grade cell with points (base 1, code 2, challenge 2) that asks the task's own check:
  full points when the self-check says correct;
- the explaining text and the set-up cell are read-only, so a pupil cannot break what grading needs;
- written answers (markdown solution blocks) become the exercise's "your answer here": nbgrader could grade them
  only by hand, and the expected answers are in the answer key (make worksheets).

The `qN.check(...)` line stays, so the self-checks work on the hub as they do for self-learners.
"""
from __future__ import annotations

import copy
import re

import nbformat

from nbtools import exercise_from_solution, strip

from werkstatt.i18n import text as message

POINTS = {"base": 1, "code": 2, "challenge": 2}
_BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\s*$")
_END = re.compile(r"^(\s*)# END SOLUTION\s*$")
_STUB = re.compile(r"^(\s*)# STUB: ?(.*)$")
_CHECK = re.compile(r"^\s*(q\d+)\.check\((.*)\)\s*$")
_MD_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->", re.S)


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return meta


def solution_region(source: str, language: str) -> str:
    """A solution cell with nbgrader's markers; the exercise's stub lines around the region (see above)."""
    out: list[str] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        begin = _BEGIN.match(lines[i])
        if not begin:
            out.append(lines[i])
            i += 1
            continue
        indent, after, body = begin.group(1), [], []
        before = [indent + "# " + message("nbtools.your_solution", language)]
        i += 1
        while not _END.match(lines[i]):
            stub = _STUB.match(lines[i])
            if stub:  # a return ends the function: after the region; anything else is overwritten by it
                (after if stub.group(2).lstrip().startswith("return") else before).append(indent + stub.group(2))
            else:
                body.append(lines[i])
            i += 1
        i += 1
        out += before + [indent + "### BEGIN SOLUTION", *body, indent + "### END SOLUTION"] + after
    return "\n".join(out)


def grade_cell(task: str, argument: str, points: int) -> nbformat.NotebookNode:
    """The autograder's test for one task: the task's own check must say correct."""
    cell = nbformat.v4.new_code_cell(
        f"# nbgrader: {points} point(s) when the self-check above says correct.\n"
        f"_result = {task}.evaluate({argument})\n"
        f"assert _result.ok, _result.message")
    cell.pop("id", None)  # nbformat 4.4, as every notebook of the course
    cell.metadata["nbgrader"] = _meta(f"{task}-test", grade=True, locked=True, points=points)
    return cell


def assignment_from_solution(nb: nbformat.NotebookNode, language: str, levels: dict[str, str]
                             ) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one solution notebook; `levels` maps "q1" to the task's level."""
    nb = strip(nb)
    exercise = exercise_from_solution(nb, language)  # the markdown as pupils get it
    cells = []
    for index, (cell, handed_out) in enumerate(zip(nb.cells, exercise.cells)):
        if "colab-setup" in cell.metadata.get("tags", []):
            continue  # only for Colab: on a hub the course is installed
        cell = copy.deepcopy(cell)
        check = next((m for m in map(_CHECK.match, cell.source.split("\n")) if m), None)
        if cell.cell_type == "markdown":
            if _MD_BLOCK.search(cell.source):
                cell.source = handed_out.source  # pupils write their answer here (not graded automatically)
            else:
                cell.metadata["nbgrader"] = _meta(f"text-{index}", locked=True)
        elif check and any(map(_BEGIN.match, cell.source.split("\n"))):
            task, argument = check.group(1), check.group(2)
            cell.source = solution_region(cell.source, language)
            cell.metadata["nbgrader"] = _meta(f"{task}-solution", solution=True)
            cells += [cell, grade_cell(task, argument, POINTS[levels[task]])]
            continue
        elif "werkstatt.exercises" in cell.source:  # the set-up cell: imports and the language
            cell.metadata["nbgrader"] = _meta(f"setup-{index}", locked=True)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.setdefault("kernelspec", {"display_name": "Python 3 (ipykernel)", "language": "python",
                                          "name": "python3"})
    return nb

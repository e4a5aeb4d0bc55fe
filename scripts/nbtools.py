"""Notebook tooling shared by the scripts and the tests: reading, stripping, exercise and solution generation."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat

from werkstatt.i18n import text as message

ROOT = Path(__file__).resolve().parents[1]
# The editions: one folder per language in solutions/ (a new edition's folder is picked up by itself).
LANGUAGES = tuple(sorted(path.name for path in (ROOT / "solutions").iterdir()
                         if path.is_dir() and not path.name.startswith(".")))

_BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*# END SOLUTION\s*$")
_STUB = re.compile(r"^\s*# STUB: ?(.*)$")
_MD_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->", re.S)
_MD_ANSWER = re.compile(r"<!-- BEGIN SOLUTION -->\s*(.*?)\s*<!-- END SOLUTION -->", re.S)
_CHECK_CALL = re.compile(r"^\s*(q\d+)\.check\(")
_HEADING = re.compile(r"^\s*#{1,6}\s")
SOLUTIONS_DATA = Path("werkstatt") / "exercises" / "solutions"  # what q.solution() shows, one file per language


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def dumps(nb: nbformat.NotebookNode) -> str:
    """The canonical text of a notebook (what nbformat writes), so regenerated files compare equal."""
    return nbformat.writes(nb) + "\n"


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without outputs, execution counts and saved widget state."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.pop("id", None)
    nb.metadata.pop("widgets", None)
    nb.nbformat, nb.nbformat_minor = 4, 4
    return nb


def stub_code(source: str, language: str) -> str:
    """Replace each `# BEGIN SOLUTION` … `# END SOLUTION` block by its `# STUB:` lines (or `...`)."""
    out: list[str] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        begin = _BEGIN.match(lines[i])
        if not begin:
            out.append(lines[i])
            i += 1
            continue
        indent = begin.group(1)
        stubs: list[str] = []
        i += 1
        while i < len(lines) and not _END.match(lines[i]):
            stub = _STUB.match(lines[i])
            if stub:
                stubs.append(indent + stub.group(1))
            i += 1
        if i == len(lines):
            raise ValueError("# BEGIN SOLUTION without # END SOLUTION")
        i += 1  # skip END
        out.append(indent + "# " + message("nbtools.your_solution", language))
        out.extend(stubs or [indent + "..."])
    return "\n".join(out)


def exercise_from_solution(nb: nbformat.NotebookNode, language: str) -> nbformat.NotebookNode:
    """The exercise notebook a learner gets: solution code replaced by stubs, written answers removed."""
    nb = strip(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = stub_code(cell.source, language)
        elif cell.cell_type == "markdown":
            cell.source = _MD_BLOCK.sub("*" + message("nbtools.your_answer", language) + "*", cell.source)
    return nb


def shown_solution(source: str) -> str:
    """A solution cell as `q.solution()` shows it: the markers, the stubs and the `qN.check(...)` line removed."""
    keep = [line for line in source.split("\n")
            if not (_BEGIN.match(line) or _END.match(line) or _STUB.match(line) or _CHECK_CALL.match(line))]
    return "\n".join(keep).strip("\n")


def task_solutions(nb: nbformat.NotebookNode, chapter: str, notebook: str) -> dict[str, dict]:
    """Each task's reference solution in one solution notebook, by task name ("ch01.q1").

    A task is the code cell with a solution block that calls `qN.check(...)`. Its written answer, if it has
    one, is a markdown solution block after that cell and before the next heading (the next task or section).
    `cell` (counted from 0) says where the solution stands, so that tests can run it after the notebook's imports.
    """
    tasks: dict[str, dict] = {}
    current = None  # the task whose section we are in
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            if _HEADING.match(cell.source):
                current = None
            answer = _MD_ANSWER.search(cell.source)
            if answer and current is not None:
                current["answer"] = answer.group(1)
            continue
        if cell.cell_type != "code" or not any(_BEGIN.match(line) for line in cell.source.split("\n")):
            continue
        calls = [m.group(1) for m in map(_CHECK_CALL.match, cell.source.split("\n")) if m]
        if len(calls) != 1:
            raise ValueError(f"{notebook}, cell {index}: a solution cell calls qN.check(...) exactly once, "
                             f"found {len(calls)}")
        name = f"{chapter}.{calls[0]}"
        if name in tasks:
            raise ValueError(f"{notebook}, cell {index}: a second solution for {name}")
        current = tasks[name] = {"code": shown_solution(cell.source), "notebook": notebook, "cell": index}
    return tasks


def solutions_file(language: str) -> str:
    """The generated data file of every task's solution in one language, as `q.solution()` shows it."""
    tasks: dict[str, dict] = {}
    for path in notebooks("solutions", language):
        chapter = "ch" + path.name.split("-", 1)[0]
        tasks.update(task_solutions(read(path), chapter, path.relative_to(ROOT).as_posix()))
    data = {
        "note": f"Generated by scripts/make_exercises.py from solutions/{language}/ - do not edit. "
                "Change the solution notebook, then run: make exercises",
        "language": language,
        "tasks": tasks,
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def notebook_imports(nb: nbformat.NotebookNode, before: int) -> str:
    """The import statements of the code cells before cell `before`: what a solution there can rely on.

    The Colab set-up cell is left out (it installs the course, it imports nothing a solution uses).
    """
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    lines = []
    for cell in nb.cells[:before]:
        if cell.cell_type != "code" or "colab-setup" in cell.metadata.get("tags", []):
            continue
        tree = ast.parse(TransformerManager().transform_cell(cell.source))  # %magics become plain Python
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(lines)


def notebooks(folder: str, language: str) -> list[Path]:
    return sorted((ROOT / folder / language).glob("*.ipynb"))


def has_outputs(path: Path) -> bool:
    data = json.loads(path.read_text(encoding="utf-8"))
    return any(cell.get("outputs") or cell.get("execution_count") for cell in data["cells"]
               if cell["cell_type"] == "code")


def retrying(start, attempts: int = 3):
    """`start` (a kernel start), tried again when the kernel dies on the way up; the last failure is raised.

    make test runs two nbval workers side by side. Each new kernel is told a set of free TCP ports, and now and
    then the other worker's kernel takes one of them first: the kernel dies before it answers
    ("Kernel died before replying to kernel_info"). A second start gets new ports.
    """
    def start_with_retry(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            try:
                return start(*args, **kwargs)
            except RuntimeError:
                if attempt == attempts:
                    raise
    return start_with_retry

"""Notebook tooling shared by the scripts and the tests: reading, stripping, exercise generation."""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("de", "en")
YOUR_SOLUTION = {"de": "# Deine Lösung hier", "en": "# Your solution here"}
YOUR_ANSWER_MD = {"de": "*Deine Antwort hier.*", "en": "*Your answer here.*"}

_BEGIN = re.compile(r"^(\s*)# BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*# END SOLUTION\s*$")
_STUB = re.compile(r"^\s*# STUB: ?(.*)$")
_MD_BLOCK = re.compile(r"<!-- BEGIN SOLUTION -->.*?<!-- END SOLUTION -->", re.S)


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
        out.append(indent + YOUR_SOLUTION[language])
        out.extend(stubs or [indent + "..."])
    return "\n".join(out)


def exercise_from_solution(nb: nbformat.NotebookNode, language: str) -> nbformat.NotebookNode:
    """The exercise notebook a learner gets: solution code replaced by stubs, written answers removed."""
    nb = strip(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = stub_code(cell.source, language)
        elif cell.cell_type == "markdown":
            cell.source = _MD_BLOCK.sub(YOUR_ANSWER_MD[language], cell.source)
    return nb


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

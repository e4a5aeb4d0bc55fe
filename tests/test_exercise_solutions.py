"""One source per solution: what `q.solution()` shows is generated from the solution notebooks, per language.

scripts/make_exercises.py writes werkstatt/exercises/solutions/<lang>.json from solutions/<lang>/*.ipynb;
the chapter tests (tests/test_exercises_chNN.py) run that generated code against the checks.
"""
from __future__ import annotations

import builtins
import importlib
import json
import shutil
import subprocess
import sys
import symtable

import pytest

from nbtools import (LANGUAGES, ROOT, SOLUTIONS_DATA, notebook_imports, read, shown_solution, solutions_file,
                     task_solutions)
from werkstatt import i18n
from werkstatt.checks import Task

CHAPTERS = [f"ch{number:02d}" for number in range(1, 10)]


def all_tasks() -> dict[str, Task]:
    tasks = {}
    for chapter in CHAPTERS:
        module = importlib.import_module(f"werkstatt.exercises.{chapter}")
        tasks.update({task.name: task for task in vars(module).values() if isinstance(task, Task)})
    return tasks


def generated(language: str) -> dict[str, dict]:
    return json.loads((ROOT / SOLUTIONS_DATA / f"{language}.json").read_text(encoding="utf-8"))["tasks"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_generated_solutions_are_up_to_date(language):
    path = ROOT / SOLUTIONS_DATA / f"{language}.json"
    assert path.read_text(encoding="utf-8") == solutions_file(language), "stale: run make exercises"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_task_has_exactly_one_solution(language):
    tasks, solutions = all_tasks(), generated(language)
    assert sorted(solutions) == sorted(tasks), "a task without a solution cell, or a solution cell without a task"
    for name, task in tasks.items():
        assert task.reference(language)["code"] == solutions[name]["code"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_solutions_use_only_what_the_notebook_imported(language):
    """A solution may lean on the notebook's imports, nothing else it happened to compute above (tests run
    each solution after exactly these imports)."""
    for name, entry in generated(language).items():
        namespace: dict = {}
        exec(notebook_imports(read(ROOT / entry["notebook"]), entry["cell"]), namespace)
        missing = _global_names(entry["code"]) - namespace.keys()
        assert not missing, f"{name} ({entry['notebook']}) uses {sorted(missing)}, which no import above gives"


def _global_names(code: str) -> set[str]:
    """The module-level names a piece of code reads without defining them itself."""
    module = symtable.symtable(code, "<solution>", "exec")
    defined = {s.get_name() for s in module.get_symbols() if s.is_assigned() or s.is_imported()}
    used: set[str] = set()

    def walk(table):
        for symbol in table.get_symbols():
            if (table.get_type() == "module" and symbol.is_referenced()) or \
                    (table.get_type() != "module" and symbol.is_global()):
                used.add(symbol.get_name())
        for child in table.get_children():
            walk(child)

    walk(module)
    return used - defined - set(dir(builtins))


def test_global_names_sees_a_name_from_an_earlier_cell():
    assert _global_names("def f(text):\n    return len(tokenizer.encode(text))") == {"tokenizer"}
    assert _global_names("import math\nx = 2\ny = math.exp(x)") == set()


def test_solution_speaks_the_active_language():
    from werkstatt.exercises import ch03, ch08

    i18n.set_language("de")
    german = repr(ch08.q5.solution())
    assert "die Mechanikerin" in german and "Beispielantwort" in german and "she" not in german
    assert "läuft exp nicht über" in repr(ch03.q4.solution())  # the notebook's comments, in German
    i18n.set_language("en")
    english = repr(ch08.q5.solution())
    assert '"she"' in english and "Sample answer" in english and "Mechanikerin" not in english
    assert "no overflow" in repr(ch03.q4.solution())
    shown = ch08.q5.solution()._repr_html_()
    assert "<pre><code>my_test = {" in shown and "<p>Sample answer: in our run" in shown
    assert "<br>" not in shown  # the answer's markdown line breaks join into one paragraph


def test_a_language_without_solution_notebooks_gets_the_english_solution():
    from werkstatt.exercises import ch01

    assert ch01.q1.reference("fr") == ch01.q1.reference("en")


def test_shown_solution_drops_markers_stubs_and_the_check():
    cell = ("def f(x):\n    # BEGIN SOLUTION\n    # STUB: return None\n    return x * 2  # doubled\n"
            "    # END SOLUTION\n\nq3.check(f)")
    assert shown_solution(cell) == "def f(x):\n    return x * 2  # doubled"


def _notebook(*cells):
    import nbformat

    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(source[3:]) if source.startswith("md:") else nbformat.v4.new_code_cell(source)
        for source in cells])


def test_a_written_answer_belongs_to_the_task_above_it_until_the_next_heading():
    nb = _notebook("md:## Task 1", "# BEGIN SOLUTION\nx = 1\n# END SOLUTION\nq1.check(x)",
                   "md:Explain.\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->",
                   "md:## Task 2", "# BEGIN SOLUTION\ny = 2\n# END SOLUTION\nq2.check(y)",
                   "md:## Thinking further\n<!-- BEGIN SOLUTION -->\nNot a task.\n<!-- END SOLUTION -->")
    tasks = task_solutions(nb, "ch01", "solutions/en/01.ipynb")
    assert tasks["ch01.q1"] == {"code": "x = 1", "notebook": "solutions/en/01.ipynb", "cell": 1, "answer": "Because."}
    assert tasks["ch01.q2"] == {"code": "y = 2", "notebook": "solutions/en/01.ipynb", "cell": 4}


def test_a_solution_cell_must_name_its_task_once():
    with pytest.raises(ValueError, match="exactly once"):
        task_solutions(_notebook("# BEGIN SOLUTION\nx = 1\n# END SOLUTION"), "ch01", "x.ipynb")
    with pytest.raises(ValueError, match="second solution"):
        twice = "# BEGIN SOLUTION\nx = 1\n# END SOLUTION\nq1.check(x)"
        task_solutions(_notebook(twice, twice), "ch01", "x.ipynb")


def test_notebook_imports_are_those_above_the_cell():
    nb = _notebook("import math\nprofile = 1", "from collections import Counter", "import re")
    assert notebook_imports(nb, 2) == "import math\nfrom collections import Counter"


def test_check_mode_fails_when_a_solution_changed(tmp_path):
    """Change one solution in a copy of the course: --check must say the generated solutions are stale."""
    for folder in ("scripts", "solutions", "exercises", SOLUTIONS_DATA.as_posix(), "nbgrader/source"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    script = [sys.executable, str(tmp_path / "scripts" / "make_exercises.py")]
    assert subprocess.run(script + ["--check"], capture_output=True, text=True).returncode == 0

    notebook = tmp_path / "solutions" / "en" / "01-language-model.ipynb"
    old = "return Counter(zip(text, text[1:]))"
    text = notebook.read_text(encoding="utf-8")
    assert text.count(old) == 1
    notebook.write_text(text.replace(old, "return Counter(zip(text[:-1], text[1:]))"), encoding="utf-8")

    stale = subprocess.run(script + ["--check"], capture_output=True, text=True)
    assert stale.returncode == 1
    assert "werkstatt/exercises/solutions/en.json" in stale.stdout and "de.json" not in stale.stdout

    assert subprocess.run(script, capture_output=True, text=True).returncode == 0  # make exercises
    assert subprocess.run(script + ["--check"], capture_output=True, text=True).returncode == 0
    written = json.loads((tmp_path / SOLUTIONS_DATA / "en.json").read_text(encoding="utf-8"))
    assert written["tasks"]["ch01.q4"]["code"].endswith("return Counter(zip(text[:-1], text[1:]))")

"""Notebooks are committed clean, and exercises/ is generated from solutions/."""
from __future__ import annotations

import subprocess
import sys

import pytest

from nbtools import ROOT, dumps, exercise_from_solution, has_outputs, read, retrying, stub_code

# What a learner's own run writes (releases/ holds a copy of the notebook) is not part of the course.
NOT_COURSE = {".ipynb_checkpoints", "releases", "models"}
ALL = sorted(p for folder in ("notebooks", "exercises", "solutions") for p in (ROOT / folder).rglob("*.ipynb")
             if not NOT_COURSE & set(p.relative_to(ROOT).parts))


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_without_outputs(path):
    assert not has_outputs(path), "strip outputs first: make strip"


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_has_title_objectives_and_closing(path):
    cells = read(path).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.lstrip().startswith("# "), "first cell: a title"


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").rglob("*.ipynb")), ids=lambda p: p.name)
def test_exercises_are_up_to_date(path):
    language = path.parent.name
    target = ROOT / "exercises" / language / path.name
    assert target.exists(), "run: make exercises"
    assert target.read_text(encoding="utf-8") == dumps(exercise_from_solution(read(path), language)), \
        "exercises/ is stale: run make exercises"


def test_exercise_script_check_mode_agrees():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_exercises.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


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


def test_every_solution_notebook_has_solution_blocks():
    for path in (ROOT / "solutions").rglob("*.ipynb"):
        text = "\n".join(cell.source for cell in read(path).cells)
        assert text.count("# BEGIN SOLUTION") >= 4, f"{path.name}: fewer than four tasks"


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(ROOT)))
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

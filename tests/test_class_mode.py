"""Class mode: the pupils' copy has no solutions, and q.solution() then says where they are; self-learners keep them."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbtools import ROOT
from pupils_copy import LEFT_OUT, MARKER, write_branch
from werkstatt import i18n
from werkstatt.exercises import ch01


@pytest.mark.parametrize("language", ["de", "en"])
def test_solutions_are_shown_by_default(language, monkeypatch):
    monkeypatch.delenv("WERKSTATT_SOLUTIONS", raising=False)
    i18n.set_language(language)
    assert "def " in ch01.q4.solution().text


@pytest.mark.parametrize("language", ["de", "en"])
def test_with_the_teachers_setting_solution_points_to_the_teacher_and_the_next_hint(language, monkeypatch):
    monkeypatch.setenv("WERKSTATT_SOLUTIONS", "teacher")
    i18n.set_language(language)
    box = ch01.q4.solution()
    assert box.text == i18n.msg("check.solution_with_teacher", hint="q4.hint()") and "def " not in box.text
    assert ch01.q4.hint().text  # hints still work


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def course_clone(tmp_path_factory) -> Path:
    clone = tmp_path_factory.mktemp("course") / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    _git(clone, "config", "user.email", "test@example.org")
    _git(clone, "config", "user.name", "test")
    return clone


def test_pupils_branch_has_no_solution_anywhere_but_everything_else(course_clone):
    write_branch("pupils", root=course_clone)
    files = set(_git(course_clone, "ls-tree", "-r", "--name-only", "pupils").split())
    main = set(_git(course_clone, "ls-tree", "-r", "--name-only", "HEAD").split())
    left_out = {f for f in main if any(f == p or f.startswith(p + "/") for p in LEFT_OUT)}
    assert left_out and not files & left_out, "no solution notebook, no q.solution() text, no graded source"
    assert files == (main - left_out) | {MARKER}
    assert any(f.startswith("exercises/de/") for f in files) and any(f.startswith("exercises/en/") for f in files)


def test_each_run_adds_one_commit_so_pupils_links_keep_pulling(course_clone):
    first = write_branch("pupils", root=course_clone)
    assert write_branch("pupils", root=course_clone) == first  # nothing new: no new commit
    (course_clone / "CHANGELOG-test.md").write_text("a new lesson\n", encoding="utf-8")
    _git(course_clone, "add", "CHANGELOG-test.md")
    _git(course_clone, "commit", "-q", "-m", "new lesson")
    second = write_branch("pupils", root=course_clone)
    assert _git(course_clone, "rev-parse", f"{second}^").strip() == first  # a fast-forward for nbgitpuller


def test_in_the_pupils_copy_checks_work_and_solution_points_to_the_teacher(course_clone, tmp_path):
    write_branch("pupils", root=course_clone)
    archive = subprocess.run(["git", "-C", str(course_clone), "archive", "pupils"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tmp_path)], input=archive.stdout, check=True)
    code = ("import werkstatt.checks as c; from werkstatt import i18n; from werkstatt.exercises import ch01; "
            "from collections import Counter; assert c.SOLUTIONS.parent.parent.parent == __import__('pathlib').Path.cwd(); "
            "i18n.set_language('de'); assert c.class_mode(); "
            "assert ch01.q4.check(lambda text: Counter(zip(text, text[1:]))).ok; "
            "print(ch01.q4.solution().text)")
    env = {key: value for key, value in os.environ.items() if key != "WERKSTATT_SOLUTIONS"}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**env, "PYTHONPATH": str(tmp_path)},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Lehrkraft" in result.stdout

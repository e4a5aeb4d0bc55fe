"""`make lab` as root (a container, a school's server, a teacher's VM): JupyterLab gets --allow-root then, and only then,
and a printed line says so. Checked with `make -n` (prints the commands, runs none), as root and as a normal user."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def lab_commands(*arguments: str) -> list[str]:
    run = subprocess.run(["make", "-n", "lab", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout.splitlines()


def jupyter_line(lines: list[str]) -> str:
    [line] = [line for line in lines if "jupyter lab" in line and not line.startswith("echo")]
    return line.rstrip()


def test_as_root_jupyterlab_is_allowed_to_start_and_the_user_is_told():
    lines = lab_commands("EUID=0")
    assert jupyter_line(lines).split()[-1] == "--allow-root"
    [note] = [line for line in lines if line.startswith("echo") and "--allow-root" in line]
    assert "root" in note and "localhost" in note and "token" in note


def test_as_a_normal_user_nothing_changes():
    lines = lab_commands("EUID=1000")
    assert "--allow-root" not in "\n".join(lines)
    assert jupyter_line(lines).endswith("--notebook-dir=.")


def test_the_user_make_runs_as_decides():
    line = jupyter_line(lab_commands())
    assert ("--allow-root" in line) == (os.geteuid() == 0)

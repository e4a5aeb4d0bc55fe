"""Every file's licence and copyright are machine-readable: `reuse lint` passes (REUSE 3.3).

We lint exactly what a fresh clone holds (tracked files plus new files git does not ignore), copied
into a temporary folder. Linting the working tree directly would also walk large ignored folders
(e.g. a nested node_modules in an untracked directory, which `reuse` 6 fails to skip) and take a minute.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REUSE = Path(sys.executable).with_name("reuse")


def clone_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=ROOT, capture_output=True, check=True).stdout.decode("utf-8")
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.fail("reuse lint needs a git checkout to know which files belong to the course")
    target = tmp_path_factory.mktemp("clone")
    for name in clone_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def test_reuse_lint_passes(clone):
    result = subprocess.run([str(REUSE), "--root", str(clone), "lint"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_licence_texts_are_complete():
    texts = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "LICENSES").glob("*.txt")}
    assert {"CC-BY-4.0.txt", "MIT.txt", "CC0-1.0.txt"} <= set(texts)
    assert "Attribution 4.0 International" in texts["CC-BY-4.0.txt"]
    assert "Section 8 -- Interpretation." in texts["CC-BY-4.0.txt"]
    assert "Permission is hereby granted, free of charge" in texts["MIT.txt"]
    assert "CC0 1.0 Universal" in texts["CC0-1.0.txt"]


def test_a_file_without_licence_is_caught(clone, tmp_path):
    # The test above must be able to fail: an unlicensed file under a path REUSE.toml does not cover.
    broken = tmp_path / "broken"
    shutil.copytree(clone / "LICENSES", broken / "LICENSES")
    (broken / "orphan.txt").write_text("no licence here\n", encoding="utf-8")
    result = subprocess.run([str(REUSE), "--root", str(broken), "lint"], capture_output=True, text=True)
    assert result.returncode != 0

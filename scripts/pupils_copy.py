#!/usr/bin/env python
"""Write the pupils' copy of the course: a git branch without the solutions, for the class's nbgitpuller link.

    python scripts/pupils_copy.py [--branch pupils]      (make pupils-copy)

The branch holds the commit's files minus every place a solution is written down: solutions/ (the solution
notebooks), werkstatt/exercises/solutions/ (what q.solution() shows) and nbgrader/ (the graded source notebooks).
In their place, werkstatt/exercises/solutions/CLASS_MODE tells q.solution() to say that the solutions are with the
teacher. Each run adds one commit on top of the branch's last one, so pupils' nbgitpuller links keep pulling (it
merges, it never rewrites their work). The self-checks (q.check, q.hint) work as before: they do not need solutions.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = ("solutions", "werkstatt/exercises/solutions", "nbgrader")
MARKER = "werkstatt/exercises/solutions/CLASS_MODE"
MARKER_TEXT = ("This is the pupils' copy of the course (scripts/pupils_copy.py): the solutions are with the teacher.\n"
               "Dies ist die Kopie für Schülerinnen und Schüler: Die Lösungen liegen bei der Lehrkraft.\n")


def write_branch(branch: str, source: str = "HEAD", root: Path = ROOT) -> str:
    """Commit the pupils' tree of `source` onto `branch` in the repository at `root`; returns the commit id."""
    def git(*args: str, env: dict | None = None, text: str | None = None) -> str:
        return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, input=text).stdout.strip()

    with tempfile.TemporaryDirectory() as folder:
        index = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
        git("read-tree", source, env=index)
        for path in LEFT_OUT:
            git("rm", "--cached", "-r", "-q", "--ignore-unmatch", path, env=index)
        blob = git("hash-object", "-w", "--stdin", text=MARKER_TEXT)
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{MARKER}", env=index)
        tree = git("write-tree", env=index)
    parents = []
    if subprocess.run(["git", "-C", str(root), "rev-parse", "-q", "--verify", f"refs/heads/{branch}"],
                      capture_output=True).returncode == 0:
        previous = git("rev-parse", f"refs/heads/{branch}")
        if git("rev-parse", f"{previous}^{{tree}}") == tree:
            return previous  # nothing new since the last pupils' copy
        parents = ["-p", previous]
    source_id = git("rev-parse", "--short", source)
    commit = git("commit-tree", tree, *parents, "-m", f"Pupils' copy of {source_id}: without solutions")
    git("update-ref", f"refs/heads/{branch}", commit)
    return commit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branch", default="pupils")
    args = parser.parse_args()
    commit = write_branch(args.branch)
    sys.path.insert(0, str(ROOT / "scripts"))
    from address import home

    print(f"branch {args.branch} -> {commit[:12]} (without {', '.join(LEFT_OUT)})")
    print(f"push it: git push origin {args.branch}   then use branch={args.branch} in the nbgitpuller link "
          f"for {home().url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

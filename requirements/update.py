#!/usr/bin/env python
"""Write the lock: uv.lock and the files in requirements/, from pyproject.toml (run by `make lock`).

uv resolves once, for Linux, macOS and Windows and every Python the course supports (uv.lock). The
.txt files here are exports of that one resolution for each place the course runs. Each is a closed
set: every package with its exact version and hashes, installed with
`pip install --no-deps --require-hashes -r requirements/<file>`, so pip resolves nothing itself.

PyTorch is never in these files: each place installs its own build of the release in torch.txt
(a CPU build locally and on Binder, Colab keeps its GPU build). What torch itself needs is in all.txt
and lab.txt; colab.txt leaves it to Colab's torch.

    python requirements/update.py                                 # after an edit of pyproject.toml
    python requirements/update.py --upgrade-package transformers  # newest allowed release of one package
    python requirements/update.py --upgrade                       # newest allowed release of all of them

Extra arguments go to `uv lock`. Needs PyPI; uv comes from the `lock` dependency group (make setup).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# file name -> (what it is for, the `uv export` options that choose its part of the resolution)
EXPORTS = {
    "all.txt": ("everything: runtime, JupyterLab, book, tests, hub test, uv (make setup)",
                ["--all-extras", "--group", "lock", "--no-emit-package", "torch"]),
    "lab.txt": ("the runtime and JupyterLab (Binder, a school hub, your own computer)",
                ["--extra", "lab", "--no-emit-package", "torch"]),
    # Colab brings its own PyTorch (a GPU build) and the IPython its notebook front end is made for:
    # both stay, and so does whatever only they need.
    "colab.txt": ("what the notebooks import, without PyTorch and IPython (Colab has its own)",
                  ["--extra", "colab", "--prune", "torch", "--prune", "ipython"]),
}
TORCH_FILE = "torch.txt"
INPUTS_LINE = "# inputs-sha256: "


def inputs_digest(pyproject: dict) -> str:
    """A fingerprint of everything in pyproject.toml that decides the lock (comments and layout aside).

    Each lock file carries it in its header; tests/test_install.py compares it with pyproject.toml
    to tell, offline, that the lock is out of date.
    """
    project = pyproject.get("project", {})
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "dependency-groups": pyproject.get("dependency-groups", {}),
        "tool.uv": pyproject.get("tool", {}).get("uv", {}),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode("utf-8")).hexdigest()


def read_pyproject(root: Path = ROOT) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))


def header(purpose: str, digest: str, install: str) -> str:
    return (f"# {purpose}.\n"
            f"# Written by requirements/update.py (make lock) from pyproject.toml; do not edit by hand.\n"
            f"# Install: {install}\n"
            f"{INPUTS_LINE}{digest}\n")


def uv() -> str:
    # The uv of the lock group, next to this Python (make setup installs it), else one on PATH.
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if found is None:
        sys.exit("uv is missing: run `make setup` (it installs uv from the lock) or `pip install uv`.")
    return found


def locked_torch_version(root: Path = ROOT) -> str:
    lock = tomllib.loads((root / "uv.lock").read_text(encoding="utf-8"))
    versions = {p["version"] for p in lock["package"] if p["name"] == "torch"}
    if len(versions) != 1:
        sys.exit(f"uv.lock should hold exactly one torch release, it holds {sorted(versions)}")
    return versions.pop()


def main(uv_lock_args: list[str]) -> None:
    tool = uv()
    subprocess.run([tool, "lock", *uv_lock_args], cwd=ROOT, check=True)
    digest = inputs_digest(read_pyproject())
    for name, (purpose, options) in EXPORTS.items():
        body = subprocess.run(
            [tool, "export", "--frozen", "--format", "requirements.txt", "--no-header",
             "--no-emit-project", *options],
            cwd=ROOT, check=True, capture_output=True, text=True).stdout
        install = f"pip install --no-deps --require-hashes -r requirements/{name}"
        (HERE / name).write_text(header(f"KI-Werkstatt lock, {purpose}", digest, install) + body,
                                 encoding="utf-8")
    torch = f"torch=={locked_torch_version()}"
    (HERE / TORCH_FILE).write_text(
        header("PyTorch for KI-Werkstatt, installed apart from the lock so that each place takes its own build",
               digest, "pip install -r requirements/torch.txt, after the lock "
               "(Linux without a GPU: add --index-url https://download.pytorch.org/whl/cpu)")
        + torch + "\n", encoding="utf-8")
    print(f"lock written: uv.lock, {', '.join(EXPORTS)}, {TORCH_FILE} ({torch})")


if __name__ == "__main__":
    main(sys.argv[1:])

"""A reproducible install: pyproject.toml declares, the lock pins with hashes, every installer reads the lock.

pyproject.toml names what the course needs (exact pins); `make lock` resolves it once with uv (uv.lock) and
exports it to requirements/*.txt, each a closed set with hashes for `pip install --no-deps --require-hashes`.
make, Binder and Colab install from those files; PyTorch alone comes apart (requirements/torch.txt).

The checks are functions over text, so each test below also shows its check catching a broken lock.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCKS = ("all.txt", "lab.txt", "colab.txt")


def _load_update():
    spec = importlib.util.spec_from_file_location("requirements_update", REQUIREMENTS / "update.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


UPDATE = _load_update()


# --- reading a lock file and pyproject.toml ------------------------------------------------------------------

def requirement_lines(text: str) -> list[str]:
    """The logical requirement lines of a requirements file: continuations joined, comments dropped."""
    joined = text.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def lock_problems(text: str) -> list[str]:
    """What keeps a file from being a lock: a line that is not `name==version [; marker] --hash=...`."""
    problems = []
    for line in requirement_lines(text):
        requirement, *hashes = re.split(r"\s+--hash=", line)
        if not hashes or not all(re.fullmatch(r"sha256:[0-9a-f]{64}", h.strip()) for h in hashes):
            problems.append(f"no sha256 hash: {requirement}")
            continue
        try:
            parsed = Requirement(requirement)
        except Exception:  # an option (-e, --index-url, a URL): pip would fetch something unpinned
            problems.append(f"not a requirement: {requirement}")
            continue
        specifiers = list(parsed.specifier)
        if len(specifiers) != 1 or specifiers[0].operator != "==" or "*" in specifiers[0].version:
            problems.append(f"not pinned to one version: {requirement}")
    return problems


def locked_versions(text: str) -> dict[str, set[str]]:
    """Package -> the versions the lock holds (two where a Python version forks the resolution)."""
    versions: dict[str, set[str]] = {}
    for line in requirement_lines(text):
        parsed = Requirement(re.split(r"\s+--hash=", line)[0])
        versions.setdefault(canonicalize_name(parsed.name), set()).add(next(iter(parsed.specifier)).version)
    return versions


def pins(requirements: list[str]) -> dict[str, str]:
    """The exact pins among requirement strings (every top-level requirement of the course is one)."""
    result = {}
    for text in requirements:
        parsed = Requirement(text)
        specifiers = list(parsed.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"pyproject.toml: pin exactly: {text}"
        result[canonicalize_name(parsed.name)] = specifiers[0].version
    return result


def pin_mismatches(wanted: dict[str, str], lock_text: str) -> list[str]:
    held = locked_versions(lock_text)
    return [f"{name}=={version}, lock holds {sorted(held.get(name, ())) or 'nothing'}"
            for name, version in wanted.items() if held.get(name) != {version}]


def read(name: str) -> str:
    return (REQUIREMENTS / name).read_text(encoding="utf-8")


PROJECT = PYPROJECT["project"]
RUNTIME = pins(PROJECT["dependencies"])
EXTRAS = {extra: pins(reqs) for extra, reqs in PROJECT["optional-dependencies"].items()}
GROUPS = {group: pins(reqs) for group, reqs in PYPROJECT.get("dependency-groups", {}).items()}
TORCH = canonicalize_name("torch")


def without_torch(wanted: dict[str, str]) -> dict[str, str]:
    return {name: version for name, version in wanted.items() if name != TORCH}


# --- the lock files themselves -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", LOCKS)
def test_every_line_is_pinned_and_hashed(name):
    text = read(name)
    assert requirement_lines(text), f"requirements/{name} is empty"
    assert lock_problems(text) == []


def test_an_unhashed_or_loose_line_is_caught():
    good = "numpy==2.4.6 \\\n    --hash=sha256:" + "a" * 64 + "\n    # via werkstatt\n"
    assert lock_problems(good) == []
    assert lock_problems(good + "pandas==3.1.1\n") == ["no sha256 hash: pandas==3.1.1"]
    assert lock_problems("pandas>=3 --hash=sha256:" + "b" * 64 + "\n") == ["not pinned to one version: pandas>=3"]
    assert lock_problems("-e . --hash=sha256:" + "b" * 64 + "\n") == ["not a requirement: -e ."]


def test_every_pin_in_pyproject_is_in_the_lock_at_the_same_version():
    everything = {**RUNTIME, **{k: v for extra in EXTRAS.values() for k, v in extra.items()},
                  **{k: v for group in GROUPS.values() for k, v in group.items()}}
    assert pin_mismatches(without_torch(everything), read("all.txt")) == []
    assert pin_mismatches(without_torch({**RUNTIME, **EXTRAS["lab"]}), read("lab.txt")) == []
    assert pin_mismatches(without_torch({**RUNTIME, **EXTRAS["colab"]}), read("colab.txt")) == []


def test_a_pin_the_lock_does_not_hold_is_caught():
    lock = "numpy==2.4.6 --hash=sha256:" + "a" * 64 + "\n"
    assert pin_mismatches({"numpy": "2.4.6"}, lock) == []
    assert pin_mismatches({"numpy": "2.4.7"}, lock) == ["numpy==2.4.7, lock holds ['2.4.6']"]
    assert pin_mismatches({"pandas": "3.1.1"}, lock) == ["pandas==3.1.1, lock holds nothing"]


def test_each_lock_holds_only_its_part():
    lab, colab = locked_versions(read("lab.txt")), locked_versions(read("colab.txt"))
    # The tools of the book, the tests, the hub and the lock (some of what they need, e.g. nbformat, JupyterLab
    # needs too).
    assert not {"jupyter-book", "pytest", "pytest-xdist", "nbval", "reuse", "playwright", "jupyterhub",
                "nbgitpuller", "uv"} & set(lab)
    # Colab keeps its own Jupyter, IPython and PyTorch (with what only PyTorch needs, e.g. sympy).
    assert not {"jupyterlab", "ipykernel", "ipython", "sympy"} & set(colab)
    assert set(colab) < set(lab) < set(locked_versions(read("all.txt")))


def test_the_three_exports_come_from_one_resolution():
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    resolved = {(canonicalize_name(p["name"]), p["version"]) for p in lock["package"]}
    for name in LOCKS:
        exported = {(package, version) for package, versions in locked_versions(read(name)).items()
                    for version in versions}
        assert exported <= resolved, f"requirements/{name} differs from uv.lock: {sorted(exported - resolved)}"


# --- the lock is up to date with pyproject.toml ---------------------------------------------------------------

@pytest.mark.parametrize("name", LOCKS + ("torch.txt",))
def test_the_lock_was_written_from_this_pyproject(name):
    line = next((l for l in read(name).splitlines() if l.startswith(UPDATE.INPUTS_LINE)), None)
    assert line is not None, f"requirements/{name} has no '{UPDATE.INPUTS_LINE.strip()}' line"
    assert line.removeprefix(UPDATE.INPUTS_LINE) == UPDATE.inputs_digest(PYPROJECT), \
        "pyproject.toml changed since the lock was written: run `make lock` (CONTRIBUTING.md, 'Updating the lock file')"


def test_a_changed_pin_makes_the_lock_stale():
    changed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    changed["project"]["dependencies"] = [r.replace("numpy==", "numpy==0.") for r in changed["project"]["dependencies"]]
    assert UPDATE.inputs_digest(changed) != UPDATE.inputs_digest(PYPROJECT)
    changed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    changed["tool"]["uv"]["dependency-metadata"][0]["requires-dist"].append("triton")
    assert UPDATE.inputs_digest(changed) != UPDATE.inputs_digest(PYPROJECT)
    # ... but not the sections that do not decide the lock
    changed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    changed["tool"]["pytest"] = {}
    assert UPDATE.inputs_digest(changed) == UPDATE.inputs_digest(PYPROJECT)


# --- PyTorch: installed apart, one release everywhere ----------------------------------------------------------

def test_torch_is_in_no_lock_and_torch_txt_has_the_pyproject_release():
    for name in LOCKS:
        assert TORCH not in locked_versions(read(name)), f"requirements/{name} must not hold torch"
    assert requirement_lines(read("torch.txt")) == [f"torch=={RUNTIME[TORCH]}"]


def test_binder_takes_the_same_torch_release_as_a_cpu_build():
    text = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")
    assert requirement_lines(text) == ["--extra-index-url https://download.pytorch.org/whl/cpu",
                                       f"torch=={RUNTIME[TORCH]}+cpu"]


def test_what_torch_needs_is_in_the_lock():
    # The lock replaces torch's own metadata (pyproject's tool.uv.dependency-metadata); the installed
    # build is the judge of what it really needs (its extras and the CUDA wheel's nvidia-* aside).
    needs = [Requirement(r) for r in importlib.metadata.requires("torch") or []]
    needs = [r for r in needs if r.marker is None or r.marker.evaluate({"extra": ""})]
    declared = next(d for d in PYPROJECT["tool"]["uv"]["dependency-metadata"] if d["name"] == "torch")
    assert declared["version"] == RUNTIME[TORCH]
    assert {canonicalize_name(r.name) for r in needs} <= \
        {canonicalize_name(Requirement(r).name) for r in declared["requires-dist"]}
    for name in ("all.txt", "lab.txt"):
        held = locked_versions(read(name))
        for need in needs:
            versions = held.get(canonicalize_name(need.name), set())
            assert versions and all(need.specifier.contains(v) for v in versions), f"{name}: {need}"


# --- every installer reads the lock -----------------------------------------------------------------------------

def makefile_rule(target: str) -> str:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:.*?(?=^\S|\Z)", text, re.M | re.S)
    assert match, f"Makefile has no rule for {target}"
    return match.group(0)


def test_make_installs_the_lock_with_hashes():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^LOCK := requirements/all\.txt$", text, re.M)
    rule = makefile_rule("$(STAMP)")
    prerequisites = rule.splitlines()[0].split(":", 1)[1].split()
    assert {"$(LOCK)", "requirements/torch.txt", "pyproject.toml"} <= set(prerequisites)
    installs = [line.strip() for line in rule.splitlines() if "pip install" in line]
    assert any("--no-deps --require-hashes -r $(LOCK)" in line for line in installs), installs
    # nothing else from an index but pip itself and torch (requirements/torch.txt), and the course itself
    others = [line for line in installs if "-r $(LOCK)" not in line and "--upgrade pip" not in line
              and "-r requirements/torch.txt" not in line and not line.endswith("--no-deps -e .")]
    assert others == []


def test_binder_and_colab_install_from_the_lock():
    post_build = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    assert "pip install --no-cache-dir --no-deps --require-hashes -r requirements/lab.txt" in post_build
    colab = (ROOT / "binder" / "colab.sh").read_text(encoding="utf-8")
    assert "pip install -q --no-deps --require-hashes -r requirements/colab.txt" in colab
    for script in (post_build, colab):
        # no list of names filtered out of a requirements file: the lock says what to install
        assert not re.search(r"\b(grep|sed|awk|perl)\b", script)
        assert not [l for l in script.splitlines() if "pip install" in l and "-r requirements/" not in l
                    and not re.search(r"--no-deps (-e )?\.$", l.strip())]


def test_no_file_names_the_old_requirements():
    # requirements.txt and requirements-nodeps.txt at the top are gone; a guide that still names them
    # sends a reader to a file that is not there.
    assert not (ROOT / "requirements.txt").exists() and not (ROOT / "requirements-nodeps.txt").exists()
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split("\0")
    old = re.compile(r"requirements-nodeps\.txt|-r (\.\./)?requirements\.txt")
    stale = [name for name in listing
             if Path(name).suffix in {".md", ".sh", ".py", ".yml", ".toml", ".txt", ".cfg", ""}
             and name and name != "tests/test_install.py" and (ROOT / name).is_file()
             and old.search((ROOT / name).read_text(encoding="utf-8", errors="replace"))]
    assert stale == []


# --- what the package itself declares --------------------------------------------------------------------------

def test_runtime_has_babel_and_the_package_ships_its_catalogues():
    assert "babel" in RUNTIME
    package_data = PYPROJECT["tool"]["setuptools"]["package-data"]["werkstatt"]
    assert {"**/*.po", "**/*.mo"} <= set(package_data)

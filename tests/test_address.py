"""One home address: the course's repository and branch are written by hand in course.toml only.

Every other place (launch buttons, Binder badge, Colab cells, nbgitpuller and clone examples, citation, metadata,
licence credit) is filled in by `make address` (scripts/address.py, scripts/add_colab_cell.py, make_exercises.py).
These tests fail when the address appears anywhere else, when a generated place is out of date, or when a fork's
one edit would leave the old address behind.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import address  # noqa: E402

HOME = address.home()
NOTEBOOK_FOLDERS = ("notebooks/", "solutions/", "exercises/")
FORK = """[home]
repository = "https://github.com/schule-musterstadt/ki-kurs-10b"
branch = "klasse-10b"
"""


def tracked_files() -> list[str]:
    run = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        pytest.skip("not a git checkout: the tracked files are unknown")
    return [name for name in run.stdout.split("\0") if name and (ROOT / name).is_file()]


def strays(relative: str, text: str, home: address.Home) -> list[str]:
    """Lines of `text` that hold the address outside the generated places of `relative`."""
    templates = address.PLACES.get(relative, [])
    if relative.startswith(NOTEBOOK_FOLDERS) and relative.endswith(".ipynb"):
        templates = address.NOTEBOOK_PLACES
    for template in templates:
        text = address.pattern(template).sub("", text)
    forms = [f"{home.owner}/{home.name}", f"{home.owner}%2F{home.name}"]
    found = re.compile("|".join(re.escape(form) for form in forms), re.IGNORECASE)
    return [line.strip()[:120] for line in text.splitlines() if found.search(line)]


def test_the_address_is_written_nowhere_but_in_course_toml_and_the_generated_places():
    found = {}
    for relative in tracked_files():
        if relative == "course.toml":
            continue
        try:
            text = (ROOT / relative).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # pictures and other binary files
        if lines := strays(relative, text, HOME):
            found[relative] = lines
    assert found == {}, "write the address only in course.toml; add a generated place to scripts/address.py"


def test_the_stray_check_can_fail():
    planted = f"See https://github.com/{HOME.owner}/{HOME.name}/issues for help."
    assert strays("book/en/05-open-models.md", planted, HOME)
    assert strays("README.md", f"repo={HOME.owner}%2F{HOME.name}", HOME)
    # the same text in a generated place is allowed
    assert strays("CITATION.cff", f'url: "{HOME.url}"', HOME) == []


def test_every_generated_place_is_up_to_date():
    assert address.main(check=True) == 0, "run: make address"
    colab = subprocess.run([sys.executable, str(ROOT / "scripts" / "add_colab_cell.py"), "--check"], cwd=ROOT,
                           capture_output=True, text=True)
    assert colab.returncode == 0, colab.stdout + colab.stderr


def test_the_launch_buttons_and_colab_cells_use_the_home_address():
    import yaml

    for config in ("_config.yml", "_config.en.yml"):
        repository = yaml.safe_load((ROOT / config).read_text(encoding="utf-8"))["repository"]
        assert (repository["url"], repository["branch"]) == (HOME.url, HOME.branch)
    cell = (ROOT / "notebooks" / "en" / "05-open-models.ipynb").read_text(encoding="utf-8")
    assert HOME.fill(address.COLAB_CLONE) in cell


# --- a fork: one edit in course.toml, then make address ----------------------------------------------

@pytest.fixture
def fork(tmp_path: Path) -> Path:
    """A copy of every file with a generated place, and course.toml changed to a school's fork."""
    for relative in address.PLACES:
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, tmp_path / relative)
    (tmp_path / "course.toml").write_text(FORK, encoding="utf-8")
    return tmp_path


def test_a_fork_is_one_edit_in_course_toml_plus_make_address(fork, capsys):
    assert address.main(check=True, root=fork) == 1  # every place still holds the old address
    assert address.main(check=False, root=fork) == 0
    assert address.main(check=True, root=fork) == 0  # written, and writing again changes nothing
    new = address.home(fork / "course.toml")
    for relative in address.PLACES:
        text = (fork / relative).read_text(encoding="utf-8")
        assert strays(relative, text, HOME) == [] and f"{HOME.owner}/{HOME.name}" not in text, relative
        assert new.url in text or "%2Fki-kurs-10b" in text or "/ki-kurs-10b/" in text, relative
    deployment = (fork / "book/en/teachers-deployment.md").read_text(encoding="utf-8")
    assert ("repo=https%3A%2F%2Fgithub.com%2Fschule-musterstadt%2Fki-kurs-10b&branch=klasse-10b"
            "&urlpath=lab%2Ftree%2Fki-kurs-10b%2F") in deployment
    assert "mybinder.org/v2/gh/schule-musterstadt/ki-kurs-10b/klasse-10b?urlpath=lab/tree/notebooks/" in deployment
    assert "git clone --branch klasse-10b https://github.com/schule-musterstadt/ki-kurs-10b\n   cd ki-kurs-10b\n" in deployment
    assert new.fill(address.COLAB_CLONE) == ("git clone --quiet --depth 1 --branch klasse-10b "
                                             "https://github.com/schule-musterstadt/ki-kurs-10b /content/ki-kurs-10b")


def test_a_place_edited_away_fails_the_check(fork, capsys):
    readme = fork / "README.md"
    readme.write_text(re.sub(r"\[!\[Binder\].*\n", "", readme.read_text(encoding="utf-8")), encoding="utf-8")
    assert address.main(check=True, root=fork) == 1
    assert "place not found" in capsys.readouterr().out


@pytest.mark.parametrize("repository", ["https://gitlab.com/schule/ki-kurs", "github.com/schule/ki-kurs",
                                        "https://github.com/schule"])
def test_an_address_that_is_not_a_github_repository_is_refused(tmp_path, repository):
    (tmp_path / "course.toml").write_text(f'[home]\nrepository = "{repository}"\nbranch = "main"\n')
    with pytest.raises(SystemExit, match="github.com/OWNER/NAME"):
        address.home(tmp_path / "course.toml")


def test_make_address_writes_every_kind_of_place_and_make_book_runs_it():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    address_run = subprocess.run(["make", "-n", "address"], cwd=ROOT, capture_output=True, text=True)
    for script in ("scripts/address.py", "scripts/add_colab_cell.py", "scripts/make_exercises.py"):
        assert script in address_run.stdout
    book_run = subprocess.run(["make", "-n", "book"], cwd=ROOT, capture_output=True, text=True)
    assert book_run.stdout.index("scripts/address.py") < book_run.stdout.index("scripts/build_book.py")

"""Third-party material is never labelled as the course's own by accident.

REUSE.toml's first rule labels every file MIT with the course's copyright, and its second labels everything in book/
CC BY 4.0 – a photo or a novel a remixer adds would silently become "ours". The safeguard (REUSE.toml rules 9-11, the
remix guide explains it): third-party material goes into third_party/ with a `<file>.license` file beside it (or an
annotation of its own), and a picture in book/*/images is the course's own only when REUSE.toml names it. Anything else
gets the deliberately unknown licence LicenseRef-Unlabelled-Third-Party, and `reuse lint` fails.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REUSE = Path(sys.executable).with_name("reuse")
UNKNOWN = "LicenseRef-Unlabelled-Third-Party"
MEDIA = re.compile(r"\.(png|jpe?g|gif|svg|webp|tiff?|pdf|mp3|mp4|wav|ogg|webm|docx?|pptx?|odt|epub)$", re.I)


def project_files() -> list[str]:
    """What a fresh clone holds: tracked files and new files git does not ignore (every file outside a checkout)."""
    if not (ROOT / ".git").exists():
        return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()
                and not {".venv", "_build", "node_modules", ".git"} & set(p.relative_to(ROOT).parts)]
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, check=True).stdout.decode("utf-8")
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def annotations() -> list[dict]:
    return tomllib.loads((ROOT / "REUSE.toml").read_text(encoding="utf-8"))["annotations"]


def paths(annotation: dict) -> list[str]:
    return [annotation["path"]] if isinstance(annotation["path"], str) else annotation["path"]


@pytest.fixture()
def mini_project(tmp_path: Path) -> Path:
    """The course's REUSE.toml and licence texts, one course file per licence and one course figure."""
    for name in ["REUSE.toml", "Makefile", "CITATION.cff", "book/de/index.md", "book/de/images/02-zipf.png",
                 "LICENSES/MIT.txt", "LICENSES/CC-BY-4.0.txt", "LICENSES/CC0-1.0.txt"]:  # the three the rules use
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(REUSE), "--root", str(root), "lint"], capture_output=True, text=True)


def test_the_mini_project_is_compliant_as_it_is(mini_project):
    result = lint(mini_project)
    assert result.returncode == 0, result.stdout[-3000:]


def test_an_unlabelled_file_in_third_party_fails_and_a_license_file_beside_it_fixes_that(mini_project):
    photo = mini_project / "third_party" / "images" / "rathaus.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff not really a photo")
    result = lint(mini_project)
    assert result.returncode != 0 and UNKNOWN in result.stdout and "rathaus.jpg" in result.stdout
    tag = "SPDX-"  # written in two parts, so that `reuse` does not read these lines as this file's own labels
    (photo.parent / "rathaus.jpg.license").write_text(
        f"{tag}FileCopyrightText: 2019 Jane Example\n{tag}License-Identifier: CC-BY-4.0\n", encoding="utf-8")
    result = lint(mini_project)
    assert result.returncode == 0, result.stdout[-3000:]


def test_an_unlabelled_picture_in_the_book_fails_and_an_annotation_fixes_that(mini_project):
    picture = mini_project / "book" / "de" / "images" / "foto.jpg"
    picture.write_bytes(b"\xff\xd8\xff not really a photo")
    assert lint(mini_project).returncode != 0  # rule 2 would have called it CC BY 4.0 and ours
    with (mini_project / "REUSE.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[[annotations]]\npath = ["book/de/images/foto.jpg"]\n'
                   'SPDX-FileCopyrightText = "2020 Max Muster"\nSPDX-License-Identifier = "CC0-1.0"\n')
    result = lint(mini_project)
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_course_figure_is_named_in_reuse_toml_and_every_name_has_its_figure():
    own = [rule for rule in annotations() if all(p.startswith("book/*/images/") for p in paths(rule))
           and "Unlabelled" not in rule["SPDX-License-Identifier"]]
    assert len(own) == 1, "rule 11: the course's own figures"
    patterns = paths(own[0])
    figures = [name for name in project_files() if re.match(r"book/[a-z]{2}/images/", name)
               and not name.endswith(".license")]
    unnamed = [name for name in figures if not any(fnmatch(name, pattern) for pattern in patterns)
               and not (ROOT / f"{name}.license").exists()]
    assert unnamed == [], "a course figure: add its name to rule 11 in REUSE.toml; someone else's: label it"
    assert [p for p in patterns if not any(fnmatch(name, p) for name in figures)] == [], "names without a figure"


def test_the_safeguards_come_after_the_rules_they_guard():
    order = [paths(rule) for rule in annotations()]
    position = {tuple(p): i for i, p in enumerate(order)}
    assert position[("third_party/**",)] > position[("**",)]
    assert position[("book/*/images/**",)] > position[("**/*.md", "book/**")]


def test_no_picture_or_document_elsewhere_is_labelled_only_by_the_catch_all():
    """Media outside book/*/images and third_party/ would get rules 1 or 2 silently: they need their own label."""
    loose = []
    for name in project_files():
        if not MEDIA.search(name) or name.startswith("third_party/") or re.match(r"book/[a-z]{2}/images/", name):
            continue
        labelled = (ROOT / f"{name}.license").exists() or any(
            any(fnmatch(name, p) for p in paths(rule)) for rule in annotations()[1:]
            if paths(rule) != ["**/*.md", "book/**"])
        if not labelled:
            loose.append(name)
    assert loose == [], "put third-party material into third_party/ with a .license file (see the remix guide)"


def test_the_mit_notice_has_a_real_copyright_line_and_it_matches_reuse_toml():
    holder = annotations()[0]["SPDX-FileCopyrightText"]          # rule 1: "2026 The KI-Werkstatt team and contributors"
    line = f"Copyright (c) {holder}"
    mit = (ROOT / "LICENSES" / "MIT.txt").read_text(encoding="utf-8")
    assert line in mit and "<year>" not in mit and "<copyright holders>" not in mit
    assert line in (ROOT / "LICENSE").read_text(encoding="utf-8")

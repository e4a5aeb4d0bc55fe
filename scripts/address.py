#!/usr/bin/env python
"""Write the course's home address from course.toml into every place that links to it.

The address (a GitHub repository and its branch) is written by hand in course.toml only. Each place below is a
pattern with the address's parts as blanks; this script finds every place, whatever address it holds now, and
fills in the one from course.toml. The Colab set-up cell of every notebook is written by scripts/add_colab_cell.py
from the same file, and exercises/ by scripts/make_exercises.py; `make address` runs all three.

Usage: python scripts/address.py [--check]   (--check: change nothing, exit 1 when a place is out of date)
"""
from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course.toml"

# Blanks a place may contain, and what each may match in the text as it is now.
PARTS = {
    "owner": r"[A-Za-z0-9-]+",
    "name": r"[A-Za-z0-9_.-]+",
    "branch": r"[A-Za-z0-9_.-]+",
    "url": r"https://github\.com/[A-Za-z0-9-]+/[A-Za-z0-9_.-]+",
    "url_quoted": r"https%3A%2F%2Fgithub\.com%2F[A-Za-z0-9-]+%2F[A-Za-z0-9_.-]+",
}

# Every place outside the notebooks that holds the address. A place must be found at least once in its file: a
# page edited so that its place is gone fails the check, instead of silently keeping an old address.
PLACES: dict[str, list[str]] = {
    "CITATION.cff": ['repository-code: "{url}"', 'url: "{url}"'],
    "metadata.yml": ['id: "{url}"'],
    "LICENSE": ["{url}, licensed under CC BY 4.0"],
    "README.md": ["https://mybinder.org/v2/gh/{owner}/{name}/{branch}?urlpath=lab"],
    "_config.yml": ["url: {url}\n  branch: {branch}\n"],
    "_config.en.yml": ["url: {url}\n  branch: {branch}\n"],
    **{f"book/{language}/00-start-here.md": ["git clone --branch {branch} {url}\n  cd {name}\n"]
       for language in ("de", "en")},
    **{f"book/{language}/teachers-deployment.md": [
        "https://mybinder.org/v2/gh/{owner}/{name}/{branch}?urlpath=lab/tree/notebooks/",
        "git clone --branch {branch} {url}\n   cd {name}\n",
        "repo={url_quoted}&branch={branch}&urlpath=lab%2Ftree%2F{name}%2F",
    ] for language in ("de", "en")},
    **{f"book/{language}/teachers-remix.md": ["<{url}>"] for language in ("de", "en")},
}

# The Colab set-up cell (scripts/add_colab_cell.py writes it into notebooks/ and solutions/, make_exercises.py
# copies it into exercises/): Colab clones the course at its home address and branch.
COLAB_CLONE = "git clone --quiet --depth 1 --branch {branch} {url} /content/{name}"
COLAB_SETUP = "bash /content/{name}/binder/colab.sh"
NOTEBOOK_PLACES = [COLAB_CLONE, COLAB_SETUP]


@dataclass(frozen=True)
class Home:
    """The course's public repository: owner/name on GitHub, and the branch learners get."""

    owner: str
    name: str
    branch: str

    @property
    def url(self) -> str:
        return f"https://github.com/{self.owner}/{self.name}"

    def values(self) -> dict[str, str]:
        return {"owner": self.owner, "name": self.name, "branch": self.branch, "url": self.url,
                "url_quoted": quote(self.url, safe="")}

    def fill(self, template: str) -> str:
        return template.format(**self.values())


def home(path: Path = COURSE) -> Home:
    """The address in course.toml; a clear message when it is not a GitHub repository address."""
    with path.open("rb") as handle:
        entry = tomllib.load(handle)["home"]
    match = re.fullmatch(r"https://github\.com/([A-Za-z0-9-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?", entry["repository"])
    if match is None or not re.fullmatch(PARTS["branch"], entry.get("branch", "")):
        raise SystemExit(f"{path.name}: repository must look like https://github.com/OWNER/NAME and branch like "
                         f"main (Binder, Colab and nbgitpuller links are made for GitHub)")
    return Home(owner=match.group(1), name=match.group(2), branch=entry["branch"])


def pattern(template: str) -> re.Pattern:
    """A regular expression that finds the place `template` with any address in its blanks."""
    pieces = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(re.escape(piece) if i % 2 == 0 else f"(?:{PARTS[piece]})"
                              for i, piece in enumerate(pieces)))


def rewrite(text: str, templates: list[str], address: Home) -> tuple[str, list[str]]:
    """`text` with every place filled in from `address`, and the templates that were not found at all."""
    missing = []
    for template in templates:
        text, count = pattern(template).subn(lambda _: address.fill(template), text)
        if count == 0:
            missing.append(template)
    return text, missing


def main(check: bool, root: Path = ROOT) -> int:
    """Fill in every place under `root` from its course.toml (or only report, with `check`); 1 when not all is well."""
    address = home(root / COURSE.name)
    stale, lost = [], []
    for relative, templates in PLACES.items():
        path = root / relative
        text = path.read_text(encoding="utf-8")
        new, missing = rewrite(text, templates, address)
        lost += [f"{relative}: {template!r}" for template in missing]
        if new != text:
            stale.append(relative)
            if not check:
                path.write_text(new, encoding="utf-8")
    for line in lost:
        print("place not found (edited by hand? put it back, or change PLACES in scripts/address.py):", line)
    for relative in stale:
        print(("out of date: " if check else "address written: ") + relative)
    if check and stale:
        print(f"run: make address   (writes {address.url}, branch {address.branch}, from course.toml)")
    return 1 if lost or (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))

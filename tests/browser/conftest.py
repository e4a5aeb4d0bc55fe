"""The browser tests: build the book (profile quick), serve it on 127.0.0.1, open every page in Chromium.

Run them with `make browser` (part of `make test`), or directly:
    .venv/bin/python -m pytest tests/browser -q
They are left out of `pytest tests` (the quick unit run), because they build the whole book.
Set WERKSTATT_TEST_SITE=<folder> to test an existing build instead of building one.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browsing import ROOT, Server, discover_pages, find_chromium, redirect_target, visit_all

HERE = Path(__file__).resolve().parent
TEST_SITE = ROOT / "_build" / "test-site"
TIMES: dict[str, float] = {}


def _requested(config) -> bool:
    """True when the command line names this folder (or a file in it), e.g. `pytest tests/browser`."""
    if os.environ.get("WERKSTATT_BROWSER_TESTS") == "1":
        return True
    base = Path(config.invocation_params.dir)
    for argument in config.invocation_params.args:
        if argument.startswith("-"):
            continue
        path = (base / argument.split("::", 1)[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    # `pytest tests` stays a quick unit run; the browser tests need `pytest tests/browser`.
    if collection_path.suffix == ".py" and not _requested(config):
        return True
    return None


@pytest.fixture(scope="session")
def site() -> Path:
    existing = os.environ.get("WERKSTATT_TEST_SITE")
    if existing:
        return Path(existing).resolve()
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_book.py"), "--profile", "quick",
         "--site", str(TEST_SITE.relative_to(ROOT)), "--parallel"],
        cwd=ROOT, capture_output=True, text=True)
    TIMES["build"] = time.perf_counter() - start
    if result.returncode != 0:
        pytest.fail("the book does not build (profile quick):\n" + result.stdout[-3000:] + result.stderr[-6000:])
    return TEST_SITE


@pytest.fixture(scope="session")
def pages(site) -> list[str]:
    found = discover_pages(site)
    assert any(page.startswith("de/book/de/") for page in found), f"no German book pages in {site}"
    assert any(page.startswith("en/book/en/") for page in found), f"no English book pages in {site}"
    return found


@pytest.fixture(scope="session")
def redirects(site, pages) -> dict[str, str]:
    """Pages that only forward to another page (e.g. de/index.html -> book/de/index.html)."""
    return {page: target for page in pages if (target := redirect_target(site, page))}


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.fail("Chromium is not installed, so the built book cannot be tested in a browser. "
                    "Install Debian's chromium and chromium-driver (as root: make setup, or "
                    "apt-get install chromium chromium-driver).")
    return path


@pytest.fixture(scope="session")
def visits(site, pages, redirects, chromium) -> dict:
    """Every page (redirect pages aside) opened once in Chromium; the tests read what happened."""
    start = time.perf_counter()
    with Server(site) as server:
        result = visit_all(chromium, server, [page for page in pages if page not in redirects])
    TIMES["browser"] = time.perf_counter() - start
    TIMES["pages"] = len(result)
    TIMES["serious"] = sum(1 for visit in result for violation in visit.violations
                           if violation["impact"] in ("serious", "critical"))
    TIMES["widgets"] = sum(1 for visit in result if visit.widget_views)
    TIMES["maths"] = sum(1 for visit in result if visit.math_expected)
    _write_axe_report(site, result)
    _write_timings(site, result)
    return {visit.page: visit for visit in result}


def _write_axe_report(site: Path, visits) -> None:
    import json

    report = {visit.page: visit.violations for visit in visits if visit.violations}
    (site / "axe-report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")


def _write_timings(site: Path, visits) -> None:
    lines = [f"{visit.seconds:6.2f} s  {visit.page}" for visit in sorted(visits, key=lambda v: -v.seconds)]
    total = sum(visit.seconds for visit in visits)
    (site / "browser-timings.txt").write_text(
        f"# {len(visits)} pages, {total:.0f} s in the browser (slowest first)\n" + "\n".join(lines) + "\n",
        encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if "pages" not in TIMES:
        return
    parts = [f"{TIMES['pages']} pages opened in Chromium in {TIMES['browser']:.0f} s "
             f"({TIMES['widgets']} with saved widgets, {TIMES['maths']} with formulas)",
             f"axe-core: {TIMES['serious']} serious or critical violations"]
    if "build" in TIMES:
        parts.insert(0, f"book built (profile quick, both editions) in {TIMES['build']:.0f} s")
    terminalreporter.write_line("browser tests: " + "; ".join(parts))

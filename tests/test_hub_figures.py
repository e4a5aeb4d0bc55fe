"""The class checklist on the deployment page: its figures come from the hub test's results, its links are the tested ones.

The hub test itself (tests/hub, `make hub-test`) needs root; these checks run in every unit run.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests" / "hub"))

import hub_tables  # noqa: E402
from classroom import nbgitpuller_link  # noqa: E402

NOTEBOOKS = {"notebooks": [
    {"notebook": "notebooks/de/05-open-models.ipynb", "seconds": 60.0, "peak_rss_mib": 1000, "ok": True},
    {"notebook": "notebooks/de/06-fine-tuning.ipynb", "seconds": 120.0, "peak_rss_mib": 900, "ok": True},
    {"notebook": "notebooks/de/07-looking-inside.ipynb", "seconds": 999.0, "peak_rss_mib": 3000, "ok": False},
]}
HUB = {"measured": "2026-01-01T10:00Z", "command": "sudo make hub-test", "pupils": 3, "profile": "quick",
       "machine": {"cpu_count": 2}, "seconds": {"class": 70.4}, "cache": {"conversions": 1, "size_mib": 517},
       "peak_total_pss_mib": 2000,
       "per_pupil": [{"server_idle_rss_mib": 130, "home_mib": 6, "peak_rss_mib": 1300},
                     {"server_idle_rss_mib": 134, "home_mib": 7, "peak_rss_mib": 1340}]}


def test_the_class_table_adds_the_measured_server_to_the_largest_notebook():
    table = hub_tables.class_block(NOTEBOOKS, "en", HUB)
    assert "1,134 MiB" in table  # 1000 (largest successful notebook) + 134 (largest server)
    assert "25 × 1,280 MiB" in table and "34 GiB" in table  # 1000 × 1.25 → 1280; 25 × 1280 MiB + 2 GiB = 33.25
    assert "100 core-minutes" in table and "`06-fine-tuning.ipynb`" in table  # 25 × 120 s × 2 threads
    assert "25 × 7 MiB" in table and "517 MiB" in table
    assert "3,000" not in table and "999" not in table  # a failed run is no measurement
    assert "1.134 MiB" in hub_tables.class_block(NOTEBOOKS, "de", HUB)  # German numbers on the German page


def test_without_the_hub_measurement_the_page_says_how_to_make_it(monkeypatch, tmp_path):
    monkeypatch.setattr(hub_tables, "HUB_RESULTS", tmp_path / "hub.json")
    for language in ("de", "en"):
        assert "sudo make hub-test" in hub_tables.class_block(NOTEBOOKS, language)


def test_the_committed_hub_figures_show_a_passing_class():
    hub = hub_tables.load_hub()
    if hub is None:
        pytest.skip("no hub measurement committed yet")
    assert hub["cache"]["conversions"] == 1 and hub["cache"]["pupil_conversions"] == 0
    assert hub["homes_private"] is True and hub["leftover_processes"] == []
    assert len(hub["per_pupil"]) == hub["pupils"] >= 3


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_pages_links_are_the_ones_the_hub_test_opens(language):
    page = (ROOT / "book" / language / "teachers-deployment.md").read_text(encoding="utf-8")
    links = re.findall(r"https://\S+/hub/user-redirect/git-pull\?\S+", page)
    assert len(links) == 2, "the online and the offline nbgitpuller link"
    for link in links:
        query = parse_qs(urlsplit(link).query)
        repository, branch, urlpath = query["repo"][0], query["branch"][0], query["urlpath"][0]
        assert urlpath.endswith("?autodecode"), link
        folder = repository.rstrip("/").split("/")[-1]
        notebook = urlpath.removeprefix(f"lab/tree/{folder}/").removesuffix("?autodecode")
        assert (ROOT / notebook).is_file(), f"{notebook} does not exist"
        hub = link.split("/hub/user-redirect/")[0]
        assert nbgitpuller_link(hub, repository, branch, notebook) == link


def test_results_file_is_json_with_the_figures_the_closing_note_quotes():
    path = hub_tables.HUB_RESULTS
    if not path.exists():
        pytest.skip("no hub measurement committed yet")
    figures = json.loads(path.read_text(encoding="utf-8"))
    for key in ("pupils", "seconds", "per_pupil", "cache", "command", "measured"):
        assert key in figures

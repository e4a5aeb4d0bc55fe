"""The teacher pack: measured times come from benchmarks/results, never typed; every chapter has its plan."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from nbtools import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import teacher_tables  # noqa: E402


def test_pages_show_the_current_measurements():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "teacher_tables.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + " – run: python scripts/teacher_tables.py"


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_chapter_has_objectives_plans_prompts_and_a_misconception(language):
    page = (ROOT / "book" / language / "teachers-chapters.md").read_text(encoding="utf-8")
    sections = re.split(r"\n## (?:Kapitel|Chapter) (\d+):", page)[1:]
    numbers = [int(n) for n in sections[0::2]]
    assert numbers == list(range(10))
    for number, body in zip(numbers, sections[1::2]):
        assert body.count("| K") >= 3, f"chapter {number}: three objectives mapped to the frameworks"
        for word in (("45 Minuten", "90 Minuten", "Irrtum", "Impulse", "Voraussetzungen") if language == "de" else
                     ("45 minutes", "90 minutes", "Misconception", "Prompts", "Prerequisites")):
            assert word in body, f"chapter {number} lacks {word!r}"


def test_unmeasured_and_failed_notebooks_are_labelled_not_invented():
    results = {"notebooks": [
        {"notebook": "notebooks/de/01-language-model.ipynb", "seconds": 61.4, "peak_rss_mib": 700, "ok": True,
         "measured": "2026-01-01T10:00Z"},
        {"notebook": "notebooks/de/02-tokens.ipynb", "seconds": 5.0, "peak_rss_mib": 300, "ok": False,
         "measured": "2026-01-01T10:00Z", "error": "RuntimeError: boom"},
        {"notebook": "notebooks/de/03-attention.ipynb", "seconds": 950.0, "peak_rss_mib": 300, "ok": False,
         "measured": "2026-01-01T10:00Z", "error": "CellTimeoutError: A cell timed out"},
    ], "machine": {"cpu_count": 2}, "command": "python benchmarks/notebooks.py"}
    table = teacher_tables.times_table(results, "en")
    assert "1:01 min" in table and "700 MiB" in table
    assert "measurement failed" in table and "time limit" in table
    assert "950" not in table and "5:00" not in table  # no time is shown for a run that did not finish
    assert table.count("not yet measured") == 2 * 6 + 2
    first_row = teacher_tables.times_table(results, "en").split("\n")[2]
    assert "German notebook" in first_row  # only the German notebook was measured: the English page says so
    assert "German notebook" not in teacher_tables.times_table(results, "de").split("\n")[2]
    guarantee, limit = teacher_tables.limits(results)
    assert (guarantee, limit) == ("1024M", "1536M")  # 700 × 1.25 = 875 → 1024; × 1.5 → 1536
    assert "2G" in teacher_tables.tljh_block({"notebooks": []}, "de")


def test_measurements_file_is_consistent():
    if not teacher_tables.RESULTS.exists():
        pytest.skip("no measurements committed yet")
    results = teacher_tables.load()
    assert results["profile"] == "standard"
    for entry in results["notebooks"]:
        assert (ROOT / entry["notebook"]).is_file(), f"{entry['notebook']}: measured, but no such notebook"
        assert entry["seconds"] > 0 and entry["peak_rss_mib"] > 0

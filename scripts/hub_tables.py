"""The class checklist's figures on the deployment page (block `class`, written by scripts/teacher_tables.py).

Combines two measurements, never typed by hand:
- benchmarks/results/hub.json, written by the class test on a real JupyterHub
  (`sudo make hub-test HUB_RESULTS=benchmarks/results/hub.json`): a pupil's Jupyter server, the home folder after
  pulling the course, the shared model cache, how many times the model was converted;
- benchmarks/results/notebooks-standard.json (benchmarks/notebooks.py): the largest and the longest notebook.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from werkstatt.i18n import num, text

ROOT = Path(__file__).resolve().parents[1]
HUB_RESULTS = ROOT / "benchmarks" / "results" / "hub.json"
CLASS_SIZE = 25
THREADS = 2  # a notebook computes with at most two threads (werkstatt.start)
BINDER_ALLOWED_MIB, BINDER_GUARANTEED_MIB = 2048, 1024  # mybinder.org: per session, the Jupyter server included


def load_hub() -> dict | None:
    return json.loads(HUB_RESULTS.read_text(encoding="utf-8")) if HUB_RESULTS.exists() else None


def guarantee_mib(peak_mib: float) -> int:
    """The memory guarantee per person, as on the rest of the page: the peak plus a quarter, rounded up to 256 MiB."""
    return math.ceil(peak_mib * 1.25 / 256) * 256


def class_block(results: dict, language: str, hub: dict | None = None) -> str:
    """Memory, CPU and disk for one pupil and for a class of 25 on one server; Binder for one person."""
    hub = load_hub() if hub is None else hub
    measured = [r for r in results.get("notebooks", []) if r.get("ok")]
    if hub is None or not measured:
        return text("teacher.class_none", language)

    def n(value: float) -> str:  # numbers written the page's way (1.412 / 1,412)
        return num(value, 0, language)

    top = max(measured, key=lambda r: r["peak_rss_mib"])
    longest = max(measured, key=lambda r: r["seconds"])
    server = max(p["server_idle_rss_mib"] for p in hub["per_pupil"])
    home = max(p["home_mib"] for p in hub["per_pupil"])
    guarantee = guarantee_mib(top["peak_rss_mib"])
    core_minutes = CLASS_SIZE * longest["seconds"] * THREADS / 60
    rows = [
        ("class_memory_row",
         text("teacher.class_memory_pupil", language, total=n(top["peak_rss_mib"] + server),
              peak=n(top["peak_rss_mib"]), notebook=f"`{Path(top['notebook']).name}`", server=n(server)),
         text("teacher.class_memory_class", language, pupils=CLASS_SIZE, guarantee=n(guarantee),
              total=n(math.ceil(CLASS_SIZE * guarantee / 1024 + 2)))),
        ("class_cpu_row",
         text("teacher.class_cpu_pupil", language, seconds=n(longest["seconds"]),
              notebook=f"`{Path(longest['notebook']).name}`"),
         text("teacher.class_cpu_class", language, pupils=CLASS_SIZE, core_minutes=n(core_minutes),
              eight=n(math.ceil(core_minutes / 8)), sixteen=n(math.ceil(core_minutes / 16)))),
        ("class_disk_row",
         text("teacher.class_disk_pupil", language, home=n(home)),
         text("teacher.class_disk_class", language, pupils=CLASS_SIZE, home=n(home),
              cache=n(hub["cache"]["size_mib"]))),
        ("class_binder_row",
         text("teacher.class_binder_value", language, total=n(top["peak_rss_mib"] + server),
              allowed=n(BINDER_ALLOWED_MIB), guaranteed=n(BINDER_GUARANTEED_MIB)), "–"),
    ]
    columns = ("class_what", "class_pupil", "class_class")
    names = [text(f"teacher.{column}", language, pupils=CLASS_SIZE) for column in columns]
    lines = ["| " + " | ".join(names) + " |", "|---|---|---|"]
    lines += [f"| {text('teacher.' + row, language)} | {pupil} | {whole} |" for row, pupil, whole in rows]
    source = text("teacher.class_source", language, command=hub["command"], date=hub["measured"][:10],
                  pupils=hub["pupils"], profile=hub["profile"], cpus=hub["machine"]["cpu_count"],
                  seconds=n(hub["seconds"]["class"]), conversions=hub["cache"]["conversions"],
                  pss=n(hub["peak_total_pss_mib"]), rss=n(sum(p["peak_rss_mib"] for p in hub["per_pupil"])))
    return "\n".join(lines) + "\n\n" + source

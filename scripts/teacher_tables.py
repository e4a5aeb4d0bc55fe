#!/usr/bin/env python
"""Write the measured figures into the teacher pack (never typed by hand).

Reads benchmarks/results/notebooks-standard.json (written by benchmarks/notebooks.py) and startup.json (written by
benchmarks/startup.py) and replaces the text between `<!-- BEGIN MEASURED: name -->` and `<!-- END MEASURED: name -->`
in book/{de,en}/teachers-*.md. A notebook without a successful measurement is listed as "not yet measured".
The lesson plans, chapter titles and misconceptions (blocks `chapter-N`, `bias`, `unit`, `seminar`, `startup`) come
from scripts/lesson_plans.py, which reads them from the chapter pages and the notebooks themselves.

Usage: python scripts/teacher_tables.py [--check]   (--check: exit 1 if a page is out of date)
"""
from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import hub_tables
import lesson_plans
from werkstatt.i18n import text

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "notebooks-standard.json"
PAGES = ("teachers-chapters.md", "teachers-deployment.md")

CHAPTERS = {number: stem for number, stem in lesson_plans.STEMS.items() if number}  # titles: from the chapter pages


def load() -> dict:
    return json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {"notebooks": []}


def entry_for(results: dict, stem: str, language: str) -> tuple[dict | None, bool]:
    """The measurement of this chapter's notebook in this edition, else in the other edition (flagged)."""
    by_name = {r["notebook"]: r for r in results.get("notebooks", [])}
    own = by_name.get(f"notebooks/{language}/{stem}.ipynb")
    if own is not None:
        return own, False
    other = "en" if language == "de" else "de"
    found = by_name.get(f"notebooks/{other}/{stem}.ipynb")
    return found, found is not None


def minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d} min"


def source_line(results: dict, language: str) -> str:
    if not results.get("notebooks"):
        return text("teacher.none", language, path=RESULTS.relative_to(ROOT).as_posix())
    dates = sorted(r.get("measured", "") for r in results["notebooks"])
    note = text("teacher.shared", language) if results.get("shared_machine") else ""
    return text("teacher.source", language, command=results.get("command", "benchmarks/notebooks.py"),
                              date=f"{dates[0][:10]}" if dates[0][:10] == dates[-1][:10] else f"{dates[0][:10]}–{dates[-1][:10]}",
                              cpus=results.get("machine", {}).get("cpu_count", "?"), note=note)


def header(language: str, *columns: str) -> str:
    """A Markdown table's header row and rule, the column names from the message files ("teacher.<column>")."""
    names = [text(f"teacher.{column}", language) for column in columns]
    return "| " + " | ".join(names) + " |\n" + "|---" * len(columns) + "|"


def times_table(results: dict, language: str) -> str:
    lines = [header(language, "chapter", "notebook", "time", "memory")]
    for number, stem in CHAPTERS.items():
        title = lesson_plans.title(number, language).split(": ", 1)[-1]  # "Kapitel 4: Ein …" -> "Ein …"
        entry, other = entry_for(results, stem, language)
        if entry is None:
            time_text = memory_text = text("teacher.not_yet", language)
        elif not entry.get("ok"):
            timed_out = "Timeout" in str(entry.get("error"))
            time_text = text("teacher.timeout", language) if timed_out else text("teacher.failed", language)
            memory_text = text("teacher.not_yet", language)
        else:
            time_text = minutes(entry["seconds"]) + (text("teacher.other", language) if other else "")
            memory_text = f"{entry['peak_rss_mib']} MiB"
        lines.append(f"| {number}: {title} | `{stem}.ipynb` | {time_text} | {memory_text} |")
    return "\n".join(lines) + "\n\n" + source_line(results, language)


def resources_table(results: dict, language: str) -> str:
    measured = [r for r in results.get("notebooks", []) if r.get("ok")]
    lines = [header(language, "setting", "value")]
    if measured:
        top = max(measured, key=lambda r: r["peak_rss_mib"])
        guarantee, limit = limits(results)
        lines.append(f"| {text('teacher.mem_row', language)} | " + text(
            "teacher.mem_value", language, guarantee=guarantee.replace("M", " MiB"), limit=limit.replace("M", " MiB"),
            peak=top["peak_rss_mib"], notebook=f"`{Path(top['notebook']).name}`") + " |")
    else:
        lines.append(f"| {text('teacher.mem_row', language)} | {text('teacher.mem_none', language)} |")
    lines.append(f"| {text('teacher.cpu_row', language)} | {text('teacher.cpu_value', language)} |")
    return "\n".join(lines) + "\n\n" + source_line(results, language)


def limits(results: dict) -> tuple[str, str] | None:
    """Memory guarantee and limit in Kubernetes/TLJH notation, from the highest measured peak (None: not measured)."""
    measured = [r for r in results.get("notebooks", []) if r.get("ok")]
    if not measured:
        return None
    top = max(r["peak_rss_mib"] for r in measured)
    # guarantee: the peak plus a quarter for the Jupyter server and the browser's work, rounded up to 256 MiB;
    # limit: one and a half times that, so a learner who runs two notebooks at once is not stopped at once.
    guarantee = math.ceil(top * 1.25 / 256) * 256
    return f"{guarantee}M", f"{math.ceil(guarantee * 1.5 / 256) * 256}M"


def tljh_block(results: dict, language: str) -> str:
    guarantee, limit = limits(results) or ("2G", "2G")
    return ("```bash\n"
            f"sudo tljh-config set limits.memory {limit}\n"
            "sudo tljh-config set limits.cpu 2\n"
            "sudo tljh-config reload\n"
            "```")


def z2jh_block(results: dict, language: str) -> str:
    guarantee, limit = limits(results) or ("2G", "2G")
    return ("```yaml\n"
            "singleuser:\n"
            "  memory:\n"
            f"    guarantee: {guarantee}\n"
            f"    limit: {limit}\n"
            "  cpu:\n"
            "    guarantee: 1\n"
            "    limit: 2\n"
            "```")


BLOCKS = {"times": times_table, "resources": resources_table, "tljh": tljh_block, "z2jh": z2jh_block,
          "bias": lambda results, language: lesson_plans.bias_block(language),
          "unit": lambda results, language: lesson_plans.unit_block(language),
          "seminar": lambda results, language: lesson_plans.seminar_block(language),
          "startup": lambda results, language: lesson_plans.startup_block(language),
          "class": hub_tables.class_block}


def block(name: str, results: dict, language: str) -> str:
    """The generated text of one marked block; `chapter-N` is chapter N's heading, misconception and plans."""
    if name.startswith("chapter-"):
        return lesson_plans.chapter_block(int(name.split("-")[1]), language, results)
    return BLOCKS[name](results, language)


def render(text: str, results: dict, language: str) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        body = block(name, results, language)
        return f"<!-- BEGIN MEASURED: {name} -->\n{body}\n<!-- END MEASURED: {name} -->"

    return re.sub(r"<!-- BEGIN MEASURED: ([\w-]+) -->.*?<!-- END MEASURED: \1 -->", replace, text, flags=re.S)


def main(check: bool) -> int:
    results = load()
    stale = []
    for language in ("de", "en"):
        for name in PAGES:
            page = ROOT / "book" / language / name
            if not page.exists():
                continue
            old = page.read_text(encoding="utf-8")
            new = render(old, results, language)
            if new != old:
                stale.append(page.relative_to(ROOT).as_posix())
                if not check:
                    page.write_text(new, encoding="utf-8")
    if stale:
        print(("out of date: " if check else "written: ") + ", ".join(stale))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))

"""The book's in-page explorers: how much they add to the built book, and how soon the first result shows.

Opens each explorer page (chapters 1, 3, 4 of both editions) in a fresh Chromium context, so nothing is
cached, with every request outside 127.0.0.1 blocked, and reads when the explorer drew its first result
(the page's `data-first-result-ms`, counted from the start of the page's loading) and when the page's load
event came. Also sums the files the explorers bring (_static/explorers and _static/vendor/onnxruntime-web).
The machine's load average is printed with the figures: on a shared machine the times grow with it.

    .venv/bin/python benchmarks/explorers.py [--site _build/site] [--runs 3] [--json benchmarks/results/explorers.json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browsing import Server, find_chromium  # noqa: E402

PAGES = {"bigram": "book/{l}/01-language-model.html", "attention": "book/{l}/03-attention.html",
         "gpt": "book/{l}/04-tiny-gpt.html"}
PARTS = ("_static/explorers", "_static/vendor/onnxruntime-web")
LIMIT_MB, LIMIT_S = 10.0, 2.0  # issue 15: at most 10 MB more, first result within 2 s


def size_added(site: Path) -> dict[str, int]:
    sizes = {}
    for edition in ("de", "en"):
        for part in PARTS:
            folder = site / edition / part
            sizes[f"{edition}/{part}"] = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return sizes


def first_results(site: Path, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with Server(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        for run in range(runs):
            for edition in ("de", "en"):
                for kind, path in PAGES.items():
                    context = browser.new_context(service_workers="block")
                    context.route("**/*", lambda route: route.continue_()
                                  if route.request.url.startswith(server.origin + "/") else route.abort())
                    page = context.new_page()
                    load = os.getloadavg()[0]
                    page.goto(f"{server.origin}/{edition}/{path.format(l=edition)}", wait_until="load")
                    page.wait_for_selector(".werkstatt-explorer[data-state=ready], .werkstatt-explorer[data-state=failed]",
                                           timeout=60000)
                    root = page.locator(".werkstatt-explorer")
                    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                    rows.append({"run": run, "edition": edition, "kind": kind, "state": root.get_attribute("data-state"),
                                 "first_result_ms": int(root.get_attribute("data-first-result-ms") or -1),
                                 "load_event_ms": round(loaded), "load_average": round(load, 1)})
                    context.close()
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "site")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    sizes = size_added(args.site)
    per_edition = {e: sum(v for k, v in sizes.items() if k.startswith(e + "/")) for e in ("de", "en")}
    for name, value in sizes.items():
        print(f"{value / 1e6:7.2f} MB  {name}")
    print(f"size added: {per_edition['de'] / 1e6:.2f} MB (de), {per_edition['en'] / 1e6:.2f} MB (en), "
          f"{sum(per_edition.values()) / 1e6:.2f} MB both (limit {LIMIT_MB:g} MB)")
    rows = first_results(args.site, args.runs)
    for row in rows:
        print(f"run {row['run']} {row['edition']} {row['kind']:9s} {row['state']:6s} first result "
              f"{row['first_result_ms']:5d} ms, load event {row['load_event_ms']:5d} ms, load average {row['load_average']}")
    times = [row["first_result_ms"] for row in rows if row["state"] == "ready"]
    median = statistics.median(times) / 1000 if times else float("nan")
    print(f"first result: median {median:.2f} s, slowest {max(times) / 1000 if times else float('nan'):.2f} s "
          f"over {len(times)} page loads (limit {LIMIT_S:g} s); load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "first_results": rows, "median_s": median,
                                         "cpus": os.cpu_count()}, indent=1) + "\n", encoding="utf-8")
    return 0 if all(row["state"] == "ready" for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())

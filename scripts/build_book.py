#!/usr/bin/env python
"""Build both editions of the book offline and put them side by side in _build/site/{de,en}.

Notebooks are executed in the chosen profile (default: standard) and cached by jupyter-cache,
so a second build only re-runs notebooks that changed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {"de": ("_config.yml", "_toc.yml"), "en": ("_config.en.yml", "_toc.en.yml")}
INDEX = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>KI-Werkstatt</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5">
<h1>KI-Werkstatt</h1>
<p lang="de"><a href="de/book/de/index.html">Deutsche Ausgabe</a> – ein offener Kurs zu KI-Kompetenz.</p>
<p lang="en"><a href="en/book/en/index.html">English edition</a> – an open course in AI literacy.</p>
</body></html>
"""


def build(language: str, profile: str) -> float:
    config, toc = EDITIONS[language]
    out = ROOT / "_build" / language
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "--config", config,
               "--toc", toc, "--path-output", str(out), "--warningiserror", "--keep-going"]
    env = dict(os.environ, WERKSTATT_PROFILE=profile, WERKSTATT_LANG=language)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="standard", choices=["quick", "standard", "gpu"])
    parser.add_argument("--language", choices=list(EDITIONS), help="build only one edition")
    args = parser.parse_args()
    site = ROOT / "_build" / "site"
    for language in [args.language] if args.language else EDITIONS:
        seconds = build(language, args.profile)
        target = site / language
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ROOT / "_build" / language / "_build" / "html", target)
        print(f"{language}: built in {seconds:.0f} s -> {target.relative_to(ROOT)}")
    (site / "index.html").write_text(INDEX, encoding="utf-8")
    print(f"open {site / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

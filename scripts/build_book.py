#!/usr/bin/env python
"""Build both editions of the book offline and put them side by side in _build/site/{de,en}.

Notebooks are executed in the chosen profile (default: standard) and cached by jupyter-cache,
so a second build only re-runs notebooks that changed. Each profile has its own cache
(_build/<language> for standard, _build/<language>-<profile> otherwise), so a quick build never
leaks its shortened outputs into the published book. Pages are always re-rendered (`--all`):
after a failed build, Sphinx would otherwise keep the broken pages and report success.

The browser tests (tests/browser) build with `--profile quick --site _build/test-site --parallel`.
`--work <folder>` keeps the per-edition builds and caches elsewhere than _build/, so that two builds on
one machine (say, a second checkout's browser tests) do not write into the same folders.
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
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.5"><main>
<h1>KI-Werkstatt</h1>
<p lang="de"><a href="de/book/de/index.html">Deutsche Ausgabe</a> – ein offener Kurs zu KI-Kompetenz.</p>
<p lang="en"><a href="en/book/en/index.html">English edition</a> – an open course in AI literacy.</p>
</main></body></html>
"""


WORK = ROOT / "_build"  # where each edition is built and its notebooks' cache kept (--work)


def build_dir(language: str, profile: str) -> Path:
    return WORK / (language if profile == "standard" else f"{language}-{profile}")


def command(language: str, profile: str) -> list[str]:
    config, toc = EDITIONS[language]
    return [str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "--config", config,
            "--toc", toc, "--path-output", str(build_dir(language, profile)), "--all",
            "--warningiserror", "--keep-going"]


def environment(language: str, profile: str, parallel: bool) -> dict[str, str]:
    env = dict(os.environ, WERKSTATT_PROFILE=profile, WERKSTATT_LANG=language)
    if parallel:
        env.setdefault("OMP_NUM_THREADS", "1")  # two builds side by side: one thread each
    return env


def build(language: str, profile: str) -> float:
    start = time.perf_counter()
    subprocess.run(command(language, profile), cwd=ROOT, env=environment(language, profile, False), check=True)
    return time.perf_counter() - start


# A kernel that could not start is the machine's fault, not the notebook's: two kernels started at
# the same moment can pick the same free port. Such a build is tried once more (notebooks that ran
# are cached by then, so the second try is short).
KERNEL_TROUBLE = ("Address already in use", "Kernel didn't respond", "Kernel died before replying")


def build_parallel(languages: list[str], profile: str, retry: bool = True) -> float:
    """Both editions at once (each runs its notebooks one after the other); logs go to files."""
    start = time.perf_counter()
    running = {}
    for language in languages:
        log = build_dir(language, profile).with_suffix(".log")
        log.parent.mkdir(parents=True, exist_ok=True)
        handle = log.open("w", encoding="utf-8")
        running[language] = (subprocess.Popen(command(language, profile), cwd=ROOT, stdout=handle,
                                              stderr=subprocess.STDOUT,
                                              env=environment(language, profile, True)), handle, log)
    failed, again = [], []
    for language, (process, handle, log) in running.items():
        process.wait()
        handle.close()
        if process.returncode != 0:
            text = log.read_text(encoding="utf-8", errors="replace")
            if retry and any(sign in text for sign in KERNEL_TROUBLE):
                print(f"{language}: a kernel did not start (machine busy?); building it once more", file=sys.stderr)
                again.append(language)
                continue
            failed.append(language)
            print(text[-6000:], file=sys.stderr)
            print(f"{language}: the build failed; full log: {log}", file=sys.stderr)
    if failed:
        raise SystemExit(1)
    if again:
        build_parallel(again, profile, retry=False)
    return time.perf_counter() - start


def copy_worksheets(language: str, target: Path) -> None:
    """The printable worksheets and answer keys (make worksheets) into the edition; the teachers' page links them."""
    source = ROOT / "_build" / "worksheets" / language
    if not (source / "index.html").exists():  # a build without `make worksheets` first (the browser tests)
        subprocess.run([sys.executable, str(ROOT / "scripts" / "worksheets.py"), "--language", language], check=True)
    shutil.copytree(source, target / "worksheets")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="standard", choices=["quick", "standard", "gpu"])
    parser.add_argument("--language", choices=list(EDITIONS), help="build only one edition")
    parser.add_argument("--site", default="_build/site", help="where the two editions go (default: _build/site)")
    parser.add_argument("--parallel", action="store_true", help="build both editions at the same time")
    parser.add_argument("--work", default="_build", help="where each edition is built and cached (default: _build)")
    args = parser.parse_args()
    global WORK
    WORK = (ROOT / args.work).resolve()
    site = (ROOT / args.site).resolve()
    languages = [args.language] if args.language else list(EDITIONS)
    if args.parallel:
        seconds = build_parallel(languages, args.profile)
        print(f"{' + '.join(languages)}: built side by side in {seconds:.0f} s")
    for language in languages:
        if not args.parallel:
            seconds = build(language, args.profile)
            print(f"{language}: built in {seconds:.0f} s")
        target = site / language
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(build_dir(language, args.profile) / "_build" / "html", target)
        copy_worksheets(language, target)
        print(f"{language}: -> {target}")
    (site / "index.html").write_text(INDEX, encoding="utf-8")
    print(f"open {site / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

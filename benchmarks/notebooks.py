#!/usr/bin/env python
"""Measure every notebook: wall time and peak memory (RSS of the kernel and its children).

Runs the notebooks of notebooks/<lang>/ one at a time with nbclient in the chosen profile and prints
one line per notebook. With --json the figures go to a file the teacher pack reads
(benchmarks/results/notebooks-<profile>.json; see scripts/teacher_tables.py).

Usage:
  python benchmarks/notebooks.py                      # German notebooks, profile standard
  python benchmarks/notebooks.py --lang en --only 09  # only notebooks whose name contains "09"
  python benchmarks/notebooks.py --json benchmarks/results/notebooks-standard.json
Measure on an otherwise idle machine; the numbers also depend on the CPU, so the file records it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


class PeakRSS(threading.Thread):
    """Polls the kernel process and all its children; remembers the largest sum of their RSS."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                processes = [self.process] + self.process.children(recursive=True)
                total = 0
                for proc in processes:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self._halt.wait(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak


def measure(path: Path, profile: str, timeout: int) -> dict:
    """Execute one notebook in a fresh kernel; return seconds, peak MiB and whether it succeeded."""
    notebook = nbformat.read(path, as_version=4)
    env = dict(os.environ, WERKSTATT_PROFILE=profile)
    os.environ.update(WERKSTATT_PROFILE=profile)  # the kernel inherits this process's environment
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    start = time.perf_counter()
    with client.setup_kernel(env=env):
        pid = client.km.provisioner.process.pid
        monitor = PeakRSS(pid)
        monitor.start()
        try:
            client.execute(cleanup_kc=False)
        except Exception as exc:  # noqa: BLE001  (a failing notebook is a result too)
            lines = [line.strip() for line in str(exc).splitlines() if line.strip().strip("-")]
            error = f"{type(exc).__name__}: {lines[0][:160] if lines else ''}"
        finally:
            peak = monitor.stop()
    seconds = time.perf_counter() - start
    return {"notebook": path.relative_to(ROOT).as_posix(), "seconds": round(seconds, 1),
            "peak_rss_mib": round(peak / 2**20), "ok": error is None, "error": error}


def gpu_name() -> str | None:
    """The graphics card the notebooks could use, or None (the figures of the gpu profile depend on it)."""
    import torch

    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None


def save(target: Path, results: list[dict], args) -> bool:
    """Merge `results` into the JSON file `target` (one entry per notebook; the newest measurement wins)."""
    old = json.loads(target.read_text(encoding="utf-8")) if target.exists() else {}
    if old.get("profile") not in (None, args.profile):
        print(f"refusing to merge profile {args.profile} into a {old['profile']} file: {target}")
        return False
    merged = {r["notebook"]: r for r in old.get("notebooks", [])}
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    for result in results:
        merged[result["notebook"]] = dict(result, measured=stamp)
    document = {
        "profile": args.profile,
        "machine": {"cpu_count": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "omp_num_threads": os.environ["OMP_NUM_THREADS"],
                    "gpu": gpu_name()},
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix()] + sys.argv[1:]),
        "shared_machine": bool(args.shared_machine or old.get("shared_machine")),
        "notebooks": [merged[key] for key in sorted(merged)],
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="standard", choices=["quick", "standard", "gpu"])
    parser.add_argument("--lang", default="de", choices=["de", "en"])
    parser.add_argument("--folder", default="notebooks", choices=["notebooks", "exercises", "solutions"])
    parser.add_argument("--only", default="",
                        help="measure only notebooks whose file name contains this (several: comma-separated)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell before giving up")
    parser.add_argument("--json", type=Path, help="write the figures here (merged with what is there)")
    parser.add_argument("--shared-machine", action="store_true",
                        help="say in the JSON that other work ran on the machine during the measurement")
    args = parser.parse_args()

    patterns = [part.strip() for part in args.only.split(",")]
    paths = sorted(p for p in (ROOT / args.folder / args.lang).glob("*.ipynb") if any(x in p.name for x in patterns))
    if not paths:
        print(f"no notebooks in {args.folder}/{args.lang} matching {args.only!r}")
        return 1
    os.environ.setdefault("OMP_NUM_THREADS", str(min(2, os.cpu_count() or 1)))
    results = []
    print(f"profile {args.profile}, {len(paths)} notebook(s), one at a time")
    for path in paths:
        result = measure(path, args.profile, args.timeout)
        results.append(result)
        status = "ok" if result["ok"] else f"FAILED ({result['error']})"
        print(f"{result['notebook']:<48} {result['seconds']:>7.1f} s {result['peak_rss_mib']:>6} MiB  {status}",
              flush=True)
        if args.json and not save(args.json, [result], args):
            return 1
    if args.json:
        print(f"wrote {args.json}")
    return 0 if all(r["ok"] for r in results) else 2


if __name__ == "__main__":
    sys.exit(main())

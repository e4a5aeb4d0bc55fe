#!/usr/bin/env python
"""Memory of a class on a small server: a chapter's notebook alone, the notebook and its exercise notebook at the same
time, and an idle JupyterLab server's own memory - all on one CPU core, as a Binder container or a hub pupil gets.

Binder guarantees 1 GB and allows 2 GB for the whole container (server included). The course's goal: at most 1.2 GiB
for any single notebook and at most 1.5 GiB for a notebook plus its exercise notebook running at the same time.

Two figures per run, both summed over each kernel and its children:
- RSS: resident memory. Pages of a memory-mapped file (SmolLM2's weights in the model cache) count in full in every
  process that maps them, although the machine holds them once; the peak per process is the kernel's own
  high-water mark (VmHWM), so it misses nothing.
- PSS: proportional memory - a page shared by two processes counts half in each, so the PSS of all processes adds up
  to what they really occupy together. Sampled every `--interval` seconds (reading it costs time), so a very short
  spike can be missed.
  On a machine where other kernels map the same cached model file, PSS splits it with them too: measure PSS on
  an otherwise idle machine (RSS holds either way).
For the pair, both kernels stay up until both notebooks have finished (as a pupil's would); the figures are the
sampled sum at one moment and, as an upper bound, the sum of the two kernels' own RSS peaks. The goals are checked
against RSS (the stricter figure): the goal for one notebook against its RSS peak, the pair's against the sum of peaks.

Usage:
  python benchmarks/memory.py                               # chapters 5, 6, 7, German, standard profile, core 0
  python benchmarks/memory.py --only 07 --cells             # one chapter; memory after every cell of the notebook
  python benchmarks/memory.py --json benchmarks/results/memory-standard.json --shared-machine
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
MIB = 2**20
SINGLE_GOAL_MIB = round(1.2 * 1024)  # one notebook
PAIR_GOAL_MIB = round(1.5 * 1024)    # a notebook and its exercise notebook at the same time


def tree(pid: int) -> list[psutil.Process]:
    """The process `pid` and all its children (a kernel may start helpers)."""
    try:
        process = psutil.Process(pid)
        return [process] + process.children(recursive=True)
    except psutil.Error:
        return []


def high_water_mib(pid: int) -> float:
    """Sum of the peak RSS (VmHWM, kept by the operating system) of `pid` and its children, in MiB."""
    total = 0
    for process in tree(pid):
        try:
            with open(f"/proc/{process.pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total / MIB


def now_mib(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of `pid` and its children now, in MiB."""
    rss = pss = 0
    for process in tree(pid):
        try:
            info = process.memory_full_info()
            rss, pss = rss + info.rss, pss + info.pss
        except psutil.Error:
            pass
    return rss / MIB, pss / MIB


class Sampler(threading.Thread):
    """Samples RSS and PSS of several kernel trees together; keeps each one's peak and the peak of their sum."""

    def __init__(self, interval: float) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.pids: dict[str, int] = {}
        self.peak = {}            # label -> {"rss": MiB, "pss": MiB}
        self.total = {"rss": 0.0, "pss": 0.0}
        self.since_mark = {}      # label -> peak PSS since the last mark (memory per cell)
        self._halt = threading.Event()
        self._lock = threading.Lock()

    def add(self, label: str, pid: int) -> None:
        with self._lock:
            self.pids[label] = pid
            self.peak[label] = {"rss": 0.0, "pss": 0.0}
            self.since_mark[label] = 0.0

    def mark(self, label: str) -> float:
        """Peak PSS of `label` since the previous mark (then start again)."""
        with self._lock:
            value, self.since_mark[label] = self.since_mark[label], 0.0
        return value

    def run(self) -> None:
        while not self._halt.is_set():
            with self._lock:
                pids = dict(self.pids)
            rss_sum = pss_sum = 0.0
            for label, pid in pids.items():
                rss, pss = now_mib(pid)
                rss_sum, pss_sum = rss_sum + rss, pss_sum + pss
                with self._lock:
                    peak = self.peak[label]
                    peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
                    self.since_mark[label] = max(self.since_mark[label], pss)
            self.total["rss"] = max(self.total["rss"], rss_sum)
            self.total["pss"] = max(self.total["pss"], pss_sum)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


async def execute(label: str, path: Path, sampler: Sampler, args, cells: list | None,
                  finished: asyncio.Barrier) -> dict:
    """Run one notebook in a fresh kernel; return its peaks (RSS high-water mark and sampled PSS), time and errors.

    The kernel stays up, holding its memory, until every notebook of the run has finished (`finished`): a pupil's
    exercise kernel keeps its memory while the chapter's notebook goes on.
    """
    notebook = nbformat.read(path, as_version=4)
    env = dict(os.environ, WERKSTATT_PROFILE=args.profile)
    client = NotebookClient(notebook, timeout=args.timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    if cells is not None:
        def after_cell(cell, cell_index, **_):
            first = "".join(cell.source).strip().splitlines()[:1]
            cells.append({"cell": cell_index, "peak_pss_mib": round(sampler.mark(label)),
                          "rss_now_mib": round(now_mib(sampler.pids[label])[0]),
                          "source": first[0][:70] if first else ""})
        client.on_cell_executed = after_cell
    error, hwm = None, 0.0
    start = time.perf_counter()
    async with client.async_setup_kernel(env=env):
        pid = client.km.provisioner.process.pid
        sampler.add(label, pid)
        try:
            await client.async_execute(cleanup_kc=False)
        except Exception as exc:  # noqa: BLE001  (a failing notebook is a result too)
            lines = [line.strip() for line in str(exc).splitlines() if line.strip().strip("-")]
            error = f"{type(exc).__name__}: {lines[0][:160] if lines else ''}"
        finally:
            seconds = time.perf_counter() - start
            await finished.wait()
            hwm = high_water_mib(pid)
    return {"notebook": path.relative_to(ROOT).as_posix(), "seconds": round(seconds, 1),
            "peak_rss_mib": round(hwm), "peak_pss_mib": round(sampler.peak[label]["pss"]),
            "ok": error is None, "error": error}


async def run_together(paths: dict[str, Path], args, cells: list | None = None) -> dict:
    """Run the notebooks in `paths` at the same time; their peaks and the peak of their sum."""
    sampler = Sampler(args.interval)
    sampler.start()
    finished = asyncio.Barrier(len(paths))
    try:
        results = await asyncio.gather(*(execute(label, path, sampler, args, cells if label == "notebook" else None,
                                                 finished) for label, path in paths.items()))
    finally:
        sampler.stop()
    # Sampled sum at one moment, and the sum of each kernel's own peak: an upper bound that no sampling can miss.
    return {"runs": dict(zip(paths, results)),
            "together_rss_mib": round(sampler.total["rss"]), "together_pss_mib": round(sampler.total["pss"]),
            "sum_of_peaks_rss_mib": sum(result["peak_rss_mib"] for result in results)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_memory(settle: float = 8.0) -> dict:
    """RSS and PSS of an idle JupyterLab server (no kernel, no browser), started and stopped here by process id."""
    lab = shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) or shutil.which("jupyter-lab")
    if lab is None:
        return {"error": "jupyter-lab not found"}
    port = free_port()
    with tempfile.TemporaryDirectory() as home:
        command = [lab, "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--IdentityProvider.token=",
                   f"--ServerApp.root_dir={ROOT}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        env = dict(os.environ, JUPYTER_RUNTIME_DIR=home)
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2):
                        break
                except OSError:
                    time.sleep(0.5)
            else:
                return {"error": "the server did not answer within 120 s"}
            # The page a learner opens (the server builds and caches it on the first request), then it rests.
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=30) as page:
                page.read()
            time.sleep(settle)
            rss, pss = now_mib(server.pid)
            return {"rss_mib": round(rss), "pss_mib": round(pss)}
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def verdict(value: float, goal: int) -> str:
    return "ok" if value <= goal else f"OVER by {round(value - goal)} MiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="standard", choices=["quick", "standard", "gpu"])
    parser.add_argument("--lang", default="de", choices=["de", "en"])
    parser.add_argument("--only", default="05,06,07", help="chapters to measure (comma-separated, e.g. 06,07)")
    parser.add_argument("--exercises", default="exercises", choices=["exercises", "solutions"],
                        help="folder of the notebook that runs beside the chapter's (solutions: every task done)")
    parser.add_argument("--core", type=int, default=0, help="the one CPU core everything runs on")
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between PSS samples")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell before giving up")
    parser.add_argument("--skip-alone", action="store_true", help="only the pairs (and the server)")
    parser.add_argument("--cells", action="store_true", help="print the notebook's peak PSS per cell (run alone)")
    parser.add_argument("--json", type=Path, help="write the figures here (merged with what is there)")
    parser.add_argument("--shared-machine", action="store_true",
                        help="say in the JSON that other work ran on the machine (memory still holds, times do not)")
    args = parser.parse_args()

    # One core for this process, the kernels it starts (they inherit it) and the server; one thread for torch.
    os.sched_setaffinity(0, {args.core})
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["WERKSTATT_PROFILE"] = args.profile

    server = server_memory()
    print(f"idle JupyterLab server: {server.get('rss_mib', '?')} MiB RSS, {server.get('pss_mib', '?')} MiB PSS "
          f"{server.get('error', '')}", flush=True)
    chapters, failed = [], False
    for number in [part.strip() for part in args.only.split(",") if part.strip()]:
        found = sorted((ROOT / "notebooks" / args.lang).glob(f"{number}-*.ipynb"))
        exercise = sorted((ROOT / args.exercises / args.lang).glob(f"{number}-*.ipynb"))
        if not found or not exercise:
            print(f"chapter {number}: notebook or exercise notebook missing")
            return 1
        entry = {"chapter": number}
        if not args.skip_alone:
            cells = [] if args.cells else None
            alone = asyncio.run(run_together({"notebook": found[0]}, args, cells))["runs"]["notebook"]
            entry["alone"] = alone
            failed |= not alone["ok"]
            print(f"{alone['notebook']:<44} alone: {alone['peak_rss_mib']:>5} MiB RSS {alone['peak_pss_mib']:>5} MiB PSS"
                  f"  {verdict(alone['peak_rss_mib'], SINGLE_GOAL_MIB)}  {alone['seconds']} s"
                  f"{'' if alone['ok'] else '  FAILED ' + alone['error']}", flush=True)
            for cell in cells or []:
                print(f"    cell {cell['cell']:>2}: peak {cell['peak_pss_mib']:>5} MiB PSS, now {cell['rss_now_mib']:>5} "
                      f"MiB RSS  {cell['source']}")
            if cells:
                entry["cells"] = cells
        pair = asyncio.run(run_together({"notebook": found[0], "exercise": exercise[0]}, args))
        entry["pair"] = pair
        failed |= not all(run["ok"] for run in pair["runs"].values())
        with_server = pair["together_pss_mib"] + server.get("pss_mib", 0)
        print(f"{'+ ' + exercise[0].relative_to(ROOT).as_posix():<44} pair:  {pair['together_rss_mib']:>5} MiB RSS "
              f"{pair['together_pss_mib']:>5} MiB PSS (sum of the two peaks {pair['sum_of_peaks_rss_mib']} MiB RSS)  "
              f"{verdict(pair['sum_of_peaks_rss_mib'], PAIR_GOAL_MIB)}; with the server {with_server} MiB PSS",
              flush=True)
        for run in pair["runs"].values():
            if not run["ok"]:
                print(f"    FAILED {run['notebook']}: {run['error']}")
        chapters.append(entry)

    if args.json:
        old = json.loads(args.json.read_text(encoding="utf-8")) if args.json.exists() else {}
        merged = {entry["chapter"]: entry for entry in old.get("chapters", [])}
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
        command = "python " + " ".join([Path(sys.argv[0]).as_posix()] + sys.argv[1:])
        for entry in chapters:  # each chapter keeps the command that measured it (runs may be merged)
            merged[entry["chapter"]] = dict(merged.get(entry["chapter"], {}), **entry, measured=stamp, command=command)
        document = {
            "profile": args.profile, "lang": args.lang, "exercises": args.exercises,
            "goals_mib": {"single": SINGLE_GOAL_MIB, "pair": PAIR_GOAL_MIB},
            "machine": {"cores_used": 1, "cpu_count": os.cpu_count(), "python": platform.python_version(),
                        "processor": platform.processor() or platform.machine(), "omp_num_threads": "1"},
            "command": command,
            "shared_machine": bool(args.shared_machine or old.get("shared_machine")),
            "server_idle": server,
            "chapters": [merged[key] for key in sorted(merged)],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

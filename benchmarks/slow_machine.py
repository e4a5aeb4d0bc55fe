#!/usr/bin/env python
"""Run chapters 4, 6 and 8 on a machine slowed to a quarter of its speed, and print whether the lesson's result appears.

A school laptop or a busy Binder can be several times slower than the machine the time budgets were planned on.
This benchmark imitates one: the notebook's kernel (and everything it starts) is pinned to one CPU core and gets only
a quarter of that core's time – it runs for 25 ms, then is paused for 75 ms, again and again (as `cpulimit` does).
Pausing instead of starting busy processes keeps the slowdown the same whatever else runs, and leaves the other core
free for everyone else.

It then reads the executed notebook and prints, per chapter, what a learner would see:
  chapter 4: where the time budget stopped training, that the message says why, whether the continue cell carried
             on, the learner's and the reference model's loss, and that the reference model is shown;
  chapter 6: where the budget stopped LoRA, whether the continue cell carried on, the loss before and after;
  chapter 8: how long training the skewed and the augmented model took (it has no budget) and the measured effect.

Usage (profile standard unless WERKSTATT_PROFILE says otherwise; one notebook per call runs them side by side):
  python benchmarks/slow_machine.py --lang de --only 04
  python benchmarks/slow_machine.py --lang de --share 0.25 --core 0 --json benchmarks/results/slow-machine-04.json
The printed figures are measurements, not a test: nothing here fails when a figure is large.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ("04-tiny-gpt", "06-fine-tuning", "08-bias")
PERIOD = 0.1  # seconds per run-and-pause cycle: short enough that every cell sees the same slowdown


class Throttle(threading.Thread):
    """Lets a process tree run for `share` of every PERIOD and pauses it (SIGSTOP) for the rest."""

    def __init__(self, pid: int, share: float) -> None:
        super().__init__(daemon=True)
        self.root, self.share, self.stopping = psutil.Process(pid), share, threading.Event()

    def tree(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def signal(self, which) -> None:
        for process in self.tree():
            try:
                process.send_signal(which)
            except psutil.NoSuchProcess:
                pass

    def run(self) -> None:
        while not self.stopping.is_set():
            self.signal(signal.SIGCONT)
            time.sleep(PERIOD * self.share)
            if self.stopping.is_set():
                break
            self.signal(signal.SIGSTOP)
            time.sleep(PERIOD * (1 - self.share))
        self.signal(signal.SIGCONT)

    def stop(self) -> None:
        self.stopping.set()
        self.join()
        self.signal(signal.SIGCONT)


def outputs(cell) -> str:
    """All text a code cell showed (printed text and plain-text results)."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
        elif output.get("output_type") == "error":
            parts.append(f'{output.get("ename")}: {output.get("evalue")}')
    return "".join(parts)


def cell_seconds(cell) -> float | None:
    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return (end - start).total_seconds()


def find(cells, needle: str):
    """The first code cell whose source contains `needle`, with its output and time."""
    for cell in cells:
        if cell.cell_type == "code" and needle in cell.source:
            return {"output": outputs(cell), "seconds": cell_seconds(cell)}
    return {"output": "", "seconds": None}


NUMBER = r"([0-9][0-9.,]*)"


def figures_04(cells, lang: str) -> dict:
    first = find(cells, "history = train(model, train_data, val_data, train_config, baseline")
    again = find(cells, "resume=history")
    compare = find(cells, "reference.compare(")
    scaling = find(cells, "scaling_config = replace(")
    label = "Referenzmodell des Kurses" if lang == "de" else "course's reference model"
    stop = re.search(r"(?:Schritt|step) " + NUMBER + r" (?:von|of) " + NUMBER, first["output"])
    return {
        "training_cell_s": first["seconds"], "stopped_at": stop.group(1) if stop else None,
        "says_slower_machine": ("langsamer" in first["output"]) or ("slower" in first["output"]),
        "says_shortened": ("gekürzt" in first["output"]) or ("shortened" in first["output"]),
        "continue_cell_s": again["seconds"],
        "continue_carried_on": ("Es geht weiter ab Schritt" in again["output"]) or ("Carrying on from step" in again["output"]),
        "continue_output": again["output"].strip().splitlines()[-1:] ,
        "comparison": compare["output"].strip(),
        "reference_shown": label in compare["output"],
        "scaling_cell_s": scaling["seconds"], "scaling": scaling["output"].strip(),
    }


def figures_06(cells, lang: str) -> dict:
    first = find(cells, "losses = finetune.train(model, train_blocks, steps, learning_rate, batch_size=2, time")
    again = find(cells, "resume=losses")
    after = find(cells, "loss_after = finetune.heldout_loss(")
    return {"training_cell_s": first["seconds"], "training": first["output"].strip()[-400:],
            "continue_cell_s": again["seconds"], "continue": again["output"].strip()[-400:],
            "measurement": after["output"].strip()}


def figures_08(cells, lang: str) -> dict:
    training = find(cells, "model_skewed, tokenizer_skewed, _ = train_on_text(")
    effect = find(cells, "appeared = effect_skewed.low > 0")
    return {"training_cell_s": training["seconds"], "effect": effect["output"].strip()}


def longest(cells, count: int = 4) -> list[str]:
    """The cells that took longest, as 'seconds: first line' (to see which cells a slow machine waits for)."""
    timed = [(cell_seconds(c) or 0.0, c.source.splitlines()[0][:70]) for c in cells if c.cell_type == "code" and c.source]
    return [f"{seconds:.0f} s: {line}" for seconds, line in sorted(timed, reverse=True)[:count]]


FIGURES = {"04-tiny-gpt": figures_04, "06-fine-tuning": figures_06, "08-bias": figures_08}


# Run before and after the notebook in the same kernel: the share of one core the kernel really got (CPU time over
# wall time of a plain loop). On a machine others are using, it is below --share.
CALIBRATION = ("import time as _t\n_w, _c = _t.perf_counter(), _t.process_time()\n_s = 0\n"
               "for _i in range(4_000_000):\n    _s += _i\n"
               "print('CALIBRATION', (_t.process_time() - _c) / (_t.perf_counter() - _w))")


def calibration(cell) -> float | None:
    found = re.search(r"CALIBRATION ([0-9.]+)", outputs(cell))
    return round(float(found.group(1)), 3) if found else None


def run(path: Path, share: float, core: int | None, timeout: int) -> tuple[nbformat.NotebookNode, float, str | None]:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [nbformat.v4.new_code_cell(CALIBRATION), *notebook.cells, nbformat.v4.new_code_cell(CALIBRATION)]
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                            record_timing=True)
    throttle = None
    started = time.perf_counter()
    error = None
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        if core is not None:
            os.sched_setaffinity(pid, {core})  # threads the kernel starts later inherit the one core
        throttle = Throttle(pid, share)
        throttle.start()
        try:
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as failure:
            error = str(failure).strip().splitlines()[-1][:300]
        finally:
            throttle.stop()
    return notebook, time.perf_counter() - started, error


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="de", choices=("de", "en"))
    parser.add_argument("--only", default="", help="only chapters whose name contains this (04, 06, 08)")
    parser.add_argument("--share", type=float, default=0.25, help="share of one core the kernel gets (0.25 = a quarter)")
    parser.add_argument("--core", type=int, default=0, help="the one core the kernel runs on")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds one cell may take")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("WERKSTATT_PROFILE", "standard")
    os.environ["WERKSTATT_LANG"] = args.lang
    results = {"profile": os.environ["WERKSTATT_PROFILE"], "share_of_one_core": args.share, "core": args.core,
               "command": "python " + " ".join(sys.argv), "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "machine": {"cpu_count": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                           "load_average_at_start": [round(x, 1) for x in os.getloadavg()]},
               "notebooks": {}}
    for chapter in CHAPTERS:
        if args.only not in chapter:
            continue
        path = ROOT / "notebooks" / args.lang / f"{chapter}.ipynb"
        notebook, seconds, error = run(path, args.share, args.core, args.timeout)
        figures = {"wall_s": round(seconds, 1), "error": error,
                   "share_of_core_measured": [calibration(notebook.cells[0]), calibration(notebook.cells[-1])],
                   **FIGURES[chapter](notebook.cells, args.lang), "longest_cells": longest(notebook.cells)}
        results["notebooks"][chapter] = figures
        print(f"== {args.lang}/{chapter}: {seconds:.0f} s in all, {'no error' if not error else 'ERROR ' + error}")
        for key, value in figures.items():
            if key not in ("wall_s", "error"):
                print(f"  {key}: {value}")
    results["machine"]["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

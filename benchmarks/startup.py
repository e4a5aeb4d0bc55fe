#!/usr/bin/env python
"""Measure what a lesson spends before the first notebook cell does real work: the start-up.

Each figure is measured in a fresh Python process with an empty course cache (a temporary folder), so it is
what a pupil meets the first time:
  kernel_ready        importing the course package and its plotting and training libraries (`werkstatt.start`)
  first_model_load    SmolLM2's one-time conversion from the packaged GGUF file plus loading it (chapter 5 on a
                      laptop, a school hub without a prefilled cache, or Colab; Binder does it at build time)
  model_reload        loading the converted model again (every later notebook that uses SmolLM2)
What cannot be measured offline is recorded as a planning allowance with its reason, never as a measurement:
  binder_launch       mybinder.org: container start, longer when the image has to be pulled or built
  colab_setup         Google Colab: the set-up cell installs the course's packages from the registry

Usage: python benchmarks/startup.py [--json benchmarks/results/startup.json] [--shared-machine]
The teacher pack's lesson plans read the JSON (scripts/teacher_tables.py).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STEPS = {
    "kernel_ready": "import werkstatt; werkstatt.start('de'); import torch, transformers, matplotlib.pyplot",
    "first_model_load": "from werkstatt import models; models.load_model('smollm2', quiet=True)",
}
RELOAD = "from werkstatt import models; models.load_model('smollm2', quiet=True)"

# Not measurable without the internet; the lesson plans still need a figure, so they get an allowance that
# says so. mybinder.org documents that a launch pulls (or, after a change, builds) an image before the
# container starts: https://mybinder.readthedocs.io/en/latest/about/about.html
ALLOWANCES = {
    "binder_launch": {"seconds": 300, "measured": False,
                      "why": "mybinder.org is not reachable from the measuring machine; allowance for a "
                             "launch with a cached image (a launch after a change builds the image first and "
                             "takes much longer: launch the link once before the lesson)"},
    "colab_setup": {"seconds": 120, "measured": False,
                    "why": "the package registry is not reachable from the measuring machine; allowance for "
                           "the set-up cell's pip install on Colab"},
}


def timed(code: str, env: dict) -> float:
    """Seconds one fresh Python process needs to run `code` (start-up of the interpreter included)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)
    return round(time.perf_counter() - start, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--shared-machine", action="store_true",
                        help="say in the JSON that other work ran on the machine during the measurement")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(min(2, os.cpu_count() or 1)))
    figures = {}
    with tempfile.TemporaryDirectory() as cache:
        # An empty cache: the first load has to convert, exactly as on a pupil's fresh machine.
        env = dict(os.environ, WERKSTATT_CACHE=cache, WERKSTATT_PROFILE="standard", HF_HUB_OFFLINE="1")
        for name, code in STEPS.items():
            figures[name] = {"seconds": timed(code, env), "measured": True}
            print(f"{name:<18} {figures[name]['seconds']:>6.1f} s", flush=True)
        figures["model_reload"] = {"seconds": timed(RELOAD, env), "measured": True}
        print(f"{'model_reload':<18} {figures['model_reload']['seconds']:>6.1f} s")
    figures.update(ALLOWANCES)
    document = {
        "measured": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "machine": {"cpu_count": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "omp_num_threads": os.environ["OMP_NUM_THREADS"]},
        "command": "python " + " ".join([Path(sys.argv[0]).as_posix()] + sys.argv[1:]),
        "shared_machine": args.shared_machine,
        "steps": figures,
    }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

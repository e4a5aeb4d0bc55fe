"""A class on a real JupyterHub, end to end (issue: the class path made real and tested).

The teacher prefetches the models into a shared read-only cache; JupyterHub runs on 127.0.0.1 as the deployment
guide configures it; three pupils (Linux users) log in through the login form at the same time, each opens an
nbgitpuller link that pulls the course from a local git repository into their home, and each runs chapters 1 and 5
(profile quick) in their own server's kernel. Checked: every notebook ran without an error, the model was converted
once (by the teacher) and never in a pupil's kernel, and no pupil can read another pupil's home. The figures are
printed at the end; with WERKSTATT_HUB_RESULTS=<file> they are also written there (the teachers' pages read
benchmarks/results/hub.json).

Settings: WERKSTATT_HUB_PUPILS (default 3), WERKSTATT_HUB_PROFILE (default quick).
"""
from __future__ import annotations

import fcntl
import json
import os
import platform
import shutil
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil
import pytest

import classroom
from classroom import MIB, ROOT, Hub, MemoryWatch, PupilBrowser, Pupils
from conftest import FIGURES

PUPILS = int(os.environ.get("WERKSTATT_HUB_PUPILS", "3"))
PROFILE = os.environ.get("WERKSTATT_HUB_PROFILE", "quick")
NOTEBOOKS = ("01-language-model.ipynb", "05-open-models.ipynb")
COURSE = "ki-werkstatt"  # the folder nbgitpuller makes in each home (the repository's name)


def converting_texts() -> list[str]:
    """The start of the message a kernel prints when it converts a model, in both languages."""
    from werkstatt.i18n import text

    marker = "\x00"
    texts = []
    for language in ("de", "en"):
        rendered = text("cache.converting", language, name=marker, folder=marker, seconds=marker)
        texts.append(rendered.split(marker)[0].strip() or rendered)
    return [t for t in texts if len(t) >= 8]


def pupil_lesson(hub: Hub, pupil: classroom.Pupil, others: list[classroom.Pupil], language: str,
                 repository: str, branch: str, report: dict) -> None:
    """One pupil's lesson: log in, open the teacher's link, run both notebooks, then try to look at the others."""
    started = time.perf_counter()
    browser = PupilBrowser(hub, pupil)
    browser.log_in()
    first = f"notebooks/{language}/{NOTEBOOKS[0]}"
    opened = browser.open_link(classroom.nbgitpuller_link(hub.url, repository, branch, first))
    report["server_seconds"] = round(opened["server_seconds"], 1)
    report["lab_url"] = opened["lab_url"]
    report["server_idle_rss"] = classroom.server_memory(pupil)
    report["runs"] = []
    for notebook in NOTEBOOKS:
        result = browser.run_notebook(f"{COURSE}/notebooks/{language}/{notebook}")
        report["runs"].append(result)
        if result["error"]:
            break
    # In the pupil's own kernel: can they see the others' homes, and where does their model come from?
    probe = f"""
import json, os
from werkstatt import models
seen = {{}}
for home in {[str(o.home) for o in others]!r}:
    try:
        os.listdir(home)
        seen[home] = "listed"
    except PermissionError:
        seen[home] = "refused"
    try:
        open(os.path.join(home, ".bashrc")).read()
        seen[home] += ", read"
    except PermissionError:
        pass
folder = models.packaged_folder("smollm2-135m-instruct")
print(json.dumps({{"homes": seen, "model": str(folder), "cache_writable": os.access(os.environ["WERKSTATT_CACHE"], os.W_OK)}}))
"""
    answer = browser.run_code(probe, f"{COURSE}/notebooks/{language}/{NOTEBOOKS[0]}")
    report["probe_error"] = answer["error"]
    report["probe"] = json.loads(answer["text"][-1]) if answer["text"] and not answer["error"] else {}
    report["seconds"] = round(time.perf_counter() - started, 1)


@pytest.fixture
def alone():
    """One hub test at a time on a machine: a second one would remove the first one's pupils."""
    with open(Path(tempfile.gettempdir()) / "ki-werkstatt-hub-test.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pytest.fail("another hub test is running on this machine; run this one after it has finished")
        yield


def test_a_class_on_jupyterhub(as_root, alone):
    assert classroom.PROXY.exists(), "configurable-http-proxy is missing: npm ci --prefix tools/hub (make hub-test does it)"
    test_started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="ki-werkstatt-hub-"))
    folder.chmod(0o755)  # the pupils read the course repository and the model cache in here
    names = [f"werkstatt-pupil{i + 1}" for i in range(PUPILS)]
    reports = {name: {} for name in names}
    errors: dict[str, str] = {}
    leftovers: list[str] = []
    try:
        repository, branch = classroom.course_repository(folder / "course")
        gitconfig = folder / "gitconfig"
        gitconfig.write_text(f"[safe]\n\tdirectory = {repository}\n")
        gitconfig.chmod(0o644)
        cache = folder / "cache"
        with Pupils(names) as pupils, classroom.OpenedForPupils() as opened:
            if opened.folders:
                print("opened for the pupils while the class runs (o+x, restored afterwards):",
                      ", ".join(map(str, opened.folders)))
            problem = classroom.readable_by(pupils[0])
            assert problem is None, problem
            prefetched = classroom.prefetch(cache)
            (folder / "hub").mkdir()
            hub = Hub(folder / "hub", pupils, cache, gitconfig, PROFILE)
            watch = MemoryWatch(pupils)
            try:
                hub_seconds = hub.start()
                watch.start()
                class_started = time.perf_counter()
                threads = []
                for index, pupil in enumerate(pupils):
                    language = ("de", "en")[index % 2]
                    others = [p for p in pupils if p is not pupil]

                    def lesson(pupil=pupil, language=language, others=others):
                        try:
                            pupil_lesson(hub, pupil, others, language, f"file://{repository}", branch,
                                         reports[pupil.name])
                        except Exception as error:  # reported below, after everything has been stopped
                            errors[pupil.name] = f"{type(error).__name__}: {error}"

                    threads.append(threading.Thread(target=lesson, name=pupil.name))
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(600)
                class_seconds = time.perf_counter() - class_started
                watch.stop()
                for pupil in pupils:  # measured before the users and their homes are removed
                    reports[pupil.name]["home_mib"] = round(classroom.folder_size(pupil.home) / MIB)
                    reports[pupil.name]["home_caches"] = [
                        str(p) for p in pupil.home.glob(".cache/ki-werkstatt/*") if p.is_dir()]
            finally:
                watch.stop()
                leftovers = hub.stop(pupils)
                hub_log = hub.log_tail(6000)
        cache_after = classroom.snapshot(cache)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    # Everything the test started is gone: the hub, the proxy, every pupil's processes and the users themselves.
    assert not errors, "\n".join(f"{name}: {error}" for name, error in errors.items()) + "\n--- hub log\n" + hub_log
    assert not [n for n in names if _user_exists(n)], "the test's users were not removed"

    texts = converting_texts()
    pupil_conversions = sum(1 for report in reports.values() for run in report["runs"]
                            for t in texts if t in run["text"])
    pupil_conversions += sum(len(report["home_caches"]) for report in reports.values())
    pupil_conversions += int(cache_after != prefetched["snapshot"])
    figures = {
        "measured": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "command": " ".join(["sudo make hub-test", *[f"{key}={value}" for key, value in (
            ("HUB_RESULTS", os.environ.get("WERKSTATT_HUB_RESULTS")), ("WERKSTATT_HUB_PUPILS", PUPILS != 3 and PUPILS),
            ("WERKSTATT_HUB_PROFILE", PROFILE != "quick" and PROFILE)) if value]]),
        "machine": {"cpu_count": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 1024 ** 3, 1),
                    "python": platform.python_version(), "load_average_5min": round(os.getloadavg()[1], 2)},
        "pupils": PUPILS, "profile": PROFILE, "notebooks": list(NOTEBOOKS),
        "seconds": {"prefetch": prefetched["seconds"], "hub_start": round(hub_seconds, 1),
                    "class": round(class_seconds, 1), "total": round(time.perf_counter() - test_started, 1)},
        "cache": {"conversions": 1 + pupil_conversions, "pupil_conversions": pupil_conversions,
                  "size_mib": prefetched["size_mib"]},
        "peak_total_pss_mib": round(watch.peak_total_pss / MIB),
        "per_pupil": [{
            "name": name, "server_seconds": report["server_seconds"],
            "notebook_seconds": round(sum(run["seconds"] for run in report["runs"]), 1),
            "server_idle_rss_mib": round(report["server_idle_rss"] / MIB),
            "peak_server_rss_mib": round(watch.peak_server_rss[name] / MIB),
            "peak_rss_mib": round(watch.peak_rss[name] / MIB), "peak_pss_mib": round(watch.peak_pss[name] / MIB),
            "cpu_seconds": round(watch.cpu_seconds(name), 1), "home_mib": report["home_mib"],
        } for name, report in reports.items()],
        "homes_private": all(set(r["probe"].get("homes", {}).values()) == {"refused"} for r in reports.values()),
        "leftover_processes": leftovers,
    }
    FIGURES.update(figures)
    _write(figures)

    for name, report in reports.items():
        for run in report["runs"]:
            assert run["error"] is None, f"{name}: {run['notebook']} failed at {run['error']}\n{run['text'][-3000:]}"
        assert len(report["runs"]) == len(NOTEBOOKS), name
        assert report["lab_url"].endswith("?autodecode") and "/lab/tree/" in report["lab_url"], report["lab_url"]
        assert report["probe_error"] is None, f"{name}'s probe failed: {report['probe_error']}"
        assert report["probe"]["model"] == str(cache / "smollm2-135m-instruct"), \
            f"{name}'s kernel did not load the model from the shared cache: {report['probe']['model']}"
        assert report["probe"]["cache_writable"] is False, f"{name} can write the shared cache"
        others = report["probe"]["homes"]
        assert len(others) == PUPILS - 1 and set(others.values()) == {"refused"}, f"{name} sees others' homes: {others}"
    assert pupil_conversions == 0, f"the model was converted again in the pupils' kernels ({pupil_conversions} times)"
    assert leftovers == [], f"still running after the hub stopped (stopped now, by process id): {leftovers}"


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _write(figures: dict) -> None:
    """Always to _build/hub-test.json; also to $WERKSTATT_HUB_RESULTS (e.g. benchmarks/results/hub.json)."""
    targets = [ROOT / "_build" / "hub-test.json"]
    if os.environ.get("WERKSTATT_HUB_RESULTS"):
        targets.append((ROOT / os.environ["WERKSTATT_HUB_RESULTS"]).resolve())
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

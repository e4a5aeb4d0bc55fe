"""The model cache: built once, checked against its checksums, rebuilt when damaged, explained where it cannot be.

Most tests build a small fake model folder (a few kilobytes), so they take milliseconds. Cases about file
permissions run in a child process without privileges: as root, with every capability dropped (setpriv), so that
file modes apply to it as they apply to a pupil on a school server. One test, marked CONVERTS in its name, converts
the packaged SmolLM2 for real with `python -m werkstatt prefetch` (about a minute on two cores).
"""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from werkstatt import cache, i18n, models
from werkstatt import __main__ as command_line

NAME = "fake-model"


def build(work: Path) -> None:
    """A fake conversion: weights written with mode 0600, as saving a model does."""
    weights = Path(work) / "model.safetensors"
    weights.write_bytes(b"weights " * 4096)
    weights.chmod(0o600)
    (Path(work) / "config.json").write_text('{"hidden_size": 8}')


@pytest.fixture
def shared(monkeypatch):
    """A cache folder that an unprivileged child process can reach (pytest's tmp_path is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="werkstatt-cache-"))
    folder.chmod(0o755)
    monkeypatch.setenv("WERKSTATT_CACHE", str(folder))
    yield folder
    for path in [folder, *folder.rglob("*")]:  # give write access back, so the folder can be removed
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["de", "en"])
def language(request):
    i18n.set_language(request.param)
    yield request.param


CHILD = """
import sys
from pathlib import Path
from werkstatt import cache, i18n

def build(work):
    Path(work, "model.safetensors").write_bytes(b"weights " * 4096)
    Path(work, "config.json").write_text('{"hidden_size": 8}')

i18n.set_language(sys.argv[1])
try:
    print("FOLDER", cache.ensure("fake-model", build))
except Exception as error:
    print(type(error).__name__, error)
"""


def unprivileged(arguments: list[str], language: str = "en", **env: str) -> subprocess.CompletedProcess:
    """Run Python without privileges: as root, with all capabilities dropped, so file modes apply."""
    command = [sys.executable, *arguments]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--", *command]
    return subprocess.run(command, env={**os.environ, "WERKSTATT_LANG": language, **env}, capture_output=True,
                          text=True, timeout=300)


def read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


# --- built once, checked, readable by everyone ---------------------------------------------------

def test_first_use_builds_once_with_checksums_and_files_everyone_can_read(shared):
    calls = []
    folder = cache.ensure(NAME, lambda work: (calls.append(work), build(work)), announce=False)
    assert folder == shared / NAME and cache.problem(folder) is None
    assert cache.ensure(NAME, lambda work: calls.append(work), announce=False) == folder
    assert len(calls) == 1  # the second call found a whole copy
    sums = (folder / cache.CHECKSUMS).read_text().splitlines()
    assert sorted(line.split()[1] for line in sums) == ["config.json", "model.safetensors"]
    if shutil.which("sha256sum"):  # the format an admin can check by hand
        subprocess.run(["sha256sum", "--check", "--quiet", cache.CHECKSUMS], cwd=folder, check=True)
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name  # not 0600: other users read it
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert not list(shared.glob(f".{NAME}-*"))  # no temporary folder left


DAMAGE = {
    "truncated weights": lambda f: (f / "model.safetensors").write_bytes((f / "model.safetensors").read_bytes()[:100]),
    "empty weights": lambda f: (f / "model.safetensors").write_bytes(b""),
    "broken config": lambda f: (f / "config.json").write_text('{"hidden_size": '),
    "deleted config": lambda f: (f / "config.json").unlink(),
    "no checksums": lambda f: (f / cache.CHECKSUMS).unlink(),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_copy_is_found_and_rebuilt_where_the_cache_is_writable(shared, damage, capsys, language):
    folder = cache.ensure(NAME, build, announce=False)
    DAMAGE[damage](folder)
    cache._verified.clear()  # a new kernel: nothing checked yet
    wrong = cache.problem(folder)
    assert wrong is not None
    if damage != "no checksums":
        assert ("config.json" if "config" in damage else "model.safetensors") in wrong
    capsys.readouterr()
    assert cache.ensure(NAME, build, announce=False) == folder
    assert i18n.msg("cache.repairing", name=NAME, folder=folder, problem=wrong) in capsys.readouterr().out
    assert cache.problem(folder) is None


# --- read-only caches and unwritable homes: used when whole, explained when not ---------------------

def test_a_whole_read_only_cache_is_used_without_writing_to_it(shared):
    cache.ensure(NAME, build, announce=False)
    read_only(shared)
    before = sorted(p.name for p in shared.iterdir())
    result = unprivileged(["-c", CHILD, "en"])
    assert f"FOLDER {shared / NAME}" in result.stdout, result.stdout + result.stderr
    assert sorted(p.name for p in shared.iterdir()) == before  # not even a lock file


@pytest.mark.parametrize("damage", ["truncated weights", "broken config"])
def test_a_damaged_copy_in_a_read_only_cache_is_explained_in_one_sentence(shared, damage, language):
    folder = cache.ensure(NAME, build, announce=False)
    DAMAGE[damage](folder)
    read_only(shared)
    result = unprivileged(["-c", CHILD, language], language)
    assert result.stdout.startswith("WerkstattError "), result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "PermissionError" not in result.stdout
    wrong = i18n.text("cache.problem.damaged", language,
                      file="config.json" if "config" in damage else "model.safetensors")
    expected = i18n.text("cache.cannot_write", language, name=NAME, folder=shared, problem=wrong)
    assert result.stdout.strip() == f"WerkstattError {expected}"


def test_a_damaged_copy_that_may_not_be_replaced_is_explained_before_any_conversion(shared):
    folder = cache.ensure(NAME, build, announce=False)
    DAMAGE["empty weights"](folder)
    read_only(folder)  # the cache folder itself stays writable, the model's folder does not
    result = unprivileged(["-c", CHILD.replace("def build(work):", "def build(work):\n    print('BUILDING')"), "en"])
    assert result.stdout.splitlines()[-1].startswith("WerkstattError "), result.stdout + result.stderr
    assert "BUILDING" not in result.stdout and not list(shared.glob(f".{NAME}-*"))


def test_an_unwritable_home_is_explained_instead_of_a_permission_error(shared, monkeypatch, language):
    home = shared / "home"
    home.mkdir()
    read_only(home)
    monkeypatch.delenv("WERKSTATT_CACHE")
    result = unprivileged(["-c", CHILD, language], language, HOME=str(home))
    assert result.stdout.startswith("WerkstattError "), result.stdout + result.stderr
    assert str(home / ".cache" / "ki-werkstatt") in result.stdout and "prefetch" in result.stdout


def test_unreadable_weights_are_called_unreadable_not_missing(shared):
    folder = cache.ensure(NAME, build, announce=False)
    (folder / "model.safetensors").chmod(0o000)  # as if written 0600 by the admin's account
    read_only(shared)
    result = unprivileged(["-c", CHILD, "en"])
    assert i18n.text("cache.problem.unreadable", "en", file="model.safetensors") in result.stdout, result.stdout
    assert "No such file" not in result.stdout + result.stderr


# --- one conversion at a time, and what a killed one leaves behind ------------------------------

def test_a_second_kernel_is_told_that_another_is_converting(shared, capsys, language):
    handle = os.open(shared / f"{NAME}.lock", os.O_RDONLY | os.O_CREAT, 0o644)
    fcntl.flock(handle, fcntl.LOCK_EX)  # "another kernel" holds the lock
    waiter = threading.Thread(target=cache.ensure, args=(NAME, build), kwargs={"announce": False})
    waiter.start()
    time.sleep(0.5)
    assert waiter.is_alive()  # it waits for the lock ...
    os.close(handle)
    waiter.join(10)
    assert not waiter.is_alive() and cache.problem(shared / NAME) is None  # ... and builds once it is free
    seconds = i18n.num(cache.CONVERSION_SECONDS.get(NAME, 60))
    assert i18n.msg("cache.waiting", name=NAME, seconds=seconds) in capsys.readouterr().out


def test_leftovers_of_a_conversion_killed_hard_are_removed_by_the_next(shared):
    slow = CHILD.replace('Path(work, "config.json")', 'import time; time.sleep(60); Path(work, "config.json")')
    child = subprocess.Popen([sys.executable, "-c", slow, "en"], env=dict(os.environ), stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            leftovers = [p for p in shared.glob(f".{NAME}-*") if (p / "model.safetensors").exists()]
            if leftovers:
                break
            time.sleep(0.05)
        assert leftovers, "the child never started converting"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert leftovers[0].exists()  # killed hard: nothing cleaned up
    assert cache.ensure(NAME, build, announce=False) == shared / NAME  # the lock died with the child
    assert not list(shared.glob(f".{NAME}-*"))


# --- the command a server's admin runs -------------------------------------------------------------

def test_prefetch_check_fails_on_an_empty_cache_and_changes_nothing(shared, capsys):
    assert command_line.main(["prefetch", "--check"]) == 1
    out = capsys.readouterr().out
    assert models.SMOLLM2 in out and list(shared.iterdir()) == []


def test_prefetch_builds_verifies_and_tidies_up(shared, monkeypatch, capsys, language):
    monkeypatch.setattr(models, "_convert_gguf", lambda package, work: build(work))
    leftover = shared / f".{models.SMOLLM2}-killed"
    leftover.mkdir()
    shared.chmod(0o700)  # as an admin's umask of 077 would make it
    assert command_line.main(["prefetch"]) == 0
    out = capsys.readouterr().out
    assert cache.problem(shared / models.SMOLLM2) is None and not leftover.exists()
    assert i18n.msg("prefetch.leftover", folder=leftover) in out
    assert i18n.msg("prefetch.done", folder=shared) in out
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # every pupil may enter the shared folder
    assert command_line.main(["prefetch", "--check"]) == 0


def test_CONVERTS_prefetch_fills_a_cache_that_another_user_loads_read_only(shared):
    """The server's path, for real: the admin converts once, a pupil's kernel loads from the read-only copy."""
    env = {**os.environ, "WERKSTATT_LANG": "en", "WERKSTATT_CACHE": str(shared)}
    done = subprocess.run([sys.executable, "-m", "werkstatt", "prefetch"], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    folder = shared / models.SMOLLM2
    assert (folder / cache.CHECKSUMS).is_file() and not list(shared.glob(".smollm2*"))
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in folder.iterdir())
    read_only(shared)
    home = shared / "no-home"  # the pupil's home does not matter: nothing is written there
    pupil = unprivileged(["-c", "from werkstatt import models; models.load_model('smollm2')"], HOME=str(home))
    assert pupil.returncode == 0, pupil.stdout + pupil.stderr
    assert "packaged copy" in pupil.stdout and "converting" not in pupil.stdout
    check = unprivileged(["-m", "werkstatt", "prefetch", "--check"], HOME=str(home))
    assert check.returncode == 0, check.stdout + check.stderr

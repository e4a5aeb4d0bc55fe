"""The class test with a real JupyterHub: three pupils, each a Linux user with their own server process.

Run it with `make hub-test` (part of `make test`), or directly as root:
    sudo .venv/bin/python -m pytest tests/hub -q
It is left out of `pytest tests` (the quick unit run), because it creates system users and takes minutes.
It needs root; elsewhere it is skipped with a notice, except in CI (CI=true), where it must run.

What it needs besides the course's environment (`make setup` installs jupyterhub and nbgitpuller from the lock):
- Node.js 20 or newer with npm: JupyterHub's proxy, configurable-http-proxy, pinned in tools/hub (`npm ci`);
- git, useradd/userdel/chpasswd (Debian: passwd) and PAM (the pupils log in with a password, as on a school server);
- the pupils' servers run as other Linux users, so other users must be able to enter every folder above .venv, the
  repository and the Python .venv was made from, and read their files. Folders others cannot enter (e.g. /root, when
  .venv was made from a Python under /root) are opened for entering (o+x) while the class runs and closed again
  afterwards; the test then checks that a pupil can start the course's Python, and names what is still missing.
Only 127.0.0.1 is used; one run at a time (a lock file), and everything it started is stopped by process id.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIGURES: dict = {}  # filled by the test, printed at the end of the run


def _requested(config) -> bool:
    """True when the command line names this folder (or a file in it), e.g. `pytest tests/hub`."""
    base = Path(config.invocation_params.dir)
    for argument in config.invocation_params.args:
        if argument.startswith("-"):
            continue
        path = (base / argument.split("::", 1)[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    # `pytest tests` stays a quick unit run; the hub test needs `pytest tests/hub`.
    if collection_path.suffix == ".py" and not _requested(config):
        return True
    return None


@pytest.fixture(scope="session")
def as_root() -> None:
    if os.geteuid() == 0:
        return
    reason = ("the hub test creates Linux users for three pupils and starts their servers as those users, "
              "so it needs root: sudo make hub-test")
    if os.environ.get("CI") == "true":
        pytest.fail("CI must run the hub test, but it does not run as root: " + reason)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    from classroom import summary_lines

    terminalreporter.section("class on a real JupyterHub: measured")
    for line in summary_lines(FIGURES):
        terminalreporter.write_line(line)

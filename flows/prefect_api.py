"""The Prefect API a run talks to: the operator's server (``PREFECT_API_URL``), or a temporary one.

cuishou starts the temporary server itself rather than leaving it to Prefect, because:

* a terminal's Ctrl-C goes to its whole process group: the server runs in a session of its own,
  so it stays up while the run winds down (and records where it stopped), then is stopped;
* the server must not outlive the run even after ``kill -9``: on Linux the kernel stops it when
  its parent dies, and everywhere each server is recorded in ``PREFECT_HOME/cuishou-servers/``
  so the next run stops one whose owner is gone;
* a start that fails says why in one line (a database migrated by a newer Prefect names
  ``PREFECT_HOME``), instead of a timeout after two minutes.

This module does not import Prefect: the server is a ``uvicorn`` child running Prefect's app.
"""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from cuishou.flows.inputs import Refusal
from cuishou.flows.interrupt import on_forced_exit
from cuishou.flows.prefect_env import LOOPBACK_HOSTS, prefect_home

APP = "prefect.server.api.server:create_app"
RECORDS = "cuishou-servers"
# what Prefect's own temporary server sets: no UI, the ephemeral set of services
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


class PrefectUnavailable(Refusal):
    """No Prefect API to run the flow against; the message says what to do."""


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment, or from Prefect's settings if Prefect is already loaded
    (a program or test harness that configured it in-process)."""
    if url := os.environ.get("PREFECT_API_URL"):
        return url
    if "prefect.settings" in sys.modules:
        from prefect.settings import get_current_settings

        return get_current_settings().api.url
    return None


def _is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS


def api_is_healthy(url: str, timeout: float = 5.0) -> bool:
    """Whether a Prefect API answers its health check at ``url`` (a local one never through a proxy)."""
    try:
        with httpx.Client(timeout=timeout, trust_env=not _is_loopback(url)) as client:
            response = client.get(f"{url.rstrip('/')}/health")
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def check_configured_api(url: str) -> None:
    if not api_is_healthy(url):
        raise PrefectUnavailable(
            f"PREFECT_API_URL={url}: no Prefect API answers there; start the server ('prefect server start') "
            "or unset PREFECT_API_URL to let cuishou run a temporary one"
        )


def _site_packages() -> str:
    """Where Prefect is installed: first on the server's path, so no module in the working folder shadows it."""
    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.submodule_search_locations
    return str(Path(list(spec.submodule_search_locations)[0]).parent)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent(parent: int):
    """Linux: have the kernel send SIGTERM to the child when this process dies, even by kill -9."""
    if not sys.platform.startswith("linux"):
        return None

    def set_parent_death_signal() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return set_parent_death_signal


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        pass
    try:
        return subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True).stdout
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_stale_servers(home: Path) -> list[int]:
    """Stop the temporary servers that runs sharing ``home`` started and left behind (owner gone).

    A server is stopped only if its recorded process still runs Prefect's app on its recorded
    port, so a reused PID is never signalled. The logs of dead owners' failed starts go too.
    Returns the PIDs stopped.
    """
    stopped = []
    for record in sorted((home / RECORDS).glob("*.json")):
        try:
            info = json.loads(record.read_text())
            pid, owner, port = int(info["pid"]), int(info["owner"]), int(info["port"])
        except (OSError, ValueError, KeyError, TypeError):
            record.unlink(missing_ok=True)
            continue
        if _alive(owner):
            continue  # a run in progress
        command = _command_line(pid)
        if _alive(pid) and APP in command and f"--port {port}" in command:
            os.kill(pid, signal.SIGKILL)
            stopped.append(pid)
        record.unlink(missing_ok=True)
    for log in (home / RECORDS).glob("*.log"):
        owner = log.name.split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)) and not log.with_suffix(".json").exists():
            log.unlink(missing_ok=True)
    return stopped


def start_failure(what: str, log: str, home: Path, log_path: Path) -> str:
    """One line on why a temporary server did not start, from its log."""
    if "Can't locate revision" in log:  # alembic: the database is at a migration this Prefect does not know
        return (f"the Prefect database in PREFECT_HOME={home} was migrated by another Prefect version than "
                f"this one ({version('prefect')}): set PREFECT_HOME to another folder (or unset it)")
    return (f"the temporary Prefect server {what} (its log: {log_path}); set PREFECT_API_URL to a running "
            "Prefect server instead")


class TemporaryServer:
    """A Prefect API server for this process's run, stopped when the run ends."""

    def __init__(self, home: Path):
        self.home = home
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/api"
        records = home / RECORDS
        records.mkdir(parents=True, exist_ok=True)
        self.log = records / f"{os.getpid()}-{self.port}.log"
        self.record = self.log.with_suffix(".json")
        command = [sys.executable, "-m", "uvicorn", "--app-dir", _site_packages(), "--factory", APP,
                   "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, env=os.environ | SERVER_ENV, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True, preexec_fn=_die_with_parent(os.getpid()),
            )
        self.record.write_text(json.dumps({"pid": self.process.pid, "owner": os.getpid(), "port": self.port}))
        self.healthy = False
        self._unregister = on_forced_exit(self.kill)

    def wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PrefectUnavailable(self._failure(f"exited with status {self.process.returncode}"))
            if api_is_healthy(self.url, timeout=1.0):
                self.healthy = True
                return
            time.sleep(0.1)
        raise PrefectUnavailable(self._failure(f"did not answer within {timeout:.0f} s"))

    def _failure(self, what: str) -> str:
        return start_failure(what, self.log.read_text(errors="replace") if self.log.exists() else "", self.home,
                             self.log)

    def kill(self) -> None:
        """Stop at once (a forced exit)."""
        self.process.kill()

    def stop(self) -> None:
        self._unregister()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.record.unlink(missing_ok=True)
        if self.healthy:  # the log of a failed start stays for the user to read
            self.log.unlink(missing_ok=True)


def flush_prefect_workers(timeout: float = 5.0) -> None:
    """Send what Prefect's background workers still hold (run logs, events) while the API is up.

    Prefect drains them when the interpreter exits, which is after a temporary server is stopped.
    """
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=timeout)


@contextmanager
def prefect_api(on_start=None, meanwhile=None) -> Iterator[str]:
    """The API URL to run against for the block: the configured one if it answers, else a
    temporary server's (exported as PREFECT_API_URL for Prefect, which is imported after this).

    ``on_start`` is called before a temporary server starts (to say that it takes a while);
    ``meanwhile`` is called while it boots, after its URL is exported: importing Prefect and the
    flow takes seconds of CPU that need not wait for the server's own seconds of imports.
    """
    if url := configured_api_url():
        check_configured_api(url)
        if meanwhile is not None:
            meanwhile()
        yield url
        return
    home = prefect_home()
    stop_stale_servers(home)
    if on_start is not None:
        on_start()
    server = TemporaryServer(home)
    os.environ["PREFECT_API_URL"] = server.url
    try:
        if meanwhile is not None:
            meanwhile()
        server.wait_until_healthy(float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")))
        try:
            yield server.url
        finally:
            flush_prefect_workers()
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        server.stop()

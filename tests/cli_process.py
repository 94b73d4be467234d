"""The real ``cuishou`` command in a subprocess: its stderr read line by line as it runs, and signals
sent the way a terminal sends them."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def cli_env(**overrides: str | None) -> dict[str, str]:
    """The test process's environment, with the CLI's own Prefect log level, and ``overrides``
    (None removes a variable)."""
    env = dict(os.environ)
    env.pop("PREFECT_LOGGING_LEVEL", None)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


class CliRun:
    """``python -m flows.cli ARGV`` in its own process group, as a shell runs a foreground job."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path | None = None,
                 command: list[str] | None = None):
        self.lines: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            (command or [sys.executable, "-m", "cuishou.flows.cli"]) + argv, env=env, cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        """Block until a stderr line contains ``text``."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {text!r} on stderr within {timeout} s: {self.lines}") from None
            if line is None:
                raise AssertionError(f"exited (rc {self.process.wait()}) before {text!r}: {self.lines}")
            self.lines.append(line)

    def ctrl_c(self, freeze: bool = False) -> float:
        """SIGINT to the whole process group, as Ctrl-C in a terminal; returns when it was sent.

        ``freeze`` stops the process first (SIGSTOP) and continues it after the signal, so that a
        stage announced a moment ago cannot finish in between.
        """
        if freeze:
            os.kill(self.process.pid, signal.SIGSTOP)
        os.killpg(self.process.pid, signal.SIGINT)
        sent = time.monotonic()
        if freeze:
            os.kill(self.process.pid, signal.SIGCONT)
        return sent

    def finish(self, timeout: float = 300) -> int:
        """The exit status, once the process has ended and its stderr is read."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise
        while (line := self._lines.get(timeout=10)) is not None:
            self.lines.append(line)
        return code


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie, dead but not yet reaped by whoever inherited it, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True

"""Stopping a build on Ctrl-C or SIGTERM: quickly, at any stage, in a state the next run resumes.

The first signal sets ``STOP`` and raises ``Interrupted`` in the main thread, wherever it is: the
crawl's event loop unwinds (in-flight requests are dropped, finished ones are already journaled),
the flow's worker threads see ``STOP`` between two pages and end their batch, and files are only
ever renamed into place whole. A second signal does not wait for any of that: it runs the
registered last-resort cleanups (stopping the temporary Prefect server) and exits at once, as
``kill -9`` would, which the journal also survives.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STOP = threading.Event()
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C
MESSAGE = "interrupted; run the same command again to resume"

_last_resort: list[Callable[[], None]] = []
_active = False  # stop_on_signals is in force (a CLI build), not a run under a Prefect worker or runner


class Interrupted(KeyboardInterrupt):
    """The user asked the run to stop; a KeyboardInterrupt so that every layer lets it through."""


def check() -> None:
    """Raise ``Interrupted`` if a stop was asked for: call between two units of work."""
    if STOP.is_set():
        raise Interrupted


def on_forced_exit(cleanup: Callable[[], None]) -> Callable[[], None]:
    """Run ``cleanup`` if a second signal forces the exit; returns the function that unregisters it."""
    _last_resort.append(cleanup)
    return lambda: _last_resort.remove(cleanup) if cleanup in _last_resort else None


def _handle(signum, frame) -> None:
    if not STOP.is_set():
        STOP.set()
        raise Interrupted
    for cleanup in reversed(_last_resort):
        try:
            cleanup()
        except Exception:  # noqa: S110 - exiting anyway; nothing left to report to
            pass
    print(MESSAGE, file=sys.stderr, flush=True)
    os._exit(EXIT_INTERRUPTED)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM stop the run as described above (main thread only).

    ``STOP`` is clear when the block starts and when it ends (code run later in the same process,
    a test or a library caller, must not inherit a stop).
    """
    global _active
    STOP.clear()
    signals = [signal.SIGINT, signal.SIGTERM]
    previous = {signum: signal.signal(signum, _handle) for signum in signals}
    _active = True
    try:
        yield
    finally:
        _active = False
        STOP.clear()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def reclaim_sigterm() -> None:
    """Take SIGTERM back from the Prefect flow engine, inside a flow run that ``stop_on_signals`` covers.

    The engine swaps in a handler that raises its own exception and, once the run has crashed,
    sends SIGTERM again to the handler it replaced: that would count as the second signal here.
    Under a Prefect worker or runner (``cuishou serve``) the engine keeps SIGTERM, which is how
    those cancel a run.
    """
    if _active and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _handle)

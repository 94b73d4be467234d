"""Page processing on every core: a pool of worker processes behind the flow's batch tasks.

Extraction is CPU-bound Python, so threads of one process share one core (the GIL); the batch
tasks hand their batches to worker processes instead, one per CPU by default. Workers are started
with ``spawn`` (never forked from a process that runs threads) and import the page pipeline only,
never Prefect: a Prefect task stays a thread of the flow's process, which talks to the API, while
its batch runs in a worker. A batch goes over as WARC references and comes back as counts
(``flows.pages``). A pool serves one run's processing (see ``pool_for_run``).

Stopping: a Ctrl-C reaches the whole process group, workers included. Workers ignore SIGINT and
SIGTERM and leave the decision to the flow's process, which sets the pool's stop event when its
own stop is set: each worker ends its batch between two pages (a page is bounded by its CPU
budget). A worker whose parent is gone (``kill -9``) exits within a second, and a forced exit
(a second Ctrl-C) kills the workers at once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager

from cuishou.flows import interrupt
from cuishou.flows.interrupt import Interrupted
from cuishou.flows.pages import Batch, BatchDone, process_batch

_POLL = 0.1  # seconds between looks at the flow's stop while a batch runs
# pages per unit of work handed to a worker: a batch is spread over the workers, and when the last
# batches run, no worker has much more left than another
PART_PAGES = 100


def default_workers() -> int:
    """One worker per CPU this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class PagePool:
    """``workers`` processes running ``flows.pages.process_batch``."""

    def __init__(self, workers: int):
        self.workers = workers
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                             initargs=(self._stop, os.getpid()))
        self._unregister = interrupt.on_forced_exit(self.kill)

    def new_run(self) -> PagePool:
        """Clear an earlier run's stop; workers not started yet start now (importing the pipeline)."""
        self._stop.clear()
        for _ in range(self.workers):
            self._executor.submit(_ready)
        return self

    def run(self, batch: Batch) -> BatchDone:
        """Process a batch in the workers, in parts; a stop of the flow's process ends it between two pages."""
        futures = [self._executor.submit(_process, part) for part in batch.split(PART_PAGES)]
        done = BatchDone(0, 0)
        for future in futures:
            done += self._wait(future)
        return done

    def _wait(self, future: Future) -> BatchDone:
        while True:
            try:
                return future.result(timeout=_POLL)
            except FutureTimeout:
                if interrupt.STOP.is_set():
                    self._stop.set()
                    if future.cancel():
                        raise Interrupted from None

    @property
    def broken(self) -> bool:
        return bool(getattr(self._executor, "_broken", False))

    def kill(self) -> None:
        """Stop every worker at once (a forced exit)."""
        for process in list(getattr(self._executor, "_processes", {}).values()):
            process.kill()

    def shutdown(self, wait: bool = True) -> None:
        """Stop the workers once their work is done; ``wait``: until they have exited."""
        self._unregister()
        self._executor.shutdown(wait=wait, cancel_futures=True)


_SHARED: PagePool | None = None
_LOCK = threading.Lock()


@contextmanager
def pool_for_run(workers: int) -> Iterator[PagePool]:
    """The process's pool for one run's processing, its stop cleared, shut down when the processing
    ends: the write stage needs no workers, and idle workers would hold their memory (a few hundred
    MB) through its peak; a process that exits through multiprocessing (a Prefect runner's child,
    for a served run) would otherwise also wait for them forever. The pool may have been started
    beforehand (``cuishou build`` starts it while Prefect starts).

    After processing that finished, the idle workers exit in the background (their interpreters'
    exit is no part of the run's time); after a stop or an error they are waited for, each ending
    its batch between two pages, so that the run stops with its batches' files whole.
    """
    global _SHARED
    pool = shared_pool(workers).new_run()
    finished = False
    try:
        yield pool
        finished = True
    finally:
        with _LOCK:
            if _SHARED is pool:
                _SHARED = None
        pool.shutdown(wait=not finished)


def shared_pool(workers: int | None = None) -> PagePool:
    """The process's pool of ``workers`` (default: one per CPU); one of another size, or a broken one
    (a worker died), is replaced."""
    global _SHARED
    workers = workers or default_workers()
    with _LOCK:
        if _SHARED is not None and (_SHARED.workers != workers or _SHARED.broken):
            _SHARED.shutdown()
            _SHARED = None
        if _SHARED is None:
            _SHARED = PagePool(workers)
        return _SHARED


# --- in the worker processes ---------------------------------------------------------------------

_WORKER_STOP = None


def _start_worker(stop, parent: int) -> None:
    global _WORKER_STOP
    _WORKER_STOP = stop
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="cuishou-parent-watch", daemon=True).start()
    import cuishou.transform.page  # noqa: F401 - the pipeline's imports, before the first batch comes


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _check_stop() -> None:
    if _WORKER_STOP is not None and _WORKER_STOP.is_set():
        raise Interrupted


def _ready() -> None:
    """Nothing: submitted once per worker so that all start (and import the pipeline) at once."""


def _process(batch: Batch) -> BatchDone:
    return process_batch(batch, _check_stop)


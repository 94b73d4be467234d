"""From the ledger as it grows to batches being processed: processing starts while the crawl runs.

The crawl (or the WARC reader) runs in a thread of its own (``VisitSource``) and hands over every
visit as it is settled; the flow's thread (``Dispatcher``) stages the visits that need no
processing and groups fetched pages into batches, each submitted as soon as it is full. A batch
is also submitted before it is full when a worker would otherwise sit idle and its pages have
waited a while (a slow crawl keeps the workers busy, and little is left to do when it ends), and
what is left at the end is shared out among the workers. At most ``capacity`` batches are in
flight, so a source faster than processing is held back (WARC input waits on a bounded queue)
and the visits in memory stay bounded; only the crawl never waits (it would stall every
request), its queue being drained as fast as the flow can stage.
"""

from __future__ import annotations

import contextvars
import itertools
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from cuishou.extract.visits import Visit
from cuishou.flows import interrupt
from cuishou.flows.pages import Batch, BatchDone
from cuishou.flows.stage import RunStage

SETTLED_PART = 20_000  # visits that need no processing, staged together
# seconds a short batch waits for more pages while a worker is idle: what is left to process when the
# crawl ends is about this much of its pages, at the price of at most 1/IDLE_WAIT batch tasks a second
IDLE_WAIT = 0.5
TICK = 0.2  # seconds between looks at finished batches and waiting pages
_END = object()


class SourceClosed(Exception):
    """The flow stopped taking visits: the source ends early."""


class Stop:
    """Set when the user asks the run to stop (``interrupt.STOP``) or the flow no longer takes visits;
    the crawler and the reader look at it between two units of work."""

    def __init__(self) -> None:
        self.closed = threading.Event()

    def is_set(self) -> bool:
        return interrupt.STOP.is_set() or self.closed.is_set()


class VisitSource:
    """``produce(sink, stop)`` (a Prefect task: the crawl, or the WARC reader) run in a thread of its
    own, with the context of the flow run; its visits come out of ``items`` in order.

    ``bound`` caps the visits waiting (0: none, for the crawl, which must never wait).
    """

    def __init__(self, produce: Callable[[Callable[[Visit], None], Stop], Any], bound: int = 0):
        self.stop = Stop()
        self.result: Any = None
        self._error: BaseException | None = None
        self._queue: queue.Queue = queue.Queue(bound)
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._produce, produce), name="cuishou-source",
                                        daemon=True)
        self._thread.start()

    def _produce(self, produce) -> None:
        try:
            self.result = produce(self._put, self.stop)
        except BaseException as exc:  # handed to the flow's thread, which raises it
            self._error = exc
        finally:
            self._queue.put(_END)  # never full for long: the flow drains it, or has closed and drains nothing

    def _put(self, visit: Visit) -> None:
        """Hand a visit over, a bounded source waiting while the queue is full. Once the flow has
        closed nothing reads the queue, so a bounded source ends at its next visit (``close`` empties
        the queue, and a put that finds room must not let it run on); the crawl never waits, and
        stops by itself on the stop."""
        while True:
            if self._queue.maxsize and self.stop.closed.is_set():
                raise SourceClosed
            try:
                self._queue.put(visit, timeout=TICK)
                return
            except queue.Full:
                if self.stop.is_set():
                    raise SourceClosed from None

    def items(self) -> Iterator[Visit | None]:
        """The visits, and None whenever none came for a TICK; raises what the source raised."""
        while True:
            try:
                item = self._queue.get(timeout=TICK)
            except queue.Empty:
                yield None
                continue
            if item is _END:
                break
            yield item
        self._thread.join()
        if self._error is not None:
            raise self._error

    def close(self, timeout: float = 30) -> None:
        """Stop the source if it still runs, and wait for it (the crawl journals its last visits)."""
        self.stop.closed.set()
        while self._thread.is_alive() and timeout > 0:
            try:
                self._queue.get_nowait()  # a reader blocked on a full queue must see the stop
            except queue.Empty:
                pass
            self._thread.join(TICK)
            timeout -= TICK


class BatchFuture(Protocol):
    def result(self) -> BatchDone: ...

    def add_done_callback(self, fn: Callable[[Any], None]) -> None: ...


class Progress(Protocol):
    def fetched(self, total: int) -> None: ...

    def processed(self, pages: int, documents: int) -> None: ...


class Dispatcher:
    """Visits in; staged visits and submitted batches out (see the module docstring).

    ``workers`` processes take the batches, of which ``capacity`` may be in flight (best one more
    than the workers: one queued behind the running ones, so that no worker waits for the next).
    """

    def __init__(self, stage: RunStage, submit: Callable[[Batch], BatchFuture], batch_size: int, workers: int,
                 capacity: int, progress: Progress | None = None):
        self.stage, self.submit, self.batch_size = stage, submit, batch_size
        self.workers, self.capacity, self.progress = workers, capacity, progress
        self.fetched = 0
        self._numbers = itertools.count()
        self._pending: list[Visit] = []
        self._pending_since = 0.0
        self._settled: list[Visit] = []
        self._in_flight = 0
        self._done: queue.Queue = queue.Queue()

    def run(self, visits: Iterator[Visit | None]) -> None:
        """Take every visit (None: nothing new, time to look at the batches), then finish."""
        for visit in visits:
            if visit is None:
                self._tick()
            else:
                self.add(visit)
        self.finish()

    def add(self, visit: Visit) -> None:
        if visit.outcome != "fetched":
            self._settled.append(visit)
            if len(self._settled) >= SETTLED_PART:
                self._stage_settled()
            return
        if not self._pending:
            self._pending_since = time.monotonic()
        self._pending.append(visit)
        self.fetched += 1
        if self.progress:
            self.progress.fetched(self.fetched)
        if len(self._pending) >= self.batch_size:
            self._submit(self._take(self.batch_size))
        self._tick()  # a source that never pauses (a fast crawl) must not hold its pages back either

    def _tick(self) -> None:
        """Account for finished batches; a short batch goes to an idle worker once its pages waited."""
        self._reap(block=False)
        waited = time.monotonic() - self._pending_since
        if self._pending and self._in_flight < self.workers and waited >= IDLE_WAIT:
            self._submit(self._take(len(self._pending)))

    def finish(self) -> None:
        """Stage the rest, share the last pages out among the workers, and wait for every batch."""
        self._stage_settled()
        if self._pending:
            parts = min(self.workers, len(self._pending))
            size = math.ceil(len(self._pending) / parts)
            while self._pending:
                self._submit(self._take(size))
        while self._in_flight:
            self._reap(block=True)

    def _take(self, count: int) -> list[Visit]:
        taken, self._pending = self._pending[:count], self._pending[count:]
        self._pending_since = time.monotonic()
        return taken

    def _stage_settled(self) -> None:
        if self._settled:
            self.stage.write_visits(f"{next(self._numbers):06d}", self._settled)
            self._settled = []

    def _submit(self, visits: list[Visit]) -> None:
        while self._in_flight >= self.capacity:
            self._reap(block=True)
        future = self.submit(Batch(f"{next(self._numbers):06d}", visits, self.stage))
        self._in_flight += 1
        future.add_done_callback(self._done.put)

    def _reap(self, block: bool) -> None:
        """Account for finished batches (waiting for one if ``block``); a failed batch raises here."""
        while self._in_flight:
            try:
                future = self._done.get(timeout=TICK) if block else self._done.get_nowait()
            except queue.Empty:
                if block:
                    continue
                return
            self._in_flight -= 1
            done = future.result()
            if self.progress:
                self.progress.processed(done.pages, done.documents)
            block = False

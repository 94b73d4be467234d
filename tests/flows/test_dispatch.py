"""flows.dispatch: visits in as the source settles them, staged visits and batches out, in bounded memory.

Batches run on a real thread pool; the batch function records what it was given and when, so
that the dispatcher's rules (when a batch goes, how many run at once) can be seen.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from cuishou.extract.visits import Visit
from cuishou.flows import dispatch, interrupt
from cuishou.flows.dispatch import Dispatcher, SourceClosed, VisitSource
from cuishou.flows.pages import Batch, BatchDone
from cuishou.flows.stage import RunStage


def page(n: int) -> Visit:
    return Visit(f"http://a.test/{n}", "fetched", status=200)


def settled(n: int) -> Visit:
    return Visit(f"http://a.test/r{n}", "redirect", status=301)


class Workers:
    """A real pool running a stand-in batch function: it logs each batch's size and the batches in
    flight, and holds each batch until ``release`` is set."""

    def __init__(self, threads: int = 8, release: bool = True):
        self.pool = ThreadPoolExecutor(threads)
        self.release = threading.Event()
        if release:
            self.release.set()
        self.sizes: list[int] = []
        self.submitted_at: list[float] = []
        self.running = self.most = 0
        self._lock = threading.Lock()

    def submit(self, batch: Batch):
        self.sizes.append(len(batch.visits))
        self.submitted_at.append(time.monotonic())
        return self.pool.submit(self._run, batch)

    def _run(self, batch: Batch) -> BatchDone:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.release.wait(10)
        with self._lock:
            self.running -= 1
        if any(v.url.endswith("/fail") for v in batch.visits):
            raise RuntimeError("batch failed")
        return BatchDone(len(batch.visits), 0)


@pytest.fixture
def stage(tmp_path):
    return RunStage(tmp_path, "r").reset()


def test_a_batch_goes_as_soon_as_it_is_full_and_the_rest_is_shared_among_the_workers(stage):
    workers = Workers()
    dispatcher = Dispatcher(stage, workers.submit, batch_size=4, workers=2, capacity=4)
    for n in range(9):
        dispatcher.add(page(n))
    assert workers.sizes == [4, 4]  # before the source has ended
    for n in range(9, 15):
        dispatcher.add(page(n))
    dispatcher.finish()
    assert workers.sizes == [4, 4, 4, 2, 1]  # the 3 left over go to both workers, not in one batch
    assert dispatcher.fetched == 15


def test_visits_that_need_no_processing_are_staged_in_parts(stage):
    workers = Workers()
    dispatcher = Dispatcher(stage, workers.submit, batch_size=10, workers=1, capacity=2)
    count = 20_005  # SETTLED_PART (20,000) and a few
    for n in range(count):
        dispatcher.add(settled(n))
    assert len(list(stage.folder.glob("visits-*.parquet"))) == 1  # staged while the source runs
    dispatcher.finish()
    assert len(list(stage.folder.glob("visits-*.parquet"))) == 2
    assert sum(1 for _ in stage.visits()) == count and workers.sizes == []


def test_no_more_batches_are_in_flight_than_the_capacity(stage):
    workers = Workers(release=False)
    dispatcher = Dispatcher(stage, workers.submit, batch_size=1, workers=2, capacity=3)
    feeder = threading.Thread(target=lambda: [dispatcher.add(page(n)) for n in range(6)])
    feeder.start()
    time.sleep(0.5)
    assert len(workers.sizes) == 3 and feeder.is_alive()  # the source is held back, not buffered
    workers.release.set()
    feeder.join(5)
    dispatcher.finish()
    assert workers.most == 3 and len(workers.sizes) == 6


def test_a_short_batch_goes_to_an_idle_worker_once_its_pages_have_waited(stage):
    workers = Workers()
    dispatcher = Dispatcher(stage, workers.submit, batch_size=100, workers=2, capacity=3)
    dispatcher.add(page(0))
    dispatcher.add(page(1))
    dispatcher._tick()
    assert workers.sizes == []  # not yet: more pages may come
    dispatcher._pending_since -= dispatch.IDLE_WAIT - 0.1  # (instead of sleeping)
    dispatcher._tick()
    assert workers.sizes == []
    dispatcher._pending_since -= 0.1
    dispatcher._tick()
    assert workers.sizes == [2]
    dispatcher.finish()


def test_a_source_that_never_pauses_does_not_hold_a_short_batch_back(stage):
    """A fast crawl hands over a page more often than every TICK: the wait is looked at on each page."""
    workers = Workers()
    dispatcher = Dispatcher(stage, workers.submit, batch_size=100, workers=2, capacity=3)
    dispatcher.add(page(0))
    dispatcher._pending_since -= dispatch.IDLE_WAIT  # (instead of sleeping)
    dispatcher.add(page(1))  # no pause in the source, so no tick
    assert workers.sizes == [2]
    dispatcher.finish()


def test_a_short_batch_waits_while_every_worker_is_busy(stage):
    workers = Workers(release=False)
    dispatcher = Dispatcher(stage, workers.submit, batch_size=2, workers=1, capacity=2)
    dispatcher.add(page(0))
    dispatcher.add(page(1))  # a full batch: the one worker is busy
    dispatcher.add(page(2))
    dispatcher._pending_since -= dispatch.IDLE_WAIT
    dispatcher._tick()
    assert workers.sizes == [2]
    workers.release.set()
    dispatcher.finish()
    assert workers.sizes == [2, 1]


def test_a_failed_batch_fails_the_run(stage):
    dispatcher = Dispatcher(stage, Workers().submit, batch_size=1, workers=1, capacity=2)
    with pytest.raises(RuntimeError, match="batch failed"):
        dispatcher.run(iter([page(0), Visit("http://a.test/fail", "fetched", status=200)]))


def test_a_source_hands_its_visits_over_in_order_and_its_result(stage):
    source = VisitSource(lambda sink, stop: [sink(page(n)) for n in range(5)] and "done", bound=2)
    assert [v.url for v in source.items() if v is not None] == [page(n).url for n in range(5)]
    assert source.result == "done"


def test_a_source_error_is_raised_where_the_visits_are_taken():
    def produce(sink, stop):
        sink(page(0))
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        list(VisitSource(produce).items())


def test_a_bounded_source_waits_for_the_flow_and_ends_when_it_closes():
    produced = []

    def produce(sink, stop):
        for n in range(100):
            sink(page(n))
            produced.append(n)

    source = VisitSource(produce, bound=2)
    time.sleep(0.3)
    assert len(produced) <= 3  # held back by the bounded queue
    source.close(timeout=2)
    assert not source._thread.is_alive() and isinstance(source._error, SourceClosed)


def test_a_bounded_source_ends_at_its_next_visit_once_the_flow_has_closed_even_with_room_left():
    gate, produced = threading.Event(), []

    def produce(sink, stop):
        gate.wait()
        sink(page(0))
        produced.append(0)

    source = VisitSource(produce, bound=2)
    source.stop.closed.set()  # as close() does, which then empties the queue: a put would find room
    gate.set()
    source._thread.join(2)
    assert produced == [] and isinstance(source._error, SourceClosed)


def test_the_stop_is_set_by_a_users_stop_or_when_the_flow_closes():
    stop = dispatch.Stop()
    assert not stop.is_set()
    interrupt.STOP.set()
    try:
        assert stop.is_set()
    finally:
        interrupt.STOP.clear()
    stop.closed.set()
    assert stop.is_set()

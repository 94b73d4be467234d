"""flows.pool: batches processed in spawned worker processes, in parts, stoppable between two pages."""

from __future__ import annotations

import os

import pyarrow.parquet as pq
import pytest

from cuishou.extract.visits import WarcLedger
from cuishou.flows import interrupt, pool
from cuishou.flows.cli import SAMPLE_DIR
from cuishou.flows.interrupt import Interrupted
from cuishou.flows.pages import Batch, BatchDone
from cuishou.flows.pool import PagePool, default_workers, pool_for_run, shared_pool
from cuishou.flows.stage import RunStage

SAMPLE_WARC = SAMPLE_DIR / "dev-site-sample.warc.gz"


@pytest.fixture(scope="module")
def fetched():
    return [v for v in WarcLedger([SAMPLE_WARC]) if v.outcome == "fetched"]


@pytest.fixture(scope="module")
def workers():
    """Two spawned workers for the module (each imports the page pipeline once)."""
    started = PagePool(2).new_run()
    yield started
    started.shutdown()


def test_a_batch_runs_in_parts_of_part_pages_across_the_workers(tmp_path, fetched, workers):
    pages = fetched * 3  # 135 pages (the sample's, three times over): two parts of at most PART_PAGES
    stage = RunStage(tmp_path, "r").reset()
    done = workers.run(Batch("b", pages, stage))
    parts = sorted(p.name for p in stage.folder.glob("visits-*.parquet"))
    assert parts == ["visits-b-000.parquet", "visits-b-001.parquet"]
    assert [pq.read_metadata(stage.folder / name).num_rows for name in parts] == [100, 35]
    documents = sum(pq.read_metadata(p).num_rows for p in stage.document_parts())
    assert done == BatchDone(len(pages), documents) and documents > 0
    assert sorted(v.url for v in stage.visits()) == sorted(v.url for v in pages)


def test_a_stop_ends_the_batch_in_the_workers_and_the_next_run_goes_on(tmp_path, fetched, workers):
    stage = RunStage(tmp_path, "r").reset()
    interrupt.STOP.set()
    try:
        with pytest.raises(Interrupted):
            workers.run(Batch("b", fetched, stage))
    finally:
        interrupt.STOP.clear()
    assert stage.document_parts() == []  # the parts in flight stopped between two pages, staging nothing
    assert not workers.broken
    again = workers.new_run().run(Batch("c", fetched[:3], stage))
    assert again.pages == 3


def test_one_worker_per_cpu_by_default():
    assert default_workers() == len(os.sched_getaffinity(0))


def test_the_shared_pool_is_replaced_only_for_another_size(monkeypatch):
    monkeypatch.setattr(pool, "_SHARED", None)
    first = shared_pool(1)
    try:
        assert shared_pool(1) is first
        second = shared_pool(2)
        assert second is not first and first._executor._shutdown_thread
    finally:
        pool._SHARED.shutdown()


def test_a_pool_started_for_a_run_is_shut_down_after_it(monkeypatch):
    monkeypatch.setattr(pool, "_SHARED", None)
    with pool_for_run(1) as started:
        assert shared_pool(1) is started
    assert pool._SHARED is None and started._executor._shutdown_thread


def test_a_pool_started_before_the_run_is_shut_down_after_it_too(monkeypatch):
    monkeypatch.setattr(pool, "_SHARED", None)
    before = shared_pool(1).new_run()  # as cuishou build does while Prefect starts
    with pool_for_run(1) as started:
        assert started is before
    assert pool._SHARED is None and before._executor._shutdown_thread  # no idle workers through the write


def test_after_a_stop_the_run_waits_for_its_workers_to_exit_after_a_finished_run_it_does_not(monkeypatch):
    monkeypatch.setattr(pool, "_SHARED", None)
    with pytest.raises(RuntimeError), pool_for_run(1) as stopped:
        processes = list(stopped._executor._processes.values())
        raise RuntimeError("a stop or an error")
    assert processes and not any(process.is_alive() for process in processes)  # batches' files whole

    waits = []
    shutdown = PagePool.shutdown
    monkeypatch.setattr(PagePool, "shutdown", lambda self, wait=True: waits.append(wait) or shutdown(self, wait))
    with pool_for_run(1):
        pass
    assert waits == [False]  # idle workers exit in the background: the run's time does not wait for them

"""flows.stage: a run's batches staged as Parquet parts, and its new documents regrouped by doc_id."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from cuishou.extract.visits import WarcLedger
from cuishou.flows import stage as stage_module
from cuishou.flows.cli import SAMPLE_DIR
from cuishou.flows.pages import process_visits
from cuishou.flows.stage import NewDocuments, RunStage, visits_of, visits_table
from cuishou.transform.ids import DocIds

SAMPLE_WARC = SAMPLE_DIR / "dev-site-sample.warc.gz"


@pytest.fixture(scope="module")
def sample():
    """The sample's visits as the flow stages them, and its document rows (real pages, processed once)."""
    visits = list(WarcLedger([SAMPLE_WARC]))
    resolved, rows = process_visits([v for v in visits if v.outcome == "fetched"], check=lambda: None)
    return [v for v in visits if v.outcome != "fetched"] + resolved, rows


def _staged(tmp_path, rows, parts: int, seed: int = 3) -> RunStage:
    """The rows staged in ``parts`` parts, shuffled: batches finish in any order."""
    stage = RunStage(tmp_path, "r").reset()
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    for number in range(parts):
        stage.write_documents(f"{number:03d}", shuffled[number::parts])
    return stage


def test_visits_round_trip_through_a_staged_part(sample):
    visits, _ = sample
    assert list(visits_of(visits_table(visits))) == visits


def test_reset_drops_an_interrupted_attempts_parts(tmp_path, sample):
    visits, rows = sample
    stage = RunStage(tmp_path, "r").reset()
    stage.write_visits("a", visits)
    stage.write_documents("a", rows)
    stage.write_documents("empty", [])  # a batch without documents leaves no part
    assert stage.document_parts() == [stage.folder / "documents-a.parquet"]
    assert RunStage(tmp_path, "r").reset().folder == stage.folder
    assert list(stage.visits()) == [] and stage.document_parts() == []
    stage.remove()
    assert not stage.folder.exists()


def test_new_documents_come_in_chunks_of_consecutive_doc_ids_whatever_the_staging_order(tmp_path, sample):
    _, rows = sample
    stage = _staged(tmp_path, rows, parts=4)
    new = NewDocuments(stage, skip=DocIds.of(), chunk=10)
    chunks = [c.column("doc_id").to_pylist() for c in new.chunks(["doc_id"])]
    assert [len(c) for c in chunks] == [10, 10, 10, len(rows) - 30]
    assert [d for c in chunks for d in c] == sorted(r["doc_id"] for r in rows) == list(new.ids)


def test_new_documents_leave_out_the_skipped_and_keep_a_doc_id_staged_twice_once(tmp_path, sample):
    _, rows = sample
    stage = _staged(tmp_path, rows, parts=2)
    stage.write_documents("again", rows[:5])  # the same page in two batches (two URLs, one text)
    skipped = {r["doc_id"] for r in rows[5:10]}
    new = NewDocuments(stage, skip=DocIds.of(list(skipped)), chunk=1000)
    written = [d for c in new.chunks(["doc_id"]) for d in c.column("doc_id").to_pylist()]
    assert sorted(written) == sorted(r["doc_id"] for r in rows if r["doc_id"] not in skipped)
    assert len(new) == len(written) and rows[0]["doc_id"] in new and rows[6]["doc_id"] not in new


def test_regrouping_in_little_memory_gives_the_same_chunks(tmp_path, sample, monkeypatch):
    _, rows = sample
    stage = _staged(tmp_path, rows, parts=5)
    whole = [c.to_pylist() for c in NewDocuments(stage, skip=DocIds.of(), chunk=8).chunks()]
    monkeypatch.setattr(stage_module, "_BUFFERED_BYTES", 0)  # every part's rows written out at once
    new = NewDocuments(stage, skip=DocIds.of(), chunk=8)
    assert [c.to_pylist() for c in new.chunks()] == whole
    assert max(sum(1 for _ in pa.ipc.open_stream(p)) for p in new.paths) > 1


def test_a_chunk_is_written_as_one_record_batch_per_flush_not_one_per_part(tmp_path, sample):
    """Each part brings a chunk a few rows; as a batch each, compressing and reading them back cost
    more than the rows (many parts, few rows per chunk in each, is a large run's normal case)."""
    _, rows = sample
    new = NewDocuments(_staged(tmp_path, rows, parts=10), skip=DocIds.of(), chunk=8)
    assert [sum(1 for _ in pa.ipc.open_stream(p)) for p in new.paths] == [1] * len(new.paths)


def test_texts_are_looked_up_in_the_chunks_of_this_runs_new_documents(tmp_path, sample):
    _, rows = sample
    new = NewDocuments(_staged(tmp_path, rows, parts=3), skip=DocIds.of(), chunk=7)
    wanted = [rows[0]["doc_id"], rows[-1]["doc_id"], "not-a-new-document"]
    assert new.texts(wanted) == {r["doc_id"]: r["text"] for r in (rows[0], rows[-1])}
    new.remove()
    assert not any(p.exists() for p in new.paths)


def test_a_new_run_drops_the_stage_folders_of_other_runs_and_a_resumed_run_keeps_its_own(tmp_path):
    from cuishou.extract.state import CrawlState
    from cuishou.flows.corpus import _start_run

    state = CrawlState(tmp_path / "state" / "crawl.sqlite")
    try:
        interrupted, _ = _start_run(state, tmp_path, "same command")
        RunStage(tmp_path, interrupted).reset()
        left = RunStage(tmp_path, "20250101T000000Z").reset()  # a run killed after its commit
        resumed, was_resumed = _start_run(state, tmp_path, "same command")
        assert (resumed, was_resumed) == (interrupted, True)
        assert RunStage(tmp_path, resumed).folder.exists() and not left.folder.exists()
        other, _ = _start_run(state, tmp_path, "another command")  # the interrupted run is abandoned
        assert not RunStage(tmp_path, interrupted).folder.exists() and other != interrupted
    finally:
        state.close()

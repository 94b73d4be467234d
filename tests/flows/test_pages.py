"""flows.pages: batches of WARC references, processed where they run, staged there, counts back."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from cuishou.extract.visits import WarcLedger
from cuishou.flows.cli import SAMPLE_DIR
from cuishou.flows.interrupt import Interrupted
from cuishou.flows.pages import Batch, BatchDone, process_batch
from cuishou.flows.stage import RunStage

SAMPLE_WARC = SAMPLE_DIR / "dev-site-sample.warc.gz"


@pytest.fixture(scope="module")
def fetched():
    """The sample's fetched pages (45 HTML responses, 34 of them articles)."""
    return [v for v in WarcLedger([SAMPLE_WARC]) if v.outcome == "fetched"]


def test_a_batch_splits_into_named_parts_of_at_most_the_size(tmp_path, fetched):
    batch = Batch("000007", fetched, RunStage(tmp_path, "r"))
    parts = batch.split(20)
    assert [len(p.visits) for p in parts] == [20, 20, 5]
    assert [p.name for p in parts] == ["000007-000", "000007-001", "000007-002"]
    assert [v for p in parts for v in p.visits] == fetched
    assert batch.split(len(fetched)) == [batch]  # a batch that fits is not renamed


def test_a_batch_stages_its_rows_and_visits_and_returns_only_counts(tmp_path, fetched):
    stage = RunStage(tmp_path, "r").reset()
    done = process_batch(Batch("b", fetched, stage))
    documents = pq.read_table(stage.folder / "documents-b.parquet")
    visits = list(stage.visits())
    assert done == BatchDone(pages=len(fetched), documents=documents.num_rows)
    assert [v.url for v in visits] == [v.url for v in fetched]
    assert "fetched" not in {v.outcome for v in visits}  # every page resolved to its outcome
    assert sorted(v.doc_id for v in visits if v.outcome == "document") == sorted(documents.column("doc_id").to_pylist())
    assert set(documents.column("crawl_date").to_pylist()) == {v.fetched_at.date().isoformat() for v in fetched}


def test_the_check_between_two_pages_ends_the_batch_and_stages_nothing(tmp_path, fetched):
    stage = RunStage(tmp_path, "r").reset()
    seen = []

    def check():
        if len(seen) == 2:
            raise Interrupted
        seen.append(1)

    with pytest.raises(Interrupted):
        process_batch(Batch("b", fetched, stage), check)
    assert list(stage.folder.iterdir()) == []


def test_batch_counts_add_up():
    assert BatchDone(3, 1) + BatchDone(4, 2) == BatchDone(7, 3)


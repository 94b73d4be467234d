"""flows.corpus_figures: the report's and the card's figures, folded from scans a record batch at a time."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sample_corpus import corpus  # noqa: F401 (a shared fixture)

from cuishou.flows import corpus_figures
from cuishou.flows.corpus_figures import document_figures, read_corpus
from cuishou.transform.schema import DOCUMENT_SCHEMA


def _same(a, b) -> bool:
    """Equal figures (dataclasses holding arrays and tables compared field by field)."""
    if hasattr(a, "__dataclass_fields__"):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, pa.Table):
        return a.equals(b)
    return a == b and list(a) == list(b) if isinstance(a, dict) else a == b


def test_figures_folded_from_small_batches_are_those_of_one_batch(corpus, monkeypatch):
    """Counts, top lists (ties in the corpus's order) and the junk examples do not depend on the batch size."""
    out, report = corpus
    whole = read_corpus(out, report)
    monkeypatch.setattr(corpus_figures, "SCAN_ROWS", 3)
    assert _same(read_corpus(out, report), whole)
    assert whole.documents.rows == 34 and whole.documents.removed and whole.documents.lowest_quality


def _documents(spans: list[list[tuple[str, str]]]) -> pa.Table:
    names = ["doc_id", "url", "host", "title", "dup_cluster", "is_canonical", "is_current", "cluster_size", "products",
             "channels", "topics", "removed", "text_chars", "removed_share", "scrubbed_gaps", "spin_density",
             "quality_score", "language", "pipeline_version"]
    rows = [{"doc_id": f"d{i}", "url": f"http://a.test/{i}", "host": "a.test", "title": "t", "dup_cluster": f"c{i}",
             "is_canonical": True, "is_current": True, "cluster_size": 1, "products": [], "channels": [], "topics": [],
             "removed": [{"rule": rule, "text": text} for rule, text in removed], "text_chars": 10,
             "removed_share": 0.1, "scrubbed_gaps": 0, "spin_density": 0.0, "quality_score": 0.5, "language": "zh",
             "pipeline_version": "test"} for i, removed in enumerate(spans)]
    return pa.Table.from_pylist(rows, schema=pa.schema([DOCUMENT_SCHEMA.field(n) for n in names]))


def test_the_commonest_span_of_a_rule_is_counted_across_batches_and_ties_go_to_the_first_text(tmp_path, monkeypatch):
    spans = [[("footer", "B 版权"), ("ad", "x"), ("dup", "q")], [("footer", "A  版权\n所有")], [("footer", "B 版权")],
             [("footer", "A  版权\n所有"), ("ad", "y")], [("footer", "B 版权")], [("ad", "z"), ("ad", "y"), ("dup", "p")]]
    path = tmp_path / "documents" / "crawl_date=2026-01-01" / "part-r-00000.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(_documents(spans), path)
    monkeypatch.setattr(corpus_figures, "SCAN_ROWS", 2)  # the copies of a span in different batches
    rows = {r["rule"]: r for r in document_figures(tmp_path / "documents").removed}
    assert rows["footer"] == {"rule": "footer", "spans": 5, "characters": 4 + 8 + 4 + 8 + 4, "documents": 5,
                              "example": "B 版权"}
    assert (rows["ad"]["example"], rows["ad"]["spans"], rows["ad"]["documents"]) == ("y", 4, 3)
    assert rows["dup"]["example"] == "p"  # once each: the first in text order

"""transform.url_states: URL states folded a range of URLs at a time, as one fold of every URL."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cuishou.transform import url_states
from cuishou.transform.schema import DOCUMENT_SCHEMA, PAGE_SCHEMA
from cuishou.transform.url_states import update_url_states
from cuishou.transform.write import URL_TABLE, write_parquet_atomic

T0 = datetime(2026, 1, 1, tzinfo=UTC)
URLS = [f"http://{host}.test/p{i}" for host in ("a", "b") for i in range(40)]


def write_run(out: Path, run: str, day: int, rng: random.Random, texts: dict[str, int]) -> None:
    """A run's pages and new document rows: most pages unchanged, some edited, some 404, some unlinked."""
    at = T0 + timedelta(days=day)
    pages, documents = [], []
    for url in URLS:
        roll = rng.random() if texts[url] else 1.0
        if roll < 0.1:
            continue  # no longer linked
        if roll < 0.2:
            pages.append(page(url, "http_error", 404, None, at, run))
        elif roll < 0.4 or not texts[url]:
            texts[url] += 1
            documents.append({"doc_id": f"{url}#{texts[url]}", "url": url, "fetched_at": at})
            pages.append(page(url, "document", 200, f"{url}#{texts[url]}", at, run))
        else:
            pages.append(page(url, "unchanged", 304, f"{url}#{texts[url]}", at, run))
    pages += [page(f"http://{host}.test/", "not_article", 200, None, at, run) for host in ("a", "b")]
    write_parquet_atomic(pa.Table.from_pylist(pages, schema=PAGE_SCHEMA), out / "pages" / f"part-{run}-00000.parquet")
    table = pa.Table.from_pylist(documents, schema=pa.schema([DOCUMENT_SCHEMA.field(n) for n in ("doc_id", "url",
                                                                                               "fetched_at")]))
    write_parquet_atomic(table, out / "documents" / f"part-{run}-00000.parquet")


def page(url: str, outcome: str, status: int, doc_id: str | None, at: datetime, run: str) -> dict:
    return {"url": url, "host": url.split("/")[2], "outcome": outcome, "status": status, "attempts": 1,
            "fetched_at": at, "doc_id": doc_id, "run_id": run}


def fold_runs(out: Path) -> list:
    """Each run written and folded in turn (the last one's archive is older: the whole ledger is folded again)."""
    rng, texts, folded = random.Random(5), dict.fromkeys(URLS, 0), []
    for run, day in (("r1", 1), ("r2", 2), ("r3", 3), ("r4", 0)):
        write_run(out, run, day, rng, texts)
        versions, _ = update_url_states(out, run, gone_after=2)
        folded.append((pq.read_table(out / URL_TABLE), versions.columns, versions.changes))
    return folded


def test_a_fold_a_few_urls_at_a_time_writes_what_one_fold_of_every_url_writes(tmp_path, monkeypatch):
    whole = fold_runs(tmp_path / "whole")
    ranges = []
    fold_range = url_states._fold_range
    monkeypatch.setattr(url_states, "_fold_range", lambda *args: ranges.append(args[1]) or fold_range(*args))
    monkeypatch.setattr(url_states, "URL_RANGE", 8)
    monkeypatch.setattr(url_states, "_SAMPLE_EVERY", 2)
    assert fold_runs(tmp_path / "ranges") == whole
    assert max(ranges) >= 5
    urls, columns, changes = whole[2]
    assert changes["changed"] and changes["gone"] and columns.column("is_current").to_pylist()[0] is not None
    assert urls.column("url").to_pylist() == sorted(urls.column("url").to_pylist())
    assert not list((tmp_path / "ranges" / "state" / "urls").glob(".fold-*"))  # the spilled ranges are gone

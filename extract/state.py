"""Crawl state that outlives a run, in one embedded SQLite file (``DIR/state/crawl.sqlite``).

Two jobs:

* Re-crawls: per URL, the validators (ETag, Last-Modified) and the hash of the last body, so a
  scheduled run sends conditional requests and skips pages that did not change.
* Resumption: a journal of every finished visit of the run in progress. Each visit is journaled
  only after its WARC record is on disk, so after ``kill -9`` the same command resumes: journaled
  URLs are not fetched again, their links are re-read from the archive.

A run's state becomes the new baseline only in ``commit_run``, after its corpus is written.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from cuishou.extract.archive import WarcRef
from cuishou.extract.visits import Visit

_SCHEMA = """
create table if not exists runs (
    run_id text primary key, fingerprint text not null, started_at text not null, committed_at text
);
create table if not exists urls (
    url text primary key, etag text, last_modified text, body_sha256 text, outcome text, doc_id text,
    warc_file text, warc_offset integer, warc_record_id text, fetched_at text, run_id text
);
create table if not exists journal (
    run_id text not null, url text not null, visit text not null, primary key (run_id, url)
);
"""


@dataclass(frozen=True)
class Known:
    """What the last committed run learnt about a URL."""

    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    outcome: str | None
    doc_id: str | None
    warc: WarcRef | None

    def conditional_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


def visit_to_json(visit: Visit) -> str:
    data = asdict(visit)
    data["fetched_at"] = visit.fetched_at.isoformat() if visit.fetched_at else None
    return json.dumps(data, ensure_ascii=False)


def visit_from_json(text: str) -> Visit:
    data = json.loads(text)
    data["fetched_at"] = datetime.fromisoformat(data["fetched_at"]) if data["fetched_at"] else None
    data["warc"] = WarcRef(**data["warc"]) if data["warc"] else None
    return Visit(**data)


class CrawlState:
    """The state database of one corpus folder."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()  # the crawl journals from its writer thread and looks up from its loop
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=full")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def start_run(self, fingerprint: str) -> tuple[str, bool]:
        """The run to work on: the unfinished run of the same command if there is one (resume)."""
        row = self._db.execute(
            "select run_id from runs where committed_at is null and fingerprint = ? order by started_at desc limit 1",
            (fingerprint,),
        ).fetchone()
        if row:
            return row[0], True
        now = datetime.now(UTC)
        run_id = now.strftime("%Y%m%dT%H%M%S%fZ")
        self._db.execute("insert into runs values (?, ?, ?, null)", (run_id, fingerprint, now.isoformat()))
        return run_id, False

    def uncommitted_runs(self) -> list[str]:
        return [r[0] for r in self._db.execute("select run_id from runs where committed_at is null")]

    def abandon_run(self, run_id: str) -> None:
        with self._db:
            self._db.execute("delete from journal where run_id = ?", (run_id,))
            self._db.execute("delete from runs where run_id = ?", (run_id,))

    def journaled(self, run_id: str, url: str) -> Visit | None:
        """The visit of ``url`` the run journaled, if any."""
        with self._lock:
            row = self._db.execute("select visit from journal where run_id = ? and url = ?", (run_id, url)).fetchone()
        return visit_from_json(row[0]) if row else None

    def record(self, run_id: str, visit: Visit) -> None:
        with self._lock:
            self._db.execute(
                "insert or replace into journal values (?, ?, ?)", (run_id, visit.url, visit_to_json(visit))
            )

    def known(self, url: str) -> Known | None:
        with self._lock:
            row = self._db.execute(
                "select etag, last_modified, body_sha256, outcome, doc_id, warc_file, warc_offset, warc_record_id "
                "from urls where url = ?",
                (url,),
            ).fetchone()
        if row is None:
            return None
        warc = WarcRef(row[5], row[6], row[7]) if row[5] else None
        return Known(row[0], row[1], row[2], row[3], row[4], warc)

    def commit_run(self, run_id: str, visits: Iterable[Visit]) -> None:
        """Make a finished run the baseline for the next one, in one transaction."""
        with self._db:
            for visit in visits:
                if visit.warc is None or visit.outcome == "unchanged" or not visit.body_sha256:
                    continue
                self._db.execute(
                    "insert or replace into urls values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (visit.url, visit.etag, visit.last_modified, visit.body_sha256, visit.outcome, visit.doc_id,
                     visit.warc.file,
                     visit.warc.offset, visit.warc.record_id,
                     visit.fetched_at.isoformat() if visit.fetched_at else None, run_id),
                )
            self._db.execute("delete from journal where run_id = ?", (run_id,))
            self._db.execute(
                "update runs set committed_at = ? where run_id = ?", (datetime.now(UTC).isoformat(), run_id)
            )


class RunJournal:
    """The crawler's view of the state during one run: what it did before a crash, what it knew.

    Journaled visits are looked up one URL at a time, never loaded whole: a resumed run of a
    large crawl does not hold its journal in memory.
    """

    def __init__(self, state: CrawlState, run_id: str):
        self._state = state
        self.run_id = run_id

    def resumed(self, url: str) -> Visit | None:
        """The visit this run already finished for the URL before it was interrupted."""
        return self._state.journaled(self.run_id, url)

    def previous(self, url: str) -> Known | None:
        """What the last committed run knew about the URL (for a conditional request)."""
        return self._state.known(url)

    def record(self, visit: Visit) -> None:
        self._state.record(self.run_id, visit)

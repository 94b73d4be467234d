"""Page versions across runs: which URLs are live, which row is each one's current text, which are gone.

A corpus built by scheduled runs must answer "what is on these sites now". Each run's ledger
(its rows of ``pages/``) is folded into one ``UrlState`` per URL ever documented; the state
decides ``is_current`` and ``superseded_by`` of every document row. Pure functions over plain
data (``PageRow``: what a pages row says); reading and writing are in ``transform.url_states``.

The rules, and why:

* A URL is *live* when a response served its article (outcome ``document``, or ``unchanged``
  with a document): that response's doc_id is its current version.
* Gone is decided conservatively, because a page wrongly called gone vanishes from the current
  corpus: a 404 or 410 answer, or ``gone_after`` runs in a row that crawled the URL's host
  cleanly and never met the URL (no link, not in a sitemap). A host's crawl is clean when it
  answered at least once and nothing of it failed (no 5xx/429, timeout, connection error, page
  given up or skipped, cut-off archive): a URL that a failing index page no longer links, or a
  crawl cut short by ``--max-pages``, proves nothing. A 5xx or a timeout on the URL itself is
  not gone either, nor are pages that robots.txt now disallows.
* A gone URL that serves its article again is *back*.
* Time is the responses' time (WARC-Date for archives), so archives read in any order give the
  same versions: evidence older than what the state already holds does not override it, and a
  run whose responses are older than the state's latest is folded again with the whole ledger
  in time order (``needs_refold``).
* Versions of a URL are ordered by when each text was first fetched; a version is superseded by
  the next one, and the last by the current one (a page edited back to an earlier text makes
  that earlier row current again: doc_id is a hash of URL and text).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import NamedTuple

from cuishou.extract.urls import host_of

LIVE_OUTCOMES = ("document", "unchanged")
REMOVED_STATUSES = (404, 410)
FAILED_OUTCOMES = ("fetch_error", "skipped", "archive_error")
CHANGES = ("new", "changed", "gone", "back")
GONE_AFTER = 2  # runs without the URL before it is gone
_EPOCH = datetime.min.replace(tzinfo=UTC)


class PageRow(NamedTuple):
    """What a row of pages/ says about its URL, as the fold reads it (a tuple: a run has millions)."""

    url: str
    host: str
    outcome: str
    status: int | None
    doc_id: str | None
    fetched_at: datetime | None

    @property
    def failed(self) -> bool:
        """A failure of the crawl, not an answer about the page: 5xx, 429, no response, not requested."""
        status = self.status
        return self.outcome in FAILED_OUTCOMES or status is not None and (status >= 500 or status == 429)

    @property
    def live_doc_id(self) -> str | None:
        """The document this row shows live at its URL, if any."""
        return self.doc_id if self.outcome in LIVE_OUTCOMES and self.doc_id else None


@dataclass(frozen=True, slots=True)
class UrlState:
    """What the runs so far say about one documented URL (the fields of ``urls/``)."""

    url: str
    host: str
    current_doc_id: str
    first_seen: datetime
    last_seen: datetime
    last_fetched: datetime
    last_status: int | None
    gone_since: datetime | None
    versions: int
    unlinked_runs: int
    unlinked_since: datetime | None
    last_change: str
    last_change_run: str

    @property
    def live(self) -> bool:
        return self.gone_since is None

    def met(self, row: PageRow, run_id: str) -> UrlState:
        """The state after a run met the URL (any outcome): it is linked, and its response is evidence."""
        at = row.fetched_at
        if at is None:  # never requested (robots.txt, a crawl limit): no evidence of its content
            return replace(self, unlinked_runs=0, unlinked_since=None) if self.unlinked_runs else self
        newest = at >= self.last_fetched
        current, first_seen, last_seen = self.current_doc_id, self.first_seen, self.last_seen
        gone_since, change = self.gone_since, None
        doc_id = row.live_doc_id
        if doc_id is not None and at >= last_seen:
            change = "back" if not self.live else "changed" if doc_id != current else None
            current, last_seen, gone_since = doc_id, at, None
        elif doc_id is not None:  # an older response than the last one seen (an older archive)
            first_seen = min(first_seen, at)
        elif self.live and row.status in REMOVED_STATUSES and at > last_seen:
            gone_since, change = at, "gone"
        # one constructor call: this runs once per URL per run
        return UrlState(
            url=self.url, host=self.host, current_doc_id=current, first_seen=first_seen, last_seen=last_seen,
            last_fetched=at if newest else self.last_fetched, last_status=row.status if newest else self.last_status,
            gone_since=gone_since, versions=self.versions, unlinked_runs=0, unlinked_since=None,
            last_change=change or self.last_change, last_change_run=run_id if change else self.last_change_run,
        )

    def unmet(self, host_time: datetime, run_id: str, gone_after: int) -> UrlState:
        """The state after a run that crawled the host cleanly (its latest response at ``host_time``)
        without meeting the URL."""
        if not self.live or host_time <= self.last_seen:
            return self
        state = replace(self, unlinked_runs=self.unlinked_runs + 1, unlinked_since=self.unlinked_since or host_time)
        if state.unlinked_runs >= gone_after:
            return replace(state, gone_since=state.unlinked_since).changed("gone", run_id)
        return state

    def changed(self, change: str | None, run_id: str) -> UrlState:
        return replace(self, last_change=change, last_change_run=run_id) if change else self


def first_state(row: PageRow, run_id: str) -> UrlState:
    """The state of a URL documented for the first time by ``row``."""
    at = row.fetched_at
    return UrlState(url=row.url, host=row.host or host_of(row.url), current_doc_id=row.doc_id,
                    first_seen=at, last_seen=at, last_fetched=at, last_status=row.status, gone_since=None,
                    versions=1, unlinked_runs=0, unlinked_since=None, last_change="new", last_change_run=run_id)


class RunEvidence(NamedTuple):
    """What a whole run says beyond each URL's own rows. A fold in parts (some URLs at a time) needs
    it from all of the run's rows."""

    time: datetime | None  # when its evidence is from: its latest response (for an archive, the latest WARC-Date)
    hosts: dict[str, datetime]  # the hosts it crawled cleanly (see the module docstring), with their latest response


class RunEvidenceBuilder:
    """A run's evidence, row by row (the rows may be streamed, several runs' at once)."""

    def __init__(self) -> None:
        self.time: datetime | None = None
        self.latest: dict[str, datetime] = {}
        self.failed: set[str] = set()
        self.cut = False

    def add(self, row: PageRow) -> None:
        at = row.fetched_at
        if at is not None and (self.time is None or at > self.time):
            self.time = at
        self.cut = self.cut or row.outcome == "archive_error"
        if row.failed:
            self.failed.add(row.host)
        elif at is not None and row.status is not None and 200 <= row.status < 400:
            self.latest[row.host] = max(self.latest.get(row.host, at), at)

    def evidence(self) -> RunEvidence:
        if self.cut:  # a cut archive lost records of every host after the cut
            return RunEvidence(self.time, {})
        return RunEvidence(self.time, {host: at for host, at in self.latest.items() if host not in self.failed})


def run_evidence(pages: Iterable[PageRow]) -> RunEvidence:
    builder = RunEvidenceBuilder()
    for row in pages:
        builder.add(row)
    return builder.evidence()


def clean_hosts(pages: Iterable[PageRow]) -> dict[str, datetime]:
    """Hosts a run crawled cleanly, with their latest response's time (``RunEvidence.hosts``)."""
    return run_evidence(pages).hosts


def _latest_rows(pages: Iterable[PageRow]) -> dict[str, PageRow]:
    """One row per URL: an input's older responses for a URL (outcome superseded) are not its state."""
    return {row.url: row for row in pages if row.outcome != "superseded"}


def fold_run(
    states: Mapping[str, UrlState], pages: list[PageRow], run_id: str, gone_after: int = GONE_AFTER,
    hosts: Mapping[str, datetime] | None = None,
) -> dict[str, UrlState]:
    """The URL states after one run, from the states before it and the run's pages rows; ``hosts``:
    the run's clean hosts when ``pages`` are only some of its URLs (default: ``clean_hosts(pages)``)."""
    rows = _latest_rows(pages)
    folded = dict(states)
    for url, row in rows.items():
        if url in states:
            folded[url] = states[url].met(row, run_id)
        elif row.live_doc_id is not None:
            folded[url] = first_state(row, run_id)
    hosts = clean_hosts(pages) if hosts is None else hosts
    for url, state in states.items():
        if url not in rows and state.host in hosts:
            folded[url] = state.unmet(hosts[state.host], run_id, gone_after)
    return folded


def fold_runs(runs: Mapping[str, list[PageRow]], gone_after: int = GONE_AFTER,
              evidence: Mapping[str, RunEvidence] | None = None) -> dict[str, UrlState]:
    """The URL states from a whole ledger (run_id → its pages rows), runs taken in time order;
    ``evidence``: every run's, when ``runs`` hold only some URLs of each (a run may then have none)."""
    if evidence is None:
        evidence = {run_id: run_evidence(pages) for run_id, pages in runs.items()}
    states: dict[str, UrlState] = {}
    for run_id in sorted(evidence, key=lambda run: (evidence[run].time or _EPOCH, run)):
        states = fold_run(states, runs.get(run_id, []), run_id, gone_after, evidence[run_id].hosts)
    return states


def needs_refold(latest: datetime | None, at: datetime | None) -> bool:
    """Whether a run whose evidence is from ``at`` (``RunEvidence.time``) is older than the states' latest
    response (archives read out of order): then only a fold of the whole ledger in time order gives
    the states reading them in order gives."""
    return at is not None and latest is not None and at < latest


class DocVersion(NamedTuple):
    """What ordering the versions of a URL needs of each document row."""

    doc_id: str
    url: str
    fetched_at: datetime


@dataclass(frozen=True)
class Versions:
    """The outcome of a fold, ready to write: ``urls/`` rows and the version columns of every document."""

    urls: list[UrlState]  # sorted by URL
    columns: dict[str, dict]  # doc_id → {"is_current": …, "superseded_by": …}

    def changes(self, run_id: str) -> dict[str, int]:
        """How many URLs this run made new, changed, gone and back."""
        counts = Counter(state.last_change for state in self.urls if state.last_change_run == run_id)
        return {change: counts[change] for change in CHANGES}


def settle(states: Mapping[str, UrlState], docs: Iterable[DocVersion]) -> Versions:
    """``first_seen`` and ``versions`` of every URL from its document rows, and each row's version columns.

    A URL with rows but no state (a ledger that lost its pages) gets one from its latest row.
    """
    by_url: dict[str, list[DocVersion]] = defaultdict(list)
    for doc in docs:
        by_url[doc.url].append(doc)
    urls, columns = [], {}
    for url in sorted(by_url.keys() | states.keys()):
        versions = sorted(by_url.get(url, []), key=lambda d: (d.fetched_at, d.doc_id))
        state = states.get(url) or _state_of_rows(versions)
        if versions:
            first = min(state.first_seen, versions[0].fetched_at)
            if (state.versions, state.first_seen) != (len(versions), first):  # replace() only where needed: it is slow
                state = replace(state, first_seen=first, versions=len(versions))
        urls.append(state)
        columns.update(version_columns(state, [d.doc_id for d in versions]))
    return Versions(urls, columns)


def version_columns(state: UrlState, ordered: list[str]) -> dict[str, dict]:
    """``is_current`` and ``superseded_by`` of a URL's rows, ``ordered`` by first fetch."""
    columns = {}
    for position, doc_id in enumerate(ordered):
        if doc_id == state.current_doc_id:
            successor = None
        elif position + 1 < len(ordered):
            successor = ordered[position + 1]
        else:  # the last text fetched, replaced by an earlier one again
            successor = state.current_doc_id
        columns[doc_id] = {"is_current": doc_id == state.current_doc_id and state.live, "superseded_by": successor}
    return columns


def _state_of_rows(versions: list[DocVersion]) -> UrlState:
    latest = versions[-1]
    return first_state(PageRow(latest.url, "", "document", None, latest.doc_id, latest.fetched_at), "")

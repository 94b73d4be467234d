"""The crawl: from seed URLs, within the seeds' hosts, obeying robots.txt, archiving to WARC.

Links come from every fetched HTML page (index pages and pagination included) and from the
sitemaps that robots.txt announces. Every URL met ends as exactly one Visit.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from cuishou.extract.archive import WarcArchive, WarcRef, read_response
from cuishou.extract.fetch import FetchConfig, Fetched, Fetcher
from cuishou.extract.links import Links, links_of_body, sitemap_urls
from cuishou.extract.robots import RobotsRules, robots_from_response
from cuishou.extract.ssrf import refusal_reason
from cuishou.extract.state import Known, RunJournal
from cuishou.extract.urls import BadURL, host_of, origin_of, parse_url
from cuishou.extract.visits import Visit, classify_response

T = TypeVar("T")
STOP_POLL = 0.1  # seconds between looks at the stop, and between cancellations of tasks still running


@dataclass(frozen=True)
class CrawlConfig:
    fetch: FetchConfig = field(default_factory=FetchConfig)
    max_pages: int = 100_000  # requests per run, robots.txt and sitemaps included
    max_redirects: int = 5  # hops in one redirect chain
    follow_sitemaps: bool = True


@dataclass(frozen=True)
class _Request:
    url: str
    referrer: str | None = None
    redirects: int = 0
    is_sitemap: bool = False
    from_seed: bool = False  # a seed, or a redirect chain that started at one


class _HostTurns:
    """The crawl's queue: requests per host, handed out so no host has more than ``limit`` in progress.

    With one FIFO, a host's links arrive together, every worker picks up that host's URLs and waits
    for its politeness slot, and the other hosts' URLs sit idle behind them (head-of-line blocking).
    Here a worker only gets a request of a host below its limit, hosts taking turns.
    """

    def __init__(self, limit: int):
        self._limit = limit
        self._pending: dict[str, deque[_Request]] = {}
        self._busy: Counter[str] = Counter()  # requests of the host being visited
        self._turns_out: Counter[str] = Counter()  # turns of the host waiting in _turns
        self._turns: asyncio.Queue[str] = asyncio.Queue()
        self._unfinished = 0
        self._finished = asyncio.Event()

    def put(self, request: _Request) -> None:
        host = host_of(request.url)
        self._pending.setdefault(host, deque()).append(request)
        self._unfinished += 1
        self._finished.clear()
        self._hand_out_turns(host)

    async def get(self) -> _Request:
        host = await self._turns.get()
        self._turns_out[host] -= 1
        self._busy[host] += 1
        return self._pending[host].popleft()

    def done(self, request: _Request) -> None:
        host = host_of(request.url)
        self._busy[host] -= 1
        self._unfinished -= 1
        self._hand_out_turns(host)
        if self._unfinished == 0:
            self._finished.set()

    async def join(self) -> None:
        if self._unfinished:
            await self._finished.wait()

    def _hand_out_turns(self, host: str) -> None:
        pending, busy, out = len(self._pending[host]), self._busy[host], self._turns_out[host]
        for _ in range(min(pending - out, self._limit - busy - out)):
            self._turns_out[host] += 1
            self._turns.put_nowait(host)


async def _cancel(tasks: list[asyncio.Task]) -> None:
    """Cancel the tasks and wait until all have ended, cancelling those still running again every
    STOP_POLL: a library can swallow a cancellation (anyio#1214: a request cancelled while anyio
    connects returns as if nothing happened), and its worker, back at the queue, would wait there
    for ever, and the stop with it."""
    pending = set(tasks)
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=STOP_POLL)
    await asyncio.gather(*tasks, return_exceptions=True)  # their exceptions are retrieved, not raised


def read_seeds(lines: Iterable[str]) -> list[str]:
    """Seed URLs from text lines: blank lines and '#' comments are ignored; bad URLs raise."""
    seeds = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            url = parse_url(line)
        except BadURL as exc:
            raise ValueError(f"seed line {number} is not a valid URL ({exc}): {line!r}") from None
        if url is None:
            raise ValueError(f"seed line {number} is not an http(s) URL: {line!r}")
        seeds.append(url)
    if not seeds:
        raise ValueError("no seed URLs given")
    return seeds


class Crawler:
    """One crawl run. ``run()`` returns the ledger of visits; responses go to the archive.

    Every visit also goes to ``on_visit`` as it is settled; with ``keep_ledger=False`` it goes
    only there (a run that streams its ledger to disk does not hold it in memory), and ``run()``
    returns an empty list.

    Setting ``stop`` (anything with ``is_set()``) ends the run early: no new request starts,
    requests in flight are dropped (they were not journaled, so a resumed run fetches them), and
    the ledger so far is returned.
    """

    def __init__(
        self,
        seeds: list[str],
        config: CrawlConfig,
        archive: WarcArchive,
        on_visit: Callable[[Visit], None] | None = None,
        journal: RunJournal | None = None,
        stop: threading.Event | None = None,
        keep_ledger: bool = True,
    ):
        self.seeds = seeds
        self.keep_ledger = keep_ledger
        self.visited = 0
        self.stop = stop or threading.Event()
        self.journal = journal
        self.config = config
        self.archive = archive
        self.seed_hosts = frozenset(host_of(url) for url in seeds)
        self.scope = set(self.seed_hosts)  # grows by the hosts that seeds redirect to (http→https, www.)
        self.visits: list[Visit] = []
        self._on_visit = on_visit or (lambda visit: None)
        self._seen: set[str] = set()
        # per host: C requests fetching, and C more being archived and parsed or queued for a slot,
        # so that a freed slot is taken again at once
        self._queue = _HostTurns(2 * config.fetch.per_host_concurrency)
        # one thread writes WARC records and journal rows in order, off the event loop: each fsyncs
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cuishou-writer")
        # page-controlled bytes (links, sitemaps, robots.txt) are parsed here, never on the event loop
        self._parser = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cuishou-parse")
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._refusals: dict[str, str | None] = {}
        self._requests = 0
        self._fetcher: Fetcher | None = None

    async def run(self) -> list[Visit]:
        self._fetcher = Fetcher(self.config.fetch)
        try:
            for url in self.seeds:
                self._enqueue(_Request(url, from_seed=True))
            workers_count = max(2, min(64, 2 * self.config.fetch.per_host_concurrency * len(self.scope) + 1))
            workers = [asyncio.create_task(self._worker()) for _ in range(workers_count)]
            waits = [asyncio.create_task(self._queue.join()), asyncio.create_task(self._stopped())]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            await _cancel(workers + waits)
        finally:
            try:  # connections of cancelled requests must not hold up a stop
                await asyncio.wait_for(self._fetcher.aclose(), 5)
            except TimeoutError:
                pass
            self._parser.shutdown(cancel_futures=True)
            self._writer.shutdown()  # waits for the last journal rows
        return self.visits

    async def _stopped(self) -> None:
        while not self.stop.is_set():  # a threading.Event: set from a signal handler or another thread
            await asyncio.sleep(STOP_POLL)

    def _record(self, visit: Visit) -> None:
        self.visited += 1
        if self.keep_ledger:
            self.visits.append(visit)
        if self.journal is not None:
            self._writer.submit(self.journal.record, visit)  # after the visit's WARC record
        self._on_visit(visit)

    def _enqueue(self, request: _Request) -> None:
        if request.url in self._seen:
            return
        self._seen.add(request.url)
        if host_of(request.url) not in self.scope and not request.from_seed:
            self._record(Visit(request.url, "off_site", "host not among the seeds' hosts", referrer=request.referrer))
            return
        self._queue.put(request)

    async def _worker(self) -> None:
        while True:
            request = await self._queue.get()
            try:
                await self._visit(request)
            except Exception as exc:  # a bug must cost one URL (recorded), never the crawl
                self._record(Visit(request.url, "fetch_error", f"internal error: {type(exc).__name__}: {exc}",
                                   referrer=request.referrer))
            finally:
                self._queue.done(request)

    async def _visit(self, request: _Request) -> None:
        host = host_of(request.url)
        if reason := await self._refused(host):
            self._record(Visit(request.url, "refused", reason, referrer=request.referrer))
            return
        self.scope.add(host)
        # before a journaled page is replayed too: robots.txt (replayed from the journal) records its
        # visit and queues its sitemaps, which a run resumed after its crawl had finished would lose
        robots_url, rules = await self._rules_for(request.url)
        if request.url == robots_url:  # a link to robots.txt: _rules_for has fetched and recorded it
            return
        if self.journal is not None and (done := self.journal.resumed(request.url)):
            earlier = self.journal.previous(request.url) if done.outcome == "unchanged" else None
            await self._discover(request, done, done.warc, earlier.outcome if earlier else None)
            self._record(done)
            return
        if not rules.allows(request.url, self.config.fetch.user_agent):
            self._record(Visit(request.url, "robots_disallowed", rules.disallow_reason(), referrer=request.referrer))
            return
        known = self.journal.previous(request.url) if self.journal is not None else None
        fetched = await self._fetch(request.url, host, headers=known.conditional_headers() if known else None)
        if fetched is None or fetched.error == "host_given_up":
            self._record(Visit(request.url, "skipped", self._not_requested(fetched), referrer=request.referrer))
            return
        self._record(await self._settle(request, fetched, known))

    async def _fetch(
        self, url: str, host: str, always_read: bool = False, headers: dict[str, str] | None = None
    ) -> Fetched | None:
        """The response (or fetch error); None when the run's request budget is spent."""
        assert self._fetcher is not None
        if (why := self._fetcher.given_up(host)) is not None:
            return Fetched(url, error="host_given_up", error_detail=why)
        if self._requests >= self.config.max_pages:
            return None
        self._requests += 1
        fetched = await self._fetcher.fetch(url, host, always_read, headers)
        self._requests -= fetched.attempts == 0  # given up while it waited: nothing was requested
        return fetched

    def _not_requested(self, fetched: Fetched | None) -> str:
        if fetched is None:
            return f"max_pages={self.config.max_pages} reached"
        return f"host given up for this run: {fetched.error_detail}"

    async def _archive(self, fetched: Fetched) -> WarcRef:
        """Archive a response in the writer thread: its fsync would stall every host's requests."""
        return await asyncio.get_running_loop().run_in_executor(self._writer, self.archive.write, fetched)

    async def _settle(self, request: _Request, fetched: Fetched, known: Known | None) -> Visit:
        """Archive a response, queue what it links to, and say how the URL ended."""
        base = dict(referrer=request.referrer, attempts=fetched.attempts, fetched_at=fetched.fetched_at,
                    status=fetched.status, content_type=fetched.content_type)
        if fetched.error or fetched.status is None:
            return Visit(request.url, "fetch_error", f"{fetched.error}: {fetched.error_detail}", **base)
        if fetched.body_skipped:
            return Visit(request.url, "non_html", (fetched.content_type or "").split(";")[0], **base)
        body_sha256 = hashlib.sha256(fetched.body).hexdigest()
        if known is not None and known.warc is not None and (
            fetched.status == 304 or (fetched.status == 200 and body_sha256 == known.body_sha256)
        ):
            visit = Visit(request.url, "unchanged", f"HTTP {fetched.status}; last run: {known.outcome}",
                          warc=known.warc, doc_id=known.doc_id, **base)
            # a 200 brings the same body as the one archived: read the archive only after a 304
            await self._discover(request, visit, fetched.body if fetched.status == 200 else known.warc, known.outcome)
            return visit
        ref = await self._archive(fetched)
        outcome, reason = classify_response(request.url, fetched.status, fetched.content_type)
        target = None
        if outcome == "redirect":
            try:
                target = self._location(fetched, request.url)
            except BadURL as exc:
                return Visit(request.url, "fetch_error", f"redirect to an invalid URL: {exc}", warc=ref, **base)
            if target is None:
                return Visit(request.url, "fetch_error", "redirect without a usable Location", warc=ref, **base)
            if request.redirects >= self.config.max_redirects:
                return Visit(request.url, "fetch_error", self._chain_too_long, redirect_to=target, warc=ref, **base)
            reason = f"{reason} → {target}"
        elif request.is_sitemap and outcome in ("fetched", "non_html"):
            outcome, reason = "sitemap", None
        visit = Visit(request.url, outcome, reason, warc=ref, etag=fetched.header("etag"),
                      last_modified=fetched.header("last-modified"), body_sha256=body_sha256,
                      redirect_to=target, **base)
        await self._discover(request, visit, fetched.body)
        return visit

    async def _discover(
        self, request: _Request, visit: Visit, body: bytes | WarcRef | None, outcome: str | None = None
    ) -> None:
        """Queue what a settled URL leads to: a redirect target, sitemap entries or page links.

        ``body`` is the response body, or where it was archived (None: nowhere), read back only
        when the outcome has links to look for.
        """
        outcome = outcome or visit.outcome
        if outcome == "redirect" and visit.redirect_to:
            self._enqueue(_Request(visit.redirect_to, referrer=request.url, redirects=request.redirects + 1,
                                   is_sitemap=request.is_sitemap, from_seed=request.from_seed))
            return
        if outcome not in ("sitemap", "fetched", "document", "not_article"):
            return
        if not isinstance(body, bytes):  # off the event loop: a record can be megabytes to decompress
            body = await self._off_loop(self._archived_body, body)
        if outcome == "sitemap":
            links, is_index = await self._off_loop(sitemap_urls, body, request.url)
        elif body:
            links, is_index = await self._off_loop(links_of_body, body, visit.content_type, request.url), False
        else:
            return
        for url in links.urls:
            self._enqueue(_Request(url, referrer=request.url, is_sitemap=is_index))
        self._refuse_links(links, request.url)

    def _refuse_links(self, links: Links, referrer: str) -> None:
        """Record the links that cannot be URLs of the crawl (an invalid host, a bad port), with why."""
        for written, reason in links.refused.items():
            if written not in self._seen:
                self._seen.add(written)
                self._record(Visit(written, "refused", reason, referrer=referrer))

    async def _off_loop(self, function: Callable[..., T], *args) -> T:
        """Run a parse in the parser threads, so every other host's requests keep going meanwhile."""
        return await asyncio.get_running_loop().run_in_executor(self._parser, function, *args)

    @staticmethod
    def _archived_body(ref: WarcRef | None) -> bytes:
        return read_response(ref).body if ref is not None else b""

    @staticmethod
    def _location(fetched: Fetched, base: str) -> str | None:
        """Where a redirect points (None: nowhere to follow); raises BadURL for an invalid target."""
        location = fetched.header("location")
        return parse_url(location, base) if location and location.strip() else None

    async def _rules_for(self, url: str) -> tuple[str, RobotsRules]:
        """Fetch, archive and parse an origin's robots.txt once, before its first page.

        Returns the robots.txt URL and its rules. Rules are per origin (scheme, host, port), and
        a redirected robots.txt is followed for up to ``max_redirects`` hops (RFC 9309).
        """
        origin = origin_of(url)
        robots_url = f"{origin}/robots.txt"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin in self._robots:
                return robots_url, self._robots[origin]
            rules = await self._fetch_robots(robots_url)
            self._robots[origin] = rules
        delay = rules.crawl_delay(self.config.fetch.user_agent)
        if delay is not None:
            assert self._fetcher is not None
            self._fetcher.throttle.set_delay(host_of(url), delay)
        if self.config.follow_sitemaps:
            sitemaps = Links()
            for sitemap in rules.sitemaps:
                sitemaps.add(sitemap, robots_url)
            for loc in sitemaps.urls:
                self._enqueue(_Request(loc, referrer=robots_url, is_sitemap=True))
            self._refuse_links(sitemaps, robots_url)
        return robots_url, rules

    async def _fetch_robots(self, robots_url: str) -> RobotsRules:
        """Follow robots.txt hop by hop, each hop one Visit, and return the rules where the chain ends.

        A hop journaled before an interruption is replayed instead of fetched, every hop and not just
        the first, so a resumed run reads the same rules as an uninterrupted one.
        """
        url, hops = robots_url, 0
        while True:
            self._seen.add(url)
            done = self.journal.resumed(url) if self.journal is not None else None
            if done is not None and done.outcome != "skipped":  # a skipped hop has no rules to replay
                visit, rules = done, await self._off_loop(self._replayed_rules, done)
            else:
                visit, rules = await self._robots_hop(url, hops)
            self._record(visit)
            if rules is not None:
                return rules
            url, hops = visit.redirect_to, hops + 1

    async def _robots_hop(self, url: str, hops: int) -> tuple[Visit, RobotsRules | None]:
        """Fetch one robots.txt hop: its Visit, and the rules it ends with (None if the chain goes on)."""
        fetched = await self._fetch(url, host_of(url), always_read=True)
        if fetched is None:  # no request is left this run: its pages end skipped, not disallowed
            return Visit(url, "skipped", self._not_requested(fetched)), RobotsRules("missing")
        error = f"{fetched.error}: {fetched.error_detail}"
        if fetched.error == "host_given_up":
            return Visit(url, "skipped", self._not_requested(fetched)), robots_from_response(None, b"", error)
        base = dict(attempts=fetched.attempts, fetched_at=fetched.fetched_at, status=fetched.status,
                    content_type=fetched.content_type)
        if fetched.error or fetched.status is None:
            return Visit(url, "fetch_error", error, **base), robots_from_response(None, b"", error)
        ref = await self._archive(fetched)
        try:
            target = self._location(fetched, url) if 300 <= fetched.status < 400 else None
        except BadURL:
            target = None  # an unusable redirect: robots.txt is then missing
        if target is None or target in self._seen or await self._refused(host_of(target)):
            rules = await self._off_loop(robots_from_response, fetched.status, fetched.body)
            return Visit(url, "robots_txt", f"HTTP {fetched.status}: {rules.status}", warc=ref, **base), rules
        if hops >= self.config.max_redirects:  # RFC 9309: robots.txt then counts as unavailable
            visit = Visit(url, "fetch_error", self._chain_too_long, redirect_to=target, warc=ref, **base)
            return visit, RobotsRules("missing")
        return Visit(url, "redirect", f"HTTP {fetched.status} → {target}", redirect_to=target, warc=ref, **base), None

    def _replayed_rules(self, visit: Visit) -> RobotsRules | None:
        """The rules a journaled robots.txt hop gave when _robots_hop fetched it."""
        if visit.outcome == "redirect":
            return None
        if visit.outcome == "robots_txt":
            return robots_from_response(visit.status, self._archived_body(visit.warc))
        if visit.redirect_to is None:  # a failed request
            return robots_from_response(None, b"", visit.reason)
        return RobotsRules("missing")  # a chain too long

    @property
    def _chain_too_long(self) -> str:
        return f"redirect chain longer than {self.config.max_redirects}"

    async def _refused(self, host: str) -> str | None:
        """Why a host is off limits (SSRF guard); seeds' hosts never are."""
        if host in self.seed_hosts:
            return None
        if host not in self._refusals:
            self._refusals[host] = await refusal_reason(host)
        return self._refusals[host]

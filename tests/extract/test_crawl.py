import asyncio
from collections import Counter

import pytest
from conftest import serve_dev_site

from cuishou.extract.archive import WarcArchive, iter_responses
from cuishou.extract.crawl import CrawlConfig, Crawler, read_seeds
from cuishou.extract.fetch import FetchConfig, Fetcher


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of the dev site shared by the read-only checks below: (site, visits, warc files)."""
    with serve_dev_site() as site:
        config = CrawlConfig(FetchConfig(proxy=site.proxy, delay=0.0, backoff=0.05))
        with WarcArchive(tmp_path_factory.mktemp("warc"), "test") as archive:
            visits = asyncio.run(Crawler(site.seeds, config, archive).run())
        yield site, visits, archive.files


def test_crawl_reaches_every_article_and_accounts_for_every_url(crawled, gold):
    _, visits, _ = crawled
    by_url = {v.url: v for v in visits}
    assert len(by_url) == len(visits), "a URL was recorded twice"
    for page in gold:
        assert page["url"] in by_url, f"{page['kind']} {page['url']} was never accounted for"
        visit = by_url[page["url"]]
        expected = {"article": "fetched", "index": "fetched", "disallowed": "robots_disallowed",
                    "not_found": "http_error", "redirect": "redirect", "binary": "non_html"}[page["kind"]]
        assert visit.outcome == expected, page["url"]
    articles = [g["url"] for g in gold if g["kind"] == "article"]
    assert sum(by_url[u].outcome == "fetched" for u in articles) == 34


def test_robots_disallowed_pages_are_never_requested(crawled, gold):
    dev_site, _, _ = crawled
    requested = {f"http://{host}{path}" for host, path in dev_site.requests}
    for page in gold:
        if page["kind"] == "disallowed":
            assert page["url"] not in requested


def test_flaky_page_is_retried_and_sitemap_only_page_found(crawled, gold):
    _, visits, _ = crawled
    by_url = {v.url: v for v in visits}
    flaky = next(g for g in gold if g.get("fail_first"))
    assert by_url[flaky["url"]].attempts == flaky["fail_first"] + 1
    for page in gold:
        if page.get("sitemap_only"):
            assert by_url[page["url"]].outcome == "fetched"
            assert by_url[page["url"]].referrer.endswith("sitemap.xml")


def test_every_response_is_archived_once(crawled):
    _, visits, files = crawled
    archived = Counter(r.url for r in iter_responses(files))
    assert max(archived.values()) == 1
    fetched = {v.url for v in visits if v.warc is not None}
    assert set(archived) == fetched


def test_the_archive_reads_back_as_the_crawl_ended(crawled):
    """``build --warc`` of a crawl's own WARCs records each URL as the crawl did (sitemaps included)."""
    from cuishou.extract.visits import visits_from_warcs

    _, visits, files = crawled
    crawl = {v.url: (v.outcome, v.reason) for v in visits if v.warc is not None}
    assert {v.url: (v.outcome, v.reason) for v in visits_from_warcs(files)} == crawl
    assert Counter(outcome for outcome, _ in crawl.values())["sitemap"] == 2


def test_off_site_links_are_recorded_not_requested(crawled):
    dev_site, visits, _ = crawled
    off_site = {v.url for v in visits if v.outcome == "off_site"}
    assert "https://beian.example.org/" in off_site
    assert not any(host.endswith("example.org") for host, _ in dev_site.requests)


def test_max_pages_stops_requests_and_records_the_rest(dev_site, tmp_path):
    config = CrawlConfig(FetchConfig(proxy=dev_site.proxy, delay=0.0), max_pages=5)
    with WarcArchive(tmp_path, "t") as archive:
        visits = asyncio.run(Crawler(dev_site.seeds, config, archive).run())
    assert len(dev_site.requests) == 5
    assert any(v.outcome == "skipped" for v in visits)


def test_stop_ends_the_crawl_at_once_and_keeps_the_ledger_so_far(dev_site, tmp_path):
    """A stop (Ctrl-C) starts no new request; requests waiting for their politeness slot are dropped."""
    import threading
    import time

    stop, stopped_at = threading.Event(), []
    config = CrawlConfig(FetchConfig(proxy=dev_site.proxy, delay=2.0))

    def on_visit(visit):
        if visit.outcome == "fetched" and not stop.is_set():
            stop.set()
            stopped_at.append(time.monotonic())

    with WarcArchive(tmp_path, "t") as archive:
        visits = asyncio.run(asyncio.wait_for(Crawler(dev_site.seeds, config, archive, on_visit, stop=stop).run(), 30))
    assert time.monotonic() - stopped_at[0] < 1.0  # the next request to any host would wait 2 s
    assert any(v.outcome == "fetched" for v in visits) and len(dev_site.requests) < 15


def test_a_request_that_swallows_its_cancellation_does_not_hold_up_the_stop(dev_site, tmp_path, monkeypatch):
    """anyio can swallow a task's cancellation inside a request (anyio#1214): the request returns as if
    nothing had happened and its worker goes back to the queue. The stop must still end the crawl."""
    import threading
    import time

    stop, swallowed, fetch = threading.Event(), [], Fetcher.fetch

    async def swallowing_fetch(self, url, host, *args, **kwargs):
        if not stop.is_set():  # the first request: the stop comes while it is in flight
            stop.set()
            try:
                await asyncio.sleep(5)
            except asyncio.CancelledError:
                swallowed.append(url)
        return await fetch(self, url, host, *args, **kwargs)

    monkeypatch.setattr(Fetcher, "fetch", swallowing_fetch)
    config = CrawlConfig(FetchConfig(proxy=dev_site.proxy, delay=0.0))
    started = time.monotonic()
    with WarcArchive(tmp_path, "t") as archive:
        asyncio.run(asyncio.wait_for(Crawler(dev_site.seeds, config, archive, stop=stop).run(), 10))
    assert swallowed and time.monotonic() - started < 3


def test_read_seeds_skips_comments_and_rejects_garbage():
    assert read_seeds(["# seeds", "", "http://Site-A.test"]) == ["http://site-a.test/"]
    with pytest.raises(ValueError, match="line 2"):
        read_seeds(["http://a.test/", "ftp://nope"])
    with pytest.raises(ValueError):
        read_seeds(["# nothing"])


def test_redirect_into_an_internal_address_is_refused(tmp_path):
    """Seeds are trusted as given; a host reached by a seed's redirect must be public."""
    from http_server import Reply, ScriptedServer

    html = {"Content-Type": "text/html"}
    routes = {
        "/robots.txt": [Reply(404)],
        "/start": [Reply(302, b"", {"Location": "http://127.0.0.2:9/admin"})],
        "/page": [Reply(200, b'<a href="http://127.0.0.2/x">x</a><a href="http://localhost/y">y</a>', html)],
    }
    with ScriptedServer(routes) as server, WarcArchive(tmp_path, "t") as archive:
        seeds = [f"{server.url}/start", f"{server.url}/page"]
        visits = asyncio.run(Crawler(seeds, CrawlConfig(FetchConfig(delay=0.0)), archive).run())
    outcome = {v.url: (v.outcome, v.reason) for v in visits}
    assert outcome["http://127.0.0.2:9/admin"][0] == "refused"
    assert "loopback" in outcome["http://127.0.0.2:9/admin"][1]
    assert outcome["http://127.0.0.2/x"][0] == outcome["http://localhost/y"][0] == "off_site"
    assert {path for path, _ in server.hits} == {"/robots.txt", "/start", "/page"}


def test_recrawl_sends_conditional_requests_and_honours_crawl_delay(tmp_path):
    """Second run: If-None-Match / If-Modified-Since go out, a 304 is 'unchanged' and its links are
    still followed (from the archive); robots.txt's Crawl-delay spaces the requests."""
    from http_server import Reply, ScriptedServer

    from cuishou.extract.state import CrawlState, RunJournal

    html = {"Content-Type": "text/html", "ETag": '"v1"', "Last-Modified": "Mon, 02 Nov 2026 10:00:00 GMT"}
    index = b'<a href="/a.html">a</a>'
    routes = {
        "/robots.txt": [Reply(200, b"User-agent: *\nCrawl-delay: 0.3\n", {"Content-Type": "text/plain"})],
        "/": [Reply(200, index, html), Reply(304, b"", {"ETag": '"v1"'})],
        "/a.html": [Reply(200, "<p>借呗逾期</p>".encode(), html), Reply(304, b"", {"ETag": '"v1"'})],
    }
    state = CrawlState(tmp_path / "state.sqlite")
    with ScriptedServer(routes) as server:
        seeds = [f"{server.url}/"]
        config = CrawlConfig(FetchConfig(delay=0.0))
        for run in ("first", "second"):
            run_id, _ = state.start_run(run)
            with WarcArchive(tmp_path / "warc", run_id) as archive:
                visits = asyncio.run(Crawler(seeds, config, archive, journal=RunJournal(state, run_id)).run())
            state.commit_run(run_id, visits)
        conditional = [headers for path, headers in server.requests if path == "/a.html"][-1]
        first_run = sorted(t for path, t in server.hits if path != "/robots.txt")[:2]  # / then /a.html
    assert conditional.get("If-None-Match") == '"v1"'
    assert conditional.get("If-Modified-Since") == "Mon, 02 Nov 2026 10:00:00 GMT"
    outcome = {v.url: v.outcome for v in visits}
    assert outcome[f"{server.url}/"] == outcome[f"{server.url}/a.html"] == "unchanged"
    assert first_run[1] - first_run[0] >= 0.28

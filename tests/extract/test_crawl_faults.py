"""Fault injection: a crawl over a misbehaving site on 127.0.0.1 ends every URL as one sensible visit.

The site is a purpose-built server used as an HTTP proxy (through ``http_proxy``), so virtual hosts
get their own robots.txt: ok.test carries the page-level faults, slow.test the timeouts, and
robots5xx/bigrobots/garbagerobots.test the robots.txt faults. A seed on a port whose accept queue
is full (reached directly, through ``no_proxy``) gives a connect timeout. The only other address
is 127.0.0.2, as a redirect target that must be refused and never contacted.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import socket
import sqlite3
import struct
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from http_server import Behaviour, FaultServer, Reply, ScriptedServer, page, redirect, send_head

import cuishou.extract.crawl as crawl_module
from cuishou.extract.archive import WarcArchive, iter_responses
from cuishou.extract.crawl import CrawlConfig, Crawler
from cuishou.extract.fetch import FetchConfig
from cuishou.extract.state import CrawlState, RunJournal
from cuishou.extract.visits import Visit

LIMIT = 1024 * 1024  # max_bytes: above the huge robots.txt, far below what the bomb inflates to
FETCH = FetchConfig(read_timeout=0.5, connect_timeout=0.5, total_timeout=2, retries=1, backoff=0.01, delay=0,
                    max_bytes=LIMIT)
INTERNAL = "http://127.0.0.2:9/admin"
BLACK_HOLE = "http://black-hole"  # stands for the black hole's http://127.0.0.1:PORT in expectations
HTML = "text/html; charset=utf-8"

def reset_mid_body(handler: BaseHTTPRequestHandler) -> None:
    """Half a body, then a TCP reset (SO_LINGER 0 makes close() send RST instead of FIN)."""
    send_head(handler, 200, {"Content-Type": HTML, "Content-Length": "100000"})
    handler.wfile.write(b"<p>" + b"x" * 2000)
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.rfile.close()
    handler.wfile.close()
    handler.connection.close()
    handler.wfile = io.BytesIO()  # the server flushes it after the handler returns


def short_body(handler: BaseHTTPRequestHandler) -> None:
    """Content-Length promises more than is sent before the connection closes."""
    send_head(handler, 200, {"Content-Type": HTML, "Content-Length": "5000"})
    handler.wfile.write(b"<html><body><p>cut off")


def slow_headers(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(1.0)  # twice the read timeout
    page(b"<p>too late</p>")(handler)


def trickle(handler: BaseHTTPRequestHandler) -> None:
    """A byte every 0.2 s: never a read timeout, but the total timeout runs out."""
    send_head(handler, 200, {"Content-Type": HTML, "Content-Length": "25"})
    for _ in range(25):
        handler.wfile.write(b"x")
        time.sleep(0.2)


def not_http(handler: BaseHTTPRequestHandler) -> None:
    handler.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


@cache
def gzip_bomb() -> bytes:
    """~64 KB that inflate to 64 MiB of zeros."""
    return gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


def huge_robots() -> bytes:
    """Over 500 KiB: a rule at the start counts, a rule after the first 500 KiB is not parsed."""
    filler = b"# " + b"padding " * 12 + b"\n"
    return (b"User-agent: *\nDisallow: /blocked\n" + filler * (600 * 1024 // len(filler))
            + b"Disallow: /after-limit\n")


INDEX = b"""<html><body>
<a href="/reset">r</a> <a href="/truncated">t</a> <a href="/loop-a">l</a> <a href="/chain/0">c</a>
<a href="/big">b</a> <a href="/bomb">g</a> <a href="/bad-gzip">z</a> <a href="/file.pdf">p</a>
<a href="/image.png">i</a> <a href="/data.json">j</a> <a href="/notes.txt">n</a> <a href="/malformed">m</a>
<a href="/undecodable">u</a> <a href="/missing">404</a> <a href="/missing#again">404 again</a>
<a href="/broken">500</a> <a href="/no-location">nl</a> <a href="/not-http">nh</a> <a href="/private/secret">s</a>
<a href="/to-offsite">o</a> <a href="http://elsewhere.test/x">e</a> <a href="http://robots5xx.test/page">r5</a>
<a href="http://bigrobots.test/blocked">bb</a> <a href="http://bigrobots.test/after-limit">ba</a>
<a href="http://slow.test/read-timeout">rt</a> <a href="http://slow.test/trickle">tt</a>
<a href="http://robots429.test/page">r429</a>
""" + b"".join(b'<a href="http://silent.test/%d">s</a>' % i for i in range(6)) + b"</body></html>"

MALFORMED = (b"<html><body><div><p>unclosed <b><i>mis</b>nested</i>\0<table><tr><td>"
             b'<a href="/from-malformed">ok</a><a href="javascript:void(0)">js</a><a href="mailto:x@y.z">m</a>'
             b'<a href="http://[::1">bad ip</a><a href="http://ok.test:99999/">bad port</a>'
             b'<a href="http://127.0.0.2/steal">internal</a><a href=/from-malformed>unquoted</a>'
             b'<a href="/private/secret"><!-- unterminated comment')

UNDECODABLE = (b"<html><body><p>\xff\xfe\xc3\x28 \x80\x81 \xe5\xa4 " + "逾期催收".encode("gb18030")
               + b'</p><a href="/from-undecodable">next</a></body></html>')


def routes() -> dict[tuple[str, str], Behaviour]:
    article = page("<html><body><p>协商还款</p></body></html>".encode())
    return {
        ("ok.test", "/robots.txt"): page(b"User-agent: *\nDisallow: /private\n", "text/plain"),
        ("ok.test", "/"): page(INDEX),
        ("ok.test", "/to-internal"): redirect(INTERNAL),
        ("ok.test", "/to-octal"): redirect("http://0177.0.0.2:9/octal"),
        ("ok.test", "/to-v6"): redirect("http://[0:0::1]:9/v6"),
        ("ok.test", "/reset"): reset_mid_body,
        ("ok.test", "/truncated"): short_body,
        ("ok.test", "/loop-a"): redirect("/loop-b"),
        ("ok.test", "/loop-b"): redirect("http://ok.test/loop-a"),
        **{("ok.test", f"/chain/{hop}"): redirect(f"/chain/{hop + 1}") for hop in range(7)},
        ("ok.test", "/chain/7"): article,
        ("ok.test", "/big"): page(b"<p>" + b"x" * (2 * LIMIT)),
        ("ok.test", "/bomb"): page(gzip_bomb(), **{"Content-Encoding": "gzip"}),
        ("ok.test", "/bad-gzip"): page(b"<p>not gzip at all</p>", **{"Content-Encoding": "gzip"}),
        ("ok.test", "/file.pdf"): page(b"%PDF-1.4" * 10000, "application/pdf"),
        ("ok.test", "/image.png"): page(b"\x89PNG\r\n\x1a\n" * 100, "image/png"),
        ("ok.test", "/data.json"): page(b'{"a": 1}', "application/json"),
        ("ok.test", "/notes.txt"): page("还款计划".encode(), "text/plain; charset=utf-8"),
        ("ok.test", "/malformed"): page(MALFORMED, None),
        ("ok.test", "/from-malformed"): article,
        ("ok.test", "/undecodable"): page(UNDECODABLE),
        ("ok.test", "/from-undecodable"): article,
        ("ok.test", "/broken"): page(b"<h1>500</h1>", status=500),
        ("ok.test", "/no-location"): redirect(None),
        ("ok.test", "/not-http"): not_http,
        ("ok.test", "/private/secret"): article,
        ("ok.test", "/to-offsite"): redirect("http://elsewhere.test/landing"),
        ("slow.test", "/read-timeout"): slow_headers,
        ("slow.test", "/trickle"): trickle,
        ("robots5xx.test", "/robots.txt"): page(b"<h1>503</h1>", status=503),
        ("robots429.test", "/robots.txt"): page(b"slow down", status=429),
        **{("silent.test", f"/{i}"): slow_headers for i in range(6)},
        ("bigrobots.test", "/robots.txt"): page(huge_robots(), "text/plain"),
        ("bigrobots.test", "/"): article,
        ("bigrobots.test", "/after-limit"): article,
        ("garbagerobots.test", "/robots.txt"): page(bytes(range(256)) * 40 + b"<html>Disallow", "text/plain"),
        ("garbagerobots.test", "/"): article,
    }


SILENT = ("fetch_error or skipped", None)  # which of silent.test's URLs are cut short depends on timing


def expected_visits() -> dict[str, tuple[str, str | None]]:
    """URL -> (outcome, a fragment of the reason) for every URL the crawl must account for."""
    ok = {
        "/robots.txt": ("robots_txt", "HTTP 200: parsed"),
        "/": ("fetched", None),
        "/to-internal": ("redirect", f"HTTP 302 → {INTERNAL}"),
        "/reset": ("fetch_error", "truncated"),
        "/truncated": ("fetch_error", "truncated"),
        "/loop-a": ("redirect", "→ http://ok.test/loop-b"),
        "/loop-b": ("redirect", "→ http://ok.test/loop-a"),
        **{f"/chain/{hop}": ("redirect", f"→ http://ok.test/chain/{hop + 1}") for hop in range(5)},
        "/chain/5": ("fetch_error", "redirect chain longer than 5"),
        "/big": ("fetch_error", "too_large"),
        "/bomb": ("fetch_error", "too_large"),
        "/bad-gzip": ("fetch_error", "bad_encoding"),
        "/file.pdf": ("non_html", "application/pdf"),
        "/image.png": ("non_html", "image/png"),
        "/data.json": ("non_html", "application/json"),
        "/notes.txt": ("non_html", "text/plain"),
        "/malformed": ("fetched", None),
        "/from-malformed": ("fetched", None),
        "/undecodable": ("fetched", None),
        "/from-undecodable": ("fetched", None),
        "/missing": ("http_error", "HTTP 404"),
        "/broken": ("http_error", "HTTP 500"),
        "/no-location": ("fetch_error", "redirect without a usable Location"),
        "/not-http": ("fetch_error", "illegal status line"),
        "/private/secret": ("robots_disallowed", "disallowed by robots.txt"),
        "/to-offsite": ("redirect", "→ http://elsewhere.test/landing"),
    }
    return {f"http://ok.test{path}": want for path, want in ok.items()} | {
        INTERNAL: ("refused", "address 127.0.0.2 is a loopback address"),
        "http://ok.test/to-octal": ("redirect", "HTTP 302 → http://127.0.0.2:9/octal"),
        "http://127.0.0.2:9/octal": ("refused", "address 127.0.0.2 is a loopback address"),
        "http://ok.test/to-v6": ("redirect", "HTTP 302 → http://[::1]:9/v6"),
        "http://[::1]:9/v6": ("refused", "address ::1 is a loopback address"),
        "http://robots429.test/robots.txt": ("robots_txt", "HTTP 429: unreachable"),
        "http://robots429.test/page": ("robots_disallowed", "robots.txt unreachable (HTTP 429): assuming disallow"),
        "http://silent.test/robots.txt": ("robots_txt", "HTTP 404: missing"),
        **{f"http://silent.test/{i}": SILENT for i in range(6)},
        "http://[::1": ("refused", "invalid URL: unparseable URL"),
        "http://ok.test:99999/": ("refused", "invalid URL: invalid port '99999'"),
        "http://127.0.0.2/steal": ("off_site", "not among the seeds' hosts"),
        "http://elsewhere.test/x": ("off_site", "not among the seeds' hosts"),
        "http://elsewhere.test/landing": ("off_site", "not among the seeds' hosts"),
        "http://slow.test/robots.txt": ("robots_txt", "HTTP 404: missing"),
        "http://slow.test/read-timeout": ("fetch_error", "timeout: ReadTimeout"),
        "http://slow.test/trickle": ("fetch_error", "timeout: TimeoutError"),
        "http://robots5xx.test/robots.txt": ("robots_txt", "HTTP 503: unreachable"),
        "http://robots5xx.test/": ("robots_disallowed", "robots.txt unreachable (HTTP 503)"),
        "http://robots5xx.test/page": ("robots_disallowed", "robots.txt unreachable (HTTP 503)"),
        "http://bigrobots.test/robots.txt": ("robots_txt", "HTTP 200: parsed"),
        "http://bigrobots.test/": ("fetched", None),
        "http://bigrobots.test/blocked": ("robots_disallowed", "disallowed by robots.txt"),
        "http://bigrobots.test/after-limit": ("fetched", None),
        "http://garbagerobots.test/robots.txt": ("robots_txt", "HTTP 200: parsed"),
        "http://garbagerobots.test/": ("fetched", None),
        f"{BLACK_HOLE}/robots.txt": ("fetch_error", "timeout: ConnectTimeout"),
        f"{BLACK_HOLE}/": ("robots_disallowed", "robots.txt unreachable (timeout: ConnectTimeout)"),
    }


EXPECTED = expected_visits()


SEEDS = ["http://ok.test/", "http://ok.test/to-internal", "http://ok.test/to-octal", "http://ok.test/to-v6",
         "http://slow.test/read-timeout", "http://robots429.test/page", "http://silent.test/0",
         "http://robots5xx.test/", "http://bigrobots.test/", "http://garbagerobots.test/"]


# --- the server -------------------------------------------------------------------------------


@contextmanager
def black_hole() -> Iterator[str]:
    """An http://127.0.0.1:PORT origin whose accept queue is full, so connecting hangs until timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers = []
    try:
        while len(fillers) < 64:
            filler = socket.socket()
            filler.settimeout(0.2)
            fillers.append(filler)
            try:
                filler.connect(listener.getsockname())
            except TimeoutError:
                break
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


# --- the crawl --------------------------------------------------------------------------------


@dataclass
class FaultCrawl:
    visits: list[Visit]
    requests: list[tuple[str, str]]  # (host, path) as the server saw them
    warc_files: list[Path]
    black_hole: str

    def by_url(self) -> dict[str, Visit]:
        """Visits by URL, the black hole's origin spelt BLACK_HOLE as in EXPECTED."""
        return {visit.url.replace(self.black_hole, BLACK_HOLE): visit for visit in self.visits}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Iterator[FaultCrawl]:
    with FaultServer(routes()) as server, black_hole() as hole, pytest.MonkeyPatch.context() as env:
        env.setenv("http_proxy", server.url)
        env.setenv("no_proxy", "127.0.0.1")
        with WarcArchive(tmp_path_factory.mktemp("warc"), "faults") as archive:
            visits = asyncio.run(Crawler(SEEDS + [f"{hole}/"], CrawlConfig(FETCH), archive).run())
        yield FaultCrawl(visits, list(server.requests), archive.files, hole)


def test_every_url_is_accounted_for_exactly_once(crawl):
    counts = Counter(visit.url for visit in crawl.visits)
    assert [url for url, count in counts.items() if count > 1] == []
    assert set(crawl.by_url()) == set(EXPECTED)


@pytest.mark.parametrize("url", sorted(EXPECTED))
def test_each_fault_ends_with_a_sensible_outcome_and_reason(crawl, url):
    outcome, reason = EXPECTED[url]
    visit = crawl.by_url()[url]
    assert visit.outcome in outcome.split(" or "), visit
    if reason is not None:
        assert reason in (visit.reason or ""), visit


def test_transient_faults_are_retried_and_permanent_ones_are_not(crawl):
    attempts = {url: visit.attempts for url, visit in crawl.by_url().items()}
    for path in ("/reset", "/truncated", "/broken"):
        assert attempts[f"http://ok.test{path}"] == 2, path
    assert attempts["http://slow.test/read-timeout"] == attempts["http://slow.test/trickle"] == 2
    assert attempts[f"{BLACK_HOLE}/robots.txt"] == 2
    for path in ("/missing", "/big", "/bomb", "/file.pdf", "/chain/5"):
        assert attempts[f"http://ok.test{path}"] == 1, path


def test_a_host_that_keeps_timing_out_is_given_up_and_its_other_urls_recorded(crawl):
    silent = [visit for url, visit in crawl.by_url().items() if url.startswith("http://silent.test/") and
              not url.endswith("robots.txt")]
    given_up = ("skipped", "host given up for this run: 4 requests in a row timed out", 0)
    # the black hole accepts and never answers: a read timeout, or a connect timeout on a busy machine
    timed_out = {("fetch_error", f"timeout: {kind}", attempts) for kind in ("ReadTimeout", "ConnectTimeout")
                 for attempts in (1, 2)}
    assert {(v.outcome, v.reason, v.attempts) for v in silent} <= timed_out | {given_up}
    assert [(v.outcome, v.reason, v.attempts) for v in silent].count(given_up) >= 1
    requested = sum(host == "silent.test" and path != "/robots.txt" for host, path in crawl.requests)
    # the fourth timeout, and one in flight then; a connect timeout is an attempt the server never saw
    assert requested <= sum(v.attempts for v in silent) <= 4 + 1


def test_refused_disallowed_and_off_site_urls_are_never_requested(crawl):
    hosts = {host for host, _ in crawl.requests}
    assert hosts == {"ok.test", "slow.test", "robots5xx.test", "robots429.test", "bigrobots.test",
                     "garbagerobots.test", "silent.test"}
    assert ("robots5xx.test", "/robots.txt") in crawl.requests
    assert {path for host, path in crawl.requests if host == "robots5xx.test"} == {"/robots.txt"}
    for host, path in (("ok.test", "/private/secret"), ("bigrobots.test", "/blocked"), ("ok.test", "/chain/6")):
        assert (host, path) not in crawl.requests


def test_redirect_chains_and_loops_stop(crawl):
    hops = [path for host, path in crawl.requests if path.startswith(("/chain/", "/loop-"))]
    assert sorted(hops) == ["/chain/0", "/chain/1", "/chain/2", "/chain/3", "/chain/4", "/chain/5",
                            "/loop-a", "/loop-b"]
    assert crawl.by_url()["http://ok.test/chain/5"].redirect_to == "http://ok.test/chain/6"


def test_archived_responses_are_exactly_the_visits_with_a_warc_record(crawl):
    archived = Counter(response.url for response in iter_responses(crawl.warc_files))
    assert set(archived.values()) == {1}
    assert set(archived) == {visit.url for visit in crawl.visits if visit.warc is not None}


def test_gzip_bomb_is_stopped_with_bounded_memory(tmp_path):
    with FaultServer(routes()) as server, WarcArchive(tmp_path, "bomb") as archive:
        config = CrawlConfig(replace(FETCH, proxy=server.url))
        tracemalloc.start()
        try:
            visits = asyncio.run(Crawler(["http://ok.test/bomb"], config, archive).run())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    bomb = next(visit for visit in visits if visit.url == "http://ok.test/bomb")
    assert bomb.outcome == "fetch_error" and bomb.reason.startswith("too_large")
    assert peak < 3 * LIMIT, f"peak {peak / LIMIT:.1f}× the body limit"


# --- faults that once lost or misjudged a URL, each a minimal crawl --------------------------


def crawl_scripted(
    routes: dict[str, list[Reply]], paths: list[str], tmp_path: Path, **config
) -> tuple[list[Visit], list[str]]:
    """Crawl seeds on a ScriptedServer (5 s at most); returns the visits and the paths requested."""
    with ScriptedServer(routes) as server, WarcArchive(tmp_path, "bug") as archive:
        crawler = Crawler([server.url + path for path in paths], CrawlConfig(FETCH, **config), archive)
        asyncio.run(asyncio.wait_for(crawler.run(), 5))
        return crawler.visits, [path for path, _ in server.hits]


def crawl_killed_and_resumed(
    routes: dict[str, list[Reply]], paths: list[str], killed_before: str, tmp_path: Path, **config
) -> tuple[list[Visit], list[Visit], list[str]]:
    """Crawl with a journal as if killed before ``killed_before``'s visit was journaled, then resume the run.

    Returns the first run's visits, the resumed run's visits and the paths the resumed run requested.
    """
    state = CrawlState(tmp_path / "state.sqlite")
    with ScriptedServer(routes) as server, WarcArchive(tmp_path, "resume") as archive:

        def run() -> list[Visit]:
            run_id, _ = state.start_run("the same command")
            crawler = Crawler([server.url + path for path in paths], CrawlConfig(FETCH, **config), archive,
                              journal=RunJournal(state, run_id))
            asyncio.run(asyncio.wait_for(crawler.run(), 5))
            return crawler.visits

        first = run()
        with closing(sqlite3.connect(tmp_path / "state.sqlite")) as db, db:
            db.execute("delete from journal where url = ?", (server.url + killed_before,))
        requested_before = len(server.hits)
        return first, run(), [path for path, _ in server.hits[requested_before:]]


def ledger(visits: list[Visit]) -> dict[str, tuple[str, str | None]]:
    """Path -> (outcome, reason) of each visit."""
    return {urlsplit(visit.url).path: (visit.outcome, visit.reason) for visit in visits}


def test_a_non_text_charset_label_still_ends_as_a_visit(tmp_path):
    routes = {"/robots.txt": [Reply(404)],
              "/base64": [Reply(200, b"<p>\xff</p>", {"Content-Type": "text/html; charset=base64"})]}
    visits, _ = crawl_scripted(routes, ["/base64"], tmp_path)
    assert [visit.url.rsplit("/", 1)[1] for visit in visits] == ["robots.txt", "base64"]


def test_a_redirected_robots_txt_is_obeyed(tmp_path):
    routes = {"/robots.txt": [Reply(301, b"", {"Location": "/real-robots.txt"})],
              "/real-robots.txt": [Reply(200, b"User-agent: *\nDisallow: /\n", {"Content-Type": "text/plain"})],
              "/secret": [Reply(200, b"<p>secret</p>", {"Content-Type": HTML})]}
    visits, requested = crawl_scripted(routes, ["/secret"], tmp_path)
    assert "/secret" not in requested
    outcomes = {visit.url.rsplit("/", 1)[1]: visit.outcome for visit in visits}
    assert outcomes == {"robots.txt": "redirect", "real-robots.txt": "robots_txt", "secret": "robots_disallowed"}


REDIRECTED_ROBOTS = {
    "/robots.txt": [Reply(301, b"", {"Location": "/real-robots.txt"})],
    "/real-robots.txt": [Reply(200, b"User-agent: *\nDisallow: /secret\n", {"Content-Type": "text/plain"})],
    "/secret": [Reply(200, b"<p>secret</p>", {"Content-Type": HTML})],
}


def test_a_resumed_run_follows_a_redirected_robots_txt_as_the_first_did(tmp_path):
    first, resumed, requested = crawl_killed_and_resumed(REDIRECTED_ROBOTS, ["/secret"], "/secret", tmp_path)
    assert requested == []
    assert ledger(resumed) == ledger(first)
    assert ledger(resumed)["/secret"] == ("robots_disallowed", "disallowed by robots.txt")


def test_a_run_resumed_after_its_crawl_had_finished_replays_robots_txt_and_its_sitemaps(tmp_path):
    """Interrupted in the processing, every URL is journaled: the resumed ledger is still the whole one."""
    routes = {"/robots.txt": [Reply(200, b"User-agent: *\nSitemap: /sitemap.xml\n", {"Content-Type": "text/plain"})],
              "/sitemap.xml": [Reply(200, b"<urlset><url><loc>/only-here</loc></url></urlset>",
                                     {"Content-Type": "application/xml"})],
              "/only-here": [Reply(200, b"<p>found through the sitemap</p>", {"Content-Type": HTML})]}
    first, resumed, requested = crawl_killed_and_resumed(routes, ["/"], "(nothing)", tmp_path)
    assert requested == []
    assert ledger(resumed) == ledger(first)
    assert {"/robots.txt", "/sitemap.xml", "/only-here"} <= set(ledger(resumed))


def test_a_robots_txt_hop_skipped_at_max_pages_is_recorded_and_read_on_resume(tmp_path):
    """A skipped robots.txt has no rules to replay: the resumed run, with a new budget, must read it."""
    first, resumed, requested = crawl_killed_and_resumed(REDIRECTED_ROBOTS, ["/secret"], "/secret", tmp_path,
                                                         max_pages=1)
    assert ledger(first)["/real-robots.txt"] == ("skipped", "max_pages=1 reached")
    assert requested == ["/real-robots.txt"]
    assert {path: outcome for path, (outcome, _) in ledger(resumed).items()} == {
        "/robots.txt": "redirect", "/real-robots.txt": "robots_txt", "/secret": "robots_disallowed"}


def test_an_over_long_robots_txt_redirect_chain_ends_as_a_fetch_error(tmp_path):
    hops = {f"/robots/{hop}": [Reply(301, b"", {"Location": f"/robots/{hop + 1}"})] for hop in range(1, 7)}
    routes = {"/robots.txt": [Reply(301, b"", {"Location": "/robots/1"})], **hops,
              "/page": [Reply(200, b"<p>page</p>", {"Content-Type": HTML})]}
    visits, requested = crawl_scripted(routes, ["/page"], tmp_path)
    outcomes = {path: outcome for path, (outcome, _) in ledger(visits).items()}
    assert outcomes == {"/robots.txt": "redirect", **{f"/robots/{hop}": "redirect" for hop in range(1, 5)},
                        "/robots/5": "fetch_error", "/page": "fetched"}
    assert ledger(visits)["/robots/5"][1] == "redirect chain longer than 5"
    assert "/robots/6" not in requested


def test_robots_txt_is_read_per_origin(tmp_path):
    closed = {"/robots.txt": [Reply(200, b"User-agent: *\nDisallow: /\n", {"Content-Type": "text/plain"})],
              "/secret": [Reply(200, b"<p>secret</p>", {"Content-Type": HTML})]}
    with ScriptedServer({"/robots.txt": [Reply(404)]}) as open_origin, ScriptedServer(closed) as closed_origin:
        with WarcArchive(tmp_path, "bug") as archive:
            seeds = [open_origin.url + "/", closed_origin.url + "/secret"]
            asyncio.run(asyncio.wait_for(Crawler(seeds, CrawlConfig(FETCH), archive).run(), 5))
        assert closed_origin.count("/secret") == 0


def test_a_robots_txt_seed_is_visited_once(tmp_path):
    routes = {"/robots.txt": [Reply(200, b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})]}
    visits, requested = crawl_scripted(routes, ["/robots.txt"], tmp_path)
    assert (len(visits), requested) == (1, ["/robots.txt"])


def test_links_are_parsed_off_the_event_loop(tmp_path, monkeypatch):
    """Link extraction runs in the parser threads, never on the loop that drives every host's
    requests (checked by thread, not by timing, so a loaded machine cannot make it flaky)."""
    threads: list[str] = []
    parse = crawl_module.links_of_body

    def recording(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return parse(*args, **kwargs)

    monkeypatch.setattr(crawl_module, "links_of_body", recording)
    routes = {"/robots.txt": [Reply(404)], "/page": [Reply(200, b'<a href="/same">x</a>', {"Content-Type": HTML})],
              "/same": [Reply(200, b"<p>ok</p>", {"Content-Type": HTML})]}
    visits, _ = crawl_scripted(routes, ["/page"], tmp_path)
    assert [v.outcome for v in visits] == ["robots_txt", "fetched", "fetched"]  # /same was linked
    assert threads and all(name.startswith("cuishou-parse") for name in threads), threads

import asyncio
import gzip
import time

from http_server import Reply, ScriptedServer

from cuishou.extract.fetch import FetchConfig, Fetcher

FAST = dict(delay=0.0, backoff=0.01, retries=3)
HTML = {"Content-Type": "text/html; charset=utf-8"}


def fetch(server: ScriptedServer, path: str, **config) -> object:
    async def go():
        fetcher = Fetcher(FetchConfig(**(FAST | config)))
        try:
            return await fetcher.fetch(server.url + path, "127.0.0.1")
        finally:
            await fetcher.aclose()

    return asyncio.run(go())


def test_the_user_agent_names_the_installed_version():
    from importlib.metadata import version

    with ScriptedServer({"/": [Reply(200, b"<p>x</p>", HTML)]}) as server:
        fetch(server, "/")
    assert server.requests[0][1]["User-Agent"].startswith(f"cuishou/{version('cuishou')} (")


def test_server_errors_are_retried_until_success():
    routes = {"/p": [Reply(500), Reply(502), Reply(200, "<p>好</p>".encode(), HTML)]}
    with ScriptedServer(routes) as server:
        result = fetch(server, "/p")
    assert (result.status, result.attempts, result.body.decode()) == (200, 3, "<p>好</p>")


def test_retries_stop_after_the_limit():
    with ScriptedServer({"/p": [Reply(503)]}) as server:
        result = fetch(server, "/p", retries=2)
        assert server.count("/p") == 3
    assert (result.status, result.attempts) == (503, 3)


def test_not_found_is_not_retried():
    with ScriptedServer({}) as server:
        result = fetch(server, "/missing")
        assert server.count("/missing") == 1
    assert result.status == 404 and result.error is None


def test_retry_after_is_honoured():
    routes = {"/p": [Reply(429, headers={"Retry-After": "1"}), Reply(200, b"ok", HTML)]}
    with ScriptedServer(routes) as server:
        result = fetch(server, "/p")
        (_, first), (_, second) = server.hits
    assert result.status == 200 and second - first >= 0.95


def test_gzip_bomb_is_stopped_by_the_decompressed_size_cap():
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    routes = {"/bomb": [Reply(200, bomb, HTML | {"Content-Encoding": "gzip"})]}
    with ScriptedServer(routes) as server:
        result = fetch(server, "/bomb", max_bytes=1024 * 1024)
    assert result.error == "too_large" and result.body == b""


def test_gzip_body_is_decompressed_and_raw_bytes_kept():
    page = "<p>花呗逾期</p>".encode()
    routes = {"/gz": [Reply(200, gzip.compress(page), HTML | {"Content-Encoding": "gzip"})]}
    with ScriptedServer(routes) as server:
        result = fetch(server, "/gz")
    assert result.body == page and gzip.decompress(result.raw_body) == page


def test_non_html_body_is_not_downloaded():
    with ScriptedServer({"/f.pdf": [Reply(200, b"%PDF-1.4" * 1000, {"Content-Type": "application/pdf"})]}) as server:
        result = fetch(server, "/f.pdf")
    assert result.body_skipped and result.body == b"" and result.status == 200


def test_slow_server_times_out_with_a_reason():
    with ScriptedServer({"/slow": [Reply(200, b"x", HTML, delay=1.5)]}) as server:
        result = fetch(server, "/slow", read_timeout=0.3, retries=0)
    assert result.error == "timeout" and result.status is None


def test_truncated_body_is_an_error_not_a_page():
    routes = {"/cut": [Reply(200, b"<p>half", HTML | {"Content-Length": "1000"})]}
    with ScriptedServer(routes) as server:
        result = fetch(server, "/cut", retries=1)
    assert result.error == "truncated" and result.attempts == 2


def test_requests_to_one_host_are_spaced_by_the_delay():
    """Timed where the requests start (the server's clock adds its threads' scheduling: under load
    CI saw two hits closer than the delay)."""
    routes = {f"/{i}": [Reply(200, b"ok", HTML)] for i in range(3)}
    starts = []

    class TimedFetcher(Fetcher):
        async def _attempt(self, url, *args):
            starts.append(time.monotonic())  # after the politeness slot
            return await super()._attempt(url, *args)

    async def go(server):
        fetcher = TimedFetcher(FetchConfig(delay=0.3, per_host_concurrency=2))
        try:
            return await asyncio.gather(*(fetcher.fetch(f"{server.url}/{i}", "127.0.0.1") for i in range(3)))
        finally:
            await fetcher.aclose()

    with ScriptedServer(routes) as server:
        results = asyncio.run(go(server))
    assert [result.status for result in results] == [200] * 3 and len(server.hits) == 3
    assert all(later - earlier >= 0.29 for earlier, later in zip(starts, starts[1:]))


def test_a_timed_out_request_is_retried_once_not_retries_times():
    with ScriptedServer({"/slow": [Reply(200, b"x", HTML, delay=1.0)]}) as server:
        result = fetch(server, "/slow", read_timeout=0.2, retries=3, host_timeouts=99)
        assert server.count("/slow") == 2
    assert (result.error, result.attempts) == ("timeout", 2)


def test_a_host_that_keeps_timing_out_is_given_up_for_the_run():
    routes = {f"/{i}": [Reply(200, b"x", HTML, delay=1.0)] for i in range(6)}

    async def go(server):
        fetcher = Fetcher(FetchConfig(**(FAST | dict(read_timeout=0.2, host_timeouts=4, per_host_concurrency=2))))
        try:
            return await asyncio.gather(*(fetcher.fetch(f"{server.url}/{i}", "127.0.0.1") for i in range(6)))
        finally:
            await fetcher.aclose()

    with ScriptedServer(routes) as server:
        results = asyncio.run(go(server))
        requested, urls = len(server.hits), {path for path, _ in server.hits}
    given_up = [r for r in results if r.error == "host_given_up"]
    # the 4th timeout in a row gives the host up; the other slot's request may be out by then (a
    # loaded machine orders them either way), and nothing goes out after it
    assert 4 <= requested <= 4 + 1
    assert sorted(r.error for r in results) == ["host_given_up"] * (6 - len(urls)) + ["timeout"] * len(urls)
    assert given_up and {(r.attempts, r.error_detail) for r in given_up} == {(0, "4 requests in a row timed out")}


def test_an_answer_resets_the_count_of_timeouts():
    routes = {"/slow": [Reply(200, b"x", HTML, delay=1.0)], "/ok": [Reply(200, b"ok", HTML)]}

    async def go(server):
        fetcher = Fetcher(FetchConfig(**(FAST | dict(read_timeout=0.2, host_timeouts=3, retries=1))))
        try:
            return [await fetcher.fetch(f"{server.url}{path}", "127.0.0.1") for path in ("/slow", "/ok", "/slow")]
        finally:
            await fetcher.aclose()

    with ScriptedServer(routes) as server:
        results = asyncio.run(go(server))
    assert [r.error for r in results] == ["timeout", None, "timeout"]

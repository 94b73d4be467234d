"""One polite HTTP GET: per-host throttling, retries with backoff, and hard limits.

The fetcher never follows redirects itself: the crawler treats a redirect target as a new URL, so
scope and robots.txt are checked on every hop. Bodies are read raw and decompressed here with a
cap on the *decompressed* size, because httpx hands a gzip bomb over as one huge chunk.

Timeouts must end: a request that timed out is retried once at most (a silent server or a body
trickling in costs two deadlines, not ``retries + 1``), and a host whose requests keep timing out
(``host_timeouts`` in a row, no answer in between) is given up for the run: its remaining URLs are
not requested, and say so.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
import zlib
from collections import Counter, defaultdict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version

import httpx

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
BODY_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")
USER_AGENT = f"cuishou/{version('cuishou')} (corpus research crawler; +https://github.com/cuishou/cuishou)"


@dataclass(frozen=True)
class FetchConfig:
    """Politeness and limits; the defaults suit a scheduled crawl of small sites."""

    user_agent: str = USER_AGENT
    per_host_concurrency: int = 2
    delay: float = 1.0  # seconds between request starts on one host (robots Crawl-delay may raise it)
    retries: int = 3  # extra attempts after 5xx/429/timeouts
    backoff: float = 0.5  # first retry waits this long, doubling each time (plus jitter)
    max_retry_after: float = 60.0  # longest Retry-After we wait; longer ones count as failure
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # wall-clock cap per attempt, headers to last byte
    host_timeouts: int = 4  # timed-out attempts in a row after which a host is given up for the run
    max_bytes: int = 10 * 1024 * 1024  # decompressed body cap
    proxy: str | None = None  # explicit proxy; otherwise HTTP_PROXY/http_proxy/NO_PROXY apply


@dataclass
class Fetched:
    """The outcome of fetching one URL: a response, or an error saying why there is none."""

    url: str
    status: int | None = None
    reason_phrase: str = ""
    http_version: str = "HTTP/1.1"
    headers: list[tuple[str, str]] = field(default_factory=list)
    raw_body: bytes = b""  # as received (still content-encoded), for the archive
    body: bytes = b""  # decompressed
    body_skipped: bool = False  # not read because the content type is not one we parse
    error: str | None = None  # timeout | connect_error | too_large | truncated | host_given_up ...: no usable response
    error_detail: str | None = None
    attempts: int = 0
    fetched_at: datetime | None = None
    request_headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")


class HostThrottle:
    """At most N requests in flight per host, and request starts spaced by the host's delay."""

    def __init__(self, concurrency: int, delay: float):
        self._concurrency = concurrency
        self._default_delay = delay
        self._delay: dict[str, float] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = defaultdict(float)
        self._lock: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def set_delay(self, host: str, delay: float) -> None:
        self._delay[host] = max(self._default_delay, delay)

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to a host back (a 429/503 Retry-After)."""
        self._next_start[host] = max(self._next_start[host], time.monotonic() + seconds)

    @asynccontextmanager
    async def slot(self, host: str):
        slots = self._slots.setdefault(host, asyncio.Semaphore(self._concurrency))
        async with slots:
            async with self._lock[host]:
                wait = self._next_start[host] - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start[host] = time.monotonic() + self._delay.get(host, self._default_delay)
            yield


class _TooLarge(Exception):
    pass


def _decoder(encoding: str | None):
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _wants_body(content_type: str | None) -> bool:
    media = (content_type or "").split(";")[0].strip().lower()
    return not media or media in BODY_TYPES or media.endswith("+xml")


_RAW_HEADERS = "cuishou.raw_headers"


async def _hide_location(response: httpx.Response) -> None:
    """Keep a redirect's Location from httpx, which parses it even when not following it.

    httpx raises on a Location it cannot parse (an octal IP such as ``0177.0.0.2``), which would
    lose the response; the crawler reads Location itself (WHATWG rules, SSRF guard). The headers
    as received are kept for the archive.
    """
    if "location" in response.headers:
        response.extensions[_RAW_HEADERS] = list(response.headers.raw)
        del response.headers["location"]


class Fetcher:
    """Shared async HTTP client for a crawl; one instance per run."""

    def __init__(self, config: FetchConfig):
        self.config = config
        self.throttle = HostThrottle(config.per_host_concurrency, config.delay)
        self._timeouts_in_a_row: Counter[str] = Counter()
        self._given_up: dict[str, str] = {}
        timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout)
        self._client = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            proxy=config.proxy,
            trust_env=config.proxy is None,
            headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            event_hooks={"response": [_hide_location]},
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self, url: str, host: str, always_read: bool = False, headers: dict[str, str] | None = None
    ) -> Fetched:
        """GET a URL, retrying transient failures; always returns, never raises for HTTP trouble.

        Bodies of non-page content types are not downloaded unless ``always_read`` (robots.txt).
        ``headers`` are extra request headers (the conditional ones of a re-crawl).
        """
        result = Fetched(url)
        for attempt in range(self.config.retries + 1):
            async with self.throttle.slot(host):
                if why := self.given_up(host):  # decided while this request waited
                    return result if attempt else Fetched(url, error="host_given_up", error_detail=why)
                result = await self._attempt(url, always_read, headers or {})
            result.attempts = attempt + 1
            self._count_timeouts(host, result)
            wait = self._retry_wait(result, attempt)
            if wait is None or self.given_up(host):
                return result
            if result.status in (429, 503):
                self.throttle.pause(host, wait)
            await asyncio.sleep(wait)
        return result

    def given_up(self, host: str) -> str | None:
        """Why the run no longer requests anything from ``host``, or None."""
        return self._given_up.get(host)

    def _count_timeouts(self, host: str, result: Fetched) -> None:
        if result.error == "timeout":
            self._timeouts_in_a_row[host] += 1
            if self._timeouts_in_a_row[host] >= self.config.host_timeouts and host not in self._given_up:
                self._given_up[host] = f"{self._timeouts_in_a_row[host]} requests in a row timed out"
        elif result.status is not None:
            self._timeouts_in_a_row[host] = 0

    def _retry_wait(self, result: Fetched, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when the result is final."""
        transient = result.error in ("timeout", "connect_error", "truncated") or result.status in RETRY_STATUSES
        if not transient or attempt >= self.config.retries or (result.error == "timeout" and attempt >= 1):
            return None
        backoff = self.config.backoff * (2**attempt) * random.uniform(0.75, 1.25)
        retry_after = _retry_after(result.header("retry-after"))
        if retry_after is not None and retry_after > self.config.max_retry_after:
            return None
        return max(backoff, retry_after or 0.0)

    async def _attempt(self, url: str, always_read: bool, headers: dict[str, str]) -> Fetched:
        result = Fetched(url, fetched_at=datetime.now(UTC))
        try:
            await asyncio.wait_for(self._read(url, result, always_read, headers), self.config.total_timeout)
        except (TimeoutError, httpx.TimeoutException) as exc:
            result.error, result.error_detail = "timeout", type(exc).__name__
        except _TooLarge:
            result.error = "too_large"
            result.error_detail = f"body over {self.config.max_bytes} bytes after decompression"
        except httpx.ConnectError as exc:
            result.error, result.error_detail = "connect_error", str(exc) or type(exc).__name__
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            result.error, result.error_detail = "truncated", str(exc) or type(exc).__name__
        except zlib.error as exc:
            result.error, result.error_detail = "bad_encoding", f"content-encoding: {exc}"
        except httpx.HTTPError as exc:
            result.error, result.error_detail = "http_error", f"{type(exc).__name__}: {exc}"
        return result

    async def _read(self, url: str, result: Fetched, always_read: bool, headers: dict[str, str]) -> None:
        async with self._client.stream("GET", url, headers=headers) as response:
            result.status = response.status_code
            result.reason_phrase = response.reason_phrase
            result.http_version = response.http_version
            raw_headers = response.extensions.get(_RAW_HEADERS, response.headers.raw)
            result.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw_headers]
            result.request_headers = [
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.request.headers.raw
            ]
            if not always_read and not _wants_body(result.content_type) and response.status_code < 300:
                result.body_skipped = True
                return
            await self._read_body(response, result)

    async def _read_body(self, response: httpx.Response, result: Fetched) -> None:
        decoder = _decoder(response.headers.get("content-encoding"))
        cap = self.config.max_bytes
        raw, body = bytearray(), bytearray()
        async for chunk in response.aiter_raw():
            raw += chunk
            if decoder is None:
                body += chunk
            else:
                body += decoder.decompress(chunk, cap + 1 - len(body))
                if decoder.unconsumed_tail:
                    raise _TooLarge
            if len(body) > cap or len(raw) > cap:
                raise _TooLarge
        if decoder is not None:
            body += decoder.flush()
        result.raw_body, result.body = bytes(raw), bytes(body)

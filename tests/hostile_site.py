"""The hostile site: pages that have tried to crash, stall, exhaust or inject into a crawl, on 127.0.0.1.

One host serves, besides real articles (dev-site articles, their links removed): a gzip bomb, an
endless body, a slow drip, a huge page, a page of deeply nested ``<div>``s around an article, a
page of tiny elements, a redirect loop and a long redirect chain, redirects (from seeds) and links
to loopback and metadata addresses in every notation, markup/XSS payloads in a title, URLs, a
Content-Type, headers and host names, wrong charset labels and real mojibake, and a day-long
Retry-After. A second host never answers. ``Scale`` sets the sizes and times: the CLI test crawls
a small site, benchmarks/hostile_crawl.py the full one.

It is served by a FaultServer either directly (``http://127.0.0.1:PORT``, the silent host on
127.0.0.3) or as an HTTP proxy for ``hostile.test`` and ``silent.test``. A trap listens on the
loopback targets the pages point to (127.0.0.1, 127.0.0.2 and ::1 at one port) and counts every
connection it gets. Metadata addresses (169.254.169.254) are only redirect targets when the crawl
cannot reach them: through the proxy, or in a network namespace (the benchmark).
"""

from __future__ import annotations

import re
import select
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler

from dev_site import ARTICLES, dev_bytes, dev_html
from http_server import HTML, Behaviour, FaultServer, page, redirect, send_head

MB = 1024 * 1024
PAYLOAD_IMG = "<img src=x onerror=alert(1)>"
PAYLOAD_SCRIPT = "<script>alert(1)</script>"
PAYLOAD_MARKUP = "[/url] [bold]"
PAYLOAD_ESC = "\x1b[2J\x1b]0;pwned\x07"
HTML_PAYLOADS = (PAYLOAD_IMG, PAYLOAD_SCRIPT)  # must never reach report.html or README.md unescaped
PAYLOAD_HOST = f"pwn`{PAYLOAD_IMG}.test"


@dataclass(frozen=True)
class Scale:
    deep_divs: int  # nesting around the deep page's article
    tiny_elements: int  # <i>a</i> elements of the tiny-elements page
    big_bytes: int  # the huge page
    bomb_bytes: int  # zeros the gzip bomb inflates to
    drip_seconds: float  # between two bytes of the slow drip
    chain_hops: int = 30


FULL = Scale(deep_divs=200_000, tiny_elements=1_000_000, big_bytes=50 * MB, bomb_bytes=1024 * MB, drip_seconds=2.0)
SMALL = Scale(deep_divs=20_000, tiny_elements=150_000, big_bytes=11 * MB, bomb_bytes=64 * MB, drip_seconds=0.3)

# loopback targets in the notations browsers accept: path -> (Location host, canonical host)
LOOPBACK_NOTATIONS = {
    "octal": ("0177.0.0.2", "127.0.0.2"),
    "hex": ("0x7f.0.0.2", "127.0.0.2"),
    "decimal": ("2130706434", "127.0.0.2"),
    "short": ("127.2", "127.0.0.2"),
    "userinfo": ("hostile@127.0.0.2", "127.0.0.2"),
    "v6": ("[::1]", "[::1]"),
    "v4mapped": ("[::ffff:127.0.0.2]", "[::ffff:7f00:2]"),
    "localhost": ("localhost", "localhost"),
    "zero": ("0.0.0.0", "0.0.0.0"),
}
METADATA_NOTATIONS = {"metadata": "169.254.169.254", "metadata-octal": "0251.0376.0251.0376",
                      "metadata-decimal": "2852039166"}


# --- what the hostile host does -------------------------------------------------------------------


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A body that never ends (no Content-Length, the connection stays open while it streams)."""
    send_head(handler, 200, {"Content-Type": HTML})
    chunk = b"<p>" + "没完没了".encode() * 4000 + b"</p>\n"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        handler.wfile.write(chunk)


def drip(seconds: float) -> Behaviour:
    """A body trickling in one byte at a time: never a read timeout, never done."""

    def reply(handler: BaseHTTPRequestHandler) -> None:
        send_head(handler, 200, {"Content-Type": HTML, "Content-Length": "100000"})
        for _ in range(int(600 / seconds)):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(seconds)

    return reply


def silent(handler: BaseHTTPRequestHandler) -> None:
    """Never answer: hold the request until the client gives up (or ten minutes pass)."""
    readable, _, _ = select.select([handler.connection], [], [], 600)
    if readable:  # the client hung up
        handler.close_connection = True


@cache
def gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    return b"".join(compressor.compress(zeros) for _ in range(size // MB)) + compressor.flush()


def _without_links(body: bytes) -> bytes:
    return re.sub(rb"</?a\b[^>]*>", b"", body, flags=re.I)


def _article_html(url: str) -> str:
    """A dev-site article as text, without its links and its charset declaration."""
    html = dev_html(url)
    return re.sub(r"<meta[^>]*charset[^>]*>", "", re.sub(r"</?a\b[^>]*>", "", html, flags=re.I), flags=re.I)


def _with_meta(html: str, charset: str) -> str:
    return re.sub(r"(<head[^>]*>)", rf'\1<meta charset="{charset}">', html, count=1, flags=re.I)


def _spread_articles(count: int) -> list[str]:
    """Dev-site article URLs, taking each host in turn so the texts differ."""
    by_host: dict[str, list[str]] = {}
    for article in ARTICLES:
        by_host.setdefault(article["host"], []).append(article["url"])
    turns = [urls[i] for i in range(max(map(len, by_host.values()))) for urls in by_host.values() if i < len(urls)]
    return turns[:count]


NORMAL_ARTICLES = 7


@dataclass
class HostileSite:
    scale: Scale
    host: str  # host[:port] of the hostile site
    silent_host: str  # host[:port] of the server that never answers
    trap_port: int
    metadata_redirects: bool  # only where the crawl cannot reach them (proxy, network namespace)
    articles: dict[str, str] = field(default_factory=dict)  # path -> dev-site URL of what it serves

    @property
    def base(self) -> str:
        return f"http://{self.host}"

    def seeds(self) -> list[str]:
        redirects = [*LOOPBACK_NOTATIONS, *(METADATA_NOTATIONS if self.metadata_redirects else ())]
        return [f"{self.base}/", *(f"{self.base}/r/{name}" for name in redirects), f"http://{self.silent_host}/"]

    def routes(self) -> dict[tuple[str, str], Behaviour]:
        sources = _spread_articles(NORMAL_ARTICLES + 4)
        self.articles = {f"/article/{i}": url for i, url in enumerate(sources[:NORMAL_ARTICLES])}
        deep, *charsets = sources[NORMAL_ARTICLES:]
        self.articles |= {"/deep": deep, "/charset/latin1": charsets[0], "/charset/utf16": charsets[1],
                          "/charset/gbk-latin1": charsets[2]}
        hostname = self.host.split(":")[0]
        paths = {
            "/robots.txt": page(f"User-agent: *\nAllow: /\nSitemap: {self.base}/sitemap.xml\n".encode(), "text/plain"),
            "/sitemap.xml": page(self._sitemap(), "application/xml"),
            "/": page(self._index()),
            **{path: page(_without_links(dev_bytes(url)[0]), dev_bytes(url)[1] or HTML)
               for path, url in self.articles.items() if path.startswith("/article/")},
            "/article/0": page(_without_links(dev_bytes(self.articles["/article/0"])[0]), HTML,
                               **{"X-Payload": PAYLOAD_IMG, "Link": f"<{PAYLOAD_SCRIPT}>; rel=preload",
                                  "Server": PAYLOAD_MARKUP}),
            "/deep": page(self._deep(deep)),
            "/deep-link": page("<html><body><p>深处的链接</p></body></html>".encode()),
            "/tiny": page(b"<html><body>" + b"<i>a</i>" * self.scale.tiny_elements + b"</body></html>"),
            "/big": page(b"<html><body><p>" + b"x" * self.scale.big_bytes + b"</p></body></html>"),
            "/bomb": page(gzip_bomb(self.scale.bomb_bytes), **{"Content-Encoding": "gzip"}),
            "/endless": endless,
            "/drip": drip(self.scale.drip_seconds),
            "/loop-a": redirect("/loop-b"),
            "/loop-b": redirect("/loop-a"),
            **{f"/chain/{hop}": redirect(f"/chain/{hop + 1}") for hop in range(self.scale.chain_hops)},
            "/busy": page(b"<h1>busy</h1>", status=503, **{"Retry-After": "86400"}),
            "/xss-title": page(f"<html><head><title>404 {PAYLOAD_MARKUP} {PAYLOAD_IMG}{PAYLOAD_ESC}</title></head>"
                               f"<body><h1>404 {PAYLOAD_MARKUP}</h1><p>{PAYLOAD_SCRIPT}</p></body></html>".encode()),
            "/weird-type": page(b"<p>?</p>", "application/x-[/]"),
            "/bad-location": redirect(f"http://{PAYLOAD_HOST}/"),
            **self._charset_pages(charsets),
            **{f"/r/{name}": redirect(f"http://{host}:{self.trap_port}/{name}")
               for name, (host, _) in LOOPBACK_NOTATIONS.items()},
            **{f"/r/{name}": redirect(f"http://{host}/latest/{name}") for name, host in METADATA_NOTATIONS.items()},
        }
        return {(hostname, path): behaviour for path, behaviour in paths.items()} | {
            (self.silent_host.split(":")[0], "/robots.txt"): silent, (self.silent_host.split(":")[0], "/"): silent}

    def _index(self) -> bytes:
        links = [*self.articles, "/deep", "/tiny", "/big", "/bomb", "/endless", "/drip", "/loop-a", "/chain/0",
                 "/busy", "/xss-title", "/weird-type", "/bad-location", "/charset/mojibake",
                 f"/p/{PAYLOAD_SCRIPT}", f"/p/{PAYLOAD_MARKUP}", f"/esc{PAYLOAD_ESC}",
                 f"http://{PAYLOAD_HOST}/", "http://169.254.169.254/latest/link",
                 *(f"http://{host}:{self.trap_port}/link-{name}" for name, (host, _) in LOOPBACK_NOTATIONS.items())]
        anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
        return (f"<html><head><title>hostile {PAYLOAD_MARKUP}{PAYLOAD_ESC}</title></head>"
                f"<body><h1>index</h1><ul>{anchors}</ul></body></html>").encode()

    def _sitemap(self) -> bytes:
        return (f"<urlset><url><loc>{self.base}/article/1</loc></url>"
                f"<url><loc>http://a`b.test/sitemap-payload</loc></url></urlset>").encode()

    def _deep(self, url: str) -> bytes:
        nest = self.scale.deep_divs
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "<div>" * nest, _article_html(url), count=1, flags=re.I)
        body = body.replace("</body>", '<a href="/deep-link">deeper</a>' + "</div>" * nest + "</body>", 1)
        return _with_meta(body, "utf-8").encode()

    def _charset_pages(self, sources: list[str]) -> dict[str, Behaviour]:
        latin1, utf16, gbk = map(_article_html, sources)
        mojibake = _article_html(_spread_articles(NORMAL_ARTICLES + 5)[-1])
        return {
            "/charset/latin1": page(latin1.encode(), "text/html; charset=iso-8859-1"),
            "/charset/utf16": page(utf16.encode(), "text/html; charset=utf-16"),
            "/charset/gbk-latin1": page(_with_meta(gbk, "gbk").encode("gb18030"), "text/html; charset=ISO-8859-1"),
            "/charset/mojibake": page(mojibake.encode("gb18030").decode("latin-1").encode(), HTML),
        }

    # --- what the crawl must record -------------------------------------------------------------

    def documents(self) -> set[str]:
        return {self.base + path for path in self.articles}

    def expected(self) -> dict[str, tuple[str, str]]:
        """URL -> (outcome, a fragment of the reason) for every URL the crawl must record, and only those."""
        base, trap = self.base, self.trap_port
        expected = {
            f"{base}/robots.txt": ("robots_txt", "HTTP 200: parsed"),
            f"{base}/sitemap.xml": ("sitemap", ""),
            f"{base}/": ("not_article", ""),
            **{url: ("document", "") for url in self.documents()},
            f"{base}/deep-link": ("not_article", ""),
            f"{base}/tiny": ("too_complex", "elements (limit 100,000)"),
            f"{base}/big": ("fetch_error", "too_large"),
            f"{base}/bomb": ("fetch_error", "too_large"),
            f"{base}/endless": ("fetch_error", "too_large"),
            f"{base}/drip": ("fetch_error", "timeout"),
            f"{base}/loop-a": ("redirect", f"→ {base}/loop-b"),
            f"{base}/loop-b": ("redirect", f"→ {base}/loop-a"),
            **{f"{base}/chain/{hop}": ("redirect", f"→ {base}/chain/{hop + 1}") for hop in range(5)},
            f"{base}/chain/5": ("fetch_error", "redirect chain longer than 5"),
            f"{base}/busy": ("http_error", "HTTP 503"),
            f"{base}/xss-title": ("not_article", f"error page: title '404 {PAYLOAD_MARKUP}"),
            f"{base}/weird-type": ("non_html", "application/x-[/]"),
            f"{base}/bad-location": ("fetch_error", "redirect to an invalid URL: host"),
            f"{base}/charset/mojibake": ("decode_error", "mojibake after decoding as utf-8 (http)"),
            f"{base}/p/%3Cscript%3Ealert(1)%3C/script%3E": ("http_error", "HTTP 404"),
            f"{base}/p/[/url]%20[bold]": ("http_error", "HTTP 404"),
            f"{base}/esc%1B[2J%1B]0;pwned": ("http_error", "HTTP 404"),  # a trailing control is stripped
            f"http://{PAYLOAD_HOST}/": ("refused", "is not a valid host name"),
            "http://a`b.test/sitemap-payload": ("refused", "is not a valid host name"),
            "http://169.254.169.254/latest/link": ("off_site", ""),
            **{f"http://{canonical}:{trap}/link-{name}": ("off_site", "")
               for name, (_, canonical) in LOOPBACK_NOTATIONS.items()},
            **{f"{base}/r/{name}": ("redirect", f"→ http://{canonical}:{trap}/{name}")
               for name, (_, canonical) in LOOPBACK_NOTATIONS.items()},
            **{f"http://{canonical}:{trap}/{name}": ("refused", "loopback" if name != "zero" else "unspecified")
               for name, (_, canonical) in LOOPBACK_NOTATIONS.items()},
            f"http://{self.silent_host}/robots.txt": ("fetch_error", "timeout"),
            f"http://{self.silent_host}/": ("robots_disallowed", "robots.txt unreachable (timeout: ReadTimeout)"),
        }
        if self.metadata_redirects:
            expected |= {f"{base}/r/{name}": ("redirect", f"→ http://169.254.169.254/latest/{name}")
                         for name in METADATA_NOTATIONS}
            expected |= {f"http://169.254.169.254/latest/{name}": ("refused", "link-local")
                         for name in METADATA_NOTATIONS}
        return expected


# --- serving it ----------------------------------------------------------------------------------


class Trap:
    """Listeners on the loopback targets the site points to; counts every connection (none is allowed)."""

    ADDRESSES = (("127.0.0.1", socket.AF_INET), ("127.0.0.2", socket.AF_INET), ("::1", socket.AF_INET6))

    def __init__(self) -> None:
        self.connections: list[str] = []
        self._sockets: list[socket.socket] = []
        for _ in range(20):  # a port free on all three addresses
            try:
                self._bind(self._free_port())
                break
            except OSError:
                self.close()
        else:
            raise RuntimeError("no port free on 127.0.0.1, 127.0.0.2 and ::1")

    @staticmethod
    def _free_port() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def _bind(self, port: int) -> None:
        for address, family in self.ADDRESSES:
            listener = socket.socket(family)
            self._sockets.append(listener)
            try:
                listener.bind((address, port))
            except OSError:
                if family == socket.AF_INET6 and not _has_ipv6_loopback():
                    continue  # no ::1 on this machine: nothing could connect there either
                raise
            listener.listen(16)
            threading.Thread(target=self._accept, args=(listener, address), daemon=True).start()
        self.port = port

    def _accept(self, listener: socket.socket, address: str) -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            self.connections.append(address)
            connection.close()

    def close(self) -> None:
        for listener in self._sockets:
            listener.close()
        self._sockets = []


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


class SilentServer:
    """A listener on 127.0.0.3 that accepts connections and never says a word."""

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.3", 0))
        self._listener.listen(64)
        self.host = f"127.0.0.3:{self._listener.getsockname()[1]}"
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._held.append(connection)

    def close(self) -> None:
        self._listener.close()
        for connection in self._held:
            connection.close()


@dataclass
class Served:
    site: HostileSite
    server: FaultServer
    trap: Trap
    proxy: str | None  # the --proxy URL, when the site is served as a proxy

    def forbidden_requests(self) -> list[str]:
        """Connections to the trap, and requests the proxy was asked to make to any other host."""
        allowed = {self.site.host.split(":")[0], self.site.silent_host.split(":")[0]}
        return self.trap.connections + [f"{host}{path}" for host, path in self.server.requests if host not in allowed]


@contextmanager
def serve_hostile_site(scale: Scale, proxied: bool, metadata_redirects: bool | None = None) -> Iterator[Served]:
    """Serve the site until the block ends: directly on 127.0.0.1, or as a proxy for hostile.test."""
    with ExitStack() as stack:
        trap = Trap()
        stack.callback(trap.close)
        if proxied:
            host, silent_host = "hostile.test", "silent.test"
        else:
            silent_server = SilentServer()
            stack.callback(silent_server.close)
            host, silent_host = "127.0.0.1", silent_server.host
        site = HostileSite(scale, host, silent_host, trap.port,
                           proxied if metadata_redirects is None else metadata_redirects)
        routes: dict[tuple[str, str], Behaviour] = {}
        server = FaultServer(routes)
        if not proxied:
            site.host = f"127.0.0.1:{server.url.rsplit(':', 1)[1]}"
        routes.update(site.routes())  # they name the site's address
        stack.enter_context(server)
        yield Served(site, server, trap, server.url if proxied else None)

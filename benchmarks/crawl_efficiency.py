"""Crawl efficiency: how close a crawl of a slow local site comes to its politeness bound.

A site server (its own process, 127.0.0.1 only, used as an HTTP proxy) serves virtual hosts
h0.test, h1.test, ... each with robots.txt, an index page and N article pages, and answers every
request after a fixed latency. With C requests in flight per host, no polite crawler can finish a
host faster than (requests to it × latency ÷ C), so the crawl time divided by the largest such
bound says how much time the crawler itself wastes. The bound counts *every* request the crawler
made to the host (robots.txt and the index page included), as the server counted them.

cuishou's Crawler (WARC archive in a temporary folder included) runs beside Scrapy crawling the
same site with the same per-host settings. Scrapy is not a project dependency:

    uv run --no-sync --with scrapy python benchmarks/crawl_efficiency.py [--repeat 3] [--journal]

``--journal`` adds a row for cuishou with the run journal ``cuishou build`` keeps (a SQLite commit
per visit). ``--build`` adds the whole ``cuishou build --seeds`` command (its CLI, in a process of
its own) with extraction, cleaning and tagging running in worker processes while the crawl goes
on: its time is the run's "process" stage (crawl and processing, overlapped; Prefect's start-up
and the dedup/write stage excluded), read from the run's report. ``--floors`` adds two clients that
know every URL of the site in advance and only GET them, C at a time per host (no robots rules,
links, storage or retries): a bare ``httpx.AsyncClient`` (the HTTP client cuishou's crawl is built
on) and raw asyncio keep-alive sockets. Their ratios are what this machine and server allow an
httpx crawl, and any crawl, before the crawler's own work.

The server also reports the most requests each host had in progress at once, so a crawler that
overruns the per-host concurrency shows (Scrapy 2.19 does on its asyncio reactor, hence the epoll
reactor by default). Each crawl is repeated and medians are reported: the machine
is small and shared.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, replace
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.quality import free_port, wait_for_port  # noqa: E402

if TYPE_CHECKING:
    from cuishou.extract.state import RunJournal

TARGET_RATIO = 1.15
# Scrapy 2.19's downloader starts each download as an asyncio task, and marks it "transferring" only when
# the task first runs: with the asyncio reactor a slot's whole queue starts at once (the server sees ~100
# requests in progress per host with CONCURRENT_REQUESTS_PER_DOMAIN=2). Twisted's own reactors run the
# coroutine at once, so the limit holds. The "peak" column shows which one ran.
REACTORS = {
    "epoll": "twisted.internet.epollreactor.EPollReactor",
    "asyncio": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
}
PHRASES = (
    "微粒贷逾期后", "借呗还不上怎么办", "花呗分期", "信用卡催收电话", "网贷平台", "上门催收是否合法",
    "保留通话录音", "协商个性化分期", "向银保监会投诉", "征信不良记录", "催收人员不得骚扰家人",
    "核实对方身份", "依法维护自身权益", "逾期利息和违约金", "短信威胁可以报警", "还款计划",
)


# --- the site ---------------------------------------------------------------------------------


def article_path(number: int) -> str:
    return f"/a/{number}.html"


def article_html(host: str, number: int, pages: int) -> bytes:
    """A few KB of Chinese-looking article HTML linking to its index and neighbours."""
    rng = random.Random(f"{host}/{number}")
    paragraphs = "".join(
        "<p>" + "，".join(rng.choice(PHRASES) for _ in range(12)) + "。</p>" for _ in range(8)
    )
    neighbours = "".join(
        f'<li><a href="{article_path((number + step) % pages)}">相关文章 {step}</a></li>' for step in (1, 2, 3)
    )
    other_host = f"http://h{(int(host[1:].split('.')[0]) + 1)}.test/"  # the last host's is off-site
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{rng.choice(PHRASES)} 第{number}篇</title></head>'
        f'<body><nav><a href="/">首页</a></nav><article><h1>{rng.choice(PHRASES)}</h1>{paragraphs}</article>'
        f'<ul>{neighbours}</ul><footer><a href="{other_host}">友情链接</a></footer></body></html>'
    ).encode()


def index_html(pages: int) -> bytes:
    links = "".join(f'<li><a href="{article_path(number)}">文章 {number}</a></li>' for number in range(pages))
    head = '<!doctype html><html><head><meta charset="utf-8"><title>首页</title></head>'
    return f"{head}<body><ul>{links}</ul></body></html>".encode()


ROBOTS = b"User-agent: *\nAllow: /\n"


@dataclass
class HostLog:
    requests: int = 0
    robots: int = 0
    first: float = 0.0
    last: float = 0.0
    in_flight: int = 0
    peak_in_flight: int = 0  # the politeness actually kept: must not exceed the per-host concurrency


class Site:
    """The pages of all hosts, and per-host request counts for the current run."""

    def __init__(self, hosts: int, pages: int, latency: float):
        self.hosts = [f"h{number}.test" for number in range(hosts)]
        self.pages = pages
        self.latency = latency
        self.logs: dict[str, HostLog] = {}
        self.lock = threading.Lock()

    def reply(self, host: str, path: str) -> tuple[int, str, bytes]:
        if host not in self.hosts:
            return 404, "text/plain", b"no such host"
        if path == "/robots.txt":
            return 200, "text/plain", ROBOTS
        if path == "/":
            return 200, "text/html; charset=utf-8", index_html(self.pages)
        number = path.removeprefix("/a/").removesuffix(".html")
        if path.startswith("/a/") and number.isdigit() and int(number) < self.pages:
            return 200, "text/html; charset=utf-8", article_html(host, int(number), self.pages)
        return 404, "text/html", b"<h1>404</h1>"

    def arrived(self, host: str) -> float:
        with self.lock:
            log = self.logs.setdefault(host, HostLog(first=time.monotonic()))
            log.in_flight += 1
            log.peak_in_flight = max(log.peak_in_flight, log.in_flight)
        return time.monotonic()

    def finished(self, host: str, path: str, arrived: float) -> None:
        with self.lock:
            log = self.logs[host]
            log.in_flight -= 1
            log.requests += 1
            log.robots += path == "/robots.txt"
            log.first, log.last = min(log.first, arrived), max(log.last, time.monotonic())


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real site
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)  # absolute form when used as a proxy
            host = (parts.hostname or self.headers.get("Host", "").split(":")[0]).lower()
            if host in ("127.0.0.1", "localhost"):
                return self.admin(parts.path)
            arrived = site.arrived(host)
            time.sleep(site.latency)
            status, content_type, body = site.reply(host, parts.path or "/")
            self.send(status, content_type, body)
            site.finished(host, parts.path, arrived)

        def admin(self, path: str) -> None:
            with site.lock:
                logs = {host: vars(log) for host, log in site.logs.items()}
                if path == "/__reset":
                    site.logs.clear()
            self.send(200, "application/json", json.dumps(logs).encode())

        def send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def serve(port: int, hosts: int, pages: int, latency: float) -> None:
    """Run the site server until killed (the --role serve process)."""
    ThreadingHTTPServer.request_queue_size = 256  # the default backlog of 5 drops bursts of connects
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(Site(hosts, pages, latency)))
    server.daemon_threads = True
    server.serve_forever()


def start_server(args: argparse.Namespace) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, __file__, "--role", "serve", "--port", str(port), "--hosts", str(args.hosts),
               "--pages", str(args.pages), "--latency", str(args.latency)]
    process = subprocess.Popen(command)
    if wait_for_port(port, attempts=200):
        return process, f"http://127.0.0.1:{port}"
    process.kill()
    raise SystemExit("site server did not start")


def admin(proxy: str, path: str) -> dict[str, HostLog]:
    """Ask the site server (directly, never through an environment proxy) for its request logs."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(proxy + path, timeout=10) as response:
        return {host: HostLog(**log) for host, log in json.load(response).items()}


# --- the crawlers -----------------------------------------------------------------------------


def seeds(hosts: int) -> list[str]:
    return [f"http://h{number}.test/" for number in range(hosts)]


@dataclass
class Crawl:
    # time.monotonic() (one clock for all processes on Linux) when the crawl began; None when only its
    # duration is known (``ended`` holds it until measure() anchors it at the server's first request)
    started: float | None
    ended: float  # ... and ended (interpreter start-up and imports not included)
    cpu_seconds: float  # CPU time of the crawling process over the same span
    pages: int  # HTML pages fetched

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@contextmanager
def run_journal(folder: Path, wanted: bool) -> Iterator[RunJournal | None]:
    """The crawl state journal ``cuishou build`` keeps (one SQLite commit per visit), if wanted."""
    from cuishou.extract.state import CrawlState, RunJournal

    if not wanted:
        yield None
        return
    state = CrawlState(folder / "state" / "crawl.sqlite")
    try:
        yield RunJournal(state, state.start_run("benchmark")[0])
    finally:
        state.close()


def crawl_cuishou(args: argparse.Namespace, proxy: str, journal: bool = False) -> Crawl:
    """One cuishou crawl, WARC writing included, and the run journal if ``journal``."""
    from cuishou.extract.archive import WarcArchive
    from cuishou.extract.crawl import CrawlConfig, Crawler
    from cuishou.extract.fetch import FetchConfig

    config = CrawlConfig(FetchConfig(per_host_concurrency=args.concurrency, delay=0.0, proxy=proxy))
    with tempfile.TemporaryDirectory(prefix="cuishou-bench-") as folder:
        started, cpu_started = time.monotonic(), time.process_time()
        with WarcArchive(Path(folder) / "warc", "bench") as archive, run_journal(Path(folder), journal) as state:
            visits = asyncio.run(Crawler(seeds(args.hosts), config, archive, journal=state).run())
        ended, cpu_seconds = time.monotonic(), time.process_time() - cpu_started
    return Crawl(started, ended, cpu_seconds, sum(visit.outcome == "fetched" for visit in visits))


def crawl_build(args: argparse.Namespace, proxy: str) -> Crawl:
    """One ``cuishou build`` through its CLI: the crawl with the pages processed meanwhile.

    Its time is the run's "process" stage from the run's report: the flow's own start to the last
    page processed (the flow's start-up before its first request is counted in the tail)."""
    with tempfile.TemporaryDirectory(prefix="cuishou-bench-build-") as folder:
        seeds_file, out = Path(folder) / "seeds.txt", Path(folder) / "corpus"
        seeds_file.write_text("\n".join(seeds(args.hosts)) + "\n")
        command = [sys.executable, "-m", "cuishou.flows.cli", "build", "--seeds", str(seeds_file), "--out", str(out),
                   "--proxy", proxy, "--delay", "0", "--per-host-concurrency", str(args.concurrency)]
        subprocess.run(command, check=True, capture_output=True, text=True)
        [report] = [json.loads(path.read_text()) for path in (out / "runs").glob("*.json")]
    # no clock of ours: measure() anchors the stage at the first request the server got
    return Crawl(started=None, ended=report["stage_seconds"]["process"], cpu_seconds=float("nan"),
                 pages=report["pages_fetched"])


def site_urls(args: argparse.Namespace) -> list[list[str]]:
    """Every URL of each host (robots.txt, the index, the articles), in the order a crawler meets them."""
    return [[f"{seed}robots.txt", seed, *(seed + article_path(page).lstrip("/") for page in range(args.pages))]
            for seed in seeds(args.hosts)]


def crawl_known_urls(args: argparse.Namespace, client) -> Crawl:
    """Every URL of the site requested, ``args.concurrency`` at a time per host; ``client()`` is an
    async context manager giving ``get(url)``."""

    async def host_worker(get, urls: Iterator[str]) -> None:
        for url in urls:  # the host's workers share one iterator: each URL is requested once
            await get(url)

    async def run() -> None:
        async with client() as get:
            await asyncio.gather(*(host_worker(get, urls) for urls in map(iter, site_urls(args))
                                   for _ in range(args.concurrency)))

    started, cpu_started = time.monotonic(), time.process_time()
    asyncio.run(run())
    return Crawl(started, time.monotonic(), time.process_time() - cpu_started, args.hosts * (args.pages + 1))


def crawl_httpx(args: argparse.Namespace, proxy: str) -> Crawl:
    """The floor of the HTTP client: a bare httpx.AsyncClient through the same proxy, bodies read."""
    import httpx

    @asynccontextmanager
    async def client():
        async with httpx.AsyncClient(proxy=proxy, trust_env=False) as http:
            async def get(url: str) -> None:
                await http.get(url)  # not streamed: the body is read before it returns

            yield get

    return crawl_known_urls(args, client)


def crawl_sockets(args: argparse.Namespace, proxy: str) -> Crawl:
    """The floor of the machine and the site server: keep-alive sockets, one per request slot, a GET
    written and Content-Length bytes read, nothing else."""
    address = urlsplit(proxy)

    @asynccontextmanager
    async def client():
        idle: dict[str, list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]] = {}

        async def get(url: str) -> None:
            host = urlsplit(url).hostname
            pool = idle.setdefault(host, [])
            reader, writer = pool.pop() if pool else await asyncio.open_connection(address.hostname, address.port)
            writer.write(f"GET {url} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            pool.append((reader, writer))

        try:
            yield get
        finally:
            for _, writer in (connection for pool in idle.values() for connection in pool):
                writer.close()

    return crawl_known_urls(args, client)


def crawl_scrapy(args: argparse.Namespace, proxy: str) -> Crawl:
    """One Scrapy crawl, in its own process (a Twisted reactor starts only once)."""
    environment = {key: value for key, value in os.environ.items() if key.lower() not in ("no_proxy", "all_proxy")}
    environment["http_proxy"] = proxy
    command = [sys.executable, __file__, "--role", "scrapy", "--hosts", str(args.hosts),
               "--concurrency", str(args.concurrency), "--scrapy-reactor", args.scrapy_reactor]
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True).stdout
    return Crawl(**json.loads(output.strip().splitlines()[-1]))


def run_scrapy_spider(hosts: int, concurrency: int, reactor: str) -> None:
    """The --role scrapy process: follow every link on the hosts; print a Crawl as JSON."""
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    times: dict[str, float] = {}
    pages = [0]

    class SiteSpider(scrapy.Spider):
        name = "site"
        allowed_domains = [f"h{number}.test" for number in range(hosts)]
        start_urls = seeds(hosts)

        def parse(self, response):
            pages[0] += 1
            yield from response.follow_all(css="a::attr(href)", callback=self.parse)

    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": 1000,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "USER_AGENT": "crawl-efficiency-benchmark (Scrapy)",
        "TWISTED_REACTOR": REACTORS[reactor],
    })

    def closed() -> None:
        times["end"], times["cpu_end"] = time.monotonic(), time.process_time()

    crawler = process.create_crawler(SiteSpider)
    crawler.signals.connect(closed, signals.spider_closed)  # held here: Scrapy keeps weak references
    started, cpu_started = time.monotonic(), time.process_time()  # from here on, as cuishou's Crawler.run()
    process.crawl(crawler)
    process.start()
    crawl = Crawl(started, times["end"], times["cpu_end"] - cpu_started, pages[0])
    print(json.dumps(vars(crawl)))


# --- measuring and reporting ------------------------------------------------------------------


@dataclass
class Measure:
    crawler: str
    crawl: Crawl
    logs: dict[str, HostLog]
    latency: float
    concurrency: int

    def host_bound(self, host: str) -> float:
        return self.logs[host].requests * self.latency / self.concurrency

    @property
    def bound(self) -> float:
        return max(self.host_bound(host) for host in self.logs)

    @property
    def ratio(self) -> float:
        return self.crawl.seconds / self.bound

    @property
    def peak_in_flight(self) -> int:
        return max(log.peak_in_flight for log in self.logs.values())

    @property
    def startup(self) -> float:
        """Crawl start to the first request in at the server."""
        return min(log.first for log in self.logs.values()) - self.crawl.started

    @property
    def tail(self) -> float:
        """Last response out at the server to the crawl's end."""
        return self.crawl.ended - max(log.last for log in self.logs.values())

    @property
    def server_span(self) -> float:
        """First request in to last response out, as the server saw it."""
        return self.crawl.seconds - self.startup - self.tail


def measure(name: str, crawl, args: argparse.Namespace, proxy: str) -> Measure:
    admin(proxy, "/__reset")
    result = crawl(args, proxy)
    logs = admin(proxy, "/__reset")
    if result.started is None:
        first = min(log.first for log in logs.values())
        result = replace(result, started=first, ended=first + result.ended)
    return Measure(name, result, logs, args.latency, args.concurrency)


def print_run(repeat: int, run: Measure) -> None:
    print(f"run {repeat} {run.crawler:8} {run.crawl.seconds:6.2f} s  cpu {run.crawl.cpu_seconds:5.2f} s  "
          f"bound {run.bound:5.2f} s  ratio {run.ratio:.3f}  pages {run.crawl.pages}  "
          f"peak in flight/host {run.peak_in_flight}  "
          f"load {os.getloadavg()[0]:.1f}", flush=True)


def print_summary(name: str, runs: list[Measure]) -> None:
    def median(value) -> float:
        return statistics.median(value(run) for run in runs)

    seconds, pages = median(lambda run: run.crawl.seconds), median(lambda run: run.crawl.pages)
    startup, span, tail = (median(lambda run: run.startup), median(lambda run: run.server_span),
                           median(lambda run: run.tail))
    bound, ratio = median(lambda run: run.bound), median(lambda run: run.ratio)
    cpu_per_page = median(lambda run: run.crawl.cpu_seconds / run.crawl.pages) * 1000
    peak = max(run.peak_in_flight for run in runs)
    print(f"{name:10} {seconds:7.2f} {startup:7.2f} {span:6.2f} {tail:6.2f} {bound:7.2f} {ratio:6.3f} "
          f"{pages / seconds:7.1f} {pages:5.0f} {cpu_per_page:11.2f} {peak:5d}  "
          f"{' '.join(f'{run.ratio:.3f}' for run in runs)}")


def print_host_table(runs: list[Measure]) -> None:
    run = sorted(runs, key=lambda each: each.ratio)[len(runs) // 2]
    print(f"  {run.crawler}, median run: {'requests':>8} {'robots':>6} {'bound s':>8} {'first→last s':>13} "
          f"{'peak in flight':>15}")
    for host, log in sorted(run.logs.items()):
        print(f"    {host:22} {log.requests:8d} {log.robots:6d} {run.host_bound(host):8.2f} "
              f"{log.last - log.first:13.2f} {log.peak_in_flight:15d}")


def print_report(results: dict[str, list[Measure]], args: argparse.Namespace, scrapy_note: str | None) -> None:
    print(f"\nsite: {args.hosts} hosts × (robots.txt + index + {args.pages} articles), latency {args.latency} s, "
          f"per-host concurrency {args.concurrency}, delay 0; medians of {args.repeat} runs each")
    print("bound = max over hosts of (requests the server got for the host × latency ÷ concurrency):")
    print("        every request counts, robots.txt, the index page and retries included")
    print("crawl = the crawl's wall clock (cuishou: WARC writing and fsync included; Scrapy: no storage)")
    print("        = start-up (to the first request in at the server) + span (to the last response out) + tail")
    print("peak  = most requests one host had in progress at once, as the server saw it")
    if args.floors:
        print("httpx, sockets = the site's URLs known in advance, only requested (floors, not crawlers)")
    print(f"Scrapy ran on the {args.scrapy_reactor} reactor; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores\n")
    print(f"{'crawler':10} {'crawl s':>7} {'start s':>7} {'span s':>6} {'tail s':>6} {'bound s':>7} {'ratio':>6} "
          f"{'pages/s':>7} {'pages':>5} {'cpu ms/page':>7} {'peak':>5}  each run's ratio")
    for name, runs in results.items():
        print_summary(name, runs)
    if scrapy_note:
        print(f"{'scrapy':10} {scrapy_note}")
    print()
    for runs in results.values():
        print_host_table(runs)
    print()
    for name, runs in results.items():
        if max(run.peak_in_flight for run in runs) > args.concurrency:
            print(f"{name} had more than {args.concurrency} requests in progress on one host: its ratio means nothing")
    ours = statistics.median(run.ratio for run in results["cuishou"])
    span = statistics.median(run.server_span / run.bound for run in results["cuishou"])
    verdict = "meets" if ours <= TARGET_RATIO else "MISSES"
    print(f"cuishou ratio {ours:.3f} {verdict} the target ≤ {TARGET_RATIO} (span alone: {span:.3f})")


def benchmark(args: argparse.Namespace) -> None:
    has_scrapy = importlib.util.find_spec("scrapy") is not None
    scrapy_note = None if has_scrapy else (
        "not installed: run `uv run --no-sync --with scrapy python benchmarks/crawl_efficiency.py`")
    crawlers = {"cuishou": crawl_cuishou}
    if args.journal:
        crawlers["+journal"] = partial(crawl_cuishou, journal=True)
    if args.build:
        crawlers["+build"] = crawl_build
    if has_scrapy:
        crawlers["scrapy"] = crawl_scrapy
    if args.floors:
        crawlers |= {"httpx": crawl_httpx, "sockets": crawl_sockets}
    results: dict[str, list[Measure]] = {name: [] for name in crawlers}
    server, proxy = start_server(args)
    try:
        for repeat in range(1, args.repeat + 1):
            for name, crawl in crawlers.items():
                results[name].append(measure(name, crawl, args, proxy))
                print_run(repeat, results[name][-1])
    finally:
        server.terminate()
        server.wait()
    print_report(results, args, scrapy_note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=5, help="virtual hosts h0.test, h1.test, ...")
    parser.add_argument("--pages", type=int, default=100, help="article pages per host")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before every response")
    parser.add_argument("--concurrency", type=int, default=2, help="requests in flight per host")
    parser.add_argument("--repeat", type=int, default=3, help="runs per crawler; medians are reported")
    parser.add_argument("--journal", action="store_true",
                        help="also run cuishou with the run journal `cuishou build` keeps (row +journal)")
    parser.add_argument("--build", action="store_true",
                        help="also run the whole `cuishou build --seeds` command, pages processed while it crawls "
                             "(row +build)")
    parser.add_argument("--floors", action="store_true",
                        help="also time a bare httpx client and raw sockets GETting the known URLs (rows httpx, "
                             "sockets): what this machine and server allow before any crawler's own work")
    parser.add_argument("--scrapy-reactor", choices=REACTORS, default="epoll",
                        help="Scrapy's Twisted reactor (default epoll: with asyncio, Scrapy 2.19 overruns the "
                             "per-host concurrency)")
    parser.add_argument("--role", choices=("benchmark", "serve", "scrapy"), default="benchmark",
                        help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "serve":
        serve(args.port, args.hosts, args.pages, args.latency)
    elif args.role == "scrapy":
        run_scrapy_spider(args.hosts, args.concurrency, args.scrapy_reactor)
    else:
        benchmark(args)


if __name__ == "__main__":
    main()

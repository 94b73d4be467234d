"""The ``cuishou`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from cuishou.flows import inputs
from cuishou.flows.escape import terminal
from cuishou.flows.interrupt import EXIT_INTERRUPTED, MESSAGE, stop_on_signals
from cuishou.flows.prefect_env import configure_prefect
from cuishou.transform.versions import GONE_AFTER

# data/sample/ of the checkout; cuishou/data/sample/ (package data) of an installed wheel
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"
EXIT_ERROR = 1
EXIT_NOT_ARTICLE = 3
EXIT_DAMAGED_INPUT = 4

DESCRIPTION = """\
cuishou builds a clean, deduplicated, tagged Parquet corpus of Chinese debt-collection advice
pages (微粒贷/借呗/花呗/信用卡/网贷 逾期, 上门/电话/短信催收, borrowers' rights).
"""

BUILD_EPILOG = """\
examples:
  cuishou build                                   # the bundled offline sample → ./corpus
  cuishou build --seeds seeds.txt --out corpus    # crawl the seeds' sites
  cuishou build --seeds seeds.txt --proxy http://127.0.0.1:8765 --delay 0
  cuishou build --warc crawl-*.warc.gz --out corpus   # archived responses, offline

output:
  DIR/documents/   Parquet (zstd, Hive partitions crawl_date=YYYY-MM-DD): one row per article
  DIR/pages/       Parquet: every URL the run met, with its outcome and reason
  DIR/urls/        Parquet: one row per URL ever documented: its current version, when it was seen, gone
  DIR/warc/        WARC/1.1 archive of every response (crawls only)
  DIR/runs/ID.json the run report

Ctrl-C stops a build within seconds; the same command again resumes it. Without PREFECT_API_URL,
a temporary Prefect server is started for the run (10-20 s) and stopped after it.

exit status: 0 built, 1 error (one line; -v shows the traceback), 4 an input WARC is cut off or
corrupt (what was whole is in the corpus; see --allow-truncated), 130 interrupted.
"""


EXTRACT_EPILOG = """\
examples:
  cuishou extract page.html
  curl -s http://example.com/a.html | cuishou extract - --url http://example.com/a.html
  cuishou extract http://example.com/a.html --json

exit status: 0 text printed, 1 error, 3 the page is not an article (the reason goes to stderr).
"""


DEDUP_EPILOG = """\
examples:
  cuishou dedup my_corpus.parquet --out deduped/
  cuishou dedup corpus/documents --out /tmp/redone --dask-address tcp://scheduler:8786

Near-duplicates: character 3-gram shingles of the text after NFKC, traditional→simplified and
removing punctuation; MinHash LSH (64 bands × 3 rows); pairs verified by Jaccard ≥ 0.3 or
containment ≥ 0.6; clusters by union-find; the canonical member is the longest text, then the
earliest published, then the smallest URL.
"""


SERVE_EPILOG = """\
example (two terminals):
  uv run prefect server start                      # API and UI on http://127.0.0.1:4200
  export PREFECT_API_URL=http://127.0.0.1:4200/api
  uv run cuishou serve --cron "0 3 * * *" --timezone Asia/Shanghai --seeds seeds.txt --out corpus

Runs show in the Prefect UI under the flow 'build-corpus'. A run can also be started by hand:
  uv run prefect deployment run build-corpus/scheduled
"""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _non_negative_float(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cuishou", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Run 'cuishou COMMAND --help' for a command's options and examples.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    build = commands.add_parser(
        "build", help="crawl seed URLs (or read WARC files) and write the corpus",
        description="Crawl seed URLs, or read archived WARC responses, and write the corpus as Parquet. "
                    "With neither --seeds nor --warc, builds from the offline sample bundled in data/sample/.",
        epilog=BUILD_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = build.add_mutually_exclusive_group()
    source.add_argument("--seeds", type=Path, metavar="FILE", help="seed URLs, one a line ('#' comments allowed)")
    source.add_argument("--warc", type=Path, nargs="+", metavar="FILE",
                        help="WARC/1.0 or 1.1 files, gzipped or not (Common Crawl, wget, cuishou)")
    build.add_argument("--out", type=Path, default=Path("corpus"), metavar="DIR",
                       help="the corpus folder (default: ./corpus); each run adds to it")
    build.add_argument("--allow-truncated", action="store_true",
                       help="exit 0 even if an input WARC is cut off or corrupt (its whole records are still used)")
    _add_crawl_options(build)
    _add_run_options(build)
    build.set_defaults(handler=run_build)

    serve = commands.add_parser(
        "serve", help="run the crawl on a schedule (a Prefect deployment served by this process)",
        description="Register a scheduled deployment of the corpus flow with a Prefect server and run "
                    "its scheduled runs until stopped. Each run adds its crawl to --out (new partitions, "
                    "cluster ids kept). Needs a Prefect server: PREFECT_API_URL must be set.",
        epilog=SERVE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--cron", required=True, metavar="EXPR", help='cron schedule, e.g. "0 3 * * *"')
    serve.add_argument("--timezone", default="UTC", metavar="TZ", help="time zone of --cron (default UTC)")
    serve.add_argument("--seeds", type=Path, required=True, metavar="FILE",
                       help="seed URLs, re-read at every run")
    serve.add_argument("--out", type=Path, required=True, metavar="DIR", help="the corpus folder")
    serve.add_argument("--name", default="scheduled", help="deployment name (default: scheduled)")
    _add_crawl_options(serve)
    _add_run_options(serve)
    serve.set_defaults(handler=run_serve)

    dedup = commands.add_parser(
        "dedup", help="add near-duplicate cluster columns to any Parquet with doc_id and text",
        description="Cluster the near-duplicates of a Parquet file or dataset that has doc_id and text columns "
                    "(url and published are used when present), and write it to --out with the columns the "
                    "corpus has: dup_cluster, is_canonical, cluster_size, dup_similarity.",
        epilog=DEDUP_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    dedup.add_argument("input", type=Path, metavar="INPUT", help="a Parquet file or a folder of Parquet files")
    dedup.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write the Parquet output")
    dedup.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                       help="cluster on this Dask scheduler (band buckets are shuffled between workers)")
    dedup.add_argument("--workers", type=_positive_int, default=2, metavar="N",
                       help="local processes when not on Dask (default 2)")
    _add_verbose(dedup, "show the traceback of an error")
    dedup.set_defaults(handler=run_dedup)

    extract = commands.add_parser(
        "extract", help="print the clean main text of one page",
        description="Print the clean main text of one page, with the corpus pipeline's exact code "
                    "(decode → extract → article gate → clean). Like 'trafilatura -u', plus the genre's junk removal.",
        epilog=EXTRACT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    extract.add_argument("source", nargs="?", default="-", metavar="FILE|URL|-",
                         help="an HTML file, an http(s) URL, or - for standard input (default)")
    extract.add_argument("--json", action="store_true",
                         help="print JSON: text, title, date, tags, quality signals, comments and removed spans")
    extract.add_argument(
        "--url", metavar="URL", help="the page's address, for a FILE or stdin (metadata; tells forum threads apart)"
    )
    extract.add_argument("--proxy", metavar="URL", help="HTTP proxy for a URL source")
    _add_verbose(extract, "show the traceback of an error")
    extract.set_defaults(handler=run_extract)
    return parser


def _add_crawl_options(parser: argparse.ArgumentParser) -> None:
    crawl = parser.add_argument_group("crawling (with --seeds)")
    crawl.add_argument("--proxy", metavar="URL",
                       help="HTTP proxy for every request (default: HTTP_PROXY/http_proxy from the environment)")
    crawl.add_argument("--delay", type=_non_negative_float, default=1.0, metavar="S",
                       help="seconds between requests to one host (default 1.0; robots.txt Crawl-delay can raise it)")
    crawl.add_argument("--per-host-concurrency", type=_positive_int, default=2, metavar="N",
                       help="requests in flight per host (default 2)")
    crawl.add_argument("--max-pages", type=_positive_int, default=100_000, metavar="N",
                       help="stop requesting after N requests (default 100000)")
    crawl.add_argument("--retries", type=int, default=3, metavar="N",
                       help="retries after 5xx/429/timeouts, with exponential backoff (default 3)")
    crawl.add_argument("--timeout", type=_non_negative_float, default=20.0, metavar="S",
                       help="read timeout per request in seconds (default 20); a whole response may take 3× that")
    crawl.add_argument("--user-agent", metavar="UA", help="User-Agent to send and to match in robots.txt")


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gone-after", type=_positive_int, default=GONE_AFTER, metavar="N",
                        help="a page that no run meets any more (no link, not in a sitemap) is gone after N runs "
                             f"that crawled its site without errors (default {GONE_AFTER}); a 404 or 410: at once")
    parser.add_argument("--batch-size", type=_positive_int, default=500, metavar="N",
                        help="pages per processing task (default 500)")
    parser.add_argument("--workers", type=_positive_int, metavar="N",
                        help="processes that extract pages, while the crawl runs (default: one per CPU)")
    parser.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                        help="run the processing tasks on this Dask scheduler instead (workers need cuishou "
                             "installed, PREFECT_API_URL set and --out on a shared path)")
    _add_verbose(parser, "show Prefect's logs, and the traceback of an error")


def _add_verbose(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("-v", "--verbose", action="store_true", help=what)


def _crawl_config(args: argparse.Namespace):
    from cuishou.extract.crawl import CrawlConfig
    from cuishou.extract.fetch import FetchConfig

    fetch = FetchConfig(
        per_host_concurrency=args.per_host_concurrency,
        delay=args.delay,
        retries=args.retries,
        read_timeout=args.timeout,
        total_timeout=3 * args.timeout,
        proxy=args.proxy,
        **({"user_agent": args.user_agent} if args.user_agent else {}),
    )
    return CrawlConfig(fetch=fetch, max_pages=args.max_pages)


def _sources(args: argparse.Namespace) -> tuple[list[str] | None, list[Path] | None]:
    if args.seeds:
        return inputs.seeds_file(args.seeds), None
    if args.warc:
        return None, [inputs.warc_file(path) for path in args.warc]
    sample = sorted(SAMPLE_DIR.glob("*.warc.gz"))
    if not sample:
        raise inputs.InputError("build", f"no --seeds or --warc given, and no bundled sample in {SAMPLE_DIR}",
                                "give --seeds FILE to crawl, or --warc FILE... to read archived responses")
    return None, sample


def _check_run_options(args: argparse.Namespace) -> None:
    inputs.corpus_folder(args.out)
    inputs.proxy_url(args.proxy)
    inputs.header_value(args.user_agent, "--user-agent")
    inputs.dask_address(args.dask_address)


def _say_prefect_starts() -> None:
    Console(stderr=True, soft_wrap=True).print(
        "starting a temporary Prefect server for this run (10-20 s; set PREFECT_API_URL to use a running one)",
        markup=False, highlight=False)


def _prepare_run(workers: int | None, dask_address: str | None):
    """What a run needs besides the Prefect API, done while a temporary server starts: the page
    workers started (they import the extractors) and Prefect and the flow imported."""

    def prepare() -> None:
        if not dask_address:
            from cuishou.flows.pool import shared_pool

            shared_pool(workers).new_run()
        import cuishou.flows.corpus  # noqa: F401

    return prepare


def run_build(args: argparse.Namespace, console: Console) -> int:
    seeds, warcs = _sources(args)
    _check_run_options(args)
    configure_prefect(verbose=args.verbose)
    from cuishou.flows.prefect_api import prefect_api

    source = f"{len(seeds)} seed URLs" if seeds else f"{len(warcs)} WARC file(s)"
    console.print(f"building the corpus from {source} into {args.out}", markup=False, highlight=False)
    with prefect_api(on_start=_say_prefect_starts, meanwhile=_prepare_run(args.workers, args.dask_address)):
        from cuishou.flows.corpus import corpus_flow

        report = corpus_flow(args.dask_address, args.workers)(
            out=args.out, seeds=seeds, warcs=warcs, crawl_config=_crawl_config(args), batch_size=args.batch_size,
            workers=args.workers, gone_after=args.gone_after)
    report.render(console)
    damaged = report.outcomes.get("archive_error", 0)
    if damaged:
        what = f"{damaged} input WARC file(s) are cut off or corrupt"
        Console(stderr=True, soft_wrap=True).print(
            f"[yellow]warning:[/yellow] {what}: the corpus has every whole record before the damage "
            "(pages with outcome archive_error say where)"
            + ("" if args.allow_truncated else "; re-fetch the file, or pass --allow-truncated to accept this")
        )
        return 0 if args.allow_truncated else EXIT_DAMAGED_INPUT
    return 0


def run_serve(args: argparse.Namespace, console: Console) -> int:
    from dataclasses import asdict

    inputs.seeds_file(args.seeds)  # fail now, not at 3 a.m.
    _check_run_options(args)
    configure_prefect(verbose=True)
    schedule = inputs.cron_schedule(args.cron, args.timezone)
    from cuishou.flows.prefect_api import PrefectUnavailable, check_configured_api, configured_api_url

    if not (url := configured_api_url()):
        raise PrefectUnavailable("cuishou serve needs a Prefect server, which runs the schedule: start one with "
                                 "'prefect server start' and export PREFECT_API_URL=http://127.0.0.1:4200/api")
    check_configured_api(url)
    from cuishou.flows.corpus import corpus_flow

    parameters = {"out": str(args.out.resolve()), "seeds_file": str(args.seeds.resolve()),
                  "crawl_config": asdict(_crawl_config(args)), "batch_size": args.batch_size, "workers": args.workers,
                  "gone_after": args.gone_after}
    console.print(f"serving deployment build-corpus/{args.name} on {args.cron!r} ({args.timezone}); Ctrl-C stops",
                  markup=False, highlight=False)
    corpus_flow(args.dask_address, args.workers).serve(name=args.name, schedule=schedule, parameters=parameters,
                                         pause_on_shutdown=False)
    return 0


def _read_source(args: argparse.Namespace) -> tuple[bytes, str | None, str, int]:
    """Body, content type, URL and status of the page to extract."""
    from cuishou.extract.urls import canonical_url

    if args.source == "-":
        return sys.stdin.buffer.read(), None, args.url or "", 200
    if url := canonical_url(args.source) if "://" in args.source else None:
        return _fetch_one(url, inputs.proxy_url(args.proxy))
    path = inputs.readable_file("extract", Path(args.source), "an HTML file (or an http(s) URL, or - for stdin)")
    return path.read_bytes(), None, args.url or path.resolve().as_uri(), 200


def _fetch_one(url: str, proxy: str | None) -> tuple[bytes, str | None, str, int]:
    import asyncio

    from cuishou.extract.fetch import FetchConfig, Fetcher
    from cuishou.extract.urls import host_of

    async def fetch():
        fetcher = Fetcher(FetchConfig(proxy=proxy, delay=0.0))
        try:
            return await fetcher.fetch(url, host_of(url))
        finally:
            await fetcher.aclose()

    fetched = asyncio.run(fetch())
    if fetched.error or fetched.status is None:
        raise ValueError(f"could not fetch {url}: {fetched.error}: {fetched.error_detail}")
    if fetched.status >= 400:
        raise ValueError(f"could not fetch {url}: HTTP {fetched.status}")
    return fetched.body, fetched.content_type, url, fetched.status


def run_dedup(args: argparse.Namespace, console: Console) -> int:
    if not args.input.exists():
        raise inputs.InputError(f"dedup {args.input}", "no such file or folder", "give a Parquet file or folder")
    inputs.output_folder(args.out)
    inputs.dask_address(args.dask_address)
    from cuishou.transform.dedup.table import dedup_parquet

    stats = dedup_parquet(args.input, args.out, dask_address=args.dask_address, workers=args.workers)
    for label, value in [
        ("documents", f"{stats['documents']:,}"),
        ("canonical documents", f"{stats['canonical']:,}"),
        ("duplicate clusters", f"{stats['duplicate_clusters']:,} ({stats['documents_in_clusters']:,} documents)"),
        ("written", f"{len(stats['files'])} Parquet file(s) in {args.out}"),
        ("took", f"{stats['seconds']:.1f} s"),
    ]:
        console.print(f"{label:<21}{value}", markup=False, highlight=False, soft_wrap=True)
    return 0


def run_extract(args: argparse.Namespace, console: Console) -> int:
    import json
    from datetime import UTC, datetime

    from cuishou.transform.page import PageInput, process_page

    body, content_type, url, status = _read_source(args)
    result = process_page(PageInput(url, status, content_type, body, datetime.now(UTC)))
    if args.json:
        row = dict(result.row or {}, outcome=result.outcome, reason=result.reason)
        if "tag_evidence" in row:
            row["tag_evidence"] = json.loads(row["tag_evidence"])
        print(json.dumps(row, ensure_ascii=False, indent=2, default=str))
    elif result.row:
        print(result.row["text"])
    else:
        Console(stderr=True, soft_wrap=True).print(terminal(f"{result.outcome}: {result.reason}"))
    return 0 if result.row else 3


def main(argv: list[str] | None = None) -> int:
    """Run a command; every failure is one line on stderr (with -v, the traceback too)."""
    args = build_parser().parse_args(argv)
    console = Console(stderr=False)
    errors = Console(stderr=True, soft_wrap=True)  # one line, however narrow the terminal
    try:
        if args.command == "build":
            with stop_on_signals():
                return args.handler(args, console)
        return args.handler(args, console)
    except KeyboardInterrupt:
        errors.print(MESSAGE if args.command == "build" else "interrupted", markup=False)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. `cuishou extract page.html | head`
        sys.stderr.close()
        return 0
    except Exception as exc:
        if args.verbose:
            errors.print_exception()
        hint = "" if args.verbose else " (-v shows the traceback)"
        errors.print(Text("error: ", "red") + terminal(str(exc) or type(exc).__name__)
                     + ("" if isinstance(exc, inputs.Refusal | OSError) else hint))
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())

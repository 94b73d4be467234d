"""URL states at scale: what keeping urls/, is_current and superseded_by costs a run, beside duckdb.

Generates a site of N documented URLs on 50 hosts and a ledger of runs after the first: per run,
0.5 % of the pages change, 0.25 % answer 404, 0.25 % are no longer linked, the rest are
unchanged. Each run is folded as ``cuishou build`` folds it (``transform.url_states.update_url_states``:
read the previous run's states and this run's pages, fold, settle every document row's version
columns, write the states twice), in a fresh process: its CPU seconds, and its peak memory
beside the same process's after its imports.

The peer is duckdb 1.x deriving each URL's current version (its latest live response) and
404-gone from the whole ledger with one grouped query, as a reader could without urls/: it does
less (no unlinked rule, no version chains) and its cost grows with the number of runs kept.

    uv run python benchmarks/versions_scale.py --urls 100000 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cuishou.transform.schema import DOCUMENT_SCHEMA, PAGE_SCHEMA  # noqa: E402
from cuishou.transform.url_states import update_url_states  # noqa: E402
from cuishou.transform.write import write_parquet_atomic  # noqa: E402

HOSTS = 50
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def run_id(run: int) -> str:
    return f"2026010{run}T000000000000Z"


def write_run_files(out: Path, run: int, urls: list[str], texts: dict[str, int], rng: random.Random) -> None:
    """The pages part of run ``run`` and the document rows it adds (only what the fold reads is real)."""
    at = T0 + timedelta(days=run)
    pages, documents = [], []
    for url in urls:
        roll = rng.random() if run > 1 else 1.0
        if roll < 0.0025:
            continue  # no longer linked
        if roll < 0.005:
            pages.append(_page(url, "http_error", 404, None, at, run))
            continue
        if roll < 0.01 or run == 1:
            texts[url] += 1
            doc_id = f"{url}#{texts[url]}"
            documents.append({"doc_id": doc_id, "url": url, "fetched_at": at})
            pages.append(_page(url, "document", 200, doc_id, at, run))
        else:
            pages.append(_page(url, "unchanged", 304, f"{url}#{texts[url]}", at, run))
    for i in range(HOSTS):
        pages.append(_page(f"http://h{i}.test/", "not_article", 200, None, at, run))
    write_parquet_atomic(pa.Table.from_pylist(pages, schema=PAGE_SCHEMA),
                         out / "pages" / f"part-{run_id(run)}-00000.parquet")
    table = pa.table({name: [d[name] for d in documents] for name in ("doc_id", "url", "fetched_at")})
    write_parquet_atomic(table.cast(pa.schema([DOCUMENT_SCHEMA.field(n) for n in table.column_names])),
                         out / "documents" / f"part-{run_id(run)}-00000.parquet")


def _page(url: str, outcome: str, status: int, doc_id: str | None, at: datetime, run: int) -> dict:
    return {"url": url, "host": url.split("/")[2], "outcome": outcome, "status": status, "attempts": 1,
            "fetched_at": at, "doc_id": doc_id, "run_id": run_id(run)}


def duckdb_current(out: Path) -> tuple[float, int]:
    """The peer: current version and 404-gone per URL from the whole ledger; (CPU s, current URLs)."""
    start = time.process_time()
    con = duckdb.connect()
    con.execute("set threads = 2")
    rows = con.execute(f"""
        select count(*) from (
            select url,
                   arg_max(doc_id, fetched_at) filter (where outcome in ('document', 'unchanged')) as current_doc,
                   max(fetched_at) filter (where outcome in ('document', 'unchanged')) as last_seen,
                   max(fetched_at) filter (where status in (404, 410)) as last_removed
            from read_parquet('{out}/pages/*.parquet') group by url
        ) where current_doc is not null and (last_removed is null or last_removed < last_seen)
    """).fetchall()
    return time.process_time() - start, rows[0][0]


def fold_in_a_fresh_process(out: Path, run: int) -> dict:
    """``update_url_states`` for one run in a new Python process: CPU s, peak RSS, RSS after imports (MB)."""
    result = subprocess.run([sys.executable, __file__, "--fold", str(out), str(run)], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout)


def memory_mb(key: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process: unlike ru_maxrss, not inherited from the parent."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(key))
    return int(line.split()[1]) / 1024


def fold_here(out: Path, run: int) -> None:
    imported = memory_mb("VmRSS")
    start = time.process_time()
    versions, _ = update_url_states(out, run_id(run), gone_after=2)
    cpu = time.process_time() - start
    print(json.dumps({"cpu": cpu, "peak": memory_mb("VmHWM"), "imported": imported,
                      "current": len(versions.current), **versions.changes}))


def measure(n: int, runs: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    urls = [f"http://h{i % HOSTS}.test/p{i}" for i in range(n)]
    texts = dict.fromkeys(urls, 0)
    with tempfile.TemporaryDirectory(prefix="cuishou-versions-") as folder:
        out = Path(folder)
        for run in range(1, runs + 1):
            write_run_files(out, run, urls, texts, rng)
            fold = fold_in_a_fresh_process(out, run)
            peer_cpu, peer_current = duckdb_current(out)
            print(f"{n:>9,} {run:>3} {fold['cpu']:>9.1f} {fold['peak']:>8,.0f} {fold['imported']:>8,.0f} "
                  f"{fold['current']:>9,} {fold['changed']:>7,} {fold['gone']:>6,} {peer_cpu:>9.2f} "
                  f"{peer_current:>9,}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--urls", type=int, nargs="+", default=[100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fold", nargs=2, metavar=("OUT", "RUN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fold:
        return fold_here(Path(args.fold[0]), int(args.fold[1]))
    print("cuishou: update_url_states in a fresh process (CPU s; peak RSS and RSS after imports, MB); "
          "duckdb: the ledger query (CPU s)")
    print(f"{'URLs':>9} {'run':>3} {'cuishou s':>9} {'peak MB':>8} {'base MB':>8} {'current':>9} {'changed':>7} "
          f"{'gone':>6} {'duckdb s':>9} {'current':>9}")
    for n in args.urls:
        measure(n, args.runs)


if __name__ == "__main__":
    main()

"""Kill -9 a crawl at random points, run the same command again, compare with an uninterrupted run.

For each seed: crawl the dev site (its own server, as a proxy) with ``cuishou build``, SIGKILL
the process once its journal holds a random number of finished URLs, run the same command to
completion, and compare documents (doc_id, text, dup_cluster, is_canonical) and the run's pages
(url, outcome) with a reference run that was never interrupted. Also counts URLs finished before
the kill that were fetched again (should be 0).

    uv run python benchmarks/resume.py --seeds 1 2 3
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.dataset as ds

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.quality import DEFAULT_SITE, requested_urls, serve  # noqa: E402

DOCUMENT_COLUMNS = ["doc_id", "text", "dup_cluster", "is_canonical"]


def build_command(site: Path, proxy: str, out: Path) -> list[str]:
    return [sys.executable, "-m", "cuishou.flows.cli", "build", "--seeds", str(site / "seeds.txt"), "--proxy", proxy,
            "--delay", "0.05", "--out", str(out)]


def journal_urls(out: Path) -> set[str]:
    try:
        with sqlite3.connect(out / "state" / "crawl.sqlite") as db:
            return {row[0] for row in db.execute("select url from journal")}
    except sqlite3.OperationalError:
        return set()


def corpus_rows(out: Path) -> tuple[list, list]:
    documents = ds.dataset(out / "documents", partitioning="hive").to_table(columns=DOCUMENT_COLUMNS).to_pylist()
    pages = ds.dataset(out / "pages", partitioning="hive").to_table(columns=["url", "outcome"]).to_pylist()
    return (sorted(tuple(r[c] for c in DOCUMENT_COLUMNS) for r in documents),
            sorted((r["url"], r["outcome"]) for r in pages))


def killed_then_resumed(site: Path, work: Path, seed: int) -> dict:
    out, log = work / f"seed-{seed}", work / f"seed-{seed}.log"
    process_server, proxy = serve(site, log)
    try:
        kill_after = random.Random(seed).randint(1, 60)
        crawl = subprocess.Popen(build_command(site, proxy, out), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        journaled: set[str] = set()
        while crawl.poll() is None and len(journaled) < kill_after:
            time.sleep(0.02)
            journaled = journal_urls(out)
        if crawl.poll() is not None:
            raise SystemExit(f"seed {seed}: the build ended (exit {crawl.returncode}) before {kill_after} URLs "
                             "were journaled, so nothing was killed: pick another seed")
        crawl.kill()
        if crawl.wait() != -signal.SIGKILL:
            raise SystemExit(f"seed {seed}: the build was not killed (exit {crawl.returncode})")
        log_at_kill = len(log.read_text(encoding="utf-8", errors="replace"))
        resumed = subprocess.run(build_command(site, proxy, out), capture_output=True, text=True)
        if resumed.returncode != 0:
            raise SystemExit(f"seed {seed}: the resumed run failed:\n{resumed.stderr[-2000:]}")
        again = requested_urls(log, log_at_kill) & journaled
    finally:
        process_server.terminate()
        process_server.wait()
    return {"out": out, "kill_after": kill_after, "journaled": len(journaled), "fetched_again": len(again)}


def reference_run(site: Path, work: Path) -> Path:
    out, log = work / "reference", work / "reference.log"
    process_server, proxy = serve(site, log)
    try:
        subprocess.run(build_command(site, proxy, out), check=True, capture_output=True)
    finally:
        process_server.terminate()
        process_server.wait()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=DEFAULT_SITE)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cuishou-resume-"))
    reference = corpus_rows(reference_run(args.site, work))
    print(f"reference: {len(reference[0])} documents, {len(reference[1])} pages rows")
    print(f"{'seed':>4} {'kill after':>10} {'journaled':>9} {'fetched again':>13} {'documents':>9} {'pages':>6}")
    for seed in args.seeds:
        result = killed_then_resumed(args.site, work, seed)
        documents, pages = corpus_rows(result["out"])
        same_documents = "same" if documents == reference[0] else "DIFFERENT"
        same_pages = "same" if pages == reference[1] else "DIFFERENT"
        print(f"{seed:>4} {result['kill_after']:>10} {result['journaled']:>9} {result['fetched_again']:>13} "
              f"{same_documents:>9} {same_pages:>6}")


if __name__ == "__main__":
    main()

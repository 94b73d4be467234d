"""Dedup at 10k / 100k / 1M generated docs on this machine: wall time, docs/s, peak RSS.

cuishou: ``transform.dedup_table.dedup_parquet`` end to end (read Parquet, 2 processes, write
Parquet). datasketch: MinHashLSH defaults (char 5-grams, 128 perms, threshold 0.8; insert then
query every doc) in one process, as datasketch runs. Each measurement is a fresh subprocess;
peak memory is the largest PSS sum over its process tree (sampled every 0.2 s; PSS counts pages
that forked workers share with their parent once). datasketch at 1M is
extrapolated linearly from 100k unless --datasketch-1m (it would take ~40 min).

    uv run --group bench python benchmarks/dedup_scale.py [--sizes 10000 100000 1000000] [--repeat 1]

Measured (median of 3 runs; generated sets seed 1, ~1.3k chars/doc; 2 cores shared with other
jobs, so wall times vary by up to 2x between runs and CPU seconds are the steadier figure):

       docs  system       wall s  docs/s   CPU s  peak MB
     10,000  cuishou         4.3    2336     5.1      466   (~3 CPU-s of it is start-up)
     10,000  datasketch     23.0     435    20.7      321
    100,000  cuishou        37.8    2649    36.9      871
    100,000  datasketch    192.1     521   180.6      974
  1,000,000  cuishou       203.3    4920   355.9     2475
  1,000,000  datasketch   ~1921 (extrapolated linearly from 100k)

Throughput cuishou/datasketch: 5.4x (10k), 5.1x (100k), ~9.4x (1M, extrapolated).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def tree_memory(process: psutil.Process) -> int:
    """PSS of a process tree: pages shared by forked workers are counted once, not per process."""
    try:
        return sum(p.memory_full_info().pss for p in [process, *process.children(recursive=True)])
    except psutil.Error:
        return 0


def measure(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (its whole tree), peak tree RSS in MB, and stdout of a fresh subprocess.

    CPU seconds say what a run costs when other jobs share the 2 cores (wall time then varies).
    """
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as stdout:
        child = subprocess.Popen(command, stdout=stdout, text=True, cwd=ROOT)
        handle, peak = psutil.Process(child.pid), 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_memory(handle))
            time.sleep(0.2)
        wall = time.monotonic() - started
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{command} failed ({status})")
        stdout.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, peak / 2**20, stdout.read()


def run_cuishou(source: str) -> None:
    from transform.dedup.table import dedup_parquet

    with tempfile.TemporaryDirectory() as out:
        stats = dedup_parquet(Path(source), Path(out))
    stats.pop("files")
    print(json.dumps(stats))


def datasketch_minhash(text: str, n: int = 5, num_perm: int = 128):
    """The datasketch baseline's MinHash of one text: its char n-grams, raw text (also dedup_quality's)."""
    from datasketch import MinHash  # here, so this module stays light for the cuishou subprocess

    minhash = MinHash(num_perm=num_perm)
    minhash.update_batch([text[i : i + n].encode() for i in range(max(len(text) - n + 1, 1))])
    return minhash


def run_datasketch(source: str) -> None:
    import pyarrow.parquet as pq
    from datasketch import MinHashLSH

    lsh, signatures = MinHashLSH(threshold=0.8, num_perm=128), []
    for batch in pq.ParquetFile(source).iter_batches(batch_size=10_000, columns=["doc_id", "text"]):
        for doc_id, text in zip(batch.column("doc_id").to_pylist(), batch.column("text").to_pylist()):
            minhash = datasketch_minhash(text)
            lsh.insert(doc_id, minhash)
            signatures.append(minhash)
    pairs = sum(len(lsh.query(m)) - 1 for m in signatures)
    print(json.dumps({"documents": len(signatures), "query_hits": pairs}))


def dataset(size: int, seed: int, folder: Path) -> Path:
    path = folder / f"dedup-gen-{size}-s{seed}.parquet"
    if not path.exists():
        from benchmarks.dedup_generate import write

        write(size, seed, path, jobs=2)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; medians are printed")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--datasketch-1m", action="store_true")
    parser.add_argument("--systems", nargs="+", default=["cuishou", "datasketch"], choices=["cuishou", "datasketch"])
    parser.add_argument("--run", choices=["cuishou", "datasketch"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        {"cuishou": run_cuishou, "datasketch": run_datasketch}[args.run](args.input)
        return 0
    print(f"{'docs':>9} {'system':<11} {'wall s':>8} {'docs/s':>8} {'CPU s':>8} {'peak MB':>8}  detail")
    rates: dict[str, dict[int, float]] = {"cuishou": {}, "datasketch": {}}
    for size in args.sizes:
        source = dataset(size, args.seed, args.data)
        for system in args.systems:
            if system == "datasketch" and size >= 1_000_000 and not args.datasketch_1m:
                continue
            command = [sys.executable, __file__, "--run", system, "--input", str(source)]
            runs = [measure(command) for _ in range(args.repeat)]
            wall, cpu, peak = (statistics.median(r[i] for r in runs) for i in range(3))
            rates[system][size] = size / wall
            detail = runs[-1][3].strip()
            print(f"{size:>9} {system:<11} {wall:8.1f} {size / wall:8.0f} {cpu:8.1f} {peak:8.0f}  {detail}", flush=True)
    for size in args.sizes:
        ours, theirs = rates["cuishou"].get(size), rates["datasketch"].get(size)
        if theirs is None and rates["datasketch"]:
            largest = max(rates["datasketch"])
            theirs = rates["datasketch"][largest]
            print(f"{size:>9} datasketch extrapolated linearly from {largest} docs: {size / theirs:8.0f} s")
        if ours and theirs:
            print(f"{size:>9} throughput cuishou/datasketch: {ours / theirs:5.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Dedup throughput, CPU, memory and pair F1 at scale: cuishou beside its peers, in the same run.

Input: generated labelled Parquet (benchmarks/dedup_generate.py, ~1.3k chars/doc), made once per
size and seed. Every system reads that Parquet and writes the input rows plus a cluster column
back to Parquet, with 2 processes (see benchmarks/dedup_peers.py for the peers):

* ``cuishou``: ``transform.dedup.table.dedup_parquet`` (``cuishou dedup``), 2 workers;
* ``rensa``: the rensa pipeline, sketching, banding, verification and writing shared out to a
  2-process pool the same way (rayon held to one thread per process);
* ``datasketch``: MinHash of the same normalised 3-grams in a 2-process pool, MinHashLSH at its
  tuned threshold in the parent (the index is one in-memory object), clusters written likewise.

Each measurement is a fresh subprocess; figures: wall seconds, docs/s, CPU seconds of the whole
process tree (user + system, from wait4), peak RSS of the process tree (the largest sum of the
tree's resident set sizes, sampled every 0.2 s; forked workers' shared pages count in each),
pair P/R/F1 against the generator's labels, and each system's stages (wall and CPU seconds).
Runs alternate between systems; ``--repeat 3`` prints medians.

    uv run --group bench python benchmarks/dedup_scale.py --sizes 100000 1000000 --seed 7 --repeat 3
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SYSTEMS = ("cuishou", "rensa", "datasketch")


def tree_rss(process: psutil.Process) -> int:
    """Resident set size summed over a process and its descendants."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (whole tree) and peak tree RSS in MB of a fresh subprocess."""
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT, env=env)
    handle, peak = psutil.Process(child.pid), 0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_rss(handle))
        time.sleep(0.2)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{command} failed ({status})")
    return time.monotonic() - started, usage.ru_utime + usage.ru_stime, peak / 2**20


# --- the systems, each run in its own subprocess --------------------------------------------------


def run_cuishou(source: Path, out: Path) -> dict:
    from cuishou.transform.dedup.table import dedup_parquet

    stats = dedup_parquet(source, out, workers=2)
    stats.pop("files")
    return stats


def _pool() -> multiprocessing.pool.Pool:
    return multiprocessing.get_context("fork").Pool(2)


def _groups(source: Path) -> list[int]:
    return list(range(pq.ParquetFile(source).metadata.num_row_groups))


def _texts(source: Path, group: int, rows: list[int] | None = None) -> list[str]:
    column = pq.ParquetFile(source).read_row_group(group, columns=["text"]).column("text")
    if rows is not None:
        column = column.take(pa.array(rows, pa.int64()))
    return [t or "" for t in column.to_pylist()]


def _cpu(function, *args):
    started = time.process_time()
    return function(*args), time.process_time() - started


class _Stages:
    """Wall and CPU (parent + pool tasks) per stage, as cuishou's StageClock reports them."""

    def __init__(self, pool):
        self.pool, self.timings = pool, {}

    def run(self, name: str, function, items) -> list:
        wall, cpu = time.monotonic(), time.process_time()
        results = self.pool.starmap(functools.partial(_cpu, function), items)
        self.timings[f"{name}_s"] = round(time.monotonic() - wall, 2)
        self.timings[f"{name}_cpu_s"] = round(time.process_time() - cpu + sum(c for _, c in results), 2)
        return [r for r, _ in results]

    def local(self, name: str, function, *args):
        wall, cpu = time.monotonic(), time.process_time()
        result = function(*args)
        self.timings[f"{name}_s"] = round(time.monotonic() - wall, 2)
        self.timings[f"{name}_cpu_s"] = round(time.process_time() - cpu, 2)
        return result


def _rensa_sketch(source: Path, group: int) -> np.ndarray:
    from benchmarks.dedup_peers import rensa_signatures

    return rensa_signatures(_texts(source, group))


def _rensa_band_share(path: str, bands: list[int]) -> np.ndarray:
    from benchmarks.dedup_peers import rensa_candidates

    return rensa_candidates(np.load(path, mmap_mode="r"), bands)


def _rensa_verify(source: Path, offsets: np.ndarray, pairs: np.ndarray) -> list[tuple[int, int]]:
    from benchmarks.dedup_peers import rensa_verify

    needed, texts = np.unique(pairs), {}
    for group in range(offsets.size - 1):
        first, last = np.searchsorted(needed, offsets[group : group + 2])
        wanted = needed[first:last].tolist()
        if wanted:
            texts.update(zip(wanted, _texts(source, group, [r - int(offsets[group]) for r in wanted])))
    return rensa_verify(pairs, texts)


def _write_group(source: Path, group: int, labels: list[str], path: Path) -> None:
    table = pq.ParquetFile(source).read_row_group(group)
    pq.write_table(table.append_column("dup_cluster", pa.array(labels, pa.string())), path, compression="zstd")


def _offsets(source: Path) -> np.ndarray:
    metadata = pq.ParquetFile(source).metadata
    return np.concatenate([[0], np.cumsum([metadata.row_group(g).num_rows for g in range(metadata.num_row_groups)])])


def _write(stages: _Stages, source: Path, roots: np.ndarray, out: Path) -> None:
    doc_ids = pq.read_table(source, columns=["doc_id"]).column("doc_id").to_pylist()
    offsets = _offsets(source)
    out.mkdir(parents=True, exist_ok=True)
    labels = [doc_ids[r] for r in roots.tolist()]
    items = [
        (source, g, labels[offsets[g] : offsets[g + 1]], out / f"part-{g:05d}.parquet") for g in range(offsets.size - 1)
    ]
    stages.run("write", _write_group, items)


def run_rensa(source: Path, out: Path) -> dict:
    from cuishou.transform.dedup.batch import connected_components

    with _pool() as pool:  # forked before rensa runs in this process
        stages, offsets = _Stages(pool), _offsets(source)
        signatures = np.concatenate(stages.run("sketch", _rensa_sketch, [(source, g) for g in _groups(source)]))
        with tempfile.TemporaryDirectory() as folder:
            np.save(f"{folder}/signatures.npy", signatures)
            shares = [(f"{folder}/signatures.npy", list(range(42))[w::2]) for w in range(2)]
            found = stages.run("candidates", _rensa_band_share, shares)
        del signatures
        pairs = np.unique(np.concatenate(found), axis=0)
        halves = np.array_split(pairs, 2)
        edges = [
            e for part in stages.run("verify", _rensa_verify, [(source, offsets, h) for h in halves]) for e in part
        ]
        roots = stages.local("cluster", connected_components, int(offsets[-1]), edges)
        _write(stages, source, roots, out)
    return {"candidate_pairs": len(pairs), "edges": len(edges), **stages.timings}


def _datasketch_sketch(source: Path, group: int) -> list:
    from benchmarks.dedup_peers import datasketch_minhash, keys, trigram_list

    return [datasketch_minhash(set(trigram_list(key))) for key in keys(_texts(source, group))]


def run_datasketch(source: Path, out: Path) -> dict:
    from benchmarks.dedup_peers import DATASKETCH_THRESHOLD, datasketch_clusters

    with _pool() as pool:
        stages = _Stages(pool)
        minhashes = [
            m for part in stages.run("sketch", _datasketch_sketch, [(source, g) for g in _groups(source)]) for m in part
        ]
        roots = stages.local("lsh", datasketch_clusters, minhashes, DATASKETCH_THRESHOLD)
        del minhashes
        _write(stages, source, roots, out)
    return stages.timings


# --- the harness ---------------------------------------------------------------------------------


def pair_scores(out: Path, label_column: str) -> tuple[float, float, float]:
    from benchmarks.scoring import prf, same_cluster_pairs

    table = pq.read_table(out, columns=["doc_id", "cluster", label_column])
    doc_ids = table.column("doc_id").to_pylist()
    predicted = same_cluster_pairs(dict(zip(doc_ids, table.column(label_column).to_pylist())))
    return prf(predicted, same_cluster_pairs(dict(zip(doc_ids, table.column("cluster").to_pylist()))))


def dataset(size: int, seed: int, folder: Path) -> Path:
    path = folder / f"dedup-gen-{size}-s{seed}.parquet"
    if not path.exists():
        from benchmarks.dedup_generate import write

        write(size, seed, path, jobs=2)
    return path


def one_run(system: str, source: Path, work: Path) -> dict:
    """Measure one system once: figures, stage timings and pair scores."""
    out, stats_file = work / f"out-{system}", work / f"stats-{system}.json"
    command = [sys.executable, __file__, "--run", system, "--input", str(source), "--output", str(out)]
    env = {**os.environ, "RAYON_NUM_THREADS": "1"}
    wall, cpu, peak = measure(command + ["--stats", str(stats_file)], env)
    stages = json.loads(stats_file.read_text())
    p, r, f = pair_scores(out, "dup_cluster")
    return {"wall": wall, "cpu": cpu, "peak": peak, "P": p, "R": r, "F1": f, "stages": stages}


def stage_line(stages: dict) -> str:
    names = [k[: -len("_cpu_s")] for k in stages if k.endswith("_cpu_s")]
    return "  ".join(f"{n} {stages[n + '_s']:.1f}/{stages[n + '_cpu_s']:.1f}" for n in names)


POOLED_STAGES = {"sketch", "candidates", "verify", "write"}  # shared out to the 2 workers; "cluster" runs in the parent


def extrapolate(stage_runs: dict[int, list[dict]], target: int = 10_000_000) -> None:
    """cuishou's CPU seconds per stage at the two largest sizes, each stage's growth exponent
    between them, and the stage extrapolated to `target` docs (wall on 2 free cores: pooled
    stages CPU/2, the parent's CPU/1)."""
    (small, small_runs), (large, large_runs) = sorted((s, r) for s, r in stage_runs.items() if r)[-2:]
    first, second = small_runs[len(small_runs) // 2]["stages"], large_runs[len(large_runs) // 2]["stages"]
    print(f"cuishou stages, CPU s at {small:,} and {large:,} docs, growth exponent, extrapolated to {target:,}:")
    total_wall = 0.0
    for name in (k[: -len("_cpu_s")] for k in second if k.endswith("_cpu_s")):
        a, b = max(first[f"{name}_cpu_s"], 0.01), max(second[f"{name}_cpu_s"], 0.01)
        exponent = math.log(b / a) / math.log(large / small)
        cpu = b * (target / large) ** exponent
        wall = cpu / (2 if name in POOLED_STAGES else 1)
        total_wall += wall
        print(f"  {name:<11} {a:8.1f} {b:8.1f}   x^{exponent:4.2f}   {cpu:8.0f} CPU s  ~{wall / 60:5.1f} min")
    print(f"  total, stages only: ~{total_wall / 60:.1f} min on 2 free cores (pooled stages CPU/2, parent's CPU/1)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1, help="alternating runs per system; medians are printed")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    parser.add_argument("--datasketch-max", type=int, default=100_000, help="largest size datasketch runs at")
    parser.add_argument("--run", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stats", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        stats = {"cuishou": run_cuishou, "rensa": run_rensa, "datasketch": run_datasketch}[args.run](
            args.input, args.output
        )
        args.stats.write_text(json.dumps(stats))
        return 0
    print(f"machine: {os.cpu_count()} cores, load average before start {os.getloadavg()[0]:.2f}", flush=True)
    header = (
        f"{'docs':>9} {'system':<11} {'wall s':>7} {'docs/s':>7} {'CPU s':>7} {'RSS MB':>7} {'P':>6} {'R':>6} {'F1':>6}"
    )
    print(header + "  stages wall/CPU s", flush=True)
    cuishou_stages: dict[int, list[dict]] = {}
    for size in args.sizes:
        source = dataset(size, args.seed, args.data)
        systems = [s for s in args.systems if s != "datasketch" or size <= args.datasketch_max]
        runs: dict[str, list[dict]] = {s: [] for s in systems}
        with tempfile.TemporaryDirectory(prefix="cuishou-dedup-scale-") as work:
            for _ in range(args.repeat):
                for system in systems:  # alternate, so load changes hit every system alike
                    runs[system].append(one_run(system, source, Path(work)))
        medians = {}
        for system, results in runs.items():
            m = {k: statistics.median(r[k] for r in results) for k in ("wall", "cpu", "peak", "P", "R", "F1")}
            medians[system] = m
            stages = sorted(results, key=lambda r: r["cpu"])[len(results) // 2]["stages"]
            print(
                f"{size:>9} {system:<11} {m['wall']:7.1f} {size / m['wall']:7.0f} {m['cpu']:7.1f} {m['peak']:7.0f} "
                f"{m['P']:6.4f} {m['R']:6.4f} {m['F1']:6.4f}  {stage_line(stages)}",
                flush=True,
            )
        ours = medians.get("cuishou")
        for peer in (s for s in systems if s != "cuishou" and ours):
            theirs = medians[peer]
            print(
                f"{size:>9} cuishou/{peer}: throughput {theirs['wall'] / ours['wall']:.2f}x, "
                f"CPU {theirs['cpu'] / ours['cpu']:.2f}x less, "
                f"peak RSS {ours['peak'] / theirs['peak']:.2f} of the peer's, "
                f"F1 {ours['F1'] - theirs['F1']:+.4f}",
                flush=True,
            )
        cuishou_stages[size] = sorted(runs.get("cuishou", []), key=lambda r: r["cpu"])
    if len([size for size, runs in cuishou_stages.items() if runs]) >= 2:
        extrapolate(cuishou_stages)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Duplicate-pair P/R/F1 of cuishou's dedup beside its peers, in the same run, on the same texts.

Sets: the dev site's gold articles (tests/fixtures/dev_site/gold.jsonl) and a generated set
(benchmarks/dedup_generate.py). Systems (see benchmarks/dedup_peers.py):

* ``cuishou``: ``transform.dedup.cluster_documents``;
* ``rensa``: a rensa pipeline on the same normalised 3-grams, tuned exact-Jaccard threshold;
* ``datasketch best``: MinHashLSH on the same normalised 3-grams at its tuned threshold;
* ``datasketch defaults``: raw char 5-grams, ``MinHashLSH()`` defaults (threshold 0.9).

    uv run --group bench python benchmarks/dedup_quality.py [--docs 20000 --seed 1] [--tune]

``--tune`` prints the peers' pair F1 over a threshold grid on the generated set (how their
thresholds in dedup_peers.py were chosen). ``--lsh-recall`` prints, for several band layouts,
the share of near-threshold copies (a dev-site base spun until Jaccard 0.30-0.45, one copy per
pair: a single LSH path) that become candidates: what the permutation count decides.
``--planted N`` plants such copies of random documents among N generated documents (made once
under ``--data``, as benchmarks/dedup_scale.py makes them) and prints the share that LSH and the
estimate propose: there, large buckets of same-topic documents compete with them.

    uv run python benchmarks/dedup_quality.py --planted 1000000 --data /tmp
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path
from unittest import mock

import numpy as np
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import dedup_peers, dedup_scale  # noqa: E402
from benchmarks.dedup_generate import generate  # noqa: E402
from benchmarks.scoring import prf, same_cluster_pairs  # noqa: E402
from cuishou.transform.dedup import DedupDoc, NearDuplicateRule, cluster_documents  # noqa: E402
from cuishou.transform.dedup.batch import exact_representatives  # noqa: E402
from cuishou.transform.dedup.lsh import band_keys, plausible_lsh_pairs  # noqa: E402
from cuishou.transform.dedup.normalize import normalized_codes  # noqa: E402
from cuishou.transform.dedup.sketch import (  # noqa: E402
    Sketches,
    minhash_signatures,
    shingle_hashes,
    shingle_set,
    sketch_texts,
)
from cuishou.transform.dedup.verify import shingle_overlap  # noqa: E402

GOLD = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dev_site" / "gold.jsonl"
SYSTEMS = ("cuishou", "rensa", "datasketch best", "datasketch defaults")


def dev_set() -> tuple[list[DedupDoc], dict[str, str]]:
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    articles = [r for r in rows if r["kind"] == "article"]
    docs = [
        DedupDoc(hashlib.sha256(r["url"].encode()).hexdigest()[:32], r["main_text"], r["url"], r["published"])
        for r in articles
    ]
    return docs, {d.doc_id: r["dup_cluster"] for d, r in zip(docs, articles)}


def generated_set(count: int, seed: int) -> tuple[list[DedupDoc], dict[str, str], dict[str, str]]:
    rows = [row for chunk in generate(count, seed) for row in chunk]
    docs = [DedupDoc(r["doc_id"], r["text"], r["url"], r["published"] and r["published"].isoformat()) for r in rows]
    return docs, {r["doc_id"]: r["cluster"] for r in rows}, {r["doc_id"]: r["variant_kind"] for r in rows}


def clusters(system: str, docs: list[DedupDoc]) -> dict[str, str]:
    """doc_id -> cluster label of one system."""
    if system == "cuishou":
        return {i: a.dup_cluster for i, a in cluster_documents(docs).items()}
    texts = [d.text for d in docs]
    roots = {
        "rensa": dedup_peers.rensa_clusters,
        "datasketch best": dedup_peers.datasketch_best,
        "datasketch defaults": dedup_peers.datasketch_defaults,
    }[system](texts)
    return {d.doc_id: str(root) for d, root in zip(docs, roots.tolist())}


def pair_prf(labels: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    return prf(same_cluster_pairs(labels), same_cluster_pairs(gold))


def recall_by_kind(ours: dict[str, str], gold: dict[str, str], kinds: dict[str, str]) -> dict[str, str]:
    base = {gold[i]: i for i, k in kinds.items() if k == "base"}
    found, total = Counter(), Counter()
    for doc_id, kind in kinds.items():
        if kind != "base":
            total[kind] += 1
            found[kind] += ours[doc_id] == ours[base[gold[doc_id]]]
    return {kind: f"{found[kind]}/{total[kind]}" for kind in sorted(total)}


def tune(docs: list[DedupDoc], gold: dict[str, str]) -> None:
    """Pair F1 of each peer over a threshold grid (the best one is what dedup_peers uses)."""
    texts = [d.text for d in docs]
    for name, attribute, grid, run in (
        ("rensa", "RENSA_THRESHOLD", (0.2, 0.25, 0.3, 0.35, 0.4, 0.5), dedup_peers.rensa_clusters),
        ("datasketch best", None, (0.3, 0.4, 0.5, 0.6, 0.7), None),
    ):
        if name == "datasketch best":
            minhashes = [
                dedup_peers.datasketch_minhash(set(dedup_peers.trigram_list(k))) for k in dedup_peers.keys(texts)
            ]
        for threshold in grid:
            if attribute:
                with mock.patch.object(dedup_peers, attribute, threshold):
                    roots = run(texts)
            else:
                roots = dedup_peers.datasketch_clusters(minhashes, threshold)
            p, r, f = pair_prf({d.doc_id: str(x) for d, x in zip(docs, roots.tolist())}, gold)
            print(f"tune {name:<16} threshold {threshold:4.2f}  P {p:.3f} R {r:.3f} F1 {f:.3f}", flush=True)


LAYOUTS = ((42, 3), (32, 4), (50, 3), (64, 3), (85, 3))  # (bands, rows); permutations = bands x rows


def spun(text: str, share: float, seed: int) -> str:
    """`text` with a `share` of its Han characters swapped for others of the text."""
    rng = random.Random(seed)
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return "".join(rng.choice(han) if "\u4e00" <= c <= "\u9fff" and rng.random() < share else c for c in text)


SPIN_SHARES = (0.16, 0.18, 0.2, 0.22, 0.24)  # spin rates that bring a copy near the Jaccard threshold


def near_threshold_copy(base: str, share: float, seed: int) -> tuple[str, float] | None:
    """`base` spun by `share` and its Jaccard to `base`, when that is 0.30-0.45 (near the threshold)."""
    copy = spun(base, share, seed)
    jaccard = shingle_overlap(shingle_set(base), shingle_set(copy))[0]
    return (copy, jaccard) if 0.3 <= jaccard < 0.45 else None


def shares_line(hits: np.ndarray, jaccards: np.ndarray) -> str:
    low, high = hits[jaccards < 0.35].mean(), hits[jaccards >= 0.4].mean()
    return f"all {hits.mean():.3f}  J<0.35 {low:.3f}  J>=0.4 {high:.3f}"


def lsh_recall() -> None:
    """Candidate rate of near-threshold copies under each band layout (same shingles, rensa R-MinHash)."""
    bases = [r["main_text"] for r in (json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines())
             if r["kind"] == "article" and r["variant_kind"] == "base"]  # fmt: skip
    pairs = []
    for number, base in enumerate(bases):
        for share in SPIN_SHARES:
            for seed in range(12):
                if copy := near_threshold_copy(base, share, seed * 100 + number):
                    pairs.append((base, *copy))
    jaccards = np.array([j for _, _, j in pairs])
    print(f"{len(pairs)} copies with Jaccard 0.30-0.45 to their base; share that becomes a candidate:")
    for bands, rows in LAYOUTS:
        hits = []
        for base, copy, _ in pairs:
            hashes, counts = shingle_hashes(*normalized_codes([base, copy]))
            keys = band_keys(minhash_signatures(hashes, counts, bands * rows).astype(np.uint16), bands, rows)
            hits.append(bool((keys[0] == keys[1]).any()))
        print(f"  {f'{bands} x {rows} ({bands * rows:3d} perms)'}: {shares_line(np.array(hits), jaccards)}")


def _sketch_row_group(source: Path, group: int) -> Sketches:
    texts = pq.ParquetFile(source).read_row_group(group, columns=["text"]).column("text").to_pylist()
    return sketch_texts([t or "" for t in texts])


def planted_recall(size: int, data: Path, copies: int) -> None:
    """Share of near-threshold copies planted among `size` generated documents that become plausible pairs.

    Each copy is a random document spun until Jaccard 0.30-0.45 (one copy per document: a single
    path) under a new doc_id, so it sorts anywhere among the others; the whole set goes through
    ``plausible_lsh_pairs`` as ``cluster_documents`` runs it.
    """
    source = dedup_scale.dataset(size, 7, data)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        groups = range(pq.ParquetFile(source).metadata.num_row_groups)
        corpus = Sketches.concat(pool.starmap(_sketch_row_group, [(source, g) for g in groups]))
    table = pq.read_table(source, columns=["doc_id", "text"])
    rng = random.Random(size)
    bases, texts, jaccards = [], [], []
    for row in rng.sample(range(table.num_rows), copies * 2):
        base = table.column("text")[row].as_py() or ""
        if copy := near_threshold_copy(base, rng.choice(SPIN_SHARES), rng.randrange(2**32)):
            bases.append(row)
            texts.append(copy[0])
            jaccards.append(copy[1])
        if len(bases) == copies:
            break
    planted_ids = [hashlib.sha256(f"planted-{n}".encode()).hexdigest()[:32] for n in range(len(bases))]
    doc_ids = np.array(table.column("doc_id").to_pylist() + planted_ids, dtype=object)
    everything = Sketches.concat([corpus, sketch_texts(texts)])
    rank = np.argsort(doc_ids, kind="stable")
    position = np.empty_like(rank)
    position[rank] = np.arange(rank.size)
    representative = exact_representatives(everything.take(rank, signatures=False))
    pairs = plausible_lsh_pairs(everything, representative, NearDuplicateRule(), rank=rank)
    found = set((pairs[:, 0] * rank.size + pairs[:, 1]).tolist())
    left = representative[position[np.array(bases)]]
    right = position[table.num_rows + np.arange(len(bases))]
    hits = np.isin(np.minimum(left, right) * rank.size + np.maximum(left, right), list(found))
    print(f"{len(bases)} near-threshold copies (Jaccard 0.30-0.45) planted among {size:,} generated docs (seed 7);")
    print(f"  share proposed as a plausible pair: {shares_line(hits, np.array(jaccards))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tune", action="store_true", help="print the peers' F1 over a threshold grid")
    parser.add_argument("--lsh-recall", action="store_true", help="candidate rate of near-threshold copies by bands")
    parser.add_argument("--planted", type=int, metavar="N", help="near-threshold copies planted among N generated docs")
    parser.add_argument("--copies", type=int, default=6000, help="copies planted (--planted)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()), help="where generated sets are kept")
    args = parser.parse_args(argv)
    if args.lsh_recall:
        lsh_recall()
        return 0
    if args.planted:
        planted_recall(args.planted, args.data, args.copies)
        return 0
    gen_docs, gen_gold, kinds = generated_set(args.docs, args.seed)
    if args.tune:
        tune(gen_docs, gen_gold)
        return 0
    dev_docs, dev_gold = dev_set()
    print(f"{'set':<22} {'system':<20} {'P':>6} {'R':>6} {'F1':>6}")
    ours = {}
    for name, docs, gold in (
        ("dev site", dev_docs, dev_gold),
        (f"generated {args.docs} s{args.seed}", gen_docs, gen_gold),
    ):
        for system in SYSTEMS:
            labels = clusters(system, docs)
            if system == "cuishou":
                ours = labels
            p, r, f = pair_prf(labels, gold)
            print(f"{name:<22} {system:<20} {p:6.3f} {r:6.3f} {f:6.3f}", flush=True)
    print("cuishou copies joined to their base, by kind:", recall_by_kind(ours, gen_gold, kinds))
    return 0


if __name__ == "__main__":
    sys.exit(main())

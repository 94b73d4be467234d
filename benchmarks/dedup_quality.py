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
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path
from unittest import mock

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import dedup_peers  # noqa: E402
from benchmarks.dedup_generate import generate  # noqa: E402
from benchmarks.scoring import prf, same_cluster_pairs  # noqa: E402
from cuishou.transform.dedup import DedupDoc, cluster_documents  # noqa: E402
from cuishou.transform.dedup.lsh import band_keys  # noqa: E402
from cuishou.transform.dedup.normalize import normalized_codes  # noqa: E402
from cuishou.transform.dedup.sketch import minhash_signatures, shingle_hashes, shingle_set  # noqa: E402
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


def lsh_recall() -> None:
    """Candidate rate of near-threshold copies under each band layout (same shingles, rensa R-MinHash)."""
    bases = [r["main_text"] for r in (json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines())
             if r["kind"] == "article" and r["variant_kind"] == "base"]  # fmt: skip
    pairs = []
    for number, base in enumerate(bases):
        for share in (0.16, 0.18, 0.2, 0.22, 0.24):
            for seed in range(12):
                copy = spun(base, share, seed * 100 + number)
                jaccard = shingle_overlap(shingle_set(base), shingle_set(copy))[0]
                if 0.3 <= jaccard < 0.45:
                    pairs.append((base, copy, jaccard))
    jaccards = np.array([j for _, _, j in pairs])
    print(f"{len(pairs)} copies with Jaccard 0.30-0.45 to their base; share that becomes a candidate:")
    for bands, rows in LAYOUTS:
        hits = []
        for base, copy, _ in pairs:
            hashes, counts = shingle_hashes(*normalized_codes([base, copy]))
            keys = band_keys(minhash_signatures(hashes, counts, bands * rows).astype(np.uint16), bands, rows)
            hits.append(bool((keys[0] == keys[1]).any()))
        hits = np.array(hits)
        low, high = hits[jaccards < 0.35].mean(), hits[jaccards >= 0.4].mean()
        layout = f"{bands} x {rows} ({bands * rows:3d} perms)"
        print(f"  {layout}: all {hits.mean():.2f}  J<0.35 {low:.2f}  J>=0.4 {high:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tune", action="store_true", help="print the peers' F1 over a threshold grid")
    parser.add_argument("--lsh-recall", action="store_true", help="candidate rate of near-threshold copies by bands")
    args = parser.parse_args(argv)
    if args.lsh_recall:
        lsh_recall()
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

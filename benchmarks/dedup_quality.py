"""Duplicate-pair P/R/F1 of cuishou's dedup beside datasketch's defaults, in the same run.

Sets: the dev site's gold articles (tests/fixtures/dev_site/gold.jsonl) and a generated set
(benchmarks/dedup_generate.py). Baseline: datasketch MinHashLSH defaults, i.e. char 5-grams of
the raw text, 128 permutations, threshold 0.8, clusters = connected query results.

    uv run --group bench python benchmarks/dedup_quality.py [--docs 20000 --seed 1]

Measured (pair P / R / F1):

    dev site            cuishou     1.000  1.000  1.000    datasketch  1.000  0.500  0.667
    generated 20k s1    cuishou     1.000  1.000  1.000    datasketch  1.000  0.213  0.351

cuishou joins 2,369 of 2,370 generated copies to their base: every kind at 100 % but one
``spun-10+truncated`` copy (160/161); no two bases (hard negatives included) are merged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.dedup_generate import generate  # noqa: E402
from benchmarks.dedup_scale import datasketch_minhash  # noqa: E402
from benchmarks.scoring import prf, same_cluster_pairs  # noqa: E402
from transform.dedup import DedupDoc, cluster_documents, connected_components  # noqa: E402

GOLD = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dev_site" / "gold.jsonl"


def datasketch_clusters(
    texts: dict[str, str], n: int = 5, num_perm: int = 128, threshold: float = 0.8
) -> dict[str, str]:
    """datasketch defaults: MinHashLSH over char n-grams of the raw text; components of its answers."""
    from datasketch import MinHashLSH

    ids = list(texts)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures = []
    for doc_id in ids:
        minhash = datasketch_minhash(texts[doc_id], n, num_perm)
        lsh.insert(doc_id, minhash)
        signatures.append(minhash)
    position = {doc_id: i for i, doc_id in enumerate(ids)}
    links = [(i, position[other]) for i, m in enumerate(signatures) for other in lsh.query(m)]
    roots = connected_components(len(ids), links)
    return {doc_id: str(roots[i]) for i, doc_id in enumerate(ids)}


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


def score(docs: list[DedupDoc], gold: dict[str, str]) -> dict[str, tuple[float, float, float]]:
    ours = {i: a.dup_cluster for i, a in cluster_documents(docs).items()}
    theirs = datasketch_clusters({d.doc_id: d.text for d in docs})
    gold_pairs = same_cluster_pairs(gold)
    return {
        "cuishou": prf(same_cluster_pairs(ours), gold_pairs),
        "datasketch": prf(same_cluster_pairs(theirs), gold_pairs),
        "_ours": ours,
    }


def recall_by_kind(ours: dict[str, str], gold: dict[str, str], kinds: dict[str, str]) -> dict[str, str]:
    base = {gold[i]: i for i, k in kinds.items() if k == "base"}
    found, total = Counter(), Counter()
    for doc_id, kind in kinds.items():
        if kind != "base":
            total[kind] += 1
            found[kind] += ours[doc_id] == ours[base[gold[doc_id]]]
    return {kind: f"{found[kind]}/{total[kind]}" for kind in sorted(total)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    dev_docs, dev_gold = dev_set()
    gen_docs, gen_gold, kinds = generated_set(args.docs, args.seed)
    print(f"{'set':<22} {'system':<12} {'P':>6} {'R':>6} {'F1':>6}")
    sets = (("dev site", dev_docs, dev_gold), (f"generated {args.docs} s{args.seed}", gen_docs, gen_gold))
    for name, docs, gold in sets:
        result = score(docs, gold)
        for system in ("cuishou", "datasketch"):
            p, r, f = result[system]
            print(f"{name:<22} {system:<12} {p:6.3f} {r:6.3f} {f:6.3f}")
    print("cuishou copies joined to their base, by kind:", recall_by_kind(result["_ours"], gen_gold, kinds))
    return 0


if __name__ == "__main__":
    sys.exit(main())

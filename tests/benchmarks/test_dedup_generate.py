"""The labelled generator: deterministic, every variant kind present, and scored by cluster_documents."""

import random
import statistics
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

sys.path.insert(0, str(Path(__file__).parents[2]))
from benchmarks.dedup_generate import _SPIN_PATTERN, VARIANT_KINDS, generate, spin, write  # noqa: E402
from benchmarks.scoring import prf, same_cluster_pairs  # noqa: E402
from cuishou.transform.dedup import DedupDoc, cluster_documents  # noqa: E402


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return [row for chunk in generate(2500, seed=7) for row in chunk]


@pytest.fixture(scope="module")
def clusters(rows):
    docs = [DedupDoc(r["doc_id"], r["text"], r["url"], r["published"] and r["published"].isoformat()) for r in rows]
    return cluster_documents(docs)


def test_same_seed_same_parquet_other_seed_other_texts(tmp_path):
    first, again, other = (write(150, seed, tmp_path / f"{n}.parquet") for n, seed in (("a", 3), ("b", 3), ("c", 4)))
    assert pq.read_table(first).equals(pq.read_table(again))
    assert pq.read_table(first).column("text") != pq.read_table(other).column("text")


def test_parallel_generation_equals_serial():
    serial = [r for chunk in generate(500, seed=5, chunk_bases=100) for r in chunk]
    parallel = [r for chunk in generate(500, seed=5, jobs=2, chunk_bases=100) for r in chunk]
    assert len(serial) == 500 and serial == parallel


def test_every_variant_kind_is_present_and_clusters_are_a_minority(rows):
    kinds = Counter(r["variant_kind"] for r in rows)
    assert set(kinds) == {"base", *VARIANT_KINDS}
    in_clusters = Counter(r["cluster"] for r in rows)
    share = sum(1 for r in rows if in_clusters[r["cluster"]] > 1) / len(rows)
    assert 0.1 <= share <= 0.2
    base_lengths = [len(r["text"]) for r in rows if r["variant_kind"] == "base"]
    assert 1000 <= statistics.median(base_lengths) <= 2000 and 800 <= min(base_lengths) and max(base_lengths) <= 2600


def test_spin_swaps_the_asked_share_of_words():
    text = "如果需要了解相关情况，可以采取合理的方式处理问题。" * 20
    spun = spin(text, 0.15, random.Random(1))
    swapped = len(_SPIN_PATTERN.findall(text)) - len(_SPIN_PATTERN.findall(spun))
    assert abs(swapped - 0.15 * len(text) / 2) <= 5


def test_generated_pair_f1_and_every_variant_kind_is_caught(rows, clusters):
    predicted = same_cluster_pairs({doc_id: a.dup_cluster for doc_id, a in clusters.items()})
    gold = same_cluster_pairs({r["doc_id"]: r["cluster"] for r in rows})
    assert prf(predicted, gold)[2] >= 0.97
    base_of = {r["cluster"]: r["doc_id"] for r in rows if r["variant_kind"] == "base"}
    caught = Counter(
        r["variant_kind"] for r in rows
        if r["variant_kind"] != "base" and clusters[r["doc_id"]].dup_cluster == clusters[base_of[r["cluster"]]].dup_cluster
    )  # fmt: skip
    assert set(caught) == set(VARIANT_KINDS)


def test_hard_negatives_are_not_merged(rows, clusters):
    bases = [r for r in rows if r["variant_kind"] == "base"]
    same_topic = Counter(r["topic_group"] for r in bases)
    assert max(same_topic.values()) > 20  # many different articles share each topic's vocabulary
    assert len({clusters[r["doc_id"]].dup_cluster for r in bases}) == len(bases)

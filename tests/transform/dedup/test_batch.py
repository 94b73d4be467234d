"""Near-duplicate clustering on the dev-site gold articles and on small constructed cases."""

import itertools
import random
import sys
from pathlib import Path

import dev_site
import pytest
from dev_site import ARTICLES

from cuishou.transform.dedup import DedupDoc, cluster_documents

sys.path.insert(0, str(Path(__file__).parents[2]))
from benchmarks.scoring import prf, same_cluster_pairs  # noqa: E402


def _doc_id(url: str) -> str:
    return dev_site.doc_id(url, length=64)  # this test's ids are the whole hash


def _as_doc(row: dict) -> DedupDoc:
    return DedupDoc(_doc_id(row["url"]), row["main_text"], row["url"], row["published"])


BASE_OF = {r["dup_cluster"]: r for r in ARTICLES if r["variant_kind"] == "base"}
VARIANTS = [r for r in ARTICLES if r["variant_kind"] != "base"]
HARD_NEGATIVES = [
    (a, b)
    for a, b in itertools.combinations(ARTICLES, 2)
    if a["topic_group"] == b["topic_group"] and a["dup_cluster"] != b["dup_cluster"]
]


@pytest.fixture(scope="module")
def dev_clusters():
    return cluster_documents([_as_doc(row) for row in ARTICLES])


def _same_cluster(clusters, a: dict, b: dict) -> bool:
    return clusters[_doc_id(a["url"])].dup_cluster == clusters[_doc_id(b["url"])].dup_cluster


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda r: f"{r['dup_cluster']}-{r['variant_kind']}")
def test_every_dev_variant_joins_its_base(dev_clusters, variant):
    assert _same_cluster(dev_clusters, variant, BASE_OF[variant["dup_cluster"]])


def test_dev_site_covers_every_variant_kind():
    kinds = {r["variant_kind"] for r in VARIANTS}
    assert kinds == {"exact", "spun", "reordered", "truncated", "extended", "zh-hant", "retitled"}


@pytest.mark.parametrize("pair", HARD_NEGATIVES, ids=lambda p: f"{p[0]['dup_cluster']}~{p[1]['dup_cluster']}")
def test_hard_negatives_stay_apart(dev_clusters, pair):
    assert not _same_cluster(dev_clusters, *pair)


def test_dev_site_pair_f1(dev_clusters):
    gold = same_cluster_pairs({_doc_id(r["url"]): r["dup_cluster"] for r in ARTICLES})
    predicted = same_cluster_pairs({i: a.dup_cluster for i, a in dev_clusters.items()})
    f1 = prf(predicted, gold)[2]
    assert f1 >= 0.97


def test_ids_do_not_depend_on_input_order(dev_clusters):
    docs = [_as_doc(row) for row in ARTICLES]
    random.Random(7).shuffle(docs)
    assert cluster_documents(docs) == dev_clusters


def test_cluster_ids_are_unique_per_cluster_and_sizes_match(dev_clusters):
    members: dict[str, list[str]] = {}
    for doc_id, assignment in dev_clusters.items():
        members.setdefault(assignment.dup_cluster, []).append(doc_id)
    assert len(members) == len({r["dup_cluster"] for r in ARTICLES})
    for ids in members.values():
        assert {dev_clusters[i].cluster_size for i in ids} == {len(ids)}


def test_one_canonical_per_cluster_by_documented_rule(dev_clusters):
    docs = {_doc_id(r["url"]): _as_doc(r) for r in ARTICLES}
    members: dict[str, list[DedupDoc]] = {}
    for doc_id, assignment in dev_clusters.items():
        members.setdefault(assignment.dup_cluster, []).append(docs[doc_id])
    for group in members.values():
        canonical = [d for d in group if dev_clusters[d.doc_id].is_canonical]
        assert len(canonical) == 1
        expected = min(group, key=lambda d: (-len(d.text), d.published is None, d.published or "", d.url))
        assert canonical[0] == expected


def test_canonical_prefers_longest_then_earliest_date_then_url():
    text = "借款人逾期以后应当主动联系平台客服说明情况并协商还款方案，保留好沟通记录。" * 4
    docs = [
        DedupDoc("a", text, "http://b.test/1", None),
        DedupDoc("b", text, "http://a.test/1", "2024-05-01"),
        DedupDoc("c", text, "http://c.test/1", "2024-05-01"),
        DedupDoc("d", text, "http://0.test/1", "2024-06-01"),
    ]
    clusters = cluster_documents(docs)
    assert [d.doc_id for d in docs if clusters[d.doc_id].is_canonical] == ["b"]
    longer = DedupDoc("e", text + "另外", "http://z.test/1", None)
    clusters = cluster_documents([*docs, longer])
    assert [i for i, a in clusters.items() if a.is_canonical] == ["e"]


def test_exact_duplicates_cluster_with_full_similarity():
    text = "遇到暴力催收不要慌，先录音截图保存证据，再向监管部门投诉。"
    docs = [
        DedupDoc("x1", text, "http://a.test/1", None),
        DedupDoc("x2", " " + text.replace("，", ", ") + "\n", "http://b.test/1", None),
        DedupDoc("x3", "完全不同的一篇文章，讲的是信用卡分期的手续费怎么计算。", "http://c.test/1", None),
    ]
    clusters = cluster_documents(docs)
    assert clusters["x1"].dup_cluster == clusters["x2"].dup_cluster != clusters["x3"].dup_cluster
    assert clusters["x1"].similarity == clusters["x2"].similarity == 1.0
    assert clusters["x1"].cluster_size == 2
    assert (clusters["x3"].cluster_size, clusters["x3"].similarity, clusters["x3"].is_canonical) == (1, 0.0, True)


def test_empty_texts_are_not_duplicates_of_each_other():
    clusters = cluster_documents([DedupDoc("e1", "", "u1", None), DedupDoc("e2", "。 ", "u2", None)])
    assert clusters["e1"].dup_cluster != clusters["e2"].dup_cluster


def test_duplicate_doc_ids_are_rejected():
    with pytest.raises(ValueError):
        cluster_documents([DedupDoc("a", "一", "u1", None), DedupDoc("a", "二", "u2", None)])

"""Near-duplicate clustering on the dev-site gold articles and on small constructed cases."""

import itertools
import random
import sys
from pathlib import Path

import dev_site
import numpy as np
import pytest
from dev_site import ARTICLES

from transform.dedup import JACCARD_THRESHOLD, DedupDoc, NearDuplicateRule, cluster_documents
from transform.dedup.lsh import band_keys, candidate_pairs
from transform.dedup.normalize import normalize_for_dedup
from transform.dedup.sketch import shingle_set, sketch_texts
from transform.dedup.verify import shingle_overlap

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


@pytest.mark.parametrize("pair", HARD_NEGATIVES, ids=lambda p: f"{p[0]['dup_cluster']}~{p[1]['dup_cluster']}")
def test_rule_rejects_hard_negatives_exact_overlap(pair):
    a, b = (shingle_set(row["main_text"]) for row in pair)
    jaccard, containment = shingle_overlap(a, b)
    assert not NearDuplicateRule().accepts(jaccard, containment, min(a.size, b.size) / max(a.size, b.size))


# the dev site's spinner swaps these words (see its spun variants); applied everywhere it spins harder
SPINNER = {
    "可以": "能够", "如果": "假若", "需要": "需求", "借款人": "贷款人", "情况": "状况", "自己": "本人",
    "很多": "不少", "第一": "之一", "建议": "提议", "进行": "实施", "原因": "起因", "要求": "请求",
    "方式": "途径", "逾期": "过期", "平台": "渠道", "短信": "信息", "电话": "手机", "证据": "凭证",
    "投诉": "申诉", "报警": "报案",
}  # fmt: skip


def test_cut_and_spun_copy_joins_through_containment():
    original = BASE_OF["c-d08"]["main_text"]
    spun = original
    for word, synonym in SPINNER.items():
        spun = spun.replace(word, synonym)
    copy = spun[: int(len(spun) * 0.45)]
    a, b = shingle_set(copy), shingle_set(original)
    jaccard, containment = shingle_overlap(a, b)
    assert jaccard < JACCARD_THRESHOLD
    assert NearDuplicateRule().accepts(jaccard, containment, a.size / b.size)
    clusters = cluster_documents([DedupDoc("o", original, "u1", None), DedupDoc("c", copy, "u2", None)])
    assert clusters["o"].dup_cluster == clusters["c"].dup_cluster
    assert clusters["c"].containment == pytest.approx(containment, abs=1e-4)


def test_shared_snippet_does_not_chain_different_articles():
    snippet = "温馨提示：遇到任何催收问题，请先核实对方身份，保留通话录音和短信截图，必要时拨打110报警。"
    first, second = BASE_OF["c-d01"], BASE_OF["c-d03"]
    docs = [
        DedupDoc("s", snippet, "http://s.test/", None),
        DedupDoc("a", first["main_text"] + "\n" + snippet, first["url"], None),
        DedupDoc("b", second["main_text"] + "\n" + snippet, second["url"], None),
    ]
    clusters = cluster_documents(docs)
    assert len({a.dup_cluster for a in clusters.values()}) == 3
    short, long = shingle_set(snippet), shingle_set(docs[1].text)
    jaccard, containment = shingle_overlap(short, long)
    assert containment == 1.0
    assert not NearDuplicateRule().accepts(jaccard, containment, short.size / long.size)


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

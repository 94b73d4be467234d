"""The near-duplicate rule, pinned: each threshold and branch has a pair on either side of it.

Every case measures its pair first (so it stays a case of what it claims) and then asserts the
clustering. Moving or removing a threshold or branch of ``NearDuplicateRule`` fails one of them:
Jaccard 0.3 (a ~22 %-spun copy at J 0.35 joins only through it; two articles sharing a quoted
block at J 0.29 stay apart), containment 0.6 (a copy spun and cut to half joins only through it;
a text sharing 59 % of itself with a longer one stays apart) and the size-ratio floor 0.4 (the
cut copy at ratio ~0.49 joins; a snippet at ratio ~0.27 inside two articles must not chain them).
"""

import itertools
import random

import pytest
from dev_site import ARTICLES

from cuishou.transform.dedup import DedupDoc, NearDuplicateRule, cluster_documents
from cuishou.transform.dedup.sketch import shingle_set
from cuishou.transform.dedup.verify import shingle_overlap

BASE = {r["dup_cluster"]: r["main_text"] for r in ARTICLES if r["variant_kind"] == "base"}
HARD_NEGATIVES = [
    (a, b)
    for a, b in itertools.combinations(ARTICLES, 2)
    if a["topic_group"] == b["topic_group"] and a["dup_cluster"] != b["dup_cluster"]
]


def measures(a: str, b: str) -> tuple[float, float, float]:
    """Exact (Jaccard, containment, size ratio) of two texts' shingle sets."""
    left, right = shingle_set(a), shingle_set(b)
    jaccard, containment = shingle_overlap(left, right)
    return jaccard, containment, min(left.size, right.size) / max(left.size, right.size)


def clusters(*texts: str) -> list[str]:
    """dup_cluster of each text, clustered together."""
    result = cluster_documents([DedupDoc(f"d{i}", text, f"http://x.test/{i}", None) for i, text in enumerate(texts)])
    return [result[f"d{i}"].dup_cluster for i in range(len(texts))]


def spun(text: str, share: float, seed: int) -> str:
    """`text` with a `share` of its Han characters swapped for others of the text, as a heavy spinner."""
    rng = random.Random(seed)
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return "".join(rng.choice(han) if "\u4e00" <= c <= "\u9fff" and rng.random() < share else c for c in text)


# the dev site's spinner swaps these words (see its spun variants); applied everywhere it spins harder
SPINNER = {
    "可以": "能够", "如果": "假若", "需要": "需求", "借款人": "贷款人", "情况": "状况", "自己": "本人",
    "很多": "不少", "第一": "之一", "建议": "提议", "进行": "实施", "原因": "起因", "要求": "请求",
    "方式": "途径", "逾期": "过期", "平台": "渠道", "短信": "信息", "电话": "手机", "证据": "凭证",
    "投诉": "申诉", "报警": "报案",
}  # fmt: skip


def test_heavily_spun_copy_joins_through_the_jaccard_branch_only():
    original = BASE["c-d01"]
    copy = spun(original, 0.22, seed=1)
    jaccard, containment, ratio = measures(original, copy)
    assert 0.3 <= jaccard < 0.43 and containment < 0.6  # equal sizes: containment cannot carry it
    assert NearDuplicateRule().accepts(jaccard, containment, ratio)
    first, second = clusters(original, copy)
    assert first == second


def test_articles_sharing_a_quoted_block_just_below_the_jaccard_threshold_stay_apart():
    block = BASE["u-d10"][:300]  # a passage of a third article, quoted by both
    first, second = BASE["c-d08"] + "\n" + block, BASE["c-d05"] + "\n" + block
    jaccard, containment, ratio = measures(first, second)
    assert 0.25 <= jaccard < 0.3 and containment < 0.5 and ratio > 0.9
    assert not NearDuplicateRule().accepts(jaccard, containment, ratio)
    assert len(set(clusters(first, second))) == 2


def test_cut_and_spun_copy_joins_through_the_containment_branch_only():
    original = BASE["c-d08"]
    copy = original
    for word, synonym in SPINNER.items():
        copy = copy.replace(word, synonym)
    copy = spun(copy, 0.04, seed=2)[: len(original) // 2]
    jaccard, containment, ratio = measures(copy, original)
    assert jaccard < 0.3 and 0.6 <= containment < 0.65 and 0.4 <= ratio < 0.5
    assert NearDuplicateRule().accepts(jaccard, containment, ratio)
    result = cluster_documents([DedupDoc("o", original, "u1", None), DedupDoc("c", copy, "u2", None)])
    assert result["o"].dup_cluster == result["c"].dup_cluster
    assert result["c"].containment == pytest.approx(containment, abs=1e-4)


def test_text_sharing_just_under_the_containment_threshold_with_a_longer_one_stays_apart():
    shared = BASE["c-d01"][:230]
    short = shared + "\n" + BASE["u-d12"][:170]
    long = BASE["c-d01"] + "\n" + BASE["c-d16"]
    jaccard, containment, ratio = measures(short, long)
    assert jaccard < 0.3 and 0.55 <= containment < 0.6 and ratio >= 0.4
    assert not NearDuplicateRule().accepts(jaccard, containment, ratio)
    assert len(set(clusters(short, long))) == 2


def test_snippet_shared_by_articles_does_not_chain_them():
    snippet = BASE["u-d10"][-150:]  # e.g. a legal passage many articles quote in full
    first, second = BASE["c-d08"] + "\n" + snippet, BASE["c-d05"] + "\n" + snippet
    for article in (first, second):
        jaccard, containment, ratio = measures(snippet, article)
        assert containment == 1.0 and 0.1 < ratio < 0.4 and jaccard < 0.3
    assert measures(first, second)[0] < 0.2
    assert len(set(clusters(snippet, first, second))) == 3


@pytest.mark.parametrize("pair", HARD_NEGATIVES, ids=lambda p: f"{p[0]['dup_cluster']}~{p[1]['dup_cluster']}")
def test_rule_rejects_dev_site_hard_negatives(pair):
    assert not NearDuplicateRule().accepts(*measures(pair[0]["main_text"], pair[1]["main_text"]))

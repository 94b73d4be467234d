"""The persisted incremental index: old ids survive new pages, bridges merge by rule, saves are atomic."""

import json
import random

import numpy as np
import pytest
from dev_site import ARTICLES, doc_id

from cuishou.transform.dedup import DedupDoc, cluster_documents, cluster_id
from cuishou.transform.dedup.index import FORMAT_VERSION, DedupIndex, parquet_text_lookup


def _doc(row: dict) -> DedupDoc:
    return DedupDoc(doc_id(row["url"]), row["main_text"], row["url"], row["published"])


DOCS = [_doc(r) for r in ARTICLES]
TEXTS = {d.doc_id: d.text for d in DOCS}


def _lookup(doc_ids):
    return {i: TEXTS[i] for i in doc_ids}


def _partition(assignments) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, a in assignments.items():
        groups.setdefault(a.dup_cluster, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_first_update_equals_cluster_documents(tmp_path):
    assert DedupIndex.open(tmp_path / "index").update(DOCS) == cluster_documents(DOCS)


def test_the_canonical_member_is_a_preferred_one_when_the_cluster_has_any(tmp_path):
    """The corpus prefers its current rows: a page gone or replaced does not represent its cluster."""
    index = DedupIndex.open(tmp_path / "index")
    plain = index.update(DOCS)
    clustered = [d for d, a in plain.items() if a.cluster_size > 1]
    dropped = {d for d in clustered if plain[d].is_canonical}  # every cluster's canonical is no longer current
    preferred = index.assignments(preferred=set(plain) - dropped)
    assert {d for d in clustered if preferred[d].is_canonical}.isdisjoint(dropped)
    assert sum(a.is_canonical for a in preferred.values()) == sum(a.is_canonical for a in plain.values())
    assert index.assignments(preferred=set(plain)) == plain == index.assignments()
    assert index.assignments(preferred=set()) == plain


def test_second_run_over_new_pages_keeps_old_ids(tmp_path):
    first, second = DOCS[::2], DOCS[1::2]
    index = DedupIndex.open(tmp_path / "index", _lookup)
    before = index.update(first)
    index.save()
    after = DedupIndex.open(tmp_path / "index", _lookup).update(second)
    assert all(after[doc_id].dup_cluster == a.dup_cluster for doc_id, a in before.items())
    assert _partition(after) == _partition(cluster_documents(DOCS))


def test_rerunning_indexed_docs_changes_nothing(tmp_path):
    index = DedupIndex.open(tmp_path / "index", _lookup)
    first = index.update(DOCS)
    shuffled = DOCS[:]
    random.Random(3).shuffle(shuffled)
    assert index.update(shuffled) == first and len(index) == len(DOCS)


def test_batching_and_order_keep_clusters_and_ids(tmp_path):
    """Ids equal across batchings here because every cluster's smallest doc_id comes first."""
    reference = cluster_documents(DOCS)
    founders = {a.dup_cluster for a in reference.values()}
    early = [d for d in DOCS if cluster_id([d.doc_id]) in founders]
    late = [d for d in DOCS if cluster_id([d.doc_id]) not in founders]
    for seed in range(3):
        random.Random(seed).shuffle(late)
        index = DedupIndex.open(tmp_path / f"index-{seed}", _lookup)
        index.update(list(reversed(early)))
        for start in range(0, len(late), 5):
            result = index.update(late[start : start + 5])
        assert result == reference


def _bridge_docs() -> tuple[DedupDoc, DedupDoc, DedupDoc]:
    """Two halves of one article, and the whole article that bridges them."""
    text = max((d.text for d in DOCS), key=len)
    half = len(text) // 2
    left = DedupDoc("m-left", text[: half + 40], "http://a.test/l", None)
    right = DedupDoc("b-right", text[half - 40 :], "http://a.test/r", None)
    whole = DedupDoc("z-whole", text, "http://a.test/w", None)
    return left, right, whole


def test_bridge_merges_clusters_keeping_the_smallest_founder(tmp_path):
    left, right, whole = _bridge_docs()
    left_copy = DedupDoc("n-left-copy", left.text + "。", "http://b.test/l", None)
    right_copy = DedupDoc("a-right-copy", right.text + "。", "http://b.test/r", None)
    texts = {d.doc_id: d.text for d in (left, right, whole, left_copy, right_copy)}
    index = DedupIndex.open(tmp_path / "index", lambda ids: {i: texts[i] for i in ids})
    before = index.update([left, left_copy, right, right_copy])
    assert before["m-left"].dup_cluster == cluster_id(["m-left"]) != before["b-right"].dup_cluster
    assert before["b-right"].dup_cluster == cluster_id(["a-right-copy"])
    after = index.update([whole])
    assert {a.dup_cluster for a in after.values()} == {cluster_id(["a-right-copy"])}
    assert after["z-whole"].is_canonical and not after["m-left"].is_canonical
    assert after["m-left"].cluster_size == 5


def test_save_open_round_trip(tmp_path):
    index = DedupIndex.open(tmp_path / "index", _lookup)
    expected = index.update(DOCS)
    index.save()
    reopened = DedupIndex.open(tmp_path / "index", _lookup)
    assert len(reopened) == len(DOCS) and reopened.assignments() == expected
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == ["CURRENT", "gen-000001"]


def test_killed_save_leaves_the_old_index_usable(tmp_path, monkeypatch):
    index = DedupIndex.open(tmp_path / "index", _lookup)
    expected = index.update(DOCS[:20])
    index.save()
    index.update(DOCS[20:])

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing signatures")

    monkeypatch.setattr("cuishou.transform.dedup.index.np.save", killed)
    with pytest.raises(KeyboardInterrupt):
        index.save()
    monkeypatch.undo()
    reopened = DedupIndex.open(tmp_path / "index", _lookup)
    assert reopened.assignments() == expected
    reopened.update(DOCS[20:])
    reopened.save()
    assert len(DedupIndex.open(tmp_path / "index")) == len(DOCS)


def test_old_texts_come_from_the_corpus_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"doc_id": list(TEXTS), "text": list(TEXTS.values())}), tmp_path / "docs.parquet")
    index = DedupIndex.open(tmp_path / "index", parquet_text_lookup(tmp_path / "docs.parquet"))
    index.update(DOCS[::2])
    assert _partition(index.update(DOCS[1::2])) == _partition(cluster_documents(DOCS))


def test_matching_old_docs_without_text_lookup_is_an_error(tmp_path):
    index = DedupIndex.open(tmp_path / "index")
    index.update(DOCS[::2])
    with pytest.raises(ValueError, match="text_lookup"):
        index.update(DOCS[1::2])


def _as_format_1(folder):
    """Rewrite a saved index as the first format wrote it: same rows, signatures of another algorithm."""
    [generation] = folder.glob("gen-*")
    (generation / "index.json").write_text('{"format": 1, "documents": 34}')
    signatures = np.load(generation / "signatures.npy")
    np.save(generation / "signatures.npy", signatures ^ np.uint16(0x5A5A))


def test_an_older_index_is_migrated_keeping_its_clusters(tmp_path):
    index = DedupIndex.open(tmp_path / "index", _lookup)
    expected = index.update(DOCS[::2])
    index.save()
    _as_format_1(tmp_path / "index")
    migrated = DedupIndex.open(tmp_path / "index", _lookup)
    assert migrated.assignments() == expected
    after = migrated.update(DOCS[1::2])
    assert _partition(after) == _partition(cluster_documents(DOCS))
    assert all(after[doc_id].dup_cluster == a.dup_cluster for doc_id, a in expected.items())
    migrated.save()
    assert json.loads((tmp_path / "index" / "gen-000002" / "index.json").read_text())["format"] == FORMAT_VERSION


def test_an_older_index_without_text_lookup_is_a_clear_error(tmp_path):
    index = DedupIndex.open(tmp_path / "index", _lookup)
    index.update(DOCS)
    index.save()
    _as_format_1(tmp_path / "index")
    with pytest.raises(ValueError, match="older cuishou.*text_lookup"):
        DedupIndex.open(tmp_path / "index")
    [generation] = (tmp_path / "index").glob("gen-*")
    (generation / "index.json").write_text(json.dumps({"format": FORMAT_VERSION + 1}))
    with pytest.raises(ValueError, match="newer"):
        DedupIndex.open(tmp_path / "index", _lookup)

"""Band keys, full and split buckets, and the estimate filter."""

import numpy as np

from cuishou.transform.dedup import lsh
from cuishou.transform.dedup.lsh import band_keys, bucket_pairs, plausible_pairs, split_columns
from cuishou.transform.dedup.verify import NearDuplicateRule


def distinct_signatures(docs: int) -> np.ndarray:
    """Signatures that agree nowhere: no band key and no split value is shared."""
    return np.arange(docs * 192, dtype=np.uint32).reshape(docs, 192).astype(np.uint16)


def one_bucket_pairs(signatures: np.ndarray, is_new: np.ndarray | None = None) -> list[list[int]]:
    """Pairs band 0 proposes when every row shares its key."""
    keys = np.zeros(signatures.shape[0], dtype=np.uint32)
    return bucket_pairs(keys, signatures, split_columns(0), is_new).tolist()


def test_identical_band_rows_make_candidates():
    signatures = distinct_signatures(4)
    signatures[2, :3] = signatures[0, :3]  # share the first band only
    keys = band_keys(signatures, 64, 3)
    assert bucket_pairs(keys[:, 0], signatures, split_columns(0)).tolist() == [[0, 2]]
    assert all(bucket_pairs(keys[:, band], signatures, split_columns(band)).size == 0 for band in range(1, 64))


def test_a_full_bucket_proposes_every_pair():
    members = lsh.FULL_BUCKET
    pairs = one_bucket_pairs(distinct_signatures(members))
    assert len(pairs) == members * (members - 1) // 2


def test_a_larger_bucket_pairs_only_members_agreeing_on_a_split_value():
    signatures = distinct_signatures(lsh.FULL_BUCKET + 1)
    assert one_bucket_pairs(signatures) == []
    signatures[[1, 4, 7], split_columns(0)[-1]] = 9  # three members agree on the last split value
    assert one_bucket_pairs(signatures) == [[1, 4], [4, 7]]  # each paired with the next one there


def test_eight_next_bands_split_a_bucket_and_no_more():
    signatures = distinct_signatures(lsh.FULL_BUCKET + 1)
    signatures[[1, 4], 3 * 8] = 9  # agree on the first value of band 8
    signatures[[2, 5], 3 * 9] = 9  # and of band 9
    assert one_bucket_pairs(signatures) == [[1, 4]]


def test_a_large_bucket_of_chance_members_costs_linear_pairs():
    rng = np.random.default_rng(0)
    signatures = rng.integers(0, 4, size=(2000, 192), dtype=np.uint16)  # every split value shared widely
    assert len(one_bucket_pairs(signatures)) <= len(split_columns(0)) * 2000


def test_new_rows_keep_only_pairs_with_a_new_member():
    pairs = one_bucket_pairs(distinct_signatures(4), is_new=np.array([False, False, True, False]))
    assert pairs == [[0, 2], [1, 2], [2, 3]]


def test_estimate_floor_follows_the_size_ratio():
    """At equal sizes only the Jaccard branch can accept; at the ratio floor containment reaches J 0.21."""
    rng = np.random.default_rng(0)
    base = rng.integers(0, 2**16, size=192, dtype=np.uint16)
    other = base.copy()
    other[: int(192 * 0.87)] ^= 1  # estimate 0.13: above the floor 0.21 - margin only at ratio >= 0.4
    signatures = np.stack([base, other])
    pair = np.array([[0, 1]])
    rule = NearDuplicateRule()
    assert plausible_pairs(signatures, pair, rule, np.array([1000, 400])).tolist() == [[0, 1]]
    assert plausible_pairs(signatures, pair, rule, np.array([1000, 1000])).size == 0
    assert plausible_pairs(signatures, pair, rule, np.array([1000, 300])).size == 0

"""Band keys, bounded buckets and the estimate filter."""

import numpy as np

from cuishou.transform.dedup.lsh import band_keys, candidate_pairs, plausible_pairs
from cuishou.transform.dedup.verify import NearDuplicateRule


def test_identical_band_rows_make_candidates():
    signatures = np.arange(4 * 192, dtype=np.uint16).reshape(4, 192)
    signatures[2, :3] = signatures[0, :3]  # share the first band only
    assert candidate_pairs(band_keys(signatures, 64, 3)).tolist() == [[0, 2]]


def test_a_bucket_pairs_each_member_with_its_next_neighbours_only():
    keys = np.zeros((40, 1), dtype=np.uint32)  # one bucket of 40
    pairs = candidate_pairs(keys, max_neighbours=3)
    assert len(pairs) == 39 + 38 + 37
    assert all(0 < right - left <= 3 for left, right in pairs.tolist())


def test_new_rows_keep_only_pairs_with_a_new_member():
    keys = np.zeros((4, 1), dtype=np.uint32)
    pairs = candidate_pairs(keys, is_new=np.array([False, False, True, False]))
    assert pairs.tolist() == [[0, 2], [1, 2], [2, 3]]


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

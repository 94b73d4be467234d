"""Shingles, R-MinHash signatures and sketches of whole batches."""

import itertools
import os

import numpy as np
from dev_site import ARTICLES

from cuishou.transform.dedup.normalize import normalize_for_dedup
from cuishou.transform.dedup.sketch import NUM_PERM, minhash_signatures, shingle_hashes, shingle_set, sketch_texts
from cuishou.transform.dedup.verify import shingle_overlap

TEXTS = [r["main_text"] for r in ARTICLES]


def test_shingles_are_the_distinct_char_ngrams_of_the_key():
    key = normalize_for_dedup(TEXTS[0])
    distinct = {key[i : i + 3] for i in range(len(key) - 2)}
    assert shingle_set(TEXTS[0]).size == len(distinct)
    assert shingle_set("ab，").size == 0


def test_shingles_never_straddle_two_texts():
    codes = np.frombuffer("abcdxyz".encode("utf-32-le"), dtype=np.uint32)
    hashes, counts = shingle_hashes(codes, np.array([4, 3]))
    assert counts.tolist() == [2, 1] and hashes.size == 3
    assert set(hashes.tolist()) == set(shingle_set("abcd").tolist()) | set(shingle_set("xyz").tolist())


def test_a_batch_sketches_as_its_texts_one_by_one():
    texts = [*TEXTS, "", "短", "，。"]  # more than one rensa call, and texts without shingles
    together = sketch_texts(texts)
    alone = [sketch_texts([t]) for t in texts]
    assert np.array_equal(together.signatures, np.vstack([a.signatures for a in alone]))
    assert together.shingle_count.tolist() == [shingle_set(t).size for t in texts]
    assert together.has_shingles.tolist() == [True] * len(TEXTS) + [False] * 3
    assert together.is_empty.tolist() == [False] * len(TEXTS) + [True, False, True]
    assert together.signatures.shape == (len(texts), NUM_PERM) and together.signatures.dtype == np.uint16


def test_equal_keys_have_equal_text_hashes_and_other_keys_do_not():
    hashes = sketch_texts(["逾期，怎么办？", "逾期 怎么办", "逾期了怎么办"]).text_hash.tolist()
    assert hashes[0] == hashes[1] != hashes[2]


def test_signature_agreement_estimates_exact_jaccard():
    signatures = sketch_texts(TEXTS).signatures
    sets = [shingle_set(t) for t in TEXTS]
    for i, j in itertools.combinations(range(len(TEXTS)), 2):
        exact, _ = shingle_overlap(sets[i], sets[j])
        estimate = (signatures[i] == signatures[j]).mean()
        assert abs(estimate - exact) < 0.15  # 4 std at 192 permutations


def test_texts_without_shingles_get_the_empty_signature():
    signatures = minhash_signatures(np.empty(0, np.uint64), np.array([0, 0]))
    assert (signatures == np.iinfo(np.uint32).max).all() and signatures.shape == (2, NUM_PERM)


def test_sketching_starts_no_thread():
    """rensa parallelises large calls on rayon threads, which a forked worker would not have."""
    before = len(os.listdir("/proc/self/task"))
    sketch_texts(TEXTS * 4)
    assert len(os.listdir("/proc/self/task")) == before

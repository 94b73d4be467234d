"""Candidate pairs by locality-sensitive hashing, and the MinHash estimate that thins them out.

* ``band_keys``: one 32-bit key per band of ``ROWS`` signature values, compared within its band.
* ``bucket_pairs``: the pairs one band proposes. A bucket (documents sharing the band's key) of
  at most ``FULL_BUCKET`` members proposes every pair of them. A larger bucket is mostly chance:
  documents that share much of their vocabulary (same-topic articles) often have the same
  common shingles as minima, and such buckets grow faster than the corpus. It is split
  ``SPLIT_ROWS`` times, each time by one more signature value (the first of each next band):
  members agreeing on it form a split bucket, where each is paired with the next one; a split
  bucket of more than ``FULL_BUCKET`` members is chance again (a value much of the bucket
  shares) and proposes nothing. A near duplicate at Jaccard J agrees on one of the values with
  probability 1 - (1 - J)**SPLIT_ROWS, so the split keeps likely pairs while a large bucket
  proposes at most ``SPLIT_ROWS`` pairs per member, however large it grows.
* ``plausible_pairs``: drops pairs whose Jaccard estimate over the whole signature is far below
  what the rule can accept at their size ratio (most band collisions are chance agreements on
  common shingles of unrelated texts).
* ``plausible_candidates``: both, one band at a time, so one band's pairs at most are in memory;
  ``plausible_lsh_pairs`` runs it on one row per exact group.

Within a (split) bucket, members are ordered by row, i.e. doc_id: the pairs depend only on the
set of documents, never on how they were batched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from cuishou.transform.dedup.sketch import _POLY_BASE, _U64, NUM_PERM, Sketches
from cuishou.transform.dedup.verify import NearDuplicateRule

BANDS = 64
ROWS = 3
FULL_BUCKET = 8
SPLIT_ROWS = 8
_ESTIMATE_MARGIN = 0.1  # ~3 std of a 192-permutation Jaccard estimate near J = 0.2
_PAIR_BLOCK = 4096  # candidate pairs estimated at once: bounds the gathered signature rows
_KEY_BANDS = 8  # bands keyed in one pass over the rows (their values share the rows' cache lines)
_KEY_ROWS = 1 << 15  # rows keyed at once: a chunk stays in cache between its bands, memory stays small
_MULTIPLIER = _U64(0xBF58476D1CE4E5B9)  # odd: multiply-shift hashing to the top 32 bits
_LOW32 = _U64(0xFFFFFFFF)
assert BANDS * ROWS <= NUM_PERM < 256


def band_keys(signatures: np.ndarray, bands: int = BANDS, rows: int = ROWS) -> np.ndarray:
    """(docs, bands) uint32 keys: one hash per band of `rows` signature values.

    Keys are compared within their band only, so 32 bits suffice: 1M docs make ~116 chance
    collisions per band, which the Jaccard estimate then discards.
    """
    keys = np.empty((signatures.shape[0], bands), dtype=np.uint32)
    for first in range(0, signatures.shape[0], _KEY_ROWS):
        chunk = np.ascontiguousarray(signatures[first : first + _KEY_ROWS, : bands * rows]).reshape(-1, bands, rows)
        hashed = chunk[:, :, 0].astype(_U64)
        for row in range(1, rows):
            hashed *= _POLY_BASE
            hashed += chunk[:, :, row]
        keys[first : first + _KEY_ROWS] = _top32(hashed)
    return keys


def _top32(values: np.ndarray) -> np.ndarray:
    """Multiply-shift hash of 64-bit values to 32 bits."""
    values *= _MULTIPLIER
    return values >> _U64(32)


def split_columns(band: int, bands: int = BANDS, rows: int = ROWS) -> np.ndarray:
    """The signature columns that split `band`'s large buckets: the first value of each next band."""
    return (band + 1 + np.arange(SPLIT_ROWS)) % bands * rows


def bucket_pairs(
    keys: np.ndarray, signatures: np.ndarray, columns: np.ndarray, is_new: np.ndarray | None = None
) -> np.ndarray:
    """Unique (i, j), i < j, that one band proposes, sorted; shape (pairs, 2) int64.

    `keys`: the band's key of each row (uint32, rows in doc_id order); ``signatures[:, columns]``:
    the values that split a bucket of more than ``FULL_BUCKET`` members (``split_columns``), read
    for those buckets' rows only. With `is_new`, only pairs with at least one new row are
    returned (incremental runs: the others were proposed before).
    """
    docs = keys.size
    rows, first, size = _buckets(keys.astype(_U64), np.arange(docs, dtype=_U64))
    codes = [_bucket_codes(rows, first, size, docs, FULL_BUCKET - 1)]
    large = np.sort(rows[np.repeat(size > FULL_BUCKET, size)])
    large_keys, split_values = keys[large].astype(_U64) << _U64(16), signatures[large[:, None], columns]
    for column in range(len(columns)):
        split_keys = _top32(large_keys | split_values[:, column])
        codes.append(_bucket_codes(*_buckets(split_keys, large.astype(_U64)), docs, 1))
    codes = np.concatenate(codes)
    if is_new is not None:
        codes = codes[is_new[codes // docs] | is_new[codes % docs]]
    return _decoded(codes, docs)


def _buckets(keys: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`rows` sorted by (32-bit key, row), and the first position and the size of each bucket."""
    packed = np.sort(keys << _U64(32) | rows)
    sorted_keys = packed >> _U64(32)
    first = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    return (packed & _LOW32).astype(np.int64), first, np.diff(np.append(first, packed.size))


def _bucket_codes(rows: np.ndarray, first: np.ndarray, size: np.ndarray, docs: int, distances: int) -> np.ndarray:
    """Each row paired with the next `distances` rows of its bucket, in buckets of 2..FULL_BUCKET
    rows, as left * docs + right (``_buckets``' output)."""
    paired = (size > 1) & (size <= FULL_BUCKET)
    positions, end = np.flatnonzero(np.repeat(paired, size)), np.repeat(first[paired] + size[paired], size[paired])
    codes = [np.empty(0, dtype=np.int64)]
    for distance in range(1, distances + 1):
        within = positions + distance < end
        positions, end = positions[within], end[within]
        codes.append(rows[positions] * docs + rows[positions + distance])
    return np.concatenate(codes)


def _decoded(codes: np.ndarray, docs: int) -> np.ndarray:
    """Pair codes (left * docs + right) as unique (left, right) rows, sorted (a sort, then
    neighbours compared: np.unique hashes int64 and is many times slower)."""
    codes = np.sort(codes)
    codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if codes.size else codes
    return np.stack(np.divmod(codes, docs), axis=1)


def merged_pairs(parts: Iterable[np.ndarray], docs: int) -> np.ndarray:
    """The unique (left, right) rows of several pair arrays of rows < `docs`, sorted."""
    return _decoded(np.concatenate([np.empty(0, dtype=np.int64), *(p[:, 0] * docs + p[:, 1] for p in parts)]), docs)


def plausible_candidates(
    signatures: np.ndarray,
    sizes: np.ndarray,
    rule: NearDuplicateRule,
    *,
    bands: range | None = None,
    rows: int = ROWS,
    is_new: np.ndarray | None = None,
) -> np.ndarray:
    """``plausible_pairs`` of every band's ``bucket_pairs``, one band at a time; unique, sorted.

    Most band collisions are chance agreements on common shingles, so they are estimated and
    dropped band by band instead of being collected first: memory stays at one band's pairs
    (and the keys of ``_KEY_BANDS`` bands). `bands` selects a range, so that processes can share
    the bands of one signature matrix.
    """
    total_bands = signatures.shape[1] // rows
    bands = range(total_bands) if bands is None else bands
    found = []
    for group in (bands[start : start + _KEY_BANDS] for start in range(0, len(bands), _KEY_BANDS)):
        keys = band_keys(signatures[:, group.start * rows : group.stop * rows], len(group), rows)
        for index, band in enumerate(group):
            candidates = bucket_pairs(keys[:, index], signatures, split_columns(band, total_bands, rows), is_new)
            found.append(plausible_pairs(signatures, candidates, rule, sizes))
    return merged_pairs(found, signatures.shape[0])


def plausible_pairs(
    signatures: np.ndarray, pairs: np.ndarray, rule: NearDuplicateRule, sizes: np.ndarray
) -> np.ndarray:
    """Candidate pairs whose MinHash Jaccard estimate leaves them a chance to pass the rule.

    Band collisions also come from chance agreement of a few rows; the estimate over all
    permutations (std <= 0.5/sqrt(perms), 0.036 at 192) discards those before the costlier
    exact check. The floor depends on the pair's exact size ratio (``min_jaccard_at``): 0.3 for
    similar sizes, down to 0.21 at ratio 0.4. The margin is ~3 std, so no pair that could pass
    is dropped in practice; a size-blind floor (0.21 for all) keeps several times more pairs for
    verification. Pairs are estimated in the order given: sorted by their left row, the
    signature rows gathered for consecutive pairs lie close together in memory.
    """
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), _PAIR_BLOCK):
        left, right = pairs[start : start + _PAIR_BLOCK].T
        agreeing = (signatures[left] == signatures[right]).sum(axis=1, dtype=np.uint8)  # NUM_PERM < 256
        smaller, larger = np.minimum(sizes[left], sizes[right]), np.maximum(sizes[left], sizes[right])
        floor = rule.min_jaccard_at(smaller / np.maximum(larger, 1)) - _ESTIMATE_MARGIN
        keep[start : start + _PAIR_BLOCK] = agreeing >= floor * signatures.shape[1]
    return pairs[keep]


def plausible_lsh_pairs(
    sketches: Sketches,
    representative: np.ndarray,
    rule: NearDuplicateRule,
    *,
    rank: np.ndarray | None = None,
    is_new: np.ndarray | None = None,
    bands: int = BANDS,
    rows: int = ROWS,
    find_pairs: Callable[..., np.ndarray] = plausible_candidates,
) -> np.ndarray:
    """Steps 3-4: plausible pairs (rows in rank order) among the rows that go through LSH.

    Those are one row per exact group (``representative``, rank order), with at least one
    shingle. `sketches` are in rank order too, or in any order with `rank` (the sketches row of
    each rank row): then only the LSH rows' signatures are gathered, and the whole matrix is
    never reordered. `is_new` (rank order) keeps pairs with a new row. ``find_pairs(signatures,
    sizes, rule, rows=, is_new=)`` returns pairs of its rows: ``plausible_candidates``, or one that
    shares the bands out to processes (``table``).
    """
    order = np.arange(representative.size) if rank is None else rank
    lsh_rows = np.flatnonzero((representative == np.arange(representative.size)) & sketches.has_shingles[order])
    source_rows = order[lsh_rows]
    signatures = sketches.signatures[source_rows, : bands * rows]
    sizes = sketches.shingle_count[source_rows]
    new_rows = None if is_new is None else is_new[lsh_rows]
    return lsh_rows[find_pairs(signatures, sizes, rule, rows=rows, is_new=new_rows)]

"""Candidate pairs by locality-sensitive hashing, and the MinHash estimate that thins them out.

* ``band_keys``: one 32-bit key per band of ``ROWS`` signature values, compared within its band.
* ``candidate_pairs``: documents sharing a band key, each paired with its next
  ``MAX_BUCKET_NEIGHBOURS`` bucket members in doc_id order, so a bucket costs linear, not
  quadratic, work while union-find still chains every member to it.
* ``plausible_pairs``: drops pairs whose Jaccard estimate over the whole signature is far below
  what the rule can accept at their size ratio (most band collisions are chance agreements on
  common shingles of unrelated texts).
* ``plausible_candidates``: both, one band at a time, so one band's pairs at most are in memory;
  ``plausible_lsh_pairs`` runs it on one row per exact group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from cuishou.transform.dedup.sketch import _POLY_BASE, _U64, NUM_PERM, Sketches, _mix64
from cuishou.transform.dedup.verify import NearDuplicateRule

BANDS = 64
ROWS = 3
MAX_BUCKET_NEIGHBOURS = 16
_ESTIMATE_MARGIN = 0.1  # ~3 std of a 192-permutation Jaccard estimate near J = 0.2
_PAIR_BLOCK = 4096  # candidate pairs estimated at once: bounds the gathered signature rows
assert BANDS * ROWS <= NUM_PERM


def band_keys(signatures: np.ndarray, bands: int = BANDS, rows: int = ROWS) -> np.ndarray:
    """(docs, bands) uint32 keys: one hash per band of `rows` signature values.

    Keys are compared within their band only, so 32 bits suffice: 1M docs make ~116 chance
    collisions per band, which the Jaccard estimate then discards.
    """
    docs = signatures.shape[0]
    banded = signatures[:, : bands * rows].reshape(docs, bands, rows).astype(_U64)
    keys = np.zeros((docs, bands), dtype=_U64)
    for row in range(rows):
        keys = _mix64(keys * _POLY_BASE + banded[:, :, row])
    return (keys >> _U64(32)).astype(np.uint32)


def _band_pairs(
    column: np.ndarray, max_neighbours: int, is_new: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(left, right) rows sharing a key of one band, each with its next `max_neighbours` members."""
    order = np.argsort(column, kind="stable")
    sorted_keys = column[order]
    lefts, rights = [], []
    for distance in range(1, min(max_neighbours, column.size - 1) + 1):
        same = np.flatnonzero(sorted_keys[distance:] == sorted_keys[:-distance])
        if same.size == 0:
            break
        left, right = order[same], order[same + distance]
        if is_new is not None:
            keep = is_new[left] | is_new[right]
            left, right = left[keep], right[keep]
        lefts.append(np.minimum(left, right))
        rights.append(np.maximum(left, right))
    if not lefts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(lefts), np.concatenate(rights)


def candidate_pairs(
    keys: np.ndarray, max_neighbours: int = MAX_BUCKET_NEIGHBOURS, is_new: np.ndarray | None = None
) -> np.ndarray:
    """Unique (i, j), i < j, of documents sharing a band key; shape (pairs, 2) int64.

    Rows are documents in rank (doc_id) order. Within a bucket each document is paired with at
    most `max_neighbours` following members in rank order, which keeps huge buckets linear
    instead of quadratic while still chaining every member to the bucket through union-find.
    With `is_new`, only pairs with at least one new document are returned (incremental runs:
    the others were verified before).
    """
    docs, bands = keys.shape
    codes = []
    for band in range(bands):
        left, right = _band_pairs(np.ascontiguousarray(keys[:, band]), max_neighbours, is_new)
        codes.append(left * docs + right)
    return _decode_pairs(codes, docs)


def _decode_pairs(codes: list[np.ndarray], docs: int) -> np.ndarray:
    if not codes:
        return np.empty((0, 2), dtype=np.int64)
    unique = np.unique(np.concatenate(codes))
    return np.stack(np.divmod(unique, docs), axis=1)


def plausible_candidates(
    signatures: np.ndarray,
    sizes: np.ndarray,
    rule: NearDuplicateRule,
    *,
    bands: Iterable[int] | None = None,
    rows: int = ROWS,
    is_new: np.ndarray | None = None,
    max_neighbours: int = MAX_BUCKET_NEIGHBOURS,
) -> np.ndarray:
    """``plausible_pairs(candidate_pairs(band_keys(signatures)))``, one band at a time.

    Most band collisions are chance agreements on common shingles, and their number grows
    faster than the corpus (50k generated docs: 1.2M colliding pairs for 7k true ones), so they
    are estimated and dropped band by band instead of being collected first: memory stays at
    one band's pairs. `bands`
    selects a subset, so that processes can share the bands of one signature matrix.
    """
    docs = signatures.shape[0]
    codes = []
    for band in range(signatures.shape[1] // rows) if bands is None else bands:
        column = band_keys(signatures[:, band * rows : (band + 1) * rows], 1, rows)[:, 0]
        left, right = _band_pairs(column, max_neighbours, is_new)
        pairs = plausible_pairs(signatures, np.stack((left, right), axis=1), rule, sizes)
        codes.append(pairs[:, 0] * docs + pairs[:, 1])
    return _decode_pairs(codes, docs)


def plausible_pairs(
    signatures: np.ndarray, pairs: np.ndarray, rule: NearDuplicateRule, sizes: np.ndarray
) -> np.ndarray:
    """Candidate pairs whose MinHash Jaccard estimate leaves them a chance to pass the rule.

    Band collisions also come from chance agreement of a few rows; the estimate over all
    permutations (std <= 0.5/sqrt(perms), 0.036 at 192) discards those before the costlier
    exact check. The floor depends on the pair's exact size ratio (``min_jaccard_at``): 0.3 for
    similar sizes, down to 0.21 at ratio 0.4. The margin is ~3 std, so no pair that could pass
    is dropped in practice; a size-blind floor (0.21 for all) keeps several times more pairs for
    verification. Pairs are estimated in order of their left row, so that the signature rows
    gathered for consecutive pairs lie close together in memory (twice as fast as band order).
    """
    pairs = pairs[np.argsort(pairs[:, 0], kind="stable")]
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), _PAIR_BLOCK):
        block = pairs[start : start + _PAIR_BLOCK]
        estimate = (signatures[block[:, 0]] == signatures[block[:, 1]]).mean(axis=1)
        left, right = sizes[block[:, 0]], sizes[block[:, 1]]
        ratio = np.minimum(left, right) / np.maximum(np.maximum(left, right), 1)
        keep[start : start + _PAIR_BLOCK] = estimate >= rule.min_jaccard_at(ratio) - _ESTIMATE_MARGIN
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

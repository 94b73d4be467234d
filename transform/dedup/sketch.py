"""Per-document features for near-duplicate search: shingles, MinHash signatures, sizes, text hash.

* ``shingles``: character n-grams of the comparison key (``normalize``), each hashed to 64 bits
  (a polynomial over the code points, then the splitmix64 finaliser so that structured n-grams
  look uniformly random). All texts of a batch are hashed in one numpy pass; n-grams that would
  straddle two texts are dropped. Spinning replaces words of ~2 characters, so short shingles
  survive it best: n = 3 (see the package docstring).
* ``minhash_signatures``: R-MinHash (rensa, Rust) over those hashes. rensa is called with at
  most ``_RENSA_ROWS`` texts at a time: larger calls start rayon threads, which do not survive a
  fork (the Parquet path forks its workers) and only compete with processes that already fill
  the cores.
* ``sketch_texts``: everything later steps need of a text (``Sketches``), the texts themselves
  dropped: exact-duplicate hash, whether it has a shingle, distinct-shingle count (the size the
  rule's size ratio uses) and the low 16 bits of each MinHash value (b-bit MinHash: two unequal
  values agree by chance with p = 2**-16, so band collisions and Jaccard estimates are as with
  32 bits at half the memory).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import rensa

from cuishou.transform.dedup.normalize import normalized_codes

SHINGLE_SIZE = 3
NUM_PERM = 192
SEED = 20250601
SIGNATURE_ALGORITHM = f"rensa-rminhash-{rensa.RMinHash.ALGORITHM_VERSION}"  # what an index records

_U64 = np.uint64
_POLY_BASE = _U64(0x9E3779B97F4A7C15)  # odd 64-bit constant: n-gram code points -> one integer
_RENSA_ROWS = 32  # rensa 0.5 computes up to 32 rows per call on the calling thread
_CHUNK_TEXTS = 256  # texts sketched at once: the distinct-count sort keys carry an 8-bit text number
_CHUNK_CHARS = 1 << 20


def _mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijection that makes structured integers look uniformly random."""
    z = values ^ (values >> _U64(30))
    z *= _U64(0xBF58476D1CE4E5B9)
    z ^= z >> _U64(27)
    z *= _U64(0x94D049BB133111EB)
    z ^= z >> _U64(31)
    return z


def shingle_hashes(codes: np.ndarray, lengths: np.ndarray, n: int = SHINGLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every char n-gram of every key (``normalized_codes``' output), and per-key counts."""
    total_starts = max(codes.size - n + 1, 0)
    hashes = np.zeros(total_starts, dtype=_U64)
    for k in range(n):
        hashes *= _POLY_BASE
        hashes += codes[k : k + total_starts]
    valid = np.ones(total_starts, dtype=bool)
    ends = np.cumsum(lengths)
    for back in range(1, n):  # n-grams starting in the last n-1 characters of a key run into the next
        starts = ends - back
        valid[starts[(starts >= 0) & (starts < total_starts) & (back <= lengths)]] = False
    return _mix64(hashes[valid]), np.maximum(lengths - n + 1, 0)


def shingle_sets(texts: Sequence[str], n: int = SHINGLE_SIZE) -> list[np.ndarray]:
    """The shingle set of each raw text: sorted unique 64-bit hashes of its key's char n-grams."""
    hashes, counts = shingle_hashes(*normalized_codes(texts), n)
    return [np.unique(part) for part in np.split(hashes, np.cumsum(counts)[:-1])] if len(texts) else []


def shingle_set(text: str, n: int = SHINGLE_SIZE) -> np.ndarray:
    """``shingle_sets`` of one text."""
    return shingle_sets([text], n)[0]


def minhash_signatures(hashes: np.ndarray, counts: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """(texts, num_perm) uint32 R-MinHash signatures of consecutive runs of `counts` shingle hashes.

    Texts without shingles get all-0xFFFFFFFF rows (rensa's empty digest); callers keep them out of LSH.
    """
    signatures = np.empty((counts.size, num_perm), dtype=np.uint32)
    offsets = np.zeros(counts.size + 1, dtype=_U64)
    np.cumsum(counts, out=offsets[1:])
    for first in range(0, counts.size, _RENSA_ROWS):
        bounds = offsets[first : first + _RENSA_ROWS + 1]
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            hashes[int(bounds[0]) : int(bounds[-1])], bounds - bounds[0], num_perm, SEED
        )
        signatures[first : first + _RENSA_ROWS] = matrix.to_rows()
    return signatures


def _distinct_counts(hashes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Distinct hashes per text of a chunk (<= 256 texts), ``shingle_set(t).size``, with one sort.

    Each hash keeps its top 56 bits under an 8-bit text number, so the sorted keys keep every
    text's run where it was (two shingles of a 2k-char text share 56 bits with p ~ 3e-11).
    """
    keys = hashes >> _U64(8)
    keys |= np.repeat(np.arange(counts.size, dtype=_U64) << _U64(56), counts)
    keys.sort()
    new = np.empty(keys.size + 1, dtype=np.int64)
    new[0] = 0
    np.cumsum(np.concatenate(([keys.size > 0], keys[1:] != keys[:-1])), out=new[1:])
    ends = np.cumsum(counts)
    return new[ends] - new[ends - counts]


@dataclass(frozen=True)
class Sketches:
    """Per-document dedup features of a batch of texts (what an index persists)."""

    text_hash: np.ndarray  # uint64 of the comparison key: equal hashes are exact duplicates
    has_shingles: np.ndarray  # bool: the key has >= n characters, so the text takes part in LSH
    is_empty: np.ndarray  # bool: empty key, never a duplicate of anything
    shingle_count: np.ndarray  # int32: distinct shingles (the size the rule's size ratio uses)
    signatures: np.ndarray  # (docs, NUM_PERM) uint16

    @classmethod
    def concat(cls, parts: Sequence[Sketches]) -> Sketches:
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__))

    def take(self, rows: np.ndarray, *, signatures: bool = True) -> Sketches:
        """These rows; ``signatures=False`` leaves the big matrix out (0 columns) for callers that
        gather only the signature rows they need (``plausible_lsh_pairs`` with ``rank``)."""
        matrix = self.signatures[rows] if signatures else np.empty((len(rows), 0), self.signatures.dtype)
        columns = (self.text_hash, self.has_shingles, self.is_empty, self.shingle_count)
        return Sketches(*(column[rows] for column in columns), matrix)


def text_hashes(codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """64-bit hash of each key: the sum of its mixed (position, code point) pairs, mixed once more.

    Equal hashes are taken as exact duplicates without verification: any two different keys
    collide with p ~ 2**-64 (10M docs: ~3e-6 for any collision at all).
    """
    starts = np.cumsum(lengths) - lengths
    position = np.arange(codes.size, dtype=_U64) - np.repeat(starts.astype(_U64), lengths)
    mixed = _mix64((position << _U64(32)) | codes)
    sums = np.zeros(lengths.size, dtype=_U64)
    present = np.flatnonzero(lengths)
    if present.size:
        sums[present] = np.add.reduceat(mixed, starts[present])
    return _mix64(sums ^ lengths.astype(_U64))


def _chunks(texts: Sequence[str]) -> Iterable[tuple[int, int]]:
    """Consecutive [first, last) ranges of at most _CHUNK_TEXTS texts and ~_CHUNK_CHARS characters."""
    first = 0
    while first < len(texts):
        last, chars = first, 0
        while (
            last < len(texts)
            and last - first < _CHUNK_TEXTS
            and (chars == 0 or chars + len(texts[last]) <= _CHUNK_CHARS)
        ):
            chars += len(texts[last])
            last += 1
        yield first, last
        first = last


def sketch_texts(texts: Sequence[str], n: int = SHINGLE_SIZE) -> Sketches:
    """Normalise, shingle and sketch raw texts (``Sketches``), a chunk of texts at a time."""
    return Sketches.concat(
        [_sketch_chunk(texts[first:last], n) for first, last in _chunks(texts)] or [_sketch_chunk([], n)]
    )


def _sketch_chunk(texts: Sequence[str], n: int) -> Sketches:
    codes, lengths = normalized_codes(texts)
    hashes, counts = shingle_hashes(codes, lengths, n)
    return Sketches(
        text_hash=text_hashes(codes, lengths),
        has_shingles=counts > 0,
        is_empty=lengths == 0,
        shingle_count=_distinct_counts(hashes, counts).astype(np.int32),
        signatures=minhash_signatures(hashes, counts).astype(np.uint16),
    )

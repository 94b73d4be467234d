"""The dedup peers the benchmarks run beside cuishou, each on the same input.

* ``rensa``: a rensa pipeline as a careful engineer would build it: the project's normalisation
  (in bulk, as cuishou runs it), the same character 3-gram shingles (as Python strings), R-MinHash
  with 128 permutations in bulk (``digest_matrix_from_token_sets``), numpy banding (42 bands x 3
  rows; each bucket member paired with its next 16 members), a MinHash-estimate filter, then
  exact Jaccard on the shingle sets at a tuned threshold and union-find.
* ``datasketch`` (best): MinHash (128 permutations) of the same normalised 3-grams, MinHashLSH at
  a tuned threshold, clusters = connected query results.
* ``datasketch-defaults``: what datasketch does untuned: char 5-grams of the raw text,
  ``MinHashLSH()`` defaults (threshold 0.9, 128 permutations).

Tuned thresholds were chosen on the generated set with ``benchmarks/dedup_quality.py --tune``
(best pair F1 over a grid); the dev site is too small to tune on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cuishou.transform.dedup.batch import connected_components
from cuishou.transform.dedup.normalize import normalized_codes

RENSA_PERM = 128
RENSA_BANDS, RENSA_ROWS, RENSA_NEIGHBOURS = 42, 3, 16
RENSA_THRESHOLD = 0.3  # exact Jaccard; middle of the plateau of best pair F1 (0.2-0.4) on the generated set (--tune)
RENSA_SEED = 42
DATASKETCH_THRESHOLD = 0.5  # MinHashLSH threshold; best pair F1 on the generated set (--tune)
_ESTIMATE_MARGIN = 0.1


def keys(texts: Sequence[str]) -> list[str]:
    """The project's comparison keys of `texts`, normalised in bulk as cuishou does."""
    codes, lengths = normalized_codes(texts)
    joined, ends = codes.tobytes().decode("utf-32-le"), np.cumsum(lengths).tolist()
    return [joined[end - length : end] for end, length in zip(ends, lengths.tolist())]


def trigram_list(key: str) -> list[str]:
    """Character 3-grams of a key (repeats kept: MinHash does not count them)."""
    return [key[i : i + 3] for i in range(len(key) - 2)]


def trigrams(text: str) -> set[str]:
    """The normalised 3-gram shingle set of one text."""
    return set(trigram_list(keys([text])[0]))


# --- rensa pipeline ------------------------------------------------------------------------------


def rensa_signatures(texts: Sequence[str]) -> np.ndarray:
    """(texts, 128) uint32 R-MinHash signatures; texts without shingles get an empty set."""
    import rensa

    lists = [trigram_list(key) for key in keys(texts)]  # rensa takes lists faster than sets
    matrix = rensa.RMinHash.digest_matrix_from_token_sets(lists, RENSA_PERM, RENSA_SEED)
    return np.array(matrix.to_rows(), dtype=np.uint32).reshape(len(texts), RENSA_PERM)


def rensa_candidates(signatures: np.ndarray, bands: Sequence[int] | None = None) -> np.ndarray:
    """Unique (i, j) pairs sharing a band, each bucket member with its next neighbours, estimate-filtered."""
    docs, found = signatures.shape[0], []
    for band in range(RENSA_BANDS) if bands is None else bands:
        block = signatures[:, band * RENSA_ROWS : (band + 1) * RENSA_ROWS].astype(np.uint64)
        keys = np.zeros(docs, dtype=np.uint64)
        for column in range(RENSA_ROWS):
            keys = keys * np.uint64(0x100000001B3) + block[:, column]  # 3 x 32 bits folded into 64
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        for distance in range(1, RENSA_NEIGHBOURS + 1):
            same = np.flatnonzero(sorted_keys[distance:] == sorted_keys[:-distance])
            if same.size == 0:
                break
            left, right = order[same], order[same + distance]
            estimate = (signatures[left] == signatures[right]).mean(axis=1)
            keep = estimate >= RENSA_THRESHOLD - _ESTIMATE_MARGIN
            found.append(np.minimum(left, right)[keep].astype(np.int64) * docs + np.maximum(left, right)[keep])
    codes = np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)
    return np.stack(np.divmod(codes, docs), axis=1)


def rensa_verify(pairs: np.ndarray, texts: dict[int, str]) -> list[tuple[int, int]]:
    """The pairs whose exact 3-gram Jaccard reaches the threshold (`texts` holds every row in them)."""
    rows = list(texts)
    sets = {row: set(trigram_list(key)) for row, key in zip(rows, keys([texts[r] for r in rows]))}
    kept = []
    for left, right in pairs.tolist():
        a, b = sets[left], sets[right]
        union = len(a | b)
        if union and len(a & b) / union >= RENSA_THRESHOLD:
            kept.append((left, right))
    return kept


def rensa_clusters(texts: Sequence[str]) -> np.ndarray:
    """Cluster root per text (in memory, one process): the rensa pipeline end to end."""
    pairs = rensa_candidates(rensa_signatures(texts))
    needed = {int(row): texts[row] for row in np.unique(pairs)}
    return connected_components(len(texts), rensa_verify(pairs, needed))


# --- datasketch ----------------------------------------------------------------------------------


def datasketch_minhash(shingles: set[str] | list[str]):
    from datasketch import MinHash

    minhash = MinHash(num_perm=128)
    minhash.update_batch([s.encode() for s in shingles])
    return minhash


def raw_five_grams(text: str) -> list[str]:
    return [text[i : i + 5] for i in range(max(len(text) - 4, 1))]


def datasketch_clusters(minhashes: Sequence, threshold: float | None) -> np.ndarray:
    """Components of MinHashLSH query results (threshold None: datasketch's default, 0.9)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(num_perm=128) if threshold is None else MinHashLSH(threshold=threshold, num_perm=128)
    for row, minhash in enumerate(minhashes):
        lsh.insert(row, minhash)
    links = [(row, other) for row, minhash in enumerate(minhashes) for other in lsh.query(minhash)]
    return connected_components(len(minhashes), links)


def datasketch_best(texts: Sequence[str], threshold: float = DATASKETCH_THRESHOLD) -> np.ndarray:
    return datasketch_clusters([datasketch_minhash(set(trigram_list(key))) for key in keys(texts)], threshold)


def datasketch_defaults(texts: Sequence[str]) -> np.ndarray:
    return datasketch_clusters([datasketch_minhash(raw_five_grams(t)) for t in texts], None)

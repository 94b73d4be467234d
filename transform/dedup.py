"""Exact and near-duplicate clustering of articles (pure functions, no I/O).

Content farms copy each other and "spin" the copy: synonym swaps, reordered paragraphs,
truncation to ~60 %, an extra paragraph, traditional script, a new title. Every copy must land in
its original's cluster while different articles on the same topic (hard negatives) must not.

Pipeline, one function per step, shared by ``cluster_documents`` (in memory), ``dedup_table``
(any Parquet, 2 processes), ``dedup_index`` (persisted, incremental) and ``dedup_dask``:

0. ``normalize_for_dedup`` (``transform.normalize``: NFKC, t2s, letters/digits only, lower
   case); identical normalised texts (equal 64-bit ``text_hash``) are exact duplicates and
   short-circuit: only the smallest doc_id of them goes through 3-5.
1. ``shingles``: character n-grams, hashed to 64 bits (polynomial over code points + splitmix64).
2. ``minhash_signatures``: 32-bit permutations ``a*x + b mod 2**32`` over all shingles of a chunk
   of texts at once (a (perms, shingles) matrix, then ``minimum.reduceat``); ``sketch_texts``
   keeps their low 16 bits (``Sketches``: what an index persists, 384 B/doc).
3. ``band_keys``: one 32-bit key per band of ``ROWS`` signature values, compared within its band.
4. ``candidate_pairs``: documents sharing a band key, each with its next 16 bucket members in
   doc_id order; ``plausible_pairs`` drops those whose full-signature Jaccard estimate is far
   below what the rule can accept. ``plausible_candidates`` does both one band at a time, so
   the chance collisions (most of them) are never all in memory at once; ``plausible_lsh_pairs``
   runs it on one row per exact group.
5. ``verified_edges``: exact Jaccard and containment |A∩B|/min(|A|,|B|) on shingle sets, judged by
   ``NearDuplicateRule`` (containment lets a truncated or extended copy join its original);
   texts are fetched through a callback, so callers can re-read them from Parquet.
6. ``connected_components``: union-find over verified pairs. Texts shorter than n have no
   shingles and can only be exact duplicates; empty texts are never duplicates.
7. Canonical member: longest clean text, then earliest ``published`` (None last), then URL.

Parameters and why (measured on tests/fixtures/dev_site/gold.jsonl and on a synthetic stress
set built from its 17 base texts, 2 copies each of: 10/20/30 % of words spun, reordered,
truncated to 60 %, extended, zh-hant, scrubbed words, and combinations such as 15 % spun + cut
to 45 %; plus 10k synthetic 1-2k char docs and "shared quote" negatives, i.e. two different
articles that both carry the same legal boilerplate block):

* ``SHINGLE_SIZE = 3``: spinning replaces words of ~2 chars, so short shingles survive it best.
  Exhaustive verification (no LSH) at Jaccard >= 0.25, stress-set pair F1: n=3 0.99, n=4 0.93,
  n=5 0.86, all with precision 1.0. n=2 is too unspecific: random same-topic pairs already have
  Jaccard 0.10 on average. With n=3 random pairs of 1.3k-char docs average 0.022 (p99.9 0.070,
  max 0.091) and dev-site hard negatives reach at most 0.031 (containment 0.062), while dev
  duplicates are >= 0.43 (containment >= 0.87).
* ``JACCARD_THRESHOLD = 0.3``: a 10/20/30 %-spun copy keeps a median Jaccard of 0.68/0.47/0.32
  to its original. 0.25 would catch half of the 30 %-spun copies that 0.3 misses (stress F1
  0.98 vs 0.95) but merges different articles that share a boilerplate block of 45 % of each
  (Jaccard 0.29); in this domain articles quoting the same rules verbatim are common.
* ``CONTAINMENT_THRESHOLD = 0.6``, ``MIN_SIZE_RATIO = 0.4``: plain 60 % truncation (Jaccard 0.6)
  and extension pass on Jaccard alone; containment admits copies that are cut harder *and* spun
  (45 % + 15 % spin: median Jaccard 0.29, containment 0.72): paired only with its original, 50/68 such
  copies are caught, 18/68 without this branch. The size-ratio floor keeps a short snippet that
  occurs in many articles from chaining them. No accepted pair is below Jaccard
  0.6*0.4/(1+0.4-0.24) = 0.21.
* ``BANDS x ROWS = 64 x 3`` (192 permutations): the LSH S-curve midpoint (1/64)**(1/3) = 0.25 lies
  between that floor and the Jaccard threshold; P(candidate) is 0.45 at J=0.21, 0.82 at 0.3,
  0.98 at 0.4, and clusters usually have several paths. 42x3 (128 perms) loses up to 3.5 points
  of pair recall, 85x3 (255) gains <1 point for 30 % less throughput, 32x4 misses dev pairs,
  64x2 gains ~1 point with 13x more candidates (quadratic in corpus size).
* ``MAX_BUCKET_NEIGHBOURS = 16``: caps pairs per bucket member; 4 cost 0.4 points of recall.

Results: dev site pair P/R/F1 1.00/1.00/1.00, no hard-negative merge (datasketch MinHashLSH
defaults, char 5-grams of raw text, 128 perms, threshold 0.8: R 0.50, F1 0.67). Stress set
(measured before signatures were cut to 16 bits and the estimate floor made size-aware):
1.00/0.89-0.92/0.94-0.96 (datasketch defaults R 0.05); every kind up to 20 % spin is caught,
the misses are 30 %-spun copies (random words, harsher than real synonym tables), most of them
also truncated (median Jaccard 0.23 to the original). No shared-quote negative is merged.
Generated set (benchmarks/dedup_generate.py, 20k docs, 5-15 % of words spun as real spinners
do): P/R/F1 1.000/0.9995/1.000, one of 2,370 copies missed (spun + cut to 60 %); datasketch
defaults F1 0.35 (benchmarks/dedup_quality.py).
Speed (benchmarks/dedup_scale.py, 2 shared cores, ``transform.dedup_table`` end to end): 1M
docs in 203 s, 356 CPU-s, 2.5 GB peak; CPU grows linearly (10k 5.1 s incl. ~3 s start-up, 100k
37 s, 1M 356 s). One core sketches ~4.5k docs/s (normalise 100 us, MinHash + sizes 110 us per
1.3k-char doc); at 1M the per-band candidate stage keeps 144,706 plausible pairs, all but 12
of which verify (790k with the size-blind floor 0.21).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from transform.normalize import normalize_for_dedup

SHINGLE_SIZE = 3
BANDS = 64
ROWS = 3
NUM_PERM = BANDS * ROWS
JACCARD_THRESHOLD = 0.3
CONTAINMENT_THRESHOLD = 0.6
MIN_SIZE_RATIO = 0.4
MAX_BUCKET_NEIGHBOURS = 16
SEED = 20250601

_U64 = np.uint64
_POLY_BASE = _U64(0x9E3779B97F4A7C15)  # odd 64-bit constant: n-gram code points -> one integer
_ESTIMATE_MARGIN = 0.1  # ~3 std of a 192-permutation Jaccard estimate near J = 0.2
_CHUNK_CHARS = 8192  # chars per MinHash step: 192 perms x 8192 x 4 B = 6 MB of permuted hashes
_PAIR_BLOCK = 4096  # candidate pairs estimated at once: bounds the gathered signature rows to ~6 MB


@dataclass(frozen=True)
class DedupDoc:
    """One article as the dedup step sees it."""

    doc_id: str
    text: str  # clean main text
    url: str
    published: str | None  # 'YYYY-MM-DD' or None


@dataclass(frozen=True)
class ClusterAssignment:
    """Where one document landed: its cluster, whether it represents it, and how close it was."""

    dup_cluster: str
    is_canonical: bool
    cluster_size: int
    similarity: float  # best verified Jaccard to another member (1.0 exact copy, 0.0 singleton)
    containment: float = 0.0  # best verified |A∩B| / min(|A|,|B|) to another member


# --- (1) shingles ------------------------------------------------------------------------------


def _mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijection that makes structured integers look uniformly random.

    MinHash below uses cheap 32-bit multiply-add permutations, which are only unbiased on
    well-mixed keys (measured: bias -0.09 on consecutive integers, none after mixing).
    """
    z = values ^ (values >> _U64(30))
    z *= _U64(0xBF58476D1CE4E5B9)
    z ^= z >> _U64(27)
    z *= _U64(0x94D049BB133111EB)
    z ^= z >> _U64(31)
    return z


def _batched_shingle_hashes(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Mixed 64-bit hashes of every char n-gram of every text, and per-text counts.

    All texts are hashed in one pass over their concatenated code points; n-grams that would
    straddle two texts are dropped. Texts shorter than n have no shingles.
    """
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    code_points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    total_starts = max(code_points.size - n + 1, 0)
    hashes = np.zeros(total_starts, dtype=_U64)
    for k in range(n):
        hashes *= _POLY_BASE
        hashes += code_points[k : k + total_starts]
    ends = np.cumsum(lengths)
    owner_end = np.repeat(ends, lengths)[:total_starts]
    valid = np.arange(total_starts) + n <= owner_end
    counts = np.maximum(lengths - n + 1, 0)
    return _mix64(hashes[valid]), counts


def shingles(normalized: str, n: int = SHINGLE_SIZE) -> np.ndarray:
    """The shingle set of one normalised text: sorted unique 64-bit hashes of its char n-grams."""
    hashes = np.sort(_batched_shingle_hashes([normalized], n)[0])
    first_of_run = np.ones(hashes.size, dtype=bool)
    first_of_run[1:] = hashes[1:] != hashes[:-1]
    return hashes[first_of_run]


# --- (2) MinHash signatures --------------------------------------------------------------------


def _permutation_params(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Odd multipliers and offsets of the 32-bit permutations x -> a*x + b (mod 2**32)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**32, size=num_perm, dtype=np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint32)
    return a, b


def _text_chunks(texts: Sequence[str], budget: int, max_texts: int = 2**31) -> Iterable[tuple[int, int]]:
    """Consecutive [first, last) ranges of at most `max_texts` texts holding ~`budget` characters."""
    first = 0
    while first < len(texts):
        last, chars = first, 0
        while last < len(texts) and last - first < max_texts and (chars == 0 or chars + len(texts[last]) <= budget):
            chars += len(texts[last])
            last += 1
        yield first, last
        first = last


def minhash_signatures(
    texts: Sequence[str], *, n: int = SHINGLE_SIZE, num_perm: int = NUM_PERM, seed: int = SEED
) -> np.ndarray:
    """MinHash signatures (len(texts), num_perm) uint32 of normalised texts' n-gram sets.

    Texts are processed in chunks of ~_CHUNK_CHARS characters so the (num_perm, shingles)
    matrix of permuted hashes stays cache-sized; it is permutation-major so the per-text minimum
    is a contiguous reduceat (4x faster than shingle-major). Texts without shingles get
    all-0xFFFFFFFF rows; callers must keep them out of LSH.
    """
    return _signatures_and_counts(texts, n, num_perm, seed)[0]


def _signatures_and_counts(texts: Sequence[str], n: int, num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures and distinct-shingle counts, from one hashing pass over each chunk."""
    a, b = _permutation_params(num_perm, seed)
    signatures = np.full((len(texts), num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    distinct = np.zeros(len(texts), dtype=np.int32)
    chunks = list(_text_chunks(texts, _CHUNK_CHARS, max_texts=256))
    widest = max((sum(map(len, texts[first:last])) for first, last in chunks), default=0)
    workspace = np.empty(num_perm * widest, dtype=np.uint32)  # reused: fresh pages cost 2x
    for first, last in chunks:
        hashes, counts = _batched_shingle_hashes(texts[first:last], n)
        present = np.flatnonzero(counts)
        if present.size == 0:
            continue
        distinct[first:last] = _distinct_counts(hashes, counts)
        permuted = workspace[: num_perm * hashes.size].reshape(num_perm, hashes.size)
        np.multiply(a[:, None], (hashes >> _U64(32)).astype(np.uint32), out=permuted)
        permuted += b[:, None]
        starts = (np.cumsum(counts) - counts)[present]
        signatures[first + present] = np.minimum.reduceat(permuted, starts, axis=1).T
    return signatures, distinct


def _distinct_counts(hashes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Distinct hashes per text of a chunk (<= 256 texts), ``shingles(t).size``, with one sort.

    Each hash keeps its top 56 bits under an 8-bit text number (two shingles of a 2k-char text
    share 56 bits with p ~ 3e-11).
    """
    owner = np.repeat(np.arange(counts.size, dtype=_U64), counts)
    keys = np.sort((owner << _U64(56)) | (hashes >> _U64(8)))
    run_starts = np.ones(keys.size, dtype=bool)
    run_starts[1:] = keys[1:] != keys[:-1]
    return np.bincount((keys[run_starts] >> _U64(56)).astype(np.int64), minlength=counts.size)


# --- sketches: what the later steps need of each text, kept per document ------------------------


@dataclass(frozen=True)
class Sketches:
    """Per-document dedup features of a batch of normalised texts (what an index persists).

    Signatures keep the low 16 bits of each MinHash value (b-bit MinHash): two unequal values
    agree by chance with p = 2**-16, so band collisions and Jaccard estimates are as with 32 bits
    at half the memory (1M docs: 384 MB).
    """

    text_hash: np.ndarray  # uint64 of the normalised text: equal hashes are exact duplicates
    has_shingles: np.ndarray  # bool: normalised text has >= n characters, so it takes part in LSH
    is_empty: np.ndarray  # bool: empty normalised text, never a duplicate of anything
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


def text_hash(normalized: str) -> int:
    """64-bit hash of a normalised text (1M docs: chance of any collision ~3e-8)."""
    return int.from_bytes(hashlib.blake2b(normalized.encode(), digest_size=8).digest(), "little")


def sketch_texts(normalized: Sequence[str], n: int = SHINGLE_SIZE) -> Sketches:
    """Exact-duplicate hash, LSH eligibility, size and 16-bit MinHash signature of normalised texts."""
    signatures, distinct = _signatures_and_counts(normalized, n, NUM_PERM, SEED)
    return Sketches(
        text_hash=np.fromiter(map(text_hash, normalized), dtype=_U64, count=len(normalized)),
        has_shingles=np.fromiter((len(t) >= n for t in normalized), dtype=bool, count=len(normalized)),
        is_empty=np.fromiter((not t for t in normalized), dtype=bool, count=len(normalized)),
        shingle_count=distinct,
        signatures=signatures.astype(np.uint16),
    )


def exact_representatives(sketches: Sketches) -> np.ndarray:
    """For each doc (in rank order) the first doc with the same normalised text; empty texts: itself."""
    rows = np.arange(sketches.text_hash.size)
    order = np.lexsort((rows, sketches.text_hash))
    hashes = sketches.text_hash[order]
    starts = np.ones(order.size, dtype=bool)
    starts[1:] = hashes[1:] != hashes[:-1]
    first = order[np.flatnonzero(starts)][np.cumsum(starts) - 1]
    representative = np.empty_like(rows)
    representative[order] = first
    return np.where(sketches.is_empty, rows, representative)


# --- (3) band keys and (4) candidate pairs -----------------------------------------------------


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


# --- (5) verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class NearDuplicateRule:
    """When two shingle sets are near duplicates: similar overall, or one mostly inside the other.

    The containment branch catches truncated and extended copies; its size-ratio floor stops a
    short snippet that occurs in many articles from chaining them into one cluster.
    """

    threshold: float = JACCARD_THRESHOLD
    containment_threshold: float = CONTAINMENT_THRESHOLD
    min_size_ratio: float = MIN_SIZE_RATIO

    def accepts(self, jaccard: float, containment: float, size_ratio: float) -> bool:
        """Whether a pair with these exact measures is a near duplicate."""
        if jaccard >= self.threshold:
            return True
        return containment >= self.containment_threshold and size_ratio >= self.min_size_ratio

    def min_jaccard_at(self, size_ratio: np.ndarray) -> np.ndarray:
        """Lowest Jaccard an accepted pair of this size ratio (smaller/larger set) can have.

        Two sets of sizes a <= b with containment c share c*a, so J = c*r / (1 + r - c*r): at
        equal sizes containment 0.6 means J 0.43, so only the Jaccard branch (0.3) applies,
        while at the ratio floor 0.4 containment reaches down to J 0.21.
        """
        c, r = self.containment_threshold, size_ratio
        via_containment = np.where(r >= self.min_size_ratio, c * r / (1 + r - c * r), np.inf)
        return np.minimum(self.threshold, via_containment)


def plausible_pairs(
    signatures: np.ndarray, pairs: np.ndarray, rule: NearDuplicateRule, sizes: np.ndarray
) -> np.ndarray:
    """Candidate pairs whose MinHash Jaccard estimate leaves them a chance to pass the rule.

    Band collisions also come from chance agreement of a few rows; the estimate over all
    permutations (std <= 0.5/sqrt(perms), 0.036 at 192) discards those before the costlier
    exact check. The floor depends on the pair's exact size ratio (``min_jaccard_at``): 0.3 for
    similar sizes, down to 0.21 at ratio 0.4. The margin is ~3 std, so no pair that could pass
    is dropped in practice. At 1M generated docs 12 of the 144,706 kept pairs fail verification;
    the size-blind floor 0.21 kept 790k, and verifying them took most of the time and memory.
    """
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), _PAIR_BLOCK):
        block = pairs[start : start + _PAIR_BLOCK]
        estimate = (signatures[block[:, 0]] == signatures[block[:, 1]]).mean(axis=1)
        left, right = sizes[block[:, 0]], sizes[block[:, 1]]
        ratio = np.minimum(left, right) / np.maximum(np.maximum(left, right), 1)
        keep[start : start + _PAIR_BLOCK] = estimate >= rule.min_jaccard_at(ratio) - _ESTIMATE_MARGIN
    return pairs[keep]


def shingle_overlap(left: np.ndarray, right: np.ndarray) -> tuple[float, float]:
    """Exact (Jaccard, containment) of two sorted unique shingle-hash arrays."""
    if left.size == 0 or right.size == 0:
        return 0.0, 0.0
    common = np.intersect1d(left, right, assume_unique=True).size
    return common / (left.size + right.size - common), common / min(left.size, right.size)


@dataclass(frozen=True)
class Edges:
    """Verified near-duplicate pairs as columns (row numbers of whatever table was matched)."""

    left: np.ndarray  # int64
    right: np.ndarray  # int64
    jaccard: np.ndarray  # float64
    containment: np.ndarray  # float64

    @classmethod
    def concat(cls, parts: Sequence[Edges]) -> Edges:
        if not parts:
            return cls(*(np.empty(0, dtype=t) for t in (np.int64, np.int64, float, float)))
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__))


def verified_edges(
    pairs: np.ndarray, normalized_text: Callable[[int], str], rule: NearDuplicateRule, n: int = SHINGLE_SIZE
) -> Edges:
    """Candidate pairs that `rule` accepts on their exact shingle sets.

    Shingle sets are built once per document in a bounded cache (pairs come sorted by their
    left member, so its set is reused; 20k sets of ~1.3k hashes: ~200 MB at most).
    """
    shingle_set = lru_cache(maxsize=20_000)(lambda row: shingles(normalized_text(row), n))
    kept = []
    for left, right in pairs.tolist():
        a, b = shingle_set(left), shingle_set(right)
        jaccard, containment = shingle_overlap(a, b)
        if rule.accepts(jaccard, containment, min(a.size, b.size) / max(a.size, b.size, 1)):
            kept.append((left, right, jaccard, containment))
    columns = list(zip(*kept)) or [(), (), (), ()]
    return Edges(*(np.array(c, dtype=t) for c, t in zip(columns, (np.int64, np.int64, float, float))))


# --- (6) union-find ----------------------------------------------------------------------------


def connected_components(size: int, pairs: Iterable[tuple[int, int]]) -> np.ndarray:
    """Component root of every node 0..size-1 (union-find; the root is the smallest index)."""
    parent = list(range(size))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in pairs:
        root_left, root_right = find(left), find(right)
        if root_left != root_right:
            parent[max(root_left, root_right)] = min(root_left, root_right)
    return np.fromiter((find(node) for node in range(size)), dtype=np.int64, count=size)


# --- (7) canonical choice and the whole clustering ---------------------------------------------


def cluster_id(member_ids: Iterable[str]) -> str:
    """Stable cluster id: a hash of the smallest member doc_id, so input order is irrelevant.

    Hashed rather than truncated so that ids which share a prefix (URL-like ids) stay distinct.
    """
    return "c-" + hashlib.blake2b(min(member_ids).encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class DocMeta:
    """What the canonical rule needs of each document, as columns in rank (doc_id) order."""

    doc_id: Sequence[str]
    url: Sequence[str]
    published: Sequence[str | None]
    text_chars: np.ndarray  # int64: characters of the clean text

    def canonical_key(self, row: int) -> tuple:
        """Order of preference inside a cluster: longest text, earliest date (None last), URL, doc_id."""
        published = self.published[row]
        return (-int(self.text_chars[row]), published is None, published or "", self.url[row], self.doc_id[row])


@dataclass(frozen=True)
class ClusterColumns:
    """The dedup columns of a table, in the rows' order."""

    dup_cluster: list[str]
    is_canonical: np.ndarray  # bool
    cluster_size: np.ndarray  # int32
    similarity: np.ndarray  # float: best verified Jaccard (1.0 for exact copies)
    containment: np.ndarray  # float: best verified containment

    def assignment(self, row: int) -> ClusterAssignment:
        return ClusterAssignment(
            dup_cluster=self.dup_cluster[row],
            is_canonical=bool(self.is_canonical[row]),
            cluster_size=int(self.cluster_size[row]),
            similarity=round(float(self.similarity[row]), 4),
            containment=round(float(self.containment[row]), 4),
        )


def best_similarities(size: int, representative: np.ndarray, edges: Edges) -> tuple[np.ndarray, np.ndarray]:
    """Per row: highest Jaccard and containment over its text's edges; 1.0 if it has exact copies."""
    jaccard, containment = np.zeros(size), np.zeros(size)
    for side in (edges.left, edges.right):
        np.maximum.at(jaccard, side, edges.jaccard)
        np.maximum.at(containment, side, edges.containment)
    jaccard, containment = jaccard[representative], containment[representative]
    has_copy = np.bincount(representative, minlength=size)[representative] > 1
    return np.where(has_copy, 1.0, jaccard), np.where(has_copy, 1.0, containment)


def canonical_rows(meta: DocMeta, roots: np.ndarray) -> np.ndarray:
    """Whether each row is its component's canonical member (singletons always are)."""
    sizes = np.bincount(roots, minlength=roots.size)[roots]
    canonical = sizes == 1
    members: dict[int, list[int]] = {}
    for row in np.flatnonzero(~canonical).tolist():
        members.setdefault(int(roots[row]), []).append(row)
    for rows in members.values():
        canonical[min(rows, key=meta.canonical_key)] = True
    return canonical


def exact_links(representative: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, its representative) for every row that is an exact copy of an earlier one."""
    copies = np.flatnonzero(representative != np.arange(representative.size))
    return copies, representative[copies]


def component_roots(size: int, *links: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Union-find over several (left, right) link arrays."""
    lefts = np.concatenate([left for left, _ in links]).tolist()
    rights = np.concatenate([right for _, right in links]).tolist()
    return connected_components(size, zip(lefts, rights))


def assemble_columns(
    meta: DocMeta, roots: np.ndarray, names: dict[int, str], jaccard: np.ndarray, containment: np.ndarray
) -> ClusterColumns:
    """Dedup columns from component roots, a cluster name per root, and best similarities."""
    return ClusterColumns(
        dup_cluster=[names[root] for root in roots.tolist()],
        is_canonical=canonical_rows(meta, roots),
        cluster_size=np.bincount(roots, minlength=roots.size)[roots].astype(np.int32),
        similarity=jaccard,
        containment=containment,
    )


def cluster_columns(meta: DocMeta, representative: np.ndarray, edges: Edges) -> ClusterColumns:
    """Components over exact copies and verified edges, named after their smallest doc_id.

    Rows are in doc_id order, so a component's root (its smallest row) is its smallest doc_id.
    """
    roots = component_roots(representative.size, exact_links(representative), (edges.left, edges.right))
    names = {root: cluster_id([meta.doc_id[root]]) for root in np.unique(roots).tolist()}
    return assemble_columns(meta, roots, names, *best_similarities(representative.size, representative, edges))


def match_sketches(
    sketches: Sketches,
    representative: np.ndarray,
    normalized_text: Callable[[int], str],
    rule: NearDuplicateRule,
    *,
    n: int = SHINGLE_SIZE,
    bands: int = BANDS,
    rows: int = ROWS,
    is_new: np.ndarray | None = None,
) -> Edges:
    """Steps 3-5 over rows in rank order: LSH on the exact-group representatives, estimate, verify."""
    pairs = plausible_lsh_pairs(sketches, representative, rule, is_new=is_new, bands=bands, rows=rows)
    return verified_edges(pairs, normalized_text, rule, n)


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
    shares the bands out to processes (``dedup_table``).
    """
    order = np.arange(representative.size) if rank is None else rank
    lsh_rows = np.flatnonzero((representative == np.arange(representative.size)) & sketches.has_shingles[order])
    source_rows = order[lsh_rows]
    signatures = sketches.signatures[source_rows, : bands * rows]
    sizes = sketches.shingle_count[source_rows]
    new_rows = None if is_new is None else is_new[lsh_rows]
    return lsh_rows[find_pairs(signatures, sizes, rule, rows=rows, is_new=new_rows)]


def cluster_documents(
    docs: Sequence[DedupDoc],
    *,
    threshold: float = JACCARD_THRESHOLD,
    containment_threshold: float = CONTAINMENT_THRESHOLD,
    min_size_ratio: float = MIN_SIZE_RATIO,
    n: int = SHINGLE_SIZE,
    bands: int = BANDS,
    rows: int = ROWS,
) -> dict[str, ClusterAssignment]:
    """Cluster exact and near duplicates; returns an assignment per doc_id.

    Docs are processed in doc_id order, so clusters and ids do not depend on input order.
    """
    rule = NearDuplicateRule(threshold, containment_threshold, min_size_ratio)
    ordered = sorted(docs, key=lambda doc: doc.doc_id)
    if len({doc.doc_id for doc in ordered}) != len(ordered):
        raise ValueError("doc_id must be unique")
    normalized = [normalize_for_dedup(doc.text) for doc in ordered]
    sketches = sketch_texts(normalized, n)
    representative = exact_representatives(sketches)
    edges = match_sketches(sketches, representative, normalized.__getitem__, rule, n=n, bands=bands, rows=rows)
    meta = DocMeta(
        doc_id=[d.doc_id for d in ordered],
        url=[d.url for d in ordered],
        published=[d.published for d in ordered],
        text_chars=np.fromiter((len(d.text) for d in ordered), dtype=np.int64, count=len(ordered)),
    )
    columns = cluster_columns(meta, representative, edges)
    return {doc.doc_id: columns.assignment(row) for row, doc in enumerate(ordered)}

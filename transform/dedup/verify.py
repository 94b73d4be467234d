"""Exact verification of candidate pairs: the rule that decides what a near duplicate is.

``NearDuplicateRule``: a pair is a near duplicate when the Jaccard similarity of its shingle sets
reaches ``JACCARD_THRESHOLD``, or when one set lies mostly inside the other (containment
|A∩B|/min(|A|,|B|) >= ``CONTAINMENT_THRESHOLD``) and the smaller set is at least
``MIN_SIZE_RATIO`` of the larger. Why these values: see the package docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from cuishou.transform.dedup.sketch import SHINGLE_SIZE, shingle_sets

JACCARD_THRESHOLD = 0.3
CONTAINMENT_THRESHOLD = 0.6
MIN_SIZE_RATIO = 0.4
_VERIFY_BLOCK = 2048  # pairs whose shingle sets are built together (<= 4096 sets of ~1.3k hashes)


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
    pairs: np.ndarray, text_of: Callable[[int], str], rule: NearDuplicateRule, n: int = SHINGLE_SIZE
) -> Edges:
    """Candidate pairs that `rule` accepts on their exact shingle sets.

    Pairs are taken a block at a time and the shingle sets of a block's rows are built together
    (normalising many texts at once is several times cheaper than one by one), so memory holds
    one block's sets.
    """
    kept = []
    for start in range(0, len(pairs), _VERIFY_BLOCK):
        block = pairs[start : start + _VERIFY_BLOCK]
        rows = np.unique(block).tolist()
        sets = dict(zip(rows, shingle_sets([text_of(row) for row in rows], n)))
        for left, right in block.tolist():
            a, b = sets[left], sets[right]
            jaccard, containment = shingle_overlap(a, b)
            if rule.accepts(jaccard, containment, min(a.size, b.size) / max(a.size, b.size, 1)):
                kept.append((left, right, jaccard, containment))
    columns = list(zip(*kept)) or [(), (), (), ()]
    return Edges(*(np.array(c, dtype=t) for c, t in zip(columns, (np.int64, np.int64, float, float))))

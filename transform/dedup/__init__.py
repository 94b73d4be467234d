"""Exact and near-duplicate clustering of articles.

Content farms copy each other and "spin" the copy: synonym swaps, reordered paragraphs,
truncation, an extra paragraph, traditional script, a new title. Every copy must land in its
original's cluster while different articles on the same topic (hard negatives) must not.

Steps, one module each, shared by the in-memory batch (``batch.cluster_documents``), the Parquet
path (``table.dedup_parquet``, ``cuishou dedup``), the persisted incremental index
(``index.DedupIndex``, used by ``cuishou build``) and Dask (``dask.cluster_documents_dask``):

0. ``normalize``: the comparison key (NFKC, simplified script, letters/digits only, lower case);
   identical keys are exact duplicates and only the smallest doc_id of them goes through 1-4.
1. ``sketch``: character 3-gram shingles, R-MinHash signatures (rensa) kept as 16 bits, sizes.
2. ``lsh``: band keys, candidate pairs per band with large buckets split, dropped when their
   MinHash estimate is far below what the rule accepts at their size ratio.
3. ``verify``: exact Jaccard and containment on the shingle sets, judged by ``NearDuplicateRule``.
4. ``batch``: union-find over exact copies and verified pairs; the canonical member is the
   longest clean text, then the earliest ``published`` (None last), then the URL (the index of
   ``cuishou build`` first prefers the corpus's current rows).

Parameters and why (measured figures: docs/benchmarks.md, "Near-duplicates"):

* ``SHINGLE_SIZE = 3``: spinning replaces words of ~2 characters, so short shingles survive it
  best; 2-grams are too unspecific (unrelated texts on one topic already share many).
* ``JACCARD_THRESHOLD = 0.3``: a copy with up to ~30 % of its words spun keeps Jaccard >= 0.3 to
  its original, while different articles that quote the same boilerplate block stay below it;
  0.25 starts merging those, and in this domain articles quoting the same rules are common.
* ``CONTAINMENT_THRESHOLD = 0.6`` with ``MIN_SIZE_RATIO = 0.4``: a copy cut hard *and* spun has
  low Jaccard but lies mostly inside its original; the size-ratio floor stops a short snippet
  shared by many articles from chaining them into one cluster. No accepted pair is below
  Jaccard 0.6*0.4/(1+0.4-0.24) = 0.21.
* ``BANDS x ROWS = 64 x 3`` over 192 permutations: the LSH S-curve midpoint (1/64)**(1/3) = 0.25
  lies between the rule's floor and the Jaccard threshold; P(candidate) is 0.45 at J = 0.21,
  0.82 at 0.3 and 0.98 at 0.4, and a cluster usually has several paths between its members.
  Fewer permutations (42 x 3 over 128) miss clearly more near-threshold copies, two rows per band
  catch a little more at many times the chance collisions, four rows miss spun copies.
* ``FULL_BUCKET = 8``, ``SPLIT_ROWS = 8``: a bucket of up to 8 members proposes all its pairs;
  a larger one (mostly documents sharing common shingles, and growing faster than the corpus)
  is split by one more signature value, 8 times, and pairs members agreeing on it. A
  near-threshold copy (J 0.35) agrees on one of 8 values with probability 0.97, so its recall
  holds as buckets grow, while a large bucket proposes at most 8 pairs per member (a cap on
  neighbours in doc_id order instead lost those copies once their buckets outgrew it). Smaller
  full buckets or fewer splits lose near-threshold copies; larger ones mostly add chance pairs.
"""

from cuishou.transform.dedup.batch import ClusterAssignment, DedupDoc, cluster_documents, cluster_id
from cuishou.transform.dedup.lsh import BANDS, FULL_BUCKET, ROWS, SPLIT_ROWS
from cuishou.transform.dedup.sketch import NUM_PERM, SHINGLE_SIZE
from cuishou.transform.dedup.verify import CONTAINMENT_THRESHOLD, JACCARD_THRESHOLD, MIN_SIZE_RATIO, NearDuplicateRule

__all__ = [
    "BANDS",
    "CONTAINMENT_THRESHOLD",
    "FULL_BUCKET",
    "JACCARD_THRESHOLD",
    "MIN_SIZE_RATIO",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_SIZE",
    "SPLIT_ROWS",
    "ClusterAssignment",
    "DedupDoc",
    "NearDuplicateRule",
    "cluster_documents",
    "cluster_id",
]

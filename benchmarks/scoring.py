"""Scores shared by the benchmarks: text F1 on character bigrams, junk leaks, pair F1, tag F1."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """NFKC and no white space: texts are compared modulo layout."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


def bigram_f1(predicted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 over the multiset of character bigrams."""
    p, g = squash(predicted), squash(gold)
    pred = Counter(p[i : i + 2] for i in range(len(p) - 1))
    ref = Counter(g[i : i + 2] for i in range(len(g) - 1))
    if not pred or not ref:
        return (1.0, 1.0, 1.0) if pred == ref else (0.0, 0.0, 0.0)
    overlap = sum((pred & ref).values())
    precision, recall = overlap / sum(pred.values()), overlap / sum(ref.values())
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def leaked(junk_lines: Iterable[str], text: str) -> list[str]:
    """The junk lines that still occur in the text (compared modulo white space)."""
    body = squash(text)
    return [line for line in junk_lines if squash(line) and squash(line) in body]


def occurrences(needle: str, text: str) -> int:
    return squash(text).count(squash(needle))


def same_cluster_pairs(clusters: dict[str, str]) -> set[frozenset[str]]:
    """Unordered pairs of ids that share a cluster label."""
    groups: dict[str, list[str]] = {}
    for item, label in clusters.items():
        groups.setdefault(label, []).append(item)
    return {frozenset(pair) for members in groups.values() for pair in itertools.combinations(sorted(members), 2)}


def prf(predicted: set, gold: set) -> tuple[float, float, float]:
    tp = len(predicted & gold)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(gold) if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1

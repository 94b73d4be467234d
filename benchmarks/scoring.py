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


# --- main-text extraction (shared/notes/extraction_anchors.md, "Metric") ---------------------------
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\U00020000-\U0002fa1f"
_TOKEN_RUN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")


def _is_punctuation(char: str) -> bool:
    """Unicode punctuation or symbol (|, ©, →): how the anchors' numbers were computed."""
    return unicodedata.category(char)[0] in "PS"


def _strip_punctuation(run: str) -> str:
    start, end = 0, len(run)
    while start < end and _is_punctuation(run[start]):
        start += 1
    while end > start and _is_punctuation(run[end - 1]):
        end -= 1
    return run[start:end]


def extraction_tokens(text: str) -> list[str]:
    """The anchors' tokens: NFKC; each CJK character one token; any other run of non-space
    characters one token with its leading/trailing punctuation stripped; pure punctuation dropped."""
    runs = _TOKEN_RUN.findall(unicodedata.normalize("NFKC", text or ""))
    return [token for token in map(_strip_punctuation, runs) if token]


def token_prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Bag-of-tokens precision, recall and F1 of one page; an empty gold gives R=1 and an empty
    output P=0 (the conventions that reproduce the anchors' trafilatura row exactly)."""
    pred, ref = Counter(extraction_tokens(predicted)), Counter(extraction_tokens(gold))
    overlap = sum((pred & ref).values())
    precision = overlap / sum(pred.values()) if pred else 0.0
    recall = overlap / sum(ref.values()) if ref else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1

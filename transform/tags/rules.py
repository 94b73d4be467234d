"""How a rule scores a document: cue families counted per sentence, sentences summed.

A ``Rule`` is plain data (one per label) so the tables can be read, tuned and enumerated:

* ``cues``: family name -> ``Cue(regex, weight)``. A family counts once per sentence however often it
  matches there, and a match that overlaps a match of an earlier family does not count again
  (``个人信用记录`` is one cue, not 个人信用 + 信用记录): list the specific families first. Weight 2
  marks a family that alone shows the subject.
* ``sentence_min``: a sentence supports the label only when its families add up to this. 2 means
  "a sentence about it": weak cues must meet in one sentence, and weak cues scattered over the
  text (法律 here, 违法 there) add nothing. 1 lets single mentions add up over the text.
* ``min_score``: the label is assigned when the supporting sentences' weights, times their factor
  (the title counts ``TITLE_FACTOR`` times), reach it.
* ``context``: the sentence's window (itself, the sentence before, its heading) must match, e.g. a
  channel word only counts in a passage about a debt.
* ``negative``: look-alike phrases with another meaning or another actor (送货上门, 打客服电话, a
  borrower who 不能按时还款); a cue match that overlaps one does not count.
* ``skip``: sentence kinds (``text.SENTENCE_KINDS``) the rule does not read; ``meta`` and
  ``disclaimer`` sentences are never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from cuishou.transform.tags.text import GAP, Sentence

ALWAYS_SKIPPED = frozenset({"meta", "disclaimer"})


def clause(max_chars: int) -> str:
    """Regex gap of up to ``max_chars`` characters inside one clause (no comma, colon or gap)."""
    return rf"[^,;:。{GAP}]{{0,{max_chars}}}"


class Cue(NamedTuple):
    """One cue family: a regex and the weight a sentence gets when it matches."""

    pattern: str
    weight: int


@dataclass(frozen=True)
class Rule:
    """How one label is recognised (see the module docstring)."""

    label: str
    cues: Mapping[str, Cue]
    min_score: int = 2
    sentence_min: int = 1
    context: str | None = None
    negative: str | None = None
    skip: frozenset[str] = frozenset()


@cache
def regex(pattern: str) -> re.Pattern[str]:
    """Patterns stay readable strings in the tables; each is compiled once, on first use."""
    return re.compile(pattern)


class _Compiled(NamedTuple):
    rule: Rule
    any_cue: re.Pattern[str]  # whether any family could match: most sentences say nothing of a label
    skip: frozenset[str]
    context: re.Pattern[str] | None
    negative: re.Pattern[str] | None
    cues: list[tuple[re.Pattern[str], int]]


_COMPILED: dict[int, _Compiled] = {}


def _compiled(rule: Rule) -> _Compiled:
    """The rule's regexes, compiled once per rule object (rules hold dicts, so they are not hashable)."""
    found = _COMPILED.get(id(rule))
    if found is None or found.rule is not rule:
        found = _COMPILED[id(rule)] = _Compiled(
            rule,
            regex("|".join(f"(?:{cue.pattern})" for cue in rule.cues.values())),
            rule.skip | ALWAYS_SKIPPED,
            regex(rule.context) if rule.context else None,
            regex(rule.negative) if rule.negative else None,
            [(regex(cue.pattern), cue.weight) for cue in rule.cues.values()],
        )
    return found


def _overlaps(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def sentence_cues(rule: Rule, sentence: Sentence) -> tuple[int, list[str]]:
    """The weight ``sentence`` gives ``rule`` and the cue texts behind it (0 when it cannot count)."""
    compiled = _compiled(rule)
    if not compiled.any_cue.search(sentence.text) or sentence.kinds & compiled.skip:
        return 0, []
    if compiled.context and not compiled.context.search(sentence.window):
        return 0, []
    taken = [m.span() for m in compiled.negative.finditer(sentence.text)] if compiled.negative else []
    weight, cues = 0, []
    for pattern, family_weight in compiled.cues:
        for match in pattern.finditer(sentence.text):
            if match.group() and not _overlaps(match.span(), taken):
                weight += family_weight
                cues.append(match.group())
                taken.append(match.span())
                break
    return weight, cues


def score(rule: Rule, sentences: list[Sentence], joined: str | None = None) -> tuple[int, list[str]]:
    """Total weight of the sentences that support the rule, and their distinct cues in order.

    ``joined`` (the sentences' texts joined by newlines, see ``assigned``) is searched first: a
    rule none of whose cues occurs anywhere in the document is settled by one search instead of
    one per sentence, which is most rules for most documents.
    """
    if joined is not None and not _compiled(rule).any_cue.search(joined):
        return 0, []
    total, cues = 0, {}
    for sentence in sentences:
        weight, found = sentence_cues(rule, sentence)
        if weight >= rule.sentence_min:
            total += weight * sentence.factor
            cues.update(dict.fromkeys(found))
    return total, list(cues)


def joined_text(sentences: list[Sentence]) -> str:
    """The sentences' texts, one per line: a cue that matches inside a sentence matches here too
    (no cue pattern anchors on ^ or $, and none of their look-arounds matches a newline), so a
    search here that finds nothing means no sentence has a cue."""
    return "\n".join(sentence.text for sentence in sentences)


def assigned(rules: tuple[Rule, ...], sentences: list[Sentence]) -> dict[str, list[str]]:
    """label -> cues, for every rule whose score reaches its ``min_score``."""
    labels = {}
    joined = joined_text(sentences)
    for rule in rules:
        total, cues = score(rule, sentences, joined)
        if total >= rule.min_score:
            labels[rule.label] = cues
    return labels

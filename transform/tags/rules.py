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

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from re import _constants as sre
from re import _parser as sre_parser
from typing import Any, NamedTuple

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
    """Patterns stay readable strings in the tables; each is compiled once, on first use.

    A pattern whose matches can only start with a few known characters is compiled behind a
    lookahead for them (``first_chars``): the same matches, but ``re`` then skips every other
    position at once instead of trying each alternative of the pattern there.
    """
    first = first_chars(pattern)
    if first is None:
        return re.compile(pattern)
    members = "".join(item if item == DIGIT else re.escape(item) for item in sorted(first))
    return re.compile(f"(?=[{members}])(?:{pattern})")


_ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
FIRST_CHARS_MAX = 200  # a set larger than this (a whole script's range) filters nothing
DIGIT = r"\d"  # stands for every digit in a set of first characters: a narrow class, checked at once


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters every match of ``pattern`` starts with (``DIGIT`` for any digit), or None
    when they are not a short known set (a match may be empty, or start with ``.``, ``[^…]``, a
    wide class such as ``\\w`` or a wide range)."""
    try:
        parsed = sre_parser.parse(pattern)
    except (re.error, TypeError, ValueError):
        return None
    if parsed.state.flags & re.IGNORECASE:  # the other case of each letter would start matches too
        return None
    found = _sequence_first(list(parsed))
    return frozenset(found) if found and len(found) <= FIRST_CHARS_MAX else None


def _sequence_first(items: Sequence[tuple[Any, Any]]) -> set[str] | None:
    """First characters of a sequence: look-arounds and anchors consume none, an optional item
    adds its own and lets the next one start the match."""
    found: set[str] = set()
    for op, arg in items:
        if op in _ZERO_WIDTH:
            continue
        if op in _REPEATS:
            least, _, item = arg
            inner = _sequence_first(list(item))
            if inner is None:
                return None
            found |= inner
            if least >= 1:
                return found
            continue
        inner = _item_first(op, arg)
        return None if inner is None else found | inner
    return None  # the sequence may match the empty string


def _item_first(op: Any, arg: Any) -> set[str] | None:
    if op == sre.LITERAL:
        return {chr(arg)}
    if op == sre.IN:
        found = set()
        for kind, value in arg:
            if kind == sre.LITERAL:
                found.add(chr(value))
            elif kind == sre.RANGE and value[1] - value[0] < FIRST_CHARS_MAX:
                found.update(map(chr, range(value[0], value[1] + 1)))
            elif kind == sre.CATEGORY and value == sre.CATEGORY_DIGIT:
                found.add(DIGIT)
            else:  # a negated set, a wide class (\w, \s), a wide range
                return None
        return found
    if op == sre.BRANCH:
        found = set()
        for alternative in arg[1]:
            if (inner := _sequence_first(list(alternative))) is None:
                return None
            found |= inner
        return found
    if op == sre.SUBPATTERN:
        _, add_flags, _, item = arg
        return None if add_flags else _sequence_first(list(item))
    return None


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


class Joined:
    """A document's sentences joined one per line, to find the sentences a rule can match at all.

    A cue that matches inside a sentence matches at the same place here (no cue pattern anchors on
    ``^`` or ``$``, and none of their look-arounds matches a newline); a match found here may also
    run across two sentences, so a sentence found is only a candidate, judged on its own.
    """

    def __init__(self, sentences: list[Sentence]):
        self.sentences = sentences
        self.text = "\n".join(sentence.text for sentence in sentences)
        self.starts = list(itertools.accumulate((len(s.text) + 1 for s in sentences[:-1]), initial=0))

    def candidates(self, pattern: re.Pattern[str]) -> Iterator[Sentence]:
        """The sentences in which a match of ``pattern`` starts, each once, in order: one search
        per candidate instead of one per sentence."""
        position = 0
        while match := pattern.search(self.text, position):
            index = bisect.bisect_right(self.starts, match.start()) - 1
            yield self.sentences[index]
            if index + 1 == len(self.sentences):
                return
            position = self.starts[index + 1]


def score(rule: Rule, sentences: list[Sentence] | Joined) -> tuple[int, list[str]]:
    """Total weight of the sentences that support the rule, and their distinct cues in order.

    Given the ``Joined`` sentences, only those in which one of the rule's cues occurs are read:
    most rules occur in few sentences of a document, or in none.
    """
    if isinstance(sentences, Joined):
        sentences = sentences.candidates(_compiled(rule).any_cue)
    total, cues = 0, {}
    for sentence in sentences:
        weight, found = sentence_cues(rule, sentence)
        if weight >= rule.sentence_min:
            total += weight * sentence.factor
            cues.update(dict.fromkeys(found))
    return total, list(cues)


def assigned(rules: tuple[Rule, ...], sentences: list[Sentence]) -> dict[str, list[str]]:
    """label -> cues, for every rule whose score reaches its ``min_score``."""
    labels = {}
    joined = Joined(sentences)
    for rule in rules:
        total, cues = score(rule, joined)
        if total >= rule.min_score:
            labels[rule.label] = cues
    return labels

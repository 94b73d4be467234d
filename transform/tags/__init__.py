"""Tag a document with the products, collection channels and advice topics its text supports.

A tag says what a page is *about*, to the spec in ``facets`` (stated in the README's Tags section):
one passing mention must not assign it, one clear sentence must. The stage is four steps:

* ``text``: normalise (NFKC, simplified script, pinyin residue, scrubbed gaps) and split into
  sentences, each with its window (sentence before, heading) and kind (meta, disclaimer, example);
* ``rules``: the scoring of a ``Rule`` (cue families per sentence, sentences summed);
* ``facets``: the rule tables of the three facets, ``home_visits``: claims about 上门催收;
* ``entities``: lenders, legal references and overdue durations (no scoring).

``Tags.evidence`` maps ``"facet:label"`` to the distinct cue texts that assigned it, so every tag
can be audited; ``lenders:<name>``, ``legal_refs:<ref>`` and ``home_visit_claims:<label>`` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cuishou.transform.tags.entities import (
    CRIME_ARTICLES,
    LAW_ALIASES,
    LENDER_ALIASES,
    chinese_number,
    legal_refs,
    lenders,
)
from cuishou.transform.tags.entities import overdue_days as _overdue_days
from cuishou.transform.tags.facets import FACETS
from cuishou.transform.tags.home_visits import HOME_VISIT_RULES
from cuishou.transform.tags.rules import Rule, assigned
from cuishou.transform.tags.text import TITLE_FACTOR, normalize, sentences

__all__ = [
    "CRIME_ARTICLES", "FACETS", "HOME_VISIT_RULES", "LAW_ALIASES", "LENDER_ALIASES", "TITLE_FACTOR", "Rule", "Tags",
    "chinese_number", "tag_document",
]


@dataclass(frozen=True)
class Tags:
    """The labels a document supports, each with the cues that made it."""

    products: list[str]
    channels: list[str]
    topics: list[str]
    evidence: dict[str, list[str]]
    lenders: list[str] = field(default_factory=list)
    legal_refs: list[str] = field(default_factory=list)
    overdue_days: list[int] = field(default_factory=list)
    home_visit_claims: list[str] = field(default_factory=list)


def tag_document(text: str, title: str | None = None) -> Tags:
    """Labels per facet that the text and title support, with the cues behind each."""
    text, title = normalize(text), (normalize(title) if title else None)
    parts = sentences(text, title)
    labels = {facet: assigned(rules, parts) for facet, rules in FACETS.items()}
    whole = f"{title}\n{text}" if title else text
    named = lenders(whole)
    cited = legal_refs(whole)
    visits = assigned(HOME_VISIT_RULES, parts)
    evidence = {f"{facet}:{label}": cues for facet, found in labels.items() for label, cues in found.items()}
    evidence |= {f"lenders:{name}": aliases for name, aliases in named.items()}
    evidence |= {f"legal_refs:{ref}": texts for ref, texts in cited.items()}
    evidence |= {f"home_visit_claims:{label}": cues for label, cues in visits.items()}
    return Tags(
        products=sorted(labels["products"]),
        channels=sorted(labels["channels"]),
        topics=sorted(labels["topics"]),
        evidence=evidence,
        lenders=sorted(named),
        legal_refs=sorted(cited),
        overdue_days=_overdue_days([part.text for part in parts]),
        home_visit_claims=sorted(visits),
    )

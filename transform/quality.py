"""Quality signals for one cleaned page: scrubbed-word gaps, spinner vocabulary, junk share.

Two defects of this genre survive every standard filter (FineWeb, C4, Gopher rules pass them):

* **Scrubbed words.** Sites delete "sensitive" words (催收, 电话, 暴力, 中华人民共和国…) and leave
  the gap: ``通过 联系``, ``不得选用、、等``, ``《人民合同法》``, an empty list label ``2. :``.
  We count the gaps and keep the text as it is (a repair would be a guess).
* **Spun text** (伪原创): synonym swaps that turn 了解 into 熟悉, 第一步 into 之一步, 重要 into
  至关关键. Marker words that ordinary writing almost never uses give a density per 1,000 Han
  characters (the seed pages: 9–13 when spun, 0.4 when not).

``quality_score`` (0..1) combines them; see ``score``.
"""

from __future__ import annotations

import re
import unicodedata

from cuishou.transform.clean import CleanText

# Gap patterns left by scrubbed words, with names for auditing.
SCRUBBED_GAP_PATTERNS: dict[str, re.Pattern[str]] = {
    "space_between_han": re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])"),  # one: wider is layout
    "space_before_punct": re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[,。、;:!?)”」』])"),
    "empty_enumeration": re.compile(r"、(?=、|等(?![额级待同于]))"),  # not 等额/等级/等待…
    "verb_then_enumeration": re.compile(r"(?:选用|采用|采取|采纳|使用)、"),
    "empty_list_label": re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})[.、]\s*[:]", re.M),
    "law_without_state_name": re.compile(r"《人民[^》]{1,12}法》"),
}

# Words spinners substitute and ordinary Chinese writing rarely uses (see the module docstring).
SPIN_MARKERS: tuple[str, ...] = (
    "疑惑", "熟悉", "采纳", "须要", "进展中", "之一步", "之一个", "之一件", "至关关键", "起因",
    "可能存在", "倘使", "假使", "确信", "必不可少性", "失信被实行人", "实行核实", "要紧依据",
    "或是说",
)
_SPIN = re.compile("|".join(map(re.escape, SPIN_MARKERS)))
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WHITESPACE = re.compile(r"\s+")

SPIN_SATURATION = 10.0  # markers per 1k Han chars at which the spin penalty is full
GAP_SATURATION = 5.0  # gaps per 1k Han chars at which the gap penalty is full
FULL_LENGTH_HAN = 300  # texts shorter than this many Han chars score proportionally lower
WEIGHTS = {"spin": 0.4, "gaps": 0.4, "junk": 0.2}


def scrubbed_gaps(text: str) -> int:
    """Number of places where a word seems to have been deleted."""
    folded = unicodedata.normalize("NFKC", text)
    return sum(len(pattern.findall(folded)) for pattern in SCRUBBED_GAP_PATTERNS.values())


def spin_density(text: str) -> float:
    """Spinner-marker hits per 1,000 Han characters."""
    return _spin_density(text, len(_HAN.findall(text)))


def _spin_density(text: str, han: int) -> float:
    """Spinner-marker hits per 1,000 of the text's ``han`` Han characters."""
    return 1000 * len(_SPIN.findall(text)) / han if han else 0.0


def removed_share(raw_text: str, clean: CleanText) -> float:
    """Share of the raw text's non-space characters that cleaning removed (comments included)."""
    raw = len(_WHITESPACE.sub("", raw_text))
    kept = len(_WHITESPACE.sub("", clean.text))
    return max(0.0, 1 - kept / raw) if raw else 0.0


def score(han_chars: int, spin: float, gaps_per_1k: float, junk_share: float) -> float:
    """quality_score = length_factor * (1 - 0.4*spin_penalty - 0.4*gap_penalty - 0.2*junk_share), where
    length_factor = min(1, han_chars/300), spin_penalty = min(1, spin/10),
    gap_penalty = min(1, gaps_per_1k/5), all in 0..1."""
    length_factor = min(1.0, han_chars / FULL_LENGTH_HAN)
    penalty = (
        WEIGHTS["spin"] * min(1.0, spin / SPIN_SATURATION)
        + WEIGHTS["gaps"] * min(1.0, gaps_per_1k / GAP_SATURATION)
        + WEIGHTS["junk"] * min(1.0, junk_share)
    )
    return round(length_factor * (1 - penalty), 4)


def quality_signals(raw_text: str, clean: CleanText) -> dict[str, float | int]:
    """Signals of one page: raw_text is the extracted text before cleaning."""
    han = len(_HAN.findall(clean.text))
    gaps = scrubbed_gaps(clean.text)
    spin = _spin_density(clean.text, han)
    junk = removed_share(raw_text, clean)
    gaps_per_1k = 1000 * gaps / han if han else 0.0
    return {
        "han_chars": han,
        "scrubbed_gaps": gaps,
        "spin_density": round(spin, 2),
        "removed_share": round(junk, 4),
        "quality_score": score(han, spin, gaps_per_1k, junk),
    }

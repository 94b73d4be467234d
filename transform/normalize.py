"""Text normalisation for duplicate detection, so that cosmetic rewrites compare equal.

Content farms re-publish each other's articles with cosmetic changes: full-width vs half-width
characters, traditional vs simplified script, different punctuation, spaces or line breaks, and
gaps where a site scrubbed "sensitive" words. ``normalize_for_dedup`` maps all of these to one
form, so that character shingles of a copy and of its original line up:

1. NFKC, which folds full-width letters/digits (``Ａ１``) and compatibility forms to ASCII;
2. traditional -> simplified with OpenCC ``t2s`` (before stripping, so OpenCC's phrase tables still
   see sentence boundaries);
3. removal of everything that is not a letter or digit (punctuation, symbols, whitespace and
   ``_``): punctuation is what spinners change most cheaply and whitespace is layout;
4. lower case.

The result is only a comparison key; it is never shown or stored as text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

# In Python's ``re`` CJK ideographs are word characters, so \W is exactly punctuation, symbols and
# whitespace; "_" counts as a word character and is removed explicitly.
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")


@cache
def _t2s() -> opencc.OpenCC:
    """The traditional->simplified converter, built once: loading its dictionaries takes ~ms."""
    return opencc.OpenCC("t2s")


def normalize_for_dedup(text: str) -> str:
    """Comparison key of ``text``: NFKC, simplified script, letters and digits only, lower case."""
    folded = unicodedata.normalize("NFKC", text)
    simplified = _t2s().convert(folded)
    return _NOT_LETTER_OR_DIGIT.sub("", simplified).lower()

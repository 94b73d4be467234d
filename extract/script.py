"""Chinese script folding shared by extraction, cleaning, tagging and dedup.

One OpenCC converter for the process (loading its dictionaries is not free), in a module light
enough for dedup workers that never parse HTML.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import opencc


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified-script view of ``text`` so one lexicon serves traditional pages too."""
    return _t2s().convert(text)


def fold(text: str) -> str:
    """NFKC (full-width forms to half-width) and simplified script: the view lexicons match."""
    return to_simplified(unicodedata.normalize("NFKC", text))

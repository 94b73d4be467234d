"""Text normalisation for duplicate detection, so that cosmetic rewrites compare equal.

Content farms re-publish each other's articles with cosmetic changes: full-width vs half-width
characters, traditional vs simplified script, different punctuation, spaces or line breaks, and
gaps where a site scrubbed "sensitive" words. The comparison key maps all of these to one form,
so that character shingles of a copy and of its original line up:

1. NFKC, which folds full-width letters/digits (``Ａ１``) and compatibility forms to ASCII;
2. per character: traditional -> simplified (OpenCC ``t2s`` of the character alone), removal of
   everything that is not a letter or digit (punctuation, symbols, whitespace, ``_``), lower
   case. Punctuation is what spinners change most cheaply and whitespace is layout.

Step 2 is one table lookup per code point, done in numpy over a whole batch of texts (the table
is built once per process from OpenCC and ``str.isalnum``/``str.lower``), because per-string
regular expressions and OpenCC calls cost several times the rest of the sketch. Converting
characters one by one, not phrases, is enough for a comparison key: a copy and its original only
need to fold to the same characters. The key is never shown or stored as text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np

from cuishou.extract.script import to_simplified

# NFKC folds full-width forms (U+FF01-FF5E) and the ideographic space one by one. Replacing the
# common ones first gives NFKC the same result but lets most texts take its already-normal fast path.
_FULLWIDTH = [(c, unicodedata.normalize("NFKC", c)) for c in "，：；！？（）％．\u3000"]
_BMP = 0x10000
_DROPPED = 0  # table value of a code point that is not part of the key (NUL is not alphanumeric)


def _nfkc(text: str) -> str:
    for full_width, folded in _FULLWIDTH:
        text = text.replace(full_width, folded)
    return unicodedata.normalize("NFKC", text)


def _key_char(simplified: str, original: str) -> int:
    """Code point a character contributes to the key (after t2s), or _DROPPED."""
    char = simplified if len(simplified) == 1 else original
    if not char.isalnum():
        return _DROPPED
    lower = char.lower()
    return ord(lower if len(lower) == 1 else char)


def _key_chars(chars: list[str]) -> np.ndarray:
    """_key_char of each of `chars`, with one OpenCC call for all of them."""
    convertible = [c if c != "\n" and not 0xD800 <= ord(c) <= 0xDFFF else " " for c in chars]
    simplified = to_simplified("\n".join(convertible)).split("\n")
    if len(simplified) != len(chars):  # OpenCC never merges lines; keep the originals if it ever does
        simplified = convertible
    return np.fromiter(map(_key_char, simplified, convertible), dtype=np.uint32, count=len(chars))


@cache
def _bmp_table() -> np.ndarray:
    """Key code point of every Basic Multilingual Plane character (built once per process)."""
    return _key_chars([chr(code) for code in range(_BMP)])


def _fold(codes: np.ndarray) -> np.ndarray:
    """Step 2 on code points: the BMP through the table, the rare others character by character."""
    folded = _bmp_table()[np.minimum(codes, _BMP - 1)]
    astral = codes >= _BMP
    if astral.any():
        unique = np.unique(codes[astral])
        keys = _key_chars([chr(code) for code in unique.tolist()])
        folded[astral] = keys[np.searchsorted(unique, codes[astral])]
    return folded


def normalized_codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Comparison keys of `texts` as one uint32 array of code points, and each key's length."""
    folded = [_nfkc(text) for text in texts]
    lengths = np.fromiter(map(len, folded), dtype=np.int64, count=len(folded))
    codes = _fold(np.frombuffer("".join(folded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
    kept = codes != _DROPPED
    kept_before = np.zeros(codes.size + 1, dtype=np.int64)
    np.cumsum(kept, out=kept_before[1:])
    ends = np.cumsum(lengths)
    return codes[kept], kept_before[ends] - kept_before[ends - lengths]


def normalize_for_dedup(text: str) -> str:
    """Comparison key of ``text``: NFKC, simplified script, letters and digits only, lower case."""
    return normalized_codes([text])[0].tobytes().decode("utf-32-le")

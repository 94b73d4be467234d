"""The page's language from character classes (cheap, no model)."""

from __future__ import annotations

import re

from cuishou.extract.html.dom import HAN
from cuishou.extract.script import to_simplified

_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
HANT_MIN_SHARE = 0.03  # share of Han characters OpenCC t2s changes for text to count as traditional
LANGUAGE_SAMPLE_CHARS = 3000  # the language heuristic looks at this much text


def detect_language(text: str) -> str:
    """'zh' / 'zh-Hant' / 'ja' / 'ko' / 'en' / 'und' from character classes."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    han, kana = len(HAN.findall(sample)), len(_KANA.findall(sample))
    hangul, latin = len(_HANGUL.findall(sample)), len(_LATIN.findall(sample))
    if hangul > han and hangul > latin / 4:
        return "ko"
    if kana > 10 and kana > 0.05 * (han + kana):
        return "ja"
    if han and han >= latin / 4:
        simplified = to_simplified(sample)
        if simplified == sample:  # most pages: nothing to count, character by character
            return "zh"
        changed = sum(1 for a, b in zip(sample, simplified) if a != b)
        return "zh-Hant" if changed >= HANT_MIN_SHARE * han else "zh"
    return "en" if latin else "und"

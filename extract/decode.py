"""Bytes to text for web pages, because httpx alone mis-decodes GBK pages.

Order of evidence: byte-order mark, the HTTP ``charset``, the ``<meta>`` charset in the first
kilobytes (WHATWG prescan), then statistical detection. A declared charset is only trusted if the
body decodes under it without errors: content farms send ``charset=utf-8`` headers over GBK
bodies. The GB family (gb2312, gbk, cp936, x-gbk) is widened to gb18030, its superset, so
characters outside GB2312 (镕, 堃) survive.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_GB_FAMILY = {"gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312-80", "csgb2312", "euc-cn"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_PRESCAN_BYTES = 4096
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass(frozen=True)
class Decoded:
    """A decoded page and how its encoding was chosen (kept as provenance in the corpus)."""

    text: str
    encoding: str
    source: str  # bom | http | meta | detected | fallback
    replacements: int = 0  # U+FFFD produced by decoding: a quality signal


def normalise_encoding(label: str | None) -> str | None:
    """Map a charset label to a Python codec name, widening the GB family to gb18030."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13, hex, zlib...: not a charset
        return None
    return "gb18030" if info.name in _GB_FAMILY else info.name


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """The charset a page declares in a <meta> tag near its start."""
    match = _META_CHARSET.search(body[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a page body, choosing the first declared encoding that fits the bytes."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom):].decode(encoding, "replace"), encoding, "bom")
    declared = [
        (source, encoding)
        for source, label in (("http", header_charset(content_type)), ("meta", meta_charset(body)))
        if (encoding := normalise_encoding(label))
    ]
    for source, encoding in declared:
        if (text := _strict(body, encoding)) is not None:
            return Decoded(text, encoding, source)
    if (text := _strict(body, "utf-8")) is not None:
        return Decoded(text, "utf-8", "detected")
    return _least_damaged(body, [encoding for _, encoding in declared])


def _least_damaged(body: bytes, declared: list[str]) -> Decoded:
    """No candidate fits every byte: a few bad bytes under a plausible encoding beat a wild guess.

    Statistical detectors misread mostly-valid UTF-8 or GBK with a few broken bytes as Cyrillic
    code pages, so they are consulted only when every plausible encoding leaves many errors.
    """
    candidates = []
    for encoding in dict.fromkeys([*declared, "utf-8", "gb18030"]):
        text = body.decode(encoding, "replace")
        errors = text.count("\ufffd")
        if errors <= max(8, len(text) // 100):  # first plausible one, in order of preference
            return Decoded(text, encoding, "fallback", errors)
        candidates.append((errors, encoding, text))
    errors, encoding, text = min(candidates, key=lambda c: c[0])
    best = from_bytes(body).best()
    guess = normalise_encoding(best.encoding) if best else None
    if guess and (guessed := _strict(body, guess)) is not None:
        return Decoded(guessed, guess, "detected")
    return Decoded(text, encoding, "fallback", errors)

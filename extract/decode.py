"""Bytes to text for web pages, because httpx alone mis-decodes GBK pages.

Order of evidence: byte-order mark, the HTTP ``charset``, the ``<meta>`` charset in the first
kilobytes (WHATWG prescan), then detection. A declaration is only believed if the bytes agree:

- a multi-byte charset (UTF-8, GBK, Big5 …) must decode the body without errors: content farms
  send ``charset=utf-8`` headers over GBK bodies;
- a single-byte charset (ISO-8859-1, Windows-1252 …) decodes any bytes, so fitting proves
  nothing; it loses to a body that is valid UTF-8, to the page's other declaration when that one
  decodes cleanly (a server's default ``iso-8859-1`` header over a ``<meta charset=gbk>`` page),
  and its text must not look like mojibake;
- a UTF-16/32 label over a body without NUL bytes (which HTML markup in UTF-16 always has) is
  ignored, as browsers ignore it in ``<meta>``.

When the header and the page disagree, the bytes decide: a strict decode, no C1 control
characters, the share of CJK characters. Labels map as browsers map them (iso-8859-1 and ascii
are Windows-1252), and the GB family (gb2312, gbk, cp936, x-gbk) is widened to gb18030, its
superset, so characters outside GB2312 (镕, 堃) survive. A text that still looks like mojibake
(runs of Latin-1 letters and symbols where the page's words should be, or C1 controls) carries
the evidence in ``problem``: such a page is not a document.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from charset_normalizer import from_bytes

_GB_FAMILY = {"gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "gb_2312-80", "csgb2312", "euc-cn"}
# WHATWG Encoding: these labels all mean windows-1252
_WINDOWS_1252 = {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819",
                 "ibm819", "iso-ir-100", "csisolatin1", "ansi_x3.4-1968", "windows-1252", "x-cp1252", "cp1252"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_PRESCAN_BYTES = 4096
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

_CJK = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff00-\uffef]")
_C1 = re.compile(r"[\x80-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_TEXT_CHARS = re.compile(r"[A-Za-z]+|[^\x00-\x7f]+")
# Runs of two or more characters that Windows-1252/Latin-1 make of the bytes of CJK or UTF-8 text.
_LATIN_RUN = re.compile(r"[\xa0-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
                        r"\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{2,}")
_NOT_TEXT = re.compile(  # scripts, styles, comments and tags (unrolled loops: lazy dots are slow)
    r"<script\b[^<]*(?:<(?!/script)[^<]*)*(?:</script\s*>)?|<style\b[^<]*(?:<(?!/style)[^<]*)*(?:</style\s*>)?"
    r"|<!--[^-]*(?:-(?!->)[^-]*)*(?:-->)?|<[^>]*>",
    re.I,
)
_MIN_SUSPECT_CHARS = 20  # fewer mojibake-looking characters than this prove nothing
_MOJIBAKE_SHARE = 0.3  # share of the visible text's letters and symbols in such runs that marks the page


@dataclass(frozen=True)
class Decoded:
    """A decoded page and how its encoding was chosen (kept as provenance in the corpus)."""

    text: str
    encoding: str
    source: str  # bom | http | meta | detected | fallback
    replacements: int = 0  # U+FFFD produced by decoding: a quality signal
    problem: str | None = None  # evidence that the text is mojibake: not a document


def normalise_encoding(label: str | None) -> str | None:
    """Map a charset label to a Python codec name as browsers read it (GB family → gb18030, latin-1 → cp1252)."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    if label in _WINDOWS_1252:
        return "cp1252"
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


@lru_cache(maxsize=256)
def is_single_byte(encoding: str) -> bool:
    """Whether every byte is one character in ``encoding`` (so any body 'fits' it)."""
    text = bytes(range(0x80, 0x100)).decode(encoding, "replace")
    return len(text) == 128 and text.count("\ufffd") < 16


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _declared(body: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """(source, codec) of the page's declarations, HTTP first, without ones the bytes rule out at sight."""
    found = []
    for source, label in (("http", header_charset(content_type)), ("meta", meta_charset(body))):
        encoding = normalise_encoding(label)
        if not encoding or any(encoding == known for _, known in found):
            continue
        if encoding.startswith(("utf-16", "utf-32")) and b"\0" not in body[:_PRESCAN_BYTES]:
            continue
        found.append((source, encoding))
    return found


def _clean(text: str) -> bool:
    return not _C1.search(text) and mojibake_evidence(text) is None


def _count(pattern: re.Pattern, text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def _cjk_share(text: str) -> float:
    non_ascii = _count(_NON_ASCII, text)
    return len(_CJK.findall(text)) / non_ascii if non_ascii else 0.0


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a page body with the declared encoding the bytes agree with (see the module docstring)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom):].decode(encoding, "replace"), encoding, "bom")
    declared = _declared(body, content_type)
    decodes = [(source, encoding, text) for source, encoding in declared
               if (text := _strict(body, encoding)) is not None]
    multi_byte = [(s, e, t) for s, e, t in decodes if not is_single_byte(e)]
    if len(multi_byte) > 1:  # header and page disagree, and both fit: the bytes decide
        utf8 = [d for d in multi_byte if d[1] == "utf-8"]
        multi_byte = utf8 or sorted(multi_byte, key=lambda d: -_cjk_share(d[2]))
    if multi_byte:
        source, encoding, text = multi_byte[0]
        return _checked(Decoded(text, encoding, source), body)
    if body.isascii():
        return Decoded(body.decode("ascii"), declared[0][1] if declared else "utf-8",
                       declared[0][0] if declared else "detected")
    if (text := _strict(body, "utf-8")) is not None:
        return _checked(Decoded(text, "utf-8", "detected"), body)
    for source, encoding, text in decodes:  # single-byte declarations, believed if the text is clean
        if _clean(text):
            return Decoded(text, encoding, source)
    return _checked(_undeclared(body, [encoding for _, encoding in declared]), body)


def _undeclared(body: bytes, declared: list[str]) -> Decoded:
    """No declaration holds: a clean CJK decode, detection, or the least damaged candidate."""
    if (text := _strict(body, "gb18030")) is not None and _cjk_share(text) > 0.5 and _clean(text):
        return Decoded(text, "gb18030", "detected")
    candidates = []
    for encoding in dict.fromkeys([*declared, "utf-8", "gb18030"]):
        text = body.decode(encoding, "replace")
        errors = text.count("\ufffd")
        if errors <= max(8, len(text) // 100) and _clean(text):  # first plausible one, in order of preference
            return Decoded(text, encoding, "fallback", errors)
        candidates.append((errors, encoding, text))
    best = from_bytes(body).best()
    guess = normalise_encoding(best.encoding) if best else None
    if guess and (guessed := _strict(body, guess)) is not None and _clean(guessed):
        return Decoded(guessed, guess, "detected")
    errors, encoding, text = min(candidates, key=lambda c: c[0])
    return Decoded(text, encoding, "fallback", errors)


def _checked(decoded: Decoded, body: bytes) -> Decoded:
    """The decoded page, with the evidence if its text looks like mojibake.

    Only UTF-8 (Latin-1 mojibake saved as UTF-8) and single-byte decodes can show it: a CJK
    multi-byte decode that fits the bytes makes CJK text.
    """
    if decoded.encoding == "utf-8":  # each Latin-1 range character is \xc2 or \xc3 and a byte in UTF-8
        suspect = body.count(b"\xc3") + body.count(b"\xc2") >= _MIN_SUSPECT_CHARS
    else:
        suspect = is_single_byte(decoded.encoding)
    evidence = mojibake_evidence(decoded.text) if suspect else None
    if evidence is None:
        return decoded
    return Decoded(decoded.text, decoded.encoding, decoded.source, decoded.replacements,
                   f"mojibake after decoding as {decoded.encoding} ({decoded.source}): {evidence}")


def mojibake_evidence(text: str) -> str | None:
    """Why the visible text of a decoded page looks like mojibake, or None.

    Mojibake of CJK or UTF-8 text read as a Latin code page is runs of accented letters and
    symbols (``ÓâÆÚºóºÍÍø´û``, ``é€¾æœŸ``) where the words should be; real Western text has its
    accents one at a time between ASCII letters. C1 control characters never occur in real text.
    """
    if not (_C1.search(text) or _LATIN_RUN.search(text)):
        return None
    visible = _NOT_TEXT.sub(" ", text)
    runs = _LATIN_RUN.findall(visible)
    run_chars = sum(map(len, runs))
    c1 = len(_C1.findall(visible))
    letters = _count(_TEXT_CHARS, visible)  # ASCII letters and every non-ASCII character
    cjk = len(_CJK.findall(visible))
    if c1 >= 3:
        return f"{c1} C1 control characters in the text"
    if run_chars >= _MIN_SUSPECT_CHARS and run_chars >= _MOJIBAKE_SHARE * letters and cjk < run_chars / 4:
        sample = max(runs, key=len)[:24]
        return (f"{run_chars:,} of {letters:,} letters and symbols are in runs of Latin-1 ones "
                f"(e.g. {sample!r}), {cjk:,} CJK characters")
    return None

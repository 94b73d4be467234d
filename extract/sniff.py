"""Is a body binary? A PDF or image served as text/html (or handed to ``cuishou extract``) is not a page.

Text in any encoding a web page uses (UTF-8, the GB and Big5 families, Shift_JIS, even ISO-2022
with its escape and shift bytes) has no NUL and almost no other C0 control bytes; binary formats
have them within their first kilobyte, or announce themselves with a magic number first. UTF-16
and UTF-32 text (NUL-rich) is recognised by its byte-order mark. Markup near the start (a
doctype, <html>, <head>, <meta>, <div> ...) makes it a page whatever stray control bytes (other
than NUL) old templates carry (\x02 as a menu separator, seen on real portals).
"""

from __future__ import annotations

import codecs
import re

_MAGIC = {
    b"%PDF-": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"RIFF": "a RIFF file (WebP image, audio or video)",
    b"PK\x03\x04": "a ZIP archive (or Office document)",
    b"\x1f\x8b": "gzip-compressed data",
    b"\xd0\xcf\x11\xe0": "an old Office document",
    b"\x7fELF": "an executable",
}
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
# C0 controls that text does not contain: all but \t \n \v \f \r, ESC and SO/SI (ISO-2022)
_CONTROL = frozenset(range(32)) - {9, 10, 11, 12, 13, 14, 15, 27}
_MARKUP = re.compile(rb"<(?:!doctype|html|head|body|meta|title|div|p|table|script|link|a)[\s>/]", re.I)
SNIFF_BYTES = 1024
MAX_CONTROL_SHARE = 0.01


def binary_kind(body: bytes) -> str | None:
    """What binary data ``body`` is ('a PDF document', 'binary data', ...), or None if it may be text."""
    head = body[:SNIFF_BYTES]
    if head.startswith(_WIDE_BOMS):
        return None
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    if b"\0" in head:
        return "binary data"
    if not _MARKUP.search(head) and sum(byte in _CONTROL for byte in head) > MAX_CONTROL_SHARE * max(len(head), 1):
        return "binary data"
    return None

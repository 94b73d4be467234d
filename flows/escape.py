"""Page-derived strings (titles, URLs, hosts, headers, reasons) made safe for where they are shown.

Every such string is written by whoever runs the page, so it is escaped for its medium: on a
terminal it must neither be read as rich markup (``[/]`` raises, ``[link=…]`` injects) nor carry
control sequences (ESC moves the cursor or rewrites the screen, U+202E reverses what follows);
in Markdown it must not close the code span it is in; in HTML it must be text, not markup, and
not reverse the text after it.
"""

from __future__ import annotations

import html
import re

from rich.text import Text

_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_BACKTICKS = re.compile(r"`+")


def visible(text: str) -> str:
    """Control, bidi and line-breaking characters spelt out (``\\x1b``, ``\\u202e``) so a reader sees them."""
    return _INVISIBLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def html_text(text: str, quote: bool = True) -> str:
    """Text for HTML content or an attribute value: markup escaped (``quote``: quotes too), control
    and bidi characters spelt out as ``visible`` does (html.escape leaves U+202E, which reverses
    what follows on the page)."""
    return html.escape(visible(text), quote)


def terminal(text: object) -> Text:
    """A string for a rich console: never parsed as markup, control characters spelt out."""
    return Text(visible(str(text)))


def markdown_code(text: str) -> str:
    """A Markdown code span that the text cannot close, on one line.

    The fence is one backtick longer than the longest backtick run inside (CommonMark), with a
    space on each side when the text starts or ends with a backtick or is blank. (In a table,
    the table escapes pipes.)
    """
    text = visible(text)
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


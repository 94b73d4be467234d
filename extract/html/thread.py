"""Forum and Q&A threads: recognising them, and collecting their posts where trafilatura stops.

On a thread the replies are the content (a question's answers, a forum topic's posts), not a
comment section. trafilatura often keeps only the first post. Forum software renders every post's
body in an element of one class (``Post-body``, ``markdown``, ``t_f`` ...), so the posts are
found from the first post: the nearest container of the lead paragraph whose class recurs on the
page marks every post body.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cuishou.extract.html.dom import block_text, contains, schema_types, squash

# Addresses of forum and Q&A threads, and the schema.org types such pages declare.
_THREAD_URL = re.compile(
    r"^[a-z]+://[^/?#]*(?:bbs|forum|discuss|community|tieba)[^/?#]*(?:[/?#]|$)"
    r"|/(?:threads?|topics?|t|d|forums?|bbs|questions?|discussions?|faq|ask)/"
    r"|viewthread\.php|showthread\.php|viewtopic\.php|showtopic|forum\.php\?mod=viewthread|read\.php\?tid",
    re.I,
)
_THREAD_TYPES = frozenset({"DiscussionForumPosting", "QAPage"})
POST_BODY_MAX_LEVELS = 6  # how far above the lead paragraph the post body's container may be
THREAD_POSTS_GAIN = 1.2  # the posts replace trafilatura's text when they hold this much more
LEAD_MIN_CHARS = 10  # the first line this long is the first post's
PROBE_CHARS = 12  # the lead is looked up in the page by a word of it this long...
PROBE_MIN_CHARS = 4  # ...and at least this long
_CSS_NAME = re.compile(r"^-?[A-Za-z_][\w-]*$")
_BLOCKS = ("p", "div", "td", "li", "article", "section", "blockquote", "span", "pre")


def is_thread(url: str | None, json_ld: list[dict]) -> bool:
    """A forum or Q&A thread, by its schema.org type or its address (bbs./forum., /thread/,
    viewthread.php ...): there the replies are the content, not a comment section."""
    if any(_THREAD_TYPES.intersection(schema_types(o)) for o in json_ld):
        return True
    return bool(url and url.startswith(("http://", "https://")) and _THREAD_URL.search(url))


def thread_posts(tree: LexborHTMLParser, text: str) -> str:
    """The thread's posts in page order when they hold clearly more than ``text`` (trafilatura's
    main text), else ``text``."""
    body = _lead_element(tree, text)
    posts = _post_bodies(tree, body) if body is not None else []
    if len(posts) < 2:
        return text
    joined = "\n".join(filter(None, (block_text(post) for post in posts)))
    return joined if len(squash(joined)) >= THREAD_POSTS_GAIN * len(squash(text)) else text


def _lead_element(tree: LexborHTMLParser, text: str) -> LexborNode | None:
    """The innermost block element holding the first long line of ``text``, found by a word of
    it (lexbor's contains selector runs in C)."""
    line = next((line for line in text.split("\n") if len(line.strip()) >= LEAD_MIN_CHARS), None)
    if line is None or tree.body is None:
        return None
    probe = max(line.split(), key=len)[:PROBE_CHARS]
    if len(probe) < PROBE_MIN_CHARS or '"' in probe or "\\" in probe:
        return None
    found = None
    for node in tree.body.css(", ".join(f'{tag}:lexbor-contains("{probe}")' for tag in _BLOCKS)):
        if found is None or contains(found, node):
            found = node
    return found


def _post_bodies(tree: LexborHTMLParser, lead_element: LexborNode) -> list[LexborNode]:
    """The elements sharing a class with the lead's nearest container whose class recurs on the
    page (two or more, none inside another, the lead's among them), in page order. The first
    post's container often carries an extra class (``markdown topic-body``), so one shared class
    token is enough."""
    node: LexborNode | None = lead_element
    for _ in range(POST_BODY_MAX_LEVELS):
        if node is None or tree.body is None or node.tag in ("body", "html"):
            return []
        for token in (node.attributes.get("class") or "").split():
            if not _CSS_NAME.match(token):
                continue
            same = tree.body.css(f"{node.tag}.{token}")
            outermost = [n for n in same if not any(o.mem_id != n.mem_id and contains(o, n) for o in same)]
            if len(outermost) >= 2 and any(n.mem_id == node.mem_id for n in outermost):
                return outermost
        node = node.parent
    return []

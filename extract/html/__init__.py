"""Main text and metadata of one decoded HTML page, plus the DOM evidence genre cleaning needs.

``extract_page`` parses the page once with lexbor for the metadata and evidence, and hands the
markup to trafilatura (``main_text``) for the main text. The steps, one module each:

* ``title``: the headline and the site name;
* ``dates``: the article's date as the page shows it (a comment's date never counts);
* ``comments``: comment containers, whose texts the cleaner moves out of the main text;
* ``gate``: whether the page is an article at all (listing and error pages are not);
* ``main_text``: trafilatura with layout tables as blocks and thread replies kept;
* ``language``: the text's language from character classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from extract.html.comments import CommentCandidates, comment_candidates, comment_texts, lead_paragraph
from extract.html.dates import published_date
from extract.html.dom import json_ld, squash
from extract.html.gate import (
    GateInput,
    archive_posts,
    declares_article,
    headline_repeated,
    listing_items,
    not_article_reason,
)
from extract.html.language import detect_language
from extract.html.listing import LinkIndex
from extract.html.main_text import main_text
from extract.html.thread import is_thread, thread_posts
from extract.html.title import article_h1, page_title, site_name


@dataclass(frozen=True)
class ExtractedPage:
    """What one HTML page says: metadata, raw main text, and the DOM evidence for cleaning."""

    title: str | None
    published: str | None
    text: str
    is_article: bool
    not_article_reason: str | None
    language: str
    is_thread: bool = False  # a forum/Q&A thread: its posts and replies are the content
    site_name: str | None = None
    comment_blocks: tuple[str, ...] = ()  # leaf texts of DOM comment containers, in page order
    comment_fragments: frozenset[str] = field(default_factory=frozenset)  # squashed texts inside them
    link_texts: frozenset[str] = field(default_factory=frozenset)  # squashed texts of every <a>


def text_only_page(text: str, title: str | None = None) -> ExtractedPage:
    """An ExtractedPage for text that has no HTML (dumps, other extractors): no DOM evidence."""
    return ExtractedPage(title, None, text, True, None, detect_language(text))


def extract_page(html: str, url: str | None = None) -> ExtractedPage:
    """Extract title, article date, main text and cleaning evidence from one decoded page."""
    tree = LexborHTMLParser(html)
    structured = json_ld(tree)
    thread = is_thread(url, structured)
    tree.strip_tags(["script", "style", "noscript", "template"])
    h1 = article_h1(tree)
    title = page_title(tree, h1)
    text = main_text(html, url, thread)
    text = _without_title_echo(thread_posts(tree, text) if thread else text, title)
    candidates = comment_candidates(tree)
    containers = candidates.containers(h1, lead_paragraph(text))
    comment_blocks, comment_fragments = comment_texts(containers)
    link_texts = frozenset(t for a in tree.css("a") if (t := squash(a.text())))
    published = published_date(tree, h1, containers, structured)
    reason = not_article_reason(
        _gate_input(tree, h1, title, text, link_texts, thread, structured, published, candidates)
    )
    return ExtractedPage(
        title=title,
        published=published,
        text=text,
        is_article=reason is None,
        is_thread=thread,
        not_article_reason=reason,
        language=detect_language(text or (tree.body.text() if tree.body else "")),
        site_name=site_name(tree, title),
        comment_blocks=comment_blocks,
        comment_fragments=comment_fragments,
        link_texts=link_texts,
    )


def _gate_input(
    tree: LexborHTMLParser, h1: LexborNode | None, title: str | None, text: str, link_texts: frozenset[str],
    thread: bool, structured: list[dict], published: str | None, candidates: CommentCandidates,
) -> GateInput:
    """The page's evidence for the article gate. Comment items are collected wherever they are
    (the lead paragraph inside one does not make it the article), except on a thread, whose
    replies are its content; so are dated posts under repeated headings."""
    signals = declares_article(tree, structured) or (
        headline_repeated(tree, h1, title, text) and (published is not None or thread)
    )
    items = [] if thread else candidates.containers(h1, None)
    archive = 0 if thread else archive_posts(tree, items)
    return GateInput(
        title, text, LinkIndex(link_texts), signals, thread, comment_texts(items)[1], len(items), archive,
        listing_items(tree),
    )


def _without_title_echo(text: str, title: str | None) -> str:
    """The text without its first line when that line is the h1 (the title is its own field)."""
    first, _, rest = text.lstrip().partition("\n")
    return rest if title and squash(first) == squash(title) else text

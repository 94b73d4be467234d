"""Main text and metadata of one decoded HTML page, plus the DOM evidence genre cleaning needs.

``extract_page`` parses the page once with lexbor for the metadata and evidence, and hands the
markup to trafilatura (``main_text``) for the main text. The steps, one module each:

* ``text_nodes``: the page's shown text, node by node, and where the article's body starts
  (located from the main text's first paragraphs);
* ``title``: the headline (by agreement with the declared titles and position above the body)
  and the site name;
* ``dates``: the article's date as the page shows or declares it (never a comment's, a
  neighbouring article's or a revision's);
* ``comments``: comment containers, whose texts the cleaner moves out of the main text;
* ``gate``: whether the page is an article at all (listing and error pages are not);
* ``main_text``: trafilatura with layout tables as blocks and thread replies kept;
* ``language``: the text's language from character classes.

JSON-LD is read before scripts are stripped from the tree; script data the date step needs
(a publication time a script prints) is read from the markup itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cuishou.extract.html.comments import CommentCandidates, comment_candidates, comment_texts, lead_paragraph
from cuishou.extract.html.dates import published_date
from cuishou.extract.html.dom import json_ld, metas, squash
from cuishou.extract.html.gate import (
    GateInput,
    archive_posts,
    declares_article,
    headline_repeated,
    listing_items,
    not_article_reason,
)
from cuishou.extract.html.language import detect_language
from cuishou.extract.html.listing import LinkIndex
from cuishou.extract.html.main_text import main_text
from cuishou.extract.html.text_nodes import TextNodes, paragraphs, text_nodes
from cuishou.extract.html.thread import is_thread, thread_posts
from cuishou.extract.html.title import declared_titles, find_headline, site_name


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
    raw_text = main_text(html, url, thread)
    if thread:
        raw_text = thread_posts(tree, raw_text)
    nodes = text_nodes(tree)
    body_start = nodes.body_start(paragraphs(raw_text))
    declared = metas(tree)
    headline = find_headline(tree, nodes, declared, structured, body_start)
    title = headline.text if headline else None
    text = _without_title_echo(raw_text, title)
    headline_index = headline.index if headline else None
    anchor = nodes.nodes[headline_index] if headline_index is not None else None
    candidates = comment_candidates(tree)
    containers = candidates.containers(anchor, lead_paragraph(text))
    comment_blocks, comment_fragments = comment_texts(containers)
    link_texts = frozenset(t for a in tree.css("a") if (t := squash(a.text())))
    published = published_date(tree, nodes, headline_index, body_start, containers, declared, structured, html, thread)
    titles = tuple(declared_titles(tree, declared, structured))
    signals = declares_article(declared, structured) or (
        headline_repeated(headline, titles) and (published is not None or thread)
    )
    reason = not_article_reason(
        _gate_input(tree, nodes, anchor, title, titles, text, link_texts, thread, signals, candidates)
    )
    return ExtractedPage(
        title=title,
        published=published,
        text=text,
        is_article=reason is None,
        is_thread=thread,
        not_article_reason=reason,
        language=detect_language(text or (tree.body.text() if tree.body else "")),
        site_name=site_name(tree, declared, title),
        comment_blocks=comment_blocks,
        comment_fragments=comment_fragments,
        link_texts=link_texts,
    )


def _gate_input(
    tree: LexborHTMLParser, nodes: TextNodes, anchor: LexborNode | None, title: str | None, titles: tuple[str, ...],
    text: str,
    link_texts: frozenset[str], thread: bool, signals: bool, candidates: CommentCandidates,
) -> GateInput:
    """The page's evidence for the article gate. Comment items are collected wherever they are
    (the lead paragraph inside one does not make it the article), except on a thread, whose
    replies are its content; so are dated posts under repeated headings."""
    items = [] if thread else candidates.containers(anchor, None)
    archive = 0 if thread else archive_posts(tree, nodes, items)
    return GateInput(
        title, text, LinkIndex.of(link_texts), titles, signals, thread, comment_texts(items)[1], len(items), archive,
        listing_items(tree),
    )


def _without_title_echo(text: str, title: str | None) -> str:
    """The text without its first line when that line is the h1 (the title is its own field)."""
    first, _, rest = text.lstrip().partition("\n")
    return rest if title and squash(first) == squash(title) else text

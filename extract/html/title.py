"""The article's headline and the site's name.

The headline is the element a reader sees above the body. It is chosen by agreement between what
the page shows and what it declares (og:title, twitter/citation/Dublin Core/JSON-LD titles,
<title>), by heading rank and by position above the article's first paragraph:

* agreement: a run of text nodes equal to a part of a declared title that starts and ends at a
  separator or white space, counted by the share of the title's headline segment it covers (a
  site-name <h1> matches only the suffix), or a heading that holds a whole headline segment;
  a plain text agrees only when longer than a site or section name;
* candidates: headings (h1-h4, an element whose class or id names a title, a bold, enlarged or
  centred line, the text after a 主题:/标题: label) even without agreement, since old pages and
  forums declare only the site name, or "显示", in <title>; agreeing text outside links;
* position: candidates above the body's first paragraph come first (sidebar, related-article
  and comment headings sit below it, where only an agreeing real heading still counts); then
  agreement, heading rank and nearness to the body;
* widgets inside the heading element ([编辑], a comment count, an audio button, a node badge, a
  subtitle row the title leaves out) are text nodes outside the agreeing run and are left out;
  a heading taken without an agreeing run loses a leading label (主题:), a bracketed tag and
  decoration; a heading holding a byline (date, 作者:/来源:) is not a headline;
* without any candidate, the declared title minus its site and section affixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cuishou.extract.html.dom import document_title, squash, tidy
from cuishou.extract.html.text_nodes import TextNodes

# Separators between a headline and site/section names in <title>. Strong ones are spaced or
# doubled (they do not occur inside headlines); weak ones are single unspaced marks, which do.
_STRONG_SEPARATOR = re.compile(r"\s+(?:[-–—|/·•»«@~]|::)\s+|\s*(?:--+|»|«|\|\||[>＞])\s*|\s+[_|]|[_|]\s+")
_WEAK_SEPARATOR = re.compile(r"[_|｜]|(?<![0-9A-Za-z])-|-(?![0-9A-Za-z])")
# Characters at which a declared title may be cut into parts the page shows on their own
# (white space too; a hyphen only where it does not join two letters or digits).
_CUT_CHARACTERS = frozenset("_|｜»«@()（）[]【】<>〈〉")
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]")
_MARKUP = re.compile(r"<[^>]{0,200}>")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
# Text in a heading element that is not the headline: a label before it (主题:), a bracketed
# category tag, decoration, and a byline (date, author/source label).
_SUBJECT_LABEL = r"(?:主题|标题|题目)\s*[:：]"
_LEADING_LABEL = re.compile(rf"^{_SUBJECT_LABEL}\s*|^[\[【〔][^\]】〕]{{1,10}}[\]】〕]\s*")
_DECORATION = re.compile(r"^[\s*·•■◆◇★☆●○▲△►▶→]+|[\s*·•■◆◇★☆●○▲△◄◀←\-—]+$")
_BYLINE = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}|(?:作者|来源|发布|发表|时间|日期|编辑)\s*[:：]"
)
_LABEL = re.compile(rf"^{_SUBJECT_LABEL}$")
# Heading-like elements: heading tags, a class or id naming a title (title, tit2, headline), bold,
# enlarged or centred text.
_HEADING_SELECTOR = (
    'h1, h2, h3, h4, [class*="tit" i], [id*="tit" i], [class*="headline" i], b, strong, font, big, center'
)
_TITLE_CLASS = re.compile(r"title|headline|(?:^|[\s_-])tit\d*(?:$|[\s_-])", re.I)
_HEADING_RANK = {"h1": 4, "h2": 3, "h3": 2, "h4": 1}
_INLINE = frozenset("a span b strong em i font u small big sup sub label abbr cite code q s mark -text".split())
HEADLINE_MAX_CHARS = 120  # a longer element is a block of text, not a headline
STRONG_AGREEMENT = 0.6  # a run covering this share of the title's headline segment agrees...
MIN_PLAIN_AGREEMENT_CHARS = 6  # ...if it is this long or a real heading (site and section names are short)


@dataclass(frozen=True)
class Headline:
    """The headline's text and the index of its first text node in the page's ``TextNodes``
    (None when it is taken from the declared title)."""

    text: str
    index: int | None


@dataclass(frozen=True)
class _Hint:
    """A declared title: its squashed text, where a shown part may start or end, and its
    possible headline segments (squashed)."""

    squashed: str
    cuts: frozenset[int]
    cores: tuple[str, ...]


@dataclass
class _Candidate:
    first: int  # index of its first text node
    rank: int
    text: str
    coverage: float = 0.0  # share of a declared headline segment the shown text matches
    exact: str | None = None  # the agreeing run's own text (None: agreement by containment)


def declared_titles(tree: LexborHTMLParser, metas: dict[str, str], json_ld: list[dict]) -> list[str]:
    """The titles the page declares, most specific first: og/twitter/citation/JSON-LD titles,
    then <title> (or a crawl dump's ``<text title=...>`` wrapper when the page has none)."""
    titles = [metas.get(key) for key in ("og:title", "twitter:title", "citation_title", "dc.title", "articletitle")]
    titles += [o["headline"] for o in json_ld if isinstance(o.get("headline"), str)][:1]
    doc_title = document_title(tree)
    if not doc_title and (wrapper := tree.css_first("text[title]")):
        doc_title = wrapper.attributes.get("title") or ""
    titles.append(doc_title)
    seen: list[str] = []
    for title in titles:
        if title and (title := tidy(_PRIVATE_USE.sub("", _MARKUP.sub("", title)))) and title not in seen:
            seen.append(title)
    return seen


def _width(text: str) -> int:
    """Display width: a CJK character counts as two Latin ones."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _segments(title: str, site: str | None) -> list[str]:
    parts = [p for p in (tidy(p) for p in _STRONG_SEPARATOR.split(title)) if p]
    if site and len(parts) > 1:
        parts = [p for p in parts if squash(p) != squash(site)] or parts
    return parts or [title]


def _without_weak_affixes(segment: str) -> str:
    """A segment without short parts joined by single unspaced separators (``_经济_财经网``)."""
    pieces = [p for p in (tidy(p) for p in _WEAK_SEPARATOR.split(segment)) if p]
    if len(pieces) < 2:
        return segment
    widest = max(map(_width, pieces))
    while len(pieces) > 1 and _width(pieces[-1]) * 2 <= widest:
        pieces.pop()
    while len(pieces) > 1 and _width(pieces[0]) * 2 <= widest:
        pieces.pop(0)
    start = segment.find(pieces[0])
    end = segment.rfind(pieces[-1])
    return tidy(segment[start:end + len(pieces[-1])]) if 0 <= start <= end else pieces[0]


def title_core(title: str, site: str | None = None) -> str:
    """The headline segment of a declared title: its first part between strong separators,
    unless a later part is twice as wide (a site or section prefix: ``千龙网--汽车--标题``), without
    weakly separated short affixes."""
    parts = _segments(title, site)
    widest = max(parts, key=_width)
    core = widest if _width(widest) >= 2 * _width(parts[0]) else parts[0]
    return _without_weak_affixes(core)


def _hint(title: str, site: str | None) -> _Hint:
    """A declared title for agreement: its headline segment may be title_core's, the first
    part's or the widest part's (the shown headline decides which)."""
    squashed: list[str] = []
    cuts = {0}
    for at, ch in enumerate(title):
        joins_words = _ASCII_ALNUM.match(title[at - 1:at]) and _ASCII_ALNUM.match(title[at + 1:at + 2])
        hyphen_cut = ch == "-" and not joins_words
        if ch.isspace() or ch in _CUT_CHARACTERS or hyphen_cut:
            cuts.add(len(squashed))
        if not ch.isspace():
            squashed.append(ch)
            if ch in _CUT_CHARACTERS or hyphen_cut:
                cuts.add(len(squashed))
    cuts.add(len(squashed))
    parts = _segments(title, site)
    cores = {
        squash(title_core(title, site)),
        squash(_without_weak_affixes(parts[0])),
        squash(max(parts, key=_width)),
    }
    return _Hint("".join(squashed), frozenset(cuts), tuple(c for c in cores if c))


def _cut_at(hint: _Hint, part: str) -> bool:
    """Whether ``part`` occurs in the hint starting and ending at cuts."""
    start = hint.squashed.find(part)
    while start >= 0:
        if start in hint.cuts and start + len(part) in hint.cuts:
            return True
        start = hint.squashed.find(part, start + 1)
    return False


def _block(node: LexborNode) -> int:
    """mem_id of the nearest non-inline ancestor."""
    while node.parent is not None and node.tag in _INLINE:
        node = node.parent
    return node.mem_id


def _in_link(node: LexborNode) -> bool:
    while node is not None and node.tag in _INLINE:
        if node.tag == "a":
            return True
        node = node.parent
    return False


def _agreeing_runs(nodes: TextNodes, hints: list[_Hint]) -> list[tuple[int, int, str]]:
    """Runs of consecutive text nodes (first, last, text) that equal a part of a declared title
    cut at separators or white space. A run crosses into another block only where the title
    has no cut (a headline split over two lines), never from a headline into a site name."""
    runs = []
    squashed = nodes.squashed
    declared = "\n".join(h.squashed for h in hints)  # one membership test for all of them
    index = 0
    while index < len(squashed):
        run, end, best = "", index, None
        while end < len(squashed) and (run + squashed[end]) in declared:
            if end > index and _block(nodes.nodes[end]) != _block(nodes.nodes[end - 1]) and all(
                _cut_at(h, run) for h in hints if run in h.squashed
            ):
                break
            run += squashed[end]
            if any(_cut_at(h, run) for h in hints):
                best = (index, end)
            end += 1
        if best:
            runs.append((best[0], best[1], _joined(nodes.texts[best[0]:best[1] + 1])))
            index = best[1] + 1
        else:
            index += 1
    return runs


def _joined(texts: list[str]) -> str:
    """Texts of consecutive nodes as one line: a space only between two Latin words (inline
    markup splits Chinese text without one)."""
    line = texts[0]
    for text in texts[1:]:
        line += " " + text if _ASCII_ALNUM.match(line[-1]) and _ASCII_ALNUM.match(text[0]) else text
    return line


def _rank(element: LexborNode) -> int:
    """How much the element looks like a headline: h1 4 .. h4 1; a title-classed element 2;
    a bold, enlarged or centred line 1; else 0."""
    if rank := _HEADING_RANK.get(element.tag):
        return rank
    names = f"{element.attributes.get('class') or ''} {element.attributes.get('id') or ''}"
    if names.strip() and _TITLE_CLASS.search(names):
        return 2
    return 1 if element.tag in ("b", "strong", "font", "big", "center") else 0


def _coverage(shown: str, hints: list[_Hint]) -> float:
    """Share of a declared headline segment that the shown (squashed) text is."""
    best = 0.0
    for hint in hints:
        for core in hint.cores:
            if shown == core or (shown in core and shown in hint.squashed):
                best = max(best, len(shown) / len(core))
    return best


def _candidates(
    tree: LexborHTMLParser, nodes: TextNodes, hints: list[_Hint], body_start: int | None
) -> list[_Candidate]:
    """Heading elements (with their agreement), agreeing runs outside them and not in links,
    and the texts after a 主题:/标题: label."""
    runs = _agreeing_runs(nodes, hints)
    by_first = _headings(tree, nodes, hints, runs, body_start)
    candidates = list(by_first.values())
    for first, _, run in runs:
        if first not in by_first and not _in_link(nodes.nodes[first]):
            candidates.append(_Candidate(first, 0, run, _coverage(squash(run), hints), run))
    for index, text in enumerate(nodes.texts[:-1]):
        if _LABEL.match(text) and 2 <= len(nodes.texts[index + 1]) <= HEADLINE_MAX_CHARS:
            shown = nodes.texts[index + 1]
            candidates.append(_Candidate(index + 1, 2, shown, _coverage(squash(shown), hints), shown))
    return candidates


def _headings(
    tree: LexborHTMLParser,
    nodes: TextNodes,
    hints: list[_Hint],
    runs: list[tuple[int, int, str]],
    body_start: int | None,
) -> dict[int, _Candidate]:
    """Heading-like elements by their first text node; of two sharing it, the higher ranked.
    A bold line below the body's start is body text (never a headline), so it is not read."""
    by_first: dict[int, _Candidate] = {}
    for element in tree.body.css(_HEADING_SELECTOR) if tree.body is not None else []:
        if not (rank := _rank(element)) or (first := nodes.first_index(element)) is None:
            continue
        if (rank == 1 and body_start is not None and first > body_start) or (
            (known := by_first.get(first)) and known.rank >= rank
        ):
            continue
        text = tidy(_PRIVATE_USE.sub("", element.text()))
        if not 2 <= len(text) <= HEADLINE_MAX_CHARS:
            continue
        last = nodes.index_at_squashed(nodes.squashed_start(first) + len(squash(text)) - 1)
        candidate = _Candidate(first, rank, text)
        for start, end, run in runs:
            if first <= start and end <= last:
                coverage = _coverage(squash(run), hints)
                if coverage > candidate.coverage:
                    candidate.coverage, candidate.exact = coverage, run
        if candidate.coverage < STRONG_AGREEMENT and _contains_core(text, hints):
            candidate.coverage, candidate.exact = 1.0, None
        if candidate.coverage or not _BYLINE.search(text):
            by_first[first] = candidate
    return by_first


def _contains_core(text: str, hints: list[_Hint]) -> bool:
    shown = squash(text)
    return any(core in shown for hint in hints for core in hint.cores)


def _trimmed(text: str) -> str:
    """A heading's text without a leading label (主题:), a bracketed tag or decoration."""
    return _DECORATION.sub("", _LEADING_LABEL.sub("", text, count=1)) or text


def find_headline(
    tree: LexborHTMLParser, nodes: TextNodes, metas: dict[str, str], json_ld: list[dict], body_start: int | None
) -> Headline | None:
    """The headline the page shows (see the module docstring), or the declared title's headline
    segment when no shown element qualifies; None when the page has neither. ``metas`` as
    ``dom.metas`` reads them."""
    site = metas.get("og:site_name")
    titles = declared_titles(tree, metas, json_ld)
    hints = [_hint(title, site) for title in titles]

    def agrees(c: _Candidate) -> bool:
        """Agreement that counts: a real heading's, or a plain text's long enough not to be a
        site or section name."""
        long_enough = len(squash(c.exact or c.text)) >= MIN_PLAIN_AGREEMENT_CHARS
        return c.coverage >= STRONG_AGREEMENT and (c.rank >= 2 or long_enough)

    def above(c: _Candidate) -> bool:
        return body_start is None or c.first < body_start or (c.first == body_start and agrees(c))

    def qualifies(c: _Candidate) -> bool:
        """Above the body, a heading or agreement; below it (sidebars, comments, or a body start
        misplaced on a banner), only an agreeing real heading."""
        return (agrees(c) or c.rank >= 1) if above(c) else (agrees(c) and c.rank >= 2)

    def key(c: _Candidate) -> tuple:
        distance = body_start - c.first if body_start is not None and above(c) else len(nodes.texts)
        return (above(c), agrees(c), c.rank, c.coverage, -distance)

    candidates = [c for c in _candidates(tree, nodes, hints, body_start) if qualifies(c)]
    if candidates:
        best = max(candidates, key=key)
        if best.exact is not None and agrees(best):
            return Headline(best.exact, best.first)
        return Headline(_trimmed(best.text), best.first)
    if titles:
        return Headline(title_core(titles[-1], site), None)
    return None


def site_name(tree: LexborHTMLParser, metas: dict[str, str], title: str | None) -> str | None:
    """og:site_name, else what follows the title in <title> ("标题 - 站名")."""
    if name := metas.get("og:site_name"):
        return name
    doc_title = document_title(tree)
    if not doc_title or not title or not doc_title.startswith(title):
        return None
    rest = doc_title[len(title):]
    suffix = _STRONG_SEPARATOR.sub("", rest, count=1).strip()
    if suffix == rest.strip():
        suffix = _WEAK_SEPARATOR.sub("", rest, count=1).strip()
    return suffix or None

"""The crawl's ledger: one Visit per URL the run met, so no URL is ever lost silently.

A visit ends in exactly one outcome. The crawler and the WARC reader decide the transport-level
outcomes; the page pipeline later turns ``fetched`` into ``document`` or ``not_article``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from cuishou.extract.archive import ArchivedResponse, WarcDamage, WarcRef, iter_responses
from cuishou.extract.links import sitemap_urls
from cuishou.extract.robots import robots_from_response
from cuishou.extract.urls import canonical_url, host_of, redirect_target

# outcome -> what it means (documented in the README's pages table)
OUTCOMES = {
    "document": "an article page: its row is in documents/",
    "not_article": "an HTML page that is not an article (index, listing, error page)",
    "decode_error": "an HTML page whose bytes decode only to mojibake (the evidence is in the reason)",
    "too_complex": "an HTML page over the per-page budget (size, elements, CPU time): the figure is in the reason",
    "extract_error": "an HTML page whose text could not be extracted",
    "fetched": "fetched, not yet processed (never left in a finished run)",
    "unchanged": "not modified since the last run (HTTP 304 or the same body): its row is already written",
    "redirect": "answered with a redirect; the target is its own visit",
    "http_error": "answered with a 4xx/5xx status (after retries)",
    "non_html": "a file that is not an HTML page (PDF, image, ...)",
    "robots_txt": "the host's robots.txt",
    "sitemap": "a sitemap, whose URLs were queued",
    "robots_disallowed": "not requested: robots.txt disallows it",
    "off_site": "not requested: the host is not one of the seeds' hosts",
    "refused": "not requested: an invalid host name or port, or a host that is or resolves to an internal address",
    "fetch_error": "no usable response: timeout, connection error, too large, redirect chain too long",
    "skipped": "not requested: a crawl limit was reached, or the host was given up after repeated timeouts",
    "superseded": "an older response for the same URL in the input WARCs",
    "archive_error": "an input WARC is cut off or corrupt here: the records after this point were not read",
}


@dataclass(frozen=True)
class Visit:
    url: str
    outcome: str
    reason: str | None = None
    status: int | None = None
    content_type: str | None = None
    fetched_at: datetime | None = None
    attempts: int = 0
    referrer: str | None = None
    redirect_to: str | None = None
    warc: WarcRef | None = None
    doc_id: str | None = None
    etag: str | None = None  # validators of the response, for the next run's conditional request
    last_modified: str | None = None
    body_sha256: str | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r}")

    @property
    def host(self) -> str:
        return host_of(self.url)

    def resolved(self, outcome: str, reason: str | None = None, doc_id: str | None = None) -> Visit:
        return replace(self, outcome=outcome, reason=reason, doc_id=doc_id)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def is_html(content_type: str | None) -> bool:
    """HTML, or no declared type (served HTML is sniffed later by the extractor)."""
    return media_type(content_type) in ("", "text/html", "application/xhtml+xml")


def classify_response(url: str, status: int, content_type: str | None) -> tuple[str, str | None]:
    """Outcome of an HTTP response before any parsing: only ``fetched`` goes on to extraction."""
    if 300 <= status < 400:
        return "redirect", f"HTTP {status}"
    if status >= 400 or status < 200:
        return "http_error", f"HTTP {status}"
    if url.split("?")[0].endswith("/robots.txt"):
        return "robots_txt", None
    if not is_html(content_type):
        return "non_html", media_type(content_type)
    return "fetched", None


def visit_row(visit: Visit, crawl_date: str, run_id: str) -> dict:
    """A Visit as a row of the pages table (see transform.schema.PAGE_FIELDS)."""
    return {
        "url": visit.url,
        "host": visit.host,
        "outcome": visit.outcome,
        "reason": visit.reason,
        "status": visit.status,
        "content_type": visit.content_type,
        "redirect_to": visit.redirect_to,
        "referrer": visit.referrer,
        "attempts": visit.attempts,
        "fetched_at": visit.fetched_at,
        "doc_id": visit.doc_id,
        "warc_file": Path(visit.warc.file).name if visit.warc else None,
        "warc_record_id": (visit.warc.record_id or None) if visit.warc else None,
        "crawl_date": visit.fetched_at.date().isoformat() if visit.fetched_at else crawl_date,
        "run_id": run_id,
    }


_SUPERSEDED = "a later response (by WARC-Date) for this URL is in the input"


def damage_visit(damage: WarcDamage) -> Visit:
    """The pages row of a damaged input WARC: the damaged record's URL, else the file's address."""
    url = damage.url or f"{Path(damage.file).resolve().as_uri()}#byte={damage.offset}"
    return Visit(url, "archive_error", damage.reason, warc=WarcRef(damage.file, damage.offset, damage.record_id))


class _Sitemaps:
    """Which archived responses the crawler fetched as sitemaps: those robots.txt announces, the
    sitemaps a sitemap index lists, and where a redirect of either leads (as ``Crawler`` does)."""

    def __init__(self):
        self.announced: list[str] = []
        self.listed: dict[str, list[str]] = {}  # a sitemap index -> its sitemaps

    def read(self, response: ArchivedResponse, outcome: str) -> str | None:
        """Note what a response says about sitemaps; returns a robots.txt's reason as the crawler words it."""
        if outcome == "robots_txt":
            rules = robots_from_response(response.status, response.body)
            self.announced += [u for s in rules.sitemaps if (u := canonical_url(s, response.url))]
            return f"HTTP {response.status}: {rules.status}"
        elif outcome in ("fetched", "non_html") and response.body:
            urls, is_index = sitemap_urls(response.body, response.url)
            if is_index:
                self.listed[response.url] = urls
        return None

    def sitemaps(self, latest: dict[str, _Latest]) -> list[_Latest]:
        """The latest responses that are sitemaps (their visits are fetched or non_html until marked)."""
        queue, seen, found = list(self.announced), set(), []
        while queue:
            url = queue.pop()
            if url in seen or url not in latest:
                continue
            seen.add(url)
            last = latest[url]
            if last.outcome == "redirect" and last.redirect_to:
                queue.append(last.redirect_to)
            elif last.outcome in ("fetched", "non_html"):
                found.append(last)
                queue += self.listed.get(url, [])
        return found


def ref_key(ref: WarcRef) -> tuple[str, int]:
    """Identifies one record of the input: its file and offset (record ids may repeat or be missing)."""
    return ref.file, ref.offset


@dataclass(frozen=True)
class _Latest:
    """What the ledger remembers of a URL's latest response while it reads on."""

    key: tuple[str, int]
    outcome: str
    redirect_to: str | None
    fetched_at: datetime | None


class WarcLedger:
    """The ledger for archived input as a stream, in bounded memory: one visit per response record
    as it is read, then one per damaged file.

    When a URL has several responses (a re-crawl, retries kept by another crawler), the latest
    by WARC-Date counts (of equal dates, the later in the input), whatever order the files come
    in, and the others are superseded; which responses are sitemaps is known only once
    robots.txt and the sitemap indexes are read. Visits already handed out are not held back for
    that: once the stream is exhausted, ``corrections`` maps the records whose outcome changed
    (by ``ref_key``) to their final visit, for ``corrected`` to apply wherever the visits went.
    Only a little per URL is kept while reading (where its latest response is, and its outcome).
    """

    def __init__(self, paths: list[str | Path]):
        self.paths = list(paths)
        self.corrections: dict[tuple[str, int], tuple[str, str | None]] = {}

    def __iter__(self) -> Iterator[Visit]:
        damaged: list[WarcDamage] = []
        latest: dict[str, _Latest] = {}
        sitemaps = _Sitemaps()
        for response in iter_responses(self.paths, damaged.append):
            outcome, reason = classify_response(response.url, response.status, response.header("content-type"))
            redirect_to = redirect_target(response.header("location"), response.url) if outcome == "redirect" else None
            if redirect_to:
                reason = f"{reason} → {redirect_to}"
            reason = sitemaps.read(response, outcome) or reason
            visit = Visit(
                response.url, outcome, reason, status=response.status, content_type=response.header("content-type"),
                fetched_at=response.fetched_at, attempts=1, redirect_to=redirect_to, warc=response.ref,
            )
            earlier = latest.get(response.url)
            if earlier is not None:
                if _older(response.fetched_at, earlier.fetched_at):  # an older response read later
                    yield visit.resolved("superseded", _SUPERSEDED)
                    continue
                self.corrections[earlier.key] = ("superseded", _SUPERSEDED)
            latest[response.url] = _Latest(ref_key(response.ref), outcome, redirect_to, response.fetched_at)
            yield visit
        for sitemap in sitemaps.sitemaps(latest):
            self.corrections[sitemap.key] = ("sitemap", None)
        yield from (damage_visit(d) for d in damaged)

    def corrected(self, visit: Visit) -> Visit:
        """The visit with the outcome the whole input decided for its record (valid once read to the end)."""
        change = self.corrections.get(ref_key(visit.warc)) if visit.warc and visit.outcome != "archive_error" else None
        return visit.resolved(*change) if change else visit


def _older(when: datetime | None, than: datetime | None) -> bool:
    return when is not None and than is not None and when < than


def visits_from_warcs(paths: list[str | Path]) -> list[Visit]:
    """The whole ledger of archived input (see ``WarcLedger``), corrections applied.

    A file cut off or corrupt adds an ``archive_error`` visit saying where; its whole records
    before that point are used.
    """
    ledger = WarcLedger(paths)
    visits = list(ledger)
    return [ledger.corrected(visit) for visit in visits]

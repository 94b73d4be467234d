"""URL hygiene: one canonical spelling per page, and the crawl's host scope."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

_HTTP_SCHEMES = {"http", "https"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str, base: str | None = None) -> str | None:
    """Absolute http(s) URL without fragment, lower-case host, default port and empty path fixed.

    Returns None for anything a crawler should not follow (mailto:, javascript:, data:, garbage).
    """
    try:
        parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _HTTP_SCHEMES or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def redirect_target(location: str | None, base_url: str) -> str | None:
    """The canonical URL a Location header points to, or None if there is none to follow.

    A blank Location counts as none: resolved against the base it would point back at the page itself.
    """
    return canonical_url(location, base_url) if location and location.strip() else None


def host_of(url: str) -> str:
    """The lower-case host name of a URL ('' if it has none)."""
    return (urlsplit(url).hostname or "").lower()


def origin_of(url: str) -> str:
    """scheme://host[:port] of a canonical URL: robots.txt rules apply per origin."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

"""URL hygiene: one canonical spelling per page, parsed as a browser parses it, and the crawl's host scope.

Hosts follow the WHATWG URL standard's host parser, because that is how the links were meant
and how the SSRF guard must see them: percent-decoded, IDNA-mapped to ASCII, and a host that ends
in a number read as an IPv4 address in any notation browsers accept (``0177.0.0.1``,
``0x7f.1``, ``2130706433`` are all 127.0.0.1). Beyond the standard, a host name must be a
DNS name (letters, digits, ``-`` and ``_`` in labels of at most 63): anything else (spaces,
backticks, ``<>``) is refused with a reason instead of becoming a host in the corpus.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

import idna

_HTTP_SCHEMES = {"http", "https"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_LABEL = re.compile(r"[a-z0-9_-]{1,63}")
_IPV4_PART = re.compile(r"^(?:0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")
# Characters a browser percent-encodes in a path or query (the ASCII part of the WHATWG sets), and
# the invisible ones (controls, format and separator characters) of the rest; '%' stays as written
# and readable non-ASCII stays readable (httpx encodes it on the wire).
_ESCAPED = re.compile(r"[\x00-\x20\x7f\"<>`{}]|[^\x00-\x7f]")
_SAFE_HOST = re.compile(r"[a-z0-9_.-]+|\[[0-9a-f:.]+\]")


class BadURL(ValueError):
    """An http(s) URL that cannot be fetched as written; the message says why."""


def parse_url(url: str, base: str | None = None) -> str | None:
    """The canonical absolute URL, or None for a scheme a crawler does not follow (mailto:, javascript:).

    Canonical: lower-case scheme and host, host as the WHATWG host parser gives it, no default
    port, no userinfo, no fragment, '/' for an empty path, characters a browser would escape in
    the path and query percent-encoded. Raises BadURL for an http(s) URL with an invalid host or port.
    """
    text = _TAB_OR_NEWLINE.sub("", url).strip(_C0_OR_SPACE).replace("\\", "/")
    try:
        parts = urlsplit(urljoin(base, text) if base else text)
    except ValueError as exc:
        if base is None and not text.lower().startswith(("http:", "https:")):
            return None
        raise BadURL(f"unparseable URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _HTTP_SCHEMES:
        return None
    host = parse_host(parts.netloc.rpartition("@")[2])
    port = _port(parts.netloc.rpartition("@")[2])
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, _escaped(parts.path) or "/", _escaped(parts.query), ""))


def _escaped(text: str) -> str:
    def escape(match: re.Match) -> str:
        char = match.group()
        return char if char.isprintable() and not char.isascii() else quote(char, safe="")

    return _ESCAPED.sub(escape, text)


def canonical_url(url: str, base: str | None = None) -> str | None:
    """Like parse_url, with None for a bad URL too (for where the reason is not recorded)."""
    try:
        return parse_url(url, base)
    except BadURL:
        return None


def _port(host_and_port: str) -> int | None:
    if host_and_port.startswith("["):
        host_and_port = host_and_port.partition("]")[2]
    _, colon, port = host_and_port.rpartition(":")
    if not colon or not port:
        return None
    if not port.isascii() or not port.isdigit() or int(port) > 65535:
        raise BadURL(f"invalid port {shown(port)}")
    return int(port)


def parse_host(raw: str) -> str:
    """A URL's host as the WHATWG host parser gives it for http(s), restricted to DNS names.

    IPv6 literals come back in brackets, IPv4 addresses in dotted decimal, names in lower-case
    ASCII (IDNA). Raises BadURL with the reason.
    """
    if raw.startswith("["):
        literal, closing, _ = raw[1:].partition("]")
        try:
            if not closing or "%" in literal:
                raise ValueError
            return f"[{ipaddress.IPv6Address(literal).compressed}]"
        except ValueError:
            raise BadURL(f"invalid IPv6 address {shown(raw)}") from None
    host = unquote(raw.rpartition(":")[0] if ":" in raw else raw)
    if not host:
        raise BadURL("no host")
    try:
        ascii_host = host.lower() if host.isascii() else idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise BadURL(f"host {shown(host)} is not a valid international name: {exc}") from None
    if _ends_in_number(ascii_host):
        return _ipv4(ascii_host)
    name = ascii_host.removesuffix(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise BadURL(f"host {shown(host)} is not a valid host name")
    return name


def _ends_in_number(host: str) -> bool:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    return bool(last) and (last.isdigit() or bool(re.fullmatch(r"0[xX][0-9a-fA-F]*", last)))


def _ipv4(host: str) -> str:
    """WHATWG IPv4 parsing: 1-4 parts, each decimal, 0x-hex or 0-octal; the last fills the remaining bytes."""
    parts = host.split(".")
    if parts[-1] == "":
        parts.pop()
    if len(parts) > 4 or not all(_IPV4_PART.match(part) for part in parts):
        raise BadURL(f"invalid IPv4 address {shown(host)}")
    numbers = [_ipv4_number(part) for part in parts]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise BadURL(f"invalid IPv4 address {shown(host)}: a part is out of range")
    value = numbers[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(numbers[:-1]))
    return str(ipaddress.IPv4Address(value))


def _ipv4_number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part[1:], 8)
    return int(part)


def shown(text: str, limit: int = 80) -> str:
    """A page-derived fragment for a reason: quoted, control characters escaped, length capped."""
    text = text if len(text) <= limit else text[:limit] + "…"
    return repr(text)


def redirect_target(location: str | None, base_url: str) -> str | None:
    """The canonical URL a Location header points to, or None if there is none to follow.

    A blank Location counts as none: resolved against the base it would point back at the page itself.
    """
    return canonical_url(location, base_url) if location and location.strip() else None


def host_of(url: str) -> str:
    """The host of a canonical URL, IPv6 literals in brackets; '' if the URL has no valid host."""
    netloc = urlsplit(url).netloc.rpartition("@")[2].lower()
    host = netloc.partition("]")[0] + "]" if netloc.startswith("[") else netloc.partition(":")[0]
    return host if _SAFE_HOST.fullmatch(host) else ""


def origin_of(url: str) -> str:
    """scheme://host[:port] of a canonical URL: robots.txt rules apply per origin."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

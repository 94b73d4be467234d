"""robots.txt rules per host (RFC 9309 via Protego), with the usual failure conventions.

Google's and RFC 9309's conventions: a 4xx robots.txt means no rules (allow all), except 429
(Too Many Requests), which like a 5xx or no answer at all means "assume complete disallow" for
this run; only the first 500 KiB are parsed; unparseable lines are ignored. A disallowing
robots.txt says why (the status, or the fetch error), so the pages it blocks can say it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protego import Protego

MAX_ROBOTS_BYTES = 500 * 1024


@dataclass
class RobotsRules:
    """What one host's robots.txt allows for our user agent."""

    status: str  # parsed | missing | unreachable
    parser: Protego | None = None
    sitemaps: list[str] = field(default_factory=list)
    why_unreachable: str = ""  # e.g. 'HTTP 503', 'timeout: ReadTimeout'

    def allows(self, url: str, user_agent: str) -> bool:
        if self.status == "unreachable":
            return False
        return self.parser is None or self.parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float | None:
        delay = self.parser.crawl_delay(user_agent) if self.parser else None
        return float(delay) if delay is not None else None


    def disallow_reason(self) -> str:
        """Why a URL this robots.txt does not allow is not requested."""
        if self.status == "unreachable":
            return f"robots.txt unreachable ({self.why_unreachable}): assuming disallow"
        return "disallowed by robots.txt"


def robots_from_response(status: int | None, body: bytes, error: str | None = None) -> RobotsRules:
    """Interpret a robots.txt fetch: status None means the request itself failed (``error`` says how)."""
    if status is None:
        return RobotsRules("unreachable", why_unreachable=error or "no response")
    if status >= 500 or status == 429:
        return RobotsRules("unreachable", why_unreachable=f"HTTP {status}")
    if status >= 400:
        return RobotsRules("missing")
    if 300 <= status < 400:  # redirects are followed by the fetcher; one left over means a loop
        return RobotsRules("missing")
    text = body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
    parser = Protego.parse(text)
    return RobotsRules("parsed", parser, list(parser.sitemaps))

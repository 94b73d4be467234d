"""Never let a page steer the crawler into the operator's own network.

Hosts named in the seeds are trusted as given (an operator may crawl an intranet on purpose).
Any other host, reached through a redirect, is refused if it is, or resolves to, an address that
is not globally routable: loopback, RFC 1918 private, link-local (cloud metadata at
169.254.169.254), CGNAT, multicast, reserved, unspecified, or an IPv6 form of one of them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket


def _refusal(address: str) -> str | None:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_global and not ip.is_multicast:
        return None
    kind = next(
        (name for name in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved")
         if getattr(ip, f"is_{name}")),
        "non-global",
    )
    kind = kind.replace("_", "-")
    return f"{address} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} address"


async def refusal_reason(host: str) -> str | None:
    """Why the crawler must not connect to ``host``, or None if every address it has is public.

    ``host`` is a canonical URL host (extract.urls: IPv4 in dotted decimal whatever notation the
    page used, IPv6 in brackets). A name is resolved and every address it resolves to is checked:
    the connection may use any of them. The reason says what was checked.
    """
    try:
        reason = _refusal(host.strip("[]"))
    except ValueError:
        pass  # a name, not an address literal
    else:
        return f"address {reason}" if reason else None
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"cannot resolve {host} to check its addresses: {exc.strerror or exc}"
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    refused = [reason for address in addresses if (reason := _refusal(address))]
    if not refused:
        return None
    checked = ", ".join(addresses[:8]) + (f" and {len(addresses) - 8} more" if len(addresses) > 8 else "")
    return f"{host} resolves to {checked}: {'; '.join(refused[:3])}"

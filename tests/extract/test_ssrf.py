import asyncio

import pytest

from cuishou.extract.ssrf import refusal_reason


@pytest.mark.parametrize(
    "host",
    ["127.0.0.2", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "[::1]", "::ffff:127.0.0.1", "fd00::1", "224.0.0.1", "localhost"],
)
def test_internal_addresses_and_names_are_refused(host):
    assert asyncio.run(refusal_reason(host)) is not None


@pytest.mark.parametrize("host", ["93.184.215.14", "2606:4700::1111"])
def test_public_address_literals_pass(host):
    assert asyncio.run(refusal_reason(host)) is None


def test_unresolvable_name_is_refused_with_a_reason():
    reason = asyncio.run(refusal_reason("no-such-host.invalid"))
    assert reason and "cannot resolve" in reason


def _resolving_to(monkeypatch, *addresses: str) -> None:
    """DNS answering several addresses (a resolver cannot be run in a test): getaddrinfo is replaced."""
    import socket

    async def getaddrinfo(self, host, port, **kwargs):
        family = lambda a: socket.AF_INET6 if ":" in a else socket.AF_INET  # noqa: E731
        return [(family(a), socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", getaddrinfo)


def test_every_resolved_address_is_checked_not_only_the_first(monkeypatch):
    _resolving_to(monkeypatch, "93.184.215.14", "2606:4700::1111", "10.0.0.7")
    reason = asyncio.run(refusal_reason("rebind.test"))
    assert reason == ("rebind.test resolves to 93.184.215.14, 2606:4700::1111, 10.0.0.7: "
                      "10.0.0.7 is a private address")


def test_a_name_whose_addresses_are_all_public_passes(monkeypatch):
    _resolving_to(monkeypatch, "93.184.215.14", "2606:4700::1111")
    assert asyncio.run(refusal_reason("public.test")) is None


def test_an_address_literal_says_it_was_checked_as_one():
    assert asyncio.run(refusal_reason("[::ffff:7f00:2]")) == "address ::ffff:7f00:2 is a loopback address"

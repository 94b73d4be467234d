import asyncio

import pytest

from extract.ssrf import refusal_reason


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

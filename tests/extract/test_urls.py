import pytest

from cuishou.extract.urls import BadURL, canonical_url, host_of, parse_url, redirect_target


@pytest.mark.parametrize(
    ("raw", "base", "expected"),
    [
        ("HTTP://Site-A.test:80", None, "http://site-a.test/"),
        ("/list_2.html#top", "http://site-a.test/yuqi/x.html", "http://site-a.test/list_2.html"),
        ("../1/?a=1", "http://site-e.test/p/2/", "http://site-e.test/p/1/?a=1"),
        ("https://h.test:8443/x", None, "https://h.test:8443/x"),
    ],
)
def test_canonical_url(raw, base, expected):
    assert canonical_url(raw, base) == expected


@pytest.mark.parametrize("raw", ["mailto:a@b.c", "javascript:void(0)", "data:text/html,x", "http://[::1"])
def test_unfollowable_urls_are_none(raw):
    assert canonical_url(raw, "http://site-a.test/") is None


def test_host_of():
    assert host_of("http://Site-B.test/x") == "site-b.test"


@pytest.mark.parametrize(
    ("location", "expected"),
    [("/b#top", "http://site-a.test/b"), ("HTTPS://Site-B.test", "https://site-b.test/"),
     (None, None), ("", None), ("  ", None), ("mailto:a@b.c", None)],
)
def test_redirect_target(location, expected):
    assert redirect_target(location, "http://site-a.test/a") == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("http://0177.0.0.2/", "http://127.0.0.2/"),  # octal
        ("http://0x7f.0.0.1/", "http://127.0.0.1/"),  # hex
        ("http://2130706433/", "http://127.0.0.1/"),  # one decimal number
        ("http://127.1/", "http://127.0.0.1/"),  # the last part fills the remaining bytes
        ("http://0x7f000002:8080/", "http://127.0.0.2:8080/"),
        ("http://0251.0376.0251.0376/latest", "http://169.254.169.254/latest"),
        ("http://%31%32%37.0.0.1/", "http://127.0.0.1/"),  # percent-decoded first
        ("http://0/", "http://0.0.0.0/"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("http://[0:0:0:0:0:ffff:7f00:1]/", "http://[::ffff:7f00:1]/"),
        ("http://ok.test@127.0.0.2/", "http://127.0.0.2/"),  # userinfo is not the host
        ("http://ok.test\\@evil.test/", "http://ok.test/@evil.test/"),  # a backslash is a slash
        ("http://例子.测试/文章", "http://xn--fsqu00a.xn--0zwm56d/文章"),
        ("http://Ａ.test/", "http://a.test/"),  # IDNA mapping
        ("http://a.test/a b\x1b[31m\u202e\"<x>", "http://a.test/a%20b%1B[31m%E2%80%AE%22%3Cx%3E"),
        ("  http://a.test/\t\nx  ", "http://a.test/x"),
    ],
)
def test_hosts_and_paths_are_parsed_as_a_browser_parses_them(raw, expected):
    assert parse_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("http://pwn`<img src=x onerror=alert(1)>.test/", "host 'pwn`<img src=x onerror=alert(1)>.test' is not a valid host name"),
        ("http://a b.test/", "host 'a b.test' is not a valid host name"),
        ("http://a..b/", "host 'a..b' is not a valid host name"),
        ("http://1.2.3.09/", "invalid IPv4 address '1.2.3.09'"),
        ("http://1.2.3.4.5/", "invalid IPv4 address '1.2.3.4.5'"),
        ("http://256.1.1.1/", "invalid IPv4 address '256.1.1.1': a part is out of range"),
        ("http://[::1%25eth0]/", "invalid IPv6 address '[::1%25eth0]'"),
        ("http://ok.test:99999/", "invalid port '99999'"),
        ("http://:80/", "no host"),
    ],
)
def test_invalid_hosts_and_ports_are_refused_with_the_reason(raw, reason):
    with pytest.raises(BadURL) as refused:
        parse_url(raw)
    assert str(refused.value) == reason
    assert canonical_url(raw) is None


def test_host_of_keeps_ipv6_brackets_and_has_no_invalid_host():
    assert host_of("http://[::1]:8080/") == "[::1]"
    assert host_of("http://pwn`<img>.test/") == ""

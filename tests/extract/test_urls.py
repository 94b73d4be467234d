import pytest

from extract.urls import canonical_url, host_of, redirect_target


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

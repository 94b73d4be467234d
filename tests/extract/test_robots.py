from cuishou.extract.robots import MAX_ROBOTS_BYTES, robots_from_response

UA = "cuishou"
ROBOTS = b"""User-agent: BadSpider
Disallow: /

User-agent: *
Disallow: /members/
Disallow: /*?s=
Crawl-delay: 3
Sitemap: http://site-a.test/sitemap.xml
"""


def test_rules_apply_to_our_agent_with_wildcards_and_sitemaps():
    rules = robots_from_response(200, ROBOTS)
    assert rules.allows("http://site-a.test/yuqi/1.html", UA)
    assert not rules.allows("http://site-a.test/members/notice.html", UA)
    assert not rules.allows("http://site-a.test/search?s=x", UA)
    assert rules.crawl_delay(UA) == 3.0
    assert rules.sitemaps == ["http://site-a.test/sitemap.xml"]


def test_missing_robots_allows_everything():
    rules = robots_from_response(404, b"")
    assert rules.status == "missing" and rules.allows("http://x.test/members/", UA)


def test_server_error_or_no_answer_means_disallow_all():
    assert not robots_from_response(503, b"").allows("http://x.test/", UA)
    assert not robots_from_response(None, b"").allows("http://x.test/", UA)


def test_garbage_robots_is_ignored_not_fatal():
    rules = robots_from_response(200, b"\x00\xff<html>not robots</html>\nDisallow /x\n")
    assert rules.allows("http://x.test/x", UA)


def test_only_the_first_500_kib_is_parsed():
    body = b"User-agent: *\n" + b"# padding\n" * (MAX_ROBOTS_BYTES // 10) + b"Disallow: /late/\n"
    assert robots_from_response(200, body).allows("http://x.test/late/1", UA)


def test_too_many_requests_is_not_allow_all():
    rules = robots_from_response(429, b"")
    assert not rules.allows("http://x.test/", UA)
    assert rules.disallow_reason() == "robots.txt unreachable (HTTP 429): assuming disallow"


def test_an_unanswered_robots_txt_says_how_it_failed():
    rules = robots_from_response(None, b"", "timeout: ReadTimeout")
    assert rules.disallow_reason() == "robots.txt unreachable (timeout: ReadTimeout): assuming disallow"
    assert robots_from_response(503, b"").disallow_reason() == "robots.txt unreachable (HTTP 503): assuming disallow"

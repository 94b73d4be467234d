from cuishou.extract.budget import PageBudget
from cuishou.extract.links import links_of_body, page_links, sitemap_urls


def test_page_links_are_absolute_unique_and_skip_nofollow():
    html = """<a href="/a.html">a</a><a href="a.html#x">again</a><a href="b.html" rel="nofollow">b</a>
              <a href="mailto:x@y.z">m</a><a href="https://other.test/">o</a>"""
    links = page_links(html, "http://site-a.test/dir/")
    assert links.urls == ["http://site-a.test/a.html", "http://site-a.test/dir/a.html", "https://other.test/"]
    assert links.refused == {}


def test_base_href_changes_resolution():
    html = '<head><base href="http://site-b.test/article/"></head><a href="1.html">x</a>'
    assert page_links(html, "http://site-b.test/").urls == ["http://site-b.test/article/1.html"]


def test_links_with_invalid_hosts_or_ports_are_refused_with_the_reason():
    html = """<a href="http://pwn`<img src=x onerror=alert(1)>.test/">x</a><a href="//ok.test:99999/">p</a>
              <a href="http://0x7f.1/">hex ip</a>"""
    links = page_links(html, "http://site-a.test/")
    assert links.urls == ["http://127.0.0.1/"]
    assert links.refused == {
        "http://pwn`<img src=x onerror=alert(1)>.test/":
            "invalid URL: host 'pwn`<img src=x onerror=alert(1)>.test' is not a valid host name",
        "http://ok.test:99999/": "invalid URL: invalid port '99999'",
    }


def test_links_of_a_deep_page_are_read_after_flattening():
    body = ("<html><body>" + "<div>" * 50_000 + '<a href="/deep">deep</a>' + "</div>" * 50_000).encode()
    assert links_of_body(body, "text/html; charset=utf-8", "http://site-a.test/").urls == ["http://site-a.test/deep"]


def test_a_page_over_its_budget_yields_no_links_and_says_why():
    body = ("<html><body>" + '<a href="/x">x</a>' * 300).encode()
    links = links_of_body(body, None, "http://site-a.test/", PageBudget(max_elements=100, max_depth=10))
    assert links.urls == [] and links.problem == "302 elements (limit 100)"


def test_sitemap_and_sitemap_index():
    urlset = b"""<urlset><url><loc> http://site-a.test/1.html </loc></url>
                 <url><loc><![CDATA[http://site-a.test/2.html]]></loc></url>
                 <url><loc>http://a`b.test/</loc></url></urlset>"""
    links, is_index = sitemap_urls(urlset, "http://site-a.test/sitemap.xml")
    assert (links.urls, is_index) == (["http://site-a.test/1.html", "http://site-a.test/2.html"], False)
    assert list(links.refused) == ["http://a`b.test/"]
    index = b"<sitemapindex><sitemap><loc>http://site-a.test/s1.xml</loc></sitemap></sitemapindex>"
    links, is_index = sitemap_urls(index, "http://site-a.test/")
    assert (links.urls, is_index) == (["http://site-a.test/s1.xml"], True)

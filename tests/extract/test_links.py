from extract.links import page_links, sitemap_urls


def test_page_links_are_absolute_unique_and_skip_nofollow():
    html = """<a href="/a.html">a</a><a href="a.html#x">again</a><a href="b.html" rel="nofollow">b</a>
              <a href="mailto:x@y.z">m</a><a href="https://other.test/">o</a>"""
    assert page_links(html, "http://site-a.test/dir/") == [
        "http://site-a.test/a.html", "http://site-a.test/dir/a.html", "https://other.test/",
    ]


def test_base_href_changes_resolution():
    html = '<head><base href="http://site-b.test/article/"></head><a href="1.html">x</a>'
    assert page_links(html, "http://site-b.test/") == ["http://site-b.test/article/1.html"]


def test_sitemap_and_sitemap_index():
    urlset = b"""<urlset><url><loc> http://site-a.test/1.html </loc></url>
                 <url><loc><![CDATA[http://site-a.test/2.html]]></loc></url></urlset>"""
    assert sitemap_urls(urlset, "http://site-a.test/sitemap.xml") == (
        ["http://site-a.test/1.html", "http://site-a.test/2.html"], False)
    index = b"<sitemapindex><sitemap><loc>http://site-a.test/s1.xml</loc></sitemap></sitemapindex>"
    assert sitemap_urls(index, "http://site-a.test/") == (["http://site-a.test/s1.xml"], True)

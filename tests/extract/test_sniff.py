import codecs

import pytest
from dev_site import ARTICLES, dev_bytes

from cuishou.extract.sniff import binary_kind


@pytest.mark.parametrize(("head", "kind"), [
    (b"%PDF-1.7\n", "a PDF document"), (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff\xe0", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or Office document)"), (b"\x1f\x8b\x08", "gzip-compressed data"),
    (b"<html>\x00\x01\x02\x03", "binary data"), (bytes(range(1, 32)) * 4, "binary data"),
])
def test_binary_formats_are_named(head, kind):
    assert binary_kind(head + b"rest") == kind


def test_text_in_every_encoding_pages_use_is_not_binary():
    page = "<html><head><title>微粒贷逾期</title></head><body><p>上门催收\t是真的吗?\r\n</p></body></html>"
    for encoding in ("utf-8", "gb18030", "big5", "shift_jis", "iso-2022-jp", "euc-kr"):
        assert binary_kind(page.replace("逾期", "").encode(encoding, "replace")) is None, encoding
    assert binary_kind(codecs.BOM_UTF16_LE + page.encode("utf-16-le")) is None  # NUL-rich, but marked
    assert binary_kind(b"") is None


def test_no_dev_site_article_is_taken_for_binary():
    assert all(binary_kind(dev_bytes(article["url"])[0]) is None for article in ARTICLES)


def test_markup_with_stray_control_bytes_is_a_page():
    """cn_content 2bac7fb2 (雅虎中国, 2005): \\x02 separates the menu items of a real page."""
    page = "<html><head><title>雅虎</title></head><body>" + "".join(f"<a>栏目{n}</a>\x02" for n in range(40))
    assert binary_kind(page.encode("gb18030")) is None

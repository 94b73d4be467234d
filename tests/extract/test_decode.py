import codecs

from dev_site import DEV_SITE, ROUTES

from extract.decode import decode_html, normalise_encoding


def _page(body_text: str, meta: str = "", encoding: str = "utf-8") -> bytes:
    return f"<html><head>{meta}</head><body><p>{body_text}</p></body></html>".encode(encoding)


def test_gbk_page_with_charset_only_in_meta_is_read_as_gb18030():
    body = _page("微粒贷逾期三个月", '<meta charset="gbk">', "gbk")
    decoded = decode_html(body, "text/html")
    assert "微粒贷逾期三个月" in decoded.text
    assert (decoded.encoding, decoded.source) == ("gb18030", "meta")


def test_gb2312_label_keeps_characters_outside_gb2312():
    body = _page("朱镕基", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030")
    assert "朱镕基" in decode_html(body, None).text


def test_wrong_utf8_header_over_gbk_body_falls_back_to_meta():
    body = _page("催收电话打到单位", '<meta charset="gbk">', "gbk")
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert "催收电话打到单位" in decoded.text
    assert decoded.source == "meta"


def test_bom_wins_over_declarations():
    body = codecs.BOM_UTF8 + _page("花呗", '<meta charset="gbk">')
    decoded = decode_html(body, "text/html; charset=gbk")
    assert "花呗" in decoded.text and decoded.source == "bom"


def test_undecodable_bytes_are_replaced_and_counted():
    body = _page("借呗", '<meta charset="utf-8">') + b"\xff\xfe\xfa\x80\x81"
    decoded = decode_html(body, "text/html; charset=utf-8")
    assert "借呗" in decoded.text
    assert (decoded.encoding, decoded.source, decoded.replacements) == ("utf-8", "fallback", 5)


def test_normalise_encoding_widens_gb_family():
    assert {normalise_encoding(x) for x in ("GB2312", "gbk", "x-gbk", "cp936")} == {"gb18030"}
    assert normalise_encoding("no-such-charset") is None


def test_every_dev_site_page_decodes_without_replacement_characters():
    for routes in ROUTES.values():
        for route in routes.values():
            if "file" not in route or not route["file"].endswith(("html", "htm")):
                continue
            decoded = decode_html((DEV_SITE / route["file"]).read_bytes(), route["content_type"])
            assert "\ufffd" not in decoded.text, route["file"]

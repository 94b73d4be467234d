import codecs
from pathlib import Path

import pytest
from dev_site import DEV_SITE, ROUTES
from public_pages import public_page

from cuishou.extract.decode import decode_html, normalise_encoding


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


# --- declarations the bytes contradict, on real text -------------------------------------------

SEED_TEXT = (Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "000_42929b3b65f0816e.txt").read_text()
PARAGRAPH = SEED_TEXT.split("\n\n")[3][:200]  # a real article paragraph (微粒贷逾期…)


def _gbk_page() -> bytes:
    """A real 2005 portal page in its own encoding: gb2312 declared in its <meta>."""
    return public_page("link_rows")["html"].encode("gb18030")


def test_latin1_header_never_beats_a_cjk_meta_whose_decode_is_clean():
    decoded = decode_html(_gbk_page(), "text/html; charset=iso-8859-1")
    assert (decoded.encoding, decoded.source, decoded.problem) == ("gb18030", "meta", None)
    assert "娱乐圈受黑社会控制" in decoded.text


def test_gbk_body_under_a_latin1_header_and_no_meta_is_detected_by_its_bytes():
    body = _page(PARAGRAPH, encoding="gbk")
    decoded = decode_html(body, "text/html; charset=ISO-8859-1")
    assert (decoded.encoding, decoded.source, decoded.problem) == ("gb18030", "detected", None)
    assert PARAGRAPH in decoded.text


@pytest.mark.parametrize("header", ["text/html; charset=iso-8859-1", "text/html; charset=windows-1252",
                                    "text/html; charset=utf-16", "text/html; charset=UTF-16LE"])
def test_utf8_body_under_a_latin1_or_utf16_header_is_read_as_utf8(header):
    body = _page(PARAGRAPH)
    body += b" " * (len(body) % 2)  # even: it decodes "cleanly" as UTF-16 too, into garbage
    assert body.decode("utf-16-le") and body.decode("iso-8859-1")
    decoded = decode_html(body, header)
    assert (decoded.encoding, decoded.source, decoded.problem) == ("utf-8", "detected", None)
    assert PARAGRAPH in decoded.text


def test_a_utf16_meta_over_an_ascii_compatible_body_is_ignored_as_browsers_do():
    decoded = decode_html(_page(PARAGRAPH, '<meta charset="utf-16">'), None)
    assert decoded.encoding == "utf-8" and PARAGRAPH in decoded.text


def test_header_and_meta_that_both_fit_are_decided_by_the_bytes():
    decoded = decode_html(_page(PARAGRAPH, '<meta charset="utf-8">'), "text/html; charset=gbk")
    assert (decoded.encoding, decoded.source) == ("utf-8", "meta")
    assert PARAGRAPH in decoded.text


def test_western_page_in_windows_1252_under_a_latin1_header_is_not_mojibake():
    html = public_page("thread_replies")["html"].replace("'", "\u2019")  # curly quotes: bytes 0x80-0x9f
    decoded = decode_html(html.encode("cp1252", "replace"), "text/html; charset=iso-8859-1")
    assert decoded.problem is None and "\u2019" in decoded.text
    french = _page("Le débiteur a été relancé à réception de l'échéance, déjà payée. " * 20, encoding="latin-1")
    assert decode_html(french, "text/html; charset=iso-8859-1").problem is None


def test_gbk_read_as_latin1_and_saved_as_utf8_is_mojibake_with_evidence():
    """The issue's page: 'ÓâÆÚºóºÍÍø´û…' under a correct charset=utf-8, every byte valid."""
    garbled = PARAGRAPH.encode("gbk").decode("latin-1")
    decoded = decode_html(_page(garbled), "text/html; charset=utf-8")
    assert decoded.encoding == "utf-8"
    assert decoded.problem.startswith("mojibake after decoding as utf-8 (http): ")
    assert "in runs of Latin-1 ones" in decoded.problem and "0 CJK characters" in decoded.problem


def test_utf8_read_as_latin1_and_saved_as_utf8_shows_c1_controls():
    garbled = PARAGRAPH.encode("utf-8").decode("latin-1")  # 逾 = E9 80 BE → 'é\x80¾'
    decoded = decode_html(_page(garbled), "text/html; charset=utf-8")
    assert "C1 control characters" in decoded.problem


def test_a_few_stray_latin1_characters_are_not_mojibake():
    text = PARAGRAPH + " © 2024 · 版权所有 ×× — « » " + "é" * 3
    assert decode_html(_page(text), "text/html; charset=utf-8").problem is None

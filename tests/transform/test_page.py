import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

from dev_site import dev_bytes

from cuishou.extract.budget import PageBudget
from cuishou.transform.page import PageInput, document_id, process_page

WHEN = datetime(2026, 11, 23, tzinfo=UTC)


def page_input(url: str) -> PageInput:
    body, content_type = dev_bytes(url)
    return PageInput(url, 200, content_type, body, WHEN)


def test_article_becomes_a_complete_row(gold):
    article = next(g for g in gold if g["kind"] == "article" and g["encoding"] == "gbk")
    result = process_page(page_input(article["url"]))
    assert result.outcome == "document"
    row = result.row
    assert row["title"] == article["title"]
    assert row["published"] == (date.fromisoformat(article["published"]) if article["published"] else None)
    assert row["encoding"] == "gb18030" and row["encoding_source"] in ("meta", "http")
    assert row["doc_id"] == document_id(article["url"], row["content_sha256"])
    assert set(json.loads(row["tag_evidence"])) == {f"{facet}:{label}" for facet in ("products", "channels", "topics")
                                                    for label in row[facet]}
    assert "trafilatura" in row["pipeline_version"]


def test_same_page_gives_the_same_id_on_every_run(gold):
    url = next(g["url"] for g in gold if g["kind"] == "article")
    assert process_page(page_input(url)).row["doc_id"] == process_page(page_input(url)).row["doc_id"]


def test_index_page_is_not_a_document(gold):
    index = next(g for g in gold if g["kind"] == "index")
    result = process_page(page_input(index["url"]))
    assert result.outcome == "not_article" and result.row is None and result.reason


def test_garbage_bytes_are_a_recorded_outcome_not_a_crash():
    for body in (b"", b"\x00\xff" * 500, b"<html><body><div><p>unclosed" * 200):
        result = process_page(PageInput("http://x.test/", 200, "text/html", body, WHEN))
        assert result.outcome in ("not_article", "extract_error", "non_html") and result.reason


# --- the page budget and the decoding verdict, through the corpus path --------------------------

PROSE = "<p>" + "逾期以后催收人员上门怎么办？先核实对方身份，保留通话录音和短信，依法维护自己的权益。" * 8 + "</p>"


def _html_page(html: str, content_type: str = "text/html; charset=utf-8") -> PageInput:
    return PageInput("http://x.test/a.html", 200, content_type, html.encode(), WHEN)


def test_a_deep_page_keeps_its_prose_after_flattening():
    """libxml2 drops everything below 255 levels and lexbor is quadratic in depth: flattened first."""
    depth = 20_000
    html = "<html><body>" + "<div>" * depth + "<h1>上门催收的应对</h1>" + PROSE * 3 + "</div>" * depth + "</body></html>"
    result = process_page(_html_page(html))
    assert result.outcome == "document", result.reason
    assert "先核实对方身份" in result.row["text"]


def test_a_page_of_too_many_elements_is_too_complex_with_the_figure():
    result = process_page(_html_page("<html><body>" + "<i>a</i>" * 500_000 + "</body></html>"))
    assert (result.outcome, result.reason) == ("too_complex", "500,002 elements (limit 100,000)")


def test_a_page_over_its_cpu_time_is_too_complex():
    html = "<html><body><h1>上门催收</h1>" + PROSE * 300 + "</body></html>"
    with ThreadPoolExecutor(1) as pool:  # a thread of its own, as a page worker's: no limit of another test's around it
        result = pool.submit(process_page, _html_page(html), PageBudget(cpu_seconds=0.01)).result()
    assert (result.outcome, result.reason) == ("too_complex", "over 0.01 s of CPU time")
    assert process_page(_html_page(html)).outcome == "document"


def test_a_page_that_decodes_only_to_mojibake_is_a_decode_error_not_a_document():
    garbled = ("<html><body><h1>上门催收</h1>" + PROSE * 3 + "</body></html>").encode("gbk").decode("latin-1")
    result = process_page(_html_page(garbled))
    assert result.outcome == "decode_error" and result.row is None
    assert result.reason.startswith("mojibake after decoding as utf-8 (http)")


def test_control_characters_never_reach_a_row():
    html = ("<html><head><title>上门催收\x1b]0;pwned\x07</title></head><body><h1>上门催收\x1b[2J的应对</h1>"
            + PROSE.replace("，", "\x1b[31m，", 1) * 3 + "</body></html>")
    row = process_page(_html_page(html)).row
    assert not any(char in row[field] for field in ("title", "text") for char in "\x1b\x07")
    assert row["title"].startswith("上门催收")


def test_binary_bodies_are_not_html_whatever_the_header_says(gold):
    pdf = process_page(PageInput("http://x.test/a.html", 200, "text/html", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", WHEN))
    assert (pdf.outcome, pdf.reason) == ("non_html", "the body is a PDF document, not HTML")
    noise = process_page(PageInput("http://x.test/b.html", 200, "text/html", bytes(range(256)) * 8, WHEN))
    assert (noise.outcome, noise.reason) == ("non_html", "the body is binary data, not HTML")

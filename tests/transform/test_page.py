import json
from datetime import UTC, date, datetime

from dev_site import dev_bytes

from transform.page import PageInput, document_id, process_page

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


def test_binary_bodies_are_not_html_whatever_the_header_says(gold):
    pdf = process_page(PageInput("http://x.test/a.html", 200, "text/html", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", WHEN))
    assert (pdf.outcome, pdf.reason) == ("non_html", "the body is a PDF document, not HTML")
    noise = process_page(PageInput("http://x.test/b.html", 200, "text/html", bytes(range(256)) * 8, WHEN))
    assert (noise.outcome, noise.reason) == ("non_html", "the body is binary data, not HTML")

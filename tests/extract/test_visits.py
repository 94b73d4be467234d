from datetime import UTC, datetime

import pytest

from extract.archive import WarcArchive
from extract.fetch import Fetched
from extract.visits import Visit, classify_response, visit_row, visits_from_warcs


@pytest.mark.parametrize(
    ("url", "status", "content_type", "outcome"),
    [
        ("http://a.test/x.html", 200, "text/html; charset=gbk", "fetched"),
        ("http://a.test/x", 200, None, "fetched"),
        ("http://a.test/old", 301, "text/html", "redirect"),
        ("http://a.test/gone", 404, "text/html", "http_error"),
        ("http://a.test/f.pdf", 200, "application/pdf", "non_html"),
        ("http://a.test/robots.txt", 200, "text/plain", "robots_txt"),
    ],
)
def test_classify_response(url, status, content_type, outcome):
    assert classify_response(url, status, content_type)[0] == outcome


def test_unknown_outcome_is_rejected():
    with pytest.raises(ValueError):
        Visit("http://a.test/", "lost")


def test_warc_ledger_keeps_the_last_response_per_url(tmp_path):
    when = datetime(2026, 11, 23, tzinfo=UTC)
    with WarcArchive(tmp_path, "t") as archive:
        for status, headers in [(500, []), (200, [("Content-Type", "text/html")]),
                                (301, [("Location", "/new")])]:
            url = "http://a.test/old" if status == 301 else "http://a.test/p"
            archive.write(Fetched(url, status=status, headers=headers, fetched_at=when))
    visits = visits_from_warcs(archive.files)
    assert [(v.url, v.outcome) for v in visits] == [
        ("http://a.test/p", "superseded"), ("http://a.test/p", "fetched"), ("http://a.test/old", "redirect")]
    assert visits[2].redirect_to == "http://a.test/new"
    row = visit_row(visits[1], "2026-01-01", "r1")
    assert row["crawl_date"] == "2026-11-23" and row["warc_file"].endswith(".warc.gz")

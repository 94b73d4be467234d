from datetime import UTC, datetime

import pytest

from cuishou.extract.archive import WarcArchive
from cuishou.extract.fetch import Fetched
from cuishou.extract.visits import Visit, classify_response, visit_row, visits_from_warcs


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


def test_of_several_responses_the_latest_by_warc_date_counts_whatever_the_file_order(tmp_path):
    for name, day in (("feb", 28), ("jan", 1)):
        with WarcArchive(tmp_path / name, "t") as archive:
            archive.write(Fetched("http://a.test/p", status=200, headers=[("Content-Type", "text/html")],
                                  fetched_at=datetime(2026, 2 if name == "feb" else 1, day, tzinfo=UTC)))
    files = [*sorted((tmp_path / "feb").iterdir()), *sorted((tmp_path / "jan").iterdir())]
    visits = visits_from_warcs(files)
    assert [(v.outcome, v.fetched_at.month) for v in visits] == [("fetched", 2), ("superseded", 1)]


def test_a_cut_warc_adds_an_archive_error_visit_saying_where(tmp_path):
    from cuishou.flows.cli import SAMPLE_DIR

    sample = SAMPLE_DIR / "dev-site-sample.warc.gz"
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(sample.read_bytes()[:60_000])
    whole = [v.url for v in visits_from_warcs([sample])]
    visits = visits_from_warcs([cut])
    [damage] = [v for v in visits if v.outcome == "archive_error"]
    read = [v.url for v in visits if v.outcome != "archive_error"]
    assert read == whole[: len(read)] and damage.url == whole[len(read)]  # the URL whose record was cut
    assert "WARC cut off inside a response record" in damage.reason
    row = visit_row(damage, "2026-01-01", "r1")
    assert row["warc_file"] == "cut.warc.gz" and row["warc_record_id"].startswith("<urn:uuid:")

import io
from datetime import UTC, datetime

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from extract.archive import WarcArchive, iter_responses, read_response
from extract.fetch import Fetched


def _fetched(url: str, body: bytes, status: int = 200) -> Fetched:
    return Fetched(url, status=status, reason_phrase="OK", headers=[("Content-Type", "text/html; charset=gbk")],
                   raw_body=body, body=body, fetched_at=datetime(2026, 11, 23, 3, 0, tzinfo=UTC))


def test_written_responses_read_back_by_offset_and_in_order(tmp_path):
    pages = {f"http://site-d.test/html/{i}.htm": f"<p>第{i}页 借贷百科</p>".encode("gbk") for i in range(3)}
    with WarcArchive(tmp_path, "t") as archive:
        refs = {url: archive.write(_fetched(url, body)) for url, body in pages.items()}
    for url, ref in refs.items():
        response = read_response(ref)
        assert (response.url, response.body, response.status) == (url, pages[url], 200)
        assert response.ref.record_id == ref.record_id
        assert response.fetched_at == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert [r.url for r in iter_responses(archive.files)] == list(pages)


def test_archive_rotates_files(tmp_path):
    with WarcArchive(tmp_path, "t", rotate_bytes=1) as archive:
        for i in range(3):
            archive.write(_fetched(f"http://x.test/{i}", b"<p>x</p>"))
    assert len(archive.files) == 3
    assert len(list(iter_responses(archive.files))) == 3


def test_reads_uncompressed_warc_1_0_with_chunked_gzip_payload(tmp_path):
    """A wget-style record: WARC/1.0, no gzip, angle-bracketed URI, payload still content-encoded."""
    import gzip

    path = tmp_path / "wget.warc"
    body = gzip.compress("<p>信用卡逾期</p>".encode())
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False, warc_version="WARC/1.0")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                                   protocol="HTTP/1.1")
        record = writer.create_warc_record("<http://site-x.test/a>", "response", payload=io.BytesIO(body),
                                           length=len(body), http_headers=headers)
        writer.write_record(record)
    [response] = list(iter_responses([path]))
    assert response.url == "http://site-x.test/a"
    assert response.body.decode() == "<p>信用卡逾期</p>"

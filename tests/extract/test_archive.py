import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cuishou.extract.archive import DamagedWarc, WarcArchive, WarcDamage, iter_responses, read_response
from cuishou.extract.fetch import Fetched


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


def _three_pages(tmp_path) -> tuple[Path, list[tuple[str, bytes]]]:
    pages = [(f"http://site-d.test/html/{i}.htm", f"<p>第{i}页 借贷百科</p>".encode("gbk") * (20 + 30 * i))
             for i in range(3)]
    with WarcArchive(tmp_path, "whole") as archive:
        for url, body in pages:
            archive.write(_fetched(url, body))
    return archive.files[0], pages


def _record_spans(path: Path) -> list[tuple[int, int]]:
    with open(path, "rb") as handle:
        iterator = ArchiveIterator(handle)
        return [(iterator.get_record_offset(), iterator.get_record_length()) for _ in iterator]


@pytest.mark.parametrize("compressed", [True, False], ids=["gzip", "plain"])
def test_a_cut_warc_yields_only_whole_records_and_says_where_it_was_cut(tmp_path, compressed):
    """Cut at every few bytes: what is read is always whole, and a response the cut took is reported.

    (A cut between records, or after a record's last byte of content inside its gzip member, loses
    nothing that was read and is not reported: nothing shows that a file ends early there.)
    """
    path, pages = _three_pages(tmp_path)
    data = path.read_bytes() if compressed else gzip.decompress(path.read_bytes())
    whole = tmp_path / "whole.warc"
    whole.write_bytes(data)
    spans = _record_spans(whole)
    cut = tmp_path / "cut.warc"
    for size in range(0, len(data), max(1, len(data) // 300)):
        cut.write_bytes(data[:size])
        damages: list[WarcDamage] = []
        read = [(r.url, r.body) for r in iter_responses([cut], damages.append)]
        assert read == pages[: len(read)], size
        begun = [start for start, _ in spans[1::2] if start < size]  # warcinfo, then response/request pairs
        if len(read) < len(begun):  # the cut took (part of) a response that had begun
            assert len(damages) == 1 and "nothing after it is read" in damages[0].reason, size
            assert damages[0].offset == begun[len(read)], size


def test_by_default_a_damaged_warc_raises_after_its_whole_records(tmp_path):
    path, pages = _three_pages(tmp_path)
    third = _record_spans(path)[5][0]
    path.write_bytes(path.read_bytes()[: third + 200])
    responses = iter_responses([path])
    assert [next(responses).url, next(responses).url] == [pages[0][0], pages[1][0]]
    with pytest.raises(DamagedWarc, match="WARC cut off .*; nothing after it is read"):
        next(responses)


def test_corrupt_bytes_in_the_middle_end_the_file_with_a_reason(tmp_path):
    path, pages = _three_pages(tmp_path)
    data = bytearray(path.read_bytes())
    second = _record_spans(path)[3][0]  # warcinfo, response, request, response: the second response
    data[second + 20 : second + 60] = b"\xff" * 40
    path.write_bytes(bytes(data))
    damages: list[WarcDamage] = []
    assert [r.url for r in iter_responses([path], damages.append)] == [pages[0][0]]
    [damage] = damages
    assert damage.offset == second and damage.file == str(path)

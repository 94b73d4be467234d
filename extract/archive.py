"""The raw archive: every response we keep goes to WARC/1.1, and WARCs are read back the same way.

Writing keeps the body exactly as received (content-encoding included), so a page can be
re-extracted later without re-fetching. Reading accepts WARC/1.0 and 1.1, gzipped or not, as
Common Crawl, wget and this crawler write them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cuishou.extract.fetch import Fetched

ROTATE_BYTES = 256 * 1024 * 1024
_HOP_BY_HOP = {"transfer-encoding", "connection", "keep-alive"}


@dataclass(frozen=True)
class WarcRef:
    """Where a response record lives: enough to read it back with one seek."""

    file: str
    offset: int
    record_id: str


@dataclass(frozen=True)
class ArchivedResponse:
    """One HTTP response read from a WARC, body decoded from its transfer/content encoding."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    ref: WarcRef

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass(frozen=True)
class WarcDamage:
    """Where a WARC file stops being readable, and why: nothing from ``offset`` on is read."""

    file: str
    offset: int
    url: str | None  # the target of the damaged record, if its header could be read
    reason: str
    record_id: str = ""  # WARC-Record-ID of the damaged record, if its header could be read


class DamagedWarc(ValueError):
    def __init__(self, damage: WarcDamage):
        super().__init__(f"{damage.file}: {damage.reason}")
        self.damage = damage


def _raise_damage(damage: WarcDamage) -> None:
    raise DamagedWarc(damage)


class WarcArchive:
    """Append request/response pairs to rotating gzipped WARC/1.1 files under one folder."""

    def __init__(self, folder: Path, prefix: str, rotate_bytes: int = ROTATE_BYTES):
        self.folder = folder
        self.prefix = prefix
        self.rotate_bytes = rotate_bytes
        self._index = len(list(folder.glob(f"{prefix}-*.warc.gz")))  # a resumed run adds files, never overwrites
        self._file: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None
        self.files: list[Path] = []

    def _open_next(self) -> None:
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.prefix}-{self._index:05d}.warc.gz"
        self._index += 1
        self._file = open(path, "wb")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="WARC/1.1")
        self.files.append(path)
        info = self._writer.create_warcinfo_record(
            path.name, {"software": "cuishou", "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)

    def write(self, fetched: Fetched) -> WarcRef:
        """Archive one response with its request; returns where the response record starts."""
        if self._file is None or self._file.tell() > self.rotate_bytes:
            self._open_next()
        assert self._writer is not None and self._file is not None
        date = (fetched.fetched_at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        headers = [(k, v) for k, v in fetched.headers if k.lower() not in _HOP_BY_HOP]
        status_line = f"{fetched.status} {fetched.reason_phrase}".strip()
        response = self._writer.create_warc_record(
            fetched.url,
            "response",
            payload=io.BytesIO(fetched.raw_body),
            length=len(fetched.raw_body),
            http_headers=StatusAndHeaders(status_line, headers, protocol=fetched.http_version),
            warc_headers_dict={"WARC-Date": date},
        )
        request = self._writer.create_warc_record(
            fetched.url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"GET {_path_of(fetched.url)}", fetched.request_headers, is_http_request=True
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        request.rec_headers.add_header("WARC-Concurrent-To", record_id)
        offset = self._file.tell()
        self._writer.write_record(response)
        self._writer.write_record(request)
        self._file.flush()
        os.fsync(self._file.fileno())  # on disk before the journal says so: a resumed run may read it back
        return WarcRef(str(self.files[-1]), offset, record_id)

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        self._file = None
        self._writer = None

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _target_uri(record) -> str:
    return (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")


def _record_date(record) -> datetime:
    raw = record.rec_headers.get_header("WARC-Date") or ""
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


def _is_response(record) -> bool:
    return record.rec_type == "response" and record.http_headers is not None


def _to_response(record, body: bytes, path: str, offset: int) -> ArchivedResponse:
    status = record.http_headers.get_statuscode()
    return ArchivedResponse(
        url=_target_uri(record),
        status=int(status) if status and status.isdigit() else 0,
        headers=list(record.http_headers.headers),
        body=body,
        fetched_at=_record_date(record),
        ref=WarcRef(path, offset, record.rec_headers.get_header("WARC-Record-ID") or ""),
    )


def _cut(record, path: str, offset: int) -> WarcDamage | None:
    """A record whose header or block ended early: the file was cut inside it."""
    headers = record.rec_headers
    if not record.rec_type or not (headers.get_header("Content-Length") or "").strip().isdigit():
        return WarcDamage(path, offset, None, f"WARC cut off inside a record header at byte {offset}; "
                                              "nothing after it is read")
    missing = getattr(record.raw_stream, "limit", 0)  # what is left of Content-Length once read to its end
    if not missing:
        return None
    return WarcDamage(path, offset, _target_uri(record) or None,
                      f"WARC cut off inside a {record.rec_type} record at byte {offset} "
                      f"({missing} of its {record.length} bytes missing); nothing after it is read",
                      headers.get_header("WARC-Record-ID") or "")


def iter_responses(
    paths: Iterable[str | Path], on_damage: Callable[[WarcDamage], None] = _raise_damage
) -> Iterator[ArchivedResponse]:
    """Every whole HTTP response record in the given WARC files, in file order.

    A file cut off (a partial download or copy) or corrupt is read up to its first damaged
    record; ``on_damage`` learns where and why (by default it raises ``DamagedWarc``), and the
    next file is read. A damaged record is never yielded: a cut body would become half a document.
    """
    for path in paths:
        with open(path, "rb") as handle:
            damage = yield from _whole_responses(ArchiveIterator(handle), str(path))
        if damage is not None:
            on_damage(damage)


def _whole_responses(iterator: ArchiveIterator, path: str) -> Generator[ArchivedResponse, None, WarcDamage | None]:
    """The whole response records of one file; returns the damage that ended it early, if any."""
    try:
        for record in iterator:
            body = record.content_stream().read() if _is_response(record) else b""
            offset = iterator.get_record_offset()  # reads the record to its end
            if damage := _cut(record, path, offset):
                return damage
            if _is_response(record):
                yield _to_response(record, body, path, offset)
        end, size = getattr(iterator, "offset", 0), os.fstat(iterator.fh.fileno()).st_size
        if end < size:  # the parser met bytes it could not make a record of, and stopped as if at the end
            return WarcDamage(path, end, None, f"WARC cut off or corrupt at byte {end} ({size - end} bytes "
                                               "left that are not a whole record); nothing after it is read")
    except Exception as exc:  # warcio fails in many ways on a cut or corrupt file; each becomes the damage
        offset = getattr(iterator, "offset", 0)
        return WarcDamage(path, offset, None, f"WARC unreadable after byte {offset} ({type(exc).__name__}: {exc}); "
                                             "nothing after it is read")
    return None


def read_response(ref: WarcRef) -> ArchivedResponse:
    """Read back the one response record a WarcRef points at."""
    with open(ref.file, "rb") as handle:
        handle.seek(ref.offset)
        record = next(iter(ArchiveIterator(handle)))
        if not _is_response(record):
            raise ValueError(f"no HTTP response record at {ref.file}:{ref.offset}")
        return _to_response(record, record.content_stream().read(), ref.file, ref.offset)

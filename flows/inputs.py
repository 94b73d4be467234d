"""Checking the command line's inputs before anything starts (Prefect, the crawl, files in --out).

Each refusal is one line naming the option, what is wrong and what to do, and happens before
anything is written: a typo costs a second, not a 15 s Prefect start and a half-made corpus folder.
"""

from __future__ import annotations

import gzip
import os
import socket
import zlib
from pathlib import Path
from urllib.parse import urlsplit

WARC_MAGIC = b"WARC/"
GZIP_MAGIC = b"\x1f\x8b"
# what a build writes into --out, besides the Parquet folders; an existing one of these in a
# folder that is not a corpus belongs to someone else and would be overwritten
BUILD_OUTPUT = ("documents", "pages", "urls", "warc", "state", "runs", "report.html", "README.md")
CORPUS_MARKER = Path("state") / "crawl.sqlite"


class Refusal(ValueError):
    """An error whose message is the whole story (what is wrong and what to do): no traceback needed."""


class InputError(Refusal):
    """A refused input: ``option: problem; fix``."""

    def __init__(self, option: str, problem: str, fix: str):
        super().__init__(f"{option}: {problem}; {fix}")


def readable_file(option: str, path: Path, what: str) -> Path:
    """``path`` is an existing, readable file (not a folder)."""
    if not path.exists():
        raise InputError(f"{option} {path}", "no such file", f"give the path of {what}")
    if path.is_dir():
        raise InputError(f"{option} {path}", "is a folder, not a file", f"give the path of {what}")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise InputError(f"{option} {path}", f"cannot be read ({exc.strerror})", "check its permissions") from None
    return path


def warc_file(path: Path, option: str = "--warc") -> Path:
    """A WARC file, gzipped or not: it starts with ``WARC/`` (after gunzip)."""
    readable_file(option, path, "a WARC file (.warc or .warc.gz)")
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(GZIP_MAGIC):
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(len(WARC_MAGIC))
        except (OSError, EOFError, zlib.error):
            head = b""
        if not head.startswith(WARC_MAGIC):
            raise InputError(f"{option} {path}", "is gzip but not a gzipped WARC (it does not start with 'WARC/')",
                             "give WARC/1.0 or 1.1 files, gzipped or not")
    elif not head.startswith(WARC_MAGIC):
        raise InputError(f"{option} {path}", "is not a WARC file (it does not start with 'WARC/')",
                         "give WARC/1.0 or 1.1 files, gzipped or not")
    return path


def seeds_file(path: Path, option: str = "--seeds") -> list[str]:
    """The seed URLs of a seeds file (see ``flows.seeds``)."""
    from cuishou.flows.seeds import read_seeds_file

    readable_file(option, path, "a text file of seed URLs, one a line")
    try:
        return read_seeds_file(path)
    except UnicodeDecodeError:
        raise InputError(f"{option} {path}", "is not UTF-8 text", "save it as UTF-8, one URL a line") from None
    except ValueError as exc:
        raise InputError(f"{option} {path}", str(exc), "fix the file: one http(s) URL a line, '#' comments") from None


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def corpus_folder(path: Path, option: str = "--out") -> Path:
    """A folder a build may write into: new, empty, an earlier corpus, or one without our file names."""
    name = f"{option} {path}"
    if path.exists() and not path.is_dir():
        raise InputError(name, "is a file, not a folder", "give a new or empty folder, or an earlier corpus folder")
    existing = _nearest_existing(path)
    if not existing.is_dir():
        raise InputError(name, f"{existing} is a file, not a folder", "give a folder path")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(name, f"cannot write in {existing}", "give a folder you can write to")
    if path.is_dir() and not (path / CORPUS_MARKER).exists():
        taken = [entry for entry in BUILD_OUTPUT if (path / entry).exists()]
        if taken:
            raise InputError(name, f"is not a cuishou corpus but has {', '.join(taken)}, which a build would "
                             "overwrite", "give a new or empty folder")
    return path


def output_folder(path: Path, option: str = "--out") -> Path:
    """A folder to write files into (not a file; creatable)."""
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path}", "is a file, not a folder", "give a folder path")
    return path


def proxy_url(url: str | None, option: str = "--proxy") -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
        raise InputError(f"{option} {url}", "is not a proxy URL", "give one like http://HOST:PORT")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise InputError(f"{option} {url}", "has an invalid port", "give one like http://HOST:PORT") from None
    return url


def dask_address(address: str | None, option: str = "--dask-address") -> str | None:
    """A Dask scheduler address; a TCP one (``tcp://``, ``tls://`` or ``HOST:PORT``) must accept a
    connection (checked with a short timeout). In-process and other transports are passed on as given."""
    if address is None:
        return None
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls"):
        if parts.scheme in ("inproc", "ucx", "ws", "wss") and parts.netloc:
            return address
        raise InputError(f"{option} {address}", "is not a scheduler address", "give one like tcp://HOST:8786")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or not port:
        raise InputError(f"{option} {address}", "is not a scheduler address", "give one like tcp://HOST:8786")
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        raise InputError(f"{option} {address}", f"no Dask scheduler answers there ({exc.strerror or exc})",
                         "start one ('dask scheduler') or leave the option out") from None
    return address


def header_value(value: str | None, option: str) -> str | None:
    if value is not None and (not value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value)):
        raise InputError(option, "is empty or has control characters", "give a plain one-line value")
    return value


def cron_schedule(cron: str, timezone: str):
    """Prefect's CronSchedule for the options, with its own validation rules (imports Prefect)."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        return CronSchedule(cron=cron, timezone=timezone)
    except ValidationError as exc:
        error = exc.errors()[0]
        option = "--timezone" if "timezone" in error.get("loc", ()) or "timezone" in str(error["msg"]) else "--cron"
        value = timezone if option == "--timezone" else cron
        fix = ("give an IANA time zone, e.g. Asia/Shanghai" if option == "--timezone"
               else "give five fields: minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\"")
        message = str(error["msg"]).removeprefix("Value error, ")
        raise InputError(f"{option} {value!r}", message, fix) from None

"""Shared test fixtures: the labelled dev site served for real on 127.0.0.1, and Prefect isolation."""

from __future__ import annotations

import importlib.util
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer

import pytest
from dev_site import DEV_SITE, GOLD, SITE

DEV_SEEDS = DEV_SITE / "seeds.txt"

# Prefect reads these at import time: keep its state out of ~/.prefect and its telemetry off.
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="cuishou-prefect-home-"))
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
for proxy_variable in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(proxy_variable, None)



def _load_site_server():
    spec = importlib.util.spec_from_file_location("dev_site_server", DEV_SITE / "site_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class DevSite:
    """The dev site served on 127.0.0.1; ``requests`` logs every (host, path) asked for."""

    proxy: str
    seeds: list[str]
    requests: list[tuple[str, str]] = field(default_factory=list)


@contextmanager
def serve_dev_site() -> Iterator[DevSite]:
    """Serve the dev site until the block ends; a fresh server has fresh fail-first counters."""
    module = _load_site_server()
    log: list[tuple[str, str]] = []

    class RecordingHandler(module.Handler):
        def _handle(self, head_only=False):
            log.append(self._target())
            return super()._handle(head_only)

    server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    server.daemon_threads = True
    server.root, server.routes, server.quiet = str(DEV_SITE), SITE["hosts"], True
    server.not_found = SITE["not_found_page"].encode("utf-8")
    server.counters, server.lock = {}, threading.Lock()
    server.seeds = (DEV_SITE / "seeds.txt").read_text()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    seeds = [line.strip() for line in server.seeds.splitlines() if line.strip()]
    try:
        yield DevSite(f"http://127.0.0.1:{server.server_address[1]}", seeds, log)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dev_site() -> Iterator[DevSite]:
    with serve_dev_site() as site:
        yield site


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return GOLD


@pytest.fixture(scope="session")
def prefect_server():
    """A throw-away Prefect API for flow tests only (it takes ~13 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def prefect_api_url(prefect_server) -> str:
    """The session's Prefect API, for CLI subprocesses (as PREFECT_API_URL): none of them starts a server."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def migrated_prefect_database(prefect_server, tmp_path_factory):
    """A copy of the session server's database: a PREFECT_HOME with it starts a temporary server
    without the first run's migrations (seconds instead of tens of seconds)."""
    import sqlite3

    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

    source = PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split(":///", 1)[1]
    copy = tmp_path_factory.mktemp("prefect-db") / "prefect.db"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    return copy


@pytest.fixture(scope="session")
def crawled_corpus(prefect_server, tmp_path_factory):
    """``cuishou build --seeds`` over the dev site, through its proxy: (out dir, server log)."""
    from cuishou.flows.cli import main

    out = tmp_path_factory.mktemp("corpus")
    with serve_dev_site() as site:
        code = main(["build", "--seeds", str(DEV_SEEDS), "--proxy", site.proxy, "--delay", "0", "--out", str(out)])
        assert code == 0
        yield out, site.requests

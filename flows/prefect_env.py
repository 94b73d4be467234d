"""Prefect settings that must be in place before ``import prefect``.

A scheduled host or CI runner has no Prefect profile: keep Prefect's state in a cache folder
(not ~/.prefect), one per Prefect version (a newer Prefect migrates its database in place, and an
older one cannot read it afterwards), give a temporary server time for its first database
migration, keep telemetry off on machines without internet, and never send cuishou's calls to a
local Prefect API through the proxy that the crawl may use.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_PROXY_VARIABLES = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cuishou"


def default_prefect_home() -> Path:
    """Prefect's state for this Prefect version: another install (older or newer) has its own."""
    return cache_dir() / "prefect" / version("prefect")


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or default_prefect_home()).expanduser()


def bypass_proxy_for_loopback() -> None:
    """Add the loopback names to NO_PROXY/no_proxy when a proxy variable is set.

    httpx (Prefect's client and the crawler) and websockets (Prefect's events) all read these, so
    a local Prefect API is reached directly while the crawl's own targets still go through the proxy.
    """
    if not any(os.environ.get(name) for name in _PROXY_VARIABLES):
        return
    entries = []
    for name in ("NO_PROXY", "no_proxy"):
        entries += [e.strip() for e in os.environ.get(name, "").split(",") if e.strip()]
    merged = ",".join(dict.fromkeys([*entries, *LOOPBACK_HOSTS]))
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = merged


def configure_prefect(verbose: bool = False) -> None:
    """Set defaults only: anything the operator exported wins.

    Without ``verbose`` Prefect logs nothing: the CLI prints its own one-line errors and report.
    """
    defaults = {
        "PREFECT_HOME": str(default_prefect_home()),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "INFO" if verbose else "CRITICAL",
        "PREFECT_LOGGING_LOG_PRINTS": "false",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    bypass_proxy_for_loopback()
    prefect_home().mkdir(parents=True, exist_ok=True)  # Prefect makes one level only

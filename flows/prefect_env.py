"""Prefect settings that must be in place before ``import prefect``.

A scheduled host or CI runner has no Prefect profile: keep Prefect's state in a cache folder
(not ~/.prefect), give the ephemeral server time for its first database migration (17 s measured
cold, the default timeout is 20 s), and keep telemetry off on machines without internet.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cuishou"


def configure_prefect(verbose: bool = False) -> None:
    """Set defaults only: anything the operator exported wins."""
    defaults = {
        "PREFECT_HOME": str(cache_dir() / "prefect"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "INFO" if verbose else "WARNING",
        "PREFECT_LOGGING_LOG_PRINTS": "false",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)  # Prefect makes one level only

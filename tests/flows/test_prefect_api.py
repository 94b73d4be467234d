"""The Prefect API a run uses: proxies bypassed for it, state per Prefect version, no server left behind."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest
from cli_process import alive

from cuishou.flows.prefect_api import (
    APP,
    RECORDS,
    PrefectUnavailable,
    check_configured_api,
    start_failure,
    stop_stale_servers,
)
from cuishou.flows.prefect_env import bypass_proxy_for_loopback, default_prefect_home


def test_loopback_joins_no_proxy_when_a_proxy_is_set(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", "intranet.corp")
    monkeypatch.delenv("no_proxy", raising=False)
    bypass_proxy_for_loopback()
    import os

    assert os.environ["NO_PROXY"] == os.environ["no_proxy"] == "intranet.corp,127.0.0.1,localhost,::1"
    bypass_proxy_for_loopback()  # idempotent
    assert os.environ["NO_PROXY"] == "intranet.corp,127.0.0.1,localhost,::1"


def test_without_a_proxy_no_proxy_is_left_alone(monkeypatch):
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY",
                 "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    bypass_proxy_for_loopback()
    import os

    assert "NO_PROXY" not in os.environ and "no_proxy" not in os.environ


def test_each_prefect_version_has_its_own_state_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_prefect_home() == tmp_path / "cuishou" / "prefect" / version("prefect")


def test_an_unreachable_prefect_api_url_is_one_line_naming_it():
    with pytest.raises(PrefectUnavailable, match=r"^PREFECT_API_URL=http://127.0.0.1:9/api: no Prefect API"):
        check_configured_api("http://127.0.0.1:9/api")


def test_a_database_from_another_prefect_names_prefect_home(tmp_path):
    log = "alembic.util.exc.CommandError: Can't locate revision identified by 'ffffffffffff'\n"
    message = start_failure("exited with status 3", log, tmp_path, tmp_path / "x.log")
    assert message.startswith(f"the Prefect database in PREFECT_HOME={tmp_path} was migrated by another")
    other = start_failure("did not answer within 120 s", "Address already in use", tmp_path, tmp_path / "x.log")
    assert "did not answer within 120 s" in other and str(tmp_path / "x.log") in other


def _fake_server(port: int) -> subprocess.Popen:
    """A process whose command line is a temporary server's (it only sleeps); returned once it has
    started (until the exec, /proc shows the parent's command line: CI once read it then)."""
    process = subprocess.Popen([sys.executable, "-c", "print(flush=True); import time; time.sleep(60)", APP,
                                "--port", str(port)], stdout=subprocess.PIPE)
    process.stdout.readline()
    return process


def _record(home: Path, pid: int, owner: int, port: int) -> Path:
    (home / RECORDS).mkdir(parents=True, exist_ok=True)
    path = home / RECORDS / f"{owner}-{port}.json"
    path.write_text(json.dumps({"pid": pid, "owner": owner, "port": port}))
    return path


def test_the_next_run_stops_a_server_whose_owner_is_gone(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan, in_use, unrelated = _fake_server(8101), _fake_server(8102), _fake_server(8103)
    try:
        orphan_record = _record(tmp_path, orphan.pid, dead.pid, 8101)
        in_use_record = _record(tmp_path, in_use.pid, orphan.pid, 8102)  # its owner still runs
        reused_record = _record(tmp_path, unrelated.pid, dead.pid, 9999)  # the PID now runs something else
        assert stop_stale_servers(tmp_path) == [orphan.pid]
        assert orphan.wait(timeout=5) is not None and in_use.poll() is None and unrelated.poll() is None
        assert not orphan_record.exists() and in_use_record.exists() and not reused_record.exists()
    finally:
        for process in (orphan, in_use, unrelated):
            process.kill()
            process.wait()
            process.stdout.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_a_server_dies_with_its_parent_even_after_kill_9():
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import os, subprocess, sys, time\n"
         "from cuishou.flows.prefect_api import _die_with_parent\n"
         "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], "
         "start_new_session=True, preexec_fn=_die_with_parent(os.getpid()))\n"
         "print(child.pid, flush=True)\n"
         "time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True,
    )
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


_WHILE_BOOTING = """
import json, os
from cuishou.flows.prefect_api import api_is_healthy, prefect_api
seen = {}

def meanwhile():
    seen["url"] = os.environ.get("PREFECT_API_URL")
    seen["healthy"] = api_is_healthy(seen["url"], timeout=0.2)

with prefect_api(meanwhile=meanwhile) as url:
    seen["yielded"], seen["healthy_after"] = url, api_is_healthy(url)
seen["after_block"] = os.environ.get("PREFECT_API_URL")
print(json.dumps(seen))
"""


def test_the_run_is_prepared_while_a_temporary_server_boots(migrated_prefect_database, tmp_path, monkeypatch):
    """Prefect's import and the workers' start overlap the server's own start: ``meanwhile`` runs
    with the server's URL already exported, before it answers; the block gets the same URL."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(migrated_prefect_database, home / "prefect.db")
    monkeypatch.setenv("PREFECT_HOME", str(home))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    done = subprocess.run([sys.executable, "-c", _WHILE_BOOTING], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["url"] == seen["yielded"] and seen["url"].startswith("http://127.0.0.1:")
    assert not seen["healthy"] and seen["healthy_after"]
    assert seen["after_block"] is None

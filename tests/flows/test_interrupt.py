"""Ctrl-C, for real: the CLI in a subprocess, signalled as a terminal signals it, at each stage of a build.

One build of the dev site is interrupted in the crawl (with a temporary Prefect server of its own),
killed with SIGKILL further on in the crawl, then interrupted in the processing and in the writing;
each Ctrl-C must exit 130 within 10 s with one line, and leave no Prefect server behind. The same
command then finishes it: no URL finished before an interruption is fetched again, and the corpus
is the one an uninterrupted build writes. The whole build runs with HTTP_PROXY set (and no
--proxy): the crawl goes through the proxy, the calls to the local Prefect API do not.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pyarrow.dataset as ds
import pytest
from cli_process import CliRun, alive, cli_env
from conftest import DEV_SEEDS, serve_dev_site

from cuishou.flows.cli import main
from cuishou.flows.interrupt import EXIT_INTERRUPTED, MESSAGE, STOP, Interrupted, check, stop_on_signals

pytestmark = pytest.mark.flow


def _journaled(out) -> set[str]:
    try:
        with sqlite3.connect(out / "state" / "crawl.sqlite") as db:
            return {row[0] for row in db.execute("select url from journal")}
    except sqlite3.OperationalError:  # not created yet
        return set()


def _rows(out, table, columns):
    data = ds.dataset(out / table, partitioning="hive").to_table(columns=list(columns))
    return sorted(tuple(r[c] for c in columns) for r in data.to_pylist())


def _pages_of_run(out, run_id):
    table = ds.dataset(out / "pages", partitioning="hive").to_table(filter=ds.field("run_id") == run_id)
    return sorted(zip(table.column("url").to_pylist(), table.column("outcome").to_pylist()))


def _assert_stopped(run: CliRun, sent: float) -> None:
    assert run.finish() == EXIT_INTERRUPTED, run.lines
    assert time.monotonic() - sent < 10, run.lines
    assert run.lines[-1] == MESSAGE and not any("Traceback" in line for line in run.lines), run.lines


def test_ctrl_c_at_each_stage_stops_within_seconds_and_the_same_command_resumes(
    crawled_corpus, prefect_api_url, migrated_prefect_database, tmp_path, monkeypatch
):
    reference, _ = crawled_corpus
    out, home = tmp_path / "corpus", tmp_path / "prefect-home"
    home.mkdir()
    shutil.copy(migrated_prefect_database, home / "prefect.db")
    argv = ["build", "--seeds", str(DEV_SEEDS), "--out", str(out)]  # the same command: options may differ
    with serve_dev_site() as site:
        proxy = {"HTTP_PROXY": site.proxy, "http_proxy": site.proxy}

        # in the crawl, with a temporary Prefect server: Ctrl-C reaches the CLI's whole process group
        crawl = CliRun([*argv, "--delay", "0.2"], cli_env(**proxy, PREFECT_HOME=str(home), PREFECT_API_URL=None))
        crawl.wait_for("crawling")
        [record] = (home / "cuishou-servers").glob("*.json")
        server = json.loads(record.read_text())["pid"]
        while len(_journaled(out)) < 10 and crawl.process.poll() is None:
            time.sleep(0.05)
        _assert_stopped(crawl, crawl.ctrl_c())
        assert not alive(server) and not list((home / "cuishou-servers").iterdir())
        assert site.requests, "the crawl did not go through HTTP_PROXY"

        # the session's Prefect API from here on; kill -9 in the crawl (the journal survives it too)
        env = cli_env(**proxy, PREFECT_API_URL=prefect_api_url)
        killed = CliRun([*argv, "--delay", "0.1"], env)
        before = len(_journaled(out))
        while len(_journaled(out)) < before + 10 and killed.process.poll() is None:
            time.sleep(0.05)
        killed.process.kill()
        killed.finish()
        journaled, asked_before = _journaled(out), len(site.requests)
        assert len(journaled) >= before + 10

        # in the processing (many small batches: most still queued), then in the writing
        for stage, batch, not_reached in (("processing", "2", "writing"), ("writing", "500", None)):
            run = CliRun([*argv, "--delay", "0", "--batch-size", batch], env)
            run.wait_for(stage)
            _assert_stopped(run, run.ctrl_c(freeze=True))
            assert not_reached is None or not any(not_reached in line for line in run.lines)

        for name, value in proxy.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("NO_PROXY", "")  # restored after the test: the CLI adds the loopback names
        monkeypatch.setenv("no_proxy", "")
        assert main([*argv, "--delay", "0"]) == 0
        asked_after = {f"http://{host}{path}" for host, path in site.requests[asked_before:]}

    assert not journaled & asked_after, "a URL finished before Ctrl-C or kill -9 was fetched again"
    columns = ("doc_id", "dup_cluster", "is_canonical", "text")
    assert _rows(out, "documents", columns) == _rows(reference, "documents", columns)
    [report] = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "runs").glob("*.json")]
    assert report["resumed"]
    first_run = min(p.stem for p in (reference / "runs").glob("*.json"))
    assert _pages_of_run(out, report["run_id"]) == _pages_of_run(reference, first_run)


def test_the_first_signal_raises_in_the_main_thread_and_sets_stop():
    with stop_on_signals():
        with pytest.raises(Interrupted):
            signal.raise_signal(signal.SIGTERM)
            time.sleep(5)  # not reached
        assert STOP.is_set()
        with pytest.raises(Interrupted):
            check()
    assert not STOP.is_set()  # what runs after the build must not inherit the stop
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_worker_threads_stop_between_units_of_work():
    finished = []

    def work():
        try:
            for unit in range(1000):
                check()
                time.sleep(0.001)
                finished.append(unit)
        except Interrupted:
            pass

    with stop_on_signals():
        thread = threading.Thread(target=work)
        thread.start()
        time.sleep(0.05)
        STOP.set()
        thread.join(timeout=2)
    assert not thread.is_alive() and 0 < len(finished) < 1000


def test_a_second_signal_exits_at_once_after_the_last_resort_cleanups(tmp_path):
    """While the first Ctrl-C is being handled (here: a cleanup that hangs), a second one forces the exit."""
    script = f"""
import time
from cuishou.flows.interrupt import on_forced_exit, stop_on_signals
on_forced_exit(lambda: open({str(tmp_path / 'cleaned')!r}, 'w').close())
with stop_on_signals():
    try:
        print('ready', flush=True)
        time.sleep(30)
    except KeyboardInterrupt:
        print('stopping', flush=True)
        time.sleep(30)  # a wind-down that never ends
"""
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline() == "ready\n"
    process.send_signal(signal.SIGINT)
    assert process.stdout.readline() == "stopping\n"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == EXIT_INTERRUPTED
    assert MESSAGE in process.stderr.read() and (tmp_path / "cleaned").exists()

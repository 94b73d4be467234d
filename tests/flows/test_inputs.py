"""Refused inputs: one line naming the option, before Prefect starts, and nothing written to --out."""

from __future__ import annotations

import gzip
import time

import pytest
from cli_process import CliRun, cli_env
from dev_site import DEV_SITE

from cuishou.flows import inputs
from cuishou.flows.cli import SAMPLE_DIR

SAMPLE_WARC = SAMPLE_DIR / "dev-site-sample.warc.gz"


def test_a_warc_is_recognised_by_its_first_bytes_gzipped_or_not(tmp_path):
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(SAMPLE_WARC.read_bytes()))
    assert inputs.warc_file(SAMPLE_WARC) == SAMPLE_WARC and inputs.warc_file(plain) == plain
    other = tmp_path / "notes.txt.gz"
    other.write_bytes(gzip.compress(b"# notes\n"))
    with pytest.raises(inputs.InputError, match="is gzip but not a gzipped WARC"):
        inputs.warc_file(other)
    with pytest.raises(inputs.InputError, match="--warc .*README.md: is not a WARC file"):
        inputs.warc_file(DEV_SITE.parents[2] / "README.md")


def test_an_existing_folder_is_a_corpus_or_has_none_of_the_build_s_names(tmp_path):
    assert inputs.corpus_folder(tmp_path / "new") == tmp_path / "new"
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "seeds.txt").write_text("http://a.test/\n")
    assert inputs.corpus_folder(tmp_path / "mine")  # a folder with other files is fine
    (tmp_path / "mine" / "README.md").write_text("my notes")
    with pytest.raises(inputs.InputError, match="has README.md, which a build would overwrite"):
        inputs.corpus_folder(tmp_path / "mine")
    (tmp_path / "mine" / "state").mkdir()
    (tmp_path / "mine" / "state" / "crawl.sqlite").write_bytes(b"")
    assert inputs.corpus_folder(tmp_path / "mine")  # an earlier corpus: its card is ours to rewrite


def test_addresses_are_checked_before_use():
    assert inputs.proxy_url("http://127.0.0.1:8765") and inputs.proxy_url(None) is None
    for bad in ("127.0.0.1:8765", "ftp://proxy", "http://proxy:port"):
        with pytest.raises(inputs.InputError, match="--proxy"):
            inputs.proxy_url(bad)
    with pytest.raises(inputs.InputError, match="is not a scheduler address"):
        inputs.dask_address("scheduler")
    assert inputs.dask_address("inproc://192.0.2.2/1/1")  # an in-process cluster: nothing to connect to
    with pytest.raises(inputs.InputError, match="no Dask scheduler answers there"):
        inputs.dask_address("tcp://127.0.0.1:9")
    with pytest.raises(inputs.InputError, match="control characters"):
        inputs.header_value("cuishou\r\nX-Evil: 1", "--user-agent")


def test_a_bad_cron_or_time_zone_names_its_option():
    assert inputs.cron_schedule("0 3 * * *", "Asia/Shanghai").cron == "0 3 * * *"
    with pytest.raises(inputs.InputError, match="^--cron '61 3 \\* \\* \\*': .*; give five fields"):
        inputs.cron_schedule("61 3 * * *", "UTC")
    with pytest.raises(inputs.InputError, match="^--timezone 'Mars/Olympus'"):
        inputs.cron_schedule("0 3 * * *", "Mars/Olympus")


def _bad_inputs(tmp_path):
    """(argv, extra environment, what the one line must name) for every kind of refused input."""
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "seeds.txt").write_text("not a url\n")
    (tmp_path / "page-dir").mkdir()
    out = str(tmp_path / "out")
    build = ["build", "--out", out]
    closed_port = "http://127.0.0.1:9/api"
    return [
        (["build", "--out", str(tmp_path / "a-file")], {}, "--out"),
        ([*build, "--warc", str(DEV_SITE.parents[2] / "README.md")], {}, "is not a WARC file"),
        ([*build, "--warc", str(tmp_path / "missing.warc.gz")], {}, "--warc"),
        ([*build, "--seeds", "/nonexistent"], {}, "--seeds /nonexistent: no such file"),
        ([*build, "--seeds", str(tmp_path / "seeds.txt")], {}, "seed line 1"),
        ([*build, "--proxy", "127.0.0.1:8765"], {}, "--proxy"),
        (build, {"PREFECT_API_URL": closed_port}, f"PREFECT_API_URL={closed_port}"),
        (["serve", "--cron", "0 3 * *", "--seeds", str(DEV_SITE / "seeds.txt"), "--out", out], {}, "--cron"),
        (["extract", str(tmp_path / "page-dir")], {}, "is a folder, not a file"),
    ]


def test_every_refused_input_is_one_line_and_writes_nothing(tmp_path):
    """The real CLI in subprocesses (run side by side: each refuses before Prefect would start)."""
    started = time.monotonic()
    runs = [(CliRun(argv, cli_env(**env)), needle) for argv, env, needle in _bad_inputs(tmp_path)]
    for run, needle in runs:
        assert run.finish(timeout=120) == 1, run.lines
        assert len(run.lines) == 1 and run.lines[0].startswith("error: ") and needle in run.lines[0], run.lines
    assert not (tmp_path / "out").exists()
    assert time.monotonic() - started < 60

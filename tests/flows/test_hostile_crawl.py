"""The hostile site (tests/hostile_site.py, scaled down) crawled by the real CLI, directly and through --proxy.

Both runs go at once against the session's Prefect API, with second-long timeouts (``--timeout 1``:
a whole response may take 3 s). The full-size site is benchmarks/hostile_crawl.py's.
"""

from __future__ import annotations

import contextlib
import html
import io
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from hostile_site import HTML_PAYLOADS, PAYLOAD_IMG, PAYLOAD_MARKUP, SMALL, Served, serve_hostile_site

from cuishou.flows.cli import main

pytestmark = pytest.mark.flow


@dataclass
class HostileRun:
    served: Served
    out: Path
    exit_code: int
    stdout: str

    def pages(self) -> list[dict]:
        return ds.dataset(self.out / "pages", partitioning="hive").to_table().to_pylist()

    def document_urls(self) -> list[str]:
        return ds.dataset(self.out / "documents", partitioning="hive").to_table(columns=["url"]).column("url").to_pylist()


def _argv(served: Served, folder: Path) -> list[str]:
    (folder / "seeds.txt").write_text("\n".join(served.site.seeds()) + "\n")
    return ["build", "--seeds", str(folder / "seeds.txt"), "--delay", "0", "--timeout", "1",
            "--out", str(folder / "corpus"), *(["--proxy", served.proxy] if served.proxy else [])]


@pytest.fixture(scope="module")
def runs(prefect_server, tmp_path_factory) -> dict[str, HostileRun]:
    """The direct crawl as a ``cuishou build`` subprocess; meanwhile the proxied one through ``main`` in this
    process (the same code, without a second start-up of Python and Prefect)."""
    from prefect.settings import PREFECT_API_URL

    env = os.environ | {"PREFECT_API_URL": PREFECT_API_URL.value(), "COLUMNS": "200"}
    direct_dir, proxy_dir = tmp_path_factory.mktemp("hostile-direct"), tmp_path_factory.mktemp("hostile-proxy")
    with serve_hostile_site(SMALL, proxied=False) as direct, serve_hostile_site(SMALL, proxied=True) as proxied, \
            pytest.MonkeyPatch.context() as patch:
        process = subprocess.Popen([sys.executable, "-m", "cuishou.flows.cli", *_argv(direct, direct_dir)], env=env,
                                   text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        patch.setenv("COLUMNS", "200")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = main(_argv(proxied, proxy_dir))
        stdout, _ = process.communicate(timeout=240)
    return {"direct": HostileRun(direct, direct_dir / "corpus", process.returncode, stdout),
            "proxy": HostileRun(proxied, proxy_dir / "corpus", code, printed.getvalue())}


MODES = ["direct", "proxy"]


@pytest.mark.parametrize("mode", MODES)
def test_the_run_ends_with_its_summary(runs, mode):
    run = runs[mode]
    assert run.exit_code == 0, run.stdout
    assert "finished in" in run.stdout and "not documents, by outcome and reason" in run.stdout


@pytest.mark.parametrize("mode", MODES)
def test_every_url_is_in_pages_exactly_once_with_its_outcome(runs, mode):
    run = runs[mode]
    pages = run.pages()
    assert [url for url, n in Counter(p["url"] for p in pages).items() if n > 1] == []
    expected = run.served.site.expected()
    assert {p["url"] for p in pages} == set(expected)
    wrong = {p["url"]: (p["outcome"], p["reason"]) for p in pages
             if (p["outcome"], True) != (expected[p["url"]][0], expected[p["url"]][1] in (p["reason"] or ""))}
    assert wrong == {}


@pytest.mark.parametrize("mode", MODES)
def test_every_article_is_a_document_the_deep_and_mislabelled_ones_too(runs, mode):
    run = runs[mode]
    urls = run.document_urls()
    assert sorted(urls) == sorted(run.served.site.documents())


@pytest.mark.parametrize("mode", MODES)
def test_no_request_went_to_a_forbidden_target(runs, mode):
    assert runs[mode].served.forbidden_requests() == []


@pytest.mark.parametrize("mode", MODES)
def test_no_payload_reaches_the_outputs_unescaped(runs, mode):
    run = runs[mode]
    report = (run.out / "report.html").read_text(encoding="utf-8")
    card = (run.out / "README.md").read_text(encoding="utf-8")
    for payload in HTML_PAYLOADS:
        assert payload not in report and payload not in card, payload
    assert html.escape(PAYLOAD_IMG) in report  # shown, as text
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout  # no control sequence reaches the terminal
    assert f"error page: title '404 {PAYLOAD_MARKUP}" in run.stdout and "non_html: application/x-[/]" in run.stdout

"""The whole flow, for real: crawl the dev site over HTTP, write Parquet, read it back."""

from __future__ import annotations

import duckdb
import pyarrow.dataset as ds
import pytest
from conftest import serve_dev_site
from dev_site import DEV_SITE

from cuishou.flows.cli import SAMPLE_DIR, main
from cuishou.transform.schema import DOCUMENT_SCHEMA, PAGE_SCHEMA

pytestmark = pytest.mark.flow

LABELS = {
    "products": {"微粒贷", "借呗", "花呗", "信用卡", "网贷"},
    "channels": {"上门", "电话", "短信"},
    "topics": {"法律权益", "协商还款", "投诉举报", "征信影响", "催收合规", "核实身份", "保留证据", "报警"},
}


def documents(out):
    return ds.dataset(out / "documents", partitioning="hive").to_table()


def pages(out):
    return ds.dataset(out / "pages", partitioning="hive").to_table()


def test_every_article_becomes_one_document_and_nothing_else_does(crawled_corpus, gold):
    out, _ = crawled_corpus
    urls = documents(out).column("url").to_pylist()
    articles = {g["url"] for g in gold if g["kind"] == "article"}
    redirected = {g["url"]: g["redirect_to"] for g in gold if g["kind"] == "redirect"}
    assert len(urls) == len(set(urls)) == 34
    assert set(urls) == articles
    assert not set(urls) & set(redirected)


def test_documents_follow_the_schema_and_contract(crawled_corpus, gold):
    out, _ = crawled_corpus
    table = documents(out)
    for field in DOCUMENT_SCHEMA:
        assert table.schema.field(field.name).type == field.type, field.name
    rows = table.to_pylist()
    by_url = {g["url"]: g for g in gold}
    assert len({r["doc_id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["title"] not in row["text"].split("\n"), "title line left in text"
        assert row["host"] == row["url"].split("/")[2]
        published = row["published"].isoformat() if row["published"] else None
        assert published == by_url[row["url"]]["published"]
        for facet, labels in LABELS.items():
            assert set(row[facet]) <= labels
        assert row["text_chars"] == len(row["text"]) > 50
        assert row["warc_record_id"].startswith("<urn:uuid:")
        expected = by_url[row["url"]]
        assert row["encoding"] == ("gb18030" if expected["encoding"] == "gbk" else "utf-8")


def test_each_duplicate_cluster_has_exactly_one_canonical(crawled_corpus, gold):
    out, _ = crawled_corpus
    con = duckdb.connect()
    path = str(out / "documents" / "**" / "*.parquet")
    bad = con.execute(
        f"select dup_cluster, sum(is_canonical::int) c from read_parquet('{path}', hive_partitioning=true) "
        "group by dup_cluster having c <> 1"
    ).fetchall()
    assert bad == []
    rows = con.execute(f"select url, dup_cluster from read_parquet('{path}', hive_partitioning=true)").fetchall()
    assert _partition(rows) == _partition([(g["url"], g["dup_cluster"]) for g in gold if g["kind"] == "article"])


def _partition(labelled: list[tuple[str, str]]) -> set[frozenset[str]]:
    """The clusters as sets of URLs, whatever their labels."""
    groups: dict[str, set[str]] = {}
    for url, label in labelled:
        groups.setdefault(label, set()).add(url)
    return {frozenset(members) for members in groups.values()}


def test_every_url_is_accounted_for_and_disallowed_never_requested(crawled_corpus, gold):
    out, requests = crawled_corpus
    table = pages(out)
    for field in PAGE_SCHEMA:
        assert table.schema.field(field.name).type == field.type, field.name
    outcome = dict(zip(table.column("url").to_pylist(), table.column("outcome").to_pylist()))
    assert len(outcome) == table.num_rows, "a URL appears twice in pages/"
    expected = {"article": "document", "index": "not_article", "disallowed": "robots_disallowed",
                "not_found": "http_error", "redirect": "redirect", "binary": "non_html"}
    for page in gold:
        assert outcome.get(page["url"]) == expected[page["kind"]], page["url"]
    requested = {f"http://{host}{path}" for host, path in requests}
    assert not {g["url"] for g in gold if g["kind"] == "disallowed"} & requested
    assert "fetched" not in outcome.values()


def test_run_report_is_written(crawled_corpus):
    out, _ = crawled_corpus
    [report] = (out / "runs").glob("*.json")
    text = report.read_text(encoding="utf-8")
    assert '"documents": 34' in text and "robots_disallowed" in text


def test_bundled_sample_builds_the_same_documents(crawled_corpus, tmp_path):
    """``cuishou build`` with no input reads data/sample/: the README's first command."""
    crawled_out, _ = crawled_corpus
    assert sorted(SAMPLE_DIR.glob("*.warc.gz"))
    assert main(["build", "--out", str(tmp_path)]) == 0
    sample = documents(tmp_path).sort_by("doc_id")
    crawled = documents(crawled_out).sort_by("doc_id")
    assert sample.column("doc_id").to_pylist() == crawled.column("doc_id").to_pylist()
    assert sample.column("dup_cluster").to_pylist() == crawled.column("dup_cluster").to_pylist()


def test_a_cut_warc_is_reported_and_fails_the_build_unless_allowed(prefect_server, tmp_path, capsys):
    """What is whole is built; the cut is a pages row and a warning; exit 4 unless --allow-truncated."""
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes((SAMPLE_DIR / "dev-site-sample.warc.gz").read_bytes()[:60_000])
    out = tmp_path / "corpus"
    assert main(["build", "--warc", str(cut), "--out", str(out)]) == 4
    warning = capsys.readouterr().err.strip().splitlines()[-1]
    assert warning.startswith("warning: 1 input WARC file(s) are cut off or corrupt") and "--allow-truncated" in warning
    [row] = pages(out).filter(ds.field("outcome") == "archive_error").to_pylist()
    assert row["warc_file"] == "cut.warc.gz" and "WARC cut off" in row["reason"]
    assert 0 < documents(out).num_rows < 34
    assert main(["build", "--warc", str(cut), "--out", str(out), "--allow-truncated"]) == 0
    assert "--allow-truncated" not in capsys.readouterr().err


def _rows(out, table, columns):
    return sorted(tuple(r[c] for c in columns) for r in ds.dataset(out / table, partitioning="hive")
                  .to_table(columns=list(columns)).to_pylist())


def test_a_second_crawl_writes_nothing_twice(crawled_corpus, tmp_path):
    """A scheduled re-run: unchanged pages are recognised, no document row is written again."""
    out, _ = crawled_corpus
    before = _rows(out, "documents", ("doc_id", "dup_cluster", "is_canonical"))
    seeds = DEV_SITE / "seeds.txt"
    with serve_dev_site() as site:
        assert main(["build", "--seeds", str(seeds), "--proxy", site.proxy, "--delay", "0", "--out", str(out)]) == 0
    assert _rows(out, "documents", ("doc_id", "dup_cluster", "is_canonical")) == before
    import json

    latest = json.loads(max((out / "runs").glob("*.json")).read_text(encoding="utf-8"))
    assert latest["documents"] == 0 and "document" not in latest["outcomes"]
    assert latest["outcomes"]["unchanged"] == 34 + 11 + 2  # articles, index pages, sitemaps
    assert latest["corpus_documents"] == latest["current_documents"] == 34
    assert latest["changes"] == {"new": 0, "changed": 0, "gone": 0, "back": 0}
    urls = ds.dataset(out / "urls").to_table().to_pylist()
    assert len(urls) == 34 and all(u["last_seen"] > u["first_seen"] and u["last_status"] == 200 for u in urls)


def test_serve_registers_the_schedule_and_runs_the_deployment(prefect_server, tmp_path):
    """``cuishou serve`` against a Prefect API: the cron is registered, and a run of it builds the corpus."""
    import os
    import subprocess
    import sys
    import time

    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    seeds = tmp_path / "seeds.txt"
    seeds.write_text((DEV_SITE / "seeds.txt").read_text())
    out = tmp_path / "corpus"
    env = os.environ | {"PREFECT_API_URL": PREFECT_API_URL.value()}
    with serve_dev_site() as site:
        argv = ["serve", "--cron", "0 3 * * *", "--timezone", "Asia/Shanghai", "--seeds", str(seeds),
                "--out", str(out), "--proxy", site.proxy, "--delay", "0", "--name", "nightly-test"]
        server = subprocess.Popen([sys.executable, "-m", "cuishou.flows.cli", *argv], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deployment = None
            with get_client(sync_client=True) as client:
                for _ in range(120):
                    try:
                        deployment = client.read_deployment_by_name("build-corpus/nightly-test")
                        break
                    except Exception:  # not registered yet
                        time.sleep(0.5)
            assert deployment is not None, "serve never registered its deployment"
            [schedule] = deployment.schedules
            assert (schedule.schedule.cron, schedule.schedule.timezone) == ("0 3 * * *", "Asia/Shanghai")
            flow_run = run_deployment("build-corpus/nightly-test", timeout=240)
            assert flow_run.state.is_completed(), flow_run.state
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert len(ds.dataset(out / "documents", partitioning="hive").to_table(columns=["doc_id"])) == 34


def test_flow_on_a_dask_cluster_gives_the_same_corpus(crawled_corpus, tmp_path):
    """--dask-address: the processing batches run as Dask tasks; the corpus is the same."""
    from distributed import LocalCluster

    reference, _ = crawled_corpus
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        code = main(["build", "--out", str(tmp_path), "--dask-address", cluster.scheduler_address,
                     "--batch-size", "10"])
    assert code == 0
    columns = ("doc_id", "dup_cluster", "is_canonical", "is_current", "superseded_by")
    assert _rows(tmp_path, "documents", columns) == _rows(reference, "documents", columns)
    url_columns = ("url", "current_doc_id", "versions", "last_change")
    assert _rows(tmp_path, "urls", url_columns) == _rows(reference, "urls", url_columns)

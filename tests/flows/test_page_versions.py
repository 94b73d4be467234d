"""Scheduled runs over a site that changes between them, with the real CLI: urls/, is_current,
superseded_by and the canonical choice after every run, the README's current-corpus query, a run
killed just before it commits and resumed, and archives read in either order.

The site (news.test, served through a proxy on 127.0.0.1), run by run:

1. five articles: ``a`` and its shorter copy ``a-copy`` (one near-duplicate cluster), ``edit``,
   ``same`` and ``dropped``;
2. ``a`` answers 404 (still linked), ``edit`` loses a paragraph, ``dropped`` is no longer linked
   (nor in the sitemap), ``same`` and ``a-copy`` are unchanged;
3. ``a`` is restored; ``dropped``, missed by a second clean run, is gone (``--gone-after`` 2).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from cli_process import CliRun, cli_env
from dev_site import ARTICLES, dev_bytes
from http_server import HTML, FaultServer, page

from cuishou.flows.cli import main
from cuishou.flows.report import current_pages_query
from cuishou.transform.schema import DOCUMENT_SCHEMA

pytestmark = pytest.mark.flow

HOST = "news.test"
SOURCES = {  # path on news.test -> the dev-site article it serves
    "a": "http://site-a.test/yuqi/laws-145742.html",
    "a-copy": "http://site-c.test/wenda/157102.html",
    "edit": "http://site-a.test/yuqi/laws-548805.html",
    "same": "http://site-a.test/yuqi/laws-786356.html",
    "dropped": "http://site-b.test/article/202410/725044.html",
}
LINKED = {1: list(SOURCES), 2: ["a", "a-copy", "edit", "same"], 3: ["a", "a-copy", "edit", "same"]}
LIVE_AFTER = {1: set(SOURCES), 2: {"a-copy", "edit", "same", "dropped"}, 3: {"a", "a-copy", "edit", "same"}}
CHANGES = {1: {"new": 5, "changed": 0, "gone": 0, "back": 0}, 2: {"new": 0, "changed": 1, "gone": 1, "back": 0},
           3: {"new": 0, "changed": 0, "gone": 1, "back": 1}}


def url(path: str) -> str:
    return f"http://{HOST}/{path}"


def _article(path: str, edited: bool = False) -> bytes:
    body, _ = dev_bytes(SOURCES[path])
    if edited:  # the edit drops the article's fourth paragraph
        [article] = [a for a in ARTICLES if a["url"] == SOURCES[path]]
        paragraph = article["main_text"].split("\n")[3].encode()
        assert paragraph in body
        body = body.replace(paragraph, b"")
    return body


def site_routes(run: int) -> dict:
    """What news.test serves at run ``run``."""
    links = "".join(f'<li><a href="/{p}">{p} 逾期协商与催收的常见问题解答汇总</a></li>' for p in LINKED[run])
    index = f"<html><head><title>新闻</title></head><body><h1>文章列表</h1><ul>{links}</ul></body></html>"
    sitemap = "".join(f"<url><loc>{url(p)}</loc></url>" for p in LINKED[run])
    routes = {
        (HOST, "/robots.txt"): page(f"User-agent: *\nAllow: /\nSitemap: {url('sitemap.xml')}\n".encode(),
                                    "text/plain"),
        (HOST, "/sitemap.xml"): page(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{sitemap}'
                                     "</urlset>".encode(), "application/xml"),
        (HOST, "/"): page(index.encode(), HTML),
    }
    served = {p: _article(p, edited=p == "edit" and run >= 2) for p in SOURCES}
    if run == 2:
        del served["a"]  # answers 404, while the index still links it
    if run >= 2:
        del served["dropped"]
    return routes | {(HOST, f"/{p}"): page(body, HTML) for p, body in served.items()}


@dataclass
class Tables:
    """What a run left: urls/ rows by path, document rows by doc_id, and the run's id and report."""

    urls: dict[str, dict]
    documents: dict[str, dict]
    run_id: str
    report: dict


def tables(out: Path) -> Tables:
    import json

    urls = ds.dataset(out / "urls").to_table().to_pylist()
    documents = ds.dataset(out / "documents", partitioning="hive").to_table(
        columns=["doc_id", "url", "text", "is_current", "superseded_by", "is_canonical", "dup_cluster",
                 "schema_version"]).to_pylist()
    report = json.loads(max((out / "runs").glob("*.json")).read_text(encoding="utf-8"))
    return Tables({u["url"].rsplit("/", 1)[1]: u for u in urls}, {d["doc_id"]: d for d in documents},
                  report["run_id"], report)


@dataclass
class Scenario:
    out: Path
    after: dict[int, Tables]
    printed: dict[int, str]
    after_first_run: Path  # a copy of the corpus as run 1 left it
    routes: dict  # what the server serves now (mutable)
    proxy: str
    seeds: Path


def build(scenario_or_out, seeds: Path, proxy: str) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["build", "--seeds", str(seeds), "--proxy", proxy, "--delay", "0", "--out", str(scenario_or_out)])
    assert code == 0, printed.getvalue()
    return printed.getvalue()


@pytest.fixture(scope="module")
def scenario(prefect_server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("changing-site")
    seeds = folder / "seeds.txt"
    seeds.write_text(f"{url('')}\n")
    routes: dict = {}
    with FaultServer(routes) as server, pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "250")
        out, after, printed = folder / "corpus", {}, {}
        for run in (1, 2, 3):
            routes.clear()
            routes.update(site_routes(run))
            printed[run] = build(out, seeds, server.url)
            after[run] = tables(out)
            if run == 1:
                shutil.copytree(out, folder / "after-run-1")
        yield Scenario(out, after, printed, folder / "after-run-1", routes, server.url, seeds)


def doc_of(t: Tables, path: str, edited: bool = False) -> str:
    """The doc_id of a page's text (the edited ``edit`` has lost a paragraph)."""
    [article] = [a for a in ARTICLES if a["url"] == SOURCES[path]]
    removed = article["main_text"].split("\n")[3][:12] if path == "edit" else ""
    [doc_id] = [d for d, row in t.documents.items()
                if row["url"] == url(path) and (removed not in row["text"]) == edited]
    return doc_id


@pytest.mark.parametrize("run", [1, 2, 3])
def test_urls_are_right_after_every_run(scenario, run):
    t = scenario.after[run]
    runs = {n: scenario.after[n].run_id for n in (1, 2, 3)}
    assert set(t.urls) == set(SOURCES)
    assert {p for p, u in t.urls.items() if u["gone_since"] is None} == LIVE_AFTER[run]
    assert t.report["changes"] == CHANGES[run]
    assert {p: (u["last_change"], u["last_change_run"]) for p, u in t.urls.items()} == {
        1: {p: ("new", runs[1]) for p in SOURCES},
        2: {"a": ("gone", runs[2]), "a-copy": ("new", runs[1]), "edit": ("changed", runs[2]),
            "same": ("new", runs[1]), "dropped": ("new", runs[1])},
        3: {"a": ("back", runs[3]), "a-copy": ("new", runs[1]), "edit": ("changed", runs[2]),
            "same": ("new", runs[1]), "dropped": ("gone", runs[3])},
    }[run]
    assert {p: u["versions"] for p, u in t.urls.items()} == {p: 1 + (p == "edit" and run >= 2) for p in SOURCES}
    assert {p: u["unlinked_runs"] for p, u in t.urls.items()} == {p: (p == "dropped") * (run - 1) for p in SOURCES}
    for path, row in t.urls.items():
        assert row["current_doc_id"] == doc_of(t, path, edited=path == "edit" and run >= 2)
        assert row["first_seen"] == scenario.after[1].urls[path]["first_seen"] <= row["last_seen"]
        assert row["last_seen"] <= row["last_fetched"]
    if run >= 2:
        a, dropped = t.urls["a"], t.urls["dropped"]
        assert (a["last_status"], a["gone_since"] is None) == ((404, False) if run == 2 else (200, True))
        assert t.urls["same"]["last_seen"] > scenario.after[1].urls["same"]["last_seen"]  # seen again, unchanged
    if run == 3:  # gone since the first run that missed it
        assert scenario.after[2].urls["same"]["last_seen"] <= dropped["gone_since"] < t.urls["same"]["last_seen"]


@pytest.mark.parametrize("run", [1, 2, 3])
def test_is_current_and_superseded_by_are_right_after_every_run(scenario, run):
    t = scenario.after[run]
    edit1 = doc_of(t, "edit")
    current = {doc_of(t, p, edited=p == "edit" and run >= 2) for p in LIVE_AFTER[run]}
    assert {d for d, row in t.documents.items() if row["is_current"]} == current
    superseded = {d: row["superseded_by"] for d, row in t.documents.items() if row["superseded_by"]}
    assert superseded == ({} if run == 1 else {edit1: doc_of(t, "edit", edited=True)})


def test_the_canonical_of_a_cluster_is_current_when_any_member_is(scenario):
    canonical_a = {}
    for run, t in scenario.after.items():
        clusters: dict[str, list[dict]] = {}
        for row in t.documents.values():
            clusters.setdefault(row["dup_cluster"], []).append(row)
        for members in clusters.values():
            [canonical] = [m for m in members if m["is_canonical"]]
            assert canonical["is_current"] or not any(m["is_current"] for m in members), (run, members)
        canonical_a[run] = next(r["url"] for r in t.documents.values()
                                if r["dup_cluster"] == t.documents[doc_of(t, "a")]["dup_cluster"] and r["is_canonical"])
    # a is the longer text: canonical while it is live, its copy while it is gone
    assert canonical_a == {1: url("a"), 2: url("a-copy"), 3: url("a")}
    t = scenario.after[2]
    assert t.documents[doc_of(t, "edit")]["dup_cluster"] == t.documents[doc_of(t, "edit", edited=True)]["dup_cluster"]
    assert t.documents[doc_of(t, "edit", edited=True)]["is_canonical"], "the shorter, current version represents it"


def test_the_readme_current_corpus_query_returns_exactly_the_live_pages(scenario, monkeypatch):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    query = current_pages_query("corpus")
    assert query in readme
    monkeypatch.chdir(scenario.out.parent)
    rows = duckdb.sql(query).fetchall()
    columns = duckdb.sql(query).columns
    urls = sorted(row[columns.index("url")] for row in rows)
    assert urls == sorted(url(p) for p in LIVE_AFTER[3])
    t = scenario.after[3]
    assert {row[columns.index("doc_id")] for row in rows} == {t.urls[p]["current_doc_id"] for p in LIVE_AFTER[3]}


def test_every_sql_statement_of_the_readme_runs_on_the_corpus(scenario, monkeypatch):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    statements = [s for block in readme.split("```sql\n")[1:] for s in block.split("```")[0].split(";") if s.strip()]
    monkeypatch.chdir(scenario.out.parent)
    results = [duckdb.sql(statement).fetchall() for statement in statements]
    assert len(results) >= 4
    gone = next(r for s, r in zip(statements, results) if "gone_since is not null" in s)
    assert [row[0] for row in gone] == [url("dropped")]


def test_build_prints_the_query_of_its_corpus(scenario):
    printed = " ".join(scenario.printed[3].split())
    assert current_pages_query(scenario.out) in printed
    assert "changes since the last run 0 new, 0 changed, 1 gone, 1 back" in printed
    assert "current pages 4 (the corpus as it is online now)" in printed


def _comparable(t: Tables) -> tuple:
    """What must not depend on when a run ran, nor on being interrupted (times and run ids left out)."""
    urls = {p: (u["current_doc_id"], u["versions"], u["last_status"], u["gone_since"] is None, u["unlinked_runs"],
                u["last_change"], u["last_change_run"] == t.run_id) for p, u in t.urls.items()}
    members = {r["dup_cluster"]: frozenset(d for d, m in t.documents.items() if m["dup_cluster"] == r["dup_cluster"])
               for r in t.documents.values()}  # cluster ids depend on the order documents came in; clusters do not
    documents = {d: (r["is_current"], r["superseded_by"], r["is_canonical"], members[r["dup_cluster"]])
                 for d, r in t.documents.items()}
    return urls, documents, t.report["changes"]


def test_a_second_run_killed_before_its_commit_and_resumed_leaves_an_uninterrupted_runs_tables(
    scenario, prefect_api_url, tmp_path
):
    """Killed with everything written but the dedup index and the commit: a FIFO where the index's
    pointer is written holds the run there. The resumed run must start from run 1's URL states, not
    from what the killed run wrote."""
    out = tmp_path / "corpus"
    shutil.copytree(scenario.after_first_run, out)
    scenario.routes.clear()
    scenario.routes.update(site_routes(2))
    pointer = out / "state" / "dedup" / ".CURRENT.tmp"
    os.mkfifo(pointer)
    argv = ["build", "--seeds", str(scenario.seeds), "--proxy", scenario.proxy, "--delay", "0", "--out", str(out)]
    killed = CliRun(argv, cli_env(PREFECT_API_URL=prefect_api_url))
    deadline = time.monotonic() + 120
    while not list((out / "state" / "dedup").glob("gen-000002/index.json")):
        assert killed.process.poll() is None and time.monotonic() < deadline, killed.lines
        time.sleep(0.05)
    killed.process.kill()
    killed.finish()
    assert len(list((out / "state" / "urls").glob("*.parquet"))) == 2, "the killed run wrote its URL states"
    assert "changed" in ds.dataset(out / "urls").to_table().column("last_change").to_pylist()
    pointer.unlink()
    build(out, scenario.seeds, scenario.proxy)
    resumed = tables(out)
    assert resumed.report["resumed"]
    assert _comparable(resumed) == _comparable(scenario.after[2])


def test_archives_read_newest_first_give_the_versions_of_the_crawl(scenario, tmp_path):
    """--warc: versions by WARC date. Run 2's archive (what changed: unchanged pages are not archived
    again) read before run 1's gives the crawl's current versions, gone pages and version chains."""
    runs = [scenario.after[n].run_id for n in (2, 1)]
    out = tmp_path / "corpus"
    for run in runs:
        assert main(["build", "--warc", *map(str, sorted((scenario.out / "warc").glob(f"cuishou-{run}-*.warc.gz"))),
                     "--out", str(out)]) == 0
    urls, documents, _ = _comparable(tables(out))
    crawl_urls, crawl_documents, _ = _comparable(scenario.after[2])
    assert documents == crawl_documents
    assert {p: u[:4] for p, u in urls.items()} == {p: u[:4] for p, u in crawl_urls.items()}
    assert {p: u[5] for p, u in urls.items()} == {p: u[5] for p, u in crawl_urls.items()}  # last_change


def test_a_schema_2_corpus_is_migrated_by_its_next_run(scenario, tmp_path):
    """Its document files get the new columns (readers see one schema again) and urls/ is built from
    the whole ledger: the same states as the runs that kept it."""
    out = tmp_path / "corpus"
    shutil.copytree(scenario.out, out)
    for path in (out / "documents").glob("**/*.parquet"):  # as schema 2 wrote them
        table = pq.read_table(path).drop_columns(["is_current", "superseded_by"])
        table = table.set_column(table.schema.get_field_index("schema_version"), "schema_version",
                                 pa.array(["2"] * table.num_rows))
        pq.write_table(table.replace_schema_metadata({"cuishou.schema_version": "2"}), path)
    shutil.rmtree(out / "urls")
    shutil.rmtree(out / "state" / "urls")
    scenario.routes.clear()
    scenario.routes.update(site_routes(3))
    build(out, scenario.seeds, scenario.proxy)
    for path in (out / "documents").glob("**/*.parquet"):
        schema = pq.read_schema(path)
        assert schema.metadata == DOCUMENT_SCHEMA.metadata and schema.names == DOCUMENT_SCHEMA.names
    migrated, kept = tables(out), scenario.after[3]
    assert migrated.report["changes"] == {"new": 0, "changed": 0, "gone": 0, "back": 0}
    times = ("last_seen", "last_fetched")  # this run fetched the live pages again
    assert {p: {k: v for k, v in u.items() if k not in times} for p, u in migrated.urls.items()} == {
        p: {k: v for k, v in u.items() if k not in times} for p, u in kept.urls.items()}
    assert migrated.documents == kept.documents
    glob = str(out / "documents" / "**" / "*.parquet")
    assert duckdb.sql(f"select count(*) from read_parquet('{glob}') where is_current").fetchall() == [(4,)]

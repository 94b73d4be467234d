"""report.html over the bundled sample: every figure's numbers, nothing loaded from elsewhere, page text
escaped, and a real browser (headless Chromium) drawing the charts."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from sample_corpus import RUN_ID, build_sample_corpus, corpus  # noqa: F401 (corpus is a shared fixture)

from cuishou.flows.report_html import (
    ACCENT,
    JUNK,
    OUTCOME_COLOURS,
    render_report_html,
    report_tables,
    run_time,
    write_report_html,
)

CHARTS = 10  # outcomes, not-document reasons, junk, cluster sizes, 3 tag facets, hosts, timeline, quality
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def html(corpus) -> str:
    return render_report_html(*corpus)


def table(out: Path, name: str) -> pa.Table:
    return ds.dataset(out / name, partitioning="hive").to_table()


def bar_labels(html: str) -> set[str]:
    """The aria labels of the charts' bars: "label: value"."""
    return {m.replace("&amp;", "&") for m in re.findall(r'role="listitem" aria-label="([^"]*)"', html)}


def test_headline_numbers_are_the_run_report_and_the_corpus(corpus, html):
    out, report = corpus
    tiles = dict((label, value) for value, label in re.findall(
        r'<div class="tile-value">([^<]*)</div><div class="tile-label">([^<]*)</div>', html))
    assert tiles["URLs met"] == str(report["urls_met"]) == "62"
    assert tiles["new documents"] == tiles["corpus documents"] == "34"
    assert tiles["canonical documents"] == str(report["canonical_documents"])
    assert tiles["duplicate clusters"] == str(report["duplicate_clusters"])
    removed = sum(len(span["text"]) for spans in table(out, "documents").column("removed").to_pylist() for span in spans)
    assert tiles["junk characters removed"] == f"{removed:,}"


def test_outcome_and_drop_reason_bars_match_the_pages_table(corpus, html):
    out, report = corpus
    outcomes = Counter(table(out, "pages").column("outcome").to_pylist())
    labels = bar_labels(html)
    assert {f"{outcome}: {n}" for outcome, n in outcomes.items()} <= labels
    assert outcomes["document"] == 34
    assert {f"{reason}: {n}" for reason, n in report["dropped"].items()} <= labels


def test_junk_bars_count_characters_and_spans_per_rule(corpus, html):
    out, _ = corpus
    chars, spans = Counter(), Counter()
    for removed in table(out, "documents").column("removed").to_pylist():
        for span in removed:
            chars[span["rule"]] += len(span["text"])
            spans[span["rule"]] += 1
    assert chars, "the sample has junk to remove"
    assert {f"{rule}: {chars[rule]:,} chars · {spans[rule]:,} spans" for rule in chars} <= bar_labels(html)


def test_cluster_tag_host_and_quality_figures(corpus, html):
    out, _ = corpus
    documents, pages = table(out, "documents").to_pylist(), table(out, "pages").to_pylist()
    labels = bar_labels(html)
    sizes = Counter(Counter(d["dup_cluster"] for d in documents).values())
    assert {f"{size}: {n}" for size, n in sizes.items()} <= labels
    for facet in ("products", "channels", "topics"):
        tagged = Counter(t for d in documents for t in d[facet])
        canonical = Counter(t for d in documents if d["is_canonical"] for t in d[facet])
        assert {f"{tag}: {n} ({canonical[tag]})" for tag, n in tagged.items()} <= labels
    assert {f"{host}: {n}" for host, n in Counter(p["host"] for p in pages).items()} <= labels
    assert html.count("<circle") == sum(p["fetched_at"] is not None for p in pages)
    scores = Counter(min(int(d["quality_score"] * 10), 9) for d in documents)
    assert {f"{b / 10:.1f}: {scores[b]}" for b in range(10)} <= labels


def test_every_chart_is_accessible_and_has_its_numbers_in_a_table(html):
    charts = re.findall(r'<svg [^>]*role="img" aria-labelledby="([^"]+)"', html)
    assert len(charts) == CHARTS
    for ids in charts:
        for element_id in ids.split():
            assert f'id="{element_id}"' in html
    assert html.count("<table>") >= CHARTS - 1  # the timeline's numbers are in the hosts table


class _Resources(HTMLParser):
    """Every tag and attribute that could make a browser load something; links to pages apart."""

    def __init__(self):
        super().__init__()
        self.tags: Counter = Counter()
        self.links: list[str] = []
        self.anchors: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        if tag == "a":
            self.anchors.append(dict(attrs))
            return
        self.links += [value or "" for name, value in attrs if name in ("src", "href", "xlink:href", "action", "srcset")]


def test_the_header_shows_the_run_id_once_and_when_it_started(corpus):
    """Run ids carry microseconds (``CrawlState.start_run``); older ones do not."""
    out, report = corpus
    run_id = "20261123T040140602701Z"
    header = render_report_html(out, report | {"run_id": run_id}).split("<header>")[1].split("</header>")[0]
    assert header.count(run_id) == 1 and "2026-11-23 04:01:40 UTC" in header
    assert run_time(RUN_ID) == "2026-01-01 00:00:00 UTC" and run_time("not-a-run") == ""


def test_report_is_self_contained(corpus, html):
    """It loads nothing; its only links are to the corpus's own pages, without a referrer."""
    parser = _Resources()
    parser.feed(html)
    assert not parser.tags.keys() & {"script", "link", "img", "iframe", "object", "embed", "image", "use", "base"}
    assert parser.links == []
    assert "url(" not in html and "@import" not in html
    documented = set(table(corpus[0], "urls").column("url").to_pylist())
    assert parser.anchors and all(a.keys() == {"href", "rel"} and a["rel"] == "noreferrer" for a in parser.anchors)
    assert {a["href"] for a in parser.anchors} <= documented


def _changes_card(html: str) -> str:
    return html.split("<h2>Changes since the last run</h2>")[1].split("</section>")[0]


def test_the_changes_card_counts_this_runs_changes_and_links_the_first_pages(corpus, html):
    out, report = corpus
    card = _changes_card(html)
    tiles = dict((label, value) for value, label in re.findall(
        r'<div class="tile-value">([^<]*)</div><div class="tile-label">([^<]*)</div>', card))
    assert tiles == {"new": "34", "changed": "0", "gone": "0", "back": "0"} and report["changes"]["new"] == 34
    titles = dict(zip(table(out, "documents").column("url").to_pylist(), table(out, "documents").column("title").to_pylist()))
    first = sorted(titles)[0]
    assert f'<a href="{first}" rel="noreferrer">{titles[first]}</a>' in card
    assert card.count("<li>") == 25 and "and 9 more" in card


def test_changed_addresses_are_escaped_and_only_http_ones_are_links(corpus, tmp_path):
    out, report = corpus
    copy = tmp_path / "corpus"
    shutil.copytree(out, copy)
    urls = pq.read_table(copy / "urls" / "urls.parquet")
    hostile = ['javascript:alert(1)', 'http://x.test/"><script>alert(2)</script>']
    urls = urls.set_column(0, urls.schema.field("url"), pa.array(hostile + urls.column("url").to_pylist()[2:]))
    runs = [report["run_id"]] * 2 + ["an earlier run"] * (urls.num_rows - 2)  # only the hostile two changed now
    urls = urls.set_column(urls.schema.get_field_index("last_change_run"), urls.schema.field("last_change_run"),
                           pa.array(runs))
    pq.write_table(urls, copy / "urls" / "urls.parquet")
    card = _changes_card(render_report_html(copy, report))
    assert 'href="javascript' not in card and "<script>" not in card
    assert '<span class="col-url">javascript:alert(1)</span>' in card
    assert 'href="http://x.test/&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in card


def _copy_with_titles(out, tmp_path, title: str):
    """A copy of the corpus whose every document has ``title``."""
    copy = tmp_path / "corpus"
    shutil.copytree(out, copy)
    for path in (copy / "documents").glob("**/*.parquet"):
        documents = pq.read_table(path)
        titles = pa.array([title] * documents.num_rows, pa.string())
        index = documents.schema.get_field_index("title")
        pq.write_table(documents.set_column(index, documents.schema.field("title"), titles), path)
    return copy


def test_page_text_is_escaped(corpus, tmp_path):
    out, report = corpus
    copy = _copy_with_titles(out, tmp_path, '<script>alert("title")</script>')
    hostile = report | {"dropped": {"not_article: <img src=x onerror=alert(1)>": 3}}
    html = render_report_html(copy, hostile)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_title_cannot_reverse_the_report_text_after_it(corpus, tmp_path):
    out, report = corpus
    html = render_report_html(_copy_with_titles(out, tmp_path, "\u202e逾期怎么办"), report)
    assert "\u202e" not in html and "\\u202e逾期怎么办" in html


def test_report_tables_are_plain_rows_for_prefect_artifacts(corpus):
    out, _ = corpus
    tables = report_tables(out, corpus[1])
    assert {"outcomes", "drop-reasons", "removed-by-rule", "duplicate-clusters", "tags"} <= tables.keys()
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) for key in tables)
    json.dumps(tables)  # plain data: Prefect's create_table_artifact takes it as is
    assert sum(r["pages"] for r in tables["outcomes"]) == table(out, "pages").num_rows
    assert sum(r["documents"] for r in tables["duplicate-clusters"]) == 34


def test_only_this_runs_pages_are_counted(corpus, tmp_path):
    out, report = corpus
    copy = tmp_path / "corpus"
    shutil.copytree(out, copy)
    for path in (copy / "pages").glob("**/*.parquet"):  # an earlier run's ledger beside this run's
        pages = pq.read_table(path)
        earlier = pages.set_column(pages.schema.get_field_index("run_id"), pages.schema.field("run_id"),
                                   pa.array(["20250101T000000Z"] * pages.num_rows, pa.string()))
        pq.write_table(earlier, path.with_name(path.name.replace(RUN_ID, "20250101T000000Z")))
    outcomes = {r["outcome"]: r["pages"] for r in report_tables(copy, report)["outcomes"]}
    assert outcomes == report["outcomes"]


def test_a_run_without_documents_still_has_a_report(tmp_path):
    report = build_sample_corpus(tmp_path, articles=False)
    html = render_report_html(tmp_path, report)
    assert 'aria-label="http_error: 5"' in html
    assert '<div class="tile-value">0</div><div class="tile-label">corpus documents</div>' in html
    assert "Nothing to show." in html


def test_write_report_html_replaces_the_file_whole(corpus):
    out, report = corpus
    (out / "report.html").write_text("old")
    path = write_report_html(out, report)
    assert path == out / "report.html"
    assert path.read_text(encoding="utf-8") == render_report_html(out, report)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def png_pixels(data: bytes) -> np.ndarray:
    """An 8-bit RGB/RGBA PNG (what Chromium writes) as a (height, width, channels) array."""
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour_type in (2, 6)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    channels = 3 if colour_type == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), np.uint8).reshape(height, width * channels + 1)
    image, previous = np.zeros((height, width * channels), np.uint8), np.zeros(width * channels, np.uint8)
    for y in range(height):
        image[y] = _unfilter(raw[y, 0], raw[y, 1:], previous, channels)
        previous = image[y]
    return image.reshape(height, width, channels)


def _unfilter(kind: int, row: np.ndarray, up: np.ndarray, channels: int) -> np.ndarray:
    if kind == 0:
        return row
    if kind == 1:  # Sub: a running sum per channel
        return (np.cumsum(row.reshape(-1, channels), axis=0, dtype=np.uint32) % 256).astype(np.uint8).ravel()
    if kind == 2:
        return row + up
    out, above = [0] * len(row), up.tolist()
    for i, value in enumerate(row.tolist()):
        a, b = out[i - channels] if i >= channels else 0, above[i]
        if kind == 3:
            out[i] = (value + (a + b) // 2) & 0xFF
            continue
        c = above[i - channels] if i >= channels else 0
        p = a + b - c
        nearest = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c
        out[i] = (value + nearest) & 0xFF
    return np.array(out, np.uint8)


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM, reason="no chromium or chromium-browser on PATH (Debian: apt-get install chromium)")
def test_headless_chromium_draws_the_charts(corpus, tmp_path):
    out, report = corpus
    url = write_report_html(out, report).as_uri()
    dom = chromium("--dump-dom", url, profile=tmp_path / "profile").stdout
    assert dom.count("<svg") == CHARTS and dom.count("<rect") > 50
    assert 'aria-label="document: 34"' in dom and "网贷" in dom

    shot = tmp_path / "shot.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,2400", url, profile=tmp_path / "profile")
    pixels = png_pixels(shot.read_bytes())[:, :, :3].astype(np.uint32)
    assert pixels.shape[:2] == (2400, 1280)
    colours = set(np.unique((pixels[:, :, 0] << 16) | (pixels[:, :, 1] << 8) | pixels[:, :, 2]).tolist())
    assert len(colours) > 500  # text, charts and anti-aliasing, not a blank page
    bar_fills = [OUTCOME_COLOURS["document"], OUTCOME_COLOURS["not_article"], JUNK, ACCENT]  # above the fold
    assert {int(fill[1:], 16) for fill in bar_fills} <= colours  # the bars were painted

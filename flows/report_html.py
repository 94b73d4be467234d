"""The run report as one self-contained HTML page: headline numbers, charts, and the tables behind them.

The page has no JavaScript and loads nothing (no CSS, fonts or images from elsewhere), so it opens
offline and is safe to publish: every page-derived string (titles, URLs, reasons) is escaped, and
the only links are the changed pages' own http(s) addresses (no referrer is sent). The
charts are inline SVG drawn here, so the report needs no plotting library; every chart has aria
labels and a table with the same numbers. ``report_tables`` gives those tables as plain rows, for
Prefect table artifacts. ``read_corpus`` reads what the report (and the dataset card) are made of
once per run.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from cuishou.extract.visits import OUTCOMES
from cuishou.transform.quality import FULL_LENGTH_HAN
from cuishou.transform.versions import CHANGES
from cuishou.transform.write import URL_TABLE, write_text_atomic

DOCUMENT_COLUMNS = [
    "doc_id", "url", "host", "title", "dup_cluster", "is_canonical", "is_current", "cluster_size", "products",
    "channels", "topics", "removed", "text_chars", "removed_share", "scrubbed_gaps", "spin_density", "quality_score",
]
PAGE_COLUMNS = ["host", "outcome", "attempts", "fetched_at"]
FACETS = ("products", "channels", "topics")
ERROR_OUTCOMES = ("http_error", "fetch_error", "extract_error", "decode_error", "too_complex")
QUALITY_BINS = 10
TOP_ROWS = 8  # rows of the document tables (largest clusters, lowest scores)
TOP_BARS = 12  # bars of the drop-reason chart; the table under it has them all
TOP_HOSTS = 20  # hosts drawn in the host charts, by URLs met
CHANGED_LINKS = 25  # pages listed per kind of change (urls/ has them all)
DOTS_PER_HOST = 400  # responses drawn per host in the timeline (evenly sampled beyond)
CLUSTER_BUCKETS = [(1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 20), (21, 50), (51, math.inf)]

OUTCOME_COLOURS = {
    "document": "#2e7d32", "not_article": "#f9a825", "redirect": "#78909c", "robots_txt": "#b0bec5",
    "sitemap": "#90a4ae", "non_html": "#8d6e63", "http_error": "#e53935", "fetch_error": "#b71c1c",
    "extract_error": "#ad1457", "decode_error": "#d81b60", "too_complex": "#6a1b9a",
    "robots_disallowed": "#7e57c2", "off_site": "#9e9e9e", "refused": "#5d4037",
    "skipped": "#bdbdbd", "superseded": "#cfd8dc",
}
ACCENT, ACCENT_LIGHT, JUNK, QUALITY = "#1565c0", "#90caf9", "#ef6c00", "#00897b"
CJK_FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'


def outcome_colour(outcome: str) -> str:
    return OUTCOME_COLOURS.get(outcome, "#757575")


# ---------------------------------------------------------------- data


def read_table(folder: Path, columns: list[str]) -> pa.Table:
    """Columns of a corpus table: every run's files, Hive partitions."""
    return ds.dataset(folder, format="parquet", partitioning="hive").to_table(columns=columns)


@dataclass(frozen=True)
class CorpusRead:
    """The corpus as the report and the dataset card use it, read once per run."""

    documents: pa.Table  # the whole corpus's documents (all runs)
    pages: pa.Table  # every run's pages
    run_pages: list[dict]  # the pages this run met (PAGE_COLUMNS), as rows
    tables: dict[str, list[dict]]  # see report_tables
    changes: list[dict]  # the URLs this run made new, changed, gone or back, with their current title


def read_corpus(
    out: Path, report: dict, document_columns: Iterable[str] = (), page_columns: Iterable[str] = ()
) -> CorpusRead:
    """Documents and pages, each read once, with the report's columns and any others a caller also needs.

    The corpus keeps every run's ledger: this run's pages (whose outcomes the report counts) are picked in memory.
    """
    documents = read_table(out / "documents", list(dict.fromkeys([*DOCUMENT_COLUMNS, *document_columns])))
    pages = read_table(out / "pages", list(dict.fromkeys([*PAGE_COLUMNS, "run_id", *page_columns])))
    this_run = pages.filter(pc.equal(pages.column("run_id"), str(report["run_id"])))
    run_pages = this_run.select(PAGE_COLUMNS).to_pylist()
    changes = changed_urls(out, str(report["run_id"]), documents)
    return CorpusRead(documents, pages, run_pages, _tables(documents, run_pages, report), changes)


def changed_urls(out: Path, run_id: str, documents: pa.Table) -> list[dict]:
    """The URLs whose last change (urls/) this run made, in CHANGES order then by URL, with their current title."""
    if not (out / URL_TABLE).exists():
        return []
    urls = pq.read_table(out / URL_TABLE, columns=["url", "current_doc_id", "last_change", "last_change_run"])
    urls = urls.filter(pc.equal(urls.column("last_change_run"), run_id))
    titles = dict(zip(documents.column("doc_id").to_pylist(), documents.column("title").to_pylist()))
    rows = [{"change": r["last_change"], "url": r["url"], "title": titles.get(r["current_doc_id"])}
            for r in urls.to_pylist()]
    return sorted(rows, key=lambda r: (CHANGES.index(r["change"]), r["url"]))


def outcome_rows(pages: list[dict]) -> list[dict]:
    counts = Counter(page["outcome"] for page in pages)
    return [{"outcome": o, "pages": n, "meaning": OUTCOMES.get(o, "")} for o, n in counts.most_common()]


def drop_reason_rows(report: dict) -> list[dict]:
    """The run report's "outcome: reason" counts, split back into their two parts."""
    rows = []
    for key, count in sorted(report.get("dropped", {}).items(), key=lambda kv: (-kv[1], kv[0])):
        outcome, _, reason = key.partition(": ")
        rows.append({"outcome": outcome, "reason": reason, "pages": count})
    return rows


def removed_rows(documents: pa.Table) -> list[dict]:
    """Junk spans removed by cleaning, per rule: spans, characters, documents affected, commonest span."""
    removed = documents.column("removed").combine_chunks()
    spans = pc.list_flatten(removed)
    table = pa.table({
        "rule": pc.struct_field(spans, "rule"),
        "text": pc.struct_field(spans, "text"),
        "chars": pc.utf8_length(pc.struct_field(spans, "text")),
        "doc": pc.list_parent_indices(removed),
    })
    grouped = table.group_by("rule").aggregate([("chars", "count"), ("chars", "sum"), ("doc", "count_distinct")])
    examples = commonest_text(table)
    rows = [
        {"rule": r["rule"], "spans": r["chars_count"], "characters": r["chars_sum"] or 0,
         "documents": r["doc_count_distinct"], "example": examples[r["rule"]]}
        for r in grouped.to_pylist()
    ]
    return sorted(rows, key=lambda r: (-r["characters"], r["rule"]))


def commonest_text(spans: pa.Table, max_chars: int = 40) -> dict[str, str]:
    """Per rule, the span it removed most often (shortened): shows what the rule actually catches."""
    counted = spans.group_by(["rule", "text"]).aggregate([("chars", "count")])
    examples: dict[str, str] = {}
    for row in counted.sort_by([("chars_count", "descending"), ("text", "ascending")]).to_pylist():
        text = " ".join((row["text"] or "").split())
        examples.setdefault(row["rule"], text if len(text) <= max_chars else text[:max_chars] + "…")
    return examples


def cluster_size_rows(documents: pa.Table) -> list[dict]:
    sizes = Counter(Counter(documents.column("dup_cluster").to_pylist()).values())
    return [{"cluster_size": size, "clusters": n, "documents": size * n} for size, n in sorted(sizes.items())]


def tag_rows(documents: pa.Table) -> list[dict]:
    """Documents per tag, all and canonical only (a tag counts once per document)."""
    canonical = documents.column("is_canonical").to_pylist()
    rows = []
    for facet in FACETS:
        every, kept = Counter(), Counter()
        for tags, is_canonical in zip(documents.column(facet).to_pylist(), canonical):
            every.update(set(tags))
            kept.update(set(tags) if is_canonical else ())
        rows += [{"facet": facet, "tag": t, "documents": n, "canonical": kept[t]} for t, n in every.most_common()]
    return rows


def host_rows(pages: list[dict]) -> list[dict]:
    """Per host, this run: URLs, documents, errors, retries and when its responses came."""
    times, counts = defaultdict(list), defaultdict(Counter)
    for page in pages:
        counts[page["host"]]["urls"] += 1
        counts[page["host"]]["documents"] += page["outcome"] == "document"
        counts[page["host"]]["errors"] += page["outcome"] in ERROR_OUTCOMES
        counts[page["host"]]["retries"] += max(0, (page["attempts"] or 0) - 1)
        if page["fetched_at"]:
            times[page["host"]].append(page["fetched_at"])
    return [
        {"host": host, "urls": c["urls"], "documents": c["documents"], "errors": c["errors"],
         "retries": c["retries"], **fetch_timing(times[host])}
        for host, c in sorted(counts.items())
    ]


def fetch_timing(times: list[datetime]) -> dict:
    """First and last fetch, their distance and the median gap between fetches (politeness shows here)."""
    if not times:
        return {"first_fetch": None, "last_fetch": None, "span_s": 0.0, "median_gap_s": 0.0}
    ordered = sorted(times)
    gaps = [(b - a).total_seconds() for a, b in zip(ordered, ordered[1:])]
    return {
        "first_fetch": ordered[0].isoformat(timespec="seconds"),
        "last_fetch": ordered[-1].isoformat(timespec="seconds"),
        "span_s": round((ordered[-1] - ordered[0]).total_seconds(), 3),
        "median_gap_s": round(statistics.median(gaps), 3) if gaps else 0.0,
    }


def quality_rows(documents: pa.Table) -> list[dict]:
    """quality_score histogram in tenths (1.0 falls in the last bin)."""
    scores = documents.column("quality_score").to_pylist()
    bins = Counter(min(int(score * QUALITY_BINS), QUALITY_BINS - 1) for score in scores)
    return [
        {"quality_score": f"{b / QUALITY_BINS:.1f}–{(b + 1) / QUALITY_BINS:.1f}", "documents": bins[b]}
        for b in range(QUALITY_BINS)
    ]


def report_tables(out: Path, report: dict) -> dict[str, list[dict]]:
    """The report's key tables as plain rows, keyed by a Prefect-artifact-safe name (lowercase-with-dashes)."""
    return read_corpus(out, report).tables


def _tables(documents: pa.Table, pages: list[dict], report: dict) -> dict[str, list[dict]]:
    return {
        "outcomes": outcome_rows(pages),
        "drop-reasons": drop_reason_rows(report),
        "removed-by-rule": removed_rows(documents),
        "duplicate-clusters": cluster_size_rows(documents),
        "tags": tag_rows(documents),
        "hosts": host_rows(pages),
        "quality-scores": quality_rows(documents),
    }


def largest_clusters(documents: pa.Table) -> list[dict]:
    """The biggest near-duplicate clusters, named by their canonical document."""
    hosts = defaultdict(set)
    for cluster, host in zip(documents.column("dup_cluster").to_pylist(), documents.column("host").to_pylist()):
        hosts[cluster].add(host)
    in_clusters = pc.and_(documents.column("is_canonical"), pc.greater(documents.column("cluster_size"), 1))
    canonical = documents.filter(in_clusters)
    top = canonical.sort_by([("cluster_size", "descending"), ("url", "ascending")]).slice(0, TOP_ROWS)
    return [
        {"canonical_title": r["title"], "url": r["url"], "documents": r["cluster_size"],
         "hosts": len(hosts[r["dup_cluster"]])}
        for r in top.select(["cluster_size", "dup_cluster", "title", "url"]).to_pylist()
    ]


def lowest_quality(documents: pa.Table) -> list[dict]:
    """The documents a reader should look at first, with the signals that lowered their score."""
    columns = ["title", "host", "quality_score", "spin_density", "scrubbed_gaps", "removed_share"]
    top = documents.sort_by([("quality_score", "ascending"), ("url", "ascending")]).slice(0, TOP_ROWS)
    return top.select(columns).to_pylist()


def fetch_offsets(pages: list[dict], hosts: list[str]) -> tuple[dict[str, list[tuple[float, str]]], float]:
    """Per host, (seconds since the run's first response, outcome) of its responses; and the run's span.

    A host with more than DOTS_PER_HOST responses is sampled evenly, so a big crawl stays a small page.
    """
    rows = [p for p in pages if p["fetched_at"]]
    if not rows:
        return {}, 0.0
    start = min(p["fetched_at"] for p in rows)
    offsets = {host: [] for host in hosts}
    for page in sorted(rows, key=lambda p: p["fetched_at"]):
        if page["host"] in offsets:
            offsets[page["host"]].append(((page["fetched_at"] - start).total_seconds(), page["outcome"]))
    sampled = {h: points[:: math.ceil(len(points) / DOTS_PER_HOST)] for h, points in offsets.items() if points}
    return sampled, max((p["fetched_at"] - start).total_seconds() for p in rows)


def cluster_columns(rows: list[dict]) -> list[tuple[str, int]]:
    """Clusters per size bucket, up to the largest size: exact sizes to 5, ranges beyond."""
    largest = max((r["cluster_size"] for r in rows), default=0)
    columns = []
    for low, high in CLUSTER_BUCKETS:
        if low > largest:
            break
        label = str(low) if low == high else f"{low}+" if high == math.inf else f"{low}–{high}"
        columns.append((label, sum(r["clusters"] for r in rows if low <= r["cluster_size"] <= high)))
    return columns


# ---------------------------------------------------------------- SVG charts


@dataclass(frozen=True)
class Segment:
    name: str
    value: float
    colour: str


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    note: str = ""  # text after the bar; the total when empty

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


def text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK characters are square, Latin ones about 0.6 em."""
    return sum(size if ord(ch) >= 0x2E80 else 0.6 * size for ch in text)


def shorten(text: str, size: float, max_width: float) -> str:
    if text_width(text, size) <= max_width:
        return text
    while text and text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text + "…"


def nice_axis(maximum: float, ticks: int = 5, integer: bool = True) -> list[float]:
    """Round tick values from 0 to at least ``maximum``."""
    maximum = max(maximum, 1 if integer else 1e-9)
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = [m * magnitude for m in (1, 2, 2.5, 5, 10)]
    if integer:  # counts: whole-number ticks only
        steps = [max(1, step) for step in steps if step >= 1 and float(step).is_integer()] or [1]
    step = next((step for step in steps if raw <= step), steps[-1])
    return [i * step for i in range(math.ceil(maximum / step - 1e-9) + 1)]


def number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def svg_open(width: float, height: float, title: str, description: str, key: str) -> str:
    """An accessible chart: screen readers get its title and every value in the description."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-labelledby="{key}-t {key}-d" class="chart"><title id="{key}-t">{escape(title)}</title>'
        f'<desc id="{key}-d">{escape(description)}</desc>'
    )


def svg_text(x: float, y: float, text: str, css: str, anchor: str = "start", transform: str = "") -> str:
    position = f'transform="{transform}"' if transform else f'x="{x:.1f}" y="{y:.1f}"'
    return f'<text {position} text-anchor="{anchor}" class="{css}">{escape(text)}</text>'


def svg_line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{css}"/>'


def svg_rect(x: float, y: float, width: float, height: float, fill: str, tooltip: str = "") -> str:
    title = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    size = f'x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
    return f'<rect {size} rx="2" fill="{fill}">{title}</rect>'


def svg_item(label: str, *shapes: str) -> str:
    """One bar: a tooltip and an aria label carry its label and value."""
    return f'<g role="listitem" aria-label="{escape(label)}"><title>{escape(label)}</title>{"".join(shapes)}</g>'


def hbar_chart(key: str, title: str, bars: list[Bar], axis_label: str, width: int = 560) -> str:
    """Horizontal bars (labels may be long Chinese strings), optionally stacked, with a labelled axis."""
    if not bars:
        return '<p class="empty">Nothing to show.</p>'
    font, row, top = 12, 24, 26
    label_width = min(0.42 * width, max(text_width(b.label, font) for b in bars) + 8)
    notes = [b.note or number(b.total) for b in bars]
    left = label_width + 6
    integer = all(float(s.value).is_integer() for b in bars for s in b.segments)
    ticks = nice_axis(max(b.total for b in bars), integer=integer)
    scale = (width - left - max(text_width(n, 11) for n in notes) - 10) / ticks[-1]
    bottom = top + row * len(bars)
    description = "; ".join(f"{b.label}: {n}" for b, n in zip(bars, notes))
    parts = [svg_open(width, bottom + 34, title, description, key)]
    parts += x_axis(ticks, left, scale, top, bottom, axis_label)
    for i, (bar, note) in enumerate(zip(bars, notes)):
        y, x, shapes = top + i * row, left, []
        for segment in bar.segments:  # a stacked bar's parts get their own tooltips
            tooltip = f"{bar.label}, {segment.name}: {number(segment.value)}" if len(bar.segments) > 1 else ""
            shapes.append(svg_rect(x, y + 4, segment.value * scale, row - 8, segment.colour, tooltip))
            x += segment.value * scale
        label = svg_text(label_width, y + row / 2 + 4, shorten(bar.label, font, label_width - 8), "label", "end")
        parts.append(svg_item(f"{bar.label}: {note}", label, *shapes, svg_text(x + 5, y + row / 2 + 4, note, "value")))
    return "".join(parts) + "</svg>"


def x_axis(ticks: list[float], left: float, scale: float, top: float, bottom: float, label: str) -> list[str]:
    """Vertical grid lines with their values under the plot, and the axis label under those."""
    parts = []
    for tick in ticks:
        x = left + tick * scale
        parts += [svg_line(x, top - 4, x, bottom, "gridline"), svg_text(x, bottom + 14, number(tick), "tick", "middle")]
    parts.append(svg_line(left, top - 4, left, bottom, "axis"))
    parts.append(svg_text(left + ticks[-1] * scale / 2, bottom + 30, label, "axis-label", "middle"))
    return parts


def column_chart(key: str, title: str, columns: list[tuple[str, int]], x_label: str, y_label: str,
                 colour: str = ACCENT, width: int = 560) -> str:
    """Vertical bars for a histogram, with both axes labelled and each count written on its bar."""
    if not columns:
        return '<p class="empty">Nothing to show.</p>'
    left, top, plot_height, right = 52, 16, 170, width - 10
    ticks = nice_axis(max(v for _, v in columns))
    scale, slot, base = plot_height / ticks[-1], (right - left) / len(columns), top + plot_height
    description = "; ".join(f"{x_label} {label}: {value}" for label, value in columns)
    parts = [svg_open(width, base + 48, title, description, key)]
    for tick in ticks:
        y = base - tick * scale
        parts += [svg_line(left, y, right, y, "gridline"), svg_text(left - 6, y + 4, number(tick), "tick", "end")]
    parts.append(svg_line(left, base, right, base, "axis"))
    for i, (label, value) in enumerate(columns):
        x, h = left + i * slot, value * scale
        count = svg_text(x + slot / 2, base - h - 4, number(value), "value", "middle") if value else ""
        parts.append(svg_item(f"{label}: {value}", svg_rect(x + slot * 0.12, base - h, slot * 0.76, h, colour), count,
                              svg_text(x + slot / 2, base + 15, label, "tick", "middle")))
    parts.append(svg_text(left + (right - left) / 2, base + 38, x_label, "axis-label", "middle"))
    parts.append(svg_text(0, 0, y_label, "axis-label", "middle", f"translate(14 {top + plot_height / 2}) rotate(-90)"))
    return "".join(parts) + "</svg>"


def timeline_chart(key: str, offsets: dict[str, list[tuple[float, str]]], span: float, width: int = 1140) -> str:
    """One row per host, one dot per response at the time it arrived, coloured by outcome."""
    if not offsets:
        return '<p class="empty">No fetch times recorded.</p>'
    unit, divisor = time_unit(span)
    font, row, top = 12, 26, 20
    label_width = max(text_width(h, font) for h in offsets) + 10
    left, right = label_width + 8, width - 20
    ticks = nice_axis(span / divisor, integer=False)
    scale = (right - left) / ticks[-1]
    bottom = top + row * len(offsets)
    description = "; ".join(f"{h}: {len(p)} responses from {number(min(o for o, _ in p) / divisor)} to "
                            f"{number(max(o for o, _ in p) / divisor)} {unit}" for h, p in offsets.items())
    parts = [svg_open(width, bottom + 36, "Responses over time, per host", description, key),
             *x_axis(ticks, left, scale, top, bottom, f"{unit} since the run's first response")]
    for i, (host, points) in enumerate(offsets.items()):
        y = top + i * row + row / 2
        parts += [svg_text(label_width, y + 4, host, "label", "end"), svg_line(left, y, right, y, "lane")]
        parts += [f'<circle cx="{left + offset / divisor * scale:.1f}" cy="{y:.1f}" r="4.5" '
                  f'fill="{outcome_colour(outcome)}" fill-opacity="0.75"/>' for offset, outcome in points]
    return "".join(parts) + "</svg>"


def time_unit(seconds: float) -> tuple[str, float]:
    if seconds >= 7200:
        return "hours", 3600.0
    if seconds >= 120:
        return "minutes", 60.0
    return "seconds", 1.0


def legend(items: list[tuple[str, str]]) -> str:
    swatches = "".join(f'<span><i style="background:{colour}"></i>{escape(name)}</span>' for name, colour in items)
    return f'<div class="legend">{swatches}</div>'


# ---------------------------------------------------------------- HTML


def html_table(rows: list[dict], caption: str, shown: bool = False) -> str:
    """The numbers behind a chart, in a disclosure (open when ``shown``); numeric columns right-aligned."""
    if not rows:
        return ""
    columns = list(rows[0])
    numeric = {c for c in columns if all(isinstance(r[c], int | float) for r in rows)}
    head = "".join(f'<th scope="col" class="{"num" if c in numeric else "text"}">{escape(c.replace("_", " "))}</th>'
                   for c in columns)
    body = "".join("<tr>" + "".join(_cell(r[c], c, c in numeric) for c in columns) + "</tr>" for r in rows)
    return (f'<details{" open" if shown else ""}><summary>{escape(caption)}</summary>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>")


def _cell(value: object, column: str, numeric: bool) -> str:
    if numeric:
        return f'<td class="num">{number(value)}</td>'
    return f'<td class="col-{column}">{escape("" if value is None else str(value))}</td>'


def shown_of(total: int, limit: int) -> str:
    """The end of a chart's intro: says so when the chart shows only the first ``limit`` of ``total``."""
    return f"; the chart shows the first {limit} of {total}." if total > limit else "."


def card(title: str, intro: str, *content: str, wide: bool = False) -> str:
    return (f'<section class="card{" wide" if wide else ""}"><h2>{escape(title)}</h2>'
            f'<p class="intro">{escape(intro)}</p>{"".join(content)}</section>')


def split(left: str, right: str) -> str:
    return f'<div class="split"><div>{left}</div><div>{right}</div></div>'


def headline(report: dict, tables: dict[str, list[dict]], documents: pa.Table) -> str:
    """The key numbers as tiles: this run's, then the corpus's."""
    removed = sum(r["characters"] for r in tables["removed-by-rule"])
    extracted = removed + (pc.sum(documents.column("text_chars")).as_py() or 0)
    hosts = len(set(documents.column("host").to_pylist()))
    tiles = [
        ("URLs met", report.get("urls_met", 0), f"{number(report.get('pages_fetched', 0))} fetched this run"),
        ("new documents", report.get("documents", 0), "written by this run"),
        ("corpus documents", documents.num_rows,
         f"{number(pc.sum(documents.column('is_current')).as_py() or 0)} current, from {hosts} hosts"),
        ("canonical documents", report.get("canonical_documents", 0), "one per cluster"),
        ("duplicate clusters", report.get("duplicate_clusters", 0),
         f"{number(report.get('documents_in_duplicate_clusters', 0))} documents in them"),
        ("junk characters removed", removed, f"{removed / extracted:.0%} of extracted text" if extracted else ""),
    ]
    return '<div class="tiles">' + "".join(
        f'<div class="tile"><div class="tile-value">{number(value)}</div><div class="tile-label">{escape(label)}</div>'
        f'<div class="tile-note">{escape(note)}</div></div>' for label, value, note in tiles
    ) + "</div>"


def outcome_section(tables: dict[str, list[dict]]) -> str:
    bars = [Bar(r["outcome"], (Segment(r["outcome"], r["pages"], outcome_colour(r["outcome"])),))
            for r in tables["outcomes"]]
    drops = [Bar(f"{r['outcome']}: {r['reason']}" if r["reason"] else r["outcome"],
                 (Segment(r["outcome"], r["pages"], outcome_colour(r["outcome"])),))
             for r in tables["drop-reasons"][:TOP_BARS]]
    return "".join([
        card("Pages by outcome", "How every URL this run met ended; only 'document' pages became rows of documents/.",
             hbar_chart("outcomes", "Pages by outcome", bars, "URLs"),
             html_table(tables["outcomes"], "Table: pages by outcome")),
        card("Why pages were not documents",
             "URLs that are not documents, by outcome and reason" + shown_of(len(tables["drop-reasons"]), TOP_BARS),
             hbar_chart("drops", "URLs that are not documents, by reason", drops, "URLs"),
             html_table(tables["drop-reasons"], "Table: not documents, by reason")),
    ])


CHANGE_MEANINGS = {
    "new": "documented for the first time",
    "changed": "a new version of the text (the old row is superseded_by it)",
    "gone": "404/410, or no longer linked nor in a sitemap for --gone-after runs",
    "back": "live again after it was gone",
}


def page_link(url: str, title: str | None) -> str:
    """A link to a page by its title; an address that is not http(s) (a javascript: one) is text, never a link."""
    label = escape(title or url)
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return f'<span class="col-url">{escape(url)}</span>'
    return f'<a href="{escape(url, quote=True)}" rel="noreferrer">{label}</a>'


def changes_section(changes: list[dict], report: dict) -> str:
    """The URLs this run made new, changed, gone or back: counts, and links to the first of each."""
    by_change = {change: [r for r in changes if r["change"] == change] for change in CHANGES}
    counts = "".join(f'<div class="tile"><div class="tile-value">{number(len(rows))}</div>'
                     f'<div class="tile-label">{change}</div><div class="tile-note">{escape(CHANGE_MEANINGS[change])}'
                     "</div></div>" for change, rows in by_change.items())
    lists = []
    for change, rows in by_change.items():
        if rows:
            items = "".join(f"<li>{page_link(r['url'], r['title'])}</li>" for r in rows[:CHANGED_LINKS])
            hidden = len(rows) - CHANGED_LINKS
            more = f'<p class="empty">and {number(hidden)} more</p>' if hidden > 0 else ""
            lists.append(f'<div><h3>{change}</h3><ol class="changed">{items}</ol>{more}</div>')
    run_id = str(report["run_id"])
    return card("Changes since the last run",
                "Pages this run found new, changed, gone or back; every one is a row of urls/ "
                f"(where last_change_run = '{run_id}'). The corpus as it is online now: documents where is_current.",
                f'<div class="tiles changes">{counts}</div>',
                f'<div class="facets">{"".join(lists)}</div>' if lists else '<p class="empty">No page changed.</p>',
                wide=True)


def junk_section(tables: dict[str, list[dict]]) -> str:
    rows = tables["removed-by-rule"]
    bars = [Bar(r["rule"], (Segment("characters", r["characters"], JUNK),),
                f"{number(r['characters'])} chars · {number(r['spans'])} spans") for r in rows]
    return card("Junk removed, by cleaning rule",
                "Characters each rule cut from the corpus's extracted text; every span is kept in the removed column.",
                split(hbar_chart("junk", "Characters removed per cleaning rule", bars, "characters removed"),
                      html_table(rows, "Table: junk removed by rule, with the commonest span", shown=True)),
                wide=True)


def cluster_section(tables: dict[str, list[dict]], clusters: list[dict]) -> str:
    rows = tables["duplicate-clusters"]
    columns = cluster_columns(rows)
    return card("Near-duplicate clusters",
                "Clusters by size (1: a document with no near-duplicate), and the largest ones by canonical document.",
                split(column_chart("clusters", "Clusters by size", columns, "documents in the cluster", "clusters")
                      + html_table(rows, "Table: clusters by size"),
                      html_table(clusters, "Largest clusters", shown=True)),
                wide=True)


def tag_section(tables: dict[str, list[dict]]) -> str:
    charts = []
    for facet in FACETS:
        rows = [r for r in tables["tags"] if r["facet"] == facet]
        bars = [Bar(r["tag"], (Segment("canonical", r["canonical"], ACCENT),
                               Segment("duplicates", r["documents"] - r["canonical"], ACCENT_LIGHT)),
                    f"{r['documents']} ({r['canonical']})") for r in rows]
        chart = hbar_chart(f"tags-{facet}", f"Documents tagged, {facet}", bars, "documents", width=380)
        charts.append(f"<div><h3>{facet}</h3>{chart}</div>")
    return card("Tags by facet",
                "Documents per tag (keyword rules): all documents, in brackets the canonical ones.",
                legend([("canonical documents", ACCENT), ("their near-duplicates", ACCENT_LIGHT)]),
                f'<div class="facets">{"".join(charts)}</div>', html_table(tables["tags"], "Table: tags"), wide=True)


def host_section(tables: dict[str, list[dict]], pages: list[dict]) -> str:
    per_host = Counter((page["host"], page["outcome"]) for page in pages)
    outcomes = [r["outcome"] for r in tables["outcomes"]]
    busiest = sorted(tables["hosts"], key=lambda r: (-r["urls"], r["host"]))[:TOP_HOSTS]
    bars = [Bar(r["host"], tuple(Segment(o, per_host[r["host"], o], outcome_colour(o))
                                 for o in outcomes if per_host[r["host"], o]))
            for r in busiest]
    offsets, span = fetch_offsets(pages, [r["host"] for r in busiest])
    return card("Hosts: outcomes and timings",
                "URLs per host by outcome, and when each response arrived (politeness delays show as gaps)"
                + shown_of(len(tables["hosts"]), TOP_HOSTS),
                legend([(o, outcome_colour(o)) for o in outcomes]),
                hbar_chart("hosts", "URLs per host, by outcome", bars, "URLs", width=1140),
                timeline_chart("timeline", offsets, span), html_table(tables["hosts"], "Table: hosts"), wide=True)


def quality_section(tables: dict[str, list[dict]], worst: list[dict]) -> str:
    rows = tables["quality-scores"]
    columns = [(r["quality_score"].split("–")[0], r["documents"]) for r in rows]
    return card("quality_score distribution",
                f"0-1: full length ({FULL_LENGTH_HAN} Han characters) scores 1, minus penalties for spun wording, "
                "scrubbed-word gaps and removed junk.",
                split(column_chart("quality", "Documents by quality_score", columns, "quality_score (bin start)",
                                   "documents", colour=QUALITY) + html_table(rows, "Table: quality_score bins"),
                      html_table(worst, "Lowest-scoring documents", shown=True)),
                wide=True)


STYLE = f"""
* {{ box-sizing: border-box; }}
body {{ margin: 0; background: #f4f6f8; color: #1f2933;
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, {CJK_FONTS}; }}
main {{ max-width: 1220px; margin: 0 auto; padding: 24px; }}
header h1 {{ margin: 0 0 4px; font-size: 26px; }}
header p {{ margin: 0; color: #52606d; }}
.tiles {{ display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin: 20px 0; }}
.tiles.changes {{ grid-template-columns: repeat(4, 1fr); margin: 8px 0; }}
.tiles.changes .tile {{ box-shadow: none; background: #f4f6f8; }}
ol.changed {{ margin: 4px 0; padding-left: 20px; font-size: 12px; overflow-wrap: anywhere; }}
a {{ color: {ACCENT}; }}
.tile, .card {{ background: #fff; border-radius: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.08); min-width: 0; }}
.tile {{ padding: 14px 16px; }}
.tile-value {{ font-size: 28px; font-weight: 650; color: {ACCENT}; }}
.tile-label {{ font-weight: 600; line-height: 1.25; }}
.tile-note {{ color: #7b8794; font-size: 12px; }}
.cards {{ display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }}
.card {{ padding: 16px 20px; }}
.card.wide {{ grid-column: 1 / -1; }}
.card h2 {{ margin: 0 0 2px; font-size: 17px; }}
.card h3 {{ margin: 8px 0 0; font-size: 13px; color: #52606d; }}
.intro {{ margin: 0 0 8px; color: #52606d; font-size: 13px; }}
.split {{ display: grid; grid-template-columns: 1fr 1fr; gap: 24px; align-items: start; }}
.facets {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; }}
svg.chart {{ width: 100%; height: auto; display: block; font-family: inherit; }}
svg .label {{ font-size: 12px; fill: #1f2933; }}
svg .value {{ font-size: 11px; fill: #3e4c59; }}
svg .tick {{ font-size: 10px; fill: #7b8794; }}
svg .axis-label {{ font-size: 11px; fill: #52606d; }}
svg .gridline {{ stroke: #e4e7eb; }}
svg .axis {{ stroke: #9aa5b1; }}
svg .lane {{ stroke: #eef0f2; stroke-width: 10; stroke-linecap: round; }}
.legend {{ display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: #52606d; margin: 4px 0; }}
.legend i {{ display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }}
details {{ margin-top: 8px; font-size: 12px; }}
summary {{ cursor: pointer; color: {ACCENT}; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 6px; }}
th, td {{ text-align: left; padding: 3px 8px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }}
td.col-url {{ overflow-wrap: anywhere; color: #52606d; }}
td.col-host, td.col-rule, td.col-outcome {{ white-space: nowrap; }}
th {{ background: #f4f6f8; font-weight: 600; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.num {{ white-space: nowrap; }}
.empty {{ color: #7b8794; font-style: italic; }}
footer {{ margin: 20px 0 0; color: #7b8794; font-size: 12px; }}
"""


def run_time(run_id: str) -> str:
    """When a run started, from its id (``CrawlState.start_run``: microseconds; ids without them read too)."""
    for layout in ("%Y%m%dT%H%M%S%fZ", "%Y%m%dT%H%M%SZ"):
        try:
            return datetime.strptime(run_id, layout).strftime("%Y-%m-%d %H:%M:%S UTC")
        except ValueError:
            continue
    return ""


def render_report_html(out: Path, report: dict) -> str:
    """The report page for the corpus in ``out`` and one run's report (the JSON in ``out/runs/``)."""
    return _render_report_html(out, report, read_corpus(out, report))


def _render_report_html(out: Path, report: dict, corpus: CorpusRead) -> str:
    run_id = str(report["run_id"])
    started = run_time(run_id)
    documents, pages, tables = corpus.documents, corpus.run_pages, corpus.tables
    body = "".join([
        f"<header><h1>cuishou corpus report</h1><p>run {escape(run_id)}{' · ' + escape(started) if started else ''} · "
        f"{report.get('seconds', 0):.1f} s · <code>{escape(str(out))}</code></p></header>",
        headline(report, tables, documents),
        '<div class="cards">',
        changes_section(corpus.changes, report),
        outcome_section(tables),
        junk_section(tables),
        cluster_section(tables, largest_clusters(documents)),
        tag_section(tables),
        host_section(tables, pages),
        quality_section(tables, lowest_quality(documents)),
        "</div><footer>Changes, pages and hosts: this run. Documents, junk, clusters, tags and quality: the whole "
        "corpus after this run. Every number is also in the table under its chart.</footer>",
    ])
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>cuishou report {escape(run_id)}</title><style>{STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def write_report_html(out: Path, report: dict, corpus: CorpusRead | None = None) -> Path:
    """Write ``out/report.html`` atomically: a reader never sees half a page. ``corpus``: already read."""
    return write_text_atomic(out / "report.html", _render_report_html(out, report, corpus or read_corpus(out, report)))

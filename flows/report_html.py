"""The run report as one self-contained HTML page: headline numbers, charts, and the tables behind them.

The page has no JavaScript and loads nothing (no CSS, fonts or images from elsewhere), so it opens
offline and is safe to publish: every page-derived string (titles, URLs, reasons) is escaped
(``html_text``: markup, control and bidi characters), and the only links are the changed pages'
own http(s) addresses (no referrer is sent). The charts are inline SVG drawn here, so the report
needs no plotting library; every chart has aria labels and a table with the same numbers.
``report_tables`` gives those tables as plain rows, for Prefect table artifacts. What the report
(and the dataset card) show of the corpus is read once per run (``flows.corpus_figures.read_corpus``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa

from cuishou.flows.corpus_figures import (
    FACETS,
    CorpusRead,
    DocumentFigures,
    fetch_offsets,
    host_outcomes,
    read_corpus,
)
from cuishou.flows.escape import html_text
from cuishou.transform.quality import FULL_LENGTH_HAN
from cuishou.transform.write import write_text_atomic

TOP_BARS = 12  # bars of the drop-reason chart; the table under it has them all
TOP_HOSTS = 20  # hosts drawn in the host charts, by URLs met
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


def report_tables(out: Path, report: dict) -> dict[str, list[dict]]:
    """The report's key tables as plain rows, keyed by a Prefect-artifact-safe name (lowercase-with-dashes)."""
    return read_corpus(out, report).tables


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
        f'aria-labelledby="{key}-t {key}-d" class="chart"><title id="{key}-t">{html_text(title)}</title>'
        f'<desc id="{key}-d">{html_text(description)}</desc>'
    )


def svg_text(x: float, y: float, text: str, css: str, anchor: str = "start", transform: str = "") -> str:
    position = f'transform="{transform}"' if transform else f'x="{x:.1f}" y="{y:.1f}"'
    return f'<text {position} text-anchor="{anchor}" class="{css}">{html_text(text)}</text>'


def svg_line(x1: float, y1: float, x2: float, y2: float, css: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{css}"/>'


def svg_rect(x: float, y: float, width: float, height: float, fill: str, tooltip: str = "") -> str:
    title = f"<title>{html_text(tooltip)}</title>" if tooltip else ""
    size = f'x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
    return f'<rect {size} rx="2" fill="{fill}">{title}</rect>'


def svg_item(label: str, *shapes: str) -> str:
    """One bar: a tooltip and an aria label carry its label and value."""
    return f'<g role="listitem" aria-label="{html_text(label)}"><title>{html_text(label)}</title>{"".join(shapes)}</g>'


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
    swatches = "".join(f'<span><i style="background:{colour}"></i>{html_text(name)}</span>' for name, colour in items)
    return f'<div class="legend">{swatches}</div>'


# ---------------------------------------------------------------- HTML


def html_table(rows: list[dict], caption: str, shown: bool = False) -> str:
    """The numbers behind a chart, in a disclosure (open when ``shown``); numeric columns right-aligned."""
    if not rows:
        return ""
    columns = list(rows[0])
    numeric = {c for c in columns if all(isinstance(r[c], int | float) for r in rows)}
    head = "".join(f'<th scope="col" class="{"num" if c in numeric else "text"}">{html_text(c.replace("_", " "))}</th>'
                   for c in columns)
    body = "".join("<tr>" + "".join(_cell(r[c], c, c in numeric) for c in columns) + "</tr>" for r in rows)
    return (f'<details{" open" if shown else ""}><summary>{html_text(caption)}</summary>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>")


def _cell(value: object, column: str, numeric: bool) -> str:
    if numeric:
        return f'<td class="num">{number(value)}</td>'
    return f'<td class="col-{column}">{html_text("" if value is None else str(value))}</td>'


def shown_of(total: int, limit: int) -> str:
    """The end of a chart's intro: says so when the chart shows only the first ``limit`` of ``total``."""
    return f"; the chart shows the first {limit} of {total}." if total > limit else "."


def card(title: str, intro: str, *content: str, wide: bool = False) -> str:
    return (f'<section class="card{" wide" if wide else ""}"><h2>{html_text(title)}</h2>'
            f'<p class="intro">{html_text(intro)}</p>{"".join(content)}</section>')


def split(left: str, right: str) -> str:
    return f'<div class="split"><div>{left}</div><div>{right}</div></div>'


def headline(report: dict, tables: dict[str, list[dict]], documents: DocumentFigures) -> str:
    """The key numbers as tiles: this run's, then the corpus's."""
    removed = sum(r["characters"] for r in tables["removed-by-rule"])
    extracted = removed + documents.text_chars
    tiles = [
        ("URLs met", report.get("urls_met", 0), f"{number(report.get('pages_fetched', 0))} fetched this run"),
        ("new documents", report.get("documents", 0), "written by this run"),
        ("corpus documents", documents.rows,
         f"{number(documents.current)} current, from {len(documents.hosts)} hosts"),
        ("canonical documents", report.get("canonical_documents", 0), "one per cluster"),
        ("duplicate clusters", report.get("duplicate_clusters", 0),
         f"{number(report.get('documents_in_duplicate_clusters', 0))} documents in them"),
        ("junk characters removed", removed, f"{removed / extracted:.0%} of extracted text" if extracted else ""),
    ]
    return '<div class="tiles">' + "".join(
        f'<div class="tile"><div class="tile-value">{number(value)}</div>'
        f'<div class="tile-label">{html_text(label)}</div>'
        f'<div class="tile-note">{html_text(note)}</div></div>' for label, value, note in tiles
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
    label = html_text(title or url)
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return f'<span class="col-url">{html_text(url)}</span>'
    return f'<a href="{html_text(url, quote=True)}" rel="noreferrer">{label}</a>'


def changes_section(changes: dict[str, tuple[int, list[dict]]], report: dict) -> str:
    """The URLs this run made new, changed, gone or back: counts, and links to the first of each."""
    counts = "".join(f'<div class="tile"><div class="tile-value">{number(count)}</div>'
                     f'<div class="tile-label">{change}</div>'
                     f'<div class="tile-note">{html_text(CHANGE_MEANINGS[change])}'
                     "</div></div>" for change, (count, _) in changes.items())
    lists = []
    for change, (count, rows) in changes.items():
        if rows:
            items = "".join(f"<li>{page_link(r['url'], r['title'])}</li>" for r in rows)
            hidden = count - len(rows)
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


def host_section(tables: dict[str, list[dict]], pages: pa.Table) -> str:
    per_host = host_outcomes(pages)
    outcomes = [r["outcome"] for r in tables["outcomes"]]
    busiest = sorted(tables["hosts"], key=lambda r: (-r["urls"], r["host"]))[:TOP_HOSTS]
    bars = [Bar(r["host"], tuple(Segment(o, per_host[r["host"], o], outcome_colour(o))
                                 for o in outcomes if per_host[r["host"], o]))
            for r in busiest]
    offsets, span = fetch_offsets(pages, [r["host"] for r in busiest], DOTS_PER_HOST)
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
    documents, tables = corpus.documents, corpus.tables
    body = "".join([
        f"<header><h1>cuishou corpus report</h1>"
        f"<p>run {html_text(run_id)}{' · ' + html_text(started) if started else ''} · "
        f"{report.get('seconds', 0):.1f} s · <code>{html_text(str(out))}</code></p></header>",
        headline(report, tables, documents),
        '<div class="cards">',
        changes_section(corpus.changes, report),
        outcome_section(tables),
        junk_section(tables),
        cluster_section(tables, documents.largest_clusters),
        tag_section(tables),
        host_section(tables, corpus.run_pages),
        quality_section(tables, documents.lowest_quality),
        "</div><footer>Changes, pages and hosts: this run. Documents, junk, clusters, tags and quality: the whole "
        "corpus after this run. Every number is also in the table under its chart.</footer>",
    ])
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>cuishou report {html_text(run_id)}</title><style>{STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def write_report_html(out: Path, report: dict, corpus: CorpusRead | None = None) -> Path:
    """Write ``out/report.html`` atomically: a reader never sees half a page. ``corpus``: already read."""
    return write_text_atomic(out / "report.html", _render_report_html(out, report, corpus or read_corpus(out, report)))

"""The corpus contract: one explicit Arrow schema per table, each field with its description.

Readers (pyarrow, duckdb, polars, pandas, Hugging Face datasets) see the descriptions in the
Parquet field metadata; the README's field table is generated from the same source. Add fields
only as nullable, never change a type, and bump SCHEMA_VERSION when the contract changes.
"""

from __future__ import annotations

import pyarrow as pa

from cuishou.extract.visits import OUTCOMES

SCHEMA_VERSION = "3"  # 3: documents gained is_current and superseded_by; urls/ is new

_STRINGS = pa.list_(pa.string())
_REMOVED = pa.list_(pa.struct([("rule", pa.string()), ("text", pa.string())]))
_TIMESTAMP = pa.timestamp("us", tz="UTC")

DOCUMENT_FIELDS: list[tuple[str, pa.DataType, bool, str]] = [
    ("doc_id", pa.string(), False, "Stable id: sha256 of the final URL and content_sha256 (first 32 hex). The same page content gets the same id on every run."),
    ("url", pa.string(), False, "Final URL of the page, after redirects."),
    ("host", pa.string(), False, "Host name of url."),
    ("title", pa.string(), True, "Article title (the page's headline, without site-name suffixes)."),
    ("published", pa.date32(), True, "Publication date shown on the page for the article (not a comment's date); null if the page shows none."),
    ("text", pa.string(), False, "Clean main text: paragraphs joined by \\n; no title line, comments, link lists or footers."),
    ("language", pa.string(), False, "Language of text: zh (simplified), zh-Hant (traditional), en, or und."),
    ("dup_cluster", pa.string(), False, "Near-duplicate cluster id: equal for all near-duplicates of one another, unique otherwise."),
    ("is_canonical", pa.bool_(), False, "True for the one representative of its dup_cluster (a current row when the cluster has one, then longest clean text, then earliest published, then URL)."),
    ("cluster_size", pa.int32(), False, "Number of documents in dup_cluster."),
    ("dup_similarity", pa.float32(), False, "Best verified similarity (Jaccard or containment of character shingles) to another cluster member; 0 for singletons."),
    ("is_current", pa.bool_(), True, "True when this row is its URL's current version and the URL was not gone at the last run: `where is_current` is the corpus as it is online now, one row per page. Not null from schema 3 on."),
    ("superseded_by", pa.string(), True, "doc_id of the URL's next version (versions in the order their text was first fetched; the last one is superseded by the current one); null for the current version and for the last version of a gone URL."),
    ("products", _STRINGS, False, "Lending products the text is about, from 微粒贷/借呗/花呗/信用卡/网贷."),
    ("channels", _STRINGS, False, "Collection channels the text discusses, from 上门/电话/短信."),
    ("topics", _STRINGS, False, "Advice topics, from 法律权益/协商还款/投诉举报/征信影响/催收合规/核实身份/保留证据/报警."),
    ("lenders", _STRINGS, False, "Other lenders and products named in the text, one canonical name each (网商贷, 京东白条, 招商银行 …)."),
    ("legal_refs", _STRINGS, False, "Laws and regulations cited, with the article when given, e.g. '民法典 第675条', '刑法 第293条之一'."),
    ("overdue_days", pa.list_(pa.int32()), False, "Overdue durations the text mentions, in days (逾期2天 → 2, 逾期三个月 → 90)."),
    ("home_visit_claims", _STRINGS, False, "Claims about home visits: threat, legal_limits, verify_identity, rare_in_practice, call_police."),
    ("tag_evidence", pa.string(), True, "JSON object: 'facet:label' -> the cue words that assigned the tag."),
    ("comments", _STRINGS, False, "Comment bodies found on the page (never part of text)."),
    ("removed", _REMOVED, False, "Every span cleaning removed from the extracted text, with the rule that removed it."),
    ("text_chars", pa.int32(), False, "Characters in text."),
    ("removed_share", pa.float32(), False, "Share of extracted characters that cleaning removed (0-1)."),
    ("scrubbed_gaps", pa.int32(), False, "Gaps left by scrubbed (deleted) words, e.g. '通过 联系', '、、', '《人民合同法》'."),
    ("spin_density", pa.float32(), False, "Spinner-substitution markers (疑惑/采纳/之一步 …) per 1,000 CJK characters."),
    ("quality_score", pa.float32(), False, "0-1 score combining length, removed share, gaps and spin (README: Quality signals)."),
    ("fetched_at", _TIMESTAMP, False, "When the page was fetched (UTC)."),
    ("http_status", pa.int16(), False, "HTTP status of the final response."),
    ("content_sha256", pa.string(), False, "sha256 of text (hex)."),
    ("encoding", pa.string(), False, "Character encoding the page was decoded with (gb2312/gbk are read as gb18030)."),
    ("encoding_source", pa.string(), False, "Where the encoding came from: bom, http, meta, detected or fallback."),
    ("warc_file", pa.string(), True, "File name of the WARC holding the raw response."),
    ("warc_record_id", pa.string(), True, "WARC-Record-ID of the raw response."),
    ("pipeline_version", pa.string(), False, "Versions of cuishou's extraction/cleaning and of trafilatura that made this row."),
    ("schema_version", pa.string(), False, "Version of this table's schema (also in the file metadata as cuishou.schema_version)."),
]

PAGE_FIELDS: list[tuple[str, pa.DataType, bool, str]] = [
    ("url", pa.string(), False, "A URL the run met (seed, link, sitemap entry, redirect target, robots.txt)."),
    ("host", pa.string(), False, "Host name of url ('' when url has no valid host: such a URL is refused)."),
    ("outcome", pa.string(), False, f"How the URL ended: {', '.join(o for o in OUTCOMES if o != 'fetched')}."),
    ("reason", pa.string(), True, "Why, in words (e.g. 'HTTP 404', 'disallowed by robots.txt', 'listing page: 90% link text')."),
    ("status", pa.int16(), True, "HTTP status of the response; null if no request was made or none came back."),
    ("content_type", pa.string(), True, "Content-Type header of the response."),
    ("redirect_to", pa.string(), True, "Target of a redirect."),
    ("referrer", pa.string(), True, "The page or sitemap where the URL was found; null for seeds."),
    ("attempts", pa.int16(), False, "Requests made for this URL (retries included)."),
    ("fetched_at", _TIMESTAMP, True, "When the final response arrived (UTC)."),
    ("doc_id", pa.string(), True, "The document row made from this URL (outcome document)."),
    ("warc_file", pa.string(), True, "File name of the WARC holding the response."),
    ("warc_record_id", pa.string(), True, "WARC-Record-ID of the response."),
    ("run_id", pa.string(), False, "The run that met the URL (the corpus keeps every run's ledger)."),
]

URL_FIELDS: list[tuple[str, pa.DataType, bool, str]] = [
    ("url", pa.string(), False, "A URL documented by some run (it has at least one row in documents/)."),
    ("host", pa.string(), False, "Host name of url."),
    ("current_doc_id", pa.string(), False, "doc_id of the URL's latest version: the text its latest live response served (kept when the URL is gone)."),
    ("first_seen", _TIMESTAMP, False, "When the URL was first documented: the fetch time of its first version (UTC)."),
    ("last_seen", _TIMESTAMP, False, "The latest response that served the page: its article, or not modified (UTC)."),
    ("last_fetched", _TIMESTAMP, False, "The URL's latest response of any kind (UTC)."),
    ("last_status", pa.int16(), True, "HTTP status of that latest response (304: not modified); null if the request got none (timeout, connection error)."),
    ("gone_since", _TIMESTAMP, True, "When the URL was found gone: its 404/410 answer, or the first of the --gone-after runs that no longer met it; null while it is live."),
    ("versions", pa.int32(), False, "Rows of the URL in documents/: texts it has served."),
    ("unlinked_runs", pa.int32(), False, "Runs in a row that crawled the URL's host without errors but did not meet the URL (no link, not in a sitemap)."),
    ("unlinked_since", _TIMESTAMP, True, "The first of those runs (its host's latest response, UTC); null when unlinked_runs is 0."),
    ("last_change", pa.string(), False, "The URL's latest change: new (first documented), changed (a new version), gone, or back (live again after gone)."),
    ("last_change_run", pa.string(), False, "run_id of the run whose pages recorded that change."),
]


def _schema(fields: list[tuple[str, pa.DataType, bool, str]]) -> pa.Schema:
    return pa.schema(
        [pa.field(name, dtype, nullable, metadata={"description": doc}) for name, dtype, nullable, doc in fields],
        metadata={"cuishou.schema_version": SCHEMA_VERSION},
    )


DOCUMENT_SCHEMA = _schema(DOCUMENT_FIELDS)
PAGE_SCHEMA = _schema(PAGE_FIELDS)
URL_SCHEMA = _schema(URL_FIELDS)


def fields_of(schema: pa.Schema, names: list[str]) -> pa.Schema:
    """The schema of some of ``schema``'s columns, in the order given (for reading those columns)."""
    return pa.schema([schema.field(name) for name in names])


def field_table(fields: list[tuple[str, pa.DataType, bool, str]]) -> str:
    """A Markdown table of a schema, for the README and the dataset card."""
    rows = ["| field | type | description |", "| --- | --- | --- |"]
    rows += [f"| `{name}` | {dtype}{'' if nullable else ' (not null)'} | {doc} |" for name, dtype, nullable, doc in fields]
    return "\n".join(rows)

"""The corpus's dataset card: ``DIR/README.md`` with a Hugging Face YAML header, generated from the data.

A corpus folder travels without this repository (copied, uploaded to the Hub, opened by a
colleague), so it carries its own description: what the rows are, how they were made, how many
there are, every field, how to load them, and what not to assume. The features in the header come
from ``transform.schema`` (the same source as the Parquet field metadata), so ``datasets`` reads
the folder with the declared types.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import yaml

from cuishou.flows.corpus_figures import CorpusRead, DocumentFigures, PageFigures, read_corpus
from cuishou.flows.escape import markdown_code
from cuishou.transform.dedup import CONTAINMENT_THRESHOLD, JACCARD_THRESHOLD, SHINGLE_SIZE
from cuishou.transform.quality import FULL_LENGTH_HAN, GAP_SATURATION, SPIN_SATURATION, WEIGHTS
from cuishou.transform.schema import (
    DOCUMENT_FIELDS,
    DOCUMENT_SCHEMA,
    PAGE_FIELDS,
    PAGE_SCHEMA,
    SCHEMA_VERSION,
    URL_FIELDS,
    URL_SCHEMA,
    field_table,
)
from cuishou.transform.write import URL_TABLE, write_text_atomic

PRETTY_NAME = "cuishou: Chinese debt-collection advice pages (催收)"
TOP_HOSTS = 50  # rows of the by-host table
SIZE_CATEGORIES = [
    (1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
]
# Tag accuracy (precision, recall, F1) on the 51 real hand-labelled texts, as printed by
# `uv run python benchmarks/tags.py`; tests/benchmarks/test_tags_benchmark.py keeps them current.
TAG_ACCURACY = {"products": (0.962, 1.000, 0.980), "channels": (1.000, 1.000, 1.000), "topics": (0.977, 0.977, 0.977)}
HF_DTYPES = {
    pa.string(): "string", pa.bool_(): "bool", pa.int8(): "int8", pa.int16(): "int16", pa.int32(): "int32",
    pa.int64(): "int64", pa.float32(): "float32", pa.float64(): "float64", pa.date32(): "date32",
}


def hf_feature(dtype: pa.DataType) -> dict:
    """An Arrow type in the card's ``features`` notation (the one ``datasets`` writes and reads).

    A list of strings is ``sequence: string``; a list of structs must be ``list: [fields]``,
    because ``sequence`` of a struct means a struct of lists to ``datasets``.
    """
    if pa.types.is_timestamp(dtype):
        return {"dtype": f"timestamp[{dtype.unit}, tz={dtype.tz}]" if dtype.tz else f"timestamp[{dtype.unit}]"}
    if pa.types.is_list(dtype) and pa.types.is_struct(dtype.value_type):
        return {"list": [{"name": field.name, **hf_feature(field.type)} for field in dtype.value_type]}
    if pa.types.is_list(dtype):
        return {"sequence": hf_feature(dtype.value_type)["dtype"]}
    if dtype in HF_DTYPES:
        return {"dtype": HF_DTYPES[dtype]}
    raise ValueError(f"no Hugging Face feature type for {dtype}")


def hf_features(schema: pa.Schema) -> list[dict]:
    return [{"name": field.name, **hf_feature(field.type)} for field in schema]


def size_category(rows: int) -> str:
    return next((label for limit, label in SIZE_CATEGORIES if rows < limit), "n>1B")


@dataclass(frozen=True)
class TableSize:
    rows: int
    num_bytes: int  # uncompressed, from the Parquet footers
    download_size: int  # bytes on disk


def table_size(folder: Path) -> TableSize:
    """Rows and bytes of a Parquet table, from its files' footers (no data is read)."""
    files = ds.dataset(folder, format="parquet").files
    footers = [pq.ParquetFile(path).metadata for path in files]
    return TableSize(
        rows=sum(meta.num_rows for meta in footers),
        num_bytes=sum(meta.row_group(i).total_byte_size for meta in footers for i in range(meta.num_row_groups)),
        download_size=sum(os.path.getsize(path) for path in files),
    )


def config_info(name: str, schema: pa.Schema, size: TableSize) -> dict:
    return {
        "config_name": name,
        "features": hf_features(schema),
        "splits": [{"name": "train", "num_bytes": size.num_bytes, "num_examples": size.rows}],
        "download_size": size.download_size,
        "dataset_size": size.num_bytes,
    }


def front_matter(documents: TableSize, pages: TableSize, urls: TableSize) -> dict:
    """The card's YAML header: Hub metadata, the three configs and their features."""
    return {
        "pretty_name": PRETTY_NAME,
        "language": ["zh"],
        "license": "other",
        "license_name": "third-party-web-text",
        "task_categories": ["text-classification", "text-generation", "feature-extraction"],
        "tags": ["chinese", "web-crawl", "debt-collection", "consumer-credit", "near-deduplication", "parquet"],
        "size_categories": [size_category(documents.rows)],
        "configs": [
            {"config_name": "default", "data_files": [{"split": "train", "path": "documents/**/*.parquet"}]},
            {"config_name": "pages", "data_files": [{"split": "train", "path": "pages/**/*.parquet"}]},
            {"config_name": "urls", "data_files": [{"split": "train", "path": "urls/*.parquet"}]},
        ],
        "dataset_info": [config_info("default", DOCUMENT_SCHEMA, documents), config_info("pages", PAGE_SCHEMA, pages),
                         config_info("urls", URL_SCHEMA, urls)],
    }


def markdown_table(header: list[str], rows: list[list]) -> str:
    """A GitHub table; pipes in cells are escaped (GitHub splits cells before reading code spans)."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def counts_section(documents: DocumentFigures, pages: PageFigures, url_states: pa.Table) -> str:
    """Documents, current and canonical documents, clusters, URLs; per host and per tag."""
    clusters = documents.cluster_sizes
    per_host, canonical, urls = documents.hosts, documents.canonical_hosts, pages.hosts
    hosts = sorted(urls | per_host, key=lambda h: (-per_host[h], h))
    host_rows = [[markdown_code(h), per_host[h], canonical[h], urls[h]] for h in hosts[:TOP_HOSTS]]
    more = f"\n\nand {len(hosts) - TOP_HOSTS:,} more hosts." if len(hosts) > TOP_HOSTS else ""
    tag_table = [[r["facet"], r["tag"], r["documents"], r["canonical"]] for r in documents.tags]
    languages = ", ".join(f"{lang} {n}" for lang, n in documents.languages.most_common())
    return f"""## Counts

| | |
| --- | --- |
| documents | {documents.rows:,} |
| current documents (`is_current`: one per page online at the last run) | {documents.current:,} |
| canonical documents (one per near-duplicate cluster) | {sum(canonical.values()):,} |
| near-duplicate clusters | {clusters.total():,} ({sum(n for size, n in clusters.items() if size > 1):,} with two or \
more documents, {sum(size * n for size, n in clusters.items() if size > 1):,} documents in them) |
| hosts | {len(per_host):,} |
| languages | {languages or "none"} |
| URLs documented (`urls`) | {url_states.num_rows:,} ({url_states.column("gone_since").null_count:,} live, \
{url_states.num_rows - url_states.column("gone_since").null_count:,} gone) |
| URLs in `pages` (all runs) | {pages.rows:,} |

### By host

{markdown_table(["host", "documents", "canonical", "URLs met (all runs)"], host_rows)}{more}

### By tag

A document counts once per tag; a document can have several tags of a facet, or none.

{markdown_table(["facet", "tag", "documents", "canonical"], tag_table)}
"""


def build_section(documents: DocumentFigures, pages: PageFigures, report: dict) -> str:
    """How the rows were made: the pipeline, its versions, and the runs that wrote them."""
    versions = documents.pipeline_versions.most_common()
    runs = run_rows(pages)
    return f"""## How it was built

Built with cuishou (`cuishou build`), a pipeline of Prefect flows:

1. **Crawl** the seed sites politely (robots.txt, per-host delay and concurrency, retries with
   backoff), or read archived WARC files; every response is kept in WARC files (`warc/`).
2. **Decode** bytes to text (BOM, HTTP charset, `<meta charset>`, detection, believed only when the
   bytes agree; gb2312/gbk as gb18030); a page that decodes only to mojibake is `decode_error` in `pages`.
3. **Extract** the main text, title, date and comments (trafilatura plus genre rules), within a
   per-page budget (a page over it is `too_complex` in `pages`); pages that are not articles
   (listings, error pages) are recorded in `pages` with a reason, not dropped silently.
4. **Clean** the genre's junk (injected title lines, repeated outlines, fake comment sections,
   link farms, disclaimers, articles printed twice); every removed span is kept in `removed` with its rule.
5. **Score** quality (see Quality signals) and **tag** products, collection channels and topics with keyword rules.
6. **Cluster** near-duplicates over the whole corpus and pick one canonical document per cluster.
7. **Write** Parquet (zstd, Hive partitions `crawl_date=YYYY-MM-DD`, schema version {SCHEMA_VERSION} in
   the file metadata key `cuishou.schema_version`, a description on every field).
8. **Track versions**: every run adds only texts not in the folder yet, and folds its ledger into `urls`
   (one row per page: current version, first and last seen, gone); each document row says whether
   it is its page's current text (`is_current`) and which row replaced it (`superseded_by`).

Pipeline versions of the documents:

{markdown_table(["pipeline_version", "documents"], [[markdown_code(v), n] for v, n in versions])}

Runs that wrote this folder (the latest: {markdown_code(report.get("run_id", ""))}, {report.get("seconds", 0):.1f} s):

{markdown_table(["run", "URLs met", "first response (UTC)", "last response (UTC)"], runs)}
"""


def run_rows(pages: PageFigures) -> list[list]:
    """Per run in the pages ledger: URLs met and the span of its responses."""
    return [[markdown_code(run), met, _stamp(first), _stamp(last)]
            for run, (met, first, last) in sorted(pages.runs.items())]


def _stamp(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S") if when is not None else ""


def fields_section() -> str:
    return f"""## Fields

### `documents/` (config `default`): one row per article page

{field_table(DOCUMENT_FIELDS)}

`crawl_date` (the Hive partition, `YYYY-MM-DD`) is added by partition-aware readers.

### `pages/` (config `pages`): every URL a run met, and how it ended

{field_table(PAGE_FIELDS)}

### `urls/` (config `urls`): one row per URL ever documented, as the runs so far left it

{field_table(URL_FIELDS)}

A URL is gone after a 404 or 410 answer, or after `--gone-after` runs (default 2) that crawled its
host without errors and no longer met it (no link, not in a sitemap); a 5xx or a timeout is not gone.
"""


LOADING = """## How to load

Paths are relative to this folder.

```python
import pandas as pd
documents = pd.read_parquet("documents")                      # crawl_date comes from the folder names

import pyarrow.dataset as ds
table = ds.dataset("documents", partitioning="hive").to_table()
print(table.schema.field("quality_score").metadata[b"description"].decode())

import duckdb
duckdb.sql("select url, title, topics from read_parquet('documents/**/*.parquet', hive_partitioning = true) "
           "where is_canonical and list_contains(channels, '上门')")
current = duckdb.sql("select * from read_parquet('documents/**/*.parquet', hive_partitioning = true) "
                     "where is_current")                      # the corpus as it is online now: one row per page
gone = duckdb.sql("select url, gone_since from read_parquet('urls/*.parquet') where gone_since is not null")

import polars as pl
canonical = pl.scan_parquet("documents/**/*.parquet", hive_partitioning=True).filter(pl.col("is_canonical")).collect()

import os
from datasets import load_dataset
documents = load_dataset(os.getcwd(), split="train")          # this card's default config: documents/
pages = load_dataset(os.getcwd(), "pages", split="train")     # the per-URL ledger
```

(`datasets` names a local dataset after its folder, so it needs the folder's path, not `"."`.)
"""


def quality_section(documents: DocumentFigures) -> str:
    scores = documents.quality
    spread = (f"In this folder: median {np.median(scores):.2f}, "
              f"{int((scores >= 0.8).sum()):,} of {scores.size:,} documents at 0.8 or more."
              if scores.size else "")
    return f"""## Quality signals

Two defects of this genre pass the usual web-text filters, so each document carries signals for them:

- `scrubbed_gaps`: places where the site deleted a "sensitive" word and left the gap
  (`通过 联系`, `、、等`, `《人民合同法》`). The text is kept as it is: a repair would be a guess.
- `spin_density`: words that synonym spinners (伪原创) substitute and ordinary writing rarely uses
  (疑惑, 采纳, 之一步, 至关关键 …), per 1,000 Han characters.
- `removed_share`: the share of the extracted characters that cleaning removed (junk, comments).
- `quality_score` (0-1) = min(1, Han characters / {FULL_LENGTH_HAN})
  × (1 − {WEIGHTS["spin"]} × min(1, spin_density / {SPIN_SATURATION:g})
  − {WEIGHTS["gaps"]} × min(1, gaps per 1,000 Han characters / {GAP_SATURATION:g})
  − {WEIGHTS["junk"]} × removed_share). {spread}
- `dup_cluster`, `is_canonical`, `cluster_size`, `dup_similarity`: near-duplicates (copies,
  spun copies, truncated or extended copies, traditional-script copies) share a cluster; keep
  `is_canonical` rows for one document per cluster.
"""


RESERVED_TLDS = ("test", "example", "invalid", "localhost")  # RFC 2606 / RFC 6761: never a real site
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")


def is_test_host(host: str) -> bool:
    """A host under a domain reserved for tests and documentation: its pages are made up, not published."""
    host = host.lower().rstrip(".")
    return host.rsplit(".", 1)[-1] in RESERVED_TLDS or any(
        host == domain or host.endswith(f".{domain}") for domain in RESERVED_DOMAINS)


_PUBLISHED = ("The texts are third-party web pages; their copyright belongs to the pages' publishers (the hosts "
              "listed above). This folder is a research corpus; check the publishers' terms before redistributing "
              "text, and remove pages on a publisher's request.")
_MADE_UP = ("come from test sites (hosts under domains reserved for testing, such as `.test`; the sample bundled "
            "with cuishou is one): they are synthetic pages written in the style of the genre, not real "
            "publishers' pages")


def licence_caveat(hosts: Mapping[str, int]) -> str:
    """Where the texts come from: publishers' pages, or test sites (the bundled sample is one);
    ``hosts``: documents per host."""
    test = sum(n for host, n in hosts.items() if is_test_host(host))
    documents = sum(hosts.values())
    if not test:
        origin = _PUBLISHED
    elif test == documents:
        origin = f"All {test:,} documents {_MADE_UP}."
    else:
        origin = f"{test:,} of {documents:,} documents {_MADE_UP}. Of the others: {_PUBLISHED}"
    return f"- **Licence: other.** {origin}\n  The metadata (tags, signals, clusters) is the pipeline's output."


def caveats_section(documents: DocumentFigures) -> str:
    tag_accuracy = "; ".join(
        f"{facet} P {p:.3f} / R {r:.3f} / F1 {f1:.3f}" for facet, (p, r, f1) in TAG_ACCURACY.items()
    )
    return f"""## Licence and caveats

{licence_caveat(documents.hosts)}
- **Personal information may appear**: names, phone numbers or case details in articles and
  especially in `comments` (user-generated). Filter or mask before publishing derived data.
- **Not legal advice, and not always correct.** Pages come from content farms of this genre,
  which copy, spin and sometimes garble each other; `quality_score` flags some of it, not all.
- **Tags are rules, measured on real texts**, not annotations: on 51 real texts of the genre
  labelled by hand to the tag spec, {tag_accuracy} (`uv run python benchmarks/tags.py`). These are
  development figures: the rules were written against those texts. The cue words behind every tag
  are in `tag_evidence`; expect misses and false hits at the margins.
- **Near-duplicates are clustered, not removed**: two documents join a cluster when their
  character {SHINGLE_SIZE}-gram sets have Jaccard similarity ≥ {JACCARD_THRESHOLD} or containment
  ≥ {CONTAINMENT_THRESHOLD} (MinHash LSH candidates, verified exactly). Heavily spun copies can
  stay apart; different articles quoting the same boilerplate rarely merge.
- **Gone is decided conservatively**: a page that is removed without a 404/410 (its links
  dropped) stays current until `--gone-after` clean runs have missed it, and a page a site turned
  into an error page served with status 200 stays current, so `is_current` can lag behind the site.
- **Coverage** is what the seeds reached: robots.txt was obeyed and JavaScript was not run.
  `pages` lists every URL met and why it is or is not a document.
"""


def render_dataset_card(out: Path, report: dict) -> str:
    """The whole card for the corpus in ``out``; ``report`` is the latest run's report (``out/runs/``)."""
    return _render_dataset_card(out, report, read_corpus(out, report))


def _render_dataset_card(out: Path, report: dict, corpus: CorpusRead) -> str:
    """The card from the corpus already read for the run report."""
    documents, pages = corpus.documents, corpus.pages
    metadata = front_matter(table_size(out / "documents"), table_size(out / "pages"), table_size(out / "urls"))
    header = yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False)
    summary = (f"{documents.rows:,} Chinese web pages of debt-collection advice "
               "(微粒贷/借呗/花呗/信用卡/网贷 逾期, 上门/电话/短信催收, borrowers' rights), "
               "cleaned of the genre's junk, clustered into near-duplicates, tagged, and scored for quality; "
               "plus `pages`, the ledger of every URL the crawl met and how it ended.")
    sections = [
        f"---\n{header}---\n\n# {PRETTY_NAME}\n\n{summary}\n",
        build_section(documents, pages, report),
        counts_section(documents, pages, pq.read_table(out / URL_TABLE, columns=["gone_since"])),
        fields_section(), LOADING,
        quality_section(documents), caveats_section(documents),
    ]
    return "\n".join(sections)


def write_dataset_card(out: Path, report: dict, corpus: CorpusRead | None = None) -> Path:
    """Write ``out/README.md`` atomically (temporary file, then rename).

    ``corpus``: the corpus already read for the run report (``read_corpus``).
    """
    return write_text_atomic(out / "README.md", _render_dataset_card(out, report, corpus or read_corpus(out, report)))

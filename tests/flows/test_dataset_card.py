"""The dataset card (DIR/README.md) over the bundled sample: valid Hub YAML, features that are the
schema's, counts that are the corpus's, and a folder that ``datasets`` loads through the card."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest
import yaml
from sample_corpus import RUN_ID, build_sample_corpus, corpus, offline_datasets  # noqa: F401 (corpus is a shared fixture)

from cuishou.flows.dataset_card import (
    hf_feature,
    licence_caveat,
    render_dataset_card,
    size_category,
    write_dataset_card,
)
from cuishou.transform.dedup import JACCARD_THRESHOLD
from cuishou.transform.schema import (
    DOCUMENT_FIELDS,
    DOCUMENT_SCHEMA,
    PAGE_FIELDS,
    PAGE_SCHEMA,
    URL_FIELDS,
    URL_SCHEMA,
    field_table,
)

# Arrow type -> the Hub card notation, written out by hand (the card must say exactly this)
EXPECTED_FEATURES = {
    "string": {"dtype": "string"},
    "bool": {"dtype": "bool"},
    "int16": {"dtype": "int16"},
    "int32": {"dtype": "int32"},
    "float": {"dtype": "float32"},
    "date32[day]": {"dtype": "date32"},
    "timestamp[us, tz=UTC]": {"dtype": "timestamp[us, tz=UTC]"},
    "list<item: string>": {"sequence": "string"},
    "list<item: int32>": {"sequence": "int32"},
    "list<item: struct<rule: string, text: string>>": {
        "list": [{"name": "rule", "dtype": "string"}, {"name": "text", "dtype": "string"}]
    },
}


@pytest.fixture(scope="module")
def card(corpus) -> str:
    return render_dataset_card(*corpus)


@pytest.fixture(scope="module")
def header(card) -> dict:
    assert card.startswith("---\n")
    return yaml.safe_load(card.split("---\n")[1])


def documents(out: Path) -> list[dict]:
    return ds.dataset(out / "documents", partitioning="hive").to_table().to_pylist()


def configs(header: dict) -> dict[str, dict]:
    return {info["config_name"]: info for info in header["dataset_info"]}


def test_header_has_the_hub_fields(header):
    assert header["license"] == "other" and header["license_name"]
    assert header["language"] == ["zh"]
    assert header["size_categories"] == ["n<1K"]
    assert set(header["task_categories"]) <= {"text-classification", "text-generation", "feature-extraction"}
    assert header["pretty_name"]
    assert {c["config_name"]: c["data_files"] for c in header["configs"]} == {
        "default": [{"split": "train", "path": "documents/**/*.parquet"}],
        "pages": [{"split": "train", "path": "pages/**/*.parquet"}],
        "urls": [{"split": "train", "path": "urls/*.parquet"}],
    }


@pytest.mark.parametrize(("config", "schema"), [("default", DOCUMENT_SCHEMA), ("pages", PAGE_SCHEMA),
                                               ("urls", URL_SCHEMA)])
def test_features_are_every_column_with_its_dtype(header, config, schema):
    features = configs(header)[config]["features"]
    assert [f["name"] for f in features] == schema.names
    for feature, field in zip(features, schema):
        assert {k: v for k, v in feature.items() if k != "name"} == EXPECTED_FEATURES[str(field.type)], field.name


def test_split_sizes_are_the_corpus_rows(corpus, header):
    out, report = corpus
    info = configs(header)
    assert info["default"]["splits"][0]["num_examples"] == len(documents(out)) == 34
    assert info["pages"]["splits"][0]["num_examples"] == report["urls_met"] == 62
    assert info["urls"]["splits"][0]["num_examples"] == 34
    assert all(i["splits"][0]["num_bytes"] > 0 and i["download_size"] > 0 for i in info.values())


def test_counts_are_the_corpus(corpus, card):
    rows = documents(corpus[0])
    clusters = Counter(r["dup_cluster"] for r in rows)
    assert "| documents | 34 |" in card
    assert "| current documents (`is_current`: one per page online at the last run) | 34 |" in card
    assert "| URLs documented (`urls`) | 34 (34 live, 0 gone) |" in card
    assert f"| canonical documents (one per near-duplicate cluster) | {sum(r['is_canonical'] for r in rows)} |" in card
    assert f"| near-duplicate clusters | {len(clusters)} ({sum(n > 1 for n in clusters.values())} with two" in card
    for host, n in Counter(r["host"] for r in rows).items():
        canonical = sum(r["is_canonical"] for r in rows if r["host"] == host)
        assert f"| `{host}` | {n} | {canonical} |" in card
    for facet in ("products", "channels", "topics"):
        for tag, n in Counter(t for r in rows for t in r[facet]).items():
            assert f"| {facet} | {tag} | {n} |" in card


def test_card_explains_fields_build_loading_and_caveats(corpus, card):
    assert field_table(DOCUMENT_FIELDS) in card and field_table(PAGE_FIELDS) in card and field_table(URL_FIELDS) in card
    versions = {r["pipeline_version"] for r in documents(corpus[0])}
    assert all(f"| `{v}` | " in card for v in versions)
    assert f"| `{RUN_ID}` | 62 |" in card
    for reader in ("pd.read_parquet", "ds.dataset", "duckdb.sql", "pl.scan_parquet", "load_dataset"):
        assert reader in card
    for caveat in ("Licence: other", "Personal information may appear", "Tags are rules, measured on real texts",
                   "products P 0.962 / R 1.000 / F1 0.980", "benchmarks/tags.py",
                   f"Jaccard similarity ≥ {JACCARD_THRESHOLD}", "quality_score"):
        assert caveat in card


def test_a_corpus_without_documents_still_has_a_card(tmp_path):
    card = render_dataset_card(tmp_path, build_sample_corpus(tmp_path, articles=False))
    header = configs(yaml.safe_load(card.split("---\n")[1]))
    assert header["default"]["splits"][0]["num_examples"] == 0
    assert "| documents | 0 |" in card


def test_size_categories_follow_the_hub_buckets():
    assert [size_category(n) for n in (0, 999, 1_000, 99_999, 100_000, 5_000_000, 2_000_000_000)] == [
        "n<1K", "n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "n>1B"]


def test_unknown_arrow_types_are_refused():
    with pytest.raises(ValueError, match="no Hugging Face feature type"):
        hf_feature(pa.decimal128(10, 2))


def test_datasets_reads_the_declared_features_and_the_folder(corpus, tmp_path):
    out, report = corpus
    write_dataset_card(out, report)
    with offline_datasets(tmp_path / "hf") as datasets:
        header = configs(yaml.safe_load((out / "README.md").read_text(encoding="utf-8").split("---\n")[1]))
        for config, schema in (("default", DOCUMENT_SCHEMA), ("pages", PAGE_SCHEMA), ("urls", URL_SCHEMA)):
            declared = datasets.Features._from_yaml_list(header[config]["features"])
            assert declared == datasets.Features.from_arrow_schema(schema)
        cache = str(tmp_path / "hf" / "cache")
        loaded = datasets.load_dataset(str(out), split="train", cache_dir=cache)
        pages = datasets.load_dataset(str(out), "pages", split="train", cache_dir=cache)
        urls = datasets.load_dataset(str(out), "urls", split="train", cache_dir=cache)
    assert len(loaded) == 34 and len(pages) == 62 and len(urls) == 34
    assert loaded.features == datasets.Features.from_arrow_schema(DOCUMENT_SCHEMA)


def test_the_cards_datasets_snippet_runs_as_written_from_the_folder(corpus, tmp_path, monkeypatch):
    out, report = corpus
    write_dataset_card(out, report)
    code = (out / "README.md").read_text(encoding="utf-8").split("```python\n")[1].split("```")[0]
    snippet = "\n".join(line for line in code.splitlines() if "datasets" in line or "load_dataset" in line
                        or line.startswith("import os"))
    monkeypatch.chdir(out)
    with offline_datasets(tmp_path / "hf"):
        scope: dict = {}
        exec(snippet, scope)
    assert (len(scope["documents"]), len(scope["pages"])) == (34, 62)


def test_the_licence_says_whether_the_texts_are_published_pages_or_test_pages(card):
    """The bundled sample's hosts are under .test: its pages are made up, and the card must not call them real."""
    assert "All 34 documents come from test sites" in card and "third-party web pages" not in card
    assert "copyright belongs to the pages' publishers" in licence_caveat({"www.sohu.com": 1})
    mixed = licence_caveat({"site-a.test": 1, "www.sohu.com": 1, "a.example.com": 1})
    assert mixed.startswith("- **Licence: other.** 2 of 3 documents come from test sites")


def test_write_dataset_card_replaces_the_readme_whole(corpus):
    out, report = corpus
    (out / "README.md").write_text("old")
    path = write_dataset_card(out, report)
    assert path.read_text(encoding="utf-8") == render_dataset_card(out, report)
    assert not list(out.glob(".*.tmp"))

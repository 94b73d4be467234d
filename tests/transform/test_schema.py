from pathlib import Path

from cuishou.transform.schema import DOCUMENT_FIELDS, DOCUMENT_SCHEMA, PAGE_FIELDS, URL_FIELDS, URL_SCHEMA, field_table

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_field_tables_match_the_schema():
    assert field_table(DOCUMENT_FIELDS) in README
    assert field_table(PAGE_FIELDS) in README
    assert field_table(URL_FIELDS) in README


def test_every_field_is_described():
    for field in [*DOCUMENT_SCHEMA, *URL_SCHEMA]:
        assert len(field.metadata[b"description"]) > 10, field.name


def test_contract_columns_are_present():
    required = {"doc_id", "url", "host", "title", "published", "text", "language", "dup_cluster", "is_canonical",
                "products", "channels", "topics", "fetched_at", "content_sha256", "encoding", "pipeline_version"}
    assert required <= set(DOCUMENT_SCHEMA.names)


def test_the_pages_outcome_field_lists_every_outcome_a_finished_run_can_leave():
    from cuishou.extract.visits import OUTCOMES
    from cuishou.transform.schema import PAGE_FIELDS

    description = next(text for name, _, _, text in PAGE_FIELDS if name == "outcome")
    listed = set(description.split(": ", 1)[1].rstrip(".").split(", "))
    assert listed == set(OUTCOMES) - {"fetched"}

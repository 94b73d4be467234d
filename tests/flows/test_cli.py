import pytest
from dev_site import DEV_SITE

from cuishou.flows.cli import main


@pytest.mark.parametrize("argv", [["--help"], ["build", "--help"]])
def test_help_explains_with_examples(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "cuishou" in text and ("example" in text or "COMMAND" in text)


def test_build_help_lists_the_sources_and_output(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = capsys.readouterr().out
    for option in ("--seeds", "--warc", "--out", "--proxy", "--gone-after", "documents/", "pages/", "urls/"):
        assert option in text


def test_seeds_and_warc_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--seeds", "a.txt", "--warc", "b.warc"])
    assert exit_info.value.code == 2


def test_bad_seed_file_is_a_clear_error(tmp_path, capsys):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("not a url\n")
    assert main(["build", "--seeds", str(seeds), "--out", str(tmp_path / "out")]) == 1
    assert "seed line 1" in capsys.readouterr().err


ARTICLE = str(DEV_SITE / "hosts/site-d.test/html/31053.htm")  # GBK, scrubbed template


def test_extract_prints_clean_text_of_a_file(capsys):
    assert main(["extract", ARTICLE]) == 0
    text = capsys.readouterr().out
    assert text.startswith("有网友留言说") and "Copyright" not in text


def test_extract_json_has_metadata_tags_and_removed_spans(capsys):
    import json

    assert main(["extract", ARTICLE, "--json"]) == 0
    page = json.loads(capsys.readouterr().out)
    assert page["title"] == "微粒贷逾期三个月,说要来家里走访是真的吗" and page["published"] == "2025-02-11"
    assert "微粒贷" in page["products"] and page["tag_evidence"]["products:微粒贷"]
    assert {"rule": "footer_disclaimer", "text": "Copyright © 2000 - 2023 All Rights Reserved."} in page["removed"]


def test_extract_reads_stdin_and_says_why_a_page_is_not_an_article(monkeypatch, capsys):
    import io

    index = open(DEV_SITE / "hosts/site-d.test/index.html", "rb").read()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(index)))
    assert main(["extract", "-"]) == 3
    assert "listing page" in capsys.readouterr().err


def test_extract_says_a_folder_or_binary_bytes_are_not_an_html_page(tmp_path, capsys):
    assert main(["extract", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"error: extract {tmp_path}: is a folder, not a file;")
    image = tmp_path / "page.html"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    assert main(["extract", str(image)]) == 3
    assert capsys.readouterr().err == "non_html: the body is a PNG image, not HTML\n"


def test_extract_fetches_a_url(capsys):
    from http_server import Reply, ScriptedServer

    body = open(ARTICLE, "rb").read()
    with ScriptedServer({"/a.htm": [Reply(200, body, {"Content-Type": "text/html"})]}) as server:
        assert main(["extract", f"{server.url}/a.htm"]) == 0
    assert capsys.readouterr().out.startswith("有网友留言说")


def test_extract_reports_http_errors(capsys):
    from http_server import ScriptedServer

    with ScriptedServer({}) as server:
        assert main(["extract", f"{server.url}/missing"]) == 1
    assert "HTTP 404" in capsys.readouterr().err


def test_dedup_command_adds_the_corpus_cluster_columns(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
    from dev_site import ARTICLES

    table = pa.table({"doc_id": [f"d{i:02d}" for i in range(len(ARTICLES))],
                      "text": [g["main_text"] for g in ARTICLES], "label": [g["dup_cluster"] for g in ARTICLES]})
    pq.write_table(table, tmp_path / "mine.parquet")
    assert main(["dedup", str(tmp_path / "mine.parquet"), "--out", str(tmp_path / "out")]) == 0
    rows = ds.dataset(tmp_path / "out").to_table().to_pylist()
    assert len(rows) == len(ARTICLES) and {"label", "dup_cluster", "is_canonical", "cluster_size"} <= set(rows[0])
    same_label = {(a["doc_id"], b["doc_id"]) for a in rows for b in rows if a["label"] == b["label"]}
    same_cluster = {(a["doc_id"], b["doc_id"]) for a in rows for b in rows if a["dup_cluster"] == b["dup_cluster"]}
    assert same_cluster == same_label
    from collections import Counter

    sizes = [n for n in Counter(r["dup_cluster"] for r in rows).values() if n > 1]
    summary = capsys.readouterr().out.splitlines()
    assert summary[0].split() == ["documents", str(len(ARTICLES))]
    assert summary[2].split() == ["duplicate", "clusters", str(len(sizes)), f"({sum(sizes)}", "documents)"]
    assert str(tmp_path / "out") in summary[3] and len(summary) == 5


def test_an_error_is_one_line_and_its_traceback_only_with_verbose(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"doc_id": ["a", "a"], "text": ["x", "y"]}), tmp_path / "twice.parquet")
    argv = ["dedup", str(tmp_path / "twice.parquet"), "--out", str(tmp_path / "out")]
    assert main(argv) == 1
    assert capsys.readouterr().err == "error: doc_id must be unique: the input repeats some doc_ids (-v shows the traceback)\n"
    assert main([*argv, "-v"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and err.splitlines()[-1] == "error: doc_id must be unique: the input repeats some doc_ids"


def test_dedup_command_explains_a_missing_column(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a"], "text": ["x"]}), tmp_path / "bad.parquet")
    assert main(["dedup", str(tmp_path / "bad.parquet"), "--out", str(tmp_path / "out")]) == 1
    assert "doc_id" in capsys.readouterr().err

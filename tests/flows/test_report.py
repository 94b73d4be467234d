"""The run report printed at the end of a build: page-derived reasons are shown as text."""

from collections import Counter

from rich.console import Console

from cuishou.extract.visits import Visit
from cuishou.flows.report import build_report, current_pages_query

HOSTILE = [
    Visit("http://ok.test/x", "non_html", "application/x-[/]", status=200),
    Visit("http://ok.test/404", "not_article", "error page: 404 [/url] [bold]", status=404),
    Visit("http://ok.test/esc", "not_article", "title \x1b[2J\x1b]0;pwn\x07", status=200),
    Visit("http://pwn`<img src=x onerror=alert(1)>.test/", "refused", "invalid URL: host 'pwn`<img>' …"),
]


def test_render_shows_markup_and_control_characters_as_text(tmp_path):
    report = build_report("RUN", tmp_path / "out[1]", HOSTILE, 0, None, {}, 1.0)
    console = Console(record=True, force_terminal=True, width=200)
    report.render(console)
    text = console.export_text()
    for shown in ("non_html: application/x-[/]", "not_article: error page: 404 [/url] [bold]",
                  "title \\x1b[2J\\x1b]0;pwn\\x07", "out[1]/README.md"):
        assert shown in text
    assert "\x1b" not in console.export_text(styles=False) and "\x07" not in text
    assert Counter(report.outcomes) == Counter(v.outcome for v in HOSTILE)


def test_the_current_pages_query_names_the_out_folder_as_an_sql_string(tmp_path):
    out = tmp_path / "it's here"
    report = build_report("RUN", out, [], 0, None, {}, 1.0)
    console = Console(record=True, width=40)
    report.render(console)
    query = current_pages_query(out)
    assert query in console.export_text()  # on one line, however narrow the terminal
    assert f"read_parquet('{tmp_path.as_posix()}/it''s here/documents/**/*.parquet'" in query
    assert query.endswith(" where is_current")

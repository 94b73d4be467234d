import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from cuishou.flows.escape import html_text, markdown_code, terminal, visible

PAYLOADS = ["pwn`<img src=x onerror=alert(1)>.test", "``a``<b>x</b>`", "`", " ", "a|b`|`<i>c</i>",
            "x\n\n<script>alert(1)</script>"]


def _rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_code_span_cannot_be_closed_by_its_text(payload):
    html = _rendered(f"host {markdown_code(payload)} end")
    assert html.count("<code>") == 1 and "<img" not in html and "<script" not in html and "<b>" not in html
    assert html.rstrip().endswith(" end</p>")


def test_markdown_code_in_a_table_cell_keeps_the_table():
    from cuishou.flows.dataset_card import markdown_table

    html = _rendered(markdown_table(["host", "n"], [[markdown_code(p), 1] for p in PAYLOADS]))
    assert html.count("<tr>") == len(PAYLOADS) + 1 and "<img" not in html and "<i>" not in html


def test_visible_spells_out_control_and_bidi_characters():
    assert visible("a\x1b[2Jb\u202ec\x07\n") == "a\\x1b[2Jb\\u202ec\\x07\\n"
    assert visible("催收 é ©") == "催收 é ©"


def test_terminal_text_is_never_markup():
    console = Console(record=True, force_terminal=True, width=200)
    console.print(terminal("404 [/url] [bold]x[/bold] [link=http://evil.test]y[/link] \x1b[31m"))
    assert console.export_text() == "404 [/url] [bold]x[/bold] [link=http://evil.test]y[/link] \\x1b[31m\n"


def test_html_text_is_text_with_bidi_and_control_characters_spelt_out():
    assert html_text('<b title="x">\u202eevil</b>\x1b') == "&lt;b title=&quot;x&quot;&gt;\\u202eevil&lt;/b&gt;\\x1b"
    assert html_text("催收 'a' & b", quote=False) == "催收 'a' &amp; b"

import threading
import time

import pytest
from public_pages import PUBLIC_PAGES, public_page
from selectolax.lexbor import LexborHTMLParser

from cuishou.extract.budget import PageBudget, TooComplex, budgeted_html, within_cpu_limit

SMALL = PageBudget(max_elements=1_000, max_depth=8)


def _depth(html: str) -> int:
    node, deepest = LexborHTMLParser(html).css_first("#deepest"), 0
    while node is not None:
        node, deepest = node.parent, deepest + 1
    return deepest


def test_nesting_beyond_the_limit_is_flattened_keeping_text_paragraphs_and_links():
    html = "<body>" + "<div><span>" * 20 + '<p id="deepest">深处的正文 <a href="/x">链接</a></p>' + "</span></div>" * 20
    budgeted = budgeted_html(html, SMALL)
    assert budgeted.flattened == 1 + 40 - 8 and budgeted.elements == 1 + 40 + 2 - 33  # body counts
    assert _depth(budgeted.html) <= 8 + 4  # html, body, p and the document itself above the limit
    tree = LexborHTMLParser(budgeted.html)
    assert tree.css_first("p").text() == "深处的正文 链接" and tree.css_first("a").attributes["href"] == "/x"


def test_unclosed_and_misnested_containers_are_flattened_too():
    html = "<body>" + "<div><b>" * 30 + "<p id=deepest>text</p>" + "</div>" * 5
    budgeted = budgeted_html(html, SMALL)
    assert budgeted.flattened == 1 + 60 - 8 and _depth(budgeted.html) <= 12
    assert LexborHTMLParser(budgeted.html).css_first("p").text() == "text"


def test_tags_inside_comments_and_scripts_are_text_not_nesting():
    html = ("<body><!-- " + "<div>" * 50 + " --><script>var s = '" + "<div>" * 50 + "';</script>"
            "<style>/* <div> */</style><p>kept</p>" * 20)
    assert budgeted_html(html, SMALL).html == html


def test_real_pages_pass_unchanged():
    names = ("layout_table", "link_rows", "thread_short", "thread_replies", "thread_replies_zh")
    assert PUBLIC_PAGES.exists()
    for name in names:
        html = public_page(name)["html"]
        budgeted = budgeted_html(html)
        assert budgeted.html == html and budgeted.flattened == 0, name


def test_too_many_elements_or_characters_are_refused_with_the_figure():
    with pytest.raises(TooComplex, match=r"^1,500 elements \(limit 1,000\)$"):
        budgeted_html("<i>a</i>" * 1_500, SMALL)
    with pytest.raises(TooComplex, match=r"^5,000 elements \(limit 1,000\)$"):  # not even scanned
        budgeted_html("<i>a</i>" * 5_000, SMALL)
    with pytest.raises(TooComplex, match=r"^101 characters of HTML \(limit 100\)$"):
        budgeted_html("x" * 101, PageBudget(max_chars=100))
    # nesting that flattening removes does not count against the element limit
    assert budgeted_html("<div>" * 2_000 + "text", SMALL).elements == 8


def _spin() -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            sum(range(10_000))
        except Exception:  # a library's broad except must not swallow the interruption
            pass


def test_cpu_limit_interrupts_python_work_in_any_thread():
    outcome: list[str] = []

    def worker() -> None:
        started = time.thread_time()  # CPU time: on a loaded machine wall time says nothing
        try:
            within_cpu_limit(_spin, 0.1)
        except TooComplex as exc:
            outcome.append(f"{exc} after {time.thread_time() - started:.1f} s")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(60)
    assert outcome and outcome[0].startswith("over 0.1 s of CPU time after")
    assert float(outcome[0].split()[-2]) < 1


def test_cpu_limit_counts_cpu_not_waiting_and_returns_the_result():
    assert within_cpu_limit(lambda: time.sleep(0.3) or "done", 0.05) == "done"
    time.sleep(0.1)  # an interruption cancelled on release must not fire afterwards


def test_nested_limits_run_under_the_outer_one():
    assert within_cpu_limit(lambda: within_cpu_limit(lambda: 42, 0.01), 1.0) == 42
    with pytest.raises(TooComplex, match="over 0.1 s"):
        within_cpu_limit(lambda: within_cpu_limit(_spin, 10.0), 0.1)

"""Threads: recognised by address or schema.org type, their posts collected from the first post's
repeated container class when trafilatura keeps only the first post."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from cuishou.extract.html import extract_page
from cuishou.extract.html.thread import thread_posts

QUESTION = "Ruby 的许多特性强烈地偏向对脚本语言的良好支持。在我看来几乎从任何一个可以想象的方面来说 Ruby 都要比 Python 更加合适作为脚本语言的默认选择。"
REPLIES = ["1 楼我的评论被删除了。有什么问题吗？请删除的管理员回复下。谢谢。", "最近总有纯英文回复的机器人，估计看是纯英文就给删了",
           "恢复了，估计是看错了。", "最近纯英文的机器人挺多的，他们的回答中一般带有链接"]


# magic_html forum/6897d6ef37e9d530 (ruby-china): the topic body and every reply in div.markdown,
# the topic's with an extra class; trafilatura returns the topic alone.
def ruby_china(reply_class: str = "markdown") -> str:
    replies = "".join(
        f'<div class="reply" id="reply{n}"><div class="info"><a class="user-name">user{n}</a>'
        f'<abbr class="timeago">1 月前</abbr></div><div class="{reply_class}"><p>{text}</p></div></div>'
        for n, text in enumerate(REPLIES, 1)
    )
    return (f"<html><head><title>Ruby：极致的脚本语言 · Ruby China</title></head><body>"
            f'<div class="topic-detail"><h1>Ruby：极致的脚本语言</h1>'
            f'<div class="card-body markdown markdown-toc"><p>{QUESTION}</p></div></div>'
            f'<div id="replies">{replies}</div></body></html>')


def test_a_threads_posts_come_from_the_first_posts_repeated_class():
    """trafilatura gave the topic alone: the replies share the topic body's class token."""
    posts = thread_posts(LexborHTMLParser(ruby_china()), QUESTION)
    assert posts.splitlines() == [QUESTION, *REPLIES]


def test_without_a_shared_class_the_text_stays_trafilaturas():
    assert thread_posts(LexborHTMLParser(ruby_china(reply_class="body")), QUESTION) == QUESTION


def test_posts_replace_the_text_only_when_they_hold_clearly_more():
    text = "\n".join([QUESTION, *REPLIES[:3]])
    assert thread_posts(LexborHTMLParser(ruby_china()), text) == text


def test_extract_page_collects_posts_on_threads():
    page = extract_page(ruby_china(), "https://ruby-china.org/topics/43661")
    assert page.is_thread and all(reply in page.text for reply in REPLIES)


@pytest.mark.parametrize("url, thread", [
    ("https://bbs.example.com/read/1", True),
    ("https://example.com/forum/viewtopic.php?t=3", True),
    ("https://example.com/question/586816837", True),
    ("https://example.com/news/2024/1.html", False),
    ("file:///tmp/bbs/question/1.html", False),
])
def test_thread_addresses(url, thread):
    assert extract_page(ruby_china(), url).is_thread is thread

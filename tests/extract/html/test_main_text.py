"""trafilatura's main text as cuishou prepares the page for it: dialogs out, captions kept as paragraphs."""

from __future__ import annotations

import pytest

from cuishou.extract.html.main_text import main_text

PARAS = [f"第{n}段：借款人在逾期之后应该如何应对催收，这里讲清楚了第{n}个要点，内容充实，便于读者照着去做。" for n in range(1, 5)]
CAPTIONED = f"""<html><head><title>网贷逾期被催收怎么办</title></head><body><article>
<h1>网贷逾期被催收怎么办</h1><p>{PARAS[0]}</p>
<figure><img src="a.jpg"><figcaption>图为催收人员上门时拍下的照片</figcaption></figure>
<p>{PARAS[1]}</p><p>{PARAS[2]}</p><div class="img-caption">催收短信截图（受访者供图）</div><p>{PARAS[3]}</p>
</article></body></html>"""


def test_figure_and_caption_block_captions_are_kept_in_place():
    lines = main_text(CAPTIONED, "https://example.com/a/1.html", thread=False).splitlines()
    assert lines[lines.index(PARAS[0]) + 1] == "图为催收人员上门时拍下的照片"
    assert lines[lines.index(PARAS[2]) + 1] == "催收短信截图（受访者供图）"


def test_a_long_caption_classed_block_is_no_caption():
    long_block = "说明" * 120
    html = CAPTIONED.replace("催收短信截图（受访者供图）", long_block).replace('class="img-caption"', 'class="img-caption sidebar"')
    assert long_block not in main_text(html, "https://example.com/a/1.html", thread=False)


def test_captions_without_han_text_are_left_to_trafilatura():
    """scrapinghub e1c7023e: English credits ('Credit: ESA') are not in the reference texts."""
    html = CAPTIONED.replace("图为催收人员上门时拍下的照片", "A reference habitation module. Credit: ESA")
    assert "Credit: ESA" not in main_text(html, "https://example.com/a/1.html", thread=False)


# magic_html forum/58167e71 (FlaskBB) and a toutiao article: an editor's help and a login form,
# hidden in dialogs until asked for.
HELP = "".join(f"<p>To enter emoji, type a colon and let the editor autocomplete the short name {n}.</p>"
               for n in range(12))
POST = "<p>most Flask apps would have routes like @app.route, how come I do not see any in the source code?</p>"


@pytest.mark.parametrize("dialog", [
    '<div class="modal fade" id="editor-help" tabindex="-1"><div class="modal-body">{}</div></div>',
    '<div role="dialog" aria-label="登录后内容更精彩"><div>{}</div></div>',
    '<section aria-modal="true">{}</section>',
    '<dialog id="help">{}</dialog>',
])
def test_dialogs_are_no_part_of_the_text(dialog):
    html = f"<html><body><div class='topic'>{POST}</div>{dialog.format(HELP)}</body></html>"
    text = main_text(html, "https://forums.example.org/topic/2322-can-t-see-any-routes", thread=True)
    assert "Flask" in text and "emoji" not in text


def _justext_text(html: str) -> str:
    from trafilatura.external import try_justext
    from trafilatura.utils import load_html

    return " ".join(try_justext(load_html(html), None, None).itertext())


def test_the_justext_fallback_reads_its_stoplist_as_a_set_and_classifies_as_with_trafilaturas_tuple(monkeypatch):
    import trafilatura.external as external

    prose = ("It was the best of times and it was the worst of times, and we had everything before us "
             "while we had nothing before us; all of us were going direct to the place that was not there. ")
    stopwordless = "Qwerty zxcvbn asdfgh poiuyt lkjhgf mnbvcx " * 3  # long, no stopword: boilerplate to justext
    html = f"<html><body><div><p>{prose * 2}</p><p>{stopwordless}</p><p>{prose}</p></div></body></html>"
    main_text(html, None, thread=False)  # whatever it needed; the stoplist loads on justext's first use
    assert _justext_text(html)  # loads it if main_text did not need justext
    assert isinstance(external.JT_STOPLIST, frozenset)  # hashed once, not ~150k strings a call
    with_set = _justext_text(html)
    monkeypatch.setattr(external, "JT_STOPLIST", tuple(external.JT_STOPLIST))  # trafilatura's own form
    assert _justext_text(html) == with_set and "best of times" in with_set and "Qwerty" not in with_set

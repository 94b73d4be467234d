"""trafilatura's main text as cuishou prepares the page for it: captions kept as paragraphs."""

from __future__ import annotations

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

"""Extraction on real public pages, through the corpus path, cuishou beside trafilatura.

Every page goes through exactly what the corpus runs on a fetched response: its bytes (the set's
HTML encoded as UTF-8, or with ``--encode declared`` in the charset the page declares, as its
server sent it) go to the two halves of ``transform.page.process_page``: ``extract_and_clean``
(decode → extract → article gate → clean), then ``document_row`` (tags, signals). A page the gate
rejects yields no text, title or date, and scores 0 on each.
trafilatura gets the same bytes: ``trafilatura.extract`` for the text (its defaults, timed) and
``bare_extraction(with_metadata=True)`` for title and date; htmldate (``find_date``, original
date, its default extensive search) is a second date peer.

Figures, per set and pooled per language (zh, en):

- text P/R/F1: the anchors' metric (``benchmarks.scoring.token_prf``: bag of tokens, each CJK
  character one token, mean over pages) over the pages labelled as articles;
- with ``zh_meta_gold.jsonl`` (hand-labelled title, date and article/list kind of the Chinese
  pages; rules in its README): title accuracy over pages with a labelled title, date accuracy
  over pages with a labelled date, dates given where the page shows none, non-articles rejected,
  real articles rejected. Titles compare after NFKC and without white space; dates as YYYY-MM-DD.

Speed is CPU seconds of this process (the machine is shared, so wall time measures neighbours
too), the first page excluded as warm-up: cuishou's decode+extract+gate+clean
(``extract_and_clean``) against plain ``trafilatura.extract`` on the same bytes; tagging, which
trafilatura does not do, is not timed. ``--repeat N`` reports the median of N passes.

These sets are the ones the extraction rules were developed against (see docs/benchmarks.md):
figures on them are development figures, not held-out ones.

    uv run --no-sync python benchmarks/extraction.py [--lang zh] [--repeat 3] [--per-page out.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import htmldate
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scoring import token_prf  # noqa: E402
from cuishou.extract.decode import meta_charset, normalise_encoding  # noqa: E402
from cuishou.transform.page import CleanedPage, PageInput, PageResult, document_row, extract_and_clean  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "extraction"
LANGUAGES = ("zh", "en")
SYSTEMS = ("cuishou", "trafilatura")
SPEED_BUDGET = 1.25  # cuishou's extract+clean may cost at most this much of trafilatura.extract's time
FETCHED_AT = datetime(2026, 1, 1, tzinfo=UTC)
_WRAPPER_URL = re.compile(r"""^\s*<text\s+id=["']?(https?://[^"'\s>]+)""", re.I)

# shared/notes/extraction_anchors.md, pooled F1 (zh, en) of other extractors, measured there.
ANCHOR_F1 = {
    "trafilatura favor_recall": (0.845, 0.887),
    "magic-html": (0.866, 0.849),
    "readability-lxml": (0.840, 0.879),
    "resiliparse": (0.803, 0.830),
}


@dataclass(frozen=True)
class Page:
    set: str
    id: str
    lang: str
    kind: str
    url: str | None
    html: str
    gold: str
    meta: dict | None  # zh_meta_gold.jsonl's row: title, published, is_article


@dataclass(frozen=True)
class Output:
    """What one system made of one page; ``rejected`` when it gave no document at all."""

    text: str
    title: str | None
    published: str | None
    rejected: bool
    reason: str | None = None


def load_pages(data: Path) -> list[Page]:
    """Every page of every set under ``data`` (sets in name order), with its meta gold if any."""
    meta_path = data / "zh_meta_gold.jsonl"
    meta = {}
    if meta_path.exists():
        for line in meta_path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            meta[(row["set"], row["id"])] = row
    pages = []
    for path in sorted(data.rglob("pages.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                key = (path.parent.name, row["id"])
                pages.append(Page(*key, row["lang"], row["kind"], row["url"], row["html"], row["gold_text"],
                                  meta.get(key)))
    return pages


def page_url(page: Page) -> str:
    """The page's address: the set's, else the crawl-dump wrapper's ``<text id=URL>``."""
    if page.url:
        return page.url
    match = _WRAPPER_URL.match(page.html)
    return match.group(1) if match else ""


def page_bytes(page: Page, encode: str) -> bytes:
    """The response body: UTF-8, or the charset the page declares where it can hold the text."""
    if encode == "declared":
        declared = normalise_encoding(meta_charset(page.html[:4096].encode("ascii", "replace")))
        if declared:
            try:
                return page.html.encode(declared)
            except (UnicodeEncodeError, LookupError):
                pass
    return page.html.encode("utf-8")


def cuishou_steps(page: Page, body: bytes) -> tuple[PageInput, CleanedPage | PageResult]:
    """What the corpus runs first on a response: decode, gate, extract, clean (the timed part)."""
    response = PageInput(page_url(page), 200, "text/html", body, FETCHED_AT)
    return response, extract_and_clean(response)


def cuishou_output(response: PageInput, step: CleanedPage | PageResult) -> Output:
    """The corpus row the steps lead to (``process_page``'s second half: tags and signals)."""
    if isinstance(step, PageResult):
        return Output("", None, None, True, f"{step.outcome}: {step.reason}")
    row = document_row(response, step)
    return Output(row["text"], row["title"], row["published"] and row["published"].isoformat(), False)


def trafilatura_text(page: Page, body: bytes) -> str:
    return trafilatura.extract(body, url=page_url(page) or None) or ""


def trafilatura_metadata(page: Page, body: bytes) -> tuple[str | None, str | None]:
    doc = trafilatura.bare_extraction(body, url=page_url(page) or None, with_metadata=True)
    return (doc.title, doc.date) if doc else (None, None)


def htmldate_date(body: bytes) -> str | None:
    try:
        return htmldate.find_date(body, original_date=True)
    except Exception:  # htmldate raises on some markup; a peer's crash is its miss, not ours
        return None


def timed_pass(pages: list[Page], bodies: list[bytes], order_flip: bool) -> tuple[list[Output], list[str], dict]:
    """One pass: cuishou's outputs, trafilatura's texts and each system's CPU seconds (first page
    not timed). The systems alternate which goes first on a page, so neither gets warmer caches."""
    texts: list[str] = []
    seconds = dict.fromkeys(SYSTEMS, 0.0)
    steps: list[tuple[PageInput, CleanedPage | PageResult]] = []
    runs: dict[str, Callable[[Page, bytes], None]] = {
        "cuishou": lambda p, b: steps.append(cuishou_steps(p, b)),
        "trafilatura": lambda p, b: texts.append(trafilatura_text(p, b)),
    }
    for n, (page, body) in enumerate(zip(pages, bodies)):
        for name in SYSTEMS[::-1] if (n % 2) ^ order_flip else SYSTEMS:
            started = time.process_time()
            runs[name](page, body)
            if n:
                seconds[name] += time.process_time() - started
    outputs = [cuishou_output(*step) for step in steps]
    return outputs, texts, seconds


def same_title(predicted: str | None, gold: str | None) -> bool:
    key = lambda t: re.sub(r"\s+", "", unicodedata.normalize("NFKC", t))  # noqa: E731
    return predicted is not None and gold is not None and key(predicted) == key(gold)


@dataclass
class Scored:
    page: Page
    system: str
    out: Output
    precision: float
    recall: float
    f1: float


def score(pages: list[Page], outputs: dict[str, list[Output]]) -> list[Scored]:
    scored = []
    for name in SYSTEMS:
        for page, out in zip(pages, outputs[name]):
            scored.append(Scored(page, name, out, *token_prf(out.text, page.gold)))
    return scored


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def figures(chosen: list[Scored]) -> dict[str, str]:
    """The printed figures of one group of pages for one system."""
    articles = [s for s in chosen if s.page.meta is None or s.page.meta["is_article"]]
    meta = [s for s in chosen if s.page.meta]
    titled = [s for s in meta if s.page.meta["title"]]
    dated = [s for s in meta if s.page.meta["published"]]
    undated = [s for s in meta if not s.page.meta["published"]]
    lists = [s for s in meta if not s.page.meta["is_article"]]
    row = {
        "pages": f"{len(chosen)}",
        "P": f"{_mean([s.precision for s in articles]):.3f}",
        "R": f"{_mean([s.recall for s in articles]):.3f}",
        "F1": f"{_mean([s.f1 for s in articles]):.3f}",
        "F1<0.5": f"{sum(s.f1 < 0.5 for s in articles)}",
    }
    if meta:
        row |= {
            "title": f"{_mean([same_title(s.out.title, s.page.meta['title']) for s in titled]):.3f}",
            "date": f"{_mean([s.out.published == s.page.meta['published'] for s in dated]):.3f}",
            "date/none": f"{sum(bool(s.out.published) for s in undated)}/{len(undated)}",
            "lists out": f"{sum(s.out.rejected for s in lists)}/{len(lists)}",
            "articles out": f"{sum(s.out.rejected for s in articles)}/{len(articles)}",
        }
    return row


def groups(scored: list[Scored]) -> Iterator[tuple[str, list[Scored]]]:
    """Per language (zh: also without the two small sets), then per set (zh magic_html by kind)."""
    for lang in LANGUAGES:
        if in_lang := [s for s in scored if s.page.lang == lang]:
            yield f"{lang} (all sets)", in_lang
    if zh_main := [s for s in scored if s.page.lang == "zh" and s.page.set in ("magic_html", "cn_content_dataset")]:
        yield "zh magic_html+cn_content", zh_main
    for set_name in sorted({s.page.set for s in scored}):
        for lang in LANGUAGES:
            in_set = [s for s in scored if s.page.set == set_name and s.page.lang == lang]
            kinds = sorted({s.page.kind for s in in_set})
            if len(kinds) > 1:
                for kind in kinds:
                    yield f"{lang} {set_name} {kind}", [s for s in in_set if s.page.kind == kind]
            elif in_set:
                yield f"{lang} {set_name}", in_set


def print_quality(scored: list[Scored]) -> None:
    columns = ("pages", "P", "R", "F1", "F1<0.5", "title", "date", "date/none", "lists out", "articles out")
    print(f"{'group':30} {'system':12} " + " ".join(f"{c:>12}" for c in columns))
    for label, chosen in groups(scored):
        for name in SYSTEMS:
            row = figures([s for s in chosen if s.system == name])
            print(f"{label:30} {name:12} " + " ".join(f"{row.get(c, '-'):>12}" for c in columns))
    print("\nother extractors on these sets (shared/notes/extraction_anchors.md, HTML strings, no gate),"
          " pooled F1 zh / en:")
    for name, (zh, en) in ANCHOR_F1.items():
        print(f"  {name:28} {zh:.3f} / {en:.3f}")


def print_htmldate(pages: list[Page], bodies: list[bytes], cuishou: list[Output]) -> None:
    """htmldate beside the two systems' dates on the labelled pages, alone and as a fallback
    where cuishou gives no date."""
    labelled = [(p, b, out) for p, b, out in zip(pages, bodies, cuishou) if p.meta]
    if not labelled:
        return
    found = [htmldate_date(b) for _, b, _ in labelled]
    dated = [(d, p) for d, (p, _, _) in zip(found, labelled) if p.meta["published"]]
    undated = [d for d, (p, _, _) in zip(found, labelled) if not p.meta["published"]]
    accuracy = _mean([d == p.meta["published"] for d, p in dated])
    print(f"\nhtmldate.find_date(original_date=True) on the same bytes: date {accuracy:.3f}"
          f", dates given where none: {sum(bool(d) for d in undated)}/{len(undated)}")
    fallback = [(d, p) for d, (p, _, out) in zip(found, labelled) if d and not out.rejected and not out.published]
    print(f"  as a fallback where cuishou gives no date: {sum(d == p.meta['published'] for d, p in fallback)} right, "
          f"{sum(not p.meta['published'] for _, p in fallback)} given where the page shows none, "
          f"{sum(bool(p.meta['published']) and d != p.meta['published'] for d, p in fallback)} wrong")


def print_speed(timed: int, seconds: list[dict[str, float]]) -> None:
    rates = {name: [timed / s[name] for s in seconds] for name in SYSTEMS}
    ratios = [s["cuishou"] / s["trafilatura"] for s in seconds]
    print(f"\nspeed over {timed} pages (CPU time, warm-up page excluded), median of {len(seconds)} pass(es):")
    for name in SYSTEMS:
        print(f"  {name:12} {statistics.median(rates[name]):7.1f} pages/s   (passes: "
              + ", ".join(f"{r:.1f}" for r in rates[name]) + ")")
    ratio = statistics.median(ratios)
    verdict = "within" if ratio <= SPEED_BUDGET else "OVER"
    print(f"  cuishou time / trafilatura time: {ratio:.3f} ({verdict} the {SPEED_BUDGET:.2f} budget; passes: "
          + ", ".join(f"{r:.3f}" for r in ratios) + ")")


def write_per_page(path: Path, scored: list[Scored]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for s in scored:
            meta = s.page.meta or {}
            out.write(json.dumps({
                "set": s.page.set, "id": s.page.id, "lang": s.page.lang, "kind": s.page.kind, "system": s.system,
                "p": round(s.precision, 4), "r": round(s.recall, 4), "f1": round(s.f1, 4),
                "rejected": s.out.rejected, "reason": s.out.reason,
                "title": s.out.title, "gold_title": meta.get("title"),
                "published": s.out.published, "gold_published": meta.get("published"),
                "is_article": meta.get("is_article"), "text": s.out.text,
            }, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding the sets' pages.jsonl.gz")
    parser.add_argument("--repeat", type=int, default=1, help="timed passes (speed is their median)")
    parser.add_argument("--lang", choices=LANGUAGES, help="only pages of this language")
    parser.add_argument("--encode", choices=("utf-8", "declared"), default="utf-8",
                        help="bytes sent: UTF-8, or the charset each page declares (as its server did)")
    parser.add_argument("--per-page", type=Path, help="write every page's scores and outputs here (JSON Lines)")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"no benchmark data at {args.data} (pass --data)")
    pages = [p for p in load_pages(args.data) if p.lang in ((args.lang,) if args.lang else LANGUAGES)]
    if len(pages) < 2:
        raise SystemExit(f"need at least 2 zh/en pages under {args.data}")
    bodies = [page_bytes(page, args.encode) for page in pages]
    passes = [timed_pass(pages, bodies, order_flip=bool(n % 2)) for n in range(args.repeat)]
    cuishou, texts, _ = passes[0]
    trafilatura_meta = [trafilatura_metadata(p, b) for p, b in zip(pages, bodies)]
    peer = [Output(text, title, published, not text.strip())
            for text, (title, published) in zip(texts, trafilatura_meta)]
    scored = score(pages, {"cuishou": cuishou, "trafilatura": peer})
    print(f"{len(pages)} pages from {args.data}, bytes: {args.encode}\n")
    print_quality(scored)
    print_htmldate(pages, bodies, cuishou)
    print_speed(len(pages) - 1, [seconds for _, _, seconds in passes])
    if args.per_page:
        write_per_page(args.per_page, scored)


if __name__ == "__main__":
    main()

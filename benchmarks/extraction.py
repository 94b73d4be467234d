"""Main-text extraction on the public benchmark sets: cuishou beside plain trafilatura, same run.

Reads every ``pages.jsonl.gz`` under ``--data`` (shared/benchmarks/extraction by default; fields
in its README.md) and runs on each page, one after the other:

- cuishou: ``extract_page(html, url)`` then ``clean_page`` (the corpus's code path), text = clean text;
- trafilatura: ``trafilatura.extract(html)`` with its defaults.

Scores are the anchors' metric (``benchmarks.scoring.token_prf``: bag-of-tokens P/R/F1 per page,
then mean over pages), printed per language (zh, en) and per set, next to the anchor table of
shared/notes/extraction_anchors.md. Speed is pages per CPU second of this process (the machine is
shared, so wall time measures the neighbours too), the first page excluded as warm-up; cuishou's
time is extract+clean together. ``--repeat N`` times N passes and reports the median.

    uv run --no-sync python benchmarks/extraction.py [--data DIR] [--repeat 3] [--per-page out.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scoring import token_prf  # noqa: E402
from extract.html_text import extract_page  # noqa: E402
from transform.clean import clean_page  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "extraction"
LANGUAGES = ("zh", "en")
SYSTEMS = ("cuishou", "trafilatura")
SPEED_BUDGET = 1.25  # cuishou's extract+clean may cost at most this much of trafilatura.extract's time

# shared/notes/extraction_anchors.md, pooled F1 (zh, en) and per-set F1 of the other extractors.
ANCHOR_F1 = {
    "trafilatura (default)": (0.839, 0.886),
    "trafilatura favor_recall": (0.845, 0.887),
    "magic-html": (0.866, 0.849),
    "readability-lxml": (0.840, 0.879),
    "resiliparse": (0.803, 0.830),
}
# zh magic_html article, zh magic_html forum, zh cn_content, en scrapinghub, en magic_html, en readability
ANCHOR_SET_F1 = {
    "trafilatura (default)": (0.863, 0.669, 0.867, 0.949, 0.777, 0.944),
    "magic-html": (0.954, 0.570, 0.900, 0.939, 0.703, 0.911),
    "readability-lxml": (0.907, 0.507, 0.900, 0.963, 0.727, 0.971),
    "resiliparse": (0.750, 0.715, 0.879, 0.899, 0.697, 0.916),
}
ANCHOR_GROUPS = (
    ("magic_html", "zh", "article"), ("magic_html", "zh", "forum"), ("cn_content_dataset", "zh", None),
    ("scrapinghub_aeb", "en", None), ("magic_html", "en", None), ("readability_testpages", "en", None),
)


@dataclass(frozen=True)
class Page:
    set: str
    id: str
    lang: str
    kind: str
    url: str | None
    html: str
    gold: str


@dataclass
class Score:
    page: Page
    system: str
    precision: float
    recall: float
    f1: float
    empty: bool


def load_pages(data: Path) -> list[Page]:
    """Every page of every set under ``data``, sets in name order."""
    pages = []
    for path in sorted(data.rglob("pages.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                pages.append(Page(path.parent.name, row["id"], row["lang"], row["kind"], row["url"],
                                  row["html"], row["gold_text"]))
    return pages


def cuishou_text(page: Page) -> str:
    """What the corpus stores as ``text``: extract_page, then clean_page."""
    return clean_page(extract_page(page.html, page.url)).text


def trafilatura_text(page: Page) -> str:
    return trafilatura.extract(page.html) or ""


EXTRACTORS: dict[str, Callable[[Page], str]] = {"cuishou": cuishou_text, "trafilatura": trafilatura_text}


def timed_pass(pages: list[Page], order_flip: bool) -> tuple[dict[str, list[str]], dict[str, float]]:
    """One pass over the pages: each system's texts and CPU seconds (first page not timed).
    The systems alternate which goes first on a page, so neither gets the warmer caches."""
    texts: dict[str, list[str]] = {name: [] for name in SYSTEMS}
    seconds = dict.fromkeys(SYSTEMS, 0.0)
    for n, page in enumerate(pages):
        names = SYSTEMS[::-1] if (n % 2) ^ order_flip else SYSTEMS
        for name in names:
            started = time.process_time()
            texts[name].append(EXTRACTORS[name](page))
            if n:
                seconds[name] += time.process_time() - started
    return texts, seconds


def score_pages(pages: list[Page], texts: dict[str, list[str]]) -> list[Score]:
    return [
        Score(page, name, *token_prf(text, page.gold), empty=not text.strip())
        for name in SYSTEMS for page, text in zip(pages, texts[name])
    ]


def summary(scores: list[Score]) -> str:
    f1s = [s.f1 for s in scores]
    mean = lambda values: sum(values) / len(values)  # noqa: E731
    return (f"{mean([s.precision for s in scores]):6.3f} {mean([s.recall for s in scores]):6.3f} {mean(f1s):6.3f} "
            f"{statistics.median(f1s):7.3f} {sum(s.empty for s in scores):6d} {sum(f < 0.5 for f in f1s):7d}")


def groups(scores: list[Score]) -> Iterator[tuple[str, list[Score]]]:
    """Per language (zh, en), then per set and language (magic_html zh split by article/forum)."""
    for lang in LANGUAGES:
        yield f"{lang} (all sets)", [s for s in scores if s.page.lang == lang]
    for set_name in sorted({s.page.set for s in scores}):
        for lang in LANGUAGES:
            in_set = [s for s in scores if s.page.set == set_name and s.page.lang == lang]
            kinds = sorted({s.page.kind for s in in_set})
            if len(kinds) > 1 and lang == "zh":
                for kind in kinds:
                    yield f"{lang} {set_name} {kind}", [s for s in in_set if s.page.kind == kind]
            elif in_set:
                yield f"{lang} {set_name}", in_set


def mean_f1(scores: list[Score], system: str, set_name: str, lang: str, kind: str | None) -> float:
    chosen = [s.f1 for s in scores if s.system == system and s.page.set == set_name and s.page.lang == lang
              and (kind is None or s.page.kind == kind)]
    return sum(chosen) / len(chosen) if chosen else float("nan")


def print_quality(scores: list[Score]) -> None:
    columns = f"{'P':>6} {'R':>6} {'F1':>6} {'median':>7} {'empty':>6} {'F1<0.5':>7}"
    print(f"{'group':38} {'system':12} {'pages':>5} {columns}")
    for label, chosen in groups(scores):
        for name in SYSTEMS:
            mine = [s for s in chosen if s.system == name]
            print(f"{label:38} {name:12} {len(mine):5d} {summary(mine)}")
    print("\nanchors (shared/notes/extraction_anchors.md), pooled F1 zh / en:")
    for name, (zh, en) in ANCHOR_F1.items():
        print(f"  {name:28} {zh:.3f} / {en:.3f}")
    header = ["zh mh article", "zh mh forum", "zh cn_content", "en scrapinghub", "en mh", "en readability"]
    print(f"\nF1 per set {'':18}" + "".join(f"{h:>16}" for h in header))
    for name in SYSTEMS:
        values = [mean_f1(scores, name, *group) for group in ANCHOR_GROUPS]
        print(f"  {name + ' (this run)':26}" + "".join(f"{v:16.3f}" for v in values))
    for name, values in ANCHOR_SET_F1.items():
        print(f"  {name + ' (anchor)':26}" + "".join(f"{v:16.3f}" for v in values))


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


def write_per_page(path: Path, scores: list[Score], texts: dict[str, list[str]], pages: list[Page]) -> None:
    index = {id(page): n for n, page in enumerate(pages)}
    with path.open("w", encoding="utf-8") as out:
        for s in scores:
            out.write(json.dumps({
                "set": s.page.set, "id": s.page.id, "lang": s.page.lang, "kind": s.page.kind, "system": s.system,
                "p": round(s.precision, 4), "r": round(s.recall, 4), "f1": round(s.f1, 4),
                "text": texts[s.system][index[id(s.page)]],
            }, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding the sets' pages.jsonl.gz")
    parser.add_argument("--repeat", type=int, default=1, help="timed passes (speed is their median)")
    parser.add_argument("--lang", choices=LANGUAGES, help="only pages of this language")
    parser.add_argument("--per-page", type=Path, help="write every page's scores and texts here (JSON Lines)")
    args = parser.parse_args()
    pages = [p for p in load_pages(args.data) if p.lang in ((args.lang,) if args.lang else LANGUAGES)]
    if len(pages) < 2:
        raise SystemExit(f"need at least 2 zh/en pages under {args.data}")
    passes = [timed_pass(pages, order_flip=bool(n % 2)) for n in range(args.repeat)]
    texts = passes[0][0]
    scores = score_pages(pages, texts)
    print(f"{len(pages)} pages from {args.data}\n")
    print_quality(scores)
    print_speed(len(pages) - 1, [seconds for _, seconds in passes])
    if args.per_page:
        write_per_page(args.per_page, scores, texts, pages)


if __name__ == "__main__":
    main()

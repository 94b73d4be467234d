"""A WARC of N HTML pages made from the bundled sample, each with a body of its own.

The sample (data/sample/dev-site-sample.warc.gz) has 45 HTML responses (34 articles, 11 index
pages). Page i is sample page i mod 45 under a URL of its own (``/v<i>`` before the path), its
Han characters passed through a substitution of its own: every character that no rule of cuishou
names (the cue words of the cleaner, gate, titles and dates stay intact) is replaced by another
from the same alphabet, so no two pages share the 3-grams dedup compares and the corpus does not
collapse into 45 clusters, while the markup, the text's shape (line lengths, punctuation,
repeated junk lines) and the work per page stay those of the sample. The charset is kept: GBK
pages stay GBK.

    uv run python benchmarks/build_warc.py 10000 /tmp/pages-10k.warc.gz
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cuishou.extract.archive import ArchivedResponse, iter_responses  # noqa: E402
from cuishou.extract.decode import decode_html  # noqa: E402
from cuishou.extract.visits import is_html  # noqa: E402

SAMPLE = ROOT / "data" / "sample" / "dev-site-sample.warc.gz"
HAN = re.compile(r"[\u4e00-\u9fff]")
CUE_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
# sources whose Han words are cues of cuishou's rules: where a page spells one, it is kept
RULE_SOURCES = ("transform/clean.py", "transform/quality.py", "transform/tags", "extract/html")


def sample_pages() -> list[ArchivedResponse]:
    return [r for r in iter_responses([SAMPLE]) if r.status == 200 and is_html(r.header("content-type"))]


def cue_words() -> re.Pattern:
    """The Han words named in the rules' sources, longest first, as one pattern."""
    words: set[str] = set()
    for name in RULE_SOURCES:
        path = ROOT / name
        for source in [path] if path.is_file() else sorted(path.rglob("*.py")):
            words.update(CUE_WORD.findall(source.read_text(encoding="utf-8")))
    return re.compile("|".join(sorted(words, key=lambda w: (-len(w), w))))


def _encodable(character: str) -> bool:
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


class Variation:
    """The decoded sample pages and the per-page character substitution."""

    def __init__(self, seed: int):
        self.seed = seed
        self.pages = sample_pages()
        self.decoded = [decode_html(page.body, page.header("content-type")) for page in self.pages]
        alphabet = {c for d in self.decoded for c in HAN.findall(d.text)}
        self.alphabet = sorted(c for c in alphabet if _encodable(c))
        cues = cue_words()
        # per sample page: its text cut into (kept cue word, substituted stretch) pieces
        self.pieces = [self._pieces(d.text, cues) for d in self.decoded]

    @staticmethod
    def _pieces(text: str, cues: re.Pattern) -> list[tuple[str, bool]]:
        pieces, position = [], 0
        for match in cues.finditer(text):
            pieces += [(text[position : match.start()], True), (match.group(), False)]
            position = match.end()
        return [*pieces, (text[position:], True)]

    def page(self, number: int) -> tuple[str, list[tuple[str, str]], bytes]:
        """URL, HTTP headers and body of page ``number``."""
        source = number % len(self.pages)
        original, decoded = self.pages[source], self.decoded[source]
        rng = random.Random(f"{self.seed}/{number}")
        targets = self.alphabet[:]
        rng.shuffle(targets)
        table = {ord(a): b for a, b in zip(self.alphabet, targets)}
        text = "".join(piece.translate(table) if varied else piece for piece, varied in self.pieces[source])
        body = text.encode(decoded.encoding, errors="xmlcharrefreplace")
        parts = urlsplit(original.url)
        url = f"{parts.scheme}://{parts.netloc}/v{number}{parts.path or '/'}"
        headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in original.headers]
        return url, headers, body


def varied_pages(count: int, seed: int = 7) -> Iterator[tuple[str, list[tuple[str, str]], bytes]]:
    variation = Variation(seed)
    for number in range(count):
        yield variation.page(number)


def write_warc(count: int, path: Path, seed: int = 7) -> Path:
    """Write ``count`` response records (with their request records) to a gzipped WARC/1.1."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="WARC/1.1")
        for url, headers, body in varied_pages(count, seed):
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
                warc_headers_dict={"WARC-Date": "2026-11-23T02:48:14.000000Z"},
            )
            writer.write_record(record)
    tmp.replace(path)
    return path


def cached_warc(count: int, folder: Path, seed: int = 7) -> Path:
    """The WARC of ``count`` pages in ``folder``, written on first use."""
    path = folder / f"cuishou-build-{count}-s{seed}.warc.gz"
    return path if path.exists() else write_warc(count, path, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(write_warc(args.pages, args.path, args.seed))


if __name__ == "__main__":
    main()

"""Corpus quality on the labelled dev site, next to plain trafilatura on the same pages.

Serves the dev site with its own server (as an HTTP proxy), crawls it with ``cuishou build``,
and scores the Parquet corpus against gold.jsonl:

- text P/R/F1 on character bigrams after NFKC and removing white space (mean over articles),
- junk-line leak rate (gold junk lines found in the text), must-appear-once rate,
- title and date accuracy, duplicate-pair P/R/F1, tag P/R/F1 per facet,
- crawl checks: articles found, non-article documents, robots-disallowed requests.

The baseline column is plain trafilatura (``extract`` for text, ``bare_extraction`` for title and
date) on the same raw pages, datasketch at its best for duplicates (MinHashLSH on the project's
normalised 3-grams at its tuned threshold, benchmarks/dedup_peers.py), and "the label word occurs
in the text" for tags. A second table scores duplicates alone, every system on cuishou's texts:
cuishou, the rensa pipeline, datasketch at its best and datasketch's defaults (raw char 5-grams,
threshold 0.9).

    uv run --group bench python benchmarks/quality.py [--site ../shared/dev_site]
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.dataset as ds

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.scoring import bigram_f1, leaked, occurrences, prf, same_cluster_pairs, squash  # noqa: E402

FACETS = ("products", "channels", "topics")
DEFAULT_SITE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dev_site"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, attempts: int = 100) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port`` within ``attempts`` tries 0.05 s apart."""
    for _ in range(attempts):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def serve(site: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(site / "site_server.py"), "--root", str(site), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=open(log, "w"),
    )
    wait_for_port(port)
    return process, f"http://127.0.0.1:{port}"


def requested_urls(log: Path, start: int = 0) -> set[str]:
    """The URLs the dev site server logged a GET for, from character ``start`` of its log on."""
    return set(re.findall(r'"GET (http://\S+) HTTP', log.read_text(encoding="utf-8", errors="replace")[start:]))


def build_corpus(site: Path, out: Path) -> tuple[list[dict], set[str], float]:
    from cuishou.flows.cli import main

    log = out / "server.log"
    process, proxy = serve(site, log)
    try:
        started = time.monotonic()
        code = main(["build", "--seeds", str(site / "seeds.txt"), "--proxy", proxy, "--delay", "0",
                     "--out", str(out / "corpus")])
        seconds = time.monotonic() - started
    finally:
        process.terminate()
        process.wait()
    if code != 0:
        raise SystemExit(f"cuishou build failed with exit code {code}")
    rows = ds.dataset(out / "corpus" / "documents", partitioning="hive").to_table().to_pylist()
    return rows, requested_urls(log), seconds


def baseline(site: Path, articles: list[dict]) -> dict[str, dict]:
    """Plain trafilatura on each article's raw bytes, as served."""
    import trafilatura

    routes = json.loads((site / "routes.json").read_text(encoding="utf-8"))["hosts"]
    results = {}
    for gold in articles:
        host, path = gold["url"].split("/", 3)[2], "/" + gold["url"].split("/", 3)[3]
        raw = (site / routes[host][path]["file"]).read_bytes()
        text = trafilatura.extract(raw) or ""
        meta = trafilatura.bare_extraction(raw, with_metadata=True)
        meta = meta.as_dict() if hasattr(meta, "as_dict") else (meta or {})
        results[gold["url"]] = {"text": text, "title": meta.get("title"), "published": meta.get("date")}
    return results


def peer_clusters(system: str, texts: dict[str, str]) -> dict[str, str]:
    """url -> cluster label of a dedup peer (benchmarks/dedup_peers.py) on these texts."""
    from benchmarks import dedup_peers

    run = {
        "rensa": dedup_peers.rensa_clusters,
        "datasketch best": dedup_peers.datasketch_best,
        "datasketch defaults": dedup_peers.datasketch_defaults,
    }[system]
    return {url: str(root) for url, root in zip(texts, run(list(texts.values())).tolist())}


LABELS = {
    "products": ["微粒贷", "借呗", "花呗", "信用卡", "网贷"],
    "channels": ["上门", "电话", "短信"],
    "topics": ["法律权益", "协商还款", "投诉举报", "征信影响", "催收合规", "核实身份", "保留证据", "报警"],
}


def naive_tags(text: str) -> dict[str, list[str]]:
    from cuishou.transform.dedup.normalize import normalize_for_dedup

    simplified = normalize_for_dedup(text)
    return {facet: [label for label in labels if label in simplified] for facet, labels in LABELS.items()}


def score(articles: list[dict], predicted: dict[str, dict], clusters: dict[str, str]) -> dict[str, float]:
    """The figures for one system: ``predicted[url]`` has text, title, published and the facets."""
    f1s, precisions, recalls, junk_total, junk_leaked, once_ok, once_total = [], [], [], 0, 0, 0, 0
    titles = dates = 0
    for gold in articles:
        got = predicted.get(gold["url"], {"text": "", "title": None, "published": None})
        p, r, f = bigram_f1(got["text"], gold["main_text"])
        precisions.append(p), recalls.append(r), f1s.append(f)
        junk_total += len(gold["junk_lines"])
        junk_leaked += len(leaked(gold["junk_lines"], got["text"]))
        if gold["must_appear_once"]:
            once_total += 1
            once_ok += all(occurrences(s, got["text"]) == 1 for s in gold["must_appear_once"])
        titles += squash(got["title"] or "") == squash(gold["title"])
        dates += (str(got["published"]) if got["published"] else None) == gold["published"]
    n = len(articles)
    figures = {
        "text P": sum(precisions) / n, "text R": sum(recalls) / n, "text F1": sum(f1s) / n,
        "pages with text F1 < 0.95": sum(f < 0.95 for f in f1s),
        "junk-line leak rate": junk_leaked / junk_total,
        "must-appear-once pages ok": f"{once_ok}/{once_total}",
        "title accuracy": titles / n, "date accuracy": dates / n,
    }
    gold_pairs = same_cluster_pairs({g["url"]: g["dup_cluster"] for g in articles})
    figures.update(zip(("dup pair P", "dup pair R", "dup pair F1"),
                       prf(same_cluster_pairs({u: clusters[u] for u in clusters}), gold_pairs)))
    for facet in FACETS:
        gold_tags = {(g["url"], t) for g in articles for t in g["expected_tags"][facet]}
        got_tags = {(g["url"], t) for g in articles for t in predicted.get(g["url"], {}).get(facet, [])}
        figures[f"{facet} tag F1"] = prf(got_tags, gold_tags)[2]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=DEFAULT_SITE, help="dev site folder (with gold.jsonl)")
    parser.add_argument("--out", type=Path, help="keep the corpus here (default: a temporary folder)")
    args = parser.parse_args()
    gold = [json.loads(line) for line in (args.site / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = [g for g in gold if g["kind"] == "article"]
    out = args.out or Path(tempfile.mkdtemp(prefix="cuishou-quality-"))
    rows, requested, seconds = build_corpus(args.site, out)

    ours = {r["url"]: r for r in rows}
    ours_scores = score(articles, ours, {r["url"]: r["dup_cluster"] for r in rows})
    base = baseline(args.site, articles)
    for got in base.values():
        got.update(naive_tags(got["text"]))
    base_scores = score(articles, base, peer_clusters("datasketch best", {u: b["text"] for u, b in base.items()}))

    article_urls = {g["url"] for g in articles}
    disallowed = {g["url"] for g in gold if g["kind"] == "disallowed"}
    print(f"dev site: {args.site}  ({len(articles)} articles, {len(gold)} labelled URLs)")
    print(f"crawl+build: {seconds:.1f} s (Prefect start-up included); corpus: {out / 'corpus'}")
    print(f"articles found as documents: {len(article_urls & set(ours))}/{len(articles)}")
    print(f"non-article documents: {len(set(ours) - article_urls)}")
    print(f"robots-disallowed URLs requested: {len(disallowed & requested)}")
    print()
    print(f"{'figure':32} {'cuishou':>10} {'trafilatura':>12}")
    for key, value in ours_scores.items():
        other = base_scores[key]
        fmt = (lambda v: f"{v:.4f}") if isinstance(value, float) else str
        print(f"{key:32} {fmt(value):>10} {fmt(other):>12}")
    gold_pairs = same_cluster_pairs({g["url"]: g["dup_cluster"] for g in articles})
    print(f"\nduplicate pairs on cuishou's texts ({len(gold_pairs)} gold pairs)   P      R      F1")
    our_texts = {u: r["text"] for u, r in ours.items() if u in {g["url"] for g in articles}}
    labels = {"cuishou": {u: ours[u]["dup_cluster"] for u in our_texts}}
    for system in ("rensa", "datasketch best", "datasketch defaults"):
        labels[system] = peer_clusters(system, our_texts)
    for system, clusters in labels.items():
        p, r, f = prf(same_cluster_pairs(clusters), gold_pairs)
        print(f"  {system:<44} {p:.4f} {r:.4f} {f:.4f}")
    worst = sorted(articles, key=lambda g: bigram_f1(ours.get(g["url"], {"text": ""})["text"], g["main_text"])[2])[:3]
    print("\nlowest text F1 pages:")
    for g in worst:
        print(f"  {bigram_f1(ours.get(g['url'], {'text': ''})['text'], g['main_text'])[2]:.4f} {g['url']}")


if __name__ == "__main__":
    main()

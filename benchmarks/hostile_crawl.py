"""The hostile crawl: the full-size hostile site crawled by the real CLI, directly and through --proxy.

The site is tests/hostile_site.py at full scale (a 1 GiB gzip bomb, endless and slow-drip bodies,
a silent server, a 50 MB page, 200,000 nested <div>s around an article, 1,000,000 tiny elements,
a redirect loop and a 30-hop chain, redirects and links to loopback and metadata addresses in
every notation, markup/XSS payloads, wrong charset labels). ``cuishou build --seeds … --delay 0``
runs with every other setting at its default (20 s read timeout, 60 s per response, 3 retries),
once straight to the site and once with ``--proxy`` (the site then serves hostile.test and
silent.test as a proxy). For each run it prints the exit code, the URLs in ``pages`` against the
URLs the site links, redirects to and seeds (missing, unexpected, repeated, wrong outcome), the
articles that became documents, requests that reached a forbidden target (a trap on the loopback
addresses the pages point to, and any host the proxy was asked for besides the site's), the
peak RSS of the CLI's process tree (sampled from /proc every 0.2 s: the CLI, the temporary
Prefect server it starts, and their children) and the wall time, beside the issue's targets.

Everything runs in a new network namespace (``unshare --net``, as root or with user namespaces)
where only loopback exists, so a redirect to 169.254.169.254 could not leave the machine even if
the SSRF guard failed; without ``unshare`` the metadata redirects are left out.

    uv run python benchmarks/hostile_crawl.py [--mode direct|proxy|both]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hostile_site import FULL, Served, serve_hostile_site  # noqa: E402

TARGETS = {"exit code": 0, "peak RSS (MB)": 1536, "wall (s)": 300}
IN_NAMESPACE = "CUISHOU_HOSTILE_NETNS"


def process_tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = int(statm.split()[1]) * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


class PeakRss:
    """Samples a process tree's RSS in a thread until stopped; ``peak`` is the largest sample."""

    def __init__(self, pid: int, every: float = 0.2):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(pid, every), daemon=True)
        self._thread.start()

    def _run(self, pid: int, every: float) -> None:
        while not self._stop.wait(every):
            self.peak = max(self.peak, process_tree_rss(pid))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


@dataclass
class Figures:
    mode: str
    exit_code: int
    wall: float
    peak_rss: int
    expected: int
    in_pages: int
    missing: list[str]
    unexpected: list[str]
    repeated: list[str]
    wrong: dict[str, tuple[str, str]]
    documents: int
    articles: int
    forbidden: list[str]
    outcomes: Counter
    run_seconds: str  # the run's own time, as its summary says (Prefect's start-up not included)


def crawl(served: Served, work: Path, mode: str) -> Figures:
    import pyarrow.dataset as ds

    seeds = work / "seeds.txt"
    seeds.write_text("\n".join(served.site.seeds()) + "\n")
    argv = [sys.executable, "-m", "cuishou.flows.cli", "build", "--seeds", str(seeds), "--delay", "0",
            "--out", str(work / "out"), *(["--proxy", served.proxy] if served.proxy else [])]
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sampler = PeakRss(process.pid)
    output, _ = process.communicate()
    wall, peak = time.monotonic() - started, sampler.stop()
    (work / "stdout.txt").write_text(output)
    pages, documents = [], []
    if (work / "out" / "pages").exists():
        pages = ds.dataset(work / "out" / "pages", partitioning="hive").to_table().to_pylist()
    if (work / "out" / "documents").exists():
        documents = ds.dataset(work / "out" / "documents", partitioning="hive").to_table(columns=["url"]).to_pylist()
    expected = served.site.expected()
    got = {p["url"]: (p["outcome"], p["reason"] or "") for p in pages}
    return Figures(
        mode=mode, exit_code=process.returncode, wall=wall, peak_rss=peak, expected=len(expected), in_pages=len(got),
        missing=sorted(set(expected) - set(got)), unexpected=sorted(set(got) - set(expected)),
        repeated=[url for url, n in Counter(p["url"] for p in pages).items() if n > 1],
        wrong={url: got[url] for url, (outcome, fragment) in expected.items()
               if url in got and (got[url][0] != outcome or fragment not in got[url][1])},
        documents=len({row["url"] for row in documents} & served.site.documents()),
        articles=len(served.site.documents()),
        forbidden=served.forbidden_requests(), outcomes=Counter(outcome for outcome, _ in got.values()),
        run_seconds=match.group(1) if (match := re.search(r"finished in ([\d.]+) s", output)) else "?",
    )


def report(figures: Figures) -> bool:
    complete = not (figures.missing or figures.unexpected or figures.repeated)
    rows = [
        ("exit code", figures.exit_code, "0", figures.exit_code == 0),
        ("URLs expected (seeds, links, redirect targets)", figures.expected, "", True),
        ("URLs in pages", figures.in_pages, "= expected", not (figures.missing or figures.unexpected)),
        ("  missing / unexpected / repeated", f"{len(figures.missing)} / {len(figures.unexpected)} / "
         f"{len(figures.repeated)}", "0 / 0 / 0", complete),
        ("  with another outcome than expected", len(figures.wrong), "0", not figures.wrong),
        ("articles as documents", f"{figures.documents}/{figures.articles}", "all",
         figures.documents == figures.articles),
        ("requests to forbidden targets", len(figures.forbidden), "0", not figures.forbidden),
        ("peak RSS of the process tree (MB)", f"{figures.peak_rss / 1e6:.0f}", f"≤ {TARGETS['peak RSS (MB)']}",
         figures.peak_rss / 1e6 <= TARGETS["peak RSS (MB)"]),
        ("wall time (s)", f"{figures.wall:.0f}", f"≤ {TARGETS['wall (s)']}", figures.wall <= TARGETS["wall (s)"]),
        ("  of which the run itself (s)", figures.run_seconds, "", True),
    ]
    print(f"\n{figures.mode}: cuishou build --seeds … --delay 0{' --proxy …' if figures.mode == 'proxy' else ''}")
    print(f"{'figure':<48} {'cuishou':>12} {'target':>12}")
    for label, value, target, ok in rows:
        print(f"{label:<48} {value!s:>12} {target:>12}{'' if ok else '  MISSED'}")
    print("outcomes: " + ", ".join(f"{outcome} {n}" for outcome, n in figures.outcomes.most_common()))
    for label, items in (("missing", figures.missing), ("unexpected", figures.unexpected),
                         ("repeated", figures.repeated), ("forbidden", figures.forbidden)):
        for item in items[:10]:
            print(f"  {label}: {item!r}")
    for url, (outcome, reason) in list(figures.wrong.items())[:10]:
        print(f"  wrong outcome: {url!r}: {outcome}: {reason[:120]!r}")
    return all(ok for *_, ok in rows)


def in_new_network_namespace() -> int | None:
    """Re-run this script in a namespace with only loopback; None where that is not possible."""
    if os.environ.get(IN_NAMESPACE) or not shutil.which("unshare"):
        return None
    command = f"ip link set lo up && exec {sys.executable} {' '.join(map(repr, sys.argv))}"
    flags = ["--net"] if os.geteuid() == 0 else ["--net", "--map-root-user"]
    result = subprocess.run(["unshare", *flags, "sh", "-c", command], env=os.environ | {IN_NAMESPACE: "1"})
    return result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("direct", "proxy", "both"), default="both")
    args = parser.parse_args()
    if (code := in_new_network_namespace()) is not None:
        return code
    isolated = bool(os.environ.get(IN_NAMESPACE))
    print(f"network: {'a new namespace with only loopback' if isolated else 'the host (metadata redirects left out)'}")
    started = time.monotonic()
    modes = ["direct", "proxy"] if args.mode == "both" else [args.mode]
    ok = True
    for mode in modes:
        metadata = isolated or mode == "proxy"
        with tempfile.TemporaryDirectory(prefix=f"cuishou-hostile-{mode}-") as work, \
                serve_hostile_site(FULL, proxied=mode == "proxy", metadata_redirects=metadata) as served:
            ok &= report(crawl(served, Path(work), mode))
    print(f"\nbenchmark wall time {time.monotonic() - started:.0f} s (site set-up included)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

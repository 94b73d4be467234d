"""Build throughput and memory: ``cuishou build --warc`` beside a single-process warcio + trafilatura loop.

Input: a WARC of N HTML pages made from the bundled sample with a body of their own each
(benchmarks/build_warc.py: no two pages are near-duplicates, so dedup does not collapse them),
written once per size into ``--work``. Both systems read the same records, each in a fresh
subprocess, alternating, ``--repeat`` times:

* ``loop``: ``for record in warcio.ArchiveIterator(...)``: ``trafilatura.extract(body)``, in one
  process (the peer: what a plain script does). Its start-up (imports) is timed apart from the loop.
* ``loop-set``: the same loop with trafilatura's justext stoplist held as a frozenset, the fix
  cuishou applies (it imports ``extract/html/main_text.py``, which applies it): the peer at its best.
* ``cuishou``: ``python -m flows.cli build --warc WARC --out NEW`` exactly as a user runs it, with a
  temporary Prefect server of its own (``--prefect running``: all builds share one server started by
  this script, as a scheduled deployment would).

Figures per run: wall seconds; start-up (command start until the first batch is handed to the
workers: imports, the Prefect server, the flow's start); the processing phase (the run report's
``process`` stage: reading the WARC and processing every page, which overlap); the write stage
(dedup and Parquet); the rest (report, dataset card, the Prefect server stopped); pages/s of the
processing phase and of the whole command; CPU seconds of the whole process tree (user + system,
from wait4: the workers and the Prefect server included) and of the processing phase alone
(summed from /proc over the tree, each process read while it lives); peak RSS of the process
tree (the largest sum of its processes' resident set sizes, sampled from /proc every 0.25 s;
shared pages count in each process, as RSS does), with a line saying in which stage the peak came
and how much of it each kind of process held. Medians follow each system's runs; the ratios
are cuishou's pages/s over each loop's (processing phase, then the whole command against the
loop's whole process).

The machine is shared: the load average is printed before every run; re-run when it is high.

    uv run python benchmarks/build_throughput.py --pages 10000 --repeat 3
    uv run python benchmarks/build_throughput.py --pages 10000 100000 --systems cuishou   # RSS growth
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.build_warc import cached_warc  # noqa: E402

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.25


# --- the process tree, from /proc ---------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # fields from the state on (the name may hold spaces)


def tree_pids(root: int) -> list[int]:
    """``root`` and every process descending from it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))):
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue += children.get(pid, [])
    return found


def process_rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def process_kind(pid: int, root: int) -> str:
    """What a process of the tree is, for the peak's breakdown."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "other"
    if b"uvicorn" in command:
        return "Prefect server"
    if b"spawn_main" in command:
        return "page workers"
    if b"resource_tracker" in command:
        return "multiprocessing's resource tracker"
    return "main process" if pid == root else "other"


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a live process has used."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / TICKS if fields else None  # utime, stime


class Sampler:
    """Peak tree RSS while a process runs; the tree's CPU time when asked (``mark``).

    A process's CPU time is read while it lives, every sample: the page workers end with the
    processing phase, before its end is marked, and a finished process's time is read from its last
    sample (at most SAMPLE_SECONDS short).
    """

    def __init__(self, pid: int):
        self.pid, self.peak = pid, 0
        self.started = time.monotonic()
        self.peak_at, self.peak_by = 0.0, {}  # seconds after the start, MB by kind of process
        self._pids = [pid]
        self._cpu: dict[int, float] = {}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        rounds = 0
        while not self._stopped.wait(SAMPLE_SECONDS):
            if rounds % 4 == 0:  # new workers, the Prefect server: look for children every second
                self._pids = tree_pids(self.pid)
            rounds += 1
            sizes = {pid: process_rss(pid) for pid in self._pids}
            if (total := sum(sizes.values())) > self.peak:
                self.peak, self.peak_at = total, time.monotonic() - self.started
                self.peak_by = {}
                for pid, size in sizes.items():
                    kind = process_kind(pid, self.pid)
                    self.peak_by[kind] = self.peak_by.get(kind, 0) + size / 2**20
            self._read_cpu(self._pids)

    def _read_cpu(self, pids: list[int]) -> None:
        read = {pid: seconds for pid in pids if (seconds := process_cpu(pid)) is not None}
        with self._lock:
            self._cpu.update(read)

    def cpu(self) -> float:
        """CPU seconds of every process the tree has had, up to now."""
        self._read_cpu(tree_pids(self.pid))
        with self._lock:
            return sum(self._cpu.values())

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the systems --------------------------------------------------------------------------------


def run_loop(warc: Path, stoplist_set: bool) -> dict:
    """In the subprocess: the peer loop; prints its figures as JSON."""
    started = time.monotonic()
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    if stoplist_set:  # cuishou's own fix, from the module that applies it (loaded on first use, as there)
        import cuishou.extract.html.main_text  # noqa: F401

    imported = time.monotonic()
    cpu = time.process_time()
    pages = extracted = 0
    with open(warc, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response":
                continue
            pages += 1
            extracted += trafilatura.extract(record.content_stream().read()) is not None
    return {"pages": pages, "documents": extracted, "startup": imported - started,
            "process": time.monotonic() - imported, "process_cpu": time.process_time() - cpu}


def measure(command: list[str], env: dict[str, str], marks: dict[str, str]) -> tuple[dict, list[str]]:
    """Run ``command``; wall, CPU and RSS figures, and when each of ``marks`` (name -> text) first
    appeared on its stderr (seconds, with the tree's CPU seconds then)."""
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(child.pid)
    seen: dict[str, tuple[float, float]] = {}
    lines: list[str] = []
    assert child.stderr is not None
    for line in child.stderr:
        lines.append(line.rstrip("\n"))
        for name, text in marks.items():
            if name not in seen and text in line:
                seen[name] = (time.monotonic() - started, sampler.cpu())
    stdout = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    sampler.stop()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{command} failed:\n" + "\n".join(lines[-20:]))
    figures = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_rss": sampler.peak / 2**20,
               "peak_at": sampler.peak_at, "peak_by": sampler.peak_by,
               "marks": seen, "stdout": stdout}
    return figures, lines


def loop_figures(warc: Path, env: dict[str, str], stoplist_set: bool) -> dict:
    figures, _ = measure([sys.executable, __file__, "--as-loop", str(warc), *["--stoplist-set"] * stoplist_set],
                         env, {})
    inner = json.loads(figures.pop("stdout"))
    return {"pages": inner["pages"], "wall": figures["wall"], "startup": inner["startup"],
            "process": inner["process"], "write": 0.0, "process_cpu": inner["process_cpu"],
            "cpu": figures["cpu"], "peak_rss": figures["peak_rss"], "documents": inner["documents"]}


def cuishou_figures(warc: Path, env: dict[str, str], work: Path, workers: int | None) -> dict:
    out = Path(tempfile.mkdtemp(prefix="build-", dir=work))
    command = [sys.executable, "-m", "cuishou.flows.cli", "build", "--warc", str(warc), "--out", str(out)]
    command += ["--workers", str(workers)] if workers else []
    figures, lines = measure(command, env, {"first_batch": "processing fetched pages", "writing": "writing the corpus"})
    [report] = [json.loads(p.read_text(encoding="utf-8")) for p in (out / "runs").glob("*.json")]
    stages = report["stage_seconds"]
    (start_at, start_cpu), (_, write_cpu) = figures["marks"]["first_batch"], figures["marks"]["writing"]
    subprocess.run(["rm", "-rf", str(out)], check=True)
    return {"pages": report["pages_fetched"], "wall": figures["wall"], "startup": start_at,
            "process": stages["process"], "write": stages["write"], "process_cpu": write_cpu - start_cpu,
            "cpu": figures["cpu"], "peak_rss": figures["peak_rss"], "documents": report["documents"],
            "peak_where": peak_where(figures, start_at + stages["process"], start_at + stages["process"]
                                     + stages["write"])}


def peak_where(figures: dict, processed_at: float, written_at: float) -> str:
    """When the peak RSS came (stage) and what held it, by kind of process."""
    at = figures["peak_at"]
    stage = "start-up" if at < figures["marks"]["first_batch"][0] else (
        "processing" if at < processed_at else "writing" if at < written_at else "report")
    by_size = sorted(figures["peak_by"].items(), key=lambda item: -item[1])
    held = ", ".join(f"{kind} {size:.0f} MB" for kind, size in by_size)
    return f"peak RSS at {at:.0f} s ({stage}): {held}"


# --- the table ----------------------------------------------------------------------------------

COLUMNS = [
    ("wall s", lambda f: f["wall"], "{:8.1f}"),
    ("start s", lambda f: f["startup"], "{:8.1f}"),
    ("proc s", lambda f: f["process"], "{:8.1f}"),
    ("write s", lambda f: f["write"], "{:8.1f}"),
    ("rest s", lambda f: f["wall"] - f["startup"] - f["process"] - f["write"], "{:8.1f}"),
    ("proc p/s", lambda f: f["pages"] / f["process"], "{:9.0f}"),
    ("whole p/s", lambda f: f["pages"] / f["wall"], "{:10.0f}"),
    ("proc CPU s", lambda f: f["process_cpu"], "{:11.1f}"),
    ("CPU ms/page", lambda f: 1000 * f["process_cpu"] / f["pages"], "{:12.2f}"),
    ("CPU s", lambda f: f["cpu"], "{:8.1f}"),
    ("peak RSS MB", lambda f: f["peak_rss"], "{:12.0f}"),
]


def header() -> str:
    return f"{'system':<9}{'pages':>8} {'load':>15}" + "".join(f"{name:>{len(fmt.format(0))}}"
                                                         for name, _, fmt in COLUMNS)


def row(system: str, figures: dict, load: str = "") -> str:
    return f"{system:<9}{figures['pages']:>8} {load:>15}" + "".join(fmt.format(value(figures))
                                                                   for _, value, fmt in COLUMNS)


def median_figures(runs: list[dict]) -> dict:
    merged = {key: statistics.median(run[key] for run in runs) for key, value in runs[0].items()
              if key != "pages" and isinstance(value, int | float)}
    return merged | {"pages": runs[0]["pages"]}


SYSTEMS = ["loop", "loop-set", "cuishou"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--systems", nargs="+", default=SYSTEMS, choices=SYSTEMS)
    parser.add_argument("--prefect", choices=["temporary", "running"], default="temporary",
                        help="a temporary Prefect server per build (as `cuishou build`), or one for all builds")
    parser.add_argument("--workers", type=int, help="cuishou build --workers (default: one per CPU)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cuishou-build-throughput")
    parser.add_argument("--as-loop", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stoplist-set", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.as_loop:
        print(json.dumps(run_loop(args.as_loop, args.stoplist_set)))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    from cuishou.flows.prefect_api import prefect_api
    from cuishou.flows.prefect_env import configure_prefect

    configure_prefect()
    server = prefect_api() if args.prefect == "running" else nullcontext()
    with server as url:
        if url:
            env["PREFECT_API_URL"] = url
        results: dict[tuple[str, int], list[dict]] = {}
        for pages in args.pages:
            warc = cached_warc(pages, args.work)
            print(f"\n{pages:,} pages: {warc} ({warc.stat().st_size / 2**20:.0f} MB); Prefect: {args.prefect}; "
                  f"cores: {os.cpu_count()}")
            print(header())
            for _ in range(args.repeat):
                for system in args.systems:
                    load = load_average()
                    figures = (cuishou_figures(warc, env, args.work, args.workers) if system == "cuishou"
                               else loop_figures(warc, env, stoplist_set=system == "loop-set"))
                    results.setdefault((system, pages), []).append(figures)
                    print(row(system, figures, load), flush=True)
                    if "peak_where" in figures:
                        print(f"  {figures['peak_where']}", flush=True)
            print("median")
            for system in args.systems:
                print(row(system, median_figures(results[(system, pages)])))
            for peer in ("loop", "loop-set"):
                if {peer, "cuishou"} <= set(args.systems):
                    loop, ours = (median_figures(results[(s, pages)]) for s in (peer, "cuishou"))
                    print(f"cuishou ÷ {peer}, pages/s: processing phase {loop['process'] / ours['process']:.2f}×, "
                          f"whole command {loop['wall'] / ours['wall']:.2f}×")
        if "cuishou" in args.systems and len(args.pages) > 1:
            peaks = {pages: median_figures(results[("cuishou", pages)])["peak_rss"] for pages in args.pages}
            smallest = min(peaks)
            print("\npeak RSS of the cuishou build's process tree: "
                  + ", ".join(f"{pages:,} pages {peak:.0f} MB ({peak / peaks[smallest]:.2f}×)"
                              for pages, peak in sorted(peaks.items())))


if __name__ == "__main__":
    main()

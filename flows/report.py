"""The run report: what the run saw, kept, dropped (and why), and where the output is."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cuishou.extract.visits import Visit
from cuishou.flows.escape import terminal
from cuishou.transform.write import write_text_atomic

_PERCENT = re.compile(r"\d+(?:\.\d+)?%")


@dataclass
class RunReport:
    run_id: str
    out: str
    urls_met: int
    pages_fetched: int
    documents: int  # new documents this run wrote
    corpus_documents: int  # the whole corpus after this run
    current_documents: int  # rows that are their page's current version (is_current)
    canonical_documents: int
    duplicate_clusters: int  # clusters with two or more members
    documents_in_duplicate_clusters: int
    outcomes: dict[str, int]
    dropped: dict[str, int]  # "outcome: reason" -> count, for every URL that is not a document
    per_host: dict[str, dict[str, int]]
    files: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    resumed: bool = False  # this run picked up an interrupted run of the same command
    changes: dict[str, int] = field(default_factory=dict)  # URLs this run made new, changed, gone, back
    # wall seconds per stage: "process" (crawl or WARC reading, and the pages processed meanwhile),
    # "write" (dedup, the run's files, URL states, cluster and version columns, the run committed)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return Path(self.out) / "runs" / f"{self.run_id}.json"

    def save(self) -> Path:
        return write_text_atomic(self.path, json.dumps(asdict(self), ensure_ascii=False, indent=2))

    def render(self, console: Console) -> None:
        """The summary and every drop reason; reasons and paths are shown as text, never as markup."""
        resumed = " (resumed after an interruption)" if self.resumed else ""
        console.print(Text.assemble((f"cuishou run {self.run_id}", "bold"),
                                    f"{resumed} finished in {self.seconds:.1f} s"))
        summary = Table(show_header=False, box=None)
        for label, value in [
            ("URLs met", self.urls_met),
            ("pages fetched", self.pages_fetched),
            ("new documents written", self.documents),
            ("unchanged since the last run", self.outcomes.get("unchanged", 0)),
            ("documents in the corpus", self.corpus_documents),
            ("current pages", f"{self.current_documents} (the corpus as it is online now)"),
            ("changes since the last run", ", ".join(f"{n} {change}" for change, n in self.changes.items())),
            ("canonical documents", self.canonical_documents),
            ("duplicate clusters", f"{self.duplicate_clusters} ({self.documents_in_duplicate_clusters} documents)"),
        ]:
            summary.add_row(label, str(value))
        console.print(summary)
        if self.dropped:
            table = Table(title="not documents, by outcome and reason")
            table.add_column("outcome: reason")
            table.add_column("URLs", justify="right")
            for reason, count in sorted(self.dropped.items(), key=lambda kv: (-kv[1], kv[0])):
                table.add_row(terminal(reason), str(count))
            console.print(table)
        out = Path(self.out)
        for label, path in (("documents: ", out / "documents"), ("pages:     ", out / "pages"),
                            ("urls:      ", out / "urls"),
                            ("report:    ", f"{out / 'report.html'} (and {self.path})"),
                            ("card:      ", out / "README.md")):
            console.print(Text(label) + terminal(path))
        console.print("the corpus as it is online now, one row per page (duckdb):", markup=False, highlight=False)
        console.print(Text("  ") + terminal(current_pages_query(out)), soft_wrap=True)  # one line, to copy whole


def _reason_key(visit: Visit) -> str:
    """Reasons grouped for counting: without redirect targets and per-page percentages."""
    reason = _PERCENT.sub("N%", visit.reason or "")
    if visit.outcome in ("redirect", "robots_txt"):
        reason = reason.split(" → ")[0].split(":")[0]
    return f"{visit.outcome}: {reason}" if reason else visit.outcome


def current_pages_query(out: Path | str) -> str:
    """The duckdb query for the corpus as it is online now: one row per live page, its current text."""
    documents = f"{Path(out).as_posix().rstrip('/')}/documents/**/*.parquet".replace("'", "''")
    return f"select * from read_parquet('{documents}', hive_partitioning = true) where is_current"


def _true_count(clusters: pa.Table | None, column: str) -> int:
    if clusters is None or column not in clusters.column_names:
        return 0
    return pc.sum(clusters.column(column)).as_py() or 0


def build_report(
    run_id: str,
    out: Path,
    visits: Iterable[Visit],
    documents: int,
    clusters: pa.Table | None,
    files: dict[str, list[Path]],
    seconds: float,
    resumed: bool = False,
    changes: dict[str, int] | None = None,
    stage_seconds: dict[str, float] | None = None,
) -> RunReport:
    """The report of a run: ``visits`` is its ledger (read once), ``documents`` the rows it added,
    ``clusters`` the cluster and version columns of every document in the corpus (doc_id, dup_cluster,
    is_canonical, is_current)."""
    per_host: dict[str, Counter] = {}
    outcomes: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    urls_met = fetched = 0
    for visit in visits:
        urls_met += 1
        fetched += visit.status is not None
        outcomes[visit.outcome] += 1
        per_host.setdefault(visit.host, Counter())[visit.outcome] += 1
        if visit.outcome != "document":
            dropped[_reason_key(visit)] += 1
    sizes = [] if clusters is None else pc.value_counts(clusters.column("dup_cluster")).field("counts").to_pylist()
    return RunReport(
        run_id=run_id,
        out=str(out),
        urls_met=urls_met,
        pages_fetched=fetched,
        documents=documents,
        corpus_documents=0 if clusters is None else clusters.num_rows,
        current_documents=_true_count(clusters, "is_current"),
        canonical_documents=_true_count(clusters, "is_canonical"),
        duplicate_clusters=sum(n > 1 for n in sizes),
        documents_in_duplicate_clusters=sum(n for n in sizes if n > 1),
        outcomes=dict(outcomes),
        dropped=dict(dropped),
        per_host={host: dict(counts) for host, counts in sorted(per_host.items())},
        files={table: [str(p) for p in paths] for table, paths in files.items()},
        seconds=round(seconds, 2),
        resumed=resumed,
        changes=changes or {},
        stage_seconds=stage_seconds or {},
    )

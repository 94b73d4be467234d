"""Progress for long work: a line as each stage starts, and bars for the crawl (per-host counts,
rate, errors) and page processing, which run at the same time.

Bars render only on a terminal; under CI or a scheduler the stage lines and the run report tell
the story.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from cuishou.extract.visits import Visit
from cuishou.flows.escape import visible

_ERRORS = {"fetch_error", "http_error"}


def announce(message: str) -> None:
    """One line on stderr as a stage starts (plain text: paths and URLs are not markup)."""
    Console(file=sys.stderr, soft_wrap=True).print(message, markup=False, highlight=False)


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}", markup=False),  # host names come from pages
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=False,
    )


class RunProgress:
    """One live display for a run: the crawl's bar (per-host counts, rate, errors), shown when a
    crawl reports to it, and the processing bar (pages processed of pages fetched so far).

    The crawl and the processing overlap, so both bars share one display; ``on_visit`` is called
    from the crawl's thread.
    """

    def __init__(self, console: Console | None = None):
        self.console = console or Console(file=sys.stderr)
        self.per_host: Counter[str] = Counter()
        self.errors = 0
        self._bar = _progress(self.console)
        self._crawl: TaskID | None = None
        self._extract = self._bar.add_task("extract", total=None, detail="")
        self._documents = 0
        self._started = time.monotonic()

    def __enter__(self) -> RunProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self._bar.stop()

    def on_visit(self, visit: Visit) -> None:
        """A crawled URL is settled."""
        if self._crawl is None:
            self._crawl = self._bar.add_task("crawl", total=None, detail="")
        self.per_host[visit.host] += 1
        self.errors += visit.outcome in _ERRORS
        hosts = " ".join(f"{visible(host)} {n}" for host, n in self.per_host.most_common(4))
        rate = sum(self.per_host.values()) / max(time.monotonic() - self._started, 1e-3)
        self._bar.update(self._crawl, advance=1, detail=f"{rate:.1f} URLs/s · errors {self.errors} · {hosts}")

    def fetched(self, total: int) -> None:
        """Pages fetched so far: the processing bar's total."""
        self._bar.update(self._extract, total=total)

    def processed(self, pages: int, documents: int) -> None:
        self._documents += documents
        self._bar.update(self._extract, advance=pages, detail=f"documents {self._documents}")

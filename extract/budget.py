"""Per-page budgets: no single page may cost the run more than a bounded amount of CPU and memory.

A hostile or broken page can make every HTML parser slow: lexbor checks element scope by walking
its stack of open elements (quadratic in nesting depth), libxml2 (under trafilatura) silently drops
everything nested deeper than 255 levels, and DOM memory and extraction time grow with the element
count. So before any parser sees a page (``budgeted_html``):

- nesting deeper than ``max_depth`` is flattened: beyond it, container tags (div, span, section,
  b …) are dropped while text, paragraphs, headings, list items and links are kept, so the prose
  of a deep page still reaches the extractor;
- a page with more characters than ``max_chars``, or more elements than ``max_elements`` after
  flattening, is refused as too complex, with the figure.

And the work on one page runs under a CPU-time limit (``within_cpu_limit``): a watchdog thread
reads the working thread's own CPU clock and interrupts it once the limit is spent, so it works in
any thread (Prefect task runners, Dask workers, the crawler's parser pool). A running C call (a
parse) is interrupted when it returns; the limits above keep those short.
"""

from __future__ import annotations

import ctypes
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class PageBudget:
    max_chars: int = 8_000_000  # of decoded HTML (bodies are capped at 10 MiB when fetched)
    max_elements: int = 100_000  # start tags after flattening: DOM memory grows with them
    max_depth: int = 128  # open container elements; libxml2 loses content below 255
    cpu_seconds: float = 2.0  # one page: decode → extract → clean → tags, or its link extraction


DEFAULT_BUDGET = PageBudget()


class TooComplex(Exception):
    """A page over its budget; the message gives the figure and the limit."""


@dataclass(frozen=True)
class Budgeted:
    """HTML that parsers can take within the budget, and what was done to it."""

    html: str
    elements: int  # start tags the parsers will see
    flattened: int = 0  # container elements whose tags were dropped below max_depth


def budgeted_html(html: str, budget: PageBudget = DEFAULT_BUDGET) -> Budgeted:
    """The page with nesting flattened to ``max_depth``; raises TooComplex when it is over a limit."""
    tags = len(_START_TAG.findall(html))
    if tags > 4 * budget.max_elements:  # over even if flattening dropped most; the scan itself would cost seconds
        raise TooComplex(f"{tags:,} elements (limit {budget.max_elements:,})")
    if len(html) > budget.max_chars:
        raise TooComplex(f"{len(html):,} characters of HTML (limit {budget.max_chars:,})")
    if tags <= budget.max_depth:  # cannot be deeper than that
        return Budgeted(html, tags)
    flat = _flatten(html, budget.max_depth)
    if flat.elements > budget.max_elements:
        raise TooComplex(f"{flat.elements:,} elements (limit {budget.max_elements:,})")
    return flat


_START_TAG = re.compile(r"<[A-Za-z]")
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
# Comments and raw-text elements: what looks like a tag inside them is text.
_OPAQUE = re.compile(r"<(?:!--|(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)(?=[\s/>]))", re.I)
_OPAQUE_END: dict[str, re.Pattern] = {}
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# A parser closes these when the next of their kind starts, so they do not nest deeply by
# themselves: never dropped, and not counted as depth.
_CLOSED_BY_SIBLING = frozenset("p li dt dd h1 h2 h3 h4 h5 h6 a tr td th option".split())
_NOWHERE = (float("inf"), float("inf"))


def _opaque_spans(html: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    while match := _OPAQUE.search(html, position):
        name = (match.group(1) or "").lower()
        if not name:
            end = html.find("-->", match.end())
            end = len(html) if end < 0 else end + 3
        else:
            closer = _OPAQUE_END.get(name) or _OPAQUE_END.setdefault(name, re.compile(rf"</{name}\s*>", re.I))
            found = closer.search(html, match.end())
            end = found.end() if found else len(html)
        spans.append((match.start(), end))
        position = end
    return spans


def _flatten(html: str, max_depth: int) -> Budgeted:
    """Drop the start and end tags of container elements opened deeper than ``max_depth``.

    A light tokenizer: an end tag closes everything opened after its element (as a parser does
    for misnested markup) and is ignored when no such element is open.
    """
    opaque = iter(_opaque_spans(html))
    skip_from, skip_to = next(opaque, _NOWHERE)
    stack: list[tuple[str, bool]] = []  # open container elements: (name, dropped)
    open_names: Counter[str] = Counter()
    depth = elements = flattened = 0
    pieces: list[str] = []
    kept_from = 0
    for match in _TAG.finditer(html):
        position = match.start()
        if position >= skip_from:
            while skip_to <= position:
                skip_from, skip_to = next(opaque, _NOWHERE)
            if position >= skip_from:
                continue
        closing, name = match.groups()
        name = name.lower()
        if not closing:
            elements += 1
            if name in _VOID or name in _CLOSED_BY_SIBLING:
                continue
            drop = depth >= max_depth
            stack.append((name, drop))
            open_names[name] += 1
            depth += not drop
            flattened += drop
        elif open_names[name] and name not in _CLOSED_BY_SIBLING:
            while True:
                popped, drop = stack.pop()
                open_names[popped] -= 1
                depth -= not drop
                if popped == name:
                    break
        else:
            continue
        if drop:
            end = html.find(">", match.end())
            pieces.append(html[kept_from:position])
            kept_from = len(html) if end < 0 else end + 1
    if not flattened:
        return Budgeted(html, elements)
    pieces.append(html[kept_from:])
    return Budgeted("".join(pieces), elements - flattened, flattened)


# --- the CPU-time limit --------------------------------------------------------------------------


class _OverBudget(BaseException):
    """Raised in the working thread by the watchdog; not an Exception, so libraries' ``except
    Exception`` clauses let it through."""


@dataclass(eq=False)
class _Watch:
    thread: int
    clock: Callable[[], float]
    deadline: float
    interrupted_at: float | None = None


def _thread_clock(thread: int) -> Callable[[], float]:
    """The CPU clock of a thread (its own CPU time, not the process's), or wall time where there is none."""
    try:
        clock_id = time.pthread_getcpuclockid(thread)
    except (AttributeError, OSError):
        return time.monotonic
    return lambda: time.clock_gettime(clock_id)


def _raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """Make ``thread`` raise ``exception`` at its next bytecode (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exception)
                                               if exception else None)


class _Watchdog:
    """One daemon thread that interrupts watched threads whose CPU time ran past their deadline."""

    TICK = 0.02  # seconds between looks at the clocks
    REPEAT = 0.5  # a thread that swallowed the interruption (a bare except) gets it again after this

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._watches: dict[int, _Watch] = {}
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, seconds: float) -> _Watch | None:
        """Start watching the calling thread; None if it is already watched (the outer limit holds)."""
        thread = threading.get_ident()
        clock = _thread_clock(thread)
        with self._lock:
            if thread in self._watches:
                return None
            watch = self._watches[thread] = _Watch(thread, clock, clock() + seconds)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="cuishou-budget", daemon=True)
                self._thread.start()
        self._wake.set()
        return watch

    def release(self, watch: _Watch) -> None:
        """Stop watching; an interruption sent but not yet raised is cancelled. Safe to repeat."""
        with self._lock:
            if self._watches.get(watch.thread) is watch:
                del self._watches[watch.thread]
                if watch.interrupted_at is not None:
                    _raise_in(watch.thread, None)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.TICK)
            with self._lock:
                if not self._watches:
                    self._wake.clear()
                now = time.monotonic()
                for watch in self._watches.values():
                    if watch.clock() < watch.deadline:
                        continue
                    if watch.interrupted_at is None or now - watch.interrupted_at > self.REPEAT:
                        watch.interrupted_at = now
                        _raise_in(watch.thread, _OverBudget)


_WATCHDOG = _Watchdog()


def within_cpu_limit(work: Callable[[], T], seconds: float = DEFAULT_BUDGET.cpu_seconds) -> T:
    """``work()``, interrupted with TooComplex once it has used ``seconds`` of its thread's CPU time.

    Nested calls in one thread run under the outermost limit.
    """
    watch = _WATCHDOG.watch(seconds)
    if watch is None:
        return work()
    try:
        try:
            return work()
        finally:
            _WATCHDOG.release(watch)
    except _OverBudget:
        _WATCHDOG.release(watch)  # again, in case the interruption cut the first release short
        raise TooComplex(f"over {seconds:g} s of CPU time") from None

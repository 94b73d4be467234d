"""Rule sweep: delete one rule, cue or threshold branch at a time and check that a test fails.

Every rule table of the pipeline is enumerated (the cleaner's line rules, comment widgets and
steps, the article gate's checks, the tag facets' cue families, lender and law aliases, the
dedup thresholds) and every listed threshold is moved to where its branch is off. For each such
mutation a fresh pytest runs the tests that mirror the mutated module, with the mutation applied
in-process before the tests import anything (this file is also the pytest plugin that applies
it, ``-p benchmarks.rule_sweep``), so the checkout itself is never edited. A mutation that
leaves those tests green is a *survivor*: a rule nothing pins.

    uv run python benchmarks/rule_sweep.py [--jobs 2] [--only clean] [--list]
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = "CUISHOU_RULE_SWEEP"


@dataclass(frozen=True)
class Mutation:
    """One deletion: its name, how to apply it in-process, and the tests that must notice."""

    name: str
    apply: Callable[[], None]
    tests: tuple[str, ...]


def _drop_item(module: str, attr: str, index: int) -> Callable[[], None]:
    def apply() -> None:
        mod = importlib.import_module(module)
        items = getattr(mod, attr)
        setattr(mod, attr, type(items)(item for n, item in enumerate(items) if n != index))
    return apply


def _drop_key(module: str, attr: str, key: str) -> Callable[[], None]:
    def apply() -> None:
        del getattr(importlib.import_module(module), attr)[key]
    return apply


def _set(module: str, attr: str, value: object) -> Callable[[], None]:
    def apply() -> None:
        setattr(importlib.import_module(module), attr, value)
    return apply


def _drop_cue(facet: str, rule_index: int, family: str) -> Callable[[], None]:
    def apply() -> None:
        facets = importlib.import_module("cuishou.transform.tags.facets")
        rules = list(facets.FACETS[facet])
        rule = rules[rule_index]
        rules[rule_index] = replace(rule, cues={k: v for k, v in rule.cues.items() if k != family})
        facets.FACETS[facet] = tuple(rules)
    return apply


def _drop_visit_cue(rule_index: int, family: str) -> Callable[[], None]:
    def apply() -> None:
        for name in ("cuishou.transform.tags.home_visits", "cuishou.transform.tags"):
            mod = importlib.import_module(name)
            rules = list(mod.HOME_VISIT_RULES)
            rule = rules[rule_index]
            rules[rule_index] = replace(rule, cues={k: v for k, v in rule.cues.items() if k != family})
            mod.HOME_VISIT_RULES = tuple(rules)
    return apply


def _dedup_rule(field: str, value: float) -> Callable[[], None]:
    """A NearDuplicateRule default moved, in the rule and in ``cluster_documents``' keywords."""
    def apply() -> None:
        from cuishou.transform.dedup.batch import cluster_documents
        from cuishou.transform.dedup.verify import NearDuplicateRule

        names = ("threshold", "containment_threshold", "min_size_ratio")
        defaults = list(NearDuplicateRule.__init__.__defaults__)
        defaults[names.index(field)] = value
        NearDuplicateRule.__init__.__defaults__ = tuple(defaults)
        cluster_documents.__kwdefaults__[field] = value
    return apply


# The dedup rule's branches and thresholds: off, and moved to either side of their value.
DEDUP_RULE: tuple[tuple[str, float], ...] = (
    ("threshold", 1.01), ("threshold", 0.43), ("threshold", 0.25),
    ("containment_threshold", 1.01), ("containment_threshold", 0.65), ("containment_threshold", 0.55),
    ("min_size_ratio", 0.0), ("min_size_ratio", 0.1), ("min_size_ratio", 0.5),
)

CLEAN_TESTS = ("tests/transform/test_clean.py", "tests/transform/test_clean_line_rules.py")
GATE_TESTS = ("tests/extract/html",)
TAG_TESTS = ("tests/transform/tags",)
DEDUP_TESTS = ("tests/transform/dedup/test_verify.py", "tests/transform/dedup/test_batch.py")
LSH_TESTS = ("tests/transform/dedup/test_lsh.py",)
POOL_TESTS = ("tests/flows/test_pool.py",)
DISPATCH_TESTS = ("tests/flows/test_dispatch.py",)

# Thresholds moved to where their branch is off (or to a clearly wrong side): module, name, value.
THRESHOLDS: tuple[tuple[str, str, object, tuple[str, ...]], ...] = (
    ("cuishou.extract.html.gate", "MIN_PROSE_CHARS", 0, GATE_TESTS),
    ("cuishou.extract.html.gate", "SIGNALLED_MIN_PROSE_CHARS", 80, GATE_TESTS),
    ("cuishou.extract.html.gate", "ERROR_PAGE_MAX_PROSE", 0, GATE_TESTS),
    ("cuishou.extract.html.gate", "LISTING_SHARE", 1.01, GATE_TESTS),
    ("cuishou.extract.html.gate", "SIGNALLED_LISTING_SHARE", 0.5, GATE_TESTS),
    ("cuishou.extract.html.gate", "LISTING_MAX_PROSE_RUN", 0, GATE_TESTS),
    ("cuishou.extract.html.gate", "THREAD_MAX_PROSE_RUN", 240, GATE_TESTS),
    ("cuishou.extract.html.gate", "LISTING_MIN_ITEMS", 10_000, GATE_TESTS),
    ("cuishou.extract.html.gate", "COMMENT_LIST_MIN_ITEMS", 10_000, GATE_TESTS),
    ("cuishou.extract.html.gate", "COMMENT_LIST_MIN_CHARS", 0, GATE_TESTS),
    ("cuishou.extract.html.gate", "ARCHIVE_MIN_POSTS", 10_000, GATE_TESTS),
    ("cuishou.extract.html.gate", "ARCHIVE_POST_MIN_CHARS", 10_000, GATE_TESTS),
    ("cuishou.extract.html.gate", "POST_HEADING_MAX_CHARS", 0, GATE_TESTS),
    ("cuishou.extract.html.gate", "PROSE_LINE_CHARS", 0, GATE_TESTS),
    ("cuishou.extract.html.gate", "SIGNALLED_LINE_CHARS", 20, GATE_TESTS),
    ("cuishou.extract.html.gate", "HEADLINE_MIN_CHARS", 0, GATE_TESTS),
    ("cuishou.extract.html.gate", "ITEM_TITLE_MIN_CHARS", 10_000, GATE_TESTS),
    ("cuishou.extract.html.gate", "ITEM_MAX_CHARS", 0, GATE_TESTS),
    ("cuishou.extract.html.thread", "THREAD_POSTS_GAIN", 0.0, GATE_TESTS),
    ("cuishou.extract.html.main_text", "CAPTION_MAX_CHARS", 10_000, GATE_TESTS),
    ("cuishou.extract.html.main_text", "CAPTION_MIN_HAN", 0, GATE_TESTS),
    ("cuishou.extract.html.main_text", "FLAT_TEXT_MIN_CHARS", 10_000, GATE_TESTS),
    ("cuishou.extract.html.main_text", "LAYOUT_TABLE_PAGE_SHARE", 1.01, GATE_TESTS),
    ("cuishou.extract.html.main_text", "SHORT_THREAD_CHARS", 0, GATE_TESTS),
    ("cuishou.transform.clean", "LINE_RULE_MAX_CHARS", 10_000, CLEAN_TESTS),
    ("cuishou.transform.clean", "FOOTER_LINE_MAX_CHARS", 0, CLEAN_TESTS),
    ("cuishou.transform.clean", "LINK_RUN_MIN_LINES", 10_000, CLEAN_TESTS),
    ("cuishou.transform.clean", "LINK_LIST_CONTENT_SHARE", 1.01, CLEAN_TESTS),
    ("cuishou.transform.clean", "LINK_LIST_MIN_REST_CHARS", 10_000, CLEAN_TESTS),
    ("cuishou.transform.clean", "THREAD_MAX_ARTICLE_SHARE", 0.0, CLEAN_TESTS),
    ("cuishou.transform.clean", "TITLE_VARIANT_JACCARD", 0.0, CLEAN_TESTS),
    ("cuishou.transform.clean", "NEAR_DUP_JACCARD", 1.01, CLEAN_TESTS),
    ("cuishou.transform.clean", "DUP_RUN_MIN_CHARS", 0, CLEAN_TESTS),
    ("cuishou.transform.clean", "OUTLINE_MATCH_SHARE", 1.01, CLEAN_TESTS),
    ("cuishou.transform.dedup.lsh", "FULL_BUCKET", 10_000, LSH_TESTS),
    ("cuishou.transform.dedup.lsh", "FULL_BUCKET", 2, LSH_TESTS),
    ("cuishou.transform.dedup.lsh", "SPLIT_ROWS", 0, LSH_TESTS),
    ("cuishou.transform.dedup.lsh", "SPLIT_ROWS", 9, LSH_TESTS),
    ("cuishou.flows.pool", "PART_PAGES", 10_000, POOL_TESTS),
    ("cuishou.flows.dispatch", "IDLE_WAIT", 0.0, DISPATCH_TESTS),
    ("cuishou.flows.dispatch", "IDLE_WAIT", float("inf"), DISPATCH_TESTS),
    ("cuishou.flows.dispatch", "SETTLED_PART", 10**9, DISPATCH_TESTS),
)


def mutations() -> list[Mutation]:
    """Every mutation of the sweep, in a fixed order (the subprocess finds its own by index)."""
    return list(_mutations())


def _mutations() -> Iterator[Mutation]:
    clean = importlib.import_module("cuishou.transform.clean")
    for n, (rule, pattern) in enumerate(clean.LINE_RULES):
        name = f"clean LINE_RULES[{n}] {rule} {pattern.pattern[:50]}"
        yield Mutation(name, _drop_item("cuishou.transform.clean", "LINE_RULES", n), CLEAN_TESTS)
    for n, pattern in enumerate(clean.COMMENT_CHROME):
        name = f"clean COMMENT_CHROME[{n}] {pattern.pattern[:50]}"
        yield Mutation(name, _drop_item("cuishou.transform.clean", "COMMENT_CHROME", n), CLEAN_TESTS)
    for n, step in enumerate(clean.RULES):
        yield Mutation(f"clean RULES {step.__name__}", _drop_item("cuishou.transform.clean", "RULES", n), CLEAN_TESTS)
    gate = importlib.import_module("cuishou.extract.html.gate")
    for n, check in enumerate(gate.CHECKS):
        drop = _drop_item("cuishou.extract.html.gate", "CHECKS", n)
        yield Mutation(f"gate CHECKS {check.__name__}", drop, GATE_TESTS)
    facets = importlib.import_module("cuishou.transform.tags.facets")
    for facet, rules in facets.FACETS.items():
        for n, rule in enumerate(rules):
            for family in rule.cues:
                yield Mutation(f"tags {facet}:{rule.label} cue {family}", _drop_cue(facet, n, family), TAG_TESTS)
    visits = importlib.import_module("cuishou.transform.tags.home_visits")
    for n, rule in enumerate(visits.HOME_VISIT_RULES):
        for family in rule.cues:
            yield Mutation(f"tags home_visit:{rule.label} cue {family}", _drop_visit_cue(n, family), TAG_TESTS)
    entities = importlib.import_module("cuishou.transform.tags.entities")
    for table in ("LENDER_ALIASES", "LAW_ALIASES", "CRIME_ARTICLES"):
        for key in getattr(entities, table):
            yield Mutation(f"tags {table}[{key}]", _drop_key("cuishou.transform.tags.entities", table, key), TAG_TESTS)
    for field, value in DEDUP_RULE:
        yield Mutation(f"dedup NearDuplicateRule.{field} = {value}", _dedup_rule(field, value), DEDUP_TESTS)
    for module, attr, value, tests in THRESHOLDS:
        yield Mutation(f"{module}.{attr} = {value}", _set(module, attr, value), tests)


def pytest_configure(config) -> None:  # noqa: ARG001 - the pytest hook's signature
    """As a pytest plugin: apply the mutation named by the environment before any test runs."""
    if (index := os.environ.get(ENV)) is not None:
        mutations()[int(index)].apply()


def _pytest(tests: tuple[str, ...], index: int | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ENV} | ({ENV: str(index)} if index is not None else {})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "benchmarks.rule_sweep", "-p", "no:cacheprovider", *tests],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


def run(index: int, mutation: Mutation) -> tuple[Mutation, bool, float]:
    """Run the mutation's tests; True when at least one failed (the mutation was caught)."""
    started = time.monotonic()
    result = _pytest(mutation.tests, index)
    if result.returncode not in (0, 1):
        raise SystemExit(f"pytest could not run for {mutation.name}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return mutation, result.returncode == 1, time.monotonic() - started


def check_baseline(chosen: list[tuple[int, Mutation]]) -> None:
    """Unmutated, every test group must pass, or a 'caught' would mean nothing."""
    for tests in sorted({mutation.tests for _, mutation in chosen}):
        if (result := _pytest(tests, None)).returncode != 0:
            raise SystemExit(f"the unmutated tests fail ({' '.join(tests)}):\n{result.stdout[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2, help="pytest processes at once")
    parser.add_argument("--only", help="only mutations whose name contains this")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    chosen = [(n, m) for n, m in enumerate(mutations()) if not args.only or args.only in m.name]
    if args.list:
        for n, mutation in chosen:
            print(f"{n:4d} {mutation.name}")
        return
    check_baseline(chosen)
    print(f"{len(chosen)} mutations, {args.jobs} at a time (each test group passes unmutated)")
    survivors = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for mutation, caught, seconds in pool.map(lambda item: run(*item), chosen):
            print(f"  {'caught  ' if caught else 'SURVIVED'} {seconds:5.1f}s  {mutation.name}", flush=True)
            if not caught:
                survivors.append(mutation.name)
    print(f"\n{len(chosen) - len(survivors)}/{len(chosen)} mutations caught, {len(survivors)} survivors")
    for name in survivors:
        print(f"  survivor: {name}")
    raise SystemExit(1 if survivors else 0)


if __name__ == "__main__":
    main()

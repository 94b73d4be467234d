"""Page versions across runs: live, changed, gone (conservatively), back; versions in time order."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest

from cuishou.transform.schema import URL_SCHEMA
from cuishou.transform.versions import (
    DocVersion,
    PageRow,
    UrlState,
    Versions,
    clean_hosts,
    fold_run,
    fold_runs,
    needs_refold,
    run_evidence,
    settle,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(day: int) -> datetime:
    return T0 + timedelta(days=day)


def row(path: str, outcome: str = "document", status: int | None = 200, doc: str | None = None,
        day: int | None = 0, host: str = "a.test") -> PageRow:
    """A pages row; a document's doc_id defaults to its path."""
    doc = doc or (path if outcome in ("document", "unchanged") else None)
    return PageRow(f"http://{host}/{path}", host, outcome, status, doc, None if day is None else at(day))


def index(day: int, *extra: PageRow) -> list[PageRow]:
    """A run's pages: the index page (a clean answer from the host) and ``extra``."""
    return [row("", "not_article", day=day), *extra]


def current(versions: Versions) -> set[str]:
    return {doc_id for doc_id, columns in versions.columns.items() if columns["is_current"]}


def latest(states: dict[str, UrlState]) -> datetime:
    return max(state.last_fetched for state in states.values())


def fold(*runs: list[PageRow], gone_after: int = 2) -> dict[str, UrlState]:
    states: dict[str, UrlState] = {}
    for number, pages in enumerate(runs, 1):
        states = fold_run(states, pages, f"r{number}", gone_after)
    return {url.rsplit("/", 1)[1]: state for url, state in states.items()}


def test_the_state_has_the_fields_of_the_urls_table():
    assert [f.name for f in fields(UrlState)] == URL_SCHEMA.names


def test_a_document_is_new_then_changed_and_an_unchanged_page_is_seen_again():
    states = fold(index(0, row("a"), row("b")),
                  index(1, row("a", doc="a2", day=1), row("b", "unchanged", 304, "b", day=1)))
    a, b = states["a"], states["b"]
    assert (a.current_doc_id, a.last_change, a.last_change_run, a.first_seen, a.last_seen) == ("a2", "changed", "r2",
                                                                                               at(0), at(1))
    assert (b.current_doc_id, b.last_change, b.last_change_run, b.last_seen, b.last_status) == ("b", "new", "r1",
                                                                                               at(1), 304)
    assert "" not in states, "a page that is not an article is not a documented URL"


@pytest.mark.parametrize("status", [404, 410])
def test_a_404_or_410_is_gone_at_once_and_a_page_served_again_is_back(status):
    states = fold(index(0, row("a")), index(1, row("a", "http_error", status, day=1)))
    assert (states["a"].gone_since, states["a"].last_change, states["a"].last_status) == (at(1), "gone", status)
    states = fold(index(0, row("a")), index(1, row("a", "http_error", status, day=1)), index(2, row("a", day=2)))
    assert (states["a"].gone_since, states["a"].last_change, states["a"].last_change_run) == (None, "back", "r3")


@pytest.mark.parametrize("failure", [
    row("a", "http_error", 500, day=1), row("a", "http_error", 429, day=1), row("a", "fetch_error", None, day=1),
    row("a", "robots_disallowed", None, day=None), row("a", "not_article", 200, day=1),
])
def test_an_error_or_no_request_is_not_gone(failure):
    states = fold(index(0, row("a")), index(1, failure), index(2, failure))
    assert states["a"].live and states["a"].last_change == "new" and states["a"].current_doc_id == "a"


def test_a_url_no_run_meets_is_gone_after_n_clean_runs_since_the_first_of_them():
    states = fold(index(0, row("a"), row("b")), index(1, row("b", day=1)))
    assert states["a"].live and (states["a"].unlinked_runs, states["a"].unlinked_since) == (1, at(1))
    states = fold(index(0, row("a"), row("b")), index(1, row("b", day=1)), index(2, row("b", day=2)))
    assert (states["a"].gone_since, states["a"].last_change, states["a"].last_change_run) == (at(1), "gone", "r3")
    assert fold(index(0, row("a")), index(1), gone_after=1)["a"].gone_since == at(1)


def test_meeting_the_url_again_resets_the_count():
    states = fold(index(0, row("a")), index(1), index(2, row("a", "unchanged", 304, "a", day=2)), index(3))
    assert states["a"].live and (states["a"].unlinked_runs, states["a"].unlinked_since) == (1, at(3))


@pytest.mark.parametrize("trouble", [
    row("other", "http_error", 503, day=1), row("other", "http_error", 429, day=1),
    row("other", "fetch_error", None, day=1),
    row("other", "skipped", None, day=None), row("x.warc.gz", "archive_error", None, day=None, host=""),
])
def test_a_run_that_did_not_crawl_the_host_cleanly_does_not_count(trouble):
    """A failing index page or a crawl cut short may be why a URL was not met."""
    states = fold(index(0, row("a")), index(1, trouble), index(2, trouble), index(3, trouble))
    assert states["a"].live and states["a"].unlinked_runs == 0


def test_a_run_that_never_reached_the_host_does_not_count():
    down = [row("", "fetch_error", None, day=1), row("b", "document", host="b.test", day=1)]
    states = fold(index(0, row("a")), down, down, [row("robots.txt", "robots_txt", 503, day=3)])
    assert states["a"].live and states["a"].unlinked_runs == 0
    assert clean_hosts(down) == {"b.test": at(1)}


def test_a_host_that_answered_nothing_but_404_does_not_count():
    """Its index page is gone too: the site moved or broke, which says nothing of the page."""
    moved = [row("robots.txt", "robots_txt", 404, day=1), row("", "http_error", 404, day=1)]
    states = fold(index(0, row("a")), moved, moved)
    assert states["a"].live and states["a"].unlinked_runs == 0


def test_a_run_older_than_the_last_sighting_does_not_count():
    states = fold(index(5, row("a", day=5)), index(1), index(2))
    assert states["a"].live and states["a"].unlinked_runs == 0


def test_an_older_archive_does_not_override_newer_evidence():
    older = [row("", "not_article", day=0), row("a", doc="a1", day=0), row("b", "http_error", 404, day=0)]
    states = fold(index(5, row("a", doc="a2", day=5), row("b", day=5)), older)
    assert (states["a"].current_doc_id, states["a"].first_seen, states["a"].last_change) == ("a2", at(0), "new")
    assert states["b"].live and (states["b"].last_fetched, states["b"].last_status) == (at(5), 200)


def test_archives_folded_in_any_order_give_the_states_of_time_order():
    jan = index(0, row("a", doc="a1"), row("b"))
    feb = index(30, row("a", doc="a2", day=30), row("b", "http_error", 404, day=30))
    in_order = fold_runs({"r1": jan, "r2": feb})
    assert fold_runs({"r1": feb, "r2": jan}) == {
        url: _renamed_runs(state, {"r1": "r2", "r2": "r1"}) for url, state in in_order.items()}
    assert in_order["http://a.test/b"].gone_since == at(30)
    assert needs_refold(latest(fold_run({}, feb, "r1")), run_evidence(jan).time)
    assert not needs_refold(latest(fold_run({}, jan, "r1")), run_evidence(feb).time)


def test_a_fold_in_parts_with_each_runs_evidence_is_the_fold_of_the_whole():
    """Some URLs at a time (a range of urls/), each run's time and clean hosts taken from all its rows: a URL
    no run of a part met is still gone after clean runs of its host, as in one fold of every URL."""
    runs = {"r1": index(0, row("a"), row("b"), row("c", host="b.test")),
            "r2": index(1, row("b", doc="b2", day=1), row("c", "fetch_error", None, day=1, host="b.test")),
            "r3": index(2, row("c", host="b.test", day=2))}
    whole = fold_runs(runs)
    evidence = {run_id: run_evidence(pages) for run_id, pages in runs.items()}
    folded = {}
    for part in ({"http://a.test/a"}, {"http://a.test/", "http://a.test/b", "http://b.test/c"}):
        rows = {run_id: [r for r in pages if r.url in part] for run_id, pages in runs.items()}
        folded |= fold_runs({run_id: pages for run_id, pages in rows.items() if pages}, evidence=evidence)
    assert folded == whole and whole["http://a.test/a"].gone_since == at(1)
    assert evidence["r2"] == (at(1), {"a.test": at(1)})


def _renamed_runs(state: UrlState, names: dict[str, str]) -> UrlState:
    from dataclasses import replace

    return replace(state, last_change_run=names[state.last_change_run])


def test_an_older_response_in_the_same_input_is_not_the_state():
    pages = index(1, row("a", doc="a2", day=1), row("a", "superseded", 200, doc=None, day=0))
    assert fold(pages)["a"].current_doc_id == "a2"


def doc(doc_id: str, day: int, path: str = "a") -> DocVersion:
    return DocVersion(doc_id, f"http://a.test/{path}", at(day))


def test_versions_are_ordered_by_first_fetch_and_the_current_one_is_the_states():
    states = fold_runs({"r1": index(0, row("a", doc="a1")), "r2": index(1, row("a", doc="a2", day=1)),
                        "r3": index(2, row("a", doc="a3", day=2))})
    settled = settle(states, [doc("a3", 2), doc("a1", 0), doc("a2", 1)])
    assert settled.columns == {"a1": {"is_current": False, "superseded_by": "a2"},
                               "a2": {"is_current": False, "superseded_by": "a3"},
                               "a3": {"is_current": True, "superseded_by": None}}
    [url] = settled.urls
    assert (url.versions, url.first_seen) == (3, at(0))
    assert current(settled) == {"a3"} and settled.changes("r3") == {"new": 0, "changed": 1, "gone": 0, "back": 0}


def test_a_page_edited_back_makes_its_earlier_row_current_again():
    runs = {"r1": index(0, row("a", doc="a1")), "r2": index(1, row("a", doc="a2", day=1)),
            "r3": index(2, row("a", doc="a1", day=2))}
    settled = settle(fold_runs(runs), [doc("a1", 0), doc("a2", 1)])
    assert settled.columns == {"a1": {"is_current": True, "superseded_by": None},
                               "a2": {"is_current": False, "superseded_by": "a1"}}


def test_no_row_of_a_gone_url_is_current_and_its_last_is_superseded_by_nothing():
    runs = {"r1": index(0, row("a", doc="a1")), "r2": index(1, row("a", doc="a2", day=1)),
            "r3": index(2, row("a", "http_error", 410, day=2))}
    settled = settle(fold_runs(runs), [doc("a1", 0), doc("a2", 1)])
    assert settled.columns == {"a1": {"is_current": False, "superseded_by": "a2"},
                               "a2": {"is_current": False, "superseded_by": None}}
    assert settled.changes("r3")["gone"] == 1 and current(settled) == set()


def test_rows_whose_ledger_is_lost_still_get_a_url_and_a_current_row():
    settled = settle({}, [doc("a1", 0), doc("a2", 1)])
    assert [u.current_doc_id for u in settled.urls] == ["a2"] and current(settled) == {"a2"}

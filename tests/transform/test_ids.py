"""transform.ids: sets of doc_ids as one sorted array of bytes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cuishou.transform.ids import DocIdRows, DocIds, encoded


def test_doc_ids_are_distinct_and_in_the_order_of_str():
    ids = DocIds.of(pa.chunked_array([["b", "a", None]]), ["c", "a", "é", "z"])
    assert list(ids) == sorted({"a", "b", "c", "é", "z"}) and len(ids) == 5
    assert "é" in ids and "a" in ids and "d" not in ids and None not in ids


def test_membership_of_a_column_counts_neither_nulls_nor_values_longer_than_the_widest_id():
    ids = DocIds.of(["ab", "abc"])
    assert ids.isin(pa.array(["abc", "abcd", "ab", None, "a", ""])).tolist() == [True, False, True, False, False, False]
    assert DocIds.of().isin(["ab"]).tolist() == [False]


def test_set_difference_union_and_chunk_bounds():
    ids = DocIds.of([f"{n:03d}" for n in range(10)])
    assert list(ids - DocIds.of(["003", "zzz"])) == [f"{n:03d}" for n in range(10) if n != 3]
    assert list(DocIds.of(["x"]) | DocIds.of(["a", "x"])) == ["a", "x"]
    assert ids.bounds(4).tolist() == [b"004", b"008"]
    assert ids.positions(encoded(["009", "000"])).tolist() == [9, 0]
    assert np.array_equal(ids.isin(encoded(["001"])), [True])


def test_rows_are_found_by_doc_id_in_doc_id_order_and_absent_ids_are_no_rows():
    table = pa.table({"doc_id": ["c", "a", "b"], "size": [3, 1, 2]})
    rows = DocIdRows(table).of(pa.chunked_array([["b", "zz", "c", None, "b"]]))
    assert rows.to_pydict() == {"doc_id": ["b", "c"], "size": [2, 3]}
    assert DocIdRows(table).of([]).num_rows == 0 and DocIdRows(table.slice(0, 0)).of(["a"]).num_rows == 0

"""transform.spill: rows regrouped into range files, a few large record batches each."""

import numpy as np
import pyarrow as pa
import pytest

from cuishou.transform.spill import RangeFiles


def _batches(path):
    with pa.ipc.open_stream(path) as reader:
        return [batch.to_pylist() for batch in reader]


def _spilled(tmp_path, buffered_bytes, inputs):
    paths = [tmp_path / f"range-{number}.arrow" for number in range(3)]
    with RangeFiles(paths, pa.schema([("row", pa.int64())]), buffered_bytes) as files:
        for rows, ranges in inputs:
            files.route(pa.record_batch({"row": rows}), np.array(ranges))
    return [_batches(path) for path in paths]


INPUTS = [([1, 2, 3, 4], [2, 0, 2, 0]), ([5, 6], [0, 0]), ([], [])]


def test_each_row_goes_to_its_range_in_the_order_rows_come_one_batch_per_range(tmp_path):
    assert _spilled(tmp_path, 1 << 20, INPUTS) == [[[{"row": 2}, {"row": 4}, {"row": 5}, {"row": 6}]],
                                                    [], [[{"row": 1}, {"row": 3}]]]


def test_past_the_buffer_budget_ranges_are_written_out_as_they_fill(tmp_path):
    spilled = _spilled(tmp_path, 0, INPUTS)
    assert spilled[0] == [[{"row": 2}, {"row": 4}], [{"row": 5}, {"row": 6}]]
    assert [row for batch in spilled[2] for row in batch] == [{"row": 1}, {"row": 3}]


def test_rows_buffered_when_an_error_ends_the_spill_are_not_written(tmp_path):
    paths = [tmp_path / "range-0.arrow"]
    with pytest.raises(RuntimeError), RangeFiles(paths, pa.schema([("row", pa.int64())]), 1 << 20) as files:
        files.route(pa.record_batch({"row": [1]}), np.array([0]))
        raise RuntimeError("stop")
    assert _batches(paths[0]) == []

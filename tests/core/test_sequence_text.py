"""Text typed or pasted as a sequence: separators, headers, decimal commas, and where a bad cell is."""

from __future__ import annotations

import numpy as np
import pytest

from inspector.core.errors import BadSequence
from inspector.core.inputs.text import (
    detect_separator,
    format_number,
    number_or_none,
    parse_text,
    split_cells,
)


@pytest.mark.parametrize(("text", "separator", "expected"), [
    ("1\t2\n3\t4\n", "\t", [[1, 2], [3, 4]]),  # a spreadsheet's clipboard
    ("1;2\n3;4\n", ";", [[1, 2], [3, 4]]),  # CSV in locales with a decimal comma
    ("1,2\n3,4\n", ",", [[1, 2], [3, 4]]),
    ("1 2\n3   4\n", " ", [[1, 2], [3, 4]]),
    ("0.5\n0.25\n", " ", [[0.5], [0.25]]),  # one column
])
def test_separators(text: str, separator: str, expected: list) -> None:
    assert detect_separator(text) == separator
    np.testing.assert_array_equal(parse_text(text), expected)


def test_spreadsheet_paste_with_header_and_decimal_commas() -> None:
    cells = split_cells("time\tvalue\n0\t1,5\n1\t-2,25\n\n")
    assert cells.header == ["time", "value"] and cells.rows == [["0", "1,5"], ["1", "-2,25"]]
    assert cells.lines == [2, 3]
    np.testing.assert_array_equal(parse_text("time\tvalue\n0\t1,5\n1\t-2,25\n"), [[0, 1.5], [1, -2.25]])


def test_a_typo_in_the_first_row_is_not_a_header() -> None:
    cells = split_cells("1,x,3\n4,5,6\n")
    assert cells.header is None and cells.rows[0] == ["1", "x", "3"]


def test_bad_cell_is_named_by_row_and_column() -> None:
    with pytest.raises(BadSequence, match=r"row 3, column 2: 'abc' is not a number"):
        parse_text("a,b\n1,2\n3,abc\n", "pasted text")


def test_ragged_rows_name_the_rows() -> None:
    with pytest.raises(BadSequence, match=r"different numbers of columns: row 2 has 1, row 1 has 2"):
        parse_text("1,2\n3\n")


def test_empty_text() -> None:
    with pytest.raises(BadSequence, match="no rows of numbers"):
        parse_text("\n  \n")
    with pytest.raises(BadSequence, match="no rows of numbers"):
        parse_text("just,a,header\n")


def test_numbers() -> None:
    assert number_or_none("\u22121.5") == -1.5  # a typographic minus from a word processor
    assert number_or_none("1e-3") == 0.001
    assert np.isnan(number_or_none("nan")) and number_or_none("inf") == np.inf  # numbers; validation refuses them
    assert number_or_none("1_000") is None  # Python would read 1000; nobody types that into a table
    assert number_or_none("1,5") is None and number_or_none("1,5", ";") == 1.5
    assert number_or_none("") is None and number_or_none("1.2.3") is None


def test_format_round_trips_float32() -> None:
    values = np.random.default_rng(0).normal(size=100).astype(np.float32)
    assert all(np.float32(format_number(float(v))) == v for v in values)
    assert format_number(3.0) == "3" and format_number(-0.5) == "-0.5"
    text = "".join(f"{format_number(float(a))},{format_number(float(b))}\n" for a, b in values.reshape(50, 2))
    np.testing.assert_array_equal(parse_text(text).astype(np.float32), values.reshape(50, 2))

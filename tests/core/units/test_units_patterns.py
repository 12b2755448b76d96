"""Select a pattern and match it, on a constructed batch whose pattern is known."""

from __future__ import annotations

import numpy as np
import pytest

from inspector.core.units.patterns import match_pattern, select_units


def constructed() -> tuple[np.ndarray, np.ndarray]:
    """[3 sequences, 20 steps, 6 units] at 0 except: units 1 and 3 on over steps 5..9 of sequence 0,
    over steps 12..16 of sequence 2 and (unit 1 only) 2..6 of sequence 1; unit 5 always on; unit 0 on
    over steps 5..8 only (off at step 9)."""
    values = np.zeros((3, 20, 6), np.float32)
    values[0, 5:10, [1, 3]] = 0.8
    values[2, 12:17, [1, 3]] = 0.7
    values[1, 2:7, 1] = 0.9
    values[:, :, 5] = 1.0
    values[0, 5:9, 0] = 0.9
    return values, np.ones((3, 20), bool)


def test_selection_keeps_units_on_throughout_and_off_just_before() -> None:
    values, valid = constructed()
    selection = select_units(values, valid, sequence=0, start=5, stop=10, threshold=0.5)
    assert list(selection.units) == [1, 3]  # unit 0 turns off at step 9, unit 5 was on before
    assert selection.length == 5
    from_zero = select_units(values, valid, sequence=0, start=0, stop=3, threshold=0.5)
    assert list(from_zero.units) == [5]  # no step before step 0: no off-before condition


def test_match_ranks_other_windows_by_units_on() -> None:
    values, valid = constructed()
    selection = select_units(values, valid, 0, 5, 10, 0.5)
    matches = match_pattern(values, valid, selection)
    assert (matches[0].sequence, matches[0].start, matches[0].stop, matches[0].on) == (2, 12, 17, 2)
    assert matches[0].off_before == 2
    assert (matches[1].sequence, matches[1].start, matches[1].on) == (1, 2, 1)
    assert all(not (m.sequence == 0 and m.start < 10 and 5 < m.stop) for m in matches), "the selection itself"
    assert len(matches) == 2


def test_masked_steps_neither_break_nor_make_a_pattern() -> None:
    values, valid = constructed()
    values[2, 14] = 0.0  # a gap in the pattern of sequence 2 ...
    selection = select_units(values, valid, 0, 5, 10, 0.5)
    assert match_pattern(values, valid, selection)[0].sequence == 1  # ... breaks it
    valid[2, 14] = False  # ... unless the step is masked
    assert match_pattern(values, valid, selection)[0].start == 12


def test_a_range_outside_the_sequence_is_refused() -> None:
    values, valid = constructed()
    with pytest.raises(ValueError, match="not inside"):
        select_units(values, valid, 0, 15, 25, 0.5)
    empty = select_units(values, valid, 0, 0, 20, 2.0)
    assert empty.units.size == 0 and match_pattern(values, valid, empty) == []

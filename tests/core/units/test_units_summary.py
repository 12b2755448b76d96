"""The sentences and plot lines shared by the window, the command and the export."""

from __future__ import annotations

import numpy as np

from inspector.core.units.occlusion import RESUMED, Occlusion
from inspector.core.units.patterns import Match, Selection
from inspector.core.units.statistics import DirectionUnits
from inspector.core.units.summary import match_text, occlusion_lines, selection_text, summary_lines


def table() -> DirectionUnits:
    saturation = {"i": np.array([[0.0, 0.0], [0.5, 0.2], [0.0, 0.1]]), "f": np.array([[0.0, 0.0], [0.0, 0.0], [0.9, 0.1]])}
    return DirectionUnits("lstm", "forward", "LSTM", 10, np.ones(3), np.array([0.1, 0.2, 1e-4]), saturation,
                          np.array([2.0, 1e6, 5.0]), "f", np.array([False, False, True]))


def test_summary_names_saturated_long_memory_and_dead_units() -> None:
    saturated, memory, dead = summary_lines(table())
    assert saturated == "most saturated: unit 2 (f 100% of steps), unit 1 (i 70% of steps)"
    assert memory.startswith("longest memory (f gate): unit 1 (1e+06 steps), unit 2 (5 steps), unit 0 (2 steps)")
    assert dead == "dead: 2"


def test_selection_and_match_text() -> None:
    selection = Selection("h", 0, 5, 10, 0.5, np.array([1, 3]))
    assert selection_text(selection) == "2 unit(s) of h on throughout steps 5-9: 1, 3"
    assert match_text(Match(2, 12, 17, 2, 1), selection) == "sequence 3, steps 12-16: 2 of 2 units on (1 off before)"
    assert "no unit" in selection_text(Selection("c", 0, 0, 3, 2.0, np.array([], int)))


def test_occlusion_lines_keep_the_components_that_change_most() -> None:
    changes = np.zeros((2, 4, 10))
    changes[1, :, 7] = [0, 3, 0, 0]
    changes[1, :, 2] = [0, 0, -1, 0]
    found = Occlusion("zero", RESUMED, "", [np.zeros((2, 10))], [changes])
    lines = occlusion_lines(found, 1)
    assert [label for label, _ in lines[:2]] == ["out0[7]", "out0[2]"] and len(lines) == 8
    np.testing.assert_array_equal(lines[0][1], [0, 3, 0, 0])

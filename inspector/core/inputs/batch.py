"""The batch being edited: for every model input one Grid per sequence, and the check that turns
it into validated model inputs - or into the first problem, with where it is. No Qt here.

Only a batch without problems becomes model inputs; a batch with problems stays as typed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inspector.core.errors import BadSequence
from inspector.core.inputs.generators import default_sequence
from inspector.core.inputs.grid import CellRules, Grid, grid_of, is_table, sample_of
from inspector.core.inputs.sequences import TRACE_LIMIT_BYTES, check_input, token_inputs, validate
from inspector.core.model.canonical import InputSpec, Model


@dataclass(frozen=True)
class Problem:
    """What is wrong, and where: input, sequence and (for one cell) row and column."""

    message: str
    input: int = 0
    sequence: int = 0
    row: int | None = None
    col: int | None = None


class InputEdits:
    """The sequences of one model input: one Grid per sequence of the batch."""

    def __init__(self, spec: InputSpec, vocabulary: int | None, grids: list[Grid]) -> None:
        self.spec, self.vocabulary, self.grids = spec, vocabulary, grids

    @property
    def table(self) -> bool:
        return is_table(self.spec)

    @property
    def integer(self) -> bool:
        return self.vocabulary is not None or str(self.spec.dtype).startswith(("int", "uint"))

    @property
    def time_steps(self) -> int | None:
        """The fixed number of time steps, or None (any)."""
        return self.spec.shape[1] if len(self.spec.shape) > 1 else 1

    @property
    def features(self) -> int:
        if len(self.spec.shape) <= 2:
            return 1
        last = self.spec.shape[-1]
        return int(last) if last is not None and self.table else max((g.cols for g in self.grids), default=1)

    @property
    def rules(self) -> CellRules:
        steps = self.time_steps if self.table else None
        return CellRules(self.features, steps, self.vocabulary, self.integer)

    def default_grid(self, row: int) -> Grid:
        return grid_of(default_sequence(self.spec, self.vocabulary, row))

    def array(self) -> np.ndarray:
        samples = [sample_of(grid, self.spec) for grid in self.grids]
        return np.stack(samples).astype(np.int64 if self.integer else np.float32)


class SequenceBatch:
    """Every input's sequences; all inputs hold the same number of sequences (the batch)."""

    def __init__(self, model: Model, inputs: list[InputEdits]) -> None:
        self.model, self.inputs = model, inputs

    @classmethod
    def from_arrays(cls, model: Model, arrays: list[np.ndarray]) -> SequenceBatch:
        """From validated model inputs (batch first, model input order)."""
        vocabularies = token_inputs(model)
        inputs = [InputEdits(spec, vocabularies.get(spec.name), [grid_of(sample) for sample in array])
                  for spec, array in zip(model.inputs, arrays, strict=True)]
        return cls(model, inputs)

    @property
    def size(self) -> int:
        """Sequences in the batch."""
        return len(self.inputs[0].grids) if self.inputs else 0

    @property
    def fixed_size(self) -> int | None:
        """A batch size the model insists on (stateful models), else None."""
        sizes = {spec.shape[0] for spec in self.model.inputs if spec.shape and spec.shape[0] is not None}
        return int(next(iter(sizes))) if sizes else None

    def add_sequence(self, duplicate: int | None = None) -> int:
        """Append a copy of sequence `duplicate`, or a new default one; returns its index."""
        for edits in self.inputs:
            source = edits.grids[duplicate] if duplicate is not None else None
            edits.grids.append(source.copy() if source is not None else edits.default_grid(self.size))
        return self.size - 1

    def remove_sequence(self, index: int) -> None:
        if self.size > 1:
            for edits in self.inputs:
                del edits.grids[index]

    def set_batch(self, input_index: int, grids: list[Grid]) -> None:
        """Replace every sequence of one input (a loaded batch); other inputs are cut or extended
        with copies of their last sequence, so the batch stays one size."""
        self.inputs[input_index].grids = grids
        for edits in self.inputs:
            while len(edits.grids) < len(grids):
                edits.grids.append(edits.grids[-1].copy())
            del edits.grids[len(grids):]

    def check(self, max_trace_bytes: int | None = TRACE_LIMIT_BYTES) -> tuple[list[np.ndarray] | None, Problem | None]:
        """(model inputs, None) when every sequence can be fed, else (None, the first problem)."""
        for index, edits in enumerate(self.inputs):
            problem = self._table_problem(index, edits)
            if problem is not None:
                return None, problem
        try:
            arrays = [edits.array() for edits in self.inputs]
            return validate(arrays, self.model, max_trace_bytes), None
        except BadSequence as error:
            return None, Problem(str(error))

    def _table_problem(self, index: int, edits: InputEdits) -> Problem | None:
        prefix = f"input {edits.spec.name!r}: " if len(self.inputs) > 1 else ""
        rules, several = edits.rules, len(edits.grids) > 1
        cells = _first_bad_cell(edits, rules) if edits.table else None
        if cells is not None:
            b, r, c, count = cells
            where = f"sequence {b + 1}, " if several else ""
            more = f" (and {count - 1} more bad cell{'s' if count > 2 else ''})" if count > 1 else ""
            what = rules.problem(edits.grids[b], r, c)
            column = f", feature {c + 1}" if edits.features > 1 or c > 0 else ""  # no "feature 1" of 1
            return Problem(f"{prefix}{where}time step {r}{column}: {what}{more}", index, b, r, c)
        for b, grid in enumerate(edits.grids):
            where = f"{prefix}sequence {b + 1}" if several else f"{prefix}the sequence"
            try:  # one sequence, as the engine's input check sees it: its messages, its rules
                check_input(sample_of(grid, edits.spec)[None], edits.spec, edits.vocabulary, where)
            except BadSequence as error:
                return Problem(str(error), index, b)
            if grid.rows != edits.grids[0].rows or grid.frame != edits.grids[0].frame:
                return Problem(f"{prefix}sequence {b + 1} has {grid.rows} time steps but sequence 1 has "
                               f"{edits.grids[0].rows}: all sequences of a batch need the same length", index, b)
        return None


def _first_bad_cell(edits: InputEdits, rules: CellRules) -> tuple[int, int, int, int] | None:
    """(sequence, row, column, how many bad cells in all) of the first bad cell, or None."""
    first, count = None, 0
    for b, grid in enumerate(edits.grids):
        bad = rules.bad(grid)
        found = int(bad.sum())
        if found and first is None:
            r, c = (int(i) for i in np.argwhere(bad)[0])
            first = (b, r, c)
        count += found
    return None if first is None else (*first, count)

"""What one forward pass recorded inside every recurrent layer, per direction and time step.

Layout (all arrays C-contiguous, batch first, then time):

- dense cells (LSTM, GRU, SimpleRNN):
  `pre`, `act` [batch, time, gate, unit]; `h`, `c` [batch, time, unit]; `mask` [batch, time]
- ConvLSTM1D/2D/3D (channels_last whatever the layer's data_format):
  `pre`, `act` [batch, time, gate, *spatial, filter]; `h`, `c` [batch, time, *spatial, filter]

Time index `t` is always the INPUT time step. For a direction that runs backwards
(`go_backwards=True`, e.g. Bidirectional's backward layer) the cell consumes input step `t`
at processing step `T-1-t`; `h[:, t]` is the state right after consuming it and the state it
started from is `h[:, t+1]` (the initial state for t = T-1). Forward: the state it started
from is `h[:, t-1]`.

At masked steps (`mask[b, t]` False) the gates hold what the cell computed and Keras then
discarded; `h` and `c` hold the state carried over from the previous processed step,
exactly as Keras carries it.

Gate names: LSTM i, f, c~, o; GRU z, r, h~; SimpleRNN one block h~ (its activation is h).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from inspector.core.model.gates import GATES as WEIGHT_GATES

CANDIDATES = ("c", "h")  # the candidate blocks are traced as c~ and h~, as the GUI labels them
GATES = {cls: tuple(g + "~" if g in CANDIDATES else g for g in gates) for cls, gates in WEIGHT_GATES.items()}


@dataclass(frozen=True, eq=False)
class DirectionTrace:
    """Everything one direction of one recurrent layer computed, indexed by input time step."""

    layer: str
    direction: str
    cell: str
    gates: tuple[str, ...]
    pre: np.ndarray
    act: np.ndarray
    h: np.ndarray
    c: np.ndarray | None
    mask: np.ndarray
    go_backwards: bool = False

    @property
    def batch(self) -> int:
        return int(self.h.shape[0])

    @property
    def time_steps(self) -> int:
        return int(self.h.shape[1])

    def gate(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(pre-activation, activation) of one gate: views [batch, time, unit...]."""
        k = self.gates.index(name)
        return self.pre[:, :, k], self.act[:, :, k]

    def step(self, t: int, batch: int = 0) -> dict[str, np.ndarray]:
        """Every recorded quantity at input time step `t` for one sequence (O(1) views)."""
        values = {"h": self.h[batch, t], "mask": self.mask[batch, t]}
        if self.c is not None:
            values["c"] = self.c[batch, t]
        for k, name in enumerate(self.gates):
            values[f"{name}_pre"] = self.pre[batch, t, k]
            values[name] = self.act[batch, t, k]
        return values

    def arrays(self) -> dict[str, np.ndarray]:
        """Readable npz keys `<layer>/<direction>/<name>` -> array [batch, time, ...]."""
        prefix = f"{self.layer}/{self.direction}"
        out = {f"{prefix}/h": self.h, f"{prefix}/mask": self.mask}
        if self.c is not None:
            out[f"{prefix}/c"] = self.c
        for name in self.gates:
            pre, act = self.gate(name)
            out[f"{prefix}/{name}"] = np.ascontiguousarray(act)
            out[f"{prefix}/{name}_pre"] = np.ascontiguousarray(pre)
        return out


@dataclass(eq=False)
class Trace:
    """Direction traces by layer name (a layer called twice: `name#1` for its second call)."""

    layers: dict[str, dict[str, DirectionTrace]] = field(default_factory=dict)

    def add(self, record: DirectionTrace) -> None:
        self.layers.setdefault(record.layer, {})[record.direction] = record

    def __getitem__(self, layer: str) -> dict[str, DirectionTrace]:
        return self.layers[layer]

    def __contains__(self, layer: object) -> bool:
        return layer in self.layers

    def shown(self, layer: str, direction: str) -> DirectionTrace | None:
        """What a view shows for a selection: `direction` of `layer`, else the layer's first direction;
        None when the layer was not traced."""
        directions = self.layers.get(layer)
        if not directions:
            return None
        return directions.get(direction) or next(iter(directions.values()))

    def __iter__(self) -> Iterator[str]:
        return iter(self.layers)

    def arrays(self) -> dict[str, np.ndarray]:
        """All directions of all layers as one flat dict for `np.savez`."""
        out: dict[str, np.ndarray] = {}
        for directions in self.layers.values():
            for record in directions.values():
                out.update(record.arrays())
        return out

    @property
    def nbytes(self) -> int:
        """Memory held by all recorded arrays."""
        return sum(
            sum(a.nbytes for a in (r.pre, r.act, r.h, r.mask) + ((r.c,) if r.c is not None else ()))
            for directions in self.layers.values()
            for r in directions.values()
        )

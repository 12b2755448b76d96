"""`load(path_or_keras_model)` -> InspectedModel: info, predict, trace and gates of one model, as numpy."""

from __future__ import annotations

import os
import shutil
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from inspector.api.live_keras import is_live_keras_model, save_live_model
from inspector.core.analysis.describe import describe_model, format_table
from inspector.core.analysis.gate_views import gate_blocks
from inspector.core.engine import check_runnable, run
from inspector.core.errors import InspectorError
from inspector.core.inputs.sequences import validate
from inspector.core.model.canonical import Layer, Model
from inspector.core.model.gates import MATRICES
from inspector.core.sandbox.isolated_open import open_model_isolated


def load(source: str | os.PathLike[str] | Any, architecture: str | os.PathLike[str] | None = None) -> InspectedModel:
    """A Keras model file (.h5, .hdf5, .keras, .weights.h5) or a live Keras model, ready to inspect.
    `architecture`: for a weights-only file, its to_json()/to_yaml() output, Keras 3 config.json or a
    full-model file of the same network.

    Raises InspectorError (with a one-line reason) for a file that cannot be read."""
    if isinstance(source, InspectedModel):
        return source
    if is_live_keras_model(source):
        path = save_live_model(source)
        inspected = InspectedModel(open_model_isolated(path), temporary=path)
        return inspected
    if not isinstance(source, str | os.PathLike):
        raise InspectorError(f"load() takes a file path or a Keras model, not {type(source).__name__}")
    if not Path(source).is_file():
        raise InspectorError(f"no such file: {os.fspath(source)}")
    return InspectedModel(open_model_isolated(source, architecture=architecture))


class InspectedModel:
    """One model as LSTM Inspector reads it. `model` is the canonical description (inspector.core.model)."""

    def __init__(self, model: Model, temporary: Path | None = None) -> None:
        self.model = model
        self.temporary = temporary  # the file a live Keras model was saved to; removed with this object
        if temporary is not None:
            weakref.finalize(self, shutil.rmtree, str(temporary.parent), True)

    @property
    def path(self) -> str:
        return self.model.path

    @property
    def layers(self) -> list[str]:
        """Layer names in graph order."""
        return [layer.name for layer in self.model.layers]

    @property
    def recurrent_layers(self) -> list[str]:
        return [layer.name for layer in self.model.recurrent_layers]

    def info(self) -> dict[str, Any]:
        """Format, Keras version, inputs, layers with shapes, weights and gates (what `info --json` prints)."""
        return describe_model(self.model)

    def __repr__(self) -> str:
        return format_table(self.info())

    def predict(self, x: Any) -> np.ndarray | list[np.ndarray]:
        """The model's output for `x`, computed in numpy as Keras computes it (float32).

        `x`: an array (batch x time x features; one sequence time x features is a batch of one), or a
        list of arrays for a model with several inputs. One output: an array; several: a list."""
        outputs = self._run(x, record_trace=False).outputs
        return outputs[0] if len(outputs) == 1 else list(outputs)

    def trace(self, x: Any) -> dict[str, dict[str, np.ndarray]]:
        """Every recurrent layer's gates and states at every time step: layer -> name -> array.

        Names: the gates (LSTM i, f, c~, o; GRU z, r, h~; SimpleRNN h~), each with `_pre` for the value
        before the activation, and h, c, mask. Arrays are batch x time x ... by input time step. A
        Bidirectional layer's names are prefixed by direction: `forward/i`, `backward/h`."""
        trace = self._run(x, record_trace=True).trace
        out: dict[str, dict[str, np.ndarray]] = {}
        for layer in trace or {}:
            directions = trace[layer]
            single = len(directions) == 1
            out[layer] = {}
            for direction, record in directions.items():
                for key, array in record.arrays().items():
                    name = key.split("/", 2)[2]
                    out[layer][name if single else f"{direction}/{name}"] = array
        return out

    def gates(self, layer: str, direction: str | None = None) -> dict[str, dict[str, np.ndarray]]:
        """A recurrent layer's weights split by gate: matrix (W, U, b) -> gate (i, f, c, o / z, r, h) -> array.

        W is input features x units, U units x units, b 1 x units. For a Bidirectional layer give
        direction "forward" or "backward" (default "forward")."""
        cell = self._cell(layer, direction)
        out: dict[str, dict[str, np.ndarray]] = {}
        for block in gate_blocks(cell):
            out.setdefault(MATRICES[block.role][0], {})[block.gate] = block.values
        return out

    def _cell(self, name: str, direction: str | None) -> Layer:
        try:
            directions = self.model.layer(name).directions()
        except KeyError:
            raise InspectorError(f"no layer '{name}'; recurrent layers: {', '.join(self.recurrent_layers)}") from None
        if not directions:
            raise InspectorError(f"'{name}' is not a recurrent layer; recurrent layers: "
                                 f"{', '.join(self.recurrent_layers) or 'none'}")
        chosen = direction or next(iter(directions))
        if chosen not in directions:
            raise InspectorError(f"'{name}' has the directions {', '.join(directions)}, not '{chosen}'")
        return directions[chosen]

    def _run(self, x: Any, record_trace: bool):
        check_runnable(self.model)
        return run(self.model, self.inputs(x), record_trace=record_trace)

    def inputs(self, x: Any) -> list[np.ndarray]:
        """`x` as the engine's checked input list (a single sequence gets a batch axis)."""
        arrays = list(x) if isinstance(x, list | tuple) else [x]
        if len(arrays) != len(self.model.inputs) and len(self.model.inputs) == 1:
            arrays = [np.asarray(x)]
        with_batch = [np.asarray(a)[np.newaxis] if np.ndim(a) == len(spec.shape) - 1 else np.asarray(a)
                      for a, spec in zip(arrays, self.model.inputs, strict=False)]
        return validate(with_batch, self.model)

"""The numpy engine: runs a canonical Model exactly as Keras does and records a Trace.

    result = run(model, inputs, dtype=np.float32, record_trace=True,
                 progress=None, cancelled=None)
    result.outputs         # list of arrays in model output order
    result.layer_outputs   # call name (layer name, `name#k` for a shared layer's k-th call) -> outputs
    result.layer_masks     # call name -> the Keras mask of each output (None where there is none)
    result.trace           # Trace: layer -> direction ("forward"/"backward") -> DirectionTrace

`check_runnable(model)` raises UnsupportedModel (naming the layer and why) without running;
`output_shapes(model)` gives Keras-style output shapes; `Cancelled` is raised when the
`cancelled()` predicate turns True between layers or time steps.
"""

from __future__ import annotations

from inspector.core.engine.control import Cancelled
from inspector.core.engine.graph import Result, check_runnable, run
from inspector.core.engine.shapes import output_shapes
from inspector.core.engine.trace import DirectionTrace, Trace

__all__ = ["Cancelled", "DirectionTrace", "Result", "Trace", "check_runnable", "output_shapes", "run"]

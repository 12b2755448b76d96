"""LSTM Inspector from Python: in a notebook or a script, without Qt and without TensorFlow.

    import inspector
    m = inspector.load("model.keras")        # a file, or a live Keras model object
    m.info()                                 # format, Keras version, layers, shapes, gates
    y = m.predict(x)                         # the numpy engine: what Keras's predict gives
    t = m.trace(x)                           # every gate and state of every recurrent layer by name
    w = m.gates("lstm")                      # W, U and b of a layer split by gate
    inspector.show(m, sequence=x)            # the window, in its own process; returns at once

A file is read in a child process (inspector.core.sandbox), as the window and the command line read
it. A live Keras model is first saved to a temporary file by the caller's own Keras, in the caller's
process; LSTM Inspector then reads that file like any other and runs nothing of the model's code.
"""

from __future__ import annotations

from inspector.api.inspected import InspectedModel, load
from inspector.api.window import show

__all__ = ["InspectedModel", "load", "show"]

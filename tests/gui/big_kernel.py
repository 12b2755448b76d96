"""A character-level LSTM with 1951 symbols and 128 units: a 1951 x 512 kernel, built in memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inspector.core.model.canonical import Call, InputSpec, Layer, Model, TensorRef, frozen_mapping

SYMBOLS, UNITS, STEPS = 1951, 128, 40


def char_lstm_model(symbols: int = SYMBOLS, units: int = UNITS) -> Model:
    rng = np.random.default_rng(1951)
    weights = {
        "kernel": rng.normal(0, 0.05, (symbols, 4 * units)).astype(np.float32),
        "recurrent_kernel": rng.normal(0, 0.1, (units, 4 * units)).astype(np.float32),
        "bias": np.concatenate([np.zeros(units), np.ones(units), np.zeros(2 * units)]).astype(np.float32),
    }
    config = {"units": units, "activation": "tanh", "recurrent_activation": "sigmoid", "return_sequences": False}
    spec = InputSpec("chars", (None, STEPS, symbols))
    layers = (
        Layer("chars", "InputLayer", frozen_mapping({"batch_shape": spec.shape})),
        Layer("lstm_1", "LSTM", frozen_mapping(config), frozen_mapping(weights), calls=(Call((TensorRef("chars"),)),)),
        Layer("dense_1", "Dense", frozen_mapping({"units": symbols, "activation": "softmax"}),
              frozen_mapping({"kernel": rng.normal(0, 0.1, (units, symbols)).astype(np.float32),
                              "bias": np.zeros(symbols, np.float32)}),
              calls=(Call((TensorRef("lstm_1"),)),)),
    )
    return Model("char_lstm_1951.h5", "keras2-h5", "2.1.2", "tensorflow", layers, (spec,), (TensorRef("dense_1"),))


def char_lstm_document():
    from inspector.gui.workers.opening import Document

    model = char_lstm_model()
    shapes = {"chars": [None, STEPS, SYMBOLS], "lstm_1": [None, UNITS], "dense_1": [None, SYMBOLS]}
    return Document(model, Path("char_lstm_1951.h5"), 0.0, shapes)

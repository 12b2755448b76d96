"""Make the mask-semantics reference cases with real Keras (run by hand; imports TensorFlow).

    python tests/core/engine/keras_cases/make_cases.py keras3
    python tests/core/engine/keras_cases/make_cases.py tf_keras

Each case is a small model saved as `<case>.<runtime>.h5` plus `<case>.<runtime>.npz` with its
inputs (in0, ...) and Keras's `model.predict` outputs (out0, ...). They pin down behaviour where
Keras 3 and tf_keras differ, which the zoo does not cover:
- initial_state_mask: Keras 3 ignores an RNN's input mask when initial states are passed;
- merge_masks: Add ORs (Keras 3) / ANDs (tf_keras) masks; Concatenate any / all;
- td_masked: TimeDistributed(Dense) computes masked steps too (static batch, tf_keras);
- attention_mask: Embedding(mask_zero) -> Attention -> GlobalAveragePooling1D with masks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def randomize(model, rng) -> None:
    for weight in model.weights:
        weight.assign((rng.standard_normal(weight.shape) * 0.5).astype("float32"))


def initial_state_mask(keras, rng):
    L = keras.layers
    q, s = keras.Input((5, 3)), keras.Input((2,))
    masked = L.Masking()(q)
    forward = L.GRU(2, return_sequences=True)(masked, initial_state=[s])
    backward = L.GRU(2, return_sequences=True, go_backwards=True)(masked, initial_state=[s])
    states = [keras.Input((2,)) for _ in range(4)]
    both = L.Bidirectional(L.LSTM(2, return_sequences=True))(masked, initial_state=states)
    model = keras.Model([q, s, *states], [forward, backward, both])
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    x[0, :2] = 0
    x[1, 3:] = 0
    return model, [x] + [rng.standard_normal((2, 2)).astype("float32") for _ in range(5)]


def merge_masks(keras, rng):
    L = keras.layers
    a, b = keras.Input((5, 3)), keras.Input((5, 3))
    ma, mb = L.Masking()(a), L.Masking()(b)
    joined = L.Concatenate()([ma, L.Dense(2)(b)])
    added = L.Add()([ma, mb])
    model = keras.Model([a, b], [L.LSTM(2, return_sequences=True)(joined), L.LSTM(2, return_sequences=True)(added)])
    xa, xb = (rng.standard_normal((3, 5, 3)).astype("float32") for _ in range(2))
    xa[0, 4] = xa[1, 0] = 0
    xb[0, 2] = xb[2, 4] = xb[1, 0] = 0
    return model, [xa, xb]


def td_masked(keras, rng):
    L = keras.layers
    x_in = keras.Input(batch_shape=(2, 5, 3))
    td = L.TimeDistributed(L.Dense(4))(L.Masking()(x_in))
    model = keras.Model(x_in, [td, L.LSTM(3, return_sequences=True)(td)])
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    x[0, 3:] = 0
    x[1, 1] = 0
    return model, [x]


def attention_mask(keras, rng):
    L = keras.layers
    ids = keras.Input((6,), dtype="int32")
    embedded = L.Embedding(9, 4, mask_zero=True)(ids)
    attended = L.Attention()([embedded, embedded])
    model = keras.Model(ids, [attended, L.GlobalAveragePooling1D()(attended)])
    tokens = rng.integers(1, 9, size=(3, 6)).astype("int32")
    tokens[0, 4:] = 0
    tokens[2, 1] = 0
    return model, [tokens]


CASES = {"initial_state_mask": initial_state_mask, "merge_masks": merge_masks,
         "td_masked": td_masked, "attention_mask": attention_mask}


def main(runtime: str) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
    if runtime == "keras3":
        import keras
    else:
        import tf_keras as keras
    for name, build in CASES.items():
        rng = np.random.default_rng(len(name))
        model, inputs = build(keras, rng)
        randomize(model, rng)
        outputs = model.predict(inputs, verbose=0)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        model.save(HERE / f"{name}.{runtime}.h5")
        arrays = {f"in{k}": v for k, v in enumerate(inputs)} | {f"out{k}": v for k, v in enumerate(outputs)}
        np.savez(HERE / f"{name}.{runtime}.npz", **arrays)
        print(runtime, name, keras.__version__)


if __name__ == "__main__":
    main(sys.argv[1])

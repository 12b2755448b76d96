"""Hand-built canonical Models for engine tests (what the reader would produce for them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from inspector.core.engine import run
from inspector.core.model.canonical import Call, InputSpec, Layer, Model, TensorRef, frozen_mapping

# inputs and tolerance of keras/src/layers/rnn/*_test.py
TOL = {"atol": 1e-5, "rtol": 1e-5}
SEQ_3_6_4 = np.arange(72).reshape((3, 6, 4)).astype("float32")
SEQ_2_4_3 = np.arange(24).reshape((2, 4, 3)).astype("float32")
SEQ_2_3_4 = np.arange(24).reshape((2, 3, 4)).astype("float32")
LSTM_MASK = np.array([[True, True, True, False], [True, True, False, False]])
GRU_MASK = np.array([[True, True, False, True], [True, False, False, True]])


def make_layer(
    name: str,
    class_name: str,
    config: dict[str, Any] | None = None,
    weights: dict[str, np.ndarray] | None = None,
    inputs: Sequence[str | TensorRef] = (),
    children: dict[str, Layer] | None = None,
    **kwargs: Any,
) -> Layer:
    refs = tuple(TensorRef(i) if isinstance(i, str) else i for i in inputs)
    return Layer(
        name=name,
        class_name=class_name,
        config=frozen_mapping(config),
        weights=frozen_mapping({k: np.asarray(v, np.float32) for k, v in (weights or {}).items()}),
        children=frozen_mapping(children),
        calls=(Call(refs),) if refs else (),
        **kwargs,
    )


def model(
    inputs: Sequence[InputSpec],
    layers: Sequence[Layer],
    outputs: Sequence[str | TensorRef],
    keras_version: str = "3.15.1",
    file_format: str = "keras3-zip",
) -> Model:
    input_layers = tuple(
        make_layer(spec.name, "InputLayer", {"batch_shape": spec.shape, "dtype": spec.dtype})
        for spec in inputs
    )
    return Model(
        path="<test>",
        format=file_format,
        keras_version=keras_version,
        backend="tensorflow",
        layers=input_layers + tuple(layers),
        inputs=tuple(inputs),
        outputs=tuple(TensorRef(o) if isinstance(o, str) else o for o in outputs),
    )


def single_layer_model(layer_factory, input_shape: tuple, **model_kwargs: Any) -> Model:
    """Input -> one layer; `layer_factory(input_name)` builds the layer."""
    spec = InputSpec("input", (None,) + tuple(input_shape))
    layer = layer_factory("input")
    return model([spec], [layer], [layer.name], **model_kwargs)


def constant_rnn(
    class_name: str,
    units: int,
    features: int,
    name: str = "rnn",
    inputs: Sequence[str | TensorRef] = ("input",),
    kernel: float = 0.01,
    recurrent: float = 0.02,
    bias: float | None = 0.03,
    unit_forget_bias: bool = True,
    reset_after: bool = True,
    **config: Any,
) -> Layer:
    """A Keras layer built with Constant initializers, as in Keras's own *_test.py files."""
    gates = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}[class_name]
    weights = {
        "kernel": np.full((features, gates * units), kernel),
        "recurrent_kernel": np.full((units, gates * units), recurrent),
    }
    if bias is not None:
        b = np.full(gates * units, bias)
        if class_name == "LSTM" and unit_forget_bias:
            b[units : 2 * units] = 1.0
        weights["bias"] = b
        if class_name == "GRU" and reset_after:
            weights["recurrent_bias"] = np.full(gates * units, bias)
    full = {
        "units": units,
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": bias is not None,
        "return_sequences": False,
        "return_state": False,
        "go_backwards": False,
        "reset_after": reset_after,
    }
    full.update(config)
    return make_layer(name, class_name, full, weights, inputs)


def bidirectional(class_name, units, features, merge_mode="concat", backward=None, inputs=("input",), **config):
    forward = constant_rnn(class_name, units, features, name="forward_rnn", inputs=(), **config)
    if backward is None:
        backward = constant_rnn(class_name, units, features, name="backward_rnn", inputs=(), go_backwards=True, **config)
    return make_layer(
        "bidirectional",
        "Bidirectional",
        {"merge_mode": merge_mode},
        inputs=inputs,
        children={"forward": forward, "backward": backward},
    )


def run_bidirectional(layer, sequence, extra_inputs=(), outputs=1):
    specs = [InputSpec("input", (None,) + sequence.shape[1:])]
    specs += [InputSpec(f"s{k}", (None,) + s.shape[1:]) for k, s in enumerate(extra_inputs)]
    refs = [TensorRef("bidirectional", 0, k) for k in range(outputs)]
    return run(model(specs, [layer], refs), [sequence, *extra_inputs]).outputs


def conv_lstm(rank, filters, channels, kernel_size=3, bias=0.03, inputs=("input",), **config):
    k = (kernel_size,) * rank
    b = np.full(4 * filters, bias if bias is not None else 0.0)
    b[filters : 2 * filters] = 1.0  # unit_forget_bias=True
    weights = {
        "kernel": np.full(k + (channels, 4 * filters), 0.01),
        "recurrent_kernel": np.full(k + (filters, 4 * filters), 0.02),
        "bias": b,
    }
    full = {"filters": filters, "kernel_size": k, "strides": (1,) * rank, "padding": "valid",
            "dilation_rate": (1,) * rank, "data_format": "channels_last", "activation": "tanh",
            "recurrent_activation": "sigmoid", "use_bias": True, "return_sequences": False}
    full.update(config)
    return make_layer("conv_lstm", f"ConvLSTM{rank}D", full, weights, inputs)

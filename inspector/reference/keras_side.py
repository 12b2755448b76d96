"""Child side only: import a Keras, load a file with it, and compute every layer's output.

This is the only module of LSTM Inspector that imports tensorflow, keras or tf_keras, and it
does so inside functions that run in the child process started by `runner.py`. The parent
never imports this module.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from typing import Any

import numpy as np

from inspector.reference.protocol import QUIET_ENV

GRAPH_FROM_STEPS = 64
INSTALL_HINT = "install the reference extra: pip install 'lstm-inspector[reference]' (tensorflow-cpu and tf-keras)"


class KerasUnavailable(Exception):
    """No reference possible, for a reason the user can read (not a crash)."""


def quiet_tensorflow() -> None:
    os.environ.update(QUIET_ENV)
    os.environ.pop("TF_USE_LEGACY_KERAS", None)
    warnings.filterwarnings("ignore")


def import_keras(runtime: str) -> tuple[Any, str]:
    """(the keras module, "tf_keras 2.21.0" or "keras 3.15.1") for runtime "tf_keras" or "keras3"."""
    quiet_tensorflow()
    try:
        import tensorflow as tf
    except ImportError as exc:
        raise KerasUnavailable(f"TensorFlow is not installed for this Python ({exc}); {INSTALL_HINT}") from exc
    tf.get_logger().setLevel("ERROR")
    try:
        if runtime == "keras3":
            import keras

            return keras, f"keras {keras.__version__}"
        import tf_keras

        return tf_keras, f"tf_keras {tf_keras.__version__}"
    except ImportError as exc:
        raise KerasUnavailable(f"{runtime} is not installed for this Python ({exc}); {INSTALL_HINT}") from exc


def load_model(keras: Any, runtime: str, path: str, architecture: str | None = None) -> Any:
    """The model in `path`; with `architecture`, that architecture with the weights of `path`
    (model_from_json or a full-model file, then load_weights, as the user would do it)."""
    try:
        if architecture is not None:
            model = _load_architecture(keras, runtime, architecture)
            model.load_weights(path)
            return model
        config = _config_needing_reset_after(runtime, path)
        if config is not None:  # Keras 2.1.2-2.1.4 GRU: no reset_after key, meaning false
            model = keras.models.model_from_json(json.dumps(config))
            model.load_weights(path)
            return model
        if runtime == "keras3":
            return keras.saving.load_model(path, compile=False, safe_mode=True)
        return keras.models.load_model(path, compile=False)
    except Exception as exc:  # noqa: BLE001 - any refusal by Keras is a reason, not a crash
        raise KerasUnavailable(f"{runtime_name(runtime)} could not load the file: {first_line(exc)}") from exc


def _load_architecture(keras: Any, runtime: str, path: str) -> Any:
    """A full-model file is loaded whole (its weights are then replaced); JSON, YAML or config.json text is
    read by LSTM Inspector's own reader (YAML with no Python tags) and given to model_from_json."""
    from inspector.core.model.architecture import read_architecture

    found = read_architecture(path)
    if found.kind == "model-file":
        if runtime == "keras3":
            return keras.saving.load_model(path, compile=False, safe_mode=True)
        return keras.models.load_model(path, compile=False)
    return keras.models.model_from_json(json.dumps(with_reset_after(found.config)))


def _config_needing_reset_after(runtime: str, path: str) -> dict[str, Any] | None:
    """The model config of a legacy HDF5 file whose GRU configs lack reset_after, with it added; else None."""
    if runtime != "tf_keras":
        return None
    import h5py

    with open(path, "rb") as handle:
        if handle.read(4) != b"\x89HDF":
            return None
    with h5py.File(path, "r", locking=False) as handle:
        text = handle.attrs.get("model_config")
    if text is None:
        return None
    config = json.loads(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    patched = with_reset_after(config)
    return patched if patched != config else None


def with_reset_after(value: Any) -> Any:
    """Every GRU / GRUCell config without a reset_after key gets reset_after=False, as Keras 2.1.2-2.1.4
    meant (the key first appears in 2.1.5; tf_keras would assume True and refuse the weights)."""
    if isinstance(value, list):
        return [with_reset_after(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: with_reset_after(v) for k, v in value.items()}
    if out.get("class_name") in ("GRU", "GRUCell", "CuDNNGRU") and isinstance(out.get("config"), dict):
        if out["class_name"] != "CuDNNGRU":
            out["config"].setdefault("reset_after", False)
    return out


def runtime_name(runtime: str) -> str:
    return "Keras 3" if runtime == "keras3" else "tf_keras"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:400]


def check_device(model: Any) -> None:
    """CuDNN layers have no CPU kernel in tf_keras: say so instead of failing while running."""
    import tensorflow as tf

    config = json.dumps(model.get_config(), default=str)
    cudnn = sorted(set(re.findall(r'"class_name": "(CuDNN\w+)"', config)))
    if cudnn and not tf.config.list_physical_devices("GPU"):
        raise KerasUnavailable(f"{', '.join(cudnn)} layers run only on a GPU in tf_keras, and this machine has "
                               "none (the numpy engine still runs them)")


def layer_outputs(keras: Any, model: Any, inputs: list[np.ndarray]) -> tuple[list[tuple[str, int]], list[np.ndarray]]:
    """Every layer's outputs then the model outputs, from one call of a sub-model.

    Returns ([(layer call name, number of outputs)], flat arrays): layer outputs in order,
    followed by the model's own outputs. A layer called twice gives "name" and "name#1".
    """
    _build(model, inputs)
    entries: list[tuple[str, int]] = []
    tensors: list[Any] = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        for position, outputs in enumerate(_node_outputs(layer, _model_nodes(model, layer))):
            entries.append((layer.name if position == 0 else f"{layer.name}#{position}", len(outputs)))
            tensors += outputs
    tensors += _flat(model.outputs)
    sub = keras.Model(model.inputs, tensors)
    return entries, [_numpy(v) for v in _flat(_call(sub, model, inputs))]


def _call(sub: Any, model: Any, inputs: list[np.ndarray]) -> Any:
    """One forward pass as a graph (an eager RNN loop is 5-10x slower), eagerly if that fails."""
    import tensorflow as tf

    feed = inputs[0] if len(inputs) == 1 else list(inputs)
    _reset_states(model)
    if max((x.shape[1] for x in inputs if x.ndim >= 2), default=0) < GRAPH_FROM_STEPS:
        return sub(feed, training=False)  # tracing costs more than it saves on short sequences
    try:
        return tf.function(lambda x: sub(x, training=False))(feed)
    except Exception:  # noqa: BLE001 - some layers do not trace; the eager call is the same maths
        _reset_states(model)
        return sub(feed, training=False)


def _build(model: Any, inputs: list[np.ndarray]) -> None:
    """A Sequential saved without an input shape has no graph until it is called once."""
    if not getattr(model, "inputs", None):
        model(inputs[0][:1] if len(inputs) == 1 else [x[:1] for x in inputs], training=False)


def _model_nodes(model: Any, layer: Any) -> list[int]:
    """Indices of the layer's calls that belong to this model (loading may add others)."""
    count = len(getattr(layer, "_inbound_nodes", []))
    graph = getattr(model, "_functional", None) or model  # a Keras 3 Sequential wraps a Functional
    keys = getattr(graph, "_network_nodes", None) or getattr(graph, "_nodes", None)
    if not keys:
        return list(range(min(count, 1)))
    # tf_keras keys nodes by layer name, Keras 3 by id(layer)
    return [k for k in range(count) if f"{layer.name}_ib-{k}" in keys or f"{id(layer)}_ib-{k}" in keys]


def _node_outputs(layer: Any, nodes: list[int]) -> list[list[Any]]:
    if hasattr(layer, "get_output_at"):  # tf_keras
        return [_flat(layer.get_output_at(k)) for k in nodes]
    return [_flat(layer._inbound_nodes[k].output_tensors) for k in nodes]  # Keras 3


def _reset_states(model: Any) -> None:
    for layer in model.layers:
        if not getattr(layer, "stateful", False):
            continue
        reset = getattr(layer, "reset_states", None) or getattr(layer, "reset_state", None)
        if reset is not None:
            reset()


def _flat(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [t for key in sorted(value) for t in _flat(value[key])]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _flat(item)]
    return [value]


def _numpy(value: Any) -> np.ndarray:
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)

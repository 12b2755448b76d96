"""Translate one layer's config from any Keras dialect into Keras 2/3 class and key names.

Keras 1 said output_dim, inner_activation, border_mode; Keras 3 wraps every object in
{module, class_name, config, registered_name}; CuDNN layers and RNN(cell=...) become plain
LSTM/GRU/SimpleRNN. After this module every layer config reads the same.
"""

from __future__ import annotations

from typing import Any

KERAS1_RENAMES: dict[str, str] = {
    "inner_activation": "recurrent_activation",
    "dropout_W": "dropout",
    "dropout_U": "recurrent_dropout",
    "bias": "use_bias",
    "nb_filter": "filters",
    "border_mode": "padding",
    "input_dtype": "dtype",
    "pool_length": "pool_size",
    "stride": "strides",
    "subsample_length": "strides",
    "filter_length": "kernel_size",
    "p": "rate",
    "subsample": "strides",
    "atrous_rate": "dilation_rate",
    "dim_ordering": "data_format",
}
KERAS1_CLASSES = {"Convolution1D": "Conv1D", "AtrousConvolution1D": "Conv1D", "Convolution2D": "Conv2D",
                  "AtrousConvolution2D": "Conv2D", "Convolution3D": "Conv3D", "Deconvolution2D": "Conv2DTranspose",
                  "TimeDistributedDense": "TimeDistributed"}
KERAS1_KERNEL_KEYS = ("nb_row", "nb_col", "kernel_dim1", "kernel_dim2", "kernel_dim3")
DATA_FORMATS = {"th": "channels_first", "tf": "channels_last"}
OPERATION_MODULES = ("keras.src.ops.", "keras.ops.")
CELL_CLASSES = {"LSTMCell": "LSTM", "GRUCell": "GRU", "SimpleRNNCell": "SimpleRNN"}
KERAS2_CLASSES = {"CuDNNLSTM": "LSTM", "CuDNNGRU": "GRU", "Model": "Functional",
                  "SyncBatchNormalization": "BatchNormalization"}


def unwrap(obj: Any) -> Any:
    """Keras 3 serialized objects -> {class_name, config} as Keras 2 wrote them, recursively."""
    if isinstance(obj, list):
        return [unwrap(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if obj.get("class_name") == "DTypePolicy" and isinstance(obj.get("config"), dict):
        return obj["config"].get("name", "float32")
    if obj.get("class_name") == "__keras_tensor__":
        return obj  # graph code reads these
    plain = {k: unwrap(v) for k, v in obj.items() if k not in ("module", "registered_name", "shared_object_id")}
    module = obj.get("module")
    if isinstance(module, str) and module.startswith(OPERATION_MODULES) and isinstance(plain.get("config"), dict):
        # a keras.ops call on symbolic tensors, recorded in a Functional graph like a layer
        plain["config"]["keras_operation"] = f"{module.removeprefix('keras.src.')}.{obj.get('class_name')}"
    return plain


def normalize_layer(class_name: str, config: dict[str, Any], keras_major: int) -> tuple[str, dict[str, Any]]:
    """(canonical class name, config in Keras 2/3 keys); stored class kept by the caller."""
    config = dict(config)
    if keras_major == 1:
        class_name, config = _from_keras1(class_name, config)
    if class_name == "RNN":
        class_name, config = _from_rnn_cell(config)
    if class_name in ("CuDNNLSTM", "CuDNNGRU"):
        config.setdefault("activation", "tanh")
        config.setdefault("recurrent_activation", "sigmoid")
        if class_name == "CuDNNGRU":
            config["reset_after"] = True
    class_name = KERAS2_CLASSES.get(class_name, class_name)
    if class_name == "GRU":
        config.setdefault("reset_after", False)  # Keras < 2.1.3 had no key and no reset_after
    return class_name, config


def _from_keras1(class_name: str, config: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if class_name == "TimeDistributedDense":
        inner = {k: v for k, v in config.items() if k not in ("batch_input_shape", "input_length")}
        return "TimeDistributed", {
            "name": config.get("name"),
            "batch_input_shape": _keras1_input_shape("LSTM", config),
            "layer": {"class_name": "Dense", "config": _keras1_keys("Dense", inner)},
        }
    class_name = KERAS1_CLASSES.get(class_name, class_name)
    config = _keras1_keys(class_name, config)
    shape = _keras1_input_shape(class_name, config)
    if shape is not None:
        config["batch_input_shape"] = shape
    if class_name == "Bidirectional" and isinstance(config.get("layer"), dict):
        inner = config["layer"]
        name, inner_config = _from_keras1(inner["class_name"], dict(inner["config"]))
        config["layer"] = {"class_name": name, "config": inner_config}
    return class_name, config


def _keras1_keys(class_name: str, config: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key == "output_dim" and class_name != "Embedding":
            key = "units"
        out[KERAS1_RENAMES.get(key, key)] = value
    if out.get("data_format") in DATA_FORMATS:
        out["data_format"] = DATA_FORMATS[out["data_format"]]
    kernel = [out.pop(key) for key in KERAS1_KERNEL_KEYS if key in out]
    if kernel:
        out["kernel_size"] = tuple(int(k) for k in kernel)
    if class_name == "Conv1D":
        out["kernel_size"] = _as_tuple(out.get("kernel_size", 1))
        out["strides"] = _as_tuple(out.get("strides", 1))
    if class_name == "UpSampling1D" and "length" in out:
        out["size"] = out.pop("length")
    if class_name == "ZeroPadding2D" and isinstance(out.get("padding"), (list, tuple)) and len(out["padding"]) == 4:
        top, bottom, left, right = out["padding"]
        out["padding"] = ((top, bottom), (left, right))
    if class_name in ("MaxPooling1D", "AveragePooling1D"):
        out["pool_size"] = _as_tuple(out.get("pool_size", 2))
        stride = out.get("strides")
        out["strides"] = out["pool_size"] if stride is None else _as_tuple(stride)
    return out


def _keras1_input_shape(class_name: str, config: dict[str, Any]) -> list[Any] | None:
    """Keras 1 layers could say input_dim/input_length instead of batch_input_shape."""
    if config.get("batch_input_shape"):
        return list(config["batch_input_shape"])
    if class_name == "Embedding" or config.get("input_dim") is None:
        return None
    if "input_length" in config:  # recurrent and time-distributed layers take sequences
        return [None, config.get("input_length"), config["input_dim"]]
    return [None, config["input_dim"]]


def _from_rnn_cell(config: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    cell = config.get("cell")
    if isinstance(cell, dict) and cell.get("class_name") == "StackedRNNCells":
        return _stacked_cells(config, cell)
    if not isinstance(cell, dict) or cell.get("class_name") not in CELL_CLASSES:
        found = cell.get("class_name") if isinstance(cell, dict) else type(cell).__name__
        return "RNN", {**config, "unsupported": f"RNN with cell {found} (only LSTMCell, GRUCell, SimpleRNNCell)"}
    merged = {k: v for k, v in config.items() if k != "cell"}
    merged.update({k: v for k, v in cell["config"].items() if k not in ("name", "trainable", "dtype")})
    return CELL_CLASSES[cell["class_name"]], merged


def _stacked_cells(config: dict[str, Any], cell: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """RNN(StackedRNNCells([c1, c2, ...])) computes what a Sequential of one RNN per cell computes: every
    cell but the last returns its sequence, only the first reads the input backwards; read as that."""
    cells = (cell.get("config") or {}).get("cells")
    outer = {k: v for k, v in config.items() if k not in ("cell", "name", "trainable", "dtype")}
    body: dict[str, Any] = {"name": config.get("name"), "layers": [], "cell_classes": [],
            **{k: outer[k] for k in ("batch_input_shape", "build_input_shape") if k in outer}}
    if not isinstance(cells, list) or not cells or any(
            not isinstance(c, dict) or c.get("class_name") not in CELL_CLASSES for c in cells):
        return "RNN", {**config, "unsupported": "RNN(StackedRNNCells) with cells other than LSTMCell, GRUCell, "
                                                "SimpleRNNCell"}
    if config.get("return_state") or config.get("stateful"):
        body["unsupported"] = "RNN(StackedRNNCells) with return_state or stateful is not supported yet"
    names: set[str] = set()
    for k, item in enumerate(cells):
        last = k == len(cells) - 1
        layer = {**outer, **{key: v for key, v in item["config"].items() if key not in ("trainable", "dtype")}}
        layer.update(return_sequences=bool(config.get("return_sequences")) if last else True,
                     go_backwards=bool(config.get("go_backwards")) and k == 0, return_state=False)
        if not isinstance(layer.get("name"), str) or layer["name"] in names:  # Keras 3 may name two cells alike
            layer["name"] = f"{layer.get('name') or 'cell'}_{k}"
        names.add(layer["name"])
        body["layers"].append({"class_name": CELL_CLASSES[item["class_name"]], "config": layer})
        body["cell_classes"].append(item["class_name"])
    return "Sequential", body


def _as_tuple(value: Any) -> tuple[int, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(int(v) for v in value)
    return (int(value),)

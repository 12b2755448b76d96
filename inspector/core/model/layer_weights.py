"""Give each stored weight array its role and convert it to the canonical layout.

Input: the arrays of one layer in the order Keras's get_weights() returns them (weight_names
order in HDF5, vars/0.. in Keras 3). Output: role -> array, e.g. LSTM kernel (in, 4u) with gates
i, f, c, o. Keras 1 split gates, CuDNN layouts and GRU double biases are resolved here.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from inspector.core.errors import UnsupportedModel
from inspector.core.io.containers import StoredWeight
from inspector.core.model.canonical import RECURRENT_CLASSES

GATE_COUNT = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1, "ConvLSTM1D": 4, "ConvLSTM2D": 4, "ConvLSTM3D": 4}
KERAS1_GATE_ORDER = {"LSTM": "ifco", "GRU": "zrh"}
KERAS1_SPLIT = re.compile(r"_([WUb])_([a-z])(?::\d+)?$")
KERNEL_CLASSES = ("Dense", "LocallyConnected1D", "LocallyConnected2D",
                  *(f"Conv{r}D{t}" for r in "123" for t in ("", "Transpose")))
DEPTHWISE_CLASSES = ("SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D")
ATTENTION_CLASSES = ("MultiHeadAttention", "GroupedQueryAttention", "GroupQueryAttention")
ATTENTION_PART = re.compile(r"(?:^|/)_?(query|key|value|attention_output|output)(?:_dense)?/")
# Keras 1 kernel layouts, converted as Keras 2 converted them when loading a Keras 1 file
KERAS1_KERNELS = {("Convolution2D", "channels_first"): (2, 3, 1, 0),
                  ("AtrousConvolution2D", "channels_first"): (2, 3, 1, 0),
                  ("Convolution3D", "channels_first"): (2, 3, 4, 1, 0),
                  ("Deconvolution2D", "channels_first"): (2, 3, 0, 1),
                  ("Deconvolution2D", "channels_last"): (0, 1, 3, 2)}


def roles_for(class_name: str, config: dict[str, Any]) -> list[str]:
    """The roles of get_weights() for a layer class, in Keras's order."""
    use_bias = config.get("use_bias", True)
    if class_name in RECURRENT_CLASSES:
        return ["kernel", "recurrent_kernel"] + (["bias"] if use_bias else [])
    if class_name in KERNEL_CLASSES:
        return ["kernel"] + (["bias"] if use_bias else [])
    if class_name in DEPTHWISE_CLASSES:
        kernels = ["depthwise_kernel"] + (["pointwise_kernel"] if class_name.startswith("Separable") else [])
        return kernels + (["bias"] if use_bias else [])
    if class_name == "STFTSpectrogram":
        mode = config.get("mode", "log")
        return [role for role, skip in (("real_kernel", "imag"), ("imag_kernel", "real")) if mode != skip]
    if class_name in ATTENTION_CLASSES:  # found by name (_attention_roles); this is get_weights() order
        parts = ("query", "key", "value", "attention_output")
        return [f"{p}_{kind}" for p in parts for kind in ("kernel", "bias") if kind == "kernel" or use_bias]
    if class_name == "RandomFourierFeatures":
        return ["kernel_scale", "unscaled_kernel", "bias"]  # trainable weights first, as get_weights() lists them
    if class_name == "EinsumDense":
        return ["kernel"] + (["bias"] if config.get("bias_axes") else [])
    if class_name == "Embedding":
        return ["embeddings"]
    if class_name == "BatchNormalization":
        return _flagged(config, [("scale", "gamma"), ("center", "beta")]) + ["moving_mean", "moving_variance"]
    if class_name == "LayerNormalization" and config.get("rms_scaling"):  # Keras 3: gamma always, never beta
        return ["gamma"]
    if class_name in ("LayerNormalization", "GroupNormalization"):
        return _flagged(config, [("scale", "gamma"), ("center", "beta")])
    if class_name == "RMSNormalization":
        return ["scale"]
    if class_name == "Normalization":
        return ["mean", "variance", "count"] if config.get("mean") is None else []
    if class_name == "Attention":
        roles = ["scale"] if config.get("use_scale") else []
        return roles + (["concat_score_weight"] if config.get("score_mode") == "concat" else [])
    if class_name == "AdditiveAttention":
        return ["scale"] if config.get("use_scale", True) else []
    if class_name == "PReLU":
        return ["alpha"]
    return []


def _flagged(config: dict[str, Any], pairs: list[tuple[str, str]]) -> list[str]:
    return [role for flag, role in pairs if config.get(flag, True)]


def assign(class_name: str, config: dict[str, Any], stored: list[StoredWeight],
           stored_class: str = "") -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """(role -> canonical array, role -> name in the file) for one layer (not a wrapper)."""
    if class_name in KERAS1_GATE_ORDER and len(stored) > 3:
        stored = _merge_keras1_gates(class_name, stored)
    if class_name in ATTENTION_CLASSES:
        return _attention_roles(stored)
    roles = roles_for(class_name, config)
    if not roles:
        return raw_roles(stored)
    if len(stored) != len(roles):
        raise UnsupportedModel(
            f"{class_name} layer {config.get('name')!r} has {len(stored)} weight arrays, expected "
            f"{len(roles)} ({', '.join(roles)})"
        )
    weights = {role: w.array for role, w in zip(roles, stored)}
    names = {role: w.name for role, w in zip(roles, stored)}
    if class_name in GATE_COUNT and "recurrent_kernel" in weights:
        _canonical_recurrent(class_name, config, weights, names, stored_class)
    if class_name == "Conv1D" and weights["kernel"].ndim == 4:
        weights["kernel"] = _keras1_conv1d(weights["kernel"], config)
    order = KERAS1_KERNELS.get((stored_class, config.get("data_format") or "channels_last"))
    if order is not None:
        weights["kernel"] = np.transpose(weights["kernel"], order)
    return weights, names


def _keras1_conv1d(kernel: np.ndarray, config: dict[str, Any]) -> np.ndarray:
    """Keras 1 stored (k, 1, in, f), or (f, in, k, 1) for Theano dimension ordering."""
    size = tuple(config.get("kernel_size") or (kernel.shape[0],))[0]
    if kernel.shape[:2] != (size, 1) or kernel.shape[3] != config.get("filters", kernel.shape[3]):
        kernel = np.transpose(kernel, (2, 3, 1, 0))
    return kernel[:, 0]


def _attention_roles(stored: list[StoredWeight]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Multi-head (and grouped-query) attention: query, key, value and output projections, each kernel then
    bias, found by name (legacy `mha/query/kernel:0`, Keras 3 zips `layers/mha/query_dense/vars/0` or
    `.../_query_dense/...`)."""
    weights: dict[str, np.ndarray] = {}
    names: dict[str, str] = {}
    for w in stored:
        parts = ATTENTION_PART.findall(w.name.replace("\\", "/"))
        if not parts:
            raise UnsupportedModel(f"attention weight {w.name!r} names no projection")
        part = "attention_output" if parts[-1] == "output" else parts[-1]
        role = f"{part}_kernel" if f"{part}_kernel" not in weights else f"{part}_bias"
        weights[role], names[role] = w.array, w.name
    missing = [p for p in ("query", "key", "value", "attention_output") if f"{p}_kernel" not in weights]
    if missing:
        raise UnsupportedModel(f"attention layer has no {missing[0]} weights")
    return weights, names


def raw_roles(stored: list[StoredWeight]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Layers we cannot interpret keep their arrays under their stored short names."""
    weights: dict[str, np.ndarray] = {}
    names: dict[str, str] = {}
    for w in stored:
        role = short_name(w.name)
        while role in weights:
            role += "'"
        weights[role], names[role] = w.array, w.name
    return weights, names


def short_name(stored_name: str) -> str:
    """'lstm_3/lstm_cell_5/kernel:0' -> 'kernel' (the last path component, no ':0')."""
    return re.sub(r":\d+$", "", stored_name.replace("\\", "/").rsplit("/", 1)[-1])


def _merge_keras1_gates(class_name: str, stored: list[StoredWeight]) -> list[StoredWeight]:
    """Keras 1 stored W_i, U_i, b_i, W_c, ... per gate (i, c, f, o for LSTM): fuse them in i, f, c, o."""
    by_part: dict[tuple[str, str], StoredWeight] = {}
    for w in stored:
        match = KERAS1_SPLIT.search(w.name)
        if not match:
            raise UnsupportedModel(f"Keras 1 {class_name} weight {w.name!r} has no gate suffix")
        by_part[(match[1], match[2])] = w
    order = KERAS1_GATE_ORDER[class_name]
    fused = []
    for part in "WUb":
        missing = [g for g in order if (part, g) not in by_part]
        if missing:
            raise UnsupportedModel(f"Keras 1 {class_name} is missing {part}_{missing[0]}")
        arrays = [by_part[(part, g)].array for g in order]
        names = ", ".join(by_part[(part, g)].name for g in order)
        fused.append(StoredWeight(names, np.concatenate(arrays, axis=-1)))
    return fused


def _canonical_recurrent(class_name: str, config: dict[str, Any], weights: dict[str, np.ndarray],
                         names: dict[str, str], stored_class: str) -> None:
    gates = GATE_COUNT[class_name]
    units = weights["recurrent_kernel"].shape[-2]
    bias = weights.get("bias")
    cudnn = stored_class.startswith("CuDNN") or (
        bias is not None and bias.ndim == 1 and bias.shape[0] == 2 * gates * units and gates > 1
    )
    if cudnn:
        weights.update(_from_cudnn(weights, gates, class_name))
    bias = weights.get("bias")
    if class_name == "GRU" and bias is not None and bias.ndim == 2:
        weights["bias"], weights["recurrent_bias"] = bias[0], bias[1]
        names["recurrent_bias"] = names["bias"] + "[1]"
        names["bias"] += "[0]"
    config["units"] = config.get("units", config.get("filters", units))


def _from_cudnn(weights: dict[str, np.ndarray], gates: int, class_name: str) -> dict[str, np.ndarray]:
    """Keras's own CuDNN -> plain conversion (keras/engine/saving.py, _convert_rnn_weights)."""
    kernel = np.hstack([k.T.reshape(k.shape, order="F") for k in np.hsplit(weights["kernel"], gates)])
    recurrent = np.hstack([k.T for k in np.hsplit(weights["recurrent_kernel"], gates)])
    out = {"kernel": kernel, "recurrent_kernel": recurrent}
    if "bias" in weights:
        halves = np.split(weights["bias"], 2)
        out["bias"] = halves[0] + halves[1] if class_name == "LSTM" else np.stack(halves)
    return out

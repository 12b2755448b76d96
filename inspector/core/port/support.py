"""Which layers each generator computes exactly, and whether a model can be stepped in time.

A generator never emits code that silently differs from Keras: anything not listed here is
refused with the reason (`refusal`). `stream_blocker` says why a model has no streaming API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from inspector.core.engine.layers.core import IDENTITIES  # inert at inference: dropout, noise, augmentation
from inspector.core.model.canonical import Layer
from inspector.core.port.axes import AXES_LAYERS, batch_axis_refusal, step_reason
from inspector.core.port.numpy.spatial import SPATIAL
from inspector.core.port.numpy.statistics import STATISTICS

if TYPE_CHECKING:
    from inspector.core.port.plan import PortPlan

RECURRENT = ("LSTM", "GRU", "SimpleRNN")
LANGUAGE_TITLES = {"numpy": "numpy", "js": "JavaScript", "c": "C"}
MERGES = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate")
COMMON = (
    *IDENTITIES, *RECURRENT, *MERGES, "Bidirectional", "TimeDistributed", "Dense", "Activation", "Embedding",
    "Masking", "BatchNormalization", "LayerNormalization", "Flatten", "Reshape", "Permute", "RepeatVector",
    "Conv1D", "MaxPooling1D", "AveragePooling1D", "GlobalAveragePooling1D", "GlobalMaxPooling1D",
    "ReLU", "LeakyReLU", "ELU", "ThresholdedReLU", "Softmax", "PReLU", "Dot", "Attention", "AdditiveAttention",
)
CONV_LSTM = ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
ATTENTION_HEADS = ("MultiHeadAttention", "GroupedQueryAttention", "GroupQueryAttention")
OVER_AXES = ("RMSNormalization", "Rescaling")  # with COMMON's normalizations, Softmax and Permute: axes.py
SUPPORTED = {"numpy": frozenset((*COMMON, *CONV_LSTM, *SPATIAL, *STATISTICS, *ATTENTION_HEADS, *OVER_AXES)),
             "js": frozenset((*COMMON, *OVER_AXES)), "c": frozenset((*COMMON, *OVER_AXES))}
TIME_DISTRIBUTABLE = (*IDENTITIES, "Dense", "Activation", "BatchNormalization", "LayerNormalization", "RMSNormalization",
                      "Rescaling", "Permute", "ReLU", "LeakyReLU", "ELU", "ThresholdedReLU", "Softmax", "PReLU")
NUMPY_TIME_DISTRIBUTABLE = (*TIME_DISTRIBUTABLE, *SPATIAL, *STATISTICS, "Flatten", "Reshape")  # per time step
# per time step when their axes leave time alone (axes.step_reason): the normalizations, Softmax, Rescaling, Permute
PER_STEP = (*IDENTITIES, *RECURRENT, "Dense", "Activation", "Embedding", "Masking", "TimeDistributed",
            "BatchNormalization", "LayerNormalization", "RMSNormalization", "Rescaling", "Permute", "Add", "Subtract",
            "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "ReLU", "LeakyReLU", "ELU", "ThresholdedReLU",
            "Softmax", "PReLU")


def refusal(layer: Layer, language: str, keras_major: int) -> str:
    """Why `layer` cannot be generated in `language` ("" when it can)."""
    name, config = layer.class_name, layer.config
    if name not in SUPPORTED[language]:
        return f"the {LANGUAGE_TITLES[language]} generator has no {name} yet"
    if name == "TimeDistributed":
        child = layer.children["layer"]
        if child.class_name not in (NUMPY_TIME_DISTRIBUTABLE if language == "numpy" else TIME_DISTRIBUTABLE):
            return f"TimeDistributed({child.class_name}) is not generated (only per-vector layers)"
        return refusal(child, language, keras_major)
    if name == "Bidirectional":
        return refusal(layer.children["forward"], language, keras_major) or refusal(
            layer.children["backward"], language, keras_major)
    if name in ("Conv1D", "MaxPooling1D", "AveragePooling1D", "GlobalAveragePooling1D", "GlobalMaxPooling1D") and (
            language != "numpy" or name == "GlobalAveragePooling1D"):
        if config.get("data_format") == "channels_first":
            return "data_format channels_first is not generated"
        if int(config.get("groups") or 1) != 1:
            return "grouped convolution is not generated"
    if name in AXES_LAYERS and language != "numpy":  # any axes but the batch axis (axes.py)
        return batch_axis_refusal(layer)
    return ""


def stream_blocker(plan: PortPlan) -> str:
    """Why the model cannot be run one time step at a time ("" when it can)."""
    recurrent = plan.recurrent_steps
    if not recurrent:
        return "the model has no recurrent layer, so there is no time step to stream"
    for k, (spec, tokens) in enumerate(zip(plan.model.inputs, plan.token_inputs, strict=True)):
        if len(spec.shape) < (2 if tokens else 3) or any(d is None for d in spec.shape[2:]):
            return f"model input {k} has no time axis with fixed features per step"
    for step in plan.steps:
        layer = step.layer
        if layer.class_name == "Bidirectional":
            return f"layer {step.ident} is Bidirectional: its backward direction reads the whole sequence first"
        if layer.class_name not in PER_STEP:
            return f"layer {step.ident} ({layer.class_name}) needs the whole sequence, not one step"
        if layer.is_recurrent and layer.config.get("go_backwards"):
            return f"layer {step.ident} reads the sequence backwards (go_backwards)"
        if layer.is_recurrent and len(step.inputs) > 1:
            return f"layer {step.ident} takes its initial state from other layers"
        if layer.class_name == "Concatenate" and int(layer.config.get("axis", -1)) not in (-1, 2):
            return f"layer {step.ident} concatenates along time"
        if layer.class_name == "PReLU" and _alpha_per_step(layer):
            return f"layer {step.ident} (PReLU) has an alpha per time step (its shared_axes leave out the time axis)"
    return step_reason(plan, TIME_DISTRIBUTABLE)


def _alpha_per_step(layer: Layer) -> bool:
    """PReLU's alpha is [*input_shape[1:]]: on a sequence its first axis is time, of size 1 when shared."""
    alpha = layer.weights["alpha"]
    return alpha.ndim > 1 and alpha.shape[0] != 1

"""Every built-in layer class of Keras 1.2, Keras 2.x / tf.keras 2.x and Keras 3, and whether
LSTM Inspector runs it - or why not.

A class that is not listed here is not a built-in Keras layer: custom code. README.md shows
this table (tests/core/model/test_builtin_layers.py keeps both, the engine registry and the
reader in step). `read_as` names the classes the reader turns a group into (Keras 1 names,
CuDNN layers, RNN cells) so the engine never sees the stored name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NOT_YET = "not implemented in the numpy engine yet"
CODE = "holds Python code; LSTM Inspector never runs code from a file"


@dataclass(frozen=True)
class ClassGroup:
    """Classes that share a status; `reason` is empty when they run."""

    classes: tuple[str, ...]
    keras: str  # which Keras have them, in the user's words
    reason: str = ""
    read_as: tuple[str, ...] = ()
    code: bool = False  # holds or loads code: Keras itself must not load it either

    @property
    def runs(self) -> bool:
        return not self.reason


def _dims(*stems: str, ranks: str = "123") -> tuple[str, ...]:
    return tuple(f"{stem}{r}D" for stem in stems for r in ranks)


ALL = "1.x, 2.x, 3"
K2 = "2.x, 3"
TF2 = "tf.keras 2.x, 3"
GROUPS: tuple[ClassGroup, ...] = (
    ClassGroup(("InputLayer",), ALL),  # the graph feeds it; no layer function
    ClassGroup(("Dense", "Activation", "Flatten", "Reshape", "Permute", "RepeatVector", "Masking", "Embedding"), ALL),
    ClassGroup(("Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise",
                "GaussianDropout", "AlphaDropout", "ActivityRegularization"), ALL),
    ClassGroup(("Identity",), "tf.keras 2.12+, 3"),
    ClassGroup(("LSTM", "GRU", "SimpleRNN", "Bidirectional", "TimeDistributed"), ALL),
    ClassGroup(("SpectralNormalization",), "tf.keras 2.13+, 3"),
    ClassGroup(("RandomFourierFeatures",), "tf.keras 2.x"),
    ClassGroup(("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"), "ConvLSTM2D 1.2+, 2.x; all tf.keras 2.x, 3"),
    ClassGroup(("RNN", "LSTMCell", "GRUCell", "SimpleRNNCell"), K2, read_as=("LSTM", "GRU", "SimpleRNN")),
    ClassGroup(("CuDNNLSTM", "CuDNNGRU"), "2.x, tf.keras 1.x", read_as=("LSTM", "GRU")),
    ClassGroup(("Sequential", "Functional"), ALL),  # a model used as a layer: runs when its layers run
    ClassGroup(("Model",), "2.x, tf.keras 2.0-2.3", read_as=("Functional",)),
    ClassGroup(("StackedRNNCells",), K2, read_as=("Sequential", "LSTM", "GRU", "SimpleRNN")),
    ClassGroup(("TimeDistributedDense",), "1.x", read_as=("TimeDistributed", "Dense")),
    ClassGroup(_dims("Conv") + tuple(f"Conv{r}DTranspose" for r in "123"), K2),
    ClassGroup(("SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D"), K2),
    ClassGroup(("LocallyConnected1D", "LocallyConnected2D"), "1.x, 2.x, tf.keras 2.x"),
    ClassGroup(("Convolution1D", "Convolution2D", "Convolution3D", "AtrousConvolution1D", "AtrousConvolution2D",
                "Deconvolution2D"), "1.x", read_as=("Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose")),
    ClassGroup(_dims("MaxPooling", "AveragePooling", "GlobalMaxPooling", "GlobalAveragePooling"), ALL),
    ClassGroup(_dims("AdaptiveAveragePooling", "AdaptiveMaxPooling"), "3.10+"),
    ClassGroup(_dims("ZeroPadding", "Cropping", "UpSampling"), ALL),
    ClassGroup(("BatchNormalization",), ALL),
    ClassGroup(("SyncBatchNormalization",), "tf.keras 2.x", read_as=("BatchNormalization",)),
    ClassGroup(("LayerNormalization",), TF2),
    ClassGroup(("GroupNormalization", "UnitNormalization"), "tf.keras 2.11+, 3"),
    ClassGroup(("RMSNormalization",), "3.9+"),
    ClassGroup(("Normalization", "Rescaling", "Discretization", "CategoryEncoding", "IntegerLookup", "Resizing",
                "CenterCrop", "EinsumDense"), TF2),
    ClassGroup(("RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                "RandomBrightness", "RandomHeight", "RandomWidth"), "tf.keras 2.x, 3 (RandomHeight/Width: tf.keras)"),
    ClassGroup(("AugMix", "CutMix", "MixUp", "RandAugment", "RandomColorDegeneration", "RandomColorJitter",
                "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur", "RandomGrayscale", "RandomHue",
                "RandomInvert", "RandomPerspective", "RandomPosterization", "RandomSaturation", "RandomSharpness",
                "RandomShear", "Solarization", "MaxNumBoundingBoxes"), "3.6+"),
    ClassGroup(("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"), K2),
    ClassGroup(("Attention", "AdditiveAttention", "MultiHeadAttention"), TF2),
    ClassGroup(("STFTSpectrogram",), "3.6+"),
    ClassGroup(("GroupedQueryAttention", "GroupQueryAttention"), "3.6+ (.keras files name it GroupQueryAttention)"),
    ClassGroup(("LeakyReLU", "PReLU", "ELU", "ThresholdedReLU"), "1.x, 2.x, tf.keras 2.x; 3 (not ThresholdedReLU)"),
    ClassGroup(("ReLU", "Softmax"), K2),
    # refused
    ClassGroup(("Lambda",), ALL, "a Lambda layer " + CODE, code=True),
    ClassGroup(("TFOpLambda", "SlicingOpLambda"), "tf.keras 2.x",
               "a TensorFlow operation recorded as code; LSTM Inspector never runs code from a file", code=True),
    ClassGroup(("TorchModuleWrapper", "JaxLayer", "FlaxLayer"), "3",
               "wraps a PyTorch or JAX module: code, which LSTM Inspector never runs from a file", code=True),
    ClassGroup(("TFSMLayer",), "3", "loads a TensorFlow SavedModel (a graph of code) from another folder",
               code=True),

    ClassGroup(("NotEqual",), "3", "a Keras 3 operation recorded in the graph to recompute a mask, which the "
               "engine carries itself; not run"),
    ClassGroup(("Merge",), "1.x", "the Keras 1 Merge layer (its mode may be a Python function) is " + NOT_YET),
    ClassGroup(("Highway", "MaxoutDense", "ParametricSoftplus", "SReLU"), "1.x", NOT_YET),
    ClassGroup(("SeparableConvolution2D",), "1.2", NOT_YET),
    ClassGroup(("ReversibleEmbedding",), "3", "an embedding called forwards or in reverse per call: " + NOT_YET),
    ClassGroup(("StringLookup", "TextVectorization"), TF2,
               "takes text (strings) and LSTM Inspector's sequences are numbers; the model's numeric part can run "
               "from the layer after it"),
    ClassGroup(("DenseFeatures",), "tf.keras 2.x", "takes a dictionary of TensorFlow feature columns: " + NOT_YET),
    ClassGroup(("Hashing", "HashedCrossing"), TF2, "hashes values with FarmHash: " + NOT_YET),
    ClassGroup(("DynamicEmbedding", "DynamicLookup"), "tf.keras 2.x",
               "a lookup or category encoding layer: " + NOT_YET),
    ClassGroup(("RandomCrop",), TF2, "crops or resizes at inference in ways that differ between Keras versions: "
               + NOT_YET),
    ClassGroup(("AutoContrast", "Equalization", "ContrastLimitedAdaptiveHistogramEqualization", "Pipeline"), "3",
               "an image preprocessing layer that also acts at inference: " + NOT_YET),
    ClassGroup(("MelSpectrogram",), "3", "an audio preprocessing layer (an FFT, no stored kernels): " + NOT_YET),
)

BUILTIN_CLASSES = frozenset(name for group in GROUPS for name in group.classes)
RUNNABLE_CLASSES = frozenset(name for group in GROUPS if group.runs for name in group.classes)
REFUSED: dict[str, str] = {name: group.reason for group in GROUPS if not group.runs for name in group.classes}
CODE_CLASSES: dict[str, str] = {name: group.reason for group in GROUPS if group.code for name in group.classes}


def refusal(class_name: str) -> str:
    """Why a class cannot run ("" when it can): built in but refused, or custom code."""
    if class_name in RUNNABLE_CLASSES:
        return ""
    if class_name in CODE_CLASSES:
        return CODE_CLASSES[class_name]
    if class_name in REFUSED:
        return f"{class_name}: {REFUSED[class_name]}"
    return f"{class_name} is not a built-in Keras layer (custom code); LSTM Inspector cannot run it"


def operation_refusal(operation: str) -> str:
    """Why a Keras 3 operation recorded in a Functional graph (keras.ops on symbolic tensors) does not run."""
    return f"a Keras operation ({operation}) recorded in the model graph is {NOT_YET}"


def option_refusal(class_name: str, config: dict[str, Any]) -> str:
    """Why a runnable class cannot run with these options ("" when it can)."""
    if class_name == "UpSampling2D" and config.get("interpolation", "nearest") not in ("nearest", "bilinear"):
        return f"UpSampling2D with {config['interpolation']} interpolation is {NOT_YET}"
    if class_name == "MultiHeadAttention":
        axes = config.get("attention_axes")
        if axes not in (None, [1], (1,), 1, [-2]):
            return f"MultiHeadAttention over attention_axes {axes} is {NOT_YET}"
    if class_name in ("MultiHeadAttention", "GroupedQueryAttention", "GroupQueryAttention") and (
            config.get("use_gate") or config.get("sliding_window") is not None):
        return f"{class_name} with a gate or a sliding window is {NOT_YET}"
    if class_name == "Resizing" and (config.get("interpolation", "bilinear") not in ("nearest", "bilinear") or any(
            config.get(key) for key in ("crop_to_aspect_ratio", "pad_to_aspect_ratio", "antialias"))):
        return f"Resizing other than plain nearest or bilinear interpolation is {NOT_YET}"
    if class_name.startswith("LocallyConnected") and (
            config.get("implementation", 1) not in (1, 2) or config.get("data_format") == "channels_first"
            or str(config.get("padding", "valid")).lower() != "valid"):
        return f"{class_name} other than implementation 1 or 2, channels_last, valid padding is {NOT_YET}"
    if class_name == "CategoryEncoding" and (config.get("output_mode", "multi_hot") not in (
            "one_hot", "multi_hot", "count") or config.get("sparse")):
        return f"CategoryEncoding with output_mode {config.get('output_mode')!r} or sparse output is {NOT_YET}"
    if class_name == "STFTSpectrogram" and config.get("data_format") == "channels_first":
        return f"STFTSpectrogram on channels_first data is {NOT_YET}"
    if class_name == "IntegerLookup" and (
            config.get("vocabulary") is None or config.get("invert") or config.get("mask_token") is not None
            or config.get("num_oov_indices", 1) != 1 or config.get("output_mode", "int") != "int"):
        return ("IntegerLookup other than output_mode 'int' with one OOV index, no mask token, not inverted and "
                f"its vocabulary in the config is {NOT_YET}")
    if class_name == "Discretization" and config.get("output_mode", "int") != "int":
        return f"Discretization with output_mode {config.get('output_mode')!r} is {NOT_YET}"
    if class_name == "EinsumDense" and config.get("lora_rank"):
        return f"EinsumDense with LoRA weights is {NOT_YET}"
    if class_name == "BatchNormalization" and config.get("mode", 0) != 0:
        return "Keras 1 BatchNormalization in mode 1 or 2 normalises every batch by its own statistics"
    return ""

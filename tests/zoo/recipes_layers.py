"""Recipes for the non-recurrent layers found around recurrent ones: Dense,
TimeDistributed, activations, inference-time identities, normalization, Conv1D,
pooling and shape layers."""

from __future__ import annotations

from typing import Any

from tests.zoo.spec import ONLY_KERAS3, RUNTIMES, Builder, Recipe, floats, is_keras3, seq

SHAPE = (6, 3)
CONV_SHAPE = (10, 3)

# activation -> runtimes that know it by that name
ACTIVATIONS: dict[str, tuple[str, ...]] = {
    name: RUNTIMES for name in (
        "linear", "relu", "sigmoid", "hard_sigmoid", "tanh", "softmax", "elu", "selu",
        "softplus", "softsign", "exponential", "swish", "silu", "gelu", "relu6",
        "leaky_relu", "mish", "log_softmax")
}
ACTIVATIONS.update({name: ONLY_KERAS3 for name in (
    "hard_silu", "hard_swish", "celu", "log_sigmoid", "sparse_plus", "squareplus",
    "tanh_shrink", "hard_tanh", "soft_shrink", "hard_shrink")})


def activation_recipes() -> list[Recipe]:
    out = []
    for name, runtimes in ACTIVATIONS.items():
        build = seq(SHAPE, lambda L, a=name: [L.Dense(4), L.Activation(a)])
        note = "" if runtimes == RUNTIMES else "tf_keras has no activation of this name"
        out.append(Recipe(f"act_{name}", build, (floats(*SHAPE, scale=1.5),),
                          ("activation", f"activation_{name}", "dense"), runtimes=runtimes,
                          note=note))
    out += [
        Recipe("dense_inline_activations", seq(SHAPE, lambda L: [
            L.Dense(4, activation="selu"), L.Dense(4, activation="hard_sigmoid"),
            L.Dense(3, activation="softmax")]), (floats(*SHAPE),),
            ("dense", "activation_selu", "hard_sigmoid", "activation_softmax")),
        Recipe("activation_layers", activation_layers(), (floats(*SHAPE, scale=1.5),),
               ("leakyrelu", "relu_layer", "elu_layer", "prelu", "softmax_layer", "dense")),
        Recipe("prelu_alpha_shapes", seq(SHAPE, lambda L: [
            L.Dense(4), L.PReLU(), L.Reshape((6, 2, 2)), L.PReLU(shared_axes=[1, 3]), L.Reshape((6, 4)),
            L.TimeDistributed(L.PReLU()), L.TimeDistributed(L.PReLU(shared_axes=[1])),
            L.PReLU(shared_axes=[2]), L.Dense(2)]), (floats(*SHAPE, scale=1.5),),
            ("prelu", "shared_axes", "timedistributed", "reshape", "dense")),
        Recipe("td_prelu_lstm", seq(SHAPE, lambda L: [
            L.TimeDistributed(L.Dense(4)), L.TimeDistributed(L.PReLU()), L.PReLU(shared_axes=[1]), L.LSTM(3)]),
            (floats(*SHAPE, scale=1.5),), ("prelu", "shared_axes", "timedistributed", "dense", "lstm")),
    ]
    return out


def activation_layers() -> Builder:
    def build(keras: Any) -> Any:
        L = keras.layers
        leaky = L.LeakyReLU(negative_slope=0.2) if is_keras3(keras) else L.LeakyReLU(0.2)
        return keras.Sequential([
            keras.Input(shape=SHAPE), L.Dense(4), leaky, L.Dense(4),
            L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2), L.Dense(4),
            L.ELU(alpha=0.7), L.Dense(4), L.PReLU(shared_axes=[1]), L.Dense(4),
            L.Softmax(axis=1)])

    return build


def dense_recipes() -> list[Recipe]:
    return [
        Recipe("dense_mlp", seq((5,), lambda L: [L.Dense(4, activation="relu"),
                                                 L.Dense(3, activation="softmax")]),
               (floats(5),), ("dense", "activation_relu", "activation_softmax"),
               weights_only=True),
        Recipe("dense_nobias", seq((5,), lambda L: [L.Dense(4, use_bias=False)]),
               (floats(5),), ("dense", "use_bias_false")),
        Recipe("dense_on_sequence", seq(SHAPE, lambda L: [L.Dense(4)]), (floats(*SHAPE),),
               ("dense", "rank3_input")),
        Recipe("td_dense_after_lstm", seq(SHAPE, lambda L: [
            L.LSTM(4, return_sequences=True), L.TimeDistributed(L.Dense(2))]),
            (floats(*SHAPE),), ("lstm", "timedistributed", "dense")),
        Recipe("td_dense_stack", seq(SHAPE, lambda L: [
            L.TimeDistributed(L.Dense(5, activation="relu")),
            L.TimeDistributed(L.Dense(4, activation="tanh")), L.GRU(3)]),
            (floats(*SHAPE),), ("timedistributed", "dense", "gru", "reset_after")),
        Recipe("td_conv1d_lstm", seq((4, 8, 2), lambda L: [
            L.TimeDistributed(L.Conv1D(3, 3, activation="relu")),
            L.TimeDistributed(L.MaxPooling1D(2)), L.TimeDistributed(L.Flatten()),
            L.LSTM(4), L.Dense(1)]), (floats(4, 8, 2),),
            ("timedistributed", "conv1d", "maxpooling1d", "flatten", "lstm", "cnn_lstm")),
        Recipe("td_sequential_stack", td_sequential(), (floats(*SHAPE),),
               ("timedistributed", "nested_model", "dense", "lstm")),
    ]


def td_sequential() -> Builder:
    """TimeDistributed around a small Sequential (a Dense stack) - a nested model."""

    def build(keras: Any) -> Any:
        L = keras.layers
        inner = keras.Sequential([keras.Input(shape=(3,)), L.Dense(5, activation="relu"),
                                  L.Dense(4)], name="dense_stack")
        return keras.Sequential([keras.Input(shape=SHAPE), L.TimeDistributed(inner),
                                 L.LSTM(3)])

    return build


def identity_recipes() -> list[Recipe]:
    return [
        Recipe("inference_identities", seq(SHAPE, lambda L: [
            L.LSTM(5, return_sequences=True), L.Dropout(0.5), L.SpatialDropout1D(0.3),
            L.GaussianNoise(0.4), L.GaussianDropout(0.3), L.AlphaDropout(0.2),
            L.LSTM(3), L.Dropout(0.2), L.Dense(2)]), (floats(*SHAPE),),
            ("dropout", "spatialdropout1d", "gaussiannoise", "gaussiandropout",
             "alphadropout", "inference_identity", "lstm")),
        Recipe("lstm_batchnorm", seq(SHAPE, lambda L: [
            L.LSTM(4, return_sequences=True), L.BatchNormalization(), L.LSTM(3)]),
            (floats(*SHAPE),), ("lstm", "batchnormalization")),
        Recipe("lstm_batchnorm_plain", seq(SHAPE, lambda L: [
            L.LSTM(4), L.BatchNormalization(center=False, scale=False, epsilon=0.01),
            L.Dense(2)]), (floats(*SHAPE),), ("lstm", "batchnormalization", "no_scale")),
        Recipe("lstm_layernorm", seq(SHAPE, lambda L: [
            L.LSTM(4, return_sequences=True), L.LayerNormalization(), L.Dense(2)]),
            (floats(*SHAPE),), ("lstm", "layernormalization", "dense")),
    ]


def conv(**kwargs: Any) -> Builder:
    return seq(CONV_SHAPE, lambda L: [L.Conv1D(4, 3, **kwargs)])


def conv_recipes() -> list[Recipe]:
    inp = (floats(*CONV_SHAPE),)
    return [
        Recipe("conv1d_valid", conv(), inp, ("conv1d", "padding_valid")),
        Recipe("conv1d_same", conv(padding="same", activation="relu"), inp,
               ("conv1d", "padding_same")),
        Recipe("conv1d_causal", conv(padding="causal"), inp, ("conv1d", "padding_causal")),
        Recipe("conv1d_strides2", conv(strides=2), inp, ("conv1d", "strides")),
        Recipe("conv1d_strides2_same", conv(strides=2, padding="same"), inp,
               ("conv1d", "strides", "padding_same")),
        Recipe("conv1d_dilation2", conv(dilation_rate=2), inp, ("conv1d", "dilation")),
        Recipe("conv1d_causal_dilation2", conv(dilation_rate=2, padding="causal",
                                               use_bias=False), inp,
               ("conv1d", "dilation", "padding_causal", "use_bias_false")),
        Recipe("conv1d_lstm", seq(CONV_SHAPE, lambda L: [
            L.Conv1D(4, 3, padding="same", activation="relu"), L.MaxPooling1D(2),
            L.LSTM(4), L.Dense(1)]), inp, ("conv1d", "maxpooling1d", "lstm", "cnn_lstm")),
    ]


def pooling_recipes() -> list[Recipe]:
    inp = (floats(*CONV_SHAPE),)
    return [
        Recipe("pool_max", seq(CONV_SHAPE, lambda L: [L.MaxPooling1D(2)]), inp,
               ("maxpooling1d",)),
        Recipe("pool_max_strides_same", seq(CONV_SHAPE, lambda L: [
            L.MaxPooling1D(3, strides=2, padding="same")]), inp,
            ("maxpooling1d", "strides", "padding_same")),
        Recipe("pool_avg", seq(CONV_SHAPE, lambda L: [L.AveragePooling1D(3, strides=2)]),
               inp, ("averagepooling1d", "strides")),
        Recipe("pool_avg_strides_same", seq(CONV_SHAPE, lambda L: [
            L.AveragePooling1D(3, strides=2, padding="same")]), inp,
            ("averagepooling1d", "strides", "padding_same")),
        Recipe("pool_global_avg", seq(CONV_SHAPE, lambda L: [
            L.LSTM(4, return_sequences=True), L.GlobalAveragePooling1D()]), inp,
            ("globalaveragepooling1d", "lstm")),
        Recipe("pool_global_max", seq(CONV_SHAPE, lambda L: [
            L.LSTM(4, return_sequences=True), L.GlobalMaxPooling1D()]), inp,
            ("globalmaxpooling1d", "lstm")),
    ]


def shape_recipes() -> list[Recipe]:
    return [
        Recipe("shape_layers", seq((6, 4), lambda L: [
            L.Permute((2, 1)), L.Reshape((3, 8)), L.LSTM(3, return_sequences=True),
            L.Flatten(), L.Dense(2)]), (floats(6, 4),),
            ("permute", "reshape", "flatten", "lstm", "dense")),
        Recipe("lstm_autoencoder", seq(SHAPE, lambda L: [
            L.LSTM(4), L.RepeatVector(SHAPE[0]), L.LSTM(4, return_sequences=True),
            L.TimeDistributed(L.Dense(SHAPE[1]))]), (floats(*SHAPE),),
            ("lstm", "repeatvector", "timedistributed", "dense", "autoencoder"),
            weights_only=True),
    ]


def recipes() -> list[Recipe]:
    return (activation_recipes() + dense_recipes() + identity_recipes() + conv_recipes()
            + pooling_recipes() + shape_recipes())

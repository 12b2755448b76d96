"""Recipes for single recurrent layers: LSTM, GRU (reset_after both ways), SimpleRNN."""

from __future__ import annotations

from typing import Any

from tests.zoo.spec import (
    ONLY_TF_KERAS,
    STATEFUL_BATCH,
    Builder,
    Recipe,
    floats,
    seq,
)

SHAPE = (6, 3)
UNITS = 4

# kind -> (tag of the layer, is the cell gated (has recurrent_activation))
KINDS: dict[str, tuple[str, bool]] = {
    "lstm": ("lstm", True),
    "gru": ("gru", True),
    "gru_rb": ("gru", True),  # reset_after=False ("reset before", the Keras 2.2 GRU)
    "simplernn": ("simplernn", False),
}

# Which recipes of each kind also get a weights-only save.
WEIGHTS_ONLY = {"lstm_last", "gru_last", "gru_rb_seq", "simplernn_last"}


def rnn_layer(layers: Any, kind: str, units: int = UNITS, **kwargs: Any) -> Any:
    """The recurrent layer of ``kind`` built from ``layers`` (keras.layers)."""
    if kind == "lstm":
        return layers.LSTM(units, **kwargs)
    if kind == "gru":
        return layers.GRU(units, reset_after=True, **kwargs)
    if kind == "gru_rb":
        return layers.GRU(units, reset_after=False, **kwargs)
    return layers.SimpleRNN(units, **kwargs)


def rnn_cell(layers: Any, kind: str, units: int = UNITS) -> Any:
    if kind == "lstm":
        return layers.LSTMCell(units)
    if kind == "gru":
        return layers.GRUCell(units, reset_after=True)
    if kind == "gru_rb":
        return layers.GRUCell(units, reset_after=False)
    return layers.SimpleRNNCell(units)


def gru_tags(kind: str) -> tuple[str, ...]:
    if kind == "gru":
        return ("reset_after",)
    if kind == "gru_rb":
        return ("reset_before",)
    return ()


def plain(kind: str, **kwargs: Any) -> Builder:
    return seq(SHAPE, lambda L: [rnn_layer(L, kind, **kwargs)])


def with_state(kind: str) -> Builder:
    """Functional model whose outputs are the sequence and the final states."""

    def build(keras: Any) -> Any:
        inp = keras.Input(shape=SHAPE)
        outs = rnn_layer(keras.layers, kind, return_sequences=True, return_state=True)(inp)
        return keras.Model(inp, list(outs))

    return build


def stateful(kind: str) -> Builder:
    def build(keras: Any) -> Any:
        inp = keras.Input(batch_shape=(STATEFUL_BATCH, *SHAPE))
        out = rnn_layer(keras.layers, kind, stateful=True, return_sequences=True)(inp)
        return keras.Model(inp, keras.layers.Dense(2)(out))

    return build


def in_rnn_wrapper(kind: str) -> Builder:
    return seq(SHAPE, lambda L: [L.RNN(rnn_cell(L, kind), return_sequences=True)])


def variants(kind: str) -> list[tuple[str, Builder, tuple[str, ...]]]:
    """(suffix, builder, tags) of every variant of one recurrent kind."""
    out: list[tuple[str, Builder, tuple[str, ...]]] = [
        ("last", plain(kind), ("last_output",)),
        ("seq", plain(kind, return_sequences=True), ("return_sequences",)),
        ("backwards_last", plain(kind, go_backwards=True), ("go_backwards", "last_output")),
        ("backwards_seq", plain(kind, go_backwards=True, return_sequences=True),
         ("go_backwards", "return_sequences")),
        ("nobias", plain(kind, use_bias=False, return_sequences=True), ("use_bias_false",)),
        ("state", with_state(kind), ("return_state", "functional", "multi_output")),
        ("stateful", stateful(kind), ("stateful", "functional", "batch_shape")),
        ("cell", in_rnn_wrapper(kind), ("rnn_cell_wrapper", "return_sequences")),
    ]
    if KINDS[kind][1]:
        out += [
            ("relu", plain(kind, activation="relu", recurrent_activation="sigmoid",
                           return_sequences=True), ("activation_relu",)),
            ("hard_sigmoid", plain(kind, recurrent_activation="hard_sigmoid",
                                   return_sequences=True), ("hard_sigmoid",)),
            ("relu_hard_sigmoid", plain(kind, activation="relu",
                                        recurrent_activation="hard_sigmoid"),
             ("activation_relu", "hard_sigmoid", "last_output")),
        ]
    else:
        out.append(("relu", plain(kind, activation="relu", return_sequences=True),
                    ("activation_relu",)))
    return out


def kind_recipes(kind: str) -> list[Recipe]:
    layer_tag = KINDS[kind][0]
    recipes = []
    for suffix, build, tags in variants(kind):
        rid = f"{kind}_{suffix}"
        recipes.append(Recipe(
            id=rid, build=build, inputs=(floats(*SHAPE),),
            tags=(layer_tag, *gru_tags(kind), *tags),
            batch=STATEFUL_BATCH if suffix == "stateful" else 3,
            weights_only=rid in WEIGHTS_ONLY,
        ))
    return recipes


def lstm_extras() -> list[Recipe]:
    inp = (floats(*SHAPE),)
    L3 = "lstm"
    return [
        Recipe("lstm_no_unit_forget_bias", plain("lstm", unit_forget_bias=False), inp,
               (L3, "unit_forget_bias")),
        Recipe("lstm_stacked", seq(SHAPE, lambda L: [
            L.LSTM(5, return_sequences=True), L.LSTM(4, return_sequences=True),
            L.LSTM(3), L.Dense(1)]), inp, (L3, "stacked", "dense"), weights_only=True),
        Recipe("lstm_stacked_cells", seq(SHAPE, lambda L: [
            L.RNN([L.LSTMCell(4), L.LSTMCell(3)], return_sequences=True)]), inp,
               (L3, "rnn_cell_wrapper", "stacked_cells")),
        Recipe("lstm_unroll", plain("lstm", unroll=True, return_sequences=True), inp,
               (L3, "unroll")),
        Recipe("lstm_dropout_config", plain("lstm", dropout=0.3, recurrent_dropout=0.2,
                                            return_sequences=True), inp,
               (L3, "dropout", "inference_identity")),
        Recipe("lstm_regularized", regularized_lstm(), inp, (L3, "regularizers")),
        Recipe("lstm_softsign_linear", plain("lstm", activation="softsign",
                                             recurrent_activation="linear"), inp,
               (L3, "activation_softsign")),
        Recipe("gru_rb_relu_hard_sigmoid_seq", plain(
            "gru_rb", activation="relu", recurrent_activation="hard_sigmoid",
            return_sequences=True), inp, ("gru", "reset_before", "hard_sigmoid")),
        Recipe("lstm_long_200", seq((200, 3), lambda L: [L.LSTM(8), L.Dense(1)]),
               (floats(200, 3),), (L3, "long_sequence", "dense"), batch=2),
        Recipe("lstm_input_shape_kwarg", legacy_kwarg_lstm(), inp,
               (L3, "sequential", "input_shape_kwarg"), runtimes=ONLY_TF_KERAS,
               note="Keras 3 has no input_shape/batch_input_shape layer kwargs"),
        Recipe("lstm_stateful_batch_input_shape", legacy_stateful_lstm(), inp,
               (L3, "stateful", "batch_input_shape"), runtimes=ONLY_TF_KERAS,
               batch=STATEFUL_BATCH,
               note="Keras 3 has no batch_input_shape layer kwarg"),
    ]


def regularized_lstm() -> Builder:
    def build(keras: Any) -> Any:
        layer = keras.layers.LSTM(
            UNITS, return_sequences=True,
            kernel_regularizer=keras.regularizers.l2(0.01),
            recurrent_constraint=keras.constraints.MaxNorm(2.0),
            bias_initializer="ones")
        return keras.Sequential([keras.Input(shape=SHAPE), layer])

    return build


def legacy_kwarg_lstm() -> Builder:
    def build(keras: Any) -> Any:
        return keras.Sequential([keras.layers.LSTM(UNITS, input_shape=SHAPE),
                                 keras.layers.Dense(2)])

    return build


def legacy_stateful_lstm() -> Builder:
    def build(keras: Any) -> Any:
        layer = keras.layers.LSTM(UNITS, stateful=True, return_sequences=True,
                                  batch_input_shape=(STATEFUL_BATCH, *SHAPE))
        return keras.Sequential([layer])

    return build


def recipes() -> list[Recipe]:
    out: list[Recipe] = []
    for kind in KINDS:
        out += kind_recipes(kind)
    return out + lstm_extras()

"""Recipes for Bidirectional, Masking and Embedding (mask_zero) around recurrent layers."""

from __future__ import annotations

from typing import Any

from tests.zoo.recipes_rnn import rnn_layer
from tests.zoo.spec import STATEFUL_BATCH, Builder, InputSpec, Recipe, floats, seq, tokens

SHAPE = (6, 3)
MASK_STEPS = 8
# sample 0: zero steps in the middle and at the end; sample 1: leading zeros
# (pre-padding); sample 2: no padding.
PADDING = ((0, 3, 5), (0, 6, 8), (1, 0, 3))
FULLY_MASKED = (*PADDING, (2, 0, MASK_STEPS))
VOCAB = 12


def bidi(kind: str, merge_mode: str | None = "concat", **kwargs: Any) -> Builder:
    return seq(SHAPE, lambda L: [L.Bidirectional(rnn_layer(L, kind, **kwargs),
                                                 merge_mode=merge_mode)])


def bidi_functional(kind: str, merge_mode: str | None, **kwargs: Any) -> Builder:
    """Functional Bidirectional whose list output (merge None / return_state) is kept."""

    def build(keras: Any) -> Any:
        inp = keras.Input(shape=SHAPE)
        layer = keras.layers.Bidirectional(rnn_layer(keras.layers, kind, **kwargs),
                                           merge_mode=merge_mode)
        out = layer(inp)
        return keras.Model(inp, list(out) if isinstance(out, (list, tuple)) else out)

    return build


def bidi_explicit_backward() -> Builder:
    def make(L: Any) -> list[Any]:
        forward = L.LSTM(4, return_sequences=True)
        backward = L.LSTM(4, activation="relu", go_backwards=True, return_sequences=True)
        return [L.Bidirectional(forward, backward_layer=backward)]

    return seq(SHAPE, make)


def bidi_stateful() -> Builder:
    def build(keras: Any) -> Any:
        inp = keras.Input(batch_shape=(STATEFUL_BATCH, *SHAPE))
        layer = keras.layers.LSTM(4, stateful=True, return_sequences=True)
        return keras.Model(inp, keras.layers.Bidirectional(layer)(inp))

    return build


def bidirectional_recipes() -> list[Recipe]:
    inp = (floats(*SHAPE),)
    bl, bg = ("bidirectional", "lstm"), ("bidirectional", "gru")
    return [
        Recipe("bi_lstm_concat", bidi("lstm"), inp, (*bl, "merge_concat", "last_output"),
               weights_only=True),
        Recipe("bi_lstm_sum", bidi("lstm", "sum"), inp, (*bl, "merge_sum", "last_output")),
        Recipe("bi_lstm_ave_seq", bidi("lstm", "ave", return_sequences=True), inp,
               (*bl, "merge_ave", "return_sequences")),
        Recipe("bi_lstm_mul_seq", bidi("lstm", "mul", return_sequences=True), inp,
               (*bl, "merge_mul", "return_sequences")),
        Recipe("bi_lstm_none_seq", bidi_functional("lstm", None, return_sequences=True), inp,
               (*bl, "merge_none", "multi_output", "functional")),
        Recipe("bi_lstm_concat_seq", bidi("lstm", return_sequences=True), inp,
               (*bl, "merge_concat", "return_sequences")),
        Recipe("bi_lstm_state", bidi_functional("lstm", "concat", return_sequences=True,
                                                return_state=True), inp,
               (*bl, "return_state", "multi_output", "functional")),
        Recipe("bi_gru_state", bidi_functional("gru", "sum", return_state=True), inp,
               (*bg, "reset_after", "return_state", "merge_sum", "multi_output")),
        Recipe("bi_gru_seq", bidi("gru", return_sequences=True), inp,
               (*bg, "reset_after", "merge_concat", "return_sequences"), weights_only=True),
        Recipe("bi_gru_rb_last", bidi("gru_rb"), inp, (*bg, "reset_before", "merge_concat")),
        Recipe("bi_simplernn_seq", bidi("simplernn", "ave", return_sequences=True), inp,
               ("bidirectional", "simplernn", "merge_ave")),
        Recipe("bi_lstm_explicit_backward", bidi_explicit_backward(), inp,
               (*bl, "backward_layer", "activation_relu")),
        Recipe("bi_lstm_stacked", seq(SHAPE, lambda L: [
            L.Bidirectional(L.LSTM(4, return_sequences=True)),
            L.Bidirectional(L.LSTM(3)), L.Dense(2)]), inp, (*bl, "stacked", "dense")),
        Recipe("bi_lstm_stateful", bidi_stateful(), inp, (*bl, "stateful", "batch_shape"),
               batch=STATEFUL_BATCH),
    ]


def masked(make_layers: Any) -> Builder:
    return seq((MASK_STEPS, 3), lambda L: [L.Masking(mask_value=0.0), *make_layers(L)])


def masking_recipes() -> list[Recipe]:
    padded = (InputSpec(shape=(MASK_STEPS, 3), zero_steps=PADDING),)
    full = (InputSpec(shape=(MASK_STEPS, 3), zero_steps=FULLY_MASKED),)
    m = "masking"
    recipes = [
        ("mask_lstm_last", lambda L: [L.LSTM(4)], ("lstm", "last_output")),
        ("mask_lstm_seq", lambda L: [L.LSTM(4, return_sequences=True)],
         ("lstm", "return_sequences")),
        ("mask_gru_last", lambda L: [L.GRU(4)], ("gru", "reset_after", "last_output")),
        ("mask_gru_seq", lambda L: [L.GRU(4, return_sequences=True)],
         ("gru", "reset_after", "return_sequences")),
        ("mask_gru_rb_seq", lambda L: [L.GRU(4, reset_after=False, return_sequences=True)],
         ("gru", "reset_before", "return_sequences")),
        ("mask_simplernn_seq", lambda L: [L.SimpleRNN(4, return_sequences=True)],
         ("simplernn", "return_sequences")),
        ("mask_lstm_backwards_seq", lambda L: [L.LSTM(4, go_backwards=True,
                                                      return_sequences=True)],
         ("lstm", "go_backwards", "return_sequences")),
        ("mask_lstm_stacked", lambda L: [L.LSTM(4, return_sequences=True), L.LSTM(3)],
         ("lstm", "stacked")),
        ("mask_bi_lstm_seq", lambda L: [L.Bidirectional(L.LSTM(3, return_sequences=True))],
         ("bidirectional", "lstm", "return_sequences")),
        ("mask_bi_gru_last", lambda L: [L.Bidirectional(L.GRU(3), merge_mode="sum")],
         ("bidirectional", "gru", "reset_after", "merge_sum")),
        ("mask_td_dense_lstm", lambda L: [L.TimeDistributed(L.Dense(4)), L.LSTM(3)],
         ("timedistributed", "dense", "lstm", "mask_propagation")),
    ]
    out = [Recipe(rid, masked(make), padded, (m, *tags), batch=3)
           for rid, make, tags in recipes]
    out += [
        Recipe("mask_lstm_fully_masked_last", masked(lambda L: [L.LSTM(4)]), full,
               (m, "lstm", "fully_masked_sample"), batch=3),
        Recipe("mask_lstm_fully_masked_seq", masked(lambda L: [
            L.LSTM(4, return_sequences=True)]), full,
            (m, "lstm", "fully_masked_sample", "return_sequences"), batch=3),
    ]
    return out


def embedded(make_layers: Any, mask_zero: bool = True) -> Builder:
    return seq((MASK_STEPS,), lambda L: [L.Embedding(VOCAB, 4, mask_zero=mask_zero),
                                         *make_layers(L)], dtype="int32")


def embedding_recipes() -> list[Recipe]:
    padded = (tokens(MASK_STEPS, VOCAB, zero_steps=PADDING),)
    e = ("embedding", "mask_zero")
    return [
        Recipe("emb_mask_lstm", embedded(lambda L: [L.LSTM(5), L.Dense(1, "sigmoid")]),
               padded, (*e, "lstm", "dense"), batch=3, weights_only=True),
        Recipe("emb_mask_gru_seq", embedded(lambda L: [L.GRU(4, return_sequences=True)]),
               padded, (*e, "gru", "reset_after", "return_sequences"), batch=3),
        Recipe("emb_mask_bi_lstm", embedded(lambda L: [L.Bidirectional(L.LSTM(3))]),
               padded, (*e, "bidirectional", "lstm"), batch=3),
        Recipe("emb_mask_tagger", embedded(lambda L: [
            L.LSTM(4, return_sequences=True),
            L.TimeDistributed(L.Dense(3, activation="softmax"))]),
            padded, (*e, "lstm", "timedistributed", "dense"), batch=3),
        Recipe("emb_mask_global_avg", embedded(lambda L: [
            L.GlobalAveragePooling1D(), L.Dense(2)]),
            padded, (*e, "globalaveragepooling1d", "dense"), batch=3),
        Recipe("emb_nomask_lstm", embedded(lambda L: [L.LSTM(4)], mask_zero=False),
               (tokens(MASK_STEPS, VOCAB, low=0),), ("embedding", "lstm", "no_mask"),
               batch=3),
    ]


def recipes() -> list[Recipe]:
    return bidirectional_recipes() + masking_recipes() + embedding_recipes()

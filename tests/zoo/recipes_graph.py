"""Recipes for functional graphs: merge layers, Dot, attention, seq2seq, several
inputs and outputs, shared and nested layers, and ConvLSTM."""

from __future__ import annotations

from typing import Any

from tests.zoo.spec import Builder, InputSpec, Recipe, floats, tokens

SHAPE = (6, 3)
ATTENTION_NOTE = ("Keras 3.15 cannot load its own legacy .h5 of a dot-score Attention "
                  "(it deserializes score_mode 'dot' as the function keras.ops.dot)")
# Tag of recipes whose Keras 3 legacy .h5 Keras 3 itself cannot load back.
UNLOADABLE = "keras3_h5_not_reloadable_by_keras"
TWO_SEQS = (floats(*SHAPE), floats(*SHAPE))


def two_inputs(merge: Any, shapes: tuple[tuple[int, ...], ...] = (SHAPE, SHAPE),
               head: int | None = 2) -> Builder:
    """Functional model: two inputs -> merge(keras.layers) -> optional Dense head."""

    def build(keras: Any) -> Any:
        inputs = [keras.Input(shape=s) for s in shapes]
        out = merge(keras.layers)(inputs)
        if head is not None:
            out = keras.layers.Dense(head)(out)
        return keras.Model(inputs, out)

    return build


def merge_recipes() -> list[Recipe]:
    merges: list[tuple[str, Any]] = [
        ("concatenate", lambda L: L.Concatenate()),
        ("concatenate_axis1", lambda L: L.Concatenate(axis=1)),
        ("add", lambda L: L.Add()), ("subtract", lambda L: L.Subtract()),
        ("multiply", lambda L: L.Multiply()), ("average", lambda L: L.Average()),
        ("maximum", lambda L: L.Maximum()), ("minimum", lambda L: L.Minimum()),
    ]
    out = [Recipe(f"merge_{name}", two_inputs(make), TWO_SEQS,
                  ("merge", name.split("_")[0], "functional", "two_inputs", "dense"))
           for name, make in merges]
    dots: list[tuple[str, Any, tuple[tuple[int, ...], ...]]] = [
        ("dot_axes2", lambda L: L.Dot(axes=2), (SHAPE, SHAPE)),
        ("dot_axes2_normalize", lambda L: L.Dot(axes=2, normalize=True), (SHAPE, SHAPE)),
        ("dot_axes_1_1", lambda L: L.Dot(axes=(1, 1)), (SHAPE, (6, 4))),
        ("dot_vectors_normalize", lambda L: L.Dot(axes=1, normalize=True), ((5,), (5,))),
        ("dot_vectors", lambda L: L.Dot(axes=-1), ((5,), (5,))),
        ("dot_axes_negative_normalize", lambda L: L.Dot(axes=(-2, 1), normalize=True), (SHAPE, (6, 4))),
        ("dot_matrix_vector", lambda L: L.Dot(axes=(2, 1)), (SHAPE, (3,))),
    ]
    out += [Recipe(name, two_inputs(make, shapes, head=None),
                   tuple(floats(*s) for s in shapes),
                   ("merge", "dot", "functional", "two_inputs",
                    *(("normalize",) if "normalize" in name else ())))
            for name, make, shapes in dots]
    return out


def attention_recipes() -> list[Recipe]:
    q, v = (4, 3), (6, 3)
    qv = (floats(*q), floats(*v))
    variants: list[tuple[str, Any, tuple[str, ...]]] = [
        ("attention_dot", lambda L: L.Attention(), ("attention", "score_dot")),
        ("attention_dot_scale", lambda L: L.Attention(use_scale=True),
         ("attention", "score_dot", "use_scale")),
        ("attention_concat", lambda L: L.Attention(score_mode="concat"),
         ("attention", "score_concat")),
        ("attention_concat_scale", lambda L: L.Attention(use_scale=True, score_mode="concat"),
         ("attention", "score_concat", "use_scale")),
        ("additive_attention", lambda L: L.AdditiveAttention(use_scale=False),
         ("additiveattention",)),
        ("additive_attention_scale", lambda L: L.AdditiveAttention(use_scale=True),
         ("additiveattention", "use_scale")),
    ]
    out = [Recipe(rid, two_inputs(make, (q, v), head=None), qv,
                  (*tags, "functional", "two_inputs", *unloadable(tags)),
                  note=ATTENTION_NOTE if "score_dot" in tags else "")
           for rid, make, tags in variants]
    out += [
        Recipe("attention_query_value_key", attention_with_key(),
               (floats(*q), floats(*v), floats(6, 2)),
               ("attention", "score_dot", "key_input", "functional", UNLOADABLE),
               note=ATTENTION_NOTE),
        Recipe("lstm_self_attention", lstm_self_attention(), (floats(*SHAPE),),
               ("attention", "score_dot", "lstm", "globalaveragepooling1d", "dense",
                UNLOADABLE), note=ATTENTION_NOTE),
        Recipe("lstm_causal_self_attention", lstm_self_attention(causal=True), (floats(*SHAPE),),
               ("attention", "score_dot", "use_causal_mask", "lstm", "globalaveragepooling1d", "dense",
                UNLOADABLE), note=ATTENTION_NOTE),
        Recipe("attention_embedding_causal_scores", embedded_attention(),
               (tokens(7, 12, zero_steps=((0, 5, 7), (1, 4, 7))),),
               ("attention", "score_dot", "use_scale", "dropout", "use_causal_mask", "return_attention_scores",
                "embedding", "mask_zero", "multi_output", UNLOADABLE), note=ATTENTION_NOTE),
        Recipe("attention_concat_masked_key", masked_attention(additive=False), MASKED_QVK,
               ("attention", "score_concat", "use_scale", "dropout", "masking", "key_input",
                "return_attention_scores", "multi_output")),
        Recipe("additive_attention_masked_causal", masked_attention(additive=True), MASKED_QVK,
               ("additiveattention", "use_scale", "dropout", "masking", "key_input", "use_causal_mask",
                "return_attention_scores", "multi_output")),
    ]
    return out


# query [4, 3] and value [6, 3] padded at the end (Masking hides those steps), an unmasked key [6, 3]
MASKED_QVK = (InputSpec((4, 3), zero_steps=((0, 3, 4),)), InputSpec((6, 3), zero_steps=((0, 4, 6), (1, 5, 6))),
              floats(6, 3))


def embedded_attention() -> Builder:
    """Self-attention over Embedding(mask_zero) vectors: padding and causal masks, dropout (inert), the
    scores as a second output; the attention is the output (see mha_masked_causal)."""

    def build(keras: Any) -> Any:
        L = keras.layers
        ids = keras.Input(shape=(7,), dtype="int32")
        h = L.Embedding(12, 4, mask_zero=True)(ids)
        out, scores = L.Attention(use_scale=True, dropout=0.5)([h, h], use_causal_mask=True,
                                                                 return_attention_scores=True)
        return keras.Model(ids, [out, scores])

    return build


def masked_attention(additive: bool) -> Builder:
    """Masked query and value with a key of their own; AdditiveAttention also causal."""

    def build(keras: Any) -> Any:
        L = keras.layers
        query, value, key = keras.Input(shape=(4, 3)), keras.Input(shape=(6, 3)), keras.Input(shape=(6, 3))
        layer = (L.AdditiveAttention(dropout=0.3) if additive
                 else L.Attention(use_scale=True, score_mode="concat", dropout=0.3))
        out, scores = layer([L.Masking()(query), L.Masking()(value), key], return_attention_scores=True,
                            use_causal_mask=additive)
        return keras.Model([query, value, key], [out, scores])

    return build


def unloadable(tags: tuple[str, ...]) -> tuple[str, ...]:
    return (UNLOADABLE,) if "score_dot" in tags else ()


def attention_with_key() -> Builder:
    def build(keras: Any) -> Any:
        query, value = keras.Input(shape=(4, 3)), keras.Input(shape=(6, 3))
        key = keras.Input(shape=(6, 2))
        key_proj = keras.layers.Dense(3)(key)
        out = keras.layers.Attention(use_scale=True)([query, value, key_proj])
        return keras.Model([query, value, key], out)

    return build


def lstm_self_attention(causal: bool = False) -> Builder:
    def build(keras: Any) -> Any:
        L = keras.layers
        inp = keras.Input(shape=SHAPE)
        h = L.LSTM(4, return_sequences=True)(inp)
        att = L.Attention()([h, h], use_causal_mask=True) if causal else L.Attention()([h, h])
        return keras.Model(inp, L.Dense(2)(L.GlobalAveragePooling1D()(att)))

    return build


def seq2seq_lstm() -> Builder:
    def build(keras: Any) -> Any:
        L = keras.layers
        enc_in, dec_in = keras.Input(shape=(5, 3)), keras.Input(shape=(4, 2))
        _, h, c = L.LSTM(4, return_state=True, name="encoder")(enc_in)
        dec = L.LSTM(4, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
        return keras.Model([enc_in, dec_in], L.Dense(3, activation="softmax")(dec))

    return build


def seq2seq_gru() -> Builder:
    def build(keras: Any) -> Any:
        L = keras.layers
        enc_in, dec_in = keras.Input(shape=(5, 3)), keras.Input(shape=(4, 2))
        _, h = L.GRU(4, return_state=True, name="encoder")(enc_in)
        dec = L.GRU(4, return_sequences=True, name="decoder")(dec_in, initial_state=h)
        return keras.Model([enc_in, dec_in], L.TimeDistributed(L.Dense(2))(dec))

    return build


def two_in_two_out() -> Builder:
    def build(keras: Any) -> Any:
        L = keras.layers
        series, extra = keras.Input(shape=SHAPE, name="series"), keras.Input(shape=(2,),
                                                                             name="extra")
        h = L.LSTM(4)(series)
        joined = L.Concatenate()([h, extra])
        value = L.Dense(1, name="value")(joined)
        label = L.Dense(3, activation="softmax", name="label")(h)
        return keras.Model([series, extra], [value, label])

    return build


def shared_lstm() -> Builder:
    """Siamese model: one LSTM called on two inputs (its output cannot be taken)."""

    def build(keras: Any) -> Any:
        L = keras.layers
        a, b = keras.Input(shape=SHAPE), keras.Input(shape=SHAPE)
        encoder = L.LSTM(4, name="shared_lstm")
        diff = L.Subtract()([encoder(a), encoder(b)])
        return keras.Model([a, b], L.Dense(1, activation="sigmoid")(diff))

    return build


def nested_model() -> Builder:
    """A Sequential used as a layer of a functional model."""

    def build(keras: Any) -> Any:
        L = keras.layers
        inner = keras.Sequential([keras.Input(shape=SHAPE), L.LSTM(4, return_sequences=True),
                                  L.GRU(3)], name="inner_rnn")
        inp = keras.Input(shape=SHAPE)
        return keras.Model(inp, L.Dense(2)(inner(inp)))

    return build


def nested_functional_shared() -> Builder:
    """A Functional model used as a layer on two masked token inputs (one set of weights, two calls), with a
    Sequential nested inside it: what the ports write out as a flat graph."""

    def build(keras: Any) -> Any:
        L = keras.layers
        steps = keras.Input(shape=(6, 4))
        deep = keras.Sequential([keras.Input(shape=(6, 4)), L.Dense(4, activation="tanh")], name="deep")
        encoder = keras.Model(steps, L.LSTM(3)(deep(steps)), name="encoder")
        a, b = keras.Input(shape=(6,), dtype="int32"), keras.Input(shape=(6,), dtype="int32")
        embed = L.Embedding(10, 4, mask_zero=True)
        return keras.Model([a, b], L.Subtract()([encoder(embed(a)), encoder(embed(b))]))

    return build


def graph_recipes() -> list[Recipe]:
    s2s = (floats(5, 3), floats(4, 2))
    return [
        Recipe("seq2seq_lstm", seq2seq_lstm(), s2s,
               ("seq2seq", "lstm", "initial_state", "return_state", "two_inputs"),
               weights_only=True),
        Recipe("seq2seq_gru", seq2seq_gru(), s2s,
               ("seq2seq", "gru", "reset_after", "initial_state", "timedistributed")),
        Recipe("two_in_two_out", two_in_two_out(), (floats(*SHAPE), floats(2)),
               ("functional", "two_inputs", "multi_output", "lstm", "concatenate")),
        Recipe("shared_lstm", shared_lstm(), TWO_SEQS,
               ("functional", "shared_layer", "lstm", "subtract")),
        Recipe("nested_sequential", nested_model(), (floats(*SHAPE),),
               ("functional", "nested_model", "lstm", "gru")),
        Recipe("nested_functional_shared", nested_functional_shared(),
               (tokens(6, 10, ((0, 0, 2),)), tokens(6, 10, ((1, 3, 6),))),
               ("functional", "nested_model", "shared_layer", "embedding", "mask_zero", "lstm", "subtract", UNLOADABLE),
               note="Keras 3.15 cannot load its own legacy .h5 of it (it saved the mask's NotEqual op as a layer)"),
    ]


def conv_lstm_recipes() -> list[Recipe]:
    one_d, two_d = (floats(3, 5, 2),), (floats(3, 5, 5, 1),)

    def c1(**kw: Any) -> Builder:
        return lambda keras: keras.Sequential([keras.Input(shape=(3, 5, 2)),
                                               keras.layers.ConvLSTM1D(2, 3, **kw)])

    def c2(**kw: Any) -> Builder:
        return lambda keras: keras.Sequential([keras.Input(shape=(3, 5, 5, 1)),
                                               keras.layers.ConvLSTM2D(2, (3, 3), **kw)])

    return [
        Recipe("convlstm1d_same", c1(padding="same"), one_d, ("convlstm1d", "padding_same")),
        Recipe("convlstm1d_valid_seq", c1(padding="valid", return_sequences=True), one_d,
               ("convlstm1d", "padding_valid", "return_sequences")),
        Recipe("convlstm2d_same_seq", c2(padding="same", return_sequences=True), two_d,
               ("convlstm2d", "padding_same", "return_sequences")),
        Recipe("convlstm2d_valid", c2(padding="valid"), two_d,
               ("convlstm2d", "padding_valid")),
    ]


def recipes() -> list[Recipe]:
    return merge_recipes() + attention_recipes() + graph_recipes() + conv_lstm_recipes()

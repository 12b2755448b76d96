"""Recipes for the layers that transform sequences around recurrent ones: the normalizations
(Group, Unit, RMS), the preprocessing layers with stored statistics (Normalization,
Rescaling), EinsumDense, MultiHeadAttention, and the layers that are inert at inference."""

from __future__ import annotations

from typing import Any

from tests.zoo.spec import ONLY_KERAS3, ONLY_TF_KERAS, Builder, Recipe, floats, seq, tokens

SHAPE = (6, 4)


def normalization_recipes() -> list[Recipe]:
    inp = (floats(*SHAPE, scale=2.0),)
    return [
        Recipe("groupnorm_lstm", seq(SHAPE, lambda L: [
            L.LSTM(6, return_sequences=True), L.GroupNormalization(groups=3),
            L.GroupNormalization(groups=2, axis=1, center=False), L.GRU(2)]), inp,
            ("groupnormalization", "lstm", "gru")),
        Recipe("unitnorm_lstm", seq(SHAPE, lambda L: [
            L.UnitNormalization(), L.LSTM(3, return_sequences=True),
            L.UnitNormalization(axis=[1, 2])]), inp, ("unitnormalization", "lstm")),
        Recipe("rmsnorm_lstm", seq(SHAPE, lambda L: [
            L.LSTM(5, return_sequences=True), L.RMSNormalization()]), inp,
            ("rmsnormalization", "lstm"), runtimes=ONLY_KERAS3,
            note="RMSNormalization is new in Keras 3"),
        Recipe("layernorm_axes", seq(SHAPE, lambda L: [
            L.LayerNormalization(axis=[1, 2], epsilon=0.01), L.SimpleRNN(3)]), inp,
            ("layernormalization", "simplernn")),
    ]


def preprocessing_recipes() -> list[Recipe]:
    inp = (floats(*SHAPE, scale=3.0),)
    return [
        Recipe("normalization_stored", seq(SHAPE, lambda L: [L.Normalization(), L.LSTM(3)]),
               inp, ("normalization", "lstm")),
        Recipe("normalization_given", seq(SHAPE, lambda L: [
            L.Normalization(mean=[0.5, -1.0, 2.0, 0.0], variance=[4.0, 0.25, 1.0, 9.0]),
            L.GRU(3, return_sequences=True), L.Normalization(invert=True, mean=1.5, variance=2.0)]),
            inp, ("normalization", "invert", "gru")),
        Recipe("normalization_time_axis", seq(SHAPE, lambda L: [
            L.Normalization(axis=(1, 2)), L.LSTM(2)]), inp, ("normalization", "lstm")),
        Recipe("discretization_embedding", seq((7,), lambda L: [
            L.Discretization(bin_boundaries=[-1.0, -0.25, 0.1, 0.5, 1.5]), L.Embedding(6, 3),
            L.LSTM(2)]), (floats(7, scale=1.5),), ("discretization", "embedding", "lstm")),
        Recipe("category_one_hot_lstm", seq((6,), lambda L: [
            L.CategoryEncoding(num_tokens=8, output_mode="one_hot"), L.LSTM(3)], dtype="int32"),
            (tokens(6, 8, low=0),), ("categoryencoding", "one_hot", "lstm"), runtimes=ONLY_KERAS3,
            note="tf_keras one-hot encodes only one id per sample"),
        Recipe("category_counts", seq((6,), lambda L: [
            L.CategoryEncoding(num_tokens=8, output_mode="count"), L.Dense(4), L.RepeatVector(3), L.GRU(2)],
            dtype="int32"), (tokens(6, 8, low=0),), ("categoryencoding", "count", "gru")),
        Recipe("category_multi_hot", seq((6,), lambda L: [
            L.CategoryEncoding(num_tokens=8, output_mode="multi_hot"), L.RepeatVector(3), L.LSTM(2)],
            dtype="int32"), (tokens(6, 8, low=0),), ("categoryencoding", "multi_hot", "lstm")),
        Recipe("category_one_hot_single", seq((1,), lambda L: [
            L.CategoryEncoding(num_tokens=5, output_mode="one_hot"), L.RepeatVector(2),
            L.TimeDistributed(L.Dense(2))], dtype="int32"), (tokens(1, 5, low=0),),
            ("categoryencoding", "one_hot", "timedistributed")),
        Recipe("integer_lookup_embedding", seq((7,), lambda L: [
            L.IntegerLookup(vocabulary=[12, 7, 30, 4, 9]), L.Embedding(6, 3), L.LSTM(2)], dtype="int64"),
            (tokens(7, 32, low=0),), ("integerlookup", "embedding", "lstm")),
        Recipe("rescaling_lstm", seq(SHAPE, lambda L: [
            L.Rescaling(1 / 255.0, offset=-0.5), L.Rescaling([1.0, 2.0, -1.0, 0.5]),
            L.LSTM(3)]), inp, ("rescaling", "lstm")),
    ]


def spectral_recipes() -> list[Recipe]:
    note = "tf_keras 2.21 SpectralNormalization fails to build in a Sequential model"
    return [
        Recipe("spectral_normalization", seq(SHAPE, lambda L: [
            L.SpectralNormalization(L.Dense(5)), L.SpectralNormalization(L.Conv1D(3, 2)), L.LSTM(3)]),
            (floats(*SHAPE),), ("spectralnormalization", "dense", "conv1d", "lstm"), runtimes=ONLY_KERAS3,
            note=note),
    ]


def stft_recipes() -> list[Recipe]:
    """window=None: named windows need SciPy, and the zoo's random weights replace the kernels anyway."""
    audio, note = (floats(64, 2),), "STFTSpectrogram is new in Keras 3"

    def stft(**kw: Any) -> Builder:
        return seq((64, 2), lambda L: [L.STFTSpectrogram(frame_length=16, frame_step=8, window=None, **kw),
                                       L.LSTM(3)])

    return [
        Recipe("stft_log_lstm", stft(), audio, ("stftspectrogram", "log", "lstm"), runtimes=ONLY_KERAS3, note=note),
        Recipe("stft_psd_same", stft(mode="psd", padding="same", fft_length=32), audio,
               ("stftspectrogram", "psd", "padding_same"), runtimes=ONLY_KERAS3, note=note),
        Recipe("stft_angle_expand", seq((64, 2), lambda L: [
            L.STFTSpectrogram(mode="angle", frame_length=12, frame_step=5, expand_dims=True, window=None),
            L.Reshape((-1, 18)), L.GRU(2)]), audio,
            ("stftspectrogram", "angle", "expand_dims", "gru"), runtimes=ONLY_KERAS3, note=note),
        Recipe("stft_modes", stft_modes(), audio, ("stftspectrogram", "real", "imag", "stft", "magnitude"),
               runtimes=ONLY_KERAS3, note=note),
    ]


def stft_modes() -> Builder:
    def build(keras: Any) -> Any:
        L = keras.layers
        x = keras.Input(shape=(64, 2))
        parts = [L.STFTSpectrogram(mode=mode, frame_length=16, frame_step=8, window=None)(x)
                 for mode in ("real", "imag", "stft", "magnitude")]
        return keras.Model(x, L.Concatenate()(parts))

    return build


def einsum_recipes() -> list[Recipe]:
    inp = (floats(*SHAPE),)
    return [
        Recipe("einsum_dense_time", seq(SHAPE, lambda L: [
            L.EinsumDense("abc,cd->abd", output_shape=(None, 5), bias_axes="d", activation="relu"),
            L.LSTM(3)]), inp, ("einsumdense", "lstm")),
        Recipe("einsum_dense_heads", seq(SHAPE, lambda L: [
            L.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de"),
            L.Reshape((6, 6)), L.EinsumDense("abc,cd->abd", output_shape=(None, 4)), L.GRU(2)]),
            inp, ("einsumdense", "gru")),
    ]


def mha_self() -> Builder:
    def build(keras: Any) -> Any:
        L = keras.layers
        x = keras.Input(shape=SHAPE)
        h = L.LSTM(5, return_sequences=True)(x)
        attended = L.MultiHeadAttention(num_heads=2, key_dim=3)(h, h)
        return keras.Model(x, L.GRU(3)(L.Add()([h, attended])))

    return build


def mha_cross() -> Builder:
    """query, value and a separate key; value_dim and output_shape differ from key_dim."""

    def build(keras: Any) -> Any:
        L = keras.layers
        query, memory = keras.Input(shape=(5, 4)), keras.Input(shape=(7, 3))
        key = L.Dense(6)(memory)
        out = L.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4, output_shape=5)(
            query, memory, key=key)
        return keras.Model([query, memory], out)

    return build


def mha_masked_causal() -> Builder:
    """Padding masks of query and value and the causal mask; the attention is the output
    (a Keras 3 layer after it would take the mask as a recorded NotEqual operation)."""

    def build(keras: Any) -> Any:
        L = keras.layers
        ids = keras.Input(shape=(7,), dtype="int32")
        h = L.Embedding(12, 4, mask_zero=True)(ids)
        h = L.LSTM(4, return_sequences=True)(h)
        attended = L.MultiHeadAttention(num_heads=2, key_dim=2, use_bias=False)(
            h, h, use_causal_mask=True)
        return keras.Model(ids, attended)

    return build


def mha_scores(masked: bool) -> Builder:
    """return_attention_scores: the scores are a second output; with padding and causal masks."""

    def build(keras: Any) -> Any:
        L = keras.layers
        if masked:
            ids = keras.Input(shape=(6,), dtype="int32")
            query = value = L.Embedding(9, 4, mask_zero=True)(ids)
            out, scores = L.MultiHeadAttention(2, 3)(query, value, return_attention_scores=True,
                                                     use_causal_mask=True)
            return keras.Model(ids, [out, scores])
        query, value = keras.Input(shape=(6, 4)), keras.Input(shape=(5, 4))
        out, scores = L.MultiHeadAttention(2, 3)(query, value, return_attention_scores=True)
        return keras.Model([query, value], [out, scores])

    return build


def grouped_query() -> Builder:
    """GroupedQueryAttention: 4 query heads sharing 2 key/value heads, self-attention after an LSTM, and a
    masked causal call that also returns the scores."""

    def build(keras: Any) -> Any:
        L = keras.layers
        ids = keras.Input(shape=(7,), dtype="int32")
        h = L.LSTM(6, return_sequences=True)(L.Embedding(12, 4, mask_zero=True)(ids))
        out = L.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)(h, h)
        masked, scores = L.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)(
            out, h, return_attention_scores=True, use_causal_mask=True)
        return keras.Model(ids, [masked, scores])

    return build


def attention_recipes() -> list[Recipe]:
    return [
        Recipe("mha_self_lstm", mha_self(), (floats(*SHAPE),),
               ("multiheadattention", "lstm", "gru", "functional")),
        Recipe("mha_cross_key", mha_cross(), (floats(5, 4), floats(7, 3)),
               ("multiheadattention", "two_inputs", "functional")),
        Recipe("mha_masked_causal", mha_masked_causal(),
               (tokens(7, 12, zero_steps=((0, 5, 7), (1, 4, 7))),),
               ("multiheadattention", "use_causal_mask", "masking", "embedding", "lstm")),
        Recipe("grouped_query_attention", grouped_query(), (tokens(7, 12, zero_steps=((0, 5, 7),)),),
               ("groupedqueryattention", "return_attention_scores", "use_causal_mask", "masking", "lstm"),
               runtimes=ONLY_KERAS3, note="GroupedQueryAttention is new in Keras 3"),
        Recipe("mha_scores", mha_scores(False), (floats(6, 4), floats(5, 4)),
               ("multiheadattention", "return_attention_scores", "multi_output")),
        Recipe("mha_masked_scores", mha_scores(True), (tokens(6, 9, zero_steps=((0, 3, 6), (1, 5, 6))),),
               ("multiheadattention", "return_attention_scores", "use_causal_mask", "masking")),
    ]


def inert_recipes() -> list[Recipe]:
    return [
        Recipe("inert_spatial_layers", seq((4, 5, 5, 2), lambda L: [
            L.TimeDistributed(L.SpatialDropout2D(0.5)), L.Reshape((4, 5, 5, 2, 1)),
            L.TimeDistributed(L.SpatialDropout3D(0.3)), L.Reshape((4, 50)),
            L.ActivityRegularization(l1=0.1), L.GaussianNoise(1.0), L.Identity(), L.LSTM(3)]),
            (floats(4, 5, 5, 2),),
            ("spatialdropout2d", "spatialdropout3d", "activityregularization",
             "inference_identity", "identity", "timedistributed", "lstm")),
        Recipe("random_fourier_features", seq((5,), lambda L: [
            L.experimental.RandomFourierFeatures(8), L.RepeatVector(3), L.LSTM(2)]), (floats(5),),
            ("randomfourierfeatures", "lstm"), runtimes=ONLY_TF_KERAS, note="a tf.keras experimental layer"),
        Recipe("tf_keras_only_layers", tf_keras_only_layers(), (floats(*SHAPE, scale=2.0),),
               ("syncbatchnormalization", "thresholdedrelu", "lstm"), runtimes=ONLY_TF_KERAS,
               note="SyncBatchNormalization and ThresholdedReLU are tf.keras only"),
    ]


def tf_keras_only_layers() -> Builder:
    def build(keras: Any) -> Any:
        L = keras.layers
        return keras.Sequential([keras.Input(shape=SHAPE), L.LSTM(5, return_sequences=True),
                                 L.experimental.SyncBatchNormalization(), L.ThresholdedReLU(0.3), L.GRU(2)])

    return build


def recipes() -> list[Recipe]:
    return (normalization_recipes() + preprocessing_recipes() + spectral_recipes() + stft_recipes() + einsum_recipes()
            + attention_recipes()
            + inert_recipes())

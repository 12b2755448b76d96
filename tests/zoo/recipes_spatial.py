"""Recipes for convolution, pooling and spatial shape layers of every rank, alone and inside
TimeDistributed around recurrent layers (CNN-LSTM on frames), and ConvLSTM in both data
formats. TensorFlow on a CPU has no channels_first (NCHW) kernel for 1-d and 2-d convolutions,
so Keras cannot compute those here; channels_first is taken by Keras 3's 2-d poolings and its
3-d convolutions (ConvLSTM3D), which share the engine's data-format code with the others."""

from __future__ import annotations

from typing import Any

from tests.zoo.spec import ONLY_KERAS3, ONLY_TF_KERAS, Builder, Recipe, floats, seq

IMAGE = (7, 6, 3)
VOLUME = (5, 6, 4, 2)
FRAMES = (4, 8, 8, 2)
CF_NOTE = "tf_keras hands channels_first data to TensorFlow kernels a CPU does not have"


def one(shape: tuple[int, ...], make: Any) -> Builder:
    """A model of one layer made by make(keras.layers)."""
    return seq(shape, lambda L: [make(L)])


def conv2d_recipes() -> list[Recipe]:
    img = (floats(*IMAGE),)
    return [
        Recipe("conv2d_valid", one(IMAGE, lambda L: L.Conv2D(4, (3, 2))), img, ("conv2d",)),
        Recipe("conv2d_same_strides", one(IMAGE, lambda L: L.Conv2D(
            4, 3, strides=(2, 1), padding="same", activation="relu")), img,
            ("conv2d", "padding_same", "strides")),
        Recipe("conv2d_dilation_nobias", one(IMAGE, lambda L: L.Conv2D(
            2, 2, dilation_rate=2, use_bias=False)), img, ("conv2d", "dilation", "use_bias_false")),
        Recipe("conv2d_groups", one((6, 6, 4), lambda L: L.Conv2D(6, 3, groups=2)),
               (floats(6, 6, 4),), ("conv2d", "groups")),
        Recipe("conv3d", one(VOLUME, lambda L: L.Conv3D(3, (2, 3, 2), padding="same",
                                                        strides=(1, 2, 1))),
               (floats(*VOLUME),), ("conv3d", "padding_same", "strides")),
        Recipe("conv3d_channels_first", one((2, 5, 6, 4), lambda L: L.Conv3D(
            3, 2, padding="same", data_format="channels_first")), (floats(2, 5, 6, 4),),
            ("conv3d", "channels_first"), runtimes=ONLY_KERAS3, note=CF_NOTE),
    ]


def transpose_recipes() -> list[Recipe]:
    img = (floats(*IMAGE),)
    return [
        Recipe("conv1d_transpose", one((6, 3), lambda L: L.Conv1DTranspose(
            4, 3, strides=2)), (floats(6, 3),), ("conv1dtranspose", "strides")),
        Recipe("conv1d_transpose_same_pad", one((6, 3), lambda L: L.Conv1DTranspose(
            2, 4, strides=2, padding="same", output_padding=1)), (floats(6, 3),),
            ("conv1dtranspose", "padding_same", "output_padding")),
        Recipe("conv2d_transpose", one(IMAGE, lambda L: L.Conv2DTranspose(
            3, (3, 2), strides=(2, 3), activation="tanh")), img, ("conv2dtranspose", "strides")),
        Recipe("conv2d_transpose_same", one(IMAGE, lambda L: L.Conv2DTranspose(
            3, 3, strides=2, padding="same")), img, ("conv2dtranspose", "padding_same")),
        Recipe("conv2d_transpose_dilation", one((5, 6, 3), lambda L: L.Conv2DTranspose(
            2, 3, dilation_rate=2)), (floats(5, 6, 3),), ("conv2dtranspose", "dilation"),
            runtimes=ONLY_TF_KERAS, note="Keras 3 hands this to a TensorFlow CPU kernel without dilation"),
        Recipe("conv3d_transpose", one(VOLUME, lambda L: L.Conv3DTranspose(
            2, 2, strides=(1, 2, 2), padding="same")), (floats(*VOLUME),),
            ("conv3dtranspose", "padding_same", "strides")),
    ]


def separable_recipes() -> list[Recipe]:
    img, steps = (floats(*IMAGE),), (floats(10, 3),)
    return [
        Recipe("separable_conv1d", one((10, 3), lambda L: L.SeparableConv1D(
            4, 3, depth_multiplier=2, padding="same")), steps, ("separableconv1d",)),
        Recipe("separable_conv1d_causal", one((10, 3), lambda L: L.SeparableConv1D(
            4, 3, padding="causal", dilation_rate=2)), steps, ("separableconv1d", "padding_causal", "dilation"),
            runtimes=ONLY_TF_KERAS, note="Keras 3 SeparableConv1D takes no causal padding"),
        Recipe("separable_conv2d", one(IMAGE, lambda L: L.SeparableConv2D(
            5, (3, 3), strides=2, activation="relu")), img, ("separableconv2d", "strides")),
        Recipe("depthwise_conv1d", one((10, 3), lambda L: L.DepthwiseConv1D(
            3, depth_multiplier=2, dilation_rate=2)), steps, ("depthwiseconv1d", "dilation")),
        Recipe("depthwise_conv2d", one(IMAGE, lambda L: L.DepthwiseConv2D(
            (2, 3), padding="same")), img, ("depthwiseconv2d", "padding_same")),
    ]


def locally_connected_recipes() -> list[Recipe]:
    note = "LocallyConnected layers are Keras 2 / tf.keras only"
    return [
        Recipe("locally_connected1d_lstm", seq((10, 3), lambda L: [
            L.LocallyConnected1D(4, 3, strides=2, activation="relu"), L.LSTM(3)]), (floats(10, 3),),
            ("locallyconnected1d", "lstm"), runtimes=ONLY_TF_KERAS, note=note),
        Recipe("locally_connected1d_dense_kernel", seq((10, 3), lambda L: [
            L.LocallyConnected1D(2, 4, strides=3, implementation=2, activation="tanh")]), (floats(10, 3),),
            ("locallyconnected1d", "implementation_2"), runtimes=ONLY_TF_KERAS, note=note),
        Recipe("locally_connected2d", seq(IMAGE, lambda L: [
            L.LocallyConnected2D(3, (3, 2), strides=(2, 1)),
            L.LocallyConnected2D(2, 2, implementation=2, use_bias=False)]), (floats(*IMAGE),),
            ("locallyconnected2d", "implementation_2"), runtimes=ONLY_TF_KERAS, note=note),
    ]


def pooling_recipes() -> list[Recipe]:
    img, vol = (floats(*IMAGE),), (floats(*VOLUME),)
    return [
        Recipe("pool2d_max", one(IMAGE, lambda L: L.MaxPooling2D((2, 3))), img, ("maxpooling2d",)),
        Recipe("pool2d_avg_same", one(IMAGE, lambda L: L.AveragePooling2D(
            3, strides=2, padding="same")), img, ("averagepooling2d", "padding_same")),
        Recipe("pool3d_max_avg", seq(VOLUME, lambda L: [
            L.MaxPooling3D((2, 2, 1), padding="same"), L.AveragePooling3D((1, 2, 2))]), vol,
            ("maxpooling3d", "averagepooling3d")),
        Recipe("pool_global_2d_3d", global_pools(), (floats(*IMAGE), floats(*VOLUME)),
               ("globalaveragepooling2d", "globalmaxpooling2d", "globalaveragepooling3d",
                "globalmaxpooling3d", "functional")),
        Recipe("pool_adaptive", seq(VOLUME, lambda L: [
            L.AdaptiveAveragePooling3D((4, 5, 3)), L.AdaptiveMaxPooling3D((3, 4, 3)), L.Reshape((3, 4, 6)),
            L.AdaptiveAveragePooling2D((2, 3)),
            L.Reshape((6, 6)), L.AdaptiveAveragePooling1D(4), L.AdaptiveMaxPooling1D(3)]), vol,
            ("adaptiveaveragepooling3d", "adaptivemaxpooling3d", "adaptiveaveragepooling2d", "adaptiveaveragepooling1d",
             "adaptivemaxpooling1d"), runtimes=ONLY_KERAS3, note="adaptive pooling is new in Keras 3.10"),
        Recipe("pool_adaptive_image", seq(IMAGE, lambda L: [
            L.AdaptiveMaxPooling2D((4, 4)), L.AdaptiveAveragePooling2D((3, 2))]), img,
            ("adaptivemaxpooling2d", "adaptiveaveragepooling2d"), runtimes=ONLY_KERAS3,
            note="adaptive pooling is new in Keras 3.10"),
        Recipe("pool2d_channels_first", seq((3, 7, 6), lambda L: [
            L.MaxPooling2D(2, data_format="channels_first"),
            L.AveragePooling2D(2, padding="same", data_format="channels_first"),
            L.GlobalAveragePooling2D(data_format="channels_first", keepdims=True)]),
            (floats(3, 7, 6),), ("maxpooling2d", "averagepooling2d", "channels_first"),
            runtimes=ONLY_KERAS3, note=CF_NOTE),
    ]


def global_pools() -> Builder:
    def build(keras: Any) -> Any:
        L = keras.layers
        image, volume = keras.Input(shape=IMAGE), keras.Input(shape=VOLUME)
        pooled = [L.GlobalAveragePooling2D()(image), L.GlobalMaxPooling2D()(image),
                  L.GlobalAveragePooling3D()(volume), L.GlobalMaxPooling3D()(volume)]
        return keras.Model([image, volume], L.Concatenate()(pooled))

    return build


def shape_recipes() -> list[Recipe]:
    img, steps = (floats(*IMAGE),), (floats(6, 3),)
    return [
        Recipe("pad_crop_up_1d", seq((6, 3), lambda L: [
            L.ZeroPadding1D((1, 2)), L.Cropping1D((2, 0)), L.UpSampling1D(3), L.LSTM(3)]), steps,
            ("zeropadding1d", "cropping1d", "upsampling1d", "lstm")),
        Recipe("pad_crop_up_2d", seq(IMAGE, lambda L: [
            L.ZeroPadding2D(((1, 0), (2, 1))), L.Cropping2D(((0, 2), (1, 1))),
            L.UpSampling2D((2, 1))]), img, ("zeropadding2d", "cropping2d", "upsampling2d")),
        Recipe("upsampling2d_bilinear", one(IMAGE, lambda L: L.UpSampling2D(
            (2, 3), interpolation="bilinear")), img, ("upsampling2d", "bilinear")),
        Recipe("pad_crop_up_3d", seq(VOLUME, lambda L: [
            L.ZeroPadding3D((1, 0, 2)), L.Cropping3D(((1, 0), (0, 1), (1, 1))),
            L.UpSampling3D((1, 2, 1))]), (floats(*VOLUME),),
            ("zeropadding3d", "cropping3d", "upsampling3d")),
    ]


def keras3_augmentation() -> Builder:
    """Keras 3 augmentation layers that pass images through at inference, then a Conv2D. (Those that
    Keras 3.15 cannot save as .h5 are in tests/reference/test_keras3_augmentation.py.)"""

    def build(keras: Any) -> Any:
        L = keras.layers
        pixels = {"value_range": (0, 255)}
        return keras.Sequential([
            keras.Input(shape=IMAGE), L.AugMix(), L.CutMix(), L.MixUp(), L.RandAugment(),
            L.RandomColorJitter(), L.RandomElasticTransform(),
            L.RandomErasing(), L.RandomGaussianBlur(), L.RandomGrayscale(), L.RandomHue(0.5, **pixels),
            L.RandomInvert(0.5, **pixels), L.RandomPerspective(), L.RandomShear(0.3),
            L.MaxNumBoundingBoxes(3), L.Conv2D(2, 3)])

    return build


def image_preprocessing_recipes() -> list[Recipe]:
    """Resizing and CenterCrop, and the random augmentations, which are inert at inference."""
    img, frames = (floats(*IMAGE),), (floats(*FRAMES),)
    return [
        Recipe("resizing_nearest", one(IMAGE, lambda L: L.Resizing(5, 9, interpolation="nearest")),
               img, ("resizing", "nearest")),
        Recipe("resizing_bilinear_crop", seq(IMAGE, lambda L: [L.Resizing(4, 11), L.CenterCrop(3, 8)]),
               img, ("resizing", "bilinear", "centercrop")),
        Recipe("td_augmentation_lstm", seq(FRAMES, lambda L: [
            L.TimeDistributed(L.Resizing(10, 6)), L.TimeDistributed(L.CenterCrop(7, 5)),
            L.TimeDistributed(L.RandomFlip()), L.TimeDistributed(L.RandomRotation(0.2)),
            L.TimeDistributed(L.RandomZoom(0.1)), L.TimeDistributed(L.RandomTranslation(0.1, 0.1)),
            L.TimeDistributed(L.RandomContrast(0.5)), L.TimeDistributed(L.RandomBrightness(0.2)),
            L.TimeDistributed(L.Flatten()), L.LSTM(3)]), frames,
            ("timedistributed", "resizing", "centercrop", "randomflip", "randomrotation", "randomzoom",
             "randomtranslation", "randomcontrast", "randombrightness", "lstm", "cnn_lstm")),
        Recipe("keras3_augmentation", keras3_augmentation(), img,
               ("augmentation", "inference_identity", "conv2d"), runtimes=ONLY_KERAS3,
               note="these augmentation layers are Keras 3 only"),
        Recipe("random_height_width", seq(IMAGE, lambda L: [L.RandomHeight(0.3), L.RandomWidth(0.3),
                                                           L.Conv2D(2, 3)]), img,
               ("randomheight", "randomwidth", "conv2d"), runtimes=ONLY_TF_KERAS,
               note="RandomHeight and RandomWidth are tf.keras only"),
    ]


def cnn_lstm_recipes() -> list[Recipe]:
    frames = (floats(*FRAMES),)
    return [
        Recipe("td_conv2d_lstm", seq(FRAMES, lambda L: [
            L.TimeDistributed(L.Conv2D(4, 3, activation="relu")),
            L.TimeDistributed(L.MaxPooling2D(2)), L.TimeDistributed(L.Flatten()),
            L.LSTM(5), L.Dense(2)]), frames,
            ("timedistributed", "conv2d", "maxpooling2d", "flatten", "lstm", "cnn_lstm")),
        Recipe("td_conv2d_stack_gru", seq(FRAMES, lambda L: [
            L.TimeDistributed(L.ZeroPadding2D(1)),
            L.TimeDistributed(L.SeparableConv2D(3, 3, strides=2)),
            L.TimeDistributed(L.BatchNormalization()),
            L.TimeDistributed(L.DepthwiseConv2D(2)),
            L.TimeDistributed(L.GlobalAveragePooling2D()), L.GRU(3)]), frames,
            ("timedistributed", "separableconv2d", "depthwiseconv2d", "zeropadding2d",
             "globalaveragepooling2d", "gru", "cnn_lstm")),
        Recipe("convlstm2d_conv2d_head", seq(FRAMES, lambda L: [
            L.ConvLSTM2D(3, 3, padding="same", return_sequences=True),
            L.ConvLSTM2D(2, 3, padding="same"), L.Conv2D(1, 3, padding="same",
                                                         activation="sigmoid")]), frames,
            ("convlstm2d", "conv2d", "return_sequences")),
        Recipe("td_conv1d_transpose_upsample", seq((4, 6, 2), lambda L: [
            L.TimeDistributed(L.Conv1DTranspose(3, 2, strides=2)),
            L.TimeDistributed(L.UpSampling1D(2)), L.TimeDistributed(L.GlobalMaxPooling1D()),
            L.SimpleRNN(3)]), (floats(4, 6, 2),),
            ("timedistributed", "conv1dtranspose", "upsampling1d", "simplernn")),
    ]


def conv_lstm_recipes() -> list[Recipe]:
    return [
        Recipe("convlstm3d", one((3, 4, 4, 3, 1), lambda L: L.ConvLSTM3D(
            2, 2, padding="same", return_sequences=True)), (floats(3, 4, 4, 3, 1),),
            ("convlstm3d", "return_sequences")),
        Recipe("convlstm3d_channels_first", one((2, 1, 4, 4, 3), lambda L: L.ConvLSTM3D(
            2, 2, data_format="channels_first")), (floats(2, 1, 4, 4, 3),),
            ("convlstm3d", "channels_first"), runtimes=ONLY_KERAS3, note=CF_NOTE),
    ]


def recipes() -> list[Recipe]:
    return (conv2d_recipes() + transpose_recipes() + separable_recipes() + locally_connected_recipes()
            + pooling_recipes()
            + shape_recipes() + image_preprocessing_recipes() + cnn_lstm_recipes() + conv_lstm_recipes())

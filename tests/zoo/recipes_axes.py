"""Recipes for the layers that act over chosen axes: normalizations over a non-last axis and over
several axes (also inside TimeDistributed), LayerNormalization rms_scaling, RMSNormalization,
Softmax over time, Permute of sequences and of 2-d steps, Rescaling by numbers and by arrays."""

from __future__ import annotations

from tests.zoo.spec import ONLY_KERAS3, ONLY_TF_KERAS, Recipe, floats, seq

SHAPE = (6, 4)
STEPS_2D = (5, 3, 2)  # time, then a 3 x 2 feature grid


def normalization_recipes() -> list[Recipe]:
    inp = (floats(*SHAPE, scale=2.0),)
    return [
        Recipe("batchnorm_time_axis", seq(SHAPE, lambda L: [
            L.LSTM(4, return_sequences=True), L.BatchNormalization(axis=1),
            L.BatchNormalization(axis=-2, center=False, epsilon=0.01), L.GRU(3)]), inp,
            ("batchnormalization", "axis", "lstm", "gru")),
        Recipe("batchnorm_axis_list", seq(SHAPE, lambda L: [
            L.BatchNormalization(axis=[1, 2]), L.LSTM(3, return_sequences=True),
            L.BatchNormalization(axis=[-1, 1], scale=False)]), inp,
            ("batchnormalization", "axis_list", "lstm"), runtimes=ONLY_TF_KERAS,
            note="Keras 3 BatchNormalization takes one axis"),
        Recipe("layernorm_time_axis", seq(SHAPE, lambda L: [
            L.LSTM(4, return_sequences=True), L.LayerNormalization(axis=1, center=False),
            L.LayerNormalization(axis=[-1, -2], scale=False), L.GRU(2)]), inp,
            ("layernormalization", "axis", "axis_list", "lstm", "gru")),
        Recipe("layernorm_rms_scaling", seq(SHAPE, lambda L: [
            L.LSTM(4, return_sequences=True), L.LayerNormalization(rms_scaling=True),
            L.LayerNormalization(axis=[1, 2], rms_scaling=True, epsilon=0.01), L.Dense(2)]), inp,
            ("layernormalization", "rms_scaling", "lstm"), runtimes=ONLY_KERAS3,
            note="rms_scaling is new in Keras 3"),
        Recipe("rmsnorm_axes", seq(SHAPE, lambda L: [
            L.RMSNormalization(axis=[1, 2], epsilon=0.01), L.LSTM(6, return_sequences=True),
            L.RMSNormalization(axis=1), L.GRU(2)]), inp,
            ("rmsnormalization", "axis", "axis_list", "lstm", "gru"), runtimes=ONLY_KERAS3,
            note="RMSNormalization is new in Keras 3; over axis 1 of [6, 6] its scale multiplies the last "
                 "axis (Keras broadcasts the stored scale; other sizes fail in Keras)"),
        Recipe("td_normalization_axes", seq(STEPS_2D, lambda L: [
            L.TimeDistributed(L.BatchNormalization(axis=1)),
            L.TimeDistributed(L.LayerNormalization(axis=[1, 2])),
            L.TimeDistributed(L.Softmax(axis=1)), L.Reshape((5, 6)), L.LSTM(3)]),
            (floats(*STEPS_2D, scale=2.0),),
            ("timedistributed", "batchnormalization", "layernormalization", "softmax_layer", "lstm")),
    ]


def shape_recipes() -> list[Recipe]:
    return [
        Recipe("softmax_time_axis", seq(SHAPE, lambda L: [
            L.Dense(4), L.Softmax(axis=1), L.LSTM(3, return_sequences=True), L.Softmax(axis=[1, 2])]),
            (floats(*SHAPE, scale=2.0),), ("softmax_layer", "axis", "dense", "lstm")),
        Recipe("permute_identity", seq(SHAPE, lambda L: [
            L.Permute((1, 2)), L.LSTM(3, return_sequences=True), L.Permute((2, 1)), L.Dense(2)]),
            (floats(*SHAPE),), ("permute", "lstm", "dense")),
        Recipe("permute_steps_2d", seq(STEPS_2D, lambda L: [
            L.Permute((3, 1, 2)), L.TimeDistributed(L.Permute((2, 1))), L.Reshape((6, 5)), L.LSTM(3)]),
            (floats(*STEPS_2D),), ("permute", "timedistributed", "reshape", "lstm")),
        Recipe("rescaling_broadcast", seq(SHAPE, lambda L: [
            L.Rescaling(0.5, offset=[0.1, -0.2, 0.3, 0.0]),
            L.Rescaling([[2.0], [1.0], [0.5], [-1.0], [1.5], [0.25]], offset=-0.25), L.LSTM(3)]),
            (floats(*SHAPE, scale=3.0),), ("rescaling", "lstm")),
    ]


def recipes() -> list[Recipe]:
    return normalization_recipes() + shape_recipes()
